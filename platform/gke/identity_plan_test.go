package gke

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func identitySpec() platform.WorkloadIdentitySpec {
	return platform.WorkloadIdentitySpec{
		Name:           "cert-manager",
		Cluster:        &platform.ClusterOutputs{},
		Namespace:      "cert-manager",
		ServiceAccount: "cert-manager",
		Grants: []platform.Grant{
			{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String("projects/acme-dns-prod/managedZones/dev-acme-example")},
			{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String("acme-backups")},
			{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String("acme-backups-dr")},
		},
	}
}

func TestPlanIdentity(t *testing.T) {
	got := planIdentity(identitySpec())
	want := identityPlan{
		Account: serviceAccountPlan{Name: "cert-manager-identity", AccountID: "cert-manager-wi", DisplayName: "Workload identity cert-manager"},
		Binding: "cert-manager-workload-identity-user", Namespace: "cert-manager", ServiceAccount: "cert-manager",
		Grants: []grantPlan{
			// roles/dns.admin on the one managed zone, named for what it is.
			{Name: "cert-manager-dns-zone-admin", Role: "roles/dns.admin", Level: "managedZone", Index: 0},
			{Name: "cert-manager-object-storage-writer", Role: "roles/storage.objectAdmin", Level: "bucket", Index: 1},
			{Name: "cert-manager-object-storage-writer-2", Role: "roles/storage.objectAdmin", Level: "bucket", Index: 2},
		},
		// One signer however many buckets: it is about the account itself.
		Signer: &signerPlan{
			Role: customRolePlan{
				Name: "cert-manager-url-signer-role", RoleID: "plinth.cert_manager.urlSigner",
				Title: "Plinth URL signer", Description: urlSigner.Description,
				Permissions: []string{"iam.serviceAccounts.signBlob"},
			},
			Binding: "cert-manager-url-signer",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
}

// GrantDiskSnapshotOperator becomes a custom role per grant, in the grant's
// project, with exactly the compute permissions velero-plugin-for-gcp
// documents; no grant role but object storage brings the URL signer.
func TestPlanDiskSnapshotGrants(t *testing.T) {
	got := planIdentity(platform.WorkloadIdentitySpec{
		Name: "velero", Namespace: "velero", ServiceAccount: "velero",
		Grants: []platform.Grant{
			{Role: platform.GrantDiskSnapshotOperator, Scope: pulumi.String("acme-platform-prod")},
			{Role: platform.GrantDiskSnapshotOperator, Scope: pulumi.String("acme-platform-dr")},
		},
	})
	if got.Signer != nil {
		t.Errorf("signer %+v without an object storage grant", got.Signer)
	}
	permissions := []string{
		"compute.disks.create",
		"compute.disks.createSnapshot",
		"compute.disks.get",
		"compute.projects.get",
		"compute.snapshots.create",
		"compute.snapshots.delete",
		"compute.snapshots.get",
		"compute.snapshots.setLabels",
		"compute.snapshots.useReadOnly",
		"compute.zones.get",
	}
	want := []grantPlan{
		{Name: "velero-disk-snapshot-operator", Level: "project", Index: 0, Custom: &customRolePlan{
			Name: "velero-disk-snapshot-operator-role", RoleID: "plinth.velero.diskSnapshotOperator",
			Title: "Plinth disk snapshot operator", Description: diskSnapshotOperator.Description, Permissions: permissions,
		}},
		{Name: "velero-disk-snapshot-operator-2", Level: "project", Index: 1, Custom: &customRolePlan{
			Name: "velero-disk-snapshot-operator-2-role", RoleID: "plinth.velero.diskSnapshotOperator2",
			Title: "Plinth disk snapshot operator", Description: diskSnapshotOperator.Description, Permissions: permissions,
		}},
	}
	if !reflect.DeepEqual(got.Grants, want) {
		t.Errorf("grants:\n%+v\nwant\n%+v", got.Grants, want)
	}
	// The plan holds a copy: editing it cannot change the next plan.
	got.Grants[0].Custom.Permissions[0] = "compute.instances.delete"
	if diskSnapshotOperator.Permissions[0] != "compute.disks.create" {
		t.Error("the plan shares the role's permission slice")
	}
}

// Every logical name the contract accepts gives valid, distinct custom role
// IDs.
func TestRoleIDs(t *testing.T) {
	seen := map[string]string{}
	for n := 1; n <= platform.MaxNameLength; n++ {
		for _, name := range []string{"a" + strings.Repeat("b", n-1), "x" + strings.Repeat("-9", (n-1)/2) + strings.Repeat("z", (n-1)%2)} {
			if platform.ValidateName("name", name) != nil {
				continue
			}
			for _, suffix := range []string{diskSnapshotOperator.Suffix, urlSigner.Suffix} {
				for i := 1; i <= 3; i++ {
					id := roleID(name, suffix, i)
					if !customRoleID.MatchString(id) {
						t.Errorf("%q -> %q: not a valid custom role ID", name, id)
					}
					key := fmt.Sprint(name, suffix, i)
					if other, dup := seen[id]; dup && other != key {
						t.Errorf("%s and %s both -> %q", key, other, id)
					}
					seen[id] = key
				}
			}
		}
	}
	if roleID("x-9", "urlSigner", 1) == roleID("x9", "urlSigner", 1) {
		t.Error("'-' is dropped, not rewritten")
	}
}

// Grant names follow the role, not the position: dropping the DNS grant
// leaves the storage grants' names (and so their bindings) alone.
func TestGrantNamesSurviveRemoval(t *testing.T) {
	s := identitySpec()
	s.Grants = s.Grants[1:]
	got := planIdentity(s).Grants
	if got[0].Name != "cert-manager-object-storage-writer" || got[1].Name != "cert-manager-object-storage-writer-2" {
		t.Errorf("grants renamed after a removal: %+v", got)
	}
}

// Every logical name the contract accepts gives a service-account ID GCP
// accepts, and distinct names give distinct IDs.
func TestAccountIDs(t *testing.T) {
	seen := map[string]string{}
	var names []string
	for n := 1; n <= platform.MaxNameLength; n++ {
		names = append(names, "a"+strings.Repeat("b", n-1), "x"+strings.Repeat("-9", (n-1)/2)+strings.Repeat("z", (n-1)%2))
	}
	names = append(names, "cert-manager", "velero", "external-dns", "a1", "ab", "abc")
	for _, name := range names {
		if platform.ValidateName("name", name) != nil {
			continue
		}
		id := accountID(name)
		if !serviceAccountID.MatchString(id) {
			t.Errorf("%q -> %q: not a valid service-account ID", name, id)
		}
		if other, dup := seen[id]; dup && other != name {
			t.Errorf("%q and %q both -> %q", name, other, id)
		}
		seen[id] = name
		if node := platform.ChildName(name, "nodes"); !serviceAccountID.MatchString(node) {
			t.Errorf("cluster %q: node service account ID %q is invalid", name, node)
		}
	}
	if len(seen) < 40 {
		t.Errorf("only %d names checked", len(seen))
	}
}

func TestValidateIdentitySpec(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *platform.WorkloadIdentitySpec)
		want   string
	}{
		{"no cluster", func(s *platform.WorkloadIdentitySpec) { s.Cluster = nil }, "workloadIdentity.cluster: required"},
		{"no namespace", func(s *platform.WorkloadIdentitySpec) { s.Namespace = "" }, "workloadIdentity.namespace: required"},
		{"no service account", func(s *platform.WorkloadIdentitySpec) { s.ServiceAccount = "" }, "workloadIdentity.serviceAccount: required"},
		{"unknown role", func(s *platform.WorkloadIdentitySpec) { s.Grants[1].Role = "owner" }, `workloadIdentity.grants[1].role "owner": not a grant role`},
		{"no scope", func(s *platform.WorkloadIdentitySpec) { s.Grants[0].Scope = nil }, "workloadIdentity.grants[0].scope: required"},
		{"role of another cloud", func(s *platform.WorkloadIdentitySpec) { s.Grants[2].Role = "Storage Blob Data Contributor" }, `workloadIdentity.grants[2].role "Storage Blob Data Contributor": not a grant role`},
		{"name too long", func(s *platform.WorkloadIdentitySpec) { s.Name = strings.Repeat("a", 30) }, `workloadIdentity.name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": gives the Google service account ID`},
	}
	for _, tt := range tests {
		s := identitySpec()
		tt.mutate(&s)
		if err := validateIdentitySpec(s, "workloadIdentity"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := validateIdentitySpec(identitySpec(), "workloadIdentity"); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
	s := identitySpec()
	s.Grants = append(s.Grants, platform.Grant{Role: platform.GrantDiskSnapshotOperator, Scope: pulumi.String("acme-platform-prod")})
	if err := validateIdentitySpec(s, "workloadIdentity"); err != nil {
		t.Errorf("disk snapshot grant rejected: %v", err)
	}
}

func TestLimit(t *testing.T) {
	long := strings.Repeat("x", 300)
	if got := limit(long, maxDescription); len(got) != maxDescription {
		t.Errorf("limit kept %d bytes", len(got))
	}
	if got := limit("short", maxDescription); got != "short" {
		t.Errorf("limit changed a short string: %q", got)
	}
}

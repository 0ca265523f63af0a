package gke

import (
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
			{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String("acme-dns-prod")},
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
			{Name: "cert-manager-dns-zone-contributor", Role: "roles/dns.admin", Level: "project", Index: 0},
			{Name: "cert-manager-object-storage-writer", Role: "roles/storage.objectAdmin", Level: "bucket", Index: 1},
			{Name: "cert-manager-object-storage-writer-2", Role: "roles/storage.objectAdmin", Level: "bucket", Index: 2},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
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

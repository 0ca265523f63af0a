package stacks_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/stacks"
)

// TestSnapshotsAreCurrent fails when a committed snapshot no longer matches
// what the stack renders: the reviewer would read a stale graph.
func TestSnapshotsAreCurrent(t *testing.T) {
	for _, env := range stacks.All() {
		t.Run(env.Name, func(t *testing.T) {
			snap, err := stacks.Render(env)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			got, err := snap.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("..", stacks.SnapshotPath(env.Name))
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run `make snapshots` to create it", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: the stack renders differently. Run `make snapshots` and review the diff before committing it.", stacks.SnapshotPath(env.Name))
			}
		})
	}
}

func TestRendersAreDeterministic(t *testing.T) {
	env, err := stacks.Lookup("prod-aks")
	if err != nil {
		t.Fatal(err)
	}
	var out [2][]byte
	for i := range out {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		out[i], _ = snap.Marshal()
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Error("two renders of prod-aks differ")
	}
}

// TestEveryCustomResourceUsesTheStackProvider checks that no resource
// uses a default provider: Kubernetes objects go through the cluster's
// provider, cloud resources through the stack's explicit cloud provider.
func TestEveryCustomResourceUsesTheStackProvider(t *testing.T) {
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range snap.Resources {
			if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			pkg, _, _ := strings.Cut(r.Type, ":")
			want := "::pulumi:providers:" + pkg + "::" + env.Name + "::"
			switch pkg {
			case "kubernetes":
				want = "$pulumi:providers:kubernetes::" + env.Name + "-kubernetes::"
			case "azuread":
				want = "::pulumi:providers:azuread::" + env.Name + "-azuread::"
			}
			if !strings.Contains(r.Provider, want) {
				t.Errorf("%s: %s %s uses provider %q, want one containing %q", env.Name, r.Type, r.Name, r.Provider, want)
			}
		}
	}
}

func TestLookupUnknownStack(t *testing.T) {
	_, err := stacks.Lookup("prod")
	if err == nil || err.Error() != `no environment "prod"; the reference stacks are [dev-aks staging-aks prod-aks dev-gke staging-gke prod-gke]` {
		t.Errorf("error = %v", err)
	}
}

// TestStatefulResourcesAreProtected checks that where the environment
// protects (production and staging) every resource of the network and the
// cluster is protected, that production backup storage and Backup for GKE
// plans are protected too, and that nothing else is. Cluster services hold no state of their own and
// stay unprotected, so that they can be replaced.
func TestStatefulResourcesAreProtected(t *testing.T) {
	stateful := map[string]bool{
		"plinth:components:Network": true,
		"plinth:components:Cluster": true,
	}
	storage := map[string]bool{
		"azure-native:storage:StorageAccount":              true,
		"azure-native:storage:BlobContainer":               true,
		"azure-native:authorization:ManagementLockByScope": true,
		"azure-native:resources:ResourceGroup":             true, // Velero's snapshots
		"gcp:storage/bucket:Bucket":                        true,
		// What the account is reached through: its private endpoint, the
		// endpoint's DNS zone group, the private DNS zone and its link.
		"azure-native:network/v20240501:PrivateEndpoint":     true,
		"azure-native:network/v20240501:PrivateDnsZoneGroup": true,
		"azure-native:network/v20240601:PrivateZone":         true,
		"azure-native:network/v20240601:VirtualNetworkLink":  true,
	}
	// The metrics store and the log bucket, protected in production.
	observabilityStores := map[string]bool{
		"azure-native:monitor:AzureMonitorWorkspace":          true,
		"gcp:logging/projectBucketConfig:ProjectBucketConfig": true,
	}
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		if env.Production() && !env.Protect {
			t.Errorf("%s: production without Protect", env.Name)
		}
		protected := 0
		for _, r := range snap.Resources {
			if strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			// The component directly under the Platform.
			top := &r
			for top.Parent != "" && snap.ByURN(top.Parent).Type != environment.TypeToken {
				top = snap.ByURN(top.Parent)
			}
			backupStorage := storage[r.Type] && strings.HasPrefix(r.Name, env.Name+"-backup-") ||
				r.Type == "gcp:gkebackup/backupPlan:BackupPlan" || secretStore(&r) || registryStore(&r) || dnsZone(&r) || edgeName(&r)
			want := env.Protect && stateful[top.Type] || env.Production() && (backupStorage || observabilityStores[r.Type] || teamKept(&r)) ||
				imagePolicy(&r) && enforced(env)
			if r.Protect != want {
				t.Errorf("%s (%s): %s %s protect = %v, want %v", env.Name, env.Class, r.Type, r.Name, r.Protect, want)
			}
			if r.Protect {
				protected++
			}
		}
		if env.Protect && protected == 0 {
			t.Errorf("%s: nothing is protected", env.Name)
		}
	}
}

// TestProductionStatefulResourcesAreRetained checks that in production
// every cloud resource whose registry marks its type stateful is retained
// on delete (and, with TestStatefulResourcesAreProtected, protected), and
// that nothing else is retained but the lock on the retained backup
// storage and what the account is reached through (its private endpoint,
// DNS zone group and zone link): a retained role assignment or firewall
// rule would outlive its replacement. Outside production nothing is
// retained. Directory groups and team namespaces (teamKept) count as
// stateful.
func TestProductionStatefulResourcesAreRetained(t *testing.T) {
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		retained := 0
		for _, r := range snap.Resources {
			typ, _ := typeregistry.All.LookupAnyVersion(r.Type)
			cloud := strings.HasPrefix(r.Type, "azure-native:") || strings.HasPrefix(r.Type, "gcp:")
			statefulCloud := r.Custom && (cloud && typ.Stateful || teamKept(&r))
			// The lock, and what the retained account is reached through
			// (its private endpoint, the endpoint's DNS zone group and the
			// zone's VNet link; the zone itself is stateful), are retained
			// with the backup storage.
			backupLock := slices.Contains([]string{"-backup-storage-lock", "-backup-blob-endpoint", "-backup-blob-dns-group", "-backup-blob-dns-link"},
				strings.TrimPrefix(r.Name, env.Name)) ||
				secretStore(&r) && r.Type != "azure-native:keyvault:Vault" && r.Type != "azure-native:network/v20240601:PrivateZone"
			want := env.Production() && (statefulCloud || backupLock || registryStore(&r) || dnsZone(&r) || edgeName(&r)) || imagePolicy(&r) && enforced(env)
			if r.RetainOnDelete != want {
				t.Errorf("%s (%s): %s %s retainOnDelete = %v, want %v", env.Name, env.Class, r.Type, r.Name, r.RetainOnDelete, want)
			}
			if r.RetainOnDelete {
				retained++
			}
		}
		if env.Production() && retained == 0 {
			t.Errorf("%s: nothing is retained", env.Name)
		}
	}
}

// TestEnvironmentsAreApart checks the six stacks side by side: distinct
// names and address spaces. (Each is validated on its own by every render:
// Program validates before it registers anything.)
func TestEnvironmentsAreApart(t *testing.T) {
	if err := environment.ValidateSet(stacks.All()); err != nil {
		t.Error(err)
	}
}

// TestInvalidEnvironmentIsNotRendered: Render reports the validation
// problems themselves, one per line, before the program runs.
func TestInvalidEnvironmentIsNotRendered(t *testing.T) {
	env, err := stacks.Lookup("prod-aks")
	if err != nil {
		t.Fatal(err)
	}
	env.Backup, env.Lock = nil, false
	snap, err := stacks.Render(env)
	var list *field.ErrorList
	if snap != nil || !errors.As(err, &list) {
		t.Fatalf("Render = %v, %v; want no snapshot and a *field.ErrorList", snap, err)
	}
	want := "backup: required: a production environment is backed up; set backup (an empty mapping takes the production defaults)\n" +
		"lock false: a production environment locks its resource groups against deletion; set lock to true, or give unlockReason (e.g. the change ticket) while a deliberate change needs the lock lifted"
	if err.Error() != want {
		t.Errorf("err =\n%v\nwant\n%s", err, want)
	}
}

// teamKept reports whether r is what production keeps of the teams'
// access: a directory group (it holds its members) or a team's namespace
// (its workloads and volumes; labeled team).
func teamKept(r *snapshot.Resource) bool {
	switch r.Type {
	case "azuread:index/group:Group", "gcp:cloudidentity/group:Group", "plinthfake:index:Group":
		return true
	case "kubernetes:core/v1:Namespace":
		labels, _ := r.Inputs["metadata"].(map[string]any)["labels"].(map[string]any)
		return labels["team"] != nil
	}
	return false
}

// registryStore reports whether r is part of the environment's registry
// that production keeps with its images: the registry (an Azure Container
// Registry or an Artifact Registry repository), and on Azure its private
// endpoint, DNS zone group, private DNS zone and VNet link.
func registryStore(r *snapshot.Resource) bool {
	if !strings.Contains(r.Parent, "plinth:components:Registry") {
		return false
	}
	switch r.Type {
	case "azure-native:containerregistry/v20241101preview:Registry", "gcp:artifactregistry/repository:Repository",
		"azure-native:network/v20240501:PrivateEndpoint", "azure-native:network/v20240501:PrivateDnsZoneGroup",
		"azure-native:network/v20240601:PrivateZone", "azure-native:network/v20240601:VirtualNetworkLink":
		return true
	}
	return false
}

// dnsZone reports whether r is one of the environment's DNS zones, or
// what keeps one signed and linked, which production keeps: the names in
// them and the delegation pointing at them outlive a stack.
func dnsZone(r *snapshot.Resource) bool {
	if !strings.Contains(r.Parent, "plinth:components:DNS") {
		return false
	}
	switch r.Type {
	case "azure-native:network/v20230701preview:Zone", "azure-native:network/v20230701preview:DnssecConfig",
		"azure-native:network/v20240601:PrivateZone", "azure-native:network/v20240601:VirtualNetworkLink",
		"gcp:dns/managedZone:ManagedZone":
		return true
	}
	return false
}

// edgeName reports whether r is what production keeps of the edge because
// its public names point at it: the Front Door profile, endpoint and
// custom domains, the global address.
func edgeName(r *snapshot.Resource) bool {
	if !strings.Contains(r.Parent, "plinth:components:Edge") {
		return false
	}
	switch r.Type {
	case "azure-native:cdn:Profile", "azure-native:cdn:AFDEndpoint", "azure-native:cdn:AFDCustomDomain", "gcp:compute/globalAddress:GlobalAddress":
		return true
	}
	return false
}

// imagePolicy reports whether r is a GKE project's Binary Authorization
// policy, which an enforced environment protects and retains: deleting it
// resets the project to Google's default, which admits every image.
func imagePolicy(r *snapshot.Resource) bool {
	return r.Type == "gcp:binaryauthorization/policy:Policy"
}

// enforced reports whether env's guardrails deny.
func enforced(env environment.Environment) bool {
	return env.Guardrails != nil && env.Guardrails.Mode != guardrails.ModeAudit
}

// secretStore reports whether r is part of a team's secret store that
// production keeps with its vault: the vault, its CanNotDelete lock, its
// private endpoint and DNS zone group, and the store's private DNS zone
// and VNet link (the secret store's children named "-vault").
func secretStore(r *snapshot.Resource) bool {
	if !strings.Contains(r.Parent, "plinth:components:Secrets") {
		return false
	}
	switch r.Type {
	case "azure-native:keyvault:Vault", "azure-native:authorization:ManagementLockByScope",
		"azure-native:network/v20240501:PrivateEndpoint", "azure-native:network/v20240501:PrivateDnsZoneGroup",
		"azure-native:network/v20240601:PrivateZone", "azure-native:network/v20240601:VirtualNetworkLink":
		return true
	}
	return false
}

package stacks_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/stacks"
)

// TestCertManagerRunsOnItsOwnIdentity follows the whole chain of the
// write-up's cert-manager incident through the prod-aks stack, as deployed:
// the federated credential trusts exactly cert-manager's service account,
// the chart gives that service account the identity's client ID and its
// pods the webhook label, every Azure DNS solver names the same client ID,
// and the identity may change exactly the stack's DNS zone.
func TestCertManagerRunsOnItsOwnIdentity(t *testing.T) {
	env, err := stacks.Lookup("prod-aks")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := stacks.Render(env)
	if err != nil {
		t.Fatal(err)
	}
	fed := snap.Find("azure-native:managedidentity:FederatedIdentityCredential", "prod-aks-cert-manager-federation")
	if got := platformtest.Input(t, fed, "subject"); got != "system:serviceaccount:cert-manager:cert-manager" {
		t.Errorf("federated subject %v", got)
	}
	if got := platformtest.Input(t, fed, "resourceName"); got != "prod-aks-cert-manager-identity" {
		t.Errorf("federated credential on %v, want cert-manager's own identity", got)
	}

	release := snap.Find("kubernetes:helm.sh/v3:Release", "prod-aks-cert-manager-release")
	annotations := platformtest.Input(t, release, "values.serviceAccount.annotations").(map[string]any)
	clientID, _ := annotations["azure.workload.identity/client-id"].(string)
	if clientID == "" {
		t.Fatalf("cert-manager's service account has no client-id annotation: %v", annotations)
	}
	if got := platformtest.Input(t, release, "values.podLabels").(map[string]any)["azure.workload.identity/use"]; got != "true" {
		t.Errorf("cert-manager pods lack the azure.workload.identity/use label: %v", got)
	}

	solvers := 0
	for _, issuer := range snap.OfType("kubernetes:cert-manager.io/v1:ClusterIssuer") {
		acme, ok := issuer.Input("spec.acme.solvers")
		if !ok {
			continue
		}
		for _, s := range acme.([]any) {
			azure, ok := s.(map[string]any)["dns01"].(map[string]any)["azureDNS"].(map[string]any)
			if !ok {
				t.Errorf("%s: a solver without azureDNS on AKS: %v", issuer.Name, s)
				continue
			}
			solvers++
			if got := azure["managedIdentity"].(map[string]any)["clientID"]; got != clientID {
				t.Errorf("%s: solver uses client ID %v, the service account %s", issuer.Name, got, clientID)
			}
		}
	}
	if solvers != 2 {
		t.Errorf("%d Azure DNS solvers, want one per ACME issuer (production and staging)", solvers)
	}

	// The zone the DNS component created, in the environment's resource
	// group.
	created := snap.Find("azure-native:network/v20230701preview:Zone", "prod-aks-zone")
	zone := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/" + platformtest.Input(t, created, "resourceGroupName").(string) +
		"/providers/Microsoft.Network/dnszones/" + platformtest.Input(t, created, "zoneName").(string)
	grant := snap.Find("azure-native:authorization:RoleAssignment", "prod-aks-cert-manager-dns-zone-contributor-1")
	if got := platformtest.Input(t, grant, "scope"); got != zone {
		t.Errorf("DNS grant at %v, want exactly the zone %s", got, zone)
	}
	if got := platformtest.Input(t, grant, "roleDefinitionId").(string); !strings.HasSuffix(got, "/befefa01-2a29-4197-83a8-272ff33ce314") {
		t.Errorf("DNS grant role %s, want DNS Zone Contributor", got)
	}
	principal := platformtest.Input(t, grant, "principalId")
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if ra.Name != grant.Name && platformtest.Input(t, ra, "principalId") == principal {
			t.Errorf("cert-manager's identity also holds %s at %v", ra.Name, platformtest.Input(t, ra, "scope"))
		}
	}
}

package aks_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	vaultType           = "azure-native:keyvault:Vault"
	roleAssignments     = "azure-native:authorization:RoleAssignment"
	keyVaultSecretsUser = roleDefs + "4633458b-17de-408a-b874-0445c86b69e6"
	keyVaultSecretsOfcr = roleDefs + "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
	writerA             = "7d2c1b0a-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
	writerB             = "8e3d2c1b-2f3a-4b4c-8d5e-6f7a8b9c0d1e"
	vaultZoneID         = rgScope + "/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
)

var secretsExpectations = platformtest.SecretsExpectations{
	Writers:      map[string][]string{"payments": {writerA, writerB}},
	ReaderRole:   keyVaultSecretsUser,
	WriterRole:   keyVaultSecretsOfcr,
	StoreType:    vaultType,
	EndpointType: privateEndpoints,
	EndpointSubnet: func(t testing.TB, r *platformtest.Resource) string {
		s, _ := platformtest.Input(t, r, "subnet.id").(string)
		return s
	},
	Grants: func(t testing.TB, r *platformtest.Resource) []platformtest.SecretGrant {
		if r.Type != roleAssignments {
			return nil
		}
		str := func(p string) string { s, _ := platformtest.Input(t, r, p).(string); return s }
		return []platformtest.SecretGrant{{Role: str("roleDefinitionId"), Scope: str("scope"), Principal: str("principalId")}}
	},
	TagsProperty: aks.TagsProperty,
}

func TestSecretsConformance(t *testing.T) {
	platformtest.SecretsConformance(t, func(ctx *pulumi.Context) (platformtest.SecretsTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	}, secretsExpectations)
}

// renderSecrets renders the prod network and cluster of renderCluster and,
// under a test component "secrets", the suite's store (private and locked
// as given, changed by mutate); it returns the store's error in err.
func renderSecrets(t *testing.T, private, locked bool, mutate func(*platform.SecretStoreSpec)) (snap *platformtest.Snapshot, err error) {
	t.Helper()
	snap, rerr := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, e := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if e != nil {
			return e
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, e := b.NewNetwork(ctx, netSpec)
		if e != nil {
			return e
		}
		spec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, e := b.NewCluster(ctx, spec)
		if e != nil {
			return e
		}
		parent := &testComponent{}
		if e := ctx.RegisterComponentResource("plinth:test:Secrets", "secrets", parent); e != nil {
			return e
		}
		s := platformtest.SecretStoreSpec(secretsExpectations, private, locked)
		s.Cluster, s.Network = cluster, spec.Network
		if mutate != nil {
			mutate(&s)
		}
		_, err = b.NewSecretStore(ctx, s, pulumi.Parent(parent))
		return nil
	})
	if rerr != nil {
		t.Fatal(rerr)
	}
	return snap, err
}

var vaultNameRE = regexp.MustCompile(`^kvpayments[0-9a-f]{8}$`)

// TestSecretStoreVaults: a vault per team with RBAC, purge protection,
// the spec's soft delete, the backend's tenant, no access policies and no
// public access; each reachable through its own endpoint in the
// private-endpoints subnet, recorded in the store's one vaultcore zone,
// which is linked to the cluster's VNet; locked vaults carry a
// CanNotDelete lock and are protected and retained with what reaches them.
func TestSecretStoreVaults(t *testing.T) {
	snap, err := renderSecrets(t, true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	vault := snap.Find(vaultType, "secrets-payments-vault")
	name, _ := platformtest.Input(t, vault, "vaultName").(string)
	if !vaultNameRE.MatchString(name) {
		t.Errorf("vault name %q; want kvpayments<8 hex>", name)
	}
	expect(t, vault, map[string]any{
		"resourceGroupName":                    "prod-rg",
		"location":                             "westeurope",
		"properties.tenantId":                  tenant,
		"properties.sku.name":                  "standard",
		"properties.enableRbacAuthorization":   true,
		"properties.enablePurgeProtection":     true,
		"properties.enableSoftDelete":          true,
		"properties.softDeleteRetentionInDays": 90.0,
		"properties.publicNetworkAccess":       "Disabled",
		"properties.networkAcls.defaultAction": "Deny",
		"properties.networkAcls.bypass":        "None",
		"properties.accessPolicies":            []any{},
	})
	if !vault.Protect || !vault.RetainOnDelete {
		t.Error("a locked vault is protected and retained")
	}
	vaultID := rgScope + "/providers/Microsoft.KeyVault/vaults/" + name
	lock := snap.Find("azure-native:authorization:ManagementLockByScope", "secrets-payments-vault-lock")
	expect(t, lock, map[string]any{"scope": vaultID, "level": "CanNotDelete"})
	if !lock.Protect || !lock.RetainOnDelete {
		t.Error("the vault's lock is protected and retained with it")
	}

	if n := len(snap.OfType(privateZones)); n != 1 {
		t.Errorf("%d private zones; want one for the store, shared by the teams", n)
	}
	zone := snap.Find(privateZones, "secrets-vault-dns")
	expect(t, zone, map[string]any{"privateZoneName": "privatelink.vaultcore.azure.net", "location": "global"})
	expect(t, snap.Find("azure-native:network/v20240601:VirtualNetworkLink", "secrets-vault-dns-link"), map[string]any{
		"virtualNetwork.id": vnetID, "registrationEnabled": false,
	})
	endpoint := snap.Find(privateEndpoints, "secrets-payments-vault-endpoint")
	expect(t, endpoint, map[string]any{
		"subnet.id": vnetID + "/subnets/private-endpoints",
		"privateLinkServiceConnections": []any{map[string]any{
			"name": "secrets-payments-vault", "privateLinkServiceId": vaultID, "groupIds": []any{"vault"},
		}},
	})
	expect(t, snap.Find(zoneGroups, "secrets-payments-vault-dns-group"), map[string]any{
		"privateEndpointName":   "secrets-payments-vault-endpoint",
		"privateDnsZoneConfigs": []any{map[string]any{"name": "privatelink-vaultcore-azure-net", "privateDnsZoneId": vaultZoneID}},
	})
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "secrets-") && r.Custom && r.Type != roleAssignments &&
			!strings.Contains(r.Type, "managedidentity") && (!r.Protect || !r.RetainOnDelete) {
			t.Errorf("%s %s of a locked store is not protected and retained", r.Type, r.Name)
		}
	}
}

// TestSecretStoreGrants: the team's identity is federated for exactly
// its service account and holds Key Vault Secrets User on exactly its own
// vault; each writer group Key Vault Secrets Officer on the same vault.
func TestSecretStoreGrants(t *testing.T) {
	snap, err := renderSecrets(t, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := platformtest.Input(t, snap.Find(vaultType, "secrets-payments-vault"), "vaultName").(string)
	vaultID := rgScope + "/providers/Microsoft.KeyVault/vaults/" + name
	fed := snap.Find("azure-native:managedidentity:FederatedIdentityCredential", "secrets-payments-federation")
	expect(t, fed, map[string]any{
		"subject": "system:serviceaccount:payments:secrets-reader", "resourceName": "secrets-payments-identity",
		"audiences": []any{"api://AzureADTokenExchange"},
	})
	issuer, _ := platformtest.Input(t, fed, "issuer").(string)
	if !strings.HasPrefix(issuer, "https://") {
		t.Errorf("issuer %q; want the cluster's OIDC issuer", issuer)
	}
	reader := snap.Find(roleAssignments, "secrets-payments-secrets-user")
	expect(t, reader, map[string]any{"scope": vaultID, "roleDefinitionId": keyVaultSecretsUser, "principalType": "ServicePrincipal"})
	for i, w := range []string{writerA, writerB} {
		officer := snap.Find(roleAssignments, "secrets-payments-secrets-officer-"+string(rune('1'+i)))
		expect(t, officer, map[string]any{"scope": vaultID, "roleDefinitionId": keyVaultSecretsOfcr, "principalId": w, "principalType": "Group"})
	}
	for _, r := range snap.OfType(vaultType) {
		if r.Protect {
			t.Errorf("%s is protected although the store is not locked", r.Name)
		}
	}
	if snap.Find("azure-native:authorization:ManagementLockByScope", "secrets-payments-vault-lock") != nil {
		t.Error("an unlocked store's vault is locked")
	}
}

// TestSecretStoreRefusals: a private store without a private-endpoints
// subnet, and a backend without a tenant, are refused before anything is
// registered; a public store needs no subnet and opens its vaults.
func TestSecretStoreRefusals(t *testing.T) {
	snap, err := renderSecrets(t, true, true, func(s *platform.SecretStoreSpec) {
		s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
	})
	if err == nil || !strings.Contains(err.Error(), `secretStore.network.spec.subnets: required: a subnet with role "private-endpoints"`) {
		t.Errorf("a private store without an endpoint subnet: %v", err)
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "secrets-") {
			t.Errorf("%s %s registered for a refused store", r.Type, r.Name)
		}
	}
	snap, err = renderSecrets(t, false, false, func(s *platform.SecretStoreSpec) {
		s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
	})
	if err != nil {
		t.Fatalf("a public store without an endpoint subnet: %v", err)
	}
	expect(t, snap.Find(vaultType, "secrets-search-vault"), map[string]any{
		"properties.publicNetworkAccess": "Enabled", "properties.networkAcls.defaultAction": "Allow",
	})
	if n := len(snap.OfType(privateEndpoints)) + len(snap.OfType(privateZones)); n != 0 {
		t.Errorf("a public store has %d endpoints and zones", n)
	}
}

package aks_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const keyVaultCryptoUser = roleDefs + "12338af0-0e69-4776-bea7-57ae8d297424"

// renderKMSCluster renders the test cluster with Secrets encryption,
// rotated every 30 days, retained as production retains it when retain.
func renderKMSCluster(t *testing.T, retain bool) (*platformtest.Snapshot, *rendered) {
	return renderCluster(t, func(s *platform.ClusterSpec) {
		s.SecretsEncryption = &platform.SecretsEncryptionSpec{KeyRotationDays: 30}
		s.Retain = retain
	})
}

// TestKMSVaultKeyAndGrant checks the key vault, its key and the control
// plane's only right on them: Key Vault Crypto User on exactly the vault.
func TestKMSVaultKeyAndGrant(t *testing.T) {
	snap, out := renderKMSCluster(t, true)
	vault := snap.Find("azure-native:keyvault:Vault", "prod-kms-vault")
	key := snap.Find("azure-native:keyvault:Key", "prod-kms-key")
	if vault == nil || key == nil {
		t.Fatalf("vault %v, key %v: want both", vault != nil, key != nil)
	}
	name, _ := platformtest.Input(t, vault, "vaultName").(string)
	if !strings.HasPrefix(name, "kmsprod") || len(name) != len("kmsprod")+8 {
		t.Errorf("vault name %q, want kmsprod and 8 hex characters", name)
	}
	expect(t, vault, map[string]any{
		"resourceGroupName":                    "prod-rg",
		"properties.tenantId":                  tenant,
		"properties.sku.name":                  "standard",
		"properties.enableRbacAuthorization":   true,
		"properties.enablePurgeProtection":     true,
		"properties.enableSoftDelete":          true,
		"properties.softDeleteRetentionInDays": float64(90),
		"properties.publicNetworkAccess":       "Enabled",
		"properties.networkAcls.defaultAction": "Allow",
		"properties.networkAcls.bypass":        "None",
		"tags.environment":                     "prod",
	})
	if ap := lookup(vault.Inputs, "properties", "accessPolicies"); ap != nil {
		t.Errorf("vault has access policies %v; RBAC alone decides who uses the key", ap)
	}
	expect(t, key, map[string]any{
		"vaultName":          name,
		"keyName":            "kubernetes-secrets",
		"properties.kty":     "RSA",
		"properties.keySize": float64(2048),
		"properties.keyOps":  []any{"encrypt", "decrypt"},
		"tags.environment":   "prod",
	})
	actions := platformtest.Input(t, key, "properties.rotationPolicy.lifetimeActions")
	want := []any{map[string]any{"action": map[string]any{"type": "Rotate"}, "trigger": map[string]any{"timeAfterCreate": "P30D"}}}
	if !reflect.DeepEqual(actions, want) {
		t.Errorf("rotation policy's lifetime actions %v, want %v", actions, want)
	}
	if exp := lookup(key.Inputs, "properties", "rotationPolicy", "attributes"); exp != nil {
		t.Errorf("key versions expire (%v); AKS would lose the version it still uses", exp)
	}

	vaultID := rgScope + "/providers/Microsoft.KeyVault/vaults/" + name
	var crypto []*platformtest.Resource
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, ra, "roleDefinitionId") == keyVaultCryptoUser {
			crypto = append(crypto, ra)
		}
	}
	if len(crypto) != 1 || crypto[0].Name != "prod-control-plane-kms-crypto-user" {
		t.Fatalf("Key Vault Crypto User assignments %v, want exactly prod-control-plane-kms-crypto-user", crypto)
	}
	expect(t, crypto[0], map[string]any{
		"scope":         vaultID,
		"principalId":   out.get(t, "controlPlane"),
		"principalType": "ServicePrincipal",
	})

	cluster := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	keyID := "https://" + name + ".vault.azure.net/keys/kubernetes-secrets/"
	kms, _ := platformtest.Input(t, cluster, "securityProfile.azureKeyVaultKms").(map[string]any)
	if got, _ := kms["keyId"].(string); !strings.HasPrefix(got, keyID) || len(got) != len(keyID)+32 {
		t.Errorf("keyId %q, want the key's current version, %s<32 hex>", got, keyID)
	}
	delete(kms, "keyId")
	if want := map[string]any{"enabled": true, "keyVaultNetworkAccess": "Public"}; !reflect.DeepEqual(kms, want) {
		t.Errorf("azureKeyVaultKms = %v, want %v and the keyId", kms, want)
	}
	// AKS turns KMS on only once the control plane may use the key.
	if !slices.Contains(cluster.DependsOn, crypto[0].URN) {
		t.Errorf("the cluster does not wait for %s; dependsOn %v", crypto[0].Name, cluster.DependsOn)
	}
	for _, r := range []*platformtest.Resource{vault, key} {
		if !r.Protect || !r.RetainOnDelete {
			t.Errorf("%s: protect %v, retainOnDelete %v; a production cluster's key is kept", r.Name, r.Protect, r.RetainOnDelete)
		}
	}
}

func TestKMSNotRetainedOutsideProduction(t *testing.T) {
	snap, _ := renderKMSCluster(t, false)
	for _, typ := range []string{"azure-native:keyvault:Vault", "azure-native:keyvault:Key"} {
		for _, r := range snap.OfType(typ) {
			if r.Protect || r.RetainOnDelete {
				t.Errorf("%s: protect %v, retainOnDelete %v outside production", r.Name, r.Protect, r.RetainOnDelete)
			}
		}
	}
}

func TestNoKMSWithoutSecretsEncryption(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	for _, typ := range []string{"azure-native:keyvault:Vault", "azure-native:keyvault:Key"} {
		if n := len(snap.OfType(typ)); n != 0 {
			t.Errorf("%d %s without SecretsEncryption", n, typ)
		}
	}
	cluster := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	if kms := lookup(cluster.Inputs, "securityProfile", "azureKeyVaultKms"); kms != nil {
		t.Errorf("azureKeyVaultKms = %v without SecretsEncryption", kms)
	}
}

// lookup returns the input at keys, or nil where it is absent.
func lookup(inputs map[string]any, keys ...string) any {
	var v any = inputs
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

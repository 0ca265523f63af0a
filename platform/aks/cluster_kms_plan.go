package aks

import (
	"fmt"
	"regexp"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// KMS etcd encryption settings that are not spec fields: what AKS's KMS
// plugin needs, or the secure choice with no alternative a stack would pick
// (docs/components/cluster.md#secrets-encryption).
const (
	// kmsVaultPurpose prefixes the key vault's Azure name (kmsVaultName).
	kmsVaultPurpose = "kms"
	// kmsKeyName is the key's name in its vault; the vault holds no other.
	kmsKeyName = "kubernetes-secrets"
	// kmsKeyType and kmsKeySize are the key AKS's KMS plugin wraps the API
	// server's data keys with: RSA 2048, what the AKS guide creates
	// (az keyvault key create's default).
	kmsKeyType = "RSA"
	kmsKeySize = 2048
	// kmsVaultSKU: keys in software; "premium" (HSM) costs per key and
	// operation and is not needed for a wrapping key.
	kmsVaultSKU = "standard"
	// kmsSoftDeleteDays is how long a deleted vault or key stays
	// recoverable: Azure's longest. Azure fixes it when the vault is
	// created.
	kmsSoftDeleteDays = 90
	// kmsNetworkAccess is the cluster's keyVaultNetworkAccess. "Private"
	// (the vault's public access disabled, AKS reaching it through a
	// private link of its own) needs API Server VNet Integration, which
	// API 2024-10-01 does not have, and the Key Vault Contributor role for
	// the control plane on the vault; a public vault with a firewall is
	// not supported by the KMS plugin. So the vault's endpoint is public,
	// and Azure RBAC is what guards the key: only the control plane may use
	// it.
	kmsNetworkAccess = "Public"
	// kmsPublicNetworkAccess and kmsNetworkDefaultAction leave the vault's
	// endpoint open, as kmsNetworkAccess "Public" requires;
	// kmsNetworkBypass lets no service past RBAC either way.
	kmsPublicNetworkAccess  = "Enabled"
	kmsNetworkDefaultAction = "Allow"
	kmsNetworkBypass        = "None"
	// kmsRotateAction is the rotation policy's lifetime action.
	kmsRotateAction = "Rotate"
)

// kmsKeyOps are the only operations the key allows: the KMS plugin
// encrypts and decrypts the API server's data keys with it.
var kmsKeyOps = []string{"encrypt", "decrypt"}

// roleKeyVaultCryptoUser performs cryptographic operations with a vault's
// keys (keys/encrypt, decrypt, wrapKey, unwrapKey, sign, verify, read) and
// cannot create, change, delete or export them. The control-plane identity
// gets it on exactly the cluster's KMS vault.
const roleKeyVaultCryptoUser roleDefinition = "12338af0-0e69-4776-bea7-57ae8d297424"

// keyVaultNamePattern is what Azure accepts as a vault name: 3-24
// letters, digits and '-', starting with a letter, ending with a letter or
// digit, no "--".
var keyVaultNamePattern = regexp.MustCompile(`^[a-zA-Z](-?[a-zA-Z0-9])+$`)

// kmsPlan is the cloud-side shape of a ClusterSpec's SecretsEncryption on
// AKS, computed without Pulumi. The vault's Azure name is not in it: it
// depends on the cluster's resource group, an output (see kmsVaultName).
type kmsPlan struct {
	// Vault, Key and Grant are the Pulumi names of the vault, its key and
	// the control plane's Key Vault Crypto User role on the vault.
	Vault, Key, Grant string
	// SKU, RBACAuthorization, PurgeProtection, SoftDelete and
	// SoftDeleteDays are the vault's settings.
	SKU                                            string
	RBACAuthorization, PurgeProtection, SoftDelete bool
	SoftDeleteDays                                 int
	// PublicNetworkAccess, NetworkDefaultAction and NetworkBypass are the
	// vault's network settings (see kmsNetworkAccess).
	PublicNetworkAccess, NetworkDefaultAction, NetworkBypass string
	// KeyName, KeyType, KeySize and KeyOps describe the key.
	KeyName, KeyType string
	KeySize          int
	KeyOps           []string
	// RotateAfter is the rotation policy's trigger, an ISO 8601 duration
	// ("P90D"): Key Vault makes a new key version that long after the
	// current one was created. No expiry: AKS keeps using the version the
	// cluster names until the cluster is updated, and a version that
	// expired under it would stop the API server reading Secrets.
	RotateAfter string
	// NetworkAccess is the cluster's keyVaultNetworkAccess.
	NetworkAccess string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the vault and
	// the key: a cluster whose key is gone cannot read its Secrets.
	Protect bool
}

// planKMS plans the key vault and key of spec's Secrets encryption; nil
// when spec.SecretsEncryption is nil.
func planKMS(spec platform.ClusterSpec) *kmsPlan {
	e := spec.SecretsEncryption
	if e == nil {
		return nil
	}
	n := spec.Name
	return &kmsPlan{
		Vault:                platform.ChildName(n, "kms-vault"),
		Key:                  platform.ChildName(n, "kms-key"),
		Grant:                platform.ChildName(n, "control-plane-kms-crypto-user"),
		SKU:                  kmsVaultSKU,
		RBACAuthorization:    true,
		PurgeProtection:      true,
		SoftDelete:           true,
		SoftDeleteDays:       kmsSoftDeleteDays,
		PublicNetworkAccess:  kmsPublicNetworkAccess,
		NetworkDefaultAction: kmsNetworkDefaultAction,
		NetworkBypass:        kmsNetworkBypass,
		KeyName:              kmsKeyName,
		KeyType:              kmsKeyType,
		KeySize:              kmsKeySize,
		KeyOps:               append([]string(nil), kmsKeyOps...),
		RotateAfter:          fmt.Sprintf("P%dD", e.KeyRotationDays),
		NetworkAccess:        kmsNetworkAccess,
		Protect:              spec.Retain,
	}
}

// checkKMS reports what Key Vault needs beyond the validated spec.
func checkKMS(path field.Path, spec platform.ClusterSpec) []*field.Error {
	e := spec.SecretsEncryption
	if e == nil {
		return nil
	}
	if d := e.KeyRotationDays; d < 7 || d > 730 {
		return []*field.Error{field.Invalid(path.Child("secretsEncryption").Child("keyRotationDays"), d,
			"Key Vault rotates a key after 7 to 730 days here; resolve the spec with components/cluster")}
	}
	return nil
}

// kmsVaultName is the KMS vault's Azure name: "kms", the logical name
// without hyphens and 8 hex characters of a hash of the subscription,
// resource group and name, so it is globally unique (vault names are DNS
// names) and never changes unless those do. A deleted vault keeps its name
// for kmsSoftDeleteDays (purge protection), so a cluster recreated in the
// same group under the same name within that time must recover the vault
// instead (docs/components/cluster.md#secrets-encryption).
func kmsVaultName(subscriptionID, resourceGroup, name string) (string, error) {
	vault := storageAccountName(kmsVaultPurpose, name, subscriptionID, resourceGroup)
	if !keyVaultNamePattern.MatchString(vault) || len(vault) > 24 {
		return "", field.Invalid(field.NewPath("cluster").Child("name"), name,
			"gives the key vault name %q; Azure takes 3-24 letters, digits and '-'", vault)
	}
	return vault, nil
}

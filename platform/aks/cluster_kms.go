package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterKMS is the cluster's KMS key and the grant the cluster waits for.
type clusterKMS struct {
	vault *keyvault.Vault
	key   *keyvault.Key
	grant pulumi.Resource
}

// newClusterKMS registers the key vault that holds the cluster's KMS key
// (RBAC authorization, purge protection, soft delete), the key with its
// rotation policy, and Key Vault Crypto User for the control-plane identity
// on exactly that vault. Nothing when p is nil.
//
// With p.Protect the vault and the key are protected and retained on
// delete. Azure never deletes a key through ARM anyway: a key leaves the
// stack only with its vault, which soft delete and purge protection keep
// recoverable for kmsSoftDeleteDays.
func (b *Backend) newClusterKMS(ctx *pulumi.Context, c clusterWiring, p *kmsPlan, controlPlane *managedidentity.UserAssignedIdentity) (*clusterKMS, error) {
	if p == nil {
		return nil, nil
	}
	sub, name := b.cfg.SubscriptionID, c.name
	vaultName := c.rg.ApplyT(func(rg string) (string, error) {
		return kmsVaultName(sub, rg, name)
	}).(pulumi.StringOutput)
	// Protected with p.Protect; otherwise the key inherits its parent's
	// protection, as the environment's Protect sets it (staging).
	var protect []pulumi.ResourceOption
	if p.Protect {
		protect = append(protect, pulumi.Protect(true))
	}
	keep := b.retained(c.opts, p.Protect, protect...)
	vault, err := keyvault.NewVault(ctx, p.Vault, &keyvault.VaultArgs{
		VaultName:         vaultName,
		ResourceGroupName: c.rg,
		Location:          c.location,
		Properties: &keyvault.VaultPropertiesArgs{
			TenantId:                  pulumi.String(b.cfg.TenantID),
			Sku:                       &keyvault.SkuArgs{Family: pulumi.String("A"), Name: keyvault.SkuName(p.SKU)},
			EnableRbacAuthorization:   pulumi.Bool(p.RBACAuthorization),
			EnablePurgeProtection:     pulumi.Bool(p.PurgeProtection),
			EnableSoftDelete:          pulumi.Bool(p.SoftDelete),
			SoftDeleteRetentionInDays: pulumi.Int(p.SoftDeleteDays),
			PublicNetworkAccess:       pulumi.String(p.PublicNetworkAccess),
			NetworkAcls: &keyvault.NetworkRuleSetArgs{
				DefaultAction: pulumi.String(p.NetworkDefaultAction),
				Bypass:        pulumi.String(p.NetworkBypass),
			},
		},
		Tags: c.tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	key, err := keyvault.NewKey(ctx, p.Key, &keyvault.KeyArgs{
		KeyName:           pulumi.String(p.KeyName),
		VaultName:         vault.Name,
		ResourceGroupName: c.rg,
		Properties: &keyvault.KeyPropertiesArgs{
			Kty:     pulumi.String(p.KeyType),
			KeySize: pulumi.Int(p.KeySize),
			KeyOps:  pulumi.ToStringArray(p.KeyOps),
			RotationPolicy: &keyvault.RotationPolicyArgs{
				LifetimeActions: keyvault.LifetimeActionArray{
					keyvault.LifetimeActionArgs{
						Action:  &keyvault.ActionArgs{Type: keyvault.KeyRotationPolicyActionType(kmsRotateAction)},
						Trigger: &keyvault.TriggerArgs{TimeAfterCreate: pulumi.String(p.RotateAfter)},
					},
				},
			},
		},
		Tags: c.tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	// The vault, never its resource group or subscription: the control
	// plane can use this vault's keys and nothing else's.
	grant, err := b.assignRole(ctx, p.Grant, roleKeyVaultCryptoUser, vault.ID().ToStringOutput(), controlPlane.PrincipalId, c.opts)
	if err != nil {
		return nil, err
	}
	return &clusterKMS{vault: vault, key: key, grant: grant}, nil
}

package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	privatedns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240601"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewSecretStore creates an environment's secret store on Azure: one Key
// Vault per team, in the cluster's resource group.
//
// Why a vault per team: Azure RBAC on Key Vault data is granted at a vault
// or at one existing secret, never at a name prefix, and teams add their
// secrets after the store is deployed. A vault shared by the environment
// would give a team's identity either every secret of the vault or, per
// secret, a role assignment someone would have to add for each new secret.
// With a vault of its own, the team's identity reads its secrets, all of
// them, including those added later, and nothing else; its writers
// likewise. Vaults cost nothing of their own (operations are billed), so
// the per-team vault costs no more than a shared one.
//
// Each team's vault, "<name>-<team>-vault", named "kv<team><hash>"
// (vaultName: globally unique and stable), has:
//
//   - RBAC authorization (enableRbacAuthorization) and no access
//     policies: data access only through role assignments;
//   - soft delete for spec.SoftDeleteDays and purge protection, which
//     cannot be turned off: a deleted vault or secret stays recoverable
//     that long and no one can purge it before;
//   - the Entra tenant of the backend (Config.TenantID, required);
//   - when spec.Private, public network access Disabled and a firewall
//     that denies everything with no bypass for trusted Azure services:
//     the CSI driver on the nodes reads through the vault's private
//     endpoint, Pulumi manages the vault through ARM (which network rules
//     do not govern), and no Plinth component relies on a trusted
//     service; a team that needs one (an App Service, a deployment
//     template reading a secret) is reached through a private endpoint
//     too. Otherwise public access, firewall Allow (development
//     environments, written to from engineers' machines);
//   - when spec.Private, a private endpoint "<name>-<team>-vault-endpoint"
//     (group ID "vault") in the network's private-endpoints subnet and its
//     DNS zone group "<name>-<team>-vault-dns-group", writing its record
//     into the store's one private DNS zone privatelink.vaultcore.azure.net
//     ("<name>-vault-dns", linked to the cluster's VNet by
//     "<name>-vault-dns-link"), which all teams' endpoints share;
//   - a workload identity "<name>-<team>" (NewWorkloadIdentity: a
//     user-assigned identity federated with the cluster's OIDC issuer for
//     exactly system:serviceaccount:<namespace>:<service account>) with
//     Key Vault Secrets User on exactly this vault
//     ("<name>-<team>-secrets-user");
//   - for each writer group, Key Vault Secrets Officer on exactly this
//     vault ("<name>-<team>-secrets-officer-<k>"): create, change, delete
//     and recover secrets, never change who has access;
//   - when spec.Locked, pulumi.Protect and pulumi.RetainOnDelete on the
//     vault, its endpoint and zone group, the zone and its link, and a
//     CanNotDelete management lock "<name>-<team>-vault-lock" (protected
//     and retained too) on the vault, so that neither Pulumi nor anyone in
//     the portal deletes it. The lock does not stop writers changing or
//     deleting secrets (data-plane operations).
//
// With a private store, writers write secrets from inside the network
// (or through an approved path to the endpoint): the vault refuses every
// data-plane request from outside, from a laptop too. Pulumi never writes
// secrets.
//
// One VNet resolves through one zone of a name: two private stores in one
// VNet, or a VNet linked to an organization's central
// privatelink.vaultcore.azure.net zone, cannot both link theirs; Plinth
// does not support central zones yet.
func (b *Backend) NewSecretStore(ctx *pulumi.Context, spec platform.SecretStoreSpec, opts ...pulumi.ResourceOption) (*platform.SecretStoreOutputs, error) {
	plan, err := planSecretStore(b.cfg, spec)
	if err != nil {
		return nil, err
	}
	sub := b.cfg.SubscriptionID
	tags := pulumi.ToStringMap(plan.Tags)
	rg := spec.Cluster.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	keep := b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))

	var zone *privatedns.PrivateZone
	if plan.Zone != nil {
		if zone, _, err = b.newPrivateZone(ctx, *plan.Zone, spec.Network.Outputs.ID, rg, tags, keep); err != nil {
			return nil, err
		}
	}
	out := &platform.SecretStoreOutputs{Teams: map[string]platform.TeamSecrets{}}
	for _, tp := range plan.Teams {
		team := spec.Teams[tp.Index]
		name := rg.ApplyT(func(rg string) string { return vaultName(sub, rg, spec.Name, team.Team) }).(pulumi.StringOutput)
		teamTags := pulumi.ToStringMap(spec.TeamTags(team))
		vault, err := b.newVault(ctx, plan, tp, name, rg, teamTags, keep)
		if err != nil {
			return nil, err
		}
		vaultID := vault.ID().ToStringOutput()
		if tp.Endpoint != nil {
			endpoint, err := b.newPrivateEndpoint(ctx, *tp.Endpoint, spec.Network.Outputs.Subnets[plan.EndpointSubnet].ID, vaultID, rg, teamTags, keep)
			if err != nil {
				return nil, err
			}
			if _, err := b.newZoneGroup(ctx, *tp.Endpoint, endpoint, zone.ID().ToStringOutput(), rg, keep); err != nil {
				return nil, err
			}
		}
		identity, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: tp.Identity, Cluster: spec.Cluster, Namespace: team.Namespace, ServiceAccount: team.ServiceAccount, Tags: spec.TeamTags(team),
		}, opts...)
		if err != nil {
			return nil, err
		}
		if _, err := b.assignRole(ctx, tp.Reader, tp.ReaderRole, vaultID, identity.PrincipalID, opts); err != nil {
			return nil, err
		}
		for k, w := range team.Writers {
			if _, err := b.assignToGroup(ctx, tp.Writers[k], tp.WriterRole, vaultID, w.ToStringOutput(), opts); err != nil {
				return nil, err
			}
		}
		out.Teams[team.Team] = platform.TeamSecrets{
			Team:           team.Team,
			Store:          vault.Name,
			URI:            vault.Name.ApplyT(vaultURI).(pulumi.StringOutput),
			Namespace:      team.Namespace,
			ServiceAccount: team.ServiceAccount,
			TenantID:       b.cfg.TenantID,
			Identity:       identity,
		}
	}
	return out, nil
}

// newVault registers a team's vault, named name in resource group rg,
// with the plan's settings, and, when the plan is Locked, its management
// lock.
func (b *Backend) newVault(ctx *pulumi.Context, plan secretStorePlan, tp secretTeamPlan, name, rg pulumi.StringOutput, tags pulumi.StringMap, keep []pulumi.ResourceOption) (*keyvault.Vault, error) {
	vault, err := keyvault.NewVault(ctx, tp.Vault, &keyvault.VaultArgs{
		VaultName:         name,
		ResourceGroupName: rg,
		Location:          pulumi.String(b.cfg.Location),
		Properties: &keyvault.VaultPropertiesArgs{
			TenantId:                  pulumi.String(plan.TenantID),
			Sku:                       &keyvault.SkuArgs{Family: pulumi.String(plan.Family), Name: keyvault.SkuName(plan.SKU)},
			EnableRbacAuthorization:   pulumi.Bool(plan.RBAC),
			EnableSoftDelete:          pulumi.Bool(true),
			SoftDeleteRetentionInDays: pulumi.Int(plan.SoftDeleteDays),
			EnablePurgeProtection:     pulumi.Bool(plan.PurgeProtection),
			// RBAC only: access policies are ignored, and none are set.
			AccessPolicies:      keyvault.AccessPolicyEntryArray{},
			PublicNetworkAccess: pulumi.String(plan.PublicNetworkAccess),
			NetworkAcls: &keyvault.NetworkRuleSetArgs{
				DefaultAction: pulumi.String(plan.NetworkDefaultAction),
				Bypass:        pulumi.String(plan.NetworkBypass),
			},
			EnabledForDeployment:         pulumi.Bool(false),
			EnabledForDiskEncryption:     pulumi.Bool(false),
			EnabledForTemplateDeployment: pulumi.Bool(false),
		},
		Tags: tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	if plan.Locked {
		// The lock is protected and retained with the vault: a destroy
		// must not remove it and then stop at the protected vault.
		if _, err := authorization.NewManagementLockByScope(ctx, tp.Lock, &authorization.ManagementLockByScopeArgs{
			Scope:    vault.ID().ToStringOutput(),
			LockName: pulumi.String(tp.LockName),
			Level:    pulumi.String(vaultLockLevel),
			Notes:    pulumi.String(tp.LockNotes),
		}, keep...); err != nil {
			return nil, err
		}
	}
	return vault, nil
}

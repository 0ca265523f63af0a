package aks

import (
	containerregistry "github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2/v20241101preview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewRegistry creates an environment's container registry on Azure: an
// Azure Container Registry "<name>-registry" in the cluster's resource
// group, named "cr<name><hash>" (registryName: globally unique and
// stable), with:
//
//   - the Premium tier, zone redundancy, no admin user and no anonymous
//     pull: every pull and push signs in with Entra ID and is authorized
//     by a role assignment on this registry;
//   - when spec.UntaggedRetentionDays > 0, the retention policy that
//     deletes untagged manifests after that many days; otherwise untagged
//     manifests are kept;
//   - when spec.Private, public network access Disabled and the export
//     policy disabled (no image leaves through import or export
//     pipelines), a private endpoint "<name>-registry-endpoint" (group ID
//     "registry") in the network's private-endpoints subnet, and its DNS
//     zone group "<name>-registry-dns-group" writing the login server's
//     and data endpoint's records into the private DNS zone
//     privatelink.azurecr.io ("<name>-registry-dns", linked to the
//     cluster's VNet by "<name>-registry-dns-link"). Trusted Azure
//     services pass the network rules (networkRuleBypassOptions
//     AzureServices), so that Microsoft Defender for Containers can pull
//     the images it scans; nothing else from outside the VNet reaches the
//     registry. Otherwise public access, for development environments
//     pushed to from engineers' machines;
//   - AcrPull for the cluster's kubelet identity (spec.Cluster.NodeIdentity)
//     on exactly this registry ("<name>-acr-pull"), and AcrPush for each of
//     spec.Pushers on exactly this registry ("<name>-acr-push-<k>"), both
//     as service principals;
//   - when spec.Locked, pulumi.Protect and pulumi.RetainOnDelete on the
//     registry, its endpoint and zone group, and the zone and its link:
//     production images are what a rollback needs.
//
// The registry uses API version 2024-11-01-preview, the only one in the
// SDK that can set anonymousPullEnabled explicitly (the stable 2022-12-01
// has no such property), so that a registry whose anonymous pull was
// turned on by hand shows a diff and is turned back.
//
// The returned Prefix is "<registry name>.azurecr.io/", the login server
// of Azure's public cloud; ID the registry's ARM ID.
//
// One VNet resolves through one zone of a name: two private registries of
// Plinth in one VNet, or a VNet linked to an organization's central
// privatelink.azurecr.io zone, cannot both link theirs; Plinth does not
// support central zones yet.
func (b *Backend) NewRegistry(ctx *pulumi.Context, spec platform.RegistrySpec, opts ...pulumi.ResourceOption) (*platform.RegistryOutputs, error) {
	plan, err := planRegistry(spec)
	if err != nil {
		return nil, err
	}
	sub := b.cfg.SubscriptionID
	tags := pulumi.ToStringMap(plan.Tags)
	rg := spec.Cluster.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	keep := b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))
	name := rg.ApplyT(func(rg string) (string, error) { return registryName(sub, rg, spec.Name) }).(pulumi.StringOutput)

	registry, err := containerregistry.NewRegistry(ctx, plan.Registry, &containerregistry.RegistryArgs{
		RegistryName:         name,
		ResourceGroupName:    rg,
		Location:             pulumi.String(b.cfg.Location),
		Sku:                  &containerregistry.SkuArgs{Name: pulumi.String(plan.SKU)},
		AdminUserEnabled:     pulumi.Bool(plan.AdminUser),
		AnonymousPullEnabled: pulumi.Bool(plan.AnonymousPull),
		ZoneRedundancy:       pulumi.String(plan.ZoneRedundancy),
		PublicNetworkAccess:  pulumi.String(plan.PublicNetworkAccess),
		// See networkBypassAzureServices: Defender for Containers scans
		// the images only if it can pull them.
		NetworkRuleBypassOptions: pulumi.String(plan.NetworkBypass),
		Policies: &containerregistry.PoliciesArgs{
			RetentionPolicy: &containerregistry.RetentionPolicyArgs{
				Status: pulumi.String(plan.RetentionStatus),
				Days:   pulumi.Int(plan.RetentionDays),
			},
			ExportPolicy: &containerregistry.ExportPolicyArgs{Status: pulumi.String(plan.ExportStatus)},
		},
		Tags: tags,
	}, keep...)
	if err != nil {
		return nil, err
	}
	registryID := registry.ID().ToStringOutput()
	if plan.Endpoint != nil {
		zone, _, err := b.newPrivateZone(ctx, *plan.Zone, spec.Network.Outputs.ID, rg, tags, keep)
		if err != nil {
			return nil, err
		}
		endpoint, err := b.newPrivateEndpoint(ctx, *plan.Endpoint, spec.Network.Outputs.Subnets[plan.EndpointSubnet].ID, registryID, rg, tags, keep)
		if err != nil {
			return nil, err
		}
		if _, err := b.newZoneGroup(ctx, *plan.Endpoint, endpoint, zone.ID().ToStringOutput(), rg, keep); err != nil {
			return nil, err
		}
	}
	// The kubelet identity is a managed identity: a service principal.
	if _, err := b.assignRole(ctx, plan.Puller, plan.PullRole, registryID, spec.Cluster.NodeIdentity, opts); err != nil {
		return nil, err
	}
	for k, pusher := range spec.Pushers {
		if _, err := b.assignRole(ctx, plan.Pushers[k], plan.PushRole, registryID, pulumi.String(pusher), opts); err != nil {
			return nil, err
		}
	}
	return &platform.RegistryOutputs{
		ID:     registryID,
		Prefix: registry.Name.ApplyT(registryPrefix).(pulumi.StringOutput),
	}, nil
}

package aks

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	privatedns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240601"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Private Link is how Plinth reaches a PaaS resource (backup storage, Key
// Vault) only from the cluster's network: a private endpoint in the
// network's private-endpoints subnet, a private DNS zone for the service's
// privatelink name linked to the VNet, and the endpoint's DNS zone group,
// which writes the endpoint's A record into that zone. Inside the VNet the
// resource's usual name then resolves to the endpoint's private address.
//
// One VNet resolves through one zone of a name: a VNet linked to another
// zone of the same name (an organization's central DNS hub) cannot take
// these links; Plinth does not support central zones yet.

// privateZonePlan is a private DNS zone and its link to the cluster's VNet.
type privateZonePlan struct {
	// Zone is the zone's Pulumi name; ZoneName its Azure name (e.g.
	// privatelink.vaultcore.azure.net), in the cluster's resource group;
	// ZoneLocation its location ("global").
	Zone, ZoneName, ZoneLocation string
	// Link is the Pulumi and Azure name of the zone's link to the VNet;
	// AutoRegistration is off (the zone holds only endpoints' records).
	Link             string
	AutoRegistration bool
}

// privateEndpointPlan is one private endpoint and its DNS zone group.
type privateEndpointPlan struct {
	// Name is the endpoint's Pulumi and Azure name; NIC the name of the
	// network interface Azure creates for it, and Connection the name of
	// its connection to the resource.
	Name, NIC, Connection string
	// Subresource is the resource's sub-resource (group ID) the endpoint
	// reaches: "blob", "vault".
	Subresource string
	// ZoneGroup is the Pulumi name of the endpoint's DNS zone group;
	// ZoneGroupName its Azure name and ZoneConfig the name of its one zone
	// config.
	ZoneGroup, ZoneGroupName, ZoneConfig string
}

// zone returns the backup storage's private DNS zone and VNet link.
func (e endpointPlan) zone() privateZonePlan {
	return privateZonePlan{Zone: e.Zone, ZoneName: e.ZoneName, ZoneLocation: e.ZoneLocation, Link: e.Link, AutoRegistration: e.AutoRegistration}
}

// endpoint returns the backup storage's private endpoint and zone group.
func (e endpointPlan) endpoint() privateEndpointPlan {
	return privateEndpointPlan{
		Name: e.Name, NIC: e.NIC, Connection: e.Connection, Subresource: e.Subresource,
		ZoneGroup: e.ZoneGroup, ZoneGroupName: e.ZoneGroupName, ZoneConfig: e.ZoneConfig,
	}
}

// newPrivateZone registers the private DNS zone z in resource group rg
// and its link to the VNet vnetID, each with opts (which carry the
// backend's provider and any protection).
func (b *Backend) newPrivateZone(ctx *pulumi.Context, z privateZonePlan, vnetID, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*privatedns.PrivateZone, *privatedns.VirtualNetworkLink, error) {
	zone, err := privatedns.NewPrivateZone(ctx, z.Zone, &privatedns.PrivateZoneArgs{
		PrivateZoneName:   pulumi.String(z.ZoneName),
		ResourceGroupName: rg,
		Location:          pulumi.String(z.ZoneLocation),
		Tags:              tags,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	link, err := privatedns.NewVirtualNetworkLink(ctx, z.Link, &privatedns.VirtualNetworkLinkArgs{
		VirtualNetworkLinkName: pulumi.String(z.Link),
		PrivateZoneName:        zone.Name,
		ResourceGroupName:      rg,
		Location:               pulumi.String(z.ZoneLocation),
		VirtualNetwork:         &privatedns.SubResourceArgs{Id: vnetID.ToStringPtrOutput()},
		RegistrationEnabled:    pulumi.Bool(z.AutoRegistration),
		Tags:                   tags,
	}, opts...)
	if err != nil {
		return nil, nil, err
	}
	return zone, link, nil
}

// newPrivateEndpoint registers the private endpoint e for the resource
// target (an ARM ID) in the subnet subnetID, in resource group rg.
func (b *Backend) newPrivateEndpoint(ctx *pulumi.Context, e privateEndpointPlan, subnetID, target, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*network.PrivateEndpoint, error) {
	return network.NewPrivateEndpoint(ctx, e.Name, &network.PrivateEndpointArgs{
		PrivateEndpointName:        pulumi.String(e.Name),
		ResourceGroupName:          rg,
		Location:                   pulumi.String(b.cfg.Location),
		Subnet:                     &network.SubnetTypeArgs{Id: subnetID.ToStringPtrOutput()},
		CustomNetworkInterfaceName: pulumi.String(e.NIC),
		PrivateLinkServiceConnections: network.PrivateLinkServiceConnectionArray{
			&network.PrivateLinkServiceConnectionArgs{
				Name:                 pulumi.String(e.Connection),
				PrivateLinkServiceId: target.ToStringPtrOutput(),
				GroupIds:             pulumi.StringArray{pulumi.String(e.Subresource)},
			},
		},
		Tags: tags,
	}, opts...)
}

// newZoneGroup registers the DNS zone group of endpoint e, which keeps its
// A record in the zone zoneID.
func (b *Backend) newZoneGroup(ctx *pulumi.Context, e privateEndpointPlan, endpoint *network.PrivateEndpoint, zoneID, rg pulumi.StringOutput, opts []pulumi.ResourceOption) (*network.PrivateDnsZoneGroup, error) {
	return network.NewPrivateDnsZoneGroup(ctx, e.ZoneGroup, &network.PrivateDnsZoneGroupArgs{
		PrivateDnsZoneGroupName: pulumi.String(e.ZoneGroupName),
		PrivateEndpointName:     endpoint.Name,
		ResourceGroupName:       rg,
		PrivateDnsZoneConfigs: network.PrivateDnsZoneConfigArray{
			&network.PrivateDnsZoneConfigArgs{
				Name:             pulumi.String(e.ZoneConfig),
				PrivateDnsZoneId: zoneID.ToStringPtrOutput(),
			},
		},
	}, opts...)
}

package aks

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewNetwork creates the Azure network for spec. See the package
// documentation of components/network for what it creates.
//
// When spec.Locked, the network's resource group (which the AKS cluster
// shares) gets a CanNotDelete management lock, "<name>-rg-lock", itself
// protected by pulumi.Protect. Azure then refuses to delete the group and
// anything in it, to whoever asks: deleting or replacing the cluster, the
// VNet, a subnet or a user node pool in that group needs the lock lifted
// first, through the stack, never by hand: set Locked to false, run
// `pulumi state unprotect` on the lock (Pulumi deletes no protected
// resource, even one the program dropped), then pulumi up. Changes
// that delete nothing (scaling, upgrades, stopping and starting the
// cluster) are not affected. A group given in Config.ResourceGroupName is
// locked the same way.
func (b *Backend) NewNetwork(ctx *pulumi.Context, spec platform.NetworkSpec, opts ...pulumi.ResourceOption) (*platform.NetworkOutputs, error) {
	plan := planNetwork(b.cfg, spec)
	tags := pulumi.ToStringMap(plan.Tags)
	n := spec.Name

	rgName, err := b.newNetworkResourceGroup(ctx, n, plan, tags, opts)
	if err != nil {
		return nil, err
	}

	// Subnets are separate resources; the VNet ignores its inline subnet list
	// so that an update of the VNet never removes them.
	vnet, err := network.NewVirtualNetwork(ctx, platform.ChildName(n, "vnet"), &network.VirtualNetworkArgs{
		VirtualNetworkName: pulumi.String(plan.VNet),
		ResourceGroupName:  rgName,
		Location:           pulumi.String(b.cfg.Location),
		AddressSpace:       &network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(plan.AddressSpace)}},
		Tags:               tags,
	}, b.retained(opts, spec.Retain, pulumi.IgnoreChanges([]string{"subnets"}))...)
	if err != nil {
		return nil, err
	}

	out := &platform.NetworkOutputs{
		ID:        vnet.ID().ToStringOutput(),
		Name:      vnet.Name,
		Subnets:   map[platform.SubnetRole]platform.SubnetOutputs{},
		EgressIPs: pulumi.ToStringArray(nil).ToStringArrayOutput(),
	}

	var natID pulumi.StringInput
	if plan.NAT != nil {
		nat, ips, err := b.newNAT(ctx, n, plan, rgName, tags, opts)
		if err != nil {
			return nil, err
		}
		natID, out.EgressIPs = nat.ID(), ips
	}

	if out.Subnets, err = b.newSubnets(ctx, n, plan, rgName, vnet, natID, tags, opts); err != nil {
		return nil, err
	}

	if plan.FlowLog != nil {
		if err := b.newFlowLog(ctx, n, plan, rgName, vnet, tags, opts); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newNetworkResourceGroup registers the network's resource group when the
// plan creates it, and its lock when the plan has one, and returns the
// group's name: the created group's, or the configured one.
func (b *Backend) newNetworkResourceGroup(ctx *pulumi.Context, n string, plan networkPlan, tags pulumi.StringMap, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if !plan.CreateResourceGroup {
		if plan.Lock != nil {
			scope := pulumi.Sprintf("/subscriptions/%s/resourceGroups/%s", b.cfg.SubscriptionID, plan.ResourceGroup)
			if err := b.lockResourceGroup(ctx, *plan.Lock, scope, nil, opts); err != nil {
				return pulumi.StringOutput{}, err
			}
		}
		return pulumi.String(plan.ResourceGroup).ToStringOutput(), nil
	}
	rg, err := resources.NewResourceGroup(ctx, platform.ChildName(n, "rg"), &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(plan.ResourceGroup),
		Location:          pulumi.String(b.cfg.Location),
		Tags:              tags,
	}, b.retained(opts, plan.Retain)...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if plan.Lock != nil {
		if err := b.lockResourceGroup(ctx, *plan.Lock, rg.ID().ToStringOutput(), []pulumi.Resource{rg}, opts); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	return rg.Name, nil
}

// newSubnets registers each planned subnet with a network security group
// of its own, the node subnet behind the NAT gateway natID when there is
// one, and returns their outputs by role.
func (b *Backend) newSubnets(ctx *pulumi.Context, n string, plan networkPlan, rgName pulumi.StringOutput, vnet *network.VirtualNetwork, natID pulumi.StringInput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (map[platform.SubnetRole]platform.SubnetOutputs, error) {
	out := map[platform.SubnetRole]platform.SubnetOutputs{}
	// Azure serializes operations on one VNet's subnets; creating them one
	// after another avoids AnotherOperationInProgress failures.
	var previous pulumi.Resource
	for _, sp := range plan.Subnets {
		nsg, err := network.NewNetworkSecurityGroup(ctx, platform.ChildName(n, string(sp.Role)+"-nsg"), &network.NetworkSecurityGroupArgs{
			NetworkSecurityGroupName: pulumi.String(sp.NSG),
			ResourceGroupName:        rgName,
			Location:                 pulumi.String(b.cfg.Location),
			Tags:                     tags,
		}, b.opts(opts)...)
		if err != nil {
			return nil, err
		}
		args := &network.SubnetArgs{
			SubnetName:                     pulumi.String(sp.Name),
			VirtualNetworkName:             vnet.Name,
			ResourceGroupName:              rgName,
			AddressPrefix:                  pulumi.String(sp.CIDR),
			NetworkSecurityGroup:           &network.NetworkSecurityGroupTypeArgs{Id: nsg.ID().ToStringOutput().ToStringPtrOutput()},
			DefaultOutboundAccess:          pulumi.Bool(false),
			PrivateEndpointNetworkPolicies: pulumi.String(sp.PrivateEndpointPolicies),
		}
		if sp.NAT {
			args.NatGateway = &network.SubResourceArgs{Id: natID.ToStringOutput().ToStringPtrOutput()}
		}
		var more []pulumi.ResourceOption
		if previous != nil {
			more = append(more, pulumi.DependsOn([]pulumi.Resource{previous}))
		}
		subnet, err := network.NewSubnet(ctx, platform.ChildName(n, string(sp.Role)), args, b.retained(opts, plan.Retain, more...)...)
		if err != nil {
			return nil, err
		}
		previous = subnet
		out[sp.Role] = platform.SubnetOutputs{ID: subnet.ID().ToStringOutput(), Name: subnet.Name.Elem()}
	}
	return out, nil
}

// lockResourceGroup puts lock on the resource group with ARM ID scope,
// after the resources in dependsOn. pulumi.Protect stops only Pulumi; the
// lock also stops the portal, the CLI and other tools. The lock is
// protected too, so that a destroy cannot remove it first and then delete
// the group.
func (b *Backend) lockResourceGroup(ctx *pulumi.Context, lock lockPlan, scope pulumi.StringInput, dependsOn []pulumi.Resource, opts []pulumi.ResourceOption) error {
	_, err := authorization.NewManagementLockByScope(ctx, lock.Name, &authorization.ManagementLockByScopeArgs{
		Scope:    scope,
		LockName: pulumi.String(lock.Name),
		Level:    pulumi.String(lock.Level),
		Notes:    pulumi.String(lock.Notes),
	}, b.opts(opts, pulumi.Protect(true), pulumi.DependsOn(dependsOn))...)
	return err
}

// newNAT registers the NAT gateway's static public IPs and the gateway,
// and returns the gateway and the addresses.
func (b *Backend) newNAT(ctx *pulumi.Context, n string, plan networkPlan, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*network.NatGateway, pulumi.StringArrayOutput, error) {
	var (
		refs network.SubResourceArray
		ips  pulumi.StringArray
	)
	for i, ipName := range plan.NAT.PublicIPs {
		ip, err := network.NewPublicIPAddress(ctx, platform.ChildName(n, fmt.Sprintf("nat-ip-%d", i+1)), &network.PublicIPAddressArgs{
			PublicIpAddressName:      pulumi.String(ipName),
			ResourceGroupName:        rg,
			Location:                 pulumi.String(b.cfg.Location),
			Sku:                      &network.PublicIPAddressSkuArgs{Name: pulumi.String("Standard"), Tier: pulumi.String("Regional")},
			PublicIPAllocationMethod: pulumi.String("Static"),
			PublicIPAddressVersion:   pulumi.String("IPv4"),
			Zones:                    pulumi.ToStringArray(plan.NAT.IPZones),
			Tags:                     tags,
		}, b.opts(opts)...)
		if err != nil {
			return nil, pulumi.StringArrayOutput{}, err
		}
		refs = append(refs, &network.SubResourceArgs{Id: ip.ID().ToStringOutput().ToStringPtrOutput()})
		ips = append(ips, ip.IpAddress.Elem())
	}
	nat, err := network.NewNatGateway(ctx, platform.ChildName(n, "nat"), &network.NatGatewayArgs{
		NatGatewayName:       pulumi.String(plan.NAT.Name),
		ResourceGroupName:    rg,
		Location:             pulumi.String(b.cfg.Location),
		Sku:                  &network.NatGatewaySkuArgs{Name: pulumi.String("Standard")},
		PublicIpAddresses:    refs,
		IdleTimeoutInMinutes: pulumi.Int(plan.NAT.IdleTimeout),
		Tags:                 tags,
	}, b.opts(opts)...)
	if err != nil {
		return nil, pulumi.StringArrayOutput{}, err
	}
	return nat, ips.ToStringArrayOutput(), nil
}

// newFlowLog registers the flow logs' storage account and the VNet flow
// log in the network watcher's resource group.
func (b *Backend) newFlowLog(ctx *pulumi.Context, n string, plan networkPlan, rg pulumi.StringOutput, vnet *network.VirtualNetwork, tags pulumi.StringMap, opts []pulumi.ResourceOption) error {
	fl := plan.FlowLog
	// The storage account takes nothing but flow logs: HTTPS and TLS 1.2
	// only, no public blob access, reachable only by trusted Azure services
	// such as Network Watcher.
	account, err := storage.NewStorageAccount(ctx, platform.ChildName(n, "flowlogs"), &storage.StorageAccountArgs{
		AccountName:            pulumi.String(fl.StorageAccount),
		ResourceGroupName:      rg,
		Location:               pulumi.String(b.cfg.Location),
		Kind:                   pulumi.String("StorageV2"),
		Sku:                    &storage.SkuArgs{Name: pulumi.String("Standard_ZRS")},
		MinimumTlsVersion:      pulumi.String("TLS1_2"),
		EnableHttpsTrafficOnly: pulumi.Bool(true),
		AllowBlobPublicAccess:  pulumi.Bool(false),
		NetworkRuleSet: &storage.NetworkRuleSetArgs{
			DefaultAction: storage.DefaultActionDeny,
			Bypass:        pulumi.String("AzureServices"),
		},
		Tags: tags,
	}, b.retained(opts, plan.Retain)...)
	if err != nil {
		return err
	}
	_, err = network.NewFlowLog(ctx, platform.ChildName(n, "flowlog"), &network.FlowLogArgs{
		FlowLogName:        pulumi.String(fl.Name),
		NetworkWatcherName: pulumi.String(fl.WatcherName),
		ResourceGroupName:  pulumi.String(fl.WatcherGroup),
		Location:           pulumi.String(b.cfg.Location),
		TargetResourceId:   vnet.ID().ToStringOutput(),
		StorageId:          account.ID().ToStringOutput(),
		Enabled:            pulumi.Bool(true),
		Format:             &network.FlowLogFormatParametersArgs{Type: pulumi.String("JSON"), Version: pulumi.Int(2)},
		RetentionPolicy:    &network.RetentionPolicyParametersArgs{Days: pulumi.Int(fl.RetentionDays), Enabled: pulumi.Bool(true)},
		Tags:               tags,
	}, b.opts(opts)...)
	return err
}

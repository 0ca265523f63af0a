package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewNetwork creates the GCP network for spec. See the package
// documentation of components/network for what it creates.
func (b *Backend) NewNetwork(ctx *pulumi.Context, spec platform.NetworkSpec, opts ...pulumi.ResourceOption) (*platform.NetworkOutputs, error) {
	plan := planNetwork(spec, b.cfg.MasterCIDR)
	labels := pulumi.ToStringMap(plan.Labels)

	vpc, err := compute.NewNetwork(ctx, plan.VPC, &compute.NetworkArgs{
		Name:                  pulumi.String(plan.VPC),
		AutoCreateSubnetworks: pulumi.Bool(false),
		RoutingMode:           pulumi.String("REGIONAL"),
		Description:           pulumi.String("Plinth network " + spec.Name),
	}, b.retained(opts, plan.Retain)...)
	if err != nil {
		return nil, err
	}
	out := &platform.NetworkOutputs{
		ID:        vpc.ID().ToStringOutput(),
		Name:      vpc.Name,
		Subnets:   map[platform.SubnetRole]platform.SubnetOutputs{},
		EgressIPs: pulumi.ToStringArray(nil).ToStringArrayOutput(),
	}

	subnets, err := b.newSubnets(ctx, plan, vpc, out, opts)
	if err != nil {
		return nil, err
	}
	if err := b.newFirewalls(ctx, plan, vpc, opts); err != nil {
		return nil, err
	}

	if plan.NAT != nil {
		ips, err := b.newNAT(ctx, plan, vpc, subnets, labels, opts)
		if err != nil {
			return nil, err
		}
		out.EgressIPs = ips
	}
	return out, nil
}

// newSubnets registers each planned subnet (the node subnet with the pod
// and service secondary ranges, flow logs when planned), records each in
// out, and returns them by role.
func (b *Backend) newSubnets(ctx *pulumi.Context, plan networkPlan, vpc *compute.Network, out *platform.NetworkOutputs, opts []pulumi.ResourceOption) (map[platform.SubnetRole]*compute.Subnetwork, error) {
	subnets := map[platform.SubnetRole]*compute.Subnetwork{}
	for _, sp := range plan.Subnets {
		args := &compute.SubnetworkArgs{
			Name:                  pulumi.String(sp.Name),
			Network:               vpc.ID(),
			Region:                pulumi.String(b.cfg.Region),
			IpCidrRange:           pulumi.String(sp.CIDR),
			PrivateIpGoogleAccess: pulumi.Bool(true),
			Purpose:               pulumi.String("PRIVATE"),
			StackType:             pulumi.String("IPV4_ONLY"),
		}
		if plan.FlowSampling > 0 {
			args.LogConfig = &compute.SubnetworkLogConfigArgs{
				AggregationInterval: pulumi.String("INTERVAL_5_SEC"),
				FlowSampling:        pulumi.Float64(plan.FlowSampling),
				Metadata:            pulumi.String("INCLUDE_ALL_METADATA"),
			}
		}
		if sp.PodRangeName != "" {
			args.SecondaryIpRanges = compute.SubnetworkSecondaryIpRangeArray{
				&compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(sp.PodRangeName), IpCidrRange: pulumi.String(sp.PodRange)},
				&compute.SubnetworkSecondaryIpRangeArgs{RangeName: pulumi.String(sp.ServiceRangeName), IpCidrRange: pulumi.String(sp.ServiceRange)},
			}
			out.PodRangeName, out.ServiceRangeName = sp.PodRangeName, sp.ServiceRangeName
		}
		sn, err := compute.NewSubnetwork(ctx, sp.Name, args, b.retained(opts, plan.Retain)...)
		if err != nil {
			return nil, err
		}
		subnets[sp.Role] = sn
		out.Subnets[sp.Role] = platform.SubnetOutputs{ID: sn.ID().ToStringOutput(), Name: sn.Name}
	}
	return subnets, nil
}

// newFirewalls registers the planned ingress firewall rules of the VPC.
func (b *Backend) newFirewalls(ctx *pulumi.Context, plan networkPlan, vpc *compute.Network, opts []pulumi.ResourceOption) error {
	for _, fw := range plan.Firewalls {
		var allows compute.FirewallAllowArray
		for _, proto := range fw.Protocols {
			allow := &compute.FirewallAllowArgs{Protocol: pulumi.String(proto)}
			if len(fw.Ports) > 0 {
				allow.Ports = pulumi.ToStringArray(fw.Ports)
			}
			allows = append(allows, allow)
		}
		args := &compute.FirewallArgs{
			Name:         pulumi.String(fw.Name),
			Network:      vpc.ID(),
			Description:  pulumi.String(fw.Description),
			Direction:    pulumi.String("INGRESS"),
			Priority:     pulumi.Int(1000),
			SourceRanges: pulumi.ToStringArray(fw.SourceRanges),
			Allows:       allows,
		}
		if fw.Log {
			args.LogConfig = &compute.FirewallLogConfigArgs{Metadata: pulumi.String("INCLUDE_ALL_METADATA")}
		}
		if _, err := compute.NewFirewall(ctx, fw.Name, args, b.opts(opts)...); err != nil {
			return err
		}
	}
	return nil
}

// newNAT registers the NAT's static external addresses, its Cloud Router
// and the Cloud NAT for the node subnet, and returns the addresses.
func (b *Backend) newNAT(ctx *pulumi.Context, plan networkPlan, vpc *compute.Network, subnets map[platform.SubnetRole]*compute.Subnetwork, labels pulumi.StringMap, opts []pulumi.ResourceOption) (pulumi.StringArrayOutput, error) {
	nat := plan.NAT
	var selfLinks, ips pulumi.StringArray
	for _, name := range nat.Addresses {
		addr, err := compute.NewAddress(ctx, name, &compute.AddressArgs{
			Name:        pulumi.String(name),
			Region:      pulumi.String(b.cfg.Region),
			AddressType: pulumi.String("EXTERNAL"),
			NetworkTier: pulumi.String("PREMIUM"),
			Description: pulumi.String("Cloud NAT egress address"),
			Labels:      labels,
		}, b.opts(opts)...)
		if err != nil {
			return pulumi.StringArrayOutput{}, err
		}
		selfLinks = append(selfLinks, addr.SelfLink)
		ips = append(ips, addr.Address)
	}
	router, err := compute.NewRouter(ctx, nat.Router, &compute.RouterArgs{
		Name:    pulumi.String(nat.Router),
		Network: vpc.ID(),
		Region:  pulumi.String(b.cfg.Region),
	}, b.opts(opts)...)
	if err != nil {
		return pulumi.StringArrayOutput{}, err
	}
	_, err = compute.NewRouterNat(ctx, nat.Name, &compute.RouterNatArgs{
		Name:                          pulumi.String(nat.Name),
		Router:                        router.Name,
		Region:                        pulumi.String(b.cfg.Region),
		NatIpAllocateOption:           pulumi.String("MANUAL_ONLY"),
		NatIps:                        selfLinks,
		SourceSubnetworkIpRangesToNat: pulumi.String("LIST_OF_SUBNETWORKS"),
		Subnetworks: compute.RouterNatSubnetworkArray{&compute.RouterNatSubnetworkArgs{
			Name:                 subnets[nat.Subnet].ID(),
			SourceIpRangesToNats: pulumi.ToStringArray([]string{"ALL_IP_RANGES"}),
		}},
		EnableDynamicPortAllocation:      pulumi.Bool(true),
		EnableEndpointIndependentMapping: pulumi.Bool(false),
		MinPortsPerVm:                    pulumi.Int(64),
		MaxPortsPerVm:                    pulumi.Int(4096),
		TcpEstablishedIdleTimeoutSec:     pulumi.Int(nat.IdleTimeoutSecond),
		LogConfig:                        &compute.RouterNatLogConfigArgs{Enable: pulumi.Bool(true), Filter: pulumi.String("ERRORS_ONLY")},
	}, b.opts(opts)...)
	if err != nil {
		return pulumi.StringArrayOutput{}, err
	}
	return ips.ToStringArrayOutput(), nil
}

package network

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Network component. It is part of every
// child's URN: changing it would replace the whole network.
const TypeToken = "plinth:components:Network"

// Args are a Network's settings: plain data, the same in Go and YAML.
// AddressSpace is required; every other field has a default, documented on
// the field.
type Args struct {
	// AddressSpace is the network's primary IPv4 range, e.g. "10.20.0.0/16",
	// /8 to /24. Plan it: it must not overlap networks this one will be
	// peered or connected with. Required.
	AddressSpace string

	// Subnets lists one subnet per role; a nodes subnet is required. Unset:
	// DefaultLayout(AddressSpace).
	Subnets []Subnet

	// PodCIDR is the range pods get addresses from; it must lie outside the
	// address space and hold a /24 for each of MaxNodes nodes.
	// Unset: DefaultPodCIDR.
	PodCIDR string

	// ServiceCIDR is the Kubernetes service range, /12 to /24, outside every
	// other range. Unset: DefaultServiceCIDR.
	ServiceCIDR string

	// MaxNodes is the most nodes the cluster may run, surge nodes included;
	// the node subnet and the pod range are checked against it.
	// Unset: DefaultMaxNodes.
	MaxNodes int

	// NAT configures egress. Unset: NAT on, DefaultNATIPCount addresses.
	NAT NAT

	// FlowLogs configures flow logs. Unset: on, with the defaults below.
	FlowLogs FlowLogs

	// Tags go on every cloud resource that accepts tags (Azure) or labels
	// (GCP). Keys and values follow GCP label rules on both clouds.
	Tags map[string]string
}

// Subnet is one subnet of a Network.
type Subnet struct {
	// Role says what the subnet is for; each role at most once.
	Role platform.SubnetRole
	// CIDR is the subnet's range inside Args.AddressSpace, /8 to /29.
	CIDR string
}

// NAT configures managed egress NAT for the node subnet.
type NAT struct {
	// Disabled turns NAT off. Nodes then have no outbound access unless the
	// network is routed through a firewall you manage. Unset: NAT on.
	Disabled bool
	// IPCount is the number of static egress addresses, 1 to 16.
	// Unset: DefaultNATIPCount.
	IPCount int
	// IdleTimeoutMinutes is the TCP idle timeout, 4 to 120.
	// Unset: DefaultNATIdleTimeoutMinutes.
	IdleTimeoutMinutes int
}

// FlowLogs configures network flow logs.
type FlowLogs struct {
	// Disabled turns flow logs off. Unset: flow logs on.
	Disabled bool
	// RetentionDays is how long Azure keeps flow logs in the storage account
	// the backend creates, 1 to 365. GCP keeps them in Cloud Logging under
	// its own retention. Unset: DefaultFlowLogRetentionDays.
	RetentionDays int
	// SampleRate is the fraction of flows GCP samples, above 0 and at most 1.
	// Azure logs every flow. Unset: DefaultFlowLogSampleRate.
	SampleRate float64
}

// Network is the component resource. Its fields are set once New returns.
type Network struct {
	pulumi.ResourceState

	// Spec is the resolved network: Args with every default applied.
	Spec platform.NetworkSpec
	// ID is the cloud ID of the network.
	ID pulumi.StringOutput `pulumi:"id"`
	// Name is the cloud name of the network.
	Name pulumi.StringOutput `pulumi:"name"`
	// Subnets maps each role to its subnet's ID and name.
	Subnets map[platform.SubnetRole]platform.SubnetOutputs
	// EgressIPs are the static NAT addresses; empty when NAT is disabled.
	EgressIPs pulumi.StringArrayOutput `pulumi:"egressIps"`
	// PodRangeName and ServiceRangeName name the GKE secondary ranges; empty
	// on AKS.
	PodRangeName, ServiceRangeName string
}

// Resolved is a network's settings, validated and completed against its
// target: what New creates. Only Args.Resolve makes one.
type Resolved struct{ spec platform.NetworkSpec }

// Spec returns the spec the backend receives.
func (r Resolved) Spec() platform.NetworkSpec { return r.spec }

// Resolve validates a against t, applies the defaults and returns what New
// creates: with t.Lock, the cloud's own deletion lock (see
// platform.NetworkSpec.Locked); with t.Production, stateful children
// retained on delete (platform.NetworkSpec.Retain). Problems are reported under path (for
// example "network" or "environments[0].network"), all at once. It is
// pure: it asks no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	full := a.withDefaults()
	errs = append(errs, full.validate(path)...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{full.spec(name, t.Lock, t.Production)}, nil
}

// New creates the network r describes through backend, as a component
// named after it.
func New(ctx *pulumi.Context, r Resolved, backend platform.NetworkBackend, opts ...pulumi.ResourceOption) (*Network, error) {
	name := r.spec.Name
	switch {
	case name == "":
		return nil, errors.New("network: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("network %q: no backend; pass aks.New(...), gke.New(...) or fake.New(...)", name)
	}
	n := &Network{Spec: r.spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, n, opts...); err != nil {
		return nil, err
	}
	out, err := backend.NewNetwork(ctx, r.spec, pulumi.Parent(n))
	if err != nil {
		return nil, fmt.Errorf("network %q: %w", name, err)
	}
	n.ID, n.Name, n.EgressIPs = out.ID, out.Name, out.EgressIPs
	n.Subnets = out.Subnets
	n.PodRangeName, n.ServiceRangeName = out.PodRangeName, out.ServiceRangeName

	ids, names := pulumi.StringMap{}, pulumi.StringMap{}
	for role, sn := range out.Subnets {
		ids[string(role)] = sn.ID
		names[string(role)] = sn.Name
	}
	err = ctx.RegisterResourceOutputs(n, pulumi.Map{
		"id":          n.ID,
		"name":        n.Name,
		"subnetIds":   ids,
		"subnetNames": names,
		"egressIps":   n.EgressIPs,
	})
	return n, err
}

func (a Args) spec(name string, locked, retain bool) platform.NetworkSpec {
	s := platform.NetworkSpec{
		Name:         name,
		AddressSpace: a.AddressSpace,
		PodCIDR:      a.PodCIDR,
		ServiceCIDR:  a.ServiceCIDR,
		MaxNodes:     a.MaxNodes,
		NAT: platform.NATSpec{
			Enabled:            !a.NAT.Disabled,
			IPCount:            a.NAT.IPCount,
			IdleTimeoutMinutes: a.NAT.IdleTimeoutMinutes,
		},
		FlowLogs: platform.FlowLogSpec{
			Enabled:       !a.FlowLogs.Disabled,
			RetentionDays: a.FlowLogs.RetentionDays,
			SampleRate:    a.FlowLogs.SampleRate,
		},
		Locked: locked,
		Retain: retain,
		Tags:   platform.Tags(nil).Merge(a.Tags),
	}
	for _, sn := range a.Subnets {
		s.Subnets = append(s.Subnets, platform.SubnetSpec{Role: sn.Role, CIDR: sn.CIDR})
	}
	return s
}

package network

import (
	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
)

// Defaults for every optional field of Args. Each is documented on the field
// it fills.
const (
	// DefaultPodCIDR is the pod range: carrier-grade NAT space, which never
	// collides with the RFC 1918 ranges networks are usually planned in.
	// A /14 gives 1024 nodes a /24 of pod addresses each.
	DefaultPodCIDR = "100.64.0.0/14"
	// DefaultServiceCIDR is the Kubernetes service range.
	DefaultServiceCIDR = "100.68.0.0/16"
	// DefaultMaxNodes is the most nodes (surge included) the node subnet and
	// the pod range must hold.
	DefaultMaxNodes = 100
	// DefaultNATIPCount is the number of static egress addresses.
	DefaultNATIPCount = 1
	// DefaultNATIdleTimeoutMinutes is the TCP idle timeout of NAT'ed flows.
	DefaultNATIdleTimeoutMinutes = 4
	// DefaultFlowLogRetentionDays is how long Azure flow logs are kept.
	DefaultFlowLogRetentionDays = 30
	// DefaultFlowLogSampleRate is the fraction of flows GCP samples.
	DefaultFlowLogSampleRate = 0.5

	// smallestDefaultLayout is the longest address-space prefix the default
	// layout can carve: a /22 gives a /24 node subnet and two /27s.
	smallestDefaultLayout = 22
)

// DefaultLayout returns the subnets Plinth uses when Args.Subnets is empty,
// carved from the address space: the first quarter for nodes, then two
// ranges of 1/32 of the space for ingress and private endpoints. For
// 10.20.0.0/16 that is nodes 10.20.0.0/18, ingress 10.20.64.0/21 and private
// endpoints 10.20.72.0/21, leaving the rest free for later subnets.
//
// It fails when the address space is malformed or longer than /22.
func DefaultLayout(addressSpace string) ([]Subnet, error) {
	p, err := cidr.Parse(addressSpace)
	if err != nil {
		return nil, err
	}
	if p.Bits() > smallestDefaultLayout {
		return nil, errTooSmallForLayout
	}
	nodes, _ := cidr.Carve(p, p.Bits()+2, 0)
	ingress, _ := cidr.Carve(p, p.Bits()+5, 8)
	endpoints, _ := cidr.Carve(p, p.Bits()+5, 9)
	return []Subnet{
		{Role: platform.SubnetNodes, CIDR: nodes.String()},
		{Role: platform.SubnetIngress, CIDR: ingress.String()},
		{Role: platform.SubnetPrivateEndpoints, CIDR: endpoints.String()},
	}, nil
}

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set. A default layout that cannot be
// carved is left empty; validate reports why.
func (a Args) withDefaults() Args {
	if len(a.Subnets) == 0 {
		a.Subnets, _ = DefaultLayout(a.AddressSpace)
	} else {
		a.Subnets = append([]Subnet(nil), a.Subnets...)
	}
	if a.PodCIDR == "" {
		a.PodCIDR = DefaultPodCIDR
	}
	if a.ServiceCIDR == "" {
		a.ServiceCIDR = DefaultServiceCIDR
	}
	if a.MaxNodes == 0 {
		a.MaxNodes = DefaultMaxNodes
	}
	if !a.NAT.Disabled {
		if a.NAT.IPCount == 0 {
			a.NAT.IPCount = DefaultNATIPCount
		}
		if a.NAT.IdleTimeoutMinutes == 0 {
			a.NAT.IdleTimeoutMinutes = DefaultNATIdleTimeoutMinutes
		}
	}
	if !a.FlowLogs.Disabled {
		if a.FlowLogs.RetentionDays == 0 {
			a.FlowLogs.RetentionDays = DefaultFlowLogRetentionDays
		}
		if a.FlowLogs.SampleRate == 0 {
			a.FlowLogs.SampleRate = DefaultFlowLogSampleRate
		}
	}
	return a
}

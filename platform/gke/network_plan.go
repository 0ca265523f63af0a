package gke

import (
	"fmt"

	"github.com/plinth-dev/plinth/platform"
)

// HealthCheckRanges are the source ranges of Google Cloud load-balancer
// health checks, which the firewall must admit for load-balanced services
// to become healthy.
var HealthCheckRanges = []string{"35.191.0.0/16", "130.211.0.0/22", "209.85.152.0/22", "209.85.204.0/22"}

// networkPlan is the cloud-side shape of a NetworkSpec on GCP, computed
// without Pulumi so it can be table-tested.
type networkPlan struct {
	VPC       string
	Subnets   []subnetPlan
	Firewalls []firewallPlan
	NAT       *natPlan
	// FlowSampling is the flow-log sampling rate; 0 when flow logs are off.
	FlowSampling float64
	// Retain is pulumi.RetainOnDelete on the VPC and the subnetworks
	// (spec.Retain).
	Retain bool
	Labels map[string]string
}

type subnetPlan struct {
	Role platform.SubnetRole
	Name string
	CIDR string
	// Secondary ranges by name, node subnet only.
	PodRange, ServiceRange         string
	PodRangeName, ServiceRangeName string
}

type firewallPlan struct {
	Name         string
	Description  string
	SourceRanges []string
	// Protocols allowed, on Ports; no Ports: all ports.
	Protocols []string
	Ports     []string
	Log       bool
}

// WebhookPorts are the ports of the admission webhooks the platform's
// services serve from pods, which a private cluster's control plane must
// reach (GKE's own rule admits it on 443 and 10250 only): trust-manager
// (6443) and Linkerd's proxy injector and validators (8443, 9443), for the
// service mesh (components/mesh).
var WebhookPorts = []string{"6443", "8443", "9443"}

type natPlan struct {
	Router, Name      string
	Addresses         []string
	IdleTimeoutSecond int
	// Subnet is the role of the only subnet NAT'ed: the nodes.
	Subnet platform.SubnetRole
}

// planNetwork plans spec's network; masterCIDR is the private clusters'
// control-plane range (Config.MasterCIDR).
func planNetwork(spec platform.NetworkSpec, masterCIDR string) networkPlan {
	n := spec.Name
	p := networkPlan{VPC: platform.ChildName(n, "vpc"), Retain: spec.Retain, Labels: spec.Tags.Merge()}
	if spec.FlowLogs.Enabled {
		p.FlowSampling = spec.FlowLogs.SampleRate
	}
	for _, sn := range spec.Subnets {
		sp := subnetPlan{Role: sn.Role, Name: platform.ChildName(n, string(sn.Role)), CIDR: sn.CIDR}
		if sn.Role == platform.SubnetNodes {
			sp.PodRange, sp.PodRangeName = spec.PodCIDR, platform.ChildName(n, "pods")
			sp.ServiceRange, sp.ServiceRangeName = spec.ServiceCIDR, platform.ChildName(n, "services")
		}
		p.Subnets = append(p.Subnets, sp)
	}
	p.Firewalls = []firewallPlan{
		{
			Name:         platform.ChildName(n, "allow-internal"),
			Description:  "Traffic between nodes, pods and internal load balancers of this network.",
			SourceRanges: []string{spec.AddressSpace, spec.PodCIDR},
			Protocols:    []string{"tcp", "udp", "icmp"},
			Log:          spec.FlowLogs.Enabled,
		},
		{
			Name:         platform.ChildName(n, "allow-health-checks"),
			Description:  "Google Cloud load-balancer health checks.",
			SourceRanges: append([]string(nil), HealthCheckRanges...),
			Protocols:    []string{"tcp"},
			Log:          spec.FlowLogs.Enabled,
		},
		{
			Name:         platform.ChildName(n, "allow-control-plane-webhooks"),
			Description:  "The private clusters' control plane to the admission webhooks pods serve (trust-manager, Linkerd).",
			SourceRanges: []string{masterCIDR},
			Protocols:    []string{"tcp"},
			Ports:        append([]string(nil), WebhookPorts...),
			Log:          spec.FlowLogs.Enabled,
		},
	}
	if spec.NAT.Enabled {
		nat := &natPlan{
			Router:            platform.ChildName(n, "router"),
			Name:              platform.ChildName(n, "nat"),
			IdleTimeoutSecond: spec.NAT.IdleTimeoutMinutes * 60,
			Subnet:            platform.SubnetNodes,
		}
		for i := range spec.NAT.IPCount {
			nat.Addresses = append(nat.Addresses, platform.ChildName(n, fmt.Sprintf("nat-ip-%d", i+1)))
		}
		p.NAT = nat
	}
	return p
}

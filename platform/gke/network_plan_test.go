package gke

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

func spec() platform.NetworkSpec {
	return platform.NetworkSpec{
		Name:         "prod",
		AddressSpace: "10.30.0.0/16",
		Subnets: []platform.SubnetSpec{
			{Role: platform.SubnetNodes, CIDR: "10.30.0.0/18"},
			{Role: platform.SubnetIngress, CIDR: "10.30.64.0/21"},
		},
		PodCIDR:     "100.64.0.0/14",
		ServiceCIDR: "100.68.0.0/16",
		NAT:         platform.NATSpec{Enabled: true, IPCount: 2, IdleTimeoutMinutes: 10},
		FlowLogs:    platform.FlowLogSpec{Enabled: true, RetentionDays: 30, SampleRate: 0.25},
		Tags:        platform.Tags{"environment": "prod"},
	}
}

func TestPlanNetwork(t *testing.T) {
	p := planNetwork(spec(), DefaultMasterCIDR)
	wantSubnets := []subnetPlan{
		{Role: platform.SubnetNodes, Name: "prod-nodes", CIDR: "10.30.0.0/18",
			PodRange: "100.64.0.0/14", PodRangeName: "prod-pods", ServiceRange: "100.68.0.0/16", ServiceRangeName: "prod-services"},
		{Role: platform.SubnetIngress, Name: "prod-ingress", CIDR: "10.30.64.0/21"},
	}
	if !reflect.DeepEqual(p.Subnets, wantSubnets) {
		t.Errorf("subnets:\n%+v\nwant\n%+v", p.Subnets, wantSubnets)
	}
	if p.VPC != "prod-vpc" || p.FlowSampling != 0.25 {
		t.Errorf("vpc %q sampling %v", p.VPC, p.FlowSampling)
	}
	wantNAT := &natPlan{Router: "prod-router", Name: "prod-nat", Addresses: []string{"prod-nat-ip-1", "prod-nat-ip-2"}, IdleTimeoutSecond: 600, Subnet: platform.SubnetNodes}
	if !reflect.DeepEqual(p.NAT, wantNAT) {
		t.Errorf("nat = %+v, want %+v", p.NAT, wantNAT)
	}
	internal := p.Firewalls[0]
	if internal.Name != "prod-allow-internal" || !reflect.DeepEqual(internal.SourceRanges, []string{"10.30.0.0/16", "100.64.0.0/14"}) || !internal.Log {
		t.Errorf("internal firewall = %+v", internal)
	}
	hc := p.Firewalls[1]
	if hc.Name != "prod-allow-health-checks" || !reflect.DeepEqual(hc.SourceRanges, HealthCheckRanges) || !reflect.DeepEqual(hc.Protocols, []string{"tcp"}) {
		t.Errorf("health-check firewall = %+v", hc)
	}
	// The private clusters' control plane reaches the webhooks pods serve
	// on their ports only.
	hooks := p.Firewalls[2]
	if hooks.Name != "prod-allow-control-plane-webhooks" || !reflect.DeepEqual(hooks.SourceRanges, []string{DefaultMasterCIDR}) ||
		!reflect.DeepEqual(hooks.Protocols, []string{"tcp"}) || !reflect.DeepEqual(hooks.Ports, []string{"6443", "8443", "9443"}) {
		t.Errorf("webhooks firewall = %+v", hooks)
	}

	off := spec()
	off.NAT, off.FlowLogs = platform.NATSpec{}, platform.FlowLogSpec{}
	p = planNetwork(off, DefaultMasterCIDR)
	if p.NAT != nil || p.FlowSampling != 0 || p.Firewalls[0].Log {
		t.Errorf("NAT and flow logs off: nat %+v sampling %v firewall log %v", p.NAT, p.FlowSampling, p.Firewalls[0].Log)
	}
}

func TestConfigValidation(t *testing.T) {
	err := Config{Project: "My Project", Region: "europe-west1-b"}.validate("gke")
	want := `gke.project "My Project": not a project ID: 6-30 lowercase letters, digits and '-', starting with a letter
gke.region "europe-west1-b": not a region; write it as GCP does, e.g. "europe-west1" (a region, not a zone)`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

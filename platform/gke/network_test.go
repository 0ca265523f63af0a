package gke_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const project = "acme-platform-prod"

func newBackend(ctx *pulumi.Context) (*gke.Backend, error) {
	return gke.New(ctx, "gcp", gke.Config{Project: project, Region: "europe-west1"})
}

func TestNetworkConformance(t *testing.T) {
	platformtest.NetworkConformance(t, func(ctx *pulumi.Context) (platform.NetworkBackend, error) {
		return newBackend(ctx)
	})
}

func renderProd(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		_, err = newNetwork(ctx, b, "prod", network.Args{
			AddressSpace: "10.30.0.0/16",
			NAT:          network.NAT{IPCount: 2},
			Tags:         map[string]string{"environment": "prod", "managed-by": "plinth"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestCustomModeVPC(t *testing.T) {
	snap := renderProd(t)
	vpc := snap.Find("gcp:compute/network:Network", "prod-vpc")
	if got := platformtest.Input(t, vpc, "autoCreateSubnetworks"); got != false {
		t.Errorf("autoCreateSubnetworks = %v, want false (custom mode)", got)
	}
	for _, sn := range snap.OfType("gcp:compute/subnetwork:Subnetwork") {
		if got := platformtest.Input(t, sn, "network"); got != "projects/"+project+"/global/networks/prod-vpc" {
			t.Errorf("%s network = %v", sn.Name, got)
		}
		if got := platformtest.Input(t, sn, "privateIpGoogleAccess"); got != true {
			t.Errorf("%s privateIpGoogleAccess = %v", sn.Name, got)
		}
		if got := platformtest.Input(t, sn, "logConfig.metadata"); got != "INCLUDE_ALL_METADATA" {
			t.Errorf("%s flow log metadata = %v", sn.Name, got)
		}
	}
}

func TestNodeSubnetSecondaryRanges(t *testing.T) {
	snap := renderProd(t)
	nodes := snap.Find("gcp:compute/subnetwork:Subnetwork", "prod-nodes")
	ranges := platformtest.Input(t, nodes, "secondaryIpRanges").([]any)
	want := map[string]string{"prod-pods": network.DefaultPodCIDR, "prod-services": network.DefaultServiceCIDR}
	if len(ranges) != len(want) {
		t.Fatalf("secondary ranges = %v", ranges)
	}
	for _, r := range ranges {
		m := r.(map[string]any)
		if want[m["rangeName"].(string)] != m["ipCidrRange"] {
			t.Errorf("secondary range %v, want one of %v", m, want)
		}
	}
	if _, ok := snap.Find("gcp:compute/subnetwork:Subnetwork", "prod-ingress").Input("secondaryIpRanges"); ok {
		t.Error("ingress subnet carries secondary ranges; only nodes do")
	}
}

func TestCloudNAT(t *testing.T) {
	snap := renderProd(t)
	nat := snap.Find("gcp:compute/routerNat:RouterNat", "prod-nat")
	if got := platformtest.Input(t, nat, "router"); got != "prod-router" {
		t.Errorf("router = %v", got)
	}
	subnets := platformtest.Input(t, nat, "subnetworks").([]any)
	if len(subnets) != 1 {
		t.Fatalf("NAT covers %d subnets, want the node subnet only", len(subnets))
	}
	if got := subnets[0].(map[string]any)["name"]; got != "projects/"+project+"/regions/europe-west1/subnetworks/prod-nodes" {
		t.Errorf("NAT subnet = %v", got)
	}
	ips := platformtest.Input(t, nat, "natIps").([]any)
	if len(ips) != 2 || ips[0] != "https://www.googleapis.com/compute/v1/projects/"+project+"/regions/europe-west1/addresses/prod-nat-ip-1" {
		t.Errorf("NAT IPs = %v", ips)
	}
	if got := platformtest.Input(t, nat, "logConfig.enable"); got != true {
		t.Errorf("NAT logging = %v", got)
	}
	if got := platformtest.Input(t, nat, "natIpAllocateOption"); got != "MANUAL_ONLY" {
		t.Errorf("allocation = %v, want MANUAL_ONLY so egress IPs are known", got)
	}
}

func TestFirewallRules(t *testing.T) {
	snap := renderProd(t)
	hc := snap.Find("gcp:compute/firewall:Firewall", "prod-allow-health-checks")
	src := platformtest.Input(t, hc, "sourceRanges").([]any)
	if len(src) != len(gke.HealthCheckRanges) || src[0] != "35.191.0.0/16" || src[1] != "130.211.0.0/22" {
		t.Errorf("health-check sources = %v", src)
	}
	internal := snap.Find("gcp:compute/firewall:Firewall", "prod-allow-internal")
	src = platformtest.Input(t, internal, "sourceRanges").([]any)
	if len(src) != 2 || src[0] != "10.30.0.0/16" || src[1] != network.DefaultPodCIDR {
		t.Errorf("internal sources = %v, want the address space and the pod range", src)
	}
}

// labeled lists the GCP types Plinth creates that accept labels; the
// others (networks, subnetworks, firewalls, routers) have none in the API.
var labeled = map[string]bool{"gcp:compute/address:Address": true}

var unlabeled = map[string]bool{
	"gcp:compute/network:Network":       true,
	"gcp:compute/subnetwork:Subnetwork": true,
	"gcp:compute/firewall:Firewall":     true,
	"gcp:compute/router:Router":         true,
	"gcp:compute/routerNat:RouterNat":   true,
}

func TestLabelsOnEveryLabelledResource(t *testing.T) {
	snap := renderProd(t)
	seen := 0
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || unlabeled[r.Type] {
			continue
		}
		if !labeled[r.Type] {
			t.Errorf("%s: unknown whether it takes labels; add it to a table", r.Type)
			continue
		}
		seen++
		m, _ := platformtest.Input(t, r, "labels").(map[string]any)
		if m["environment"] != "prod" || m["managed-by"] != "plinth" {
			t.Errorf("%s %s labels = %v", r.Type, r.Name, m)
		}
	}
	if seen != 2 {
		t.Errorf("checked %d labeled resources, want the 2 NAT addresses", seen)
	}
}

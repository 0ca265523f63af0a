package aks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	sub     = "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"
	netAPI  = "azure-native:network/v20240501:"
	rgScope = "/subscriptions/" + sub + "/resourceGroups/prod-rg"
)

func newBackend(ctx *pulumi.Context) (*aks.Backend, error) {
	return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, Location: "westeurope"})
}

func TestNetworkConformance(t *testing.T) {
	platformtest.NetworkConformance(t, func(ctx *pulumi.Context) (platform.NetworkBackend, error) {
		return newBackend(ctx)
	})
}

func renderProd(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		_, err = newNetwork(ctx, b, "prod", network.Args{
			AddressSpace: "10.20.0.0/16",
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

func TestNodeSubnetEgressThroughNAT(t *testing.T) {
	snap := renderProd(t)
	nodes := snap.Find(netAPI+"Subnet", "prod-nodes")
	if nodes == nil {
		t.Fatal("node subnet missing")
	}
	if got, want := platformtest.Input(t, nodes, "natGateway.id"), rgScope+"/providers/Microsoft.Network/natGateways/prod-nat"; got != want {
		t.Errorf("node subnet NAT = %v, want %s", got, want)
	}
	nat := snap.Find(netAPI+"NatGateway", "prod-nat")
	ips := platformtest.Input(t, nat, "publicIpAddresses").([]any)
	if len(ips) != 2 {
		t.Fatalf("NAT has %d public IPs, want 2", len(ips))
	}
	for i, ip := range ips {
		want := rgScope + "/providers/Microsoft.Network/publicIPAddresses/prod-nat-ip-" + string(rune('1'+i))
		if got := ip.(map[string]any)["id"]; got != want {
			t.Errorf("NAT IP %d = %v, want %s", i, got, want)
		}
	}
	for _, role := range []string{"ingress", "private-endpoints"} {
		if sn := snap.Find(netAPI+"Subnet", "prod-"+role); sn == nil {
			t.Errorf("subnet %s missing", role)
		} else if _, ok := sn.Input("natGateway"); ok {
			t.Errorf("subnet %s is attached to the NAT gateway; only nodes egress through it", role)
		}
	}
}

func TestSubnetSettings(t *testing.T) {
	snap := renderProd(t)
	subnets := snap.OfType(netAPI + "Subnet")
	if len(subnets) != 3 {
		t.Fatalf("%d subnets, want 3", len(subnets))
	}
	for _, sn := range subnets {
		role := strings.TrimPrefix(sn.Name, "prod-")
		if got := platformtest.Input(t, sn, "defaultOutboundAccess"); got != false {
			t.Errorf("%s defaultOutboundAccess = %v, want false", sn.Name, got)
		}
		if got, want := platformtest.Input(t, sn, "networkSecurityGroup.id"), rgScope+"/providers/Microsoft.Network/networkSecurityGroups/prod-"+role+"-nsg"; got != want {
			t.Errorf("%s NSG = %v, want %s", sn.Name, got, want)
		}
		if got := platformtest.Input(t, sn, "subnetName"); got != role {
			t.Errorf("%s Azure name = %v, want %s (annotations reference it)", sn.Name, got, role)
		}
	}
	pe := snap.Find(netAPI+"Subnet", "prod-private-endpoints")
	if got := platformtest.Input(t, pe, "privateEndpointNetworkPolicies"); got != "Enabled" {
		t.Errorf("private endpoint subnet policies = %v, want Enabled", got)
	}
	// Subnets of one VNet are created one after another.
	ingress := snap.Find(netAPI+"Subnet", "prod-ingress")
	nodes := snap.Find(netAPI+"Subnet", "prod-nodes")
	if !slices.Contains(ingress.DependsOn, nodes.URN) {
		t.Errorf("ingress subnet does not wait for the node subnet: dependsOn %v", ingress.DependsOn)
	}
	vnet := snap.Find(netAPI+"VirtualNetwork", "prod-vnet")
	if !slices.Contains(vnet.IgnoreChanges, "subnets") {
		t.Errorf("VNet ignoreChanges = %v; its inline subnets must be ignored", vnet.IgnoreChanges)
	}
}

func TestFlowLogs(t *testing.T) {
	snap := renderProd(t)
	fl := snap.Find(netAPI+"FlowLog", "prod-flowlog")
	if fl == nil {
		t.Fatal("flow log missing")
	}
	if got, want := platformtest.Input(t, fl, "targetResourceId"), rgScope+"/providers/Microsoft.Network/virtualNetworks/prod-vnet"; got != want {
		t.Errorf("flow log target = %v, want the VNet %s", got, want)
	}
	if got := platformtest.Input(t, fl, "resourceGroupName"); got != "NetworkWatcherRG" {
		t.Errorf("flow log resource group = %v", got)
	}
	sa := snap.Find("azure-native:storage:StorageAccount", "prod-flowlogs")
	if got := platformtest.Input(t, fl, "storageId"); !strings.HasSuffix(got.(string), "/providers/Microsoft.Storage/storageAccounts/"+platformtest.Input(t, sa, "accountName").(string)) {
		t.Errorf("flow log storage = %v", got)
	}
	for path, want := range map[string]any{
		"minimumTlsVersion":            "TLS1_2",
		"allowBlobPublicAccess":        false,
		"enableHttpsTrafficOnly":       true,
		"networkRuleSet.defaultAction": "Deny",
	} {
		if got := platformtest.Input(t, sa, path); got != want {
			t.Errorf("flow log storage %s = %v, want %v", path, got, want)
		}
	}
}

// taggable lists the Azure types Plinth creates that accept tags.
var taggable = map[string]bool{
	"azure-native:resources:ResourceGroup": true,
	netAPI + "VirtualNetwork":              true,
	netAPI + "NetworkSecurityGroup":        true,
	netAPI + "NatGateway":                  true,
	netAPI + "PublicIPAddress":             true,
	netAPI + "FlowLog":                     true,
	"azure-native:storage:StorageAccount":  true,
}

func TestTagsOnEveryTaggableResource(t *testing.T) {
	snap := renderProd(t)
	seen := 0
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		if r.Type == netAPI+"Subnet" {
			continue // subnets take no tags in ARM
		}
		if !taggable[r.Type] {
			t.Errorf("%s: unknown whether it takes tags; add it to the taggable table", r.Type)
			continue
		}
		seen++
		tags, _ := r.Input("tags")
		m, _ := tags.(map[string]any)
		if m["environment"] != "prod" || m["managed-by"] != "plinth" {
			t.Errorf("%s %s tags = %v", r.Type, r.Name, tags)
		}
	}
	if seen < 8 {
		t.Errorf("checked only %d taggable resources", seen)
	}
}

package aks_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	registryType  = "azure-native:containerregistry/v20241101preview:Registry"
	acrPull       = roleDefs + "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	acrPush       = roleDefs + "8311e382-0749-4cb8-b61a-304f252e45ec"
	pusherA       = "7d2c1b0a-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
	pusherB       = "8e3d2c1b-2f3a-4b4c-8d5e-6f7a8b9c0d1e"
	registryZone  = rgScope + "/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"
	registryLinks = "azure-native:network/v20240601:VirtualNetworkLink"
)

var registryNameRE = regexp.MustCompile(`^crprod[0-9a-f]{8}$`)

// registryRender is what renderRegistry resolved.
type registryRender struct {
	err                 error
	id, prefix, kubelet string
}

// renderRegistry renders the prod network and cluster of renderCluster
// and, under a test component "registry", a registry "prod" for that
// cluster (private and locked as given, with pushers A and B and 30 days
// of untagged retention, changed by mutate).
func renderRegistry(t *testing.T, private, locked bool, mutate func(*platform.RegistrySpec)) (*platformtest.Snapshot, *registryRender) {
	t.Helper()
	out := &registryRender{}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, e := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if e != nil {
			return e
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, e := b.NewNetwork(ctx, netSpec)
		if e != nil {
			return e
		}
		spec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, e := b.NewCluster(ctx, spec)
		if e != nil {
			return e
		}
		cluster.NodeIdentity.ApplyT(func(v string) string { out.kubelet = v; return v })
		parent := &testComponent{}
		if e := ctx.RegisterComponentResource("plinth:test:Registry", "registry", parent); e != nil {
			return e
		}
		s := platform.RegistrySpec{
			Name: "prod", Cluster: cluster, Network: spec.Network, Private: private, Locked: locked,
			Pushers: []string{pusherA, pusherB}, UntaggedRetentionDays: 30, Tags: spec.Tags,
		}
		if mutate != nil {
			mutate(&s)
		}
		r, e := b.NewRegistry(ctx, s, pulumi.Parent(parent))
		if e != nil {
			out.err = e
			return nil
		}
		r.ID.ApplyT(func(v string) string { out.id = v; return v })
		r.Prefix.ApplyT(func(v string) string { out.prefix = v; return v })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, out
}

// TestRegistry: a Premium, zone-redundant registry without admin user or
// anonymous pull, in the cluster's resource group, with the retention of
// untagged manifests; private: no public access, no export, trusted
// services (Defender) bypass, a private endpoint for group "registry" in
// the private-endpoints subnet, recorded in privatelink.azurecr.io linked
// to the cluster's VNet; locked: everything protected and retained. The
// outputs are its ID and its login server with "/".
func TestRegistry(t *testing.T) {
	snap, out := renderRegistry(t, true, true, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	registry := snap.Find(registryType, "prod-registry")
	name, _ := platformtest.Input(t, registry, "registryName").(string)
	if !registryNameRE.MatchString(name) {
		t.Errorf("registry name %q; want crprod<8 hex>", name)
	}
	expect(t, registry, map[string]any{
		"resourceGroupName":               "prod-rg",
		"location":                        "westeurope",
		"sku.name":                        "Premium",
		"adminUserEnabled":                false,
		"anonymousPullEnabled":            false,
		"zoneRedundancy":                  "Enabled",
		"publicNetworkAccess":             "Disabled",
		"networkRuleBypassOptions":        "AzureServices",
		"policies.retentionPolicy.status": "enabled",
		"policies.retentionPolicy.days":   30.0,
		"policies.exportPolicy.status":    "disabled",
		"tags.environment":                "prod",
	})
	registryID := rgScope + "/providers/Microsoft.ContainerRegistry/registries/" + name
	if out.id != registryID || out.prefix != name+".azurecr.io/" {
		t.Errorf("outputs ID %q prefix %q; want %q and %q", out.id, out.prefix, registryID, name+".azurecr.io/")
	}
	expect(t, snap.Find(privateZones, "prod-registry-dns"), map[string]any{"privateZoneName": "privatelink.azurecr.io", "location": "global"})
	expect(t, snap.Find(registryLinks, "prod-registry-dns-link"), map[string]any{"virtualNetwork.id": vnetID, "registrationEnabled": false})
	expect(t, snap.Find(privateEndpoints, "prod-registry-endpoint"), map[string]any{
		"subnet.id": vnetID + "/subnets/private-endpoints",
		"privateLinkServiceConnections": []any{map[string]any{
			"name": "prod-registry", "privateLinkServiceId": registryID, "groupIds": []any{"registry"},
		}},
	})
	expect(t, snap.Find(zoneGroups, "prod-registry-dns-group"), map[string]any{
		"privateEndpointName":   "prod-registry-endpoint",
		"privateDnsZoneConfigs": []any{map[string]any{"name": "privatelink-azurecr-io", "privateDnsZoneId": registryZone}},
	})
	n := 0
	for _, r := range snap.Resources {
		if !strings.HasPrefix(r.Name, "prod-registry") || !r.Custom {
			continue
		}
		n++
		if !r.Protect || !r.RetainOnDelete {
			t.Errorf("%s %s of a locked registry is not protected and retained", r.Type, r.Name)
		}
		if property, _ := aks.TagsProperty(r.Type); property == "" {
			continue
		}
		if tags, _ := r.Input("tags"); platformtest.StringMap(t, tags)["cost-center"] != "cc-1042" {
			t.Errorf("%s %s: tags %v", r.Type, r.Name, tags)
		}
	}
	if n != 5 {
		t.Errorf("%d registry resources; want the registry, its zone, link, endpoint and zone group", n)
	}
}

// TestRegistryGrants: the kubelet identity holds AcrPull and each pusher
// AcrPush, all on exactly the registry and as service principals.
func TestRegistryGrants(t *testing.T) {
	snap, out := renderRegistry(t, true, false, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	name, _ := platformtest.Input(t, snap.Find(registryType, "prod-registry"), "registryName").(string)
	registryID := rgScope + "/providers/Microsoft.ContainerRegistry/registries/" + name
	if !guid.MatchString(out.kubelet) {
		t.Fatalf("kubelet identity %q", out.kubelet)
	}
	expect(t, snap.Find(roleAssignments, "prod-acr-pull"), map[string]any{
		"scope": registryID, "roleDefinitionId": acrPull, "principalId": out.kubelet, "principalType": "ServicePrincipal",
	})
	// Named after the pusher: removing one leaves the others' grants.
	for _, p := range []string{pusherA, pusherB} {
		expect(t, snap.Find(roleAssignments, "prod-acr-push-"+strings.ToLower(p)), map[string]any{
			"scope": registryID, "roleDefinitionId": acrPush, "principalId": p, "principalType": "ServicePrincipal",
		})
	}
	grants := 0
	for _, r := range snap.OfType(roleAssignments) {
		if role, _ := r.Input("roleDefinitionId"); role == acrPull || role == acrPush {
			grants++
		}
	}
	if grants != 3 {
		t.Errorf("%d ACR role assignments; want one pull and two pushes", grants)
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "prod-registry") && (r.Protect || r.RetainOnDelete) {
			t.Errorf("%s %s is protected or retained although the registry is not locked", r.Type, r.Name)
		}
	}
}

// TestPublicRegistry: without Private, public access and export stay on
// and nothing reaches the registry through the VNet; without retention
// days, untagged manifests are kept.
func TestPublicRegistry(t *testing.T) {
	snap, out := renderRegistry(t, false, false, func(s *platform.RegistrySpec) {
		s.UntaggedRetentionDays = 0
		s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
	})
	if out.err != nil {
		t.Fatal(out.err)
	}
	expect(t, snap.Find(registryType, "prod-registry"), map[string]any{
		"publicNetworkAccess":             "Enabled",
		"policies.exportPolicy.status":    "enabled",
		"policies.retentionPolicy.status": "disabled",
		"anonymousPullEnabled":            false,
	})
	if n := len(snap.OfType(privateEndpoints)) + len(snap.OfType(privateZones)); n != 0 {
		t.Errorf("a public registry has %d endpoints and zones", n)
	}
}

// TestRegistryRefusals: a pusher that is not an object ID, and a private
// registry without a private-endpoints subnet, are refused, all at once,
// before anything of the registry is registered.
func TestRegistryRefusals(t *testing.T) {
	snap, out := renderRegistry(t, true, true, func(s *platform.RegistrySpec) {
		s.Pushers = []string{"github-actions@example.com"}
		s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
	})
	for _, want := range []string{
		`registry.pushers[0] "github-actions@example.com": not the Entra object ID of a service principal or managed identity, e.g. "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
		`registry.network.spec.subnets: required: a subnet with role "private-endpoints"`,
	} {
		if out.err == nil || !strings.Contains(out.err.Error(), want) {
			t.Errorf("error %v; want it to contain %s", out.err, want)
		}
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "prod-registry") || strings.HasPrefix(r.Name, "prod-acr") {
			t.Errorf("%s %s registered for a refused registry", r.Type, r.Name)
		}
	}
}

package aks_test

import (
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	internalAnnotation       = "service.beta.kubernetes.io/azure-load-balancer-internal"
	internalSubnetAnnotation = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet"
	probePathAnnotation      = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path"
	plsPrefix                = "service.beta.kubernetes.io/azure-pls-"
)

// annotations collects resolved annotation maps by key.
type annotations struct {
	mu   sync.Mutex
	maps map[string]map[string]string
}

// capture resolves m. A map of constants is an output the program does
// not wait for, so it is resolved together with anchor, an output of a
// resource, which the program waits for.
func (a *annotations) capture(key string, anchor pulumi.Output, m pulumi.StringMap) {
	pulumi.All(anchor, m.ToStringMapOutput()).ApplyT(func(v []any) map[string]string {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.maps[key] = v[1].(map[string]string)
		return a.maps[key]
	})
}

func (a *annotations) get(t *testing.T, key string) map[string]string {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	m, ok := a.maps[key]
	if !ok {
		t.Fatalf("annotations %s not resolved", key)
	}
	return m
}

func TestLoadBalancerAnnotations(t *testing.T) {
	got := &annotations{maps: map[string]map[string]string{}}
	var registered int
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		spec := platformtest.NetworkSpecs()[1]
		net, err := b.NewNetwork(ctx, spec)
		if err != nil {
			return err
		}
		network := platform.ClusterNetwork{Spec: spec, Outputs: *net}
		got.capture("default", net.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network}))
		got.capture("public", net.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network, Public: true}))
		got.capture("private link", net.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network, PrivateLink: "prod-edge-link"}))
		got.capture("public private link", net.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network, Public: true, PrivateLink: "prod-edge-link"}))

		bare := platformtest.NetworkSpecs()[2] // a nodes subnet only
		bareNet, err := b.NewNetwork(ctx, bare)
		if err != nil {
			return err
		}
		got.capture("no ingress subnet", bareNet.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: platform.ClusterNetwork{Spec: bare, Outputs: *bareNet}}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	registered = len(snap.Resources)

	// Internal by default, with its address from the ingress subnet, whose
	// Azure name is its role.
	if want := map[string]string{
		internalAnnotation:       "true",
		internalSubnetAnnotation: "ingress",
		probePathAnnotation:      "/healthz",
	}; !maps.Equal(got.get(t, "default"), want) {
		t.Errorf("internal load balancer annotations\n%v\nwant\n%v", got.get(t, "default"), want)
	}
	if want := map[string]string{probePathAnnotation: "/healthz"}; !maps.Equal(got.get(t, "public"), want) {
		t.Errorf("public load balancer annotations\n%v\nwant\n%v", got.get(t, "public"), want)
	}
	// With PrivateLink, AKS publishes the internal load balancer as that
	// Private Link service, its NAT addresses in the ingress subnet,
	// without the PROXY protocol, visible to the backend's subscription
	// only; a public load balancer ignores it.
	if want := map[string]string{
		internalAnnotation:                    "true",
		internalSubnetAnnotation:              "ingress",
		probePathAnnotation:                   "/healthz",
		plsPrefix + "create":                  "true",
		plsPrefix + "name":                    "prod-edge-link",
		plsPrefix + "ip-configuration-subnet": "ingress",
		plsPrefix + "proxy-protocol":          "false",
		plsPrefix + "visibility":              sub,
	}; !maps.Equal(got.get(t, "private link"), want) {
		t.Errorf("Private Link annotations\n%v\nwant\n%v", got.get(t, "private link"), want)
	}
	if want := map[string]string{probePathAnnotation: "/healthz"}; !maps.Equal(got.get(t, "public private link"), want) {
		t.Errorf("public load balancer with PrivateLink\n%v\nwant\n%v", got.get(t, "public private link"), want)
	}
	// Without an ingress subnet AKS takes the address from the node subnet.
	if want := map[string]string{internalAnnotation: "true", probePathAnnotation: "/healthz"}; !maps.Equal(got.get(t, "no ingress subnet"), want) {
		t.Errorf("annotations without an ingress subnet\n%v\nwant\n%v", got.get(t, "no ingress subnet"), want)
	}

	// The annotations register nothing: the same two networks alone give
	// the same snapshot.
	alone, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		if _, err := b.NewNetwork(ctx, platformtest.NetworkSpecs()[1]); err != nil {
			return err
		}
		_, err = b.NewNetwork(ctx, platformtest.NetworkSpecs()[2])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if registered != len(alone.Resources) {
		t.Errorf("LoadBalancerAnnotations registered %d resources", registered-len(alone.Resources))
	}
}

// TestInternalLoadBalancerSubnetIsWhereTheControlPlaneMayWork builds the
// real components (network.New, cluster.New) on the AKS backend and guards
// against the "private ingress got no IP" incident: the subnet the
// internal-subnet annotation names must be exactly a subnet on which the
// cluster's control-plane identity is Network Contributor, in the VNet of
// the cluster's nodes (AKS looks the name up there). Otherwise the cloud
// provider cannot create the load balancer's frontend and the Service stays
// <pending>.
func TestInternalLoadBalancerSubnetIsWhereTheControlPlaneMayWork(t *testing.T) {
	got := &annotations{maps: map[string]map[string]string{}}
	out := &rendered{values: map[string]string{}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		net, err := newNetwork(ctx, b, "prod", network.Args{
			AddressSpace: "10.20.0.0/16",
			Tags:         map[string]string{"environment": "prod"},
		})
		if err != nil {
			return err
		}
		for role, sn := range net.Subnets {
			out.capture("subnet-id/"+string(role), sn.ID)
			out.capture("subnet-name/"+string(role), sn.Name)
		}
		c, err := newCluster(ctx, b, net, "prod", cluster.Args{})
		if err != nil {
			return err
		}
		out.capture("controlPlane", c.Outputs.ControlPlanePrincipalID)
		got.capture("internal", c.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: c.Spec.Network}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	annotations := got.get(t, "internal")
	if annotations[internalAnnotation] != "true" {
		t.Fatalf("annotations %v do not ask for an internal load balancer", annotations)
	}
	subnetName := annotations[internalSubnetAnnotation]
	if subnetName == "" {
		t.Fatalf("annotations %v name no subnet", annotations)
	}
	var subnetID string
	for _, role := range platform.SubnetRoles {
		out.mu.Lock()
		name := out.values["subnet-name/"+string(role)]
		out.mu.Unlock()
		if name == subnetName {
			subnetID = out.get(t, "subnet-id/"+string(role))
			if role != platform.SubnetIngress {
				t.Errorf("the annotation names the %s subnet, want the ingress subnet", role)
			}
		}
	}
	if subnetID == "" {
		t.Fatalf("the annotation names subnet %q, which the network does not have", subnetName)
	}
	if want := vnetID + "/subnets/" + subnetName; subnetID != want {
		t.Errorf("annotated subnet ID %s, want %s", subnetID, want)
	}

	// AKS resolves the name in the VNet of the nodes.
	nodes := platformtest.Input(t, snap.Find(aksAPI+"ManagedCluster", "prod-aks"), "agentPoolProfiles.0.vnetSubnetID").(string)
	if vnet, _, _ := strings.Cut(nodes, "/subnets/"); !strings.HasPrefix(subnetID, vnet+"/subnets/") {
		t.Errorf("annotated subnet %s is not in the nodes' VNet %s", subnetID, vnet)
	}

	principal := out.get(t, "controlPlane")
	var scopes []string
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, ra, "principalId") == principal && platformtest.Input(t, ra, "roleDefinitionId") == networkContributor {
			scopes = append(scopes, platformtest.Input(t, ra, "scope").(string))
		}
	}
	found := false
	for _, s := range scopes {
		if s == subnetID {
			found = true
		}
		if s == vnetID || s == rgScope || !strings.Contains(s, "/subnets/") {
			t.Errorf("control plane is Network Contributor on %s; grant on subnets only", s)
		}
	}
	if !found {
		t.Errorf("control plane is Network Contributor on %v, not on the annotated subnet %s: the internal load balancer would get no IP", scopes, subnetID)
	}
}

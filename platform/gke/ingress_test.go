package gke_test

import (
	"maps"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// renderAnnotations renders a network "prod" (args edited by mutate) and,
// when ask, resolves the annotations for a load balancer in it. It returns
// them (nil when the map was nil) and the rendered stack.
func renderAnnotations(t *testing.T, ask, public bool, mutate func(*network.Args)) (map[string]string, *platformtest.Snapshot) {
	t.Helper()
	var (
		mu  sync.Mutex
		got map[string]string
	)
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		args := &network.Args{AddressSpace: "10.30.0.0/16"}
		if mutate != nil {
			mutate(args)
		}
		net, err := newNetwork(ctx, b, "prod", *args)
		if err != nil || !ask {
			return err
		}
		ann := b.LoadBalancerAnnotations(platform.LoadBalancerSpec{
			Public: public,
			Network: platform.ClusterNetwork{Spec: net.Spec, Outputs: platform.NetworkOutputs{
				ID: net.ID, Name: net.Name, Subnets: net.Subnets, EgressIPs: net.EgressIPs,
				PodRangeName: net.PodRangeName, ServiceRangeName: net.ServiceRangeName,
			}},
		})
		if ann == nil {
			return nil
		}
		got = map[string]string{}
		// A plain string is read as is; an output is one of a resource of
		// the stack, which the run waits for.
		for k, v := range ann {
			if s, ok := v.(pulumi.String); ok {
				mu.Lock()
				got[k] = string(s)
				mu.Unlock()
				continue
			}
			v.ToStringOutput().ApplyT(func(s string) string {
				mu.Lock()
				got[k] = s
				mu.Unlock()
				return s
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, snap
}

// An internal load balancer (the default) takes its address from the
// network's ingress subnet, named as GCP names it.
func TestInternalLoadBalancerAnnotations(t *testing.T) {
	got, snap := renderAnnotations(t, true, false, nil)
	want := map[string]string{
		"networking.gke.io/load-balancer-type":            "Internal",
		"networking.gke.io/internal-load-balancer-subnet": "prod-ingress",
	}
	if !maps.Equal(got, want) {
		t.Errorf("annotations %v, want %v", got, want)
	}
	if gke.LoadBalancerTypeAnnotation != "networking.gke.io/load-balancer-type" || gke.InternalSubnetAnnotation != "networking.gke.io/internal-load-balancer-subnet" {
		t.Errorf("annotation keys %q, %q", gke.LoadBalancerTypeAnnotation, gke.InternalSubnetAnnotation)
	}
	// The subnet named is the network's ingress subnet.
	ingress := find(t, snap, "gcp:compute/subnetwork:Subnetwork", "prod-ingress")
	expect(t, ingress, "name", got[gke.InternalSubnetAnnotation])
	// Annotations register nothing: the stack is the network's alone.
	_, without := renderAnnotations(t, false, false, nil)
	if len(snap.Resources) != len(without.Resources) {
		t.Errorf("asking for annotations registered %d resources", len(snap.Resources)-len(without.Resources))
	}
}

// A public load balancer is GKE's default; it only asks for the backend
// service-based kind GKE recommends over target pools.
func TestPublicLoadBalancerAnnotations(t *testing.T) {
	got, _ := renderAnnotations(t, true, true, nil)
	want := map[string]string{"cloud.google.com/l4-rbs": "enabled"}
	if !maps.Equal(got, want) {
		t.Errorf("annotations %v, want %v (and no internal ones)", got, want)
	}
	if gke.BackendServiceAnnotation != "cloud.google.com/l4-rbs" {
		t.Errorf("annotation key %q", gke.BackendServiceAnnotation)
	}
}

// Without an ingress subnet, the load balancer stays internal; GKE then
// takes its address from the node subnet.
func TestInternalLoadBalancerWithoutIngressSubnet(t *testing.T) {
	got, _ := renderAnnotations(t, true, false, func(a *network.Args) {
		a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.30.0.0/18"}}
	})
	want := map[string]string{"networking.gke.io/load-balancer-type": "Internal"}
	if !maps.Equal(got, want) {
		t.Errorf("annotations %v, want %v", got, want)
	}
}

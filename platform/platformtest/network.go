package platformtest

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewNetworkBackend creates the backend under test inside a Pulumi program.
type NewNetworkBackend func(ctx *pulumi.Context) (platform.NetworkBackend, error)

// NetworkSpecs returns the specs the conformance suite runs: a dev-like
// network with the default layout, a production-like one with two egress
// addresses, and one without NAT or flow logs.
func NetworkSpecs() []platform.NetworkSpec {
	base := func(name string) platform.NetworkSpec {
		return platform.NetworkSpec{
			Name:         name,
			AddressSpace: "10.20.0.0/16",
			Subnets: []platform.SubnetSpec{
				{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"},
				{Role: platform.SubnetIngress, CIDR: "10.20.64.0/21"},
				{Role: platform.SubnetPrivateEndpoints, CIDR: "10.20.72.0/21"},
			},
			PodCIDR:     "100.64.0.0/14",
			ServiceCIDR: "100.68.0.0/16",
			MaxNodes:    100,
			NAT:         platform.NATSpec{Enabled: true, IPCount: 1, IdleTimeoutMinutes: 4},
			FlowLogs:    platform.FlowLogSpec{Enabled: true, RetentionDays: 30, SampleRate: 0.5},
			Tags:        platform.Tags{"environment": "dev", "managed-by": "plinth"},
		}
	}
	dev := base("dev")
	prod := base("prod")
	prod.NAT.IPCount = 2
	prod.FlowLogs.RetentionDays = 90
	prod.Tags = platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"}
	bare := base("bare")
	bare.Subnets = bare.Subnets[:1]
	bare.NAT = platform.NATSpec{}
	bare.FlowLogs = platform.FlowLogSpec{}
	return []platform.NetworkSpec{dev, prod, bare}
}

// parentType is the component type the suite parents children to.
const parentType = "plinth:test:Conformance"

type parent struct{ pulumi.ResourceState }

type networkResult struct {
	mu        sync.Mutex
	id, name  string
	subnetIDs map[platform.SubnetRole]string
	subnetNms map[platform.SubnetRole]string
	egress    []string
}

// renderNetworks registers each spec through a backend made by newBackend,
// under a parent component, and returns the snapshot and resolved outputs.
func renderNetworks(stack string, newBackend NewNetworkBackend, specs ...platform.NetworkSpec) (*Snapshot, []*networkResult, error) {
	results := make([]*networkResult, len(specs))
	snap, err := Render(stack, func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		for i, spec := range specs {
			p := &parent{}
			if err := ctx.RegisterComponentResource(parentType, spec.Name, p); err != nil {
				return err
			}
			out, err := b.NewNetwork(ctx, spec, pulumi.Parent(p))
			if err != nil {
				return err
			}
			res := &networkResult{subnetIDs: map[platform.SubnetRole]string{}, subnetNms: map[platform.SubnetRole]string{}}
			results[i] = res
			out.ID.ApplyT(func(v string) string { res.mu.Lock(); res.id = v; res.mu.Unlock(); return v })
			out.Name.ApplyT(func(v string) string { res.mu.Lock(); res.name = v; res.mu.Unlock(); return v })
			out.EgressIPs.ApplyT(func(v []string) []string { res.mu.Lock(); res.egress = v; res.mu.Unlock(); return v })
			for role, sn := range out.Subnets {
				sn.ID.ApplyT(func(v string) string { res.mu.Lock(); res.subnetIDs[role] = v; res.mu.Unlock(); return v })
				sn.Name.ApplyT(func(v string) string { res.mu.Lock(); res.subnetNms[role] = v; res.mu.Unlock(); return v })
			}
		}
		return nil
	})
	return snap, results, err
}

// NetworkConformance runs the network rules of docs/contract.md against a
// backend. Call it from the backend's own tests:
//
//	func TestConformance(t *testing.T) {
//		platformtest.NetworkConformance(t, func(ctx *pulumi.Context) (platform.NetworkBackend, error) {
//			return aks.New(ctx, "aks", testConfig)
//		})
//	}
func NetworkConformance(t *testing.T, newBackend NewNetworkBackend) {
	t.Helper()
	for _, spec := range NetworkSpecs() {
		t.Run(spec.Name, func(t *testing.T) {
			snap, results, err := renderNetworks("conformance", newBackend, spec)
			if err != nil {
				t.Fatalf("NewNetwork(%s): %v", spec.Name, err)
			}
			checkChildren(t, snap)
			checkNetworkOutputs(t, spec, results[0])
		})
	}

	t.Run("two networks in one stack", func(t *testing.T) {
		specs := NetworkSpecs()[:2]
		snap, _, err := renderNetworks("conformance", newBackend, specs...)
		if err != nil {
			t.Fatalf("two networks: %v", err)
		}
		checkUniqueURNs(t, snap)
	})

	t.Run("deterministic", func(t *testing.T) {
		var out [2][]byte
		for i := range out {
			snap, _, err := renderNetworks("conformance", newBackend, NetworkSpecs()[1])
			if err != nil {
				t.Fatal(err)
			}
			if out[i], err = snap.Marshal(); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("C6: two renders of the same spec differ")
		}
	})
}

// checkChildren asserts the structural rules every capability shares, for
// a snapshot whose top-level components are the suite's parents: every other
// resource descends from one of them (C1), is named after it (C2) and uses an
// explicit provider (C3).
func checkChildren(t *testing.T, snap *Snapshot, mayBeEmpty ...string) {
	t.Helper()
	top := func(r *Resource) *Resource {
		for r.Parent != "" {
			p := snap.ByURN(r.Parent)
			if p == nil {
				return nil
			}
			r = p
		}
		return r
	}
	children := map[string]int{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if strings.HasPrefix(r.Type, "pulumi:providers:") || (r.Type == parentType && r.Parent == "") {
			continue
		}
		root := top(r)
		if root == nil || root.Type != parentType {
			t.Errorf("C1: %s %s is not parented to the component that asked for it", r.Type, r.Name)
			continue
		}
		children[root.Name]++
		if !strings.HasPrefix(r.Name, root.Name+"-") {
			t.Errorf("C2: %s is named %q; names must be %q + \"-\" + role", r.Type, r.Name, root.Name)
		}
		if r.Custom && (r.Provider == "" || strings.Contains(r.Provider, "::default")) {
			t.Errorf("C3: %s %s uses a default provider (%q); pass the backend's explicit provider", r.Type, r.Name, r.Provider)
		}
	}
	for _, r := range snap.Resources {
		if r.Type == parentType && children[r.Name] == 0 && !slices.Contains(mayBeEmpty, r.Name) {
			t.Errorf("the backend registered no resources for %s", r.Name)
		}
	}
}

func checkNetworkOutputs(t *testing.T, spec platform.NetworkSpec, res *networkResult) {
	t.Helper()
	res.mu.Lock()
	defer res.mu.Unlock()
	if res.id == "" || res.name == "" {
		t.Errorf("C4: network ID %q and name %q must be set", res.id, res.name)
	}
	ids := map[string]platform.SubnetRole{}
	for _, sn := range spec.Subnets {
		id, name := res.subnetIDs[sn.Role], res.subnetNms[sn.Role]
		if id == "" || name == "" {
			t.Errorf("C4: subnet %s: ID %q and name %q must be set", sn.Role, id, name)
		}
		if other, dup := ids[id]; dup {
			t.Errorf("C4: subnets %s and %s share ID %q", other, sn.Role, id)
		}
		ids[id] = sn.Role
	}
	if len(res.subnetIDs) != len(spec.Subnets) {
		t.Errorf("C4: %d subnets returned for %d in the spec", len(res.subnetIDs), len(spec.Subnets))
	}
	want := 0
	if spec.NAT.Enabled {
		want = spec.NAT.IPCount
	}
	if len(res.egress) != want {
		t.Errorf("C4: %d egress IPs, want %d", len(res.egress), want)
	}
	for _, ip := range res.egress {
		if _, err := netip.ParseAddr(ip); err != nil {
			t.Errorf("C4: egress IP %q: %v", ip, fmt.Errorf("not an address: %w", err))
		}
	}
}

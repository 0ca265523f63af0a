package network_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// render resolves args against target and creates one network on the
// fake backend; it returns the snapshot and the specs the backend received.
// It resolves inside the program, so that a test of invalid args also sees
// that nothing was registered.
func render(t *testing.T, name string, args network.Args, target platform.Target) (*platformtest.Snapshot, []platform.NetworkSpec, error) {
	t.Helper()
	var backend *fake.Backend
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if backend, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		r, err := args.Resolve(name, field.NewPath("network"), target)
		if err != nil {
			return err
		}
		_, err = network.New(ctx, r, backend)
		return err
	})
	if backend == nil {
		return snap, nil, err
	}
	return snap, backend.Networks(), err
}

// onFake is the fake cloud's target: not production, not locked.
var onFake = platform.Target{Cloud: fake.Facts}

func TestDefaultsReachTheBackend(t *testing.T) {
	_, specs, err := render(t, "dev", network.Args{AddressSpace: "10.20.0.0/16", Tags: map[string]string{"environment": "dev"}}, onFake)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 {
		t.Fatalf("backend got %d specs, want 1", len(specs))
	}
	got := specs[0]
	want := platform.NetworkSpec{
		Name:         "dev",
		AddressSpace: "10.20.0.0/16",
		Subnets: []platform.SubnetSpec{
			{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"},
			{Role: platform.SubnetIngress, CIDR: "10.20.64.0/21"},
			{Role: platform.SubnetPrivateEndpoints, CIDR: "10.20.72.0/21"},
		},
		PodCIDR:     network.DefaultPodCIDR,
		ServiceCIDR: network.DefaultServiceCIDR,
		NAT:         platform.NATSpec{Enabled: true, IPCount: network.DefaultNATIPCount, IdleTimeoutMinutes: network.DefaultNATIdleTimeoutMinutes},
		FlowLogs:    platform.FlowLogSpec{Enabled: true, RetentionDays: network.DefaultFlowLogRetentionDays, SampleRate: network.DefaultFlowLogSampleRate},
		Tags:        platform.Tags{"environment": "dev"},
	}
	if got.Name != want.Name || got.AddressSpace != want.AddressSpace || got.PodCIDR != want.PodCIDR ||
		got.ServiceCIDR != want.ServiceCIDR || got.NAT != want.NAT || got.FlowLogs != want.FlowLogs || got.Locked ||
		len(got.Tags) != 1 || got.Tags["environment"] != "dev" {
		t.Errorf("spec = %+v\nwant %+v", got, want)
	}
	if len(got.Subnets) != len(want.Subnets) {
		t.Fatalf("subnets = %v, want %v", got.Subnets, want.Subnets)
	}
	for i := range want.Subnets {
		if got.Subnets[i] != want.Subnets[i] {
			t.Errorf("subnets[%d] = %v, want %v", i, got.Subnets[i], want.Subnets[i])
		}
	}
}

func TestUserValuesAreKept(t *testing.T) {
	args := network.Args{
		AddressSpace: "10.30.0.0/20",
		Subnets:      []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.30.0.0/22"}},
		PodCIDR:      "172.16.0.0/16",
		ServiceCIDR:  "172.20.0.0/20",
		MaxNodes:     200,
		NAT:          network.NAT{IPCount: 3, IdleTimeoutMinutes: 10},
		FlowLogs:     network.FlowLogs{Disabled: true},
	}
	// The target's Lock asks for the cloud's deletion lock.
	_, specs, err := render(t, "edge", args, platform.Target{Cloud: fake.Facts, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	s := specs[0]
	if len(s.Subnets) != 1 || s.Subnets[0].CIDR != "10.30.0.0/22" || s.PodCIDR != "172.16.0.0/16" ||
		s.ServiceCIDR != "172.20.0.0/20" || s.NAT.IPCount != 3 || s.NAT.IdleTimeoutMinutes != 10 || s.FlowLogs.Enabled || !s.Locked {
		t.Errorf("user values changed on the way to the backend: %+v", s)
	}
}

func TestComponentAndChildren(t *testing.T) {
	snap, _, err := render(t, "prod", network.Args{AddressSpace: "10.40.0.0/16", Tags: map[string]string{"environment": "prod"}}, onFake)
	if err != nil {
		t.Fatal(err)
	}
	comp := snap.Find(network.TypeToken, "prod")
	if comp == nil || comp.Custom {
		t.Fatalf("component %s prod not registered as a component: %+v", network.TypeToken, comp)
	}
	if comp.Parent != "" {
		t.Errorf("component parent = %q, want the stack root", comp.Parent)
	}
	wantChildren := map[string]string{
		"prod-network":           fake.NetworkType,
		"prod-nodes":             fake.SubnetType,
		"prod-ingress":           fake.SubnetType,
		"prod-private-endpoints": fake.SubnetType,
		"prod-egress-ip-1":       fake.EgressIPType,
	}
	for name, typ := range wantChildren {
		r := snap.Find(typ, name)
		if r == nil {
			t.Errorf("child %s %s missing", typ, name)
			continue
		}
		if r.Parent != comp.URN {
			t.Errorf("%s parent = %q, want %q", name, r.Parent, comp.URN)
		}
		if want := "urn:pulumi:test::plinth::" + network.TypeToken + "$" + typ + "::" + name; r.URN != want {
			t.Errorf("%s URN = %s, want %s", name, r.URN, want)
		}
	}
}

func TestValidation(t *testing.T) {
	ok := func() network.Args { return network.Args{AddressSpace: "10.20.0.0/16"} }
	for _, tc := range []struct {
		name   string
		cname  string
		mutate func(a *network.Args)
		want   []string
	}{
		{
			name:   "missing address space",
			mutate: func(a *network.Args) { a.AddressSpace = "" },
			want:   []string{`network.addressSpace: required: give the network's IPv4 range, e.g. "10.20.0.0/16"`},
		},
		{
			name:   "malformed address space",
			mutate: func(a *network.Args) { a.AddressSpace = "10.20.0/16" },
			want:   []string{`network.addressSpace "10.20.0/16": not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16`},
		},
		{
			name:   "host bits set",
			mutate: func(a *network.Args) { a.AddressSpace = "10.20.1.0/16" },
			want:   []string{`network.addressSpace "10.20.1.0/16": host bits are set; the range starts at 10.20.0.0/16`},
		},
		{
			name:   "address space too small for the default layout",
			mutate: func(a *network.Args) { a.AddressSpace = "10.20.0.0/24" },
			want:   []string{`network.addressSpace "10.20.0.0/24": too small for the default subnet layout, which needs /22 or larger; widen it or list subnets explicitly`},
		},
		{
			name: "subnet prefix out of range",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"}, {Role: platform.SubnetIngress, CIDR: "10.20.64.0/33"}}
			},
			want: []string{`network.subnets[1].cidr "10.20.64.0/33": not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16`},
		},
		{
			name: "subnet too small",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"}, {Role: platform.SubnetIngress, CIDR: "10.20.64.0/30"}}
			},
			want: []string{`network.subnets[1].cidr "10.20.64.0/30": prefix length must be 8..29`},
		},
		{
			name: "subnet outside the address space",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.21.0.0/18"}}
			},
			want: []string{`network.subnets[0].cidr "10.21.0.0/18": outside network.addressSpace "10.20.0.0/16"; pick a range inside the address space`},
		},
		{
			name: "overlapping subnets",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"}, {Role: platform.SubnetIngress, CIDR: "10.20.32.0/21"}}
			},
			want: []string{`network.subnets[1].cidr "10.20.32.0/21": overlaps network.subnets[0].cidr "10.20.0.0/18"; ranges must not share addresses`},
		},
		{
			name: "duplicate and unknown roles, no nodes subnet",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{
					{Role: platform.SubnetIngress, CIDR: "10.20.0.0/21"},
					{Role: platform.SubnetIngress, CIDR: "10.20.8.0/21"},
					{Role: "pods", CIDR: "10.20.16.0/21"},
				}
			},
			want: []string{
				`network.subnets[1].role "ingress": duplicate role: network.subnets[0] has it already; give each role one subnet`,
				`network.subnets[2].role "pods": unknown role; use one of [nodes ingress private-endpoints]`,
				`network.subnets: no subnet has role "nodes"; add one for the cluster's nodes`,
			},
		},
		{
			name: "node subnet too small for the node count",
			mutate: func(a *network.Args) {
				a.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/26"}}
				a.MaxNodes = 100
			},
			want: []string{`network.subnets[0].cidr "10.20.0.0/26": holds 59 nodes, fewer than network.maxNodes 100; widen it to /25 or lower maxNodes`},
		},
		{
			name:   "pod range with host bits",
			mutate: func(a *network.Args) { a.PodCIDR = "100.65.0.0/14" },
			want:   []string{`network.podCIDR "100.65.0.0/14": host bits are set; the range starts at 100.64.0.0/14`},
		},
		{
			name:   "pod range covering the address space",
			mutate: func(a *network.Args) { a.PodCIDR = "10.20.0.0/14" },
			want:   []string{`network.podCIDR "10.20.0.0/14": overlaps network.addressSpace "10.20.0.0/16"; pod and service ranges must lie outside the address space`},
		},
		{
			name:   "service range inside the address space",
			mutate: func(a *network.Args) { a.ServiceCIDR = "10.20.128.0/20" },
			want:   []string{`network.serviceCIDR "10.20.128.0/20": overlaps network.addressSpace "10.20.0.0/16"; pod and service ranges must lie outside the address space`},
		},
		{
			name:   "pod and service ranges overlap",
			mutate: func(a *network.Args) { a.ServiceCIDR = "100.65.0.0/16" },
			want:   []string{`network.serviceCIDR "100.65.0.0/16": overlaps network.podCIDR "100.64.0.0/14"; ranges must not share addresses`},
		},
		{
			name:   "pod range too small for the nodes",
			mutate: func(a *network.Args) { a.PodCIDR = "100.64.0.0/20"; a.MaxNodes = 100 },
			want:   []string{`network.podCIDR "100.64.0.0/20": prefix length must be 8..17`},
		},
		{
			name:   "NAT settings out of range",
			mutate: func(a *network.Args) { a.NAT = network.NAT{IPCount: 17, IdleTimeoutMinutes: 2} },
			want: []string{
				`network.nat.ipCount 17: must be 1..16 (the Azure NAT gateway limit)`,
				`network.nat.idleTimeoutMinutes 2: must be 4..120 minutes`,
			},
		},
		{
			name:   "NAT disabled with settings",
			mutate: func(a *network.Args) { a.NAT = network.NAT{Disabled: true, IPCount: 2} },
			want:   []string{`network.nat.ipCount 2: set while network.nat.disabled is true; remove one of them`},
		},
		{
			name:   "flow log settings out of range",
			mutate: func(a *network.Args) { a.FlowLogs = network.FlowLogs{RetentionDays: 400, SampleRate: 1.5} },
			want: []string{
				`network.flowLogs.retentionDays 400: must be 1..365 days`,
				`network.flowLogs.sampleRate 1.5: must be above 0 and at most 1, e.g. 0.5`,
			},
		},
		{
			name:   "NaN sample rate",
			mutate: func(a *network.Args) { a.FlowLogs = network.FlowLogs{SampleRate: math.NaN()} },
			want:   []string{`network.flowLogs.sampleRate NaN: must be above 0 and at most 1, e.g. 0.5`},
		},
		{
			name:   "infinite sample rate",
			mutate: func(a *network.Args) { a.FlowLogs = network.FlowLogs{SampleRate: math.Inf(1)} },
			want:   []string{`network.flowLogs.sampleRate +Inf: must be above 0 and at most 1, e.g. 0.5`},
		},
		{
			name:   "bad tags",
			mutate: func(a *network.Args) { a.Tags = map[string]string{"Cost Center": "x", "version": "0.1.0"} },
			want: []string{
				`network.tags["Cost Center"] "Cost Center": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
				`network.tags["version"] "0.1.0": tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. "v0-1-0"`,
			},
		},
		{
			name:   "bad component name",
			cname:  "Prod_Net",
			mutate: func(a *network.Args) {},
			want:   []string{`network.name "Prod_Net": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := ok()
			tc.mutate(&args)
			name := tc.cname
			if name == "" {
				name = "core"
			}
			snap, specs, err := render(t, name, args, onFake)
			if err == nil {
				t.Fatalf("want an error, got none")
			}
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not a *field.ErrorList", err)
			}
			got := strings.Split(list.Error(), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if len(specs) != 0 {
				t.Errorf("backend was called with %d specs despite invalid args", len(specs))
			}
			if snap != nil {
				for _, r := range snap.Resources {
					if r.Type != fake.ProviderType {
						t.Errorf("registered %s %s despite invalid args", r.Type, r.Name)
					}
				}
			}
		})
	}
}

// New refuses, before registering anything, a value Resolve did not make
// and a missing backend: plain errors, not field errors.
func TestNewNeedsResolvedArgsAndABackend(t *testing.T) {
	r, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("core", field.NewPath("network"), onFake)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		r       network.Resolved
		backend bool
		want    string
	}{
		{"not resolved", network.Resolved{}, true, `network: not resolved; pass what Args.Resolve returns`},
		{"no backend", r, false, `network "core": no backend; pass aks.New(...), gke.New(...) or fake.New(...)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b *fake.Backend
			var err error
			snap, rerr := platformtest.Render("test", func(ctx *pulumi.Context) error {
				var backend platform.NetworkBackend
				if tc.backend {
					var ferr error
					if b, ferr = fake.New(ctx, "fake"); ferr != nil {
						return ferr
					}
					backend = b
				}
				_, err = network.New(ctx, tc.r, backend)
				return nil
			})
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v\nwant %s", err, tc.want)
			}
			var list *field.ErrorList
			if errors.As(err, &list) {
				t.Errorf("error is a *field.ErrorList; want a plain error")
			}
			if b != nil && len(b.Networks()) != 0 {
				t.Errorf("backend was called with %d specs", len(b.Networks()))
			}
			if snap != nil && snap.Find(network.TypeToken, "core") != nil {
				t.Error("the component was registered")
			}
		})
	}
}

// Resolve is pure and returns exactly what New hands the backend, whatever
// the cloud: the network's rules are the same on every cloud.
func TestResolveIsWhatTheBackendGets(t *testing.T) {
	args := network.Args{AddressSpace: "10.20.0.0/16", NAT: network.NAT{IPCount: 2}, Tags: map[string]string{"team": "platform"}}
	r, err := args.Resolve("core", field.NewPath("network"), platform.Target{Cloud: fake.Facts, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	_, specs, err := render(t, "core", args, platform.Target{Cloud: fake.Facts, Lock: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != 1 || !reflect.DeepEqual(specs[0], r.Spec()) {
		t.Errorf("backend got %+v\nResolve returned %+v", specs, r.Spec())
	}
	if s := r.Spec(); s.Name != "core" || s.NAT.IPCount != 2 || !s.Locked || s.Tags["team"] != "platform" {
		t.Errorf("resolved spec = %+v", s)
	}
	for _, cloud := range []platform.CloudFacts{aksfacts.Facts, gkefacts.Facts} {
		on, err := args.Resolve("core", field.NewPath("network"), platform.Target{Cloud: cloud, Region: "europe-west1", Lock: true})
		if err != nil {
			t.Fatalf("%s: %v", cloud.Name, err)
		}
		if !reflect.DeepEqual(on.Spec(), r.Spec()) {
			t.Errorf("on %s: spec = %+v\nwant %+v", cloud.Name, on.Spec(), r.Spec())
		}
	}
}

func TestDefaultLayout(t *testing.T) {
	for _, tc := range []struct {
		space string
		want  []string
	}{
		{"10.20.0.0/16", []string{"10.20.0.0/18", "10.20.64.0/21", "10.20.72.0/21"}},
		{"10.8.0.0/20", []string{"10.8.0.0/22", "10.8.4.0/25", "10.8.4.128/25"}},
		{"192.168.0.0/22", []string{"192.168.0.0/24", "192.168.1.0/27", "192.168.1.32/27"}},
	} {
		subnets, err := network.DefaultLayout(tc.space)
		if err != nil {
			t.Fatalf("DefaultLayout(%s): %v", tc.space, err)
		}
		for i, sn := range subnets {
			if sn.CIDR != tc.want[i] || sn.Role != platform.SubnetRoles[i] {
				t.Errorf("DefaultLayout(%s)[%d] = %v, want %s %s", tc.space, i, sn, platform.SubnetRoles[i], tc.want[i])
			}
		}
	}
}

package cluster_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The targets the tests resolve against: the fake cloud, and the fake
// cloud for production.
var (
	onFake     = platform.Target{Cloud: fake.Facts}
	onFakeProd = platform.Target{Cloud: fake.Facts, Production: true}
)

// render resolves a network and a cluster against target and creates them
// on the fake backend. It resolves inside the program, so that a test of
// invalid args also sees that nothing was registered.
func render(t *testing.T, name string, target platform.Target, mutate func(a *cluster.Args)) (*platformtest.Snapshot, *fake.Backend, *cluster.Cluster, error) {
	t.Helper()
	var backend *fake.Backend
	var c *cluster.Cluster
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if backend, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16", Tags: map[string]string{"environment": "test"}}.Resolve("net", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, backend)
		if err != nil {
			return err
		}
		var args cluster.Args
		if mutate != nil {
			mutate(&args)
		}
		r, err := args.Resolve(name, field.NewPath("cluster"), target, nr.Spec())
		if err != nil {
			return err
		}
		c, err = cluster.New(ctx, r, backend, net)
		return err
	})
	return snap, backend, c, err
}

func TestProductionDefaultsReachTheBackend(t *testing.T) {
	_, b, _, err := render(t, "prod", onFakeProd, func(a *cluster.Args) {
		a.UserPools = []cluster.NodePool{{Name: "apps"}}
		a.Tags = map[string]string{"team": "platform"}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := b.Clusters()[0]
	if s.KubernetesVersion != cluster.DefaultKubernetesVersion || !s.PrivateAPI || len(s.AuthorizedCIDRs) != 0 ||
		s.Channel != platform.ChannelStable || s.Tier != platform.TierStandard || !s.Monitoring ||
		s.LogRetentionDays != 30 || !s.DeletionProtection || s.Window != cluster.DefaultWindow {
		t.Errorf("production defaults not applied: %+v", s)
	}
	if len(s.Pools) != 2 {
		t.Fatalf("pools = %+v", s.Pools)
	}
	sys, apps := s.Pools[0], s.Pools[1]
	if !sys.System || sys.Name != "system" || sys.MinCount != 3 || sys.MaxCount != 6 || strings.Join(sys.Zones, ",") != "1,2,3" {
		t.Errorf("system pool = %+v", sys)
	}
	if len(sys.Taints) != 1 || sys.Taints[0].String() != "CriticalAddonsOnly=true:NoSchedule" {
		t.Errorf("system pool taints = %v", sys.Taints)
	}
	if apps.System || apps.MinCount != 1 || apps.MaxCount != 10 || apps.MachineType != "fake-4x16" || apps.MaxSurge != "33%" || apps.DiskSizeGB != 128 || len(apps.Taints) != 0 {
		t.Errorf("user pool = %+v", apps)
	}
	if s.Tags["environment"] != "test" || s.Tags["team"] != "platform" {
		t.Errorf("tags = %v; want the network's and the cluster's", s.Tags)
	}
	if s.Network.Spec.AddressSpace != "10.20.0.0/16" || s.Network.Spec.MaxNodes != network.DefaultMaxNodes {
		t.Errorf("network spec not passed through: %+v", s.Network.Spec)
	}
}

func TestKubernetesProvider(t *testing.T) {
	for _, prod := range []bool{true, false} {
		snap, _, _, err := render(t, "prod", platform.Target{Cloud: fake.Facts, Production: prod}, func(a *cluster.Args) {
			a.AllowDeletion = !prod
		})
		if err != nil {
			t.Fatal(err)
		}
		comp := snap.Find(cluster.TypeToken, "prod")
		p := snap.Find("pulumi:providers:kubernetes", "prod-kubernetes")
		if comp == nil || p == nil {
			t.Fatalf("component %v or provider %v missing", comp, p)
		}
		if p.Parent != comp.URN {
			t.Errorf("provider parent = %q, want the cluster", p.Parent)
		}
		if got := platformtest.Input(t, p, "kubeconfig"); got != "[secret]" {
			t.Errorf("provider kubeconfig = %v, want it secret", got)
		}
		if got := platformtest.Input(t, p, "deleteUnreachable"); got != "false" && got != false {
			t.Errorf("deleteUnreachable = %v", got)
		}
		want := !prod
		if got := platformtest.Input(t, p, "skipUpdateUnreachable"); got != want && got != map[bool]string{true: "true", false: "false"}[want] {
			t.Errorf("production %v: skipUpdateUnreachable = %v, want %v", prod, got, want)
		}
	}
}

func TestPoolsAreSeparateResources(t *testing.T) {
	snap, _, _, err := render(t, "prod", onFake, func(a *cluster.Args) {
		a.UserPools = []cluster.NodePool{{Name: "apps"}, {Name: "batch", Spot: true}}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"prod-system", "prod-apps", "prod-batch"} {
		if snap.Find(fake.NodePoolType, n) == nil {
			t.Errorf("pool %s is not its own resource", n)
		}
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target platform.Target // unset: onFake
		mutate func(a *cluster.Args)
		want   []string
	}{
		{
			name:   "malformed version",
			mutate: func(a *cluster.Args) { a.KubernetesVersion = "1.33.2" },
			want:   []string{`cluster.kubernetesVersion "1.33.2": write the minor version only, e.g. "1.33"; patches follow the upgrade channel`},
		},
		{
			name:   "unknown version",
			mutate: func(a *cluster.Args) { a.KubernetesVersion = "1.25" },
			want:   []string{`cluster.kubernetesVersion "1.25": unknown version; this release supports [1.31 1.32 1.33 1.34]`},
		},
		{
			name:   "min greater than max",
			mutate: func(a *cluster.Args) { a.UserPools = []cluster.NodePool{{Name: "apps", MinCount: 5, MaxCount: 2}} },
			want:   []string{`cluster.userPools[0].minCount 5: greater than maxCount 2; swap them or raise maxCount`},
		},
		{
			name:   "zero nodes in the system pool",
			mutate: func(a *cluster.Args) { a.SystemPool = cluster.NodePool{MinCount: 0, MaxCount: 3} },
			want:   []string{`cluster.systemPool.minCount 0: the system pool needs at least one node; add-ons run only there`},
		},
		{
			name:   "production with one zone and a public API without ranges",
			target: onFakeProd,
			mutate: func(a *cluster.Args) {
				a.SystemPool.Zones = []string{"1"}
				a.APIServer.Public = true
			},
			want: []string{
				`cluster.systemPool.zones "1": a production system pool spans at least 3 zones so one zone outage leaves add-ons running`,
				`cluster.apiServer.public true: a public API server must be limited to authorizedCIDRs, in every class; add the ranges of operators and CI that may reach it, e.g. ["203.0.113.0/24"], or keep it private`,
			},
		},
		{
			name:   "production user pools in fewer than three zones",
			target: onFakeProd,
			mutate: func(a *cluster.Args) {
				a.UserPools = []cluster.NodePool{
					{Name: "apps", Zones: []string{"1"}},
					{Name: "batch", Zones: []string{"1", "2"}},
					{Name: "web"}, // the default zones: all three
				}
			},
			want: []string{
				`cluster.userPools[0].zones "[1]": a production pool spreads over at least 3 zones; list 3 or leave zones unset`,
				`cluster.userPools[1].zones "[1 2]": a production pool spreads over at least 3 zones; list 3 or leave zones unset`,
			},
		},
		{
			name:   "production opt-outs",
			target: onFakeProd,
			mutate: func(a *cluster.Args) {
				a.Tier = platform.TierFree
				a.AllowDeletion = true
			},
			want: []string{
				`cluster.tier "free": a production cluster needs the "standard" tier and its uptime SLA`,
				`cluster.allowDeletion true: a production cluster keeps deletion protection; remove allowDeletion`,
			},
		},
		{
			name: "malformed authorized CIDRs",
			mutate: func(a *cluster.Args) {
				a.APIServer = cluster.APIServer{Public: true, AuthorizedCIDRs: []string{"203.0.113.0/24", "203.0.113.7/24", "office"}}
			},
			want: []string{
				`cluster.apiServer.authorizedCIDRs[1] "203.0.113.7/24": host bits are set; the range starts at 203.0.113.0/24`,
				`cluster.apiServer.authorizedCIDRs[2] "office": not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16`,
			},
		},
		{
			name:   "authorized CIDRs on a private API server",
			mutate: func(a *cluster.Args) { a.APIServer.AuthorizedCIDRs = []string{"203.0.113.0/24"} },
			want:   []string{`cluster.apiServer.authorizedCIDRs "203.0.113.0/24": set while the API server is private; set apiServer.public or remove them`},
		},
		{
			name: "pool names the cloud rejects",
			mutate: func(a *cluster.Args) {
				a.UserPools = []cluster.NodePool{{Name: "user-pool"}, {Name: "averyveryverylongname"}, {Name: "system"}}
			},
			want: []string{
				`cluster.userPools[0].name "user-pool": pool names are 1-12 lowercase letters and digits, starting with a letter (AKS rejects anything else)`,
				`cluster.userPools[1].name "averyveryverylongname": pool names are 1-12 lowercase letters and digits, starting with a letter (AKS rejects anything else)`,
				`cluster.userPools[2].name "system": duplicate pool name: cluster.systemPool.name has it already`,
			},
		},
		{
			name: "bad zones, taint, surge, disk and spot system pool",
			mutate: func(a *cluster.Args) {
				a.SystemPool = cluster.NodePool{Zones: []string{"1", "4", "1"}, Spot: true, DiskSizeGB: 10, MaxSurge: "150%",
					Taints: []platform.Taint{{Key: "x", Effect: "Sometimes"}}}
			},
			want: []string{
				`cluster.systemPool.zones[1] "4": not a zone on fake; use [1 2 3]`,
				`cluster.systemPool.zones[2] "1": listed twice`,
				`cluster.systemPool.spot true: the system pool cannot run on spot capacity; evictions would take add-ons down`,
				`cluster.systemPool.taints[0].effect "Sometimes": use NoSchedule, PreferNoSchedule or NoExecute`,
				`cluster.systemPool.diskSizeGB 10: must be 30..2048`,
				`cluster.systemPool.maxSurge "150%": a percentage above 100% doubles the pool; use at most 100%`,
			},
		},
		{
			// What check's PLN001 refuses in every class.
			name: "authorized range open to every address",
			mutate: func(a *cluster.Args) {
				a.APIServer = cluster.APIServer{Public: true, AuthorizedCIDRs: []string{"203.0.113.0/24", "0.0.0.0/0"}}
			},
			want: []string{`cluster.apiServer.authorizedCIDRs[1] "0.0.0.0/0": admits every address, which leaves the API server open to the internet; list only the networks of operators and CI, e.g. "203.0.113.0/24", or keep it private`},
		},
		{
			// Free-form maps follow the Kubernetes rules: a pool whose
			// labels or taints Kubernetes refuses never gets nodes.
			name: "node labels and taints",
			mutate: func(a *cluster.Args) {
				a.UserPools = []cluster.NodePool{{Name: "apps",
					Labels: map[string]string{"bad key": "x", "acme.example/tier": "gold plated", "kubernetes.io/role": "apps", "node.kubernetes.io/pool": "apps"},
					Taints: []platform.Taint{
						{Key: "acme.example/dedicated", Value: "batch jobs", Effect: platform.NoSchedule},
						{Key: "Bad/Key", Value: "x", Effect: platform.NoExecute},
						{Key: "acme.example/dedicated", Value: "other", Effect: platform.NoSchedule},
						{Key: "acme.example/dedicated", Value: "other", Effect: platform.NoExecute},
					}}}
			},
			want: []string{
				`cluster.userPools[0].labels["acme.example/tier"] "gold plated": not a label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
				`cluster.userPools[0].labels["bad key"] "bad key": not a label key: an optional DNS subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, e.g. "acme.example/workload"`,
				`cluster.userPools[0].labels["kubernetes.io/role"] "kubernetes.io/role": kubernetes.io and k8s.io label keys are Kubernetes' own, and a node may not set them on itself (NodeRestriction), so the pool's nodes would not join; use a prefix of your own, e.g. "acme.example/workload", or node.kubernetes.io`,
				`cluster.userPools[0].taints[0].value "batch jobs": not a taint value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
				`cluster.userPools[0].taints[1].key "Bad/Key": not a taint key: an optional DNS subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, e.g. "acme.example/dedicated"`,
				`cluster.userPools[0].taints[2].key "acme.example/dedicated": cluster.userPools[0].taints[0] already taints with this key and effect NoSchedule; Kubernetes keeps one taint per key and effect, remove one`,
			},
		},
		{
			name: "pools larger than the network",
			mutate: func(a *cluster.Args) {
				a.UserPools = []cluster.NodePool{{Name: "apps", MinCount: 1, MaxCount: 200}}
			},
			want: []string{`cluster.userPools: the pools may scale to 206 nodes, more than the network was sized for (network.maxNodes 100); raise network.maxNodes or lower the pools' maxCount`},
		},
		{
			name:   "window and channel",
			target: onAzure,
			mutate: func(a *cluster.Args) {
				a.Upgrades = cluster.Upgrades{Channel: "weekly", Window: &platform.MaintenanceWindow{Day: "Sun", StartHour: 25, DurationHours: 2}}
			},
			want: []string{
				`cluster.upgrades.channel "weekly": use one of [rapid regular stable none]`,
				`cluster.upgrades.window.day "Sun": use a weekday in English, e.g. "Sunday"`,
				`cluster.upgrades.window.startHour 25: must be 0..23 (UTC)`,
				`cluster.upgrades.window.durationHours 2: must be 4..24 hours on Azure (the shortest weekly window AKS accepts is 4 hours)`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if target.Cloud.Cloud == "" {
				target = onFake
			}
			snap, b, _, err := render(t, "prod", target, tc.mutate)
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not a *field.ErrorList", err)
			}
			if got, want := list.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if len(b.Clusters()) != 0 {
				t.Error("the backend was called despite invalid args")
			}
			if snap != nil && snap.Find(cluster.TypeToken, "prod") != nil {
				t.Error("the component was registered despite invalid args")
			}
		})
	}
}

// Outside production, pools may use fewer zones: the production rules are
// the target's, not the settings'.
func TestFewerZonesOutsideProduction(t *testing.T) {
	_, b, _, err := render(t, "dev", onFake, func(a *cluster.Args) {
		a.SystemPool.Zones = []string{"1"}
		a.UserPools = []cluster.NodePool{{Name: "apps", Zones: []string{"2"}}}
	})
	if err != nil {
		t.Fatal(err)
	}
	s := b.Clusters()[0]
	if got := fmt.Sprint(s.Pools[0].Zones, s.Pools[1].Zones); got != "[1] [2]" {
		t.Errorf("pool zones = %s, want [1] [2]", got)
	}
}

// New refuses, before registering anything, a value Resolve did not make,
// a missing backend or network, and a network other than the one the
// cluster was resolved against: plain errors, not field errors.
func TestNewNeedsWhatItWasResolvedWith(t *testing.T) {
	for _, tc := range []struct {
		name       string
		unresolved bool
		noBackend  bool
		network    string // "": none; else the name of the network passed
		want       string
	}{
		{name: "not resolved", unresolved: true, network: "net",
			want: `cluster: not resolved; pass what Args.Resolve returns`},
		{name: "no backend", noBackend: true, network: "net",
			want: `cluster "prod": no backend; pass the backend the network was created with`},
		{name: "no network",
			want: `cluster "prod": no network; pass the *network.Network the cluster lives in`},
		{name: "another network", network: "other",
			want: `cluster "prod": resolved against network "net" but given network "other"; pass the network it was resolved against`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b *fake.Backend
			var err error
			snap, rerr := platformtest.Render("test", func(ctx *pulumi.Context) error {
				var ferr error
				if b, ferr = fake.New(ctx, "fake"); ferr != nil {
					return ferr
				}
				nets := map[string]*network.Network{}
				specs := map[string]platform.NetworkSpec{}
				for i, n := range []string{"net", "other"} {
					nr, ferr := network.Args{AddressSpace: fmt.Sprintf("10.%d.0.0/16", 20+i)}.Resolve(n, field.NewPath("network"), onFake)
					if ferr != nil {
						return ferr
					}
					specs[n] = nr.Spec()
					if nets[n], ferr = network.New(ctx, nr, b); ferr != nil {
						return ferr
					}
				}
				r, ferr := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), onFake, specs["net"])
				if ferr != nil {
					return ferr
				}
				if tc.unresolved {
					r = cluster.Resolved{}
				}
				var backend platform.ClusterBackend = b
				if tc.noBackend {
					backend = nil
				}
				_, err = cluster.New(ctx, r, backend, nets[tc.network])
				return nil
			})
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			var list *field.ErrorList
			if errors.As(err, &list) {
				t.Error("the error is a *field.ErrorList; want a plain error")
			}
			if len(b.Clusters()) != 0 {
				t.Error("the backend was called")
			}
			if snap.Find(cluster.TypeToken, "prod") != nil {
				t.Error("the component was registered")
			}
		})
	}
}

// A *cluster.Cluster is the Host the cluster services are created on: the
// spec the backend received (with the network's outputs), the backend's
// outputs and the Kubernetes provider.
func TestClusterIsAHost(t *testing.T) {
	_, b, c, err := render(t, "prod", onFake, nil)
	if err != nil {
		t.Fatal(err)
	}
	var h cluster.Host = c
	if err := cluster.CheckHost("ingress", "edge", h); err != nil {
		t.Errorf("CheckHost(cluster.New's cluster) = %v", err)
	}
	if got := h.ClusterSpec(); got.Name != "prod" || !reflect.DeepEqual(got.Pools, b.Clusters()[0].Pools) || got.Network.Spec.Name != "net" {
		t.Errorf("ClusterSpec() = %+v, want the spec the backend received", got)
	}
	if _, ok := h.ClusterSpec().Network.Outputs.Subnets[platform.SubnetNodes]; !ok {
		t.Errorf("ClusterSpec() carries no network outputs: %+v", h.ClusterSpec().Network.Outputs)
	}
	if h.ClusterOutputs() != c.Outputs || h.ClusterOutputs() == nil || h.KubernetesProvider() != c.Provider || h.KubernetesProvider() == nil {
		t.Errorf("ClusterOutputs() = %v, KubernetesProvider() = %v; want the cluster's", h.ClusterOutputs(), h.KubernetesProvider())
	}

	want := `ingress "edge": no cluster; pass the *cluster.Cluster that cluster.New returned`
	for name, h := range map[string]cluster.Host{"nil": nil, "nil *Cluster": (*cluster.Cluster)(nil), "zero Cluster": &cluster.Cluster{}} {
		if err := cluster.CheckHost("ingress", "edge", h); err == nil || err.Error() != want {
			t.Errorf("CheckHost(%s) = %v, want %s", name, err, want)
		}
	}
}

// resolveOn resolves a network and a cluster against target, as an
// environment does before anything is created: no backend, no program.
func resolveOn(target platform.Target, mutate func(a *cluster.Args)) (platform.ClusterSpec, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), target)
	if err != nil {
		return platform.ClusterSpec{}, err
	}
	var args cluster.Args
	if mutate != nil {
		mutate(&args)
	}
	r, err := args.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
	return r.Spec(), err
}

var (
	onAzure = platform.Target{Cloud: aksfacts.Facts, Region: "westeurope"}
	onGCP   = platform.Target{Cloud: gkefacts.Facts, Region: "europe-west3"}
)

func prod(t platform.Target) platform.Target { t.Production = true; return t }

func TestCloudSpecificOptions(t *testing.T) {
	spec, err := resolveOn(onAzure, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := platform.AKSClusterSpec{ImageCleanerIntervalHours: 168, SecretRotationInterval: "2m", AzurePolicy: true, Defender: true}
	if spec.AKS != want || spec.GKE != (platform.GKEClusterSpec{}) {
		t.Errorf("AKS spec = %+v, GKE spec = %+v; want AKS defaults only", spec.AKS, spec.GKE)
	}
	if spec.Pools[0].MachineType != "Standard_D4ds_v5" {
		t.Errorf("AKS default machine = %s", spec.Pools[0].MachineType)
	}

	spec, err = resolveOn(onGCP, func(a *cluster.Args) { a.GKE.EnterprisePosture = true })
	if err != nil {
		t.Fatal(err)
	}
	if spec.GKE != (platform.GKEClusterSpec{BinaryAuthorization: true, SecurityPosture: "ENTERPRISE"}) || spec.AKS != (platform.AKSClusterSpec{}) {
		t.Errorf("GKE spec = %+v, AKS spec = %+v", spec.GKE, spec.AKS)
	}
	if spec.Window.DurationHours != 12 || spec.Pools[0].MachineType != "e2-standard-4" {
		t.Errorf("GKE defaults: window %+v machine %s", spec.Window, spec.Pools[0].MachineType)
	}

	spec, err = resolveOn(onFake, func(a *cluster.Args) { a.UserPools = []cluster.NodePool{{Name: "apps"}} })
	if err != nil {
		t.Fatal(err)
	}
	if spec.AKS != (platform.AKSClusterSpec{}) || spec.GKE != (platform.GKEClusterSpec{}) || spec.Pools[1].MachineType != "fake-4x16" {
		t.Errorf("fake: AKS %+v, GKE %+v, machine %s; want neither option block and the fake's machine", spec.AKS, spec.GKE, spec.Pools[1].MachineType)
	}

	for _, tc := range []struct {
		name   string
		target platform.Target
		mutate func(a *cluster.Args)
		want   string
	}{
		{"AKS options on GKE", onGCP, func(a *cluster.Args) { a.AKS.DisableAzurePolicy = true },
			`cluster.aks: set, but the backend deploys to gcp; AKS options apply only to AKS clusters, remove them`},
		{"GKE options on AKS", onAzure, func(a *cluster.Args) { a.GKE.EnterprisePosture = true },
			`cluster.gke: set, but the backend deploys to azure; GKE options apply only to GKE clusters, remove them`},
		{"AKS options on the fake", onFake, func(a *cluster.Args) { a.AKS.ImageCleanerIntervalHours = 48 },
			`cluster.aks: set, but the backend deploys to fake; AKS options apply only to AKS clusters, remove them`},
		{"production without Azure Policy", prod(onAzure), func(a *cluster.Args) { a.AKS.DisableAzurePolicy = true },
			`cluster.aks.disableAzurePolicy true: a production cluster keeps the Azure Policy add-on`},
		{"production without Defender", prod(onAzure), func(a *cluster.Args) { a.AKS.DisableDefender = true },
			`cluster.aks.disableDefender true: a production cluster keeps Microsoft Defender for Containers`},
		{"Defender without monitoring", onAzure, func(a *cluster.Args) { a.Monitoring.Disabled = true },
			`cluster.monitoring.disabled true: Microsoft Defender for Containers reports to the cluster's Log Analytics workspace, which monitoring creates; keep monitoring, or set aks.disableDefender: true outside production`},
		{"rotation too fast", onAzure, func(a *cluster.Args) { a.AKS.SecretRotationInterval = "30s" },
			`cluster.aks.secretRotationInterval "30s": write a duration of at least a minute, e.g. "2m"`},
		{"image cleaner too often", onAzure, func(a *cluster.Args) { a.AKS.ImageCleanerIntervalHours = 12 },
			`cluster.aks.imageCleanerIntervalHours 12: must be 24..2160 hours`},
		{"production without Binary Authorization", prod(onGCP), func(a *cluster.Args) { a.GKE.DisableBinaryAuthorization = true },
			`cluster.gke.disableBinaryAuthorization true: a production cluster keeps Binary Authorization enforced`},
		{"GKE window too short", onGCP, func(a *cluster.Args) {
			a.Upgrades.Window = &platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 4}
		}, `cluster.upgrades.window.durationHours 4: must be 12..24 hours on GCP (the shortest weekly window GKE accepts is 12 hours)`},
		{"AKS window too short", onAzure, func(a *cluster.Args) {
			a.Upgrades.Window = &platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 3}
		}, `cluster.upgrades.window.durationHours 3: must be 4..24 hours on Azure (the shortest weekly window AKS accepts is 4 hours)`},
		{"window too long", onAzure, func(a *cluster.Args) {
			a.Upgrades.Window = &platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 25}
		}, `cluster.upgrades.window.durationHours 25: must be 4..24 hours on Azure (the shortest weekly window AKS accepts is 4 hours)`},
		{"GCP zone on AKS", onAzure, func(a *cluster.Args) { a.SystemPool.Zones = []string{"b"} },
			`cluster.systemPool.zones[0] "b": not a zone on azure; use [1 2 3]`},
		{"Azure zone on GKE", platform.Target{Cloud: gkefacts.Facts}, func(a *cluster.Args) { a.SystemPool.Zones = []string{"b", "c", "1"} },
			`cluster.systemPool.zones[2] "1": not a zone on gcp; use [a b c d e f]`},
		{"AKS admin group not a UUID", onAzure, func(a *cluster.Args) { a.AdminGroups = []string{"platform-admins"} },
			`cluster.adminGroups[0] "platform-admins": not an Entra group object ID (a lowercase UUID)`},
		{"AKS admin group in capitals", onAzure, func(a *cluster.Args) { a.AdminGroups = []string{"0B7E2C4D-9A1F-4E3B-8C6D-5F4A3B2C1D0E"} },
			`cluster.adminGroups[0] "0B7E2C4D-9A1F-4E3B-8C6D-5F4A3B2C1D0E": not an Entra group object ID (a lowercase UUID)`},
		{"GKE admin group not the security group", onGCP, func(a *cluster.Args) { a.AdminGroups = []string{"admins@acme.example"} },
			`cluster.adminGroups[0] "admins@acme.example": not the group gke-security-groups@<your domain>, which GKE's Google Groups for RBAC needs`},
		{"two GKE admin groups", onGCP, func(a *cluster.Args) {
			a.AdminGroups = []string{"gke-security-groups@acme.example", "gke-security-groups@other.example"}
		}, `cluster.adminGroups "gke-security-groups@acme.example,gke-security-groups@other.example": GKE takes 1 admin group(s), the group gke-security-groups@<your domain>, which GKE's Google Groups for RBAC needs; nest the other groups in it`},
		// No standing cluster-admin in production where the groups are
		// cluster-admin (AKS); GKE's security group grants nothing.
		{"AKS admin group in production", prod(onAzure), func(a *cluster.Args) { a.AdminGroups = []string{"0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"} },
			`cluster.adminGroups "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e": members of AKS admin groups hold cluster-admin at all times, and a production cluster has no standing cluster-admin; ` +
				`remove adminGroups and give the administrators the access catalog's break-glass level (access.breakGlass), which is approved and expires`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolveOn(tc.target, tc.mutate)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}

	// The forms each cloud takes.
	for _, tc := range []struct {
		target platform.Target
		groups []string
	}{
		{onAzure, []string{"0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", "1c8f3d5e-0b2a-4f4c-9d7e-6a5b4c3d2e1f"}},
		{onGCP, []string{"gke-security-groups@acme.example"}},
		{onFake, []string{"platform-admins", "sre"}},
		{prod(onGCP), []string{"gke-security-groups@acme.example"}},
	} {
		spec, err := resolveOn(tc.target, func(a *cluster.Args) { a.AdminGroups = tc.groups })
		if err != nil {
			t.Errorf("%s admin groups %v: %v", tc.target.Cloud.Name, tc.groups, err)
			continue
		}
		if !reflect.DeepEqual(spec.AdminGroups, tc.groups) {
			t.Errorf("%s admin groups = %v, want %v", tc.target.Cloud.Name, spec.AdminGroups, tc.groups)
		}
	}
}

// Unset zones are the default zones of the target's region; set zones are
// checked against the region's zones when the region is known, against
// every zone of the cloud otherwise.
func TestZonesFollowTheRegion(t *testing.T) {
	for _, tc := range []struct {
		target platform.Target
		want   string
	}{
		{platform.Target{Cloud: gkefacts.Facts, Region: "us-central1"}, "[a b c]"},
		{platform.Target{Cloud: gkefacts.Facts, Region: "europe-west1"}, "[b c d]"},
		{platform.Target{Cloud: gkefacts.Facts, Region: "europe-west3"}, "[a b c]"},
		{platform.Target{Cloud: gkefacts.Facts, Region: "mars-north1"}, "[b c d]"},
		{platform.Target{Cloud: gkefacts.Facts}, "[b c d]"},
		{platform.Target{Cloud: aksfacts.Facts, Region: "westeurope"}, "[1 2 3]"},
		{platform.Target{Cloud: aksfacts.Facts}, "[1 2 3]"},
	} {
		spec, err := resolveOn(prod(tc.target), func(a *cluster.Args) { a.UserPools = []cluster.NodePool{{Name: "apps"}} })
		if err != nil {
			t.Errorf("%s %q: %v", tc.target.Cloud.Name, tc.target.Region, err)
			continue
		}
		for _, p := range spec.Pools {
			if got := fmt.Sprint(p.Zones); got != tc.want {
				t.Errorf("%s %q: pool %s zones = %s, want %s", tc.target.Cloud.Name, tc.target.Region, p.Name, got, tc.want)
			}
		}
	}

	for _, tc := range []struct {
		name   string
		region string
		zones  []string
		want   string // "": accepted
	}{
		{"a zone us-central1 lacks", "us-central1", []string{"a", "d"},
			`cluster.systemPool.zones[1] "d": not a zone of us-central1; use [a b c f]`},
		{"us-central1's fourth zone", "us-central1", []string{"a", "c", "f"}, ""},
		{"a zone europe-west1 lacks", "europe-west1", []string{"a", "b", "c"},
			`cluster.systemPool.zones[0] "a": not a zone of europe-west1; use [b c d]`},
		{"an unknown region takes every zone", "mars-north1", []string{"d", "e", "f"}, ""},
		{"an unknown region still checks the cloud's zones", "mars-north1", []string{"b", "g"},
			`cluster.systemPool.zones[1] "g": not a zone on gcp; use [a b c d e f]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := resolveOn(platform.Target{Cloud: gkefacts.Facts, Region: tc.region}, func(a *cluster.Args) { a.SystemPool.Zones = tc.zones })
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("zones %v in %s: %v", tc.zones, tc.region, err)
			case tc.want == "" && !reflect.DeepEqual(spec.Pools[0].Zones, tc.zones):
				t.Errorf("zones = %v, want %v", spec.Pools[0].Zones, tc.zones)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// What was resolved against a real cloud's facts builds on the fake
// backend, which records the spec it received.
func TestResolvedAgainstACloudBuildsOnTheFake(t *testing.T) {
	target := platform.Target{Cloud: gkefacts.Facts, Region: "us-central1", Production: true}
	var b *fake.Backend
	var resolved platform.ClusterSpec
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		r, err := cluster.Args{UserPools: []cluster.NodePool{{Name: "apps"}}}.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
		if err != nil {
			return err
		}
		resolved = r.Spec()
		_, err = cluster.New(ctx, r, b, net)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := b.Clusters()
	if len(got) != 1 {
		t.Fatalf("backend got %d clusters, want 1", len(got))
	}
	s := got[0]
	if !reflect.DeepEqual(s.Pools, resolved.Pools) || s.GKE != resolved.GKE || s.Window != resolved.Window {
		t.Errorf("backend got %+v\nresolved %+v", s, resolved)
	}
	if s.Pools[1].MachineType != "e2-standard-4" || fmt.Sprint(s.Pools[1].Zones) != "[a b c]" || !s.GKE.BinaryAuthorization {
		t.Errorf("user pool %+v, GKE %+v; want GKE's defaults in us-central1", s.Pools[1], s.GKE)
	}
}

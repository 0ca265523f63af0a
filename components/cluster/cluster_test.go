package cluster_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// render creates a network and a cluster on the fake backend.
func render(t *testing.T, name string, mutate func(a *cluster.Args)) (*platformtest.Snapshot, *fake.Backend, error) {
	t.Helper()
	var backend *fake.Backend
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if backend, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		net, err := network.New(ctx, "net", &network.Args{Backend: backend, AddressSpace: "10.20.0.0/16", Tags: map[string]string{"environment": "test"}})
		if err != nil {
			return err
		}
		args := cluster.Args{Backend: backend, Network: net}
		if mutate != nil {
			mutate(&args)
		}
		_, err = cluster.New(ctx, name, &args)
		return err
	})
	return snap, backend, err
}

func TestProductionDefaultsReachTheBackend(t *testing.T) {
	_, b, err := render(t, "prod", func(a *cluster.Args) {
		a.Production = true
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
		snap, _, err := render(t, "prod", func(a *cluster.Args) {
			a.Production = prod
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
	snap, _, err := render(t, "prod", func(a *cluster.Args) {
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
			name: "production with one zone and a public API without ranges",
			mutate: func(a *cluster.Args) {
				a.Production = true
				a.SystemPool.Zones = []string{"1"}
				a.APIServer.Public = true
			},
			want: []string{
				`cluster.systemPool.zones "1": a production system pool spans at least 3 zones so one zone outage leaves add-ons running`,
				`cluster.apiServer.public true: a production API server must be private or limited to authorizedCIDRs; add the ranges that may reach it`,
			},
		},
		{
			name: "production opt-outs",
			mutate: func(a *cluster.Args) {
				a.Production = true
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
			name: "pools larger than the network",
			mutate: func(a *cluster.Args) {
				a.UserPools = []cluster.NodePool{{Name: "apps", MinCount: 1, MaxCount: 200}}
			},
			want: []string{`cluster.userPools: the pools may scale to 206 nodes, more than the network was sized for (network.maxNodes 100); raise network.maxNodes or lower the pools' maxCount`},
		},
		{
			name: "window and channel",
			mutate: func(a *cluster.Args) {
				a.Upgrades = cluster.Upgrades{Channel: "weekly", Window: &platform.MaintenanceWindow{Day: "Sun", StartHour: 25, DurationHours: 2}}
			},
			want: []string{
				`cluster.upgrades.channel "weekly": use one of [rapid regular stable none]`,
				`cluster.upgrades.window.day "Sun": use a weekday in English, e.g. "Sunday"`,
				`cluster.upgrades.window.startHour 25: must be 0..23 (UTC)`,
				`cluster.upgrades.window.durationHours 2: must be 4..24 on fake (GKE needs 48 hours of maintenance in any 32 days, AKS at least 4 hours per window)`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, b, err := render(t, "prod", tc.mutate)
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

func TestMissingBackendAndNetwork(t *testing.T) {
	_, err := (&cluster.Args{}).Resolve("prod", field.NewPath("cluster"))
	want := "cluster.backend: required: pass the cloud backend the network was created with\ncluster.network: required: pass the network.Network the cluster lives in"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// asCloud makes the fake backend report another cloud, so that the
// component's cloud-specific defaults and checks run without a cloud SDK.
type asCloud struct {
	*fake.Backend
	cloud platform.Cloud
}

func (b asCloud) Cloud() platform.Cloud { return b.cloud }

func resolveOn(cloud platform.Cloud, mutate func(a *cluster.Args)) (platform.ClusterSpec, error) {
	var spec platform.ClusterSpec
	var rerr error
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		zones := map[platform.Cloud][]string{platform.CloudAzure: {"1", "2", "3"}, platform.CloudGCP: {"b", "c", "d"}}[cloud]
		net, err := network.New(ctx, "net", &network.Args{Backend: b, AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		args := cluster.Args{Backend: asCloud{b, cloud}, Network: net, SystemPool: cluster.NodePool{Zones: zones}}
		if mutate != nil {
			mutate(&args)
		}
		spec, rerr = args.Resolve("prod", field.NewPath("cluster"))
		return nil
	})
	if err != nil {
		return spec, err
	}
	return spec, rerr
}

func TestCloudSpecificOptions(t *testing.T) {
	spec, err := resolveOn(platform.CloudAzure, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := platform.AKSClusterSpec{ImageCleanerIntervalHours: 168, SecretRotationInterval: "2m", AzurePolicy: true}
	if spec.AKS != want || spec.GKE != (platform.GKEClusterSpec{}) {
		t.Errorf("AKS spec = %+v, GKE spec = %+v; want AKS defaults only", spec.AKS, spec.GKE)
	}
	if spec.Pools[0].MachineType != "Standard_D4ds_v5" {
		t.Errorf("AKS default machine = %s", spec.Pools[0].MachineType)
	}

	spec, err = resolveOn(platform.CloudGCP, func(a *cluster.Args) { a.GKE.EnterprisePosture = true })
	if err != nil {
		t.Fatal(err)
	}
	if spec.GKE != (platform.GKEClusterSpec{BinaryAuthorization: true, SecurityPosture: "ENTERPRISE"}) || spec.AKS != (platform.AKSClusterSpec{}) {
		t.Errorf("GKE spec = %+v, AKS spec = %+v", spec.GKE, spec.AKS)
	}
	if spec.Window.DurationHours != 12 || spec.Pools[0].MachineType != "e2-standard-4" {
		t.Errorf("GKE defaults: window %+v machine %s", spec.Window, spec.Pools[0].MachineType)
	}

	for _, tc := range []struct {
		name   string
		cloud  platform.Cloud
		mutate func(a *cluster.Args)
		want   string
	}{
		{"AKS options on GKE", platform.CloudGCP, func(a *cluster.Args) { a.AKS.DisableAzurePolicy = true },
			`cluster.aks: set, but the backend deploys to gcp; AKS options apply only to AKS clusters, remove them`},
		{"GKE options on AKS", platform.CloudAzure, func(a *cluster.Args) { a.GKE.EnterprisePosture = true },
			`cluster.gke: set, but the backend deploys to azure; GKE options apply only to GKE clusters, remove them`},
		{"production without Azure Policy", platform.CloudAzure, func(a *cluster.Args) { a.Production = true; a.AKS.DisableAzurePolicy = true },
			`cluster.aks.disableAzurePolicy true: a production cluster keeps the Azure Policy add-on`},
		{"rotation too fast", platform.CloudAzure, func(a *cluster.Args) { a.AKS.SecretRotationInterval = "30s" },
			`cluster.aks.secretRotationInterval "30s": write a duration of at least a minute, e.g. "2m"`},
		{"production without Binary Authorization", platform.CloudGCP, func(a *cluster.Args) { a.Production = true; a.GKE.DisableBinaryAuthorization = true },
			`cluster.gke.disableBinaryAuthorization true: a production cluster keeps Binary Authorization enforced`},
		{"GKE window too short", platform.CloudGCP, func(a *cluster.Args) {
			a.Upgrades.Window = &platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 4}
		}, `cluster.upgrades.window.durationHours 4: must be 12..24 on gcp (GKE needs 48 hours of maintenance in any 32 days, AKS at least 4 hours per window)`},
		{"GCP zone on AKS", platform.CloudAzure, func(a *cluster.Args) { a.SystemPool.Zones = []string{"b"} },
			`cluster.systemPool.zones[0] "b": not a zone on azure; use [1 2 3]`},
		{"AKS admin group not a UUID", platform.CloudAzure, func(a *cluster.Args) { a.AdminGroups = []string{"platform-admins"} },
			`cluster.adminGroups[0] "platform-admins": not an Entra group object ID (a lowercase UUID)`},
		{"GKE admin group not the security group", platform.CloudGCP, func(a *cluster.Args) { a.AdminGroups = []string{"admins@acme.example"} },
			`cluster.adminGroups[0] "admins@acme.example": GKE's Google Groups for RBAC needs the group gke-security-groups@<your domain>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolveOn(tc.cloud, tc.mutate)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

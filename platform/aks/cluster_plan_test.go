package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

const testTenant = "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"

func clusterConfig() Config {
	c := testConfig
	c.TenantID = testTenant
	return c
}

// clusterSpec is a production-like cluster in the network of spec(): a
// system pool, a user pool and a Spot pool, private API, monitoring on.
func clusterSpec() platform.ClusterSpec {
	return platform.ClusterSpec{
		Name:              "prod",
		KubernetesVersion: "1.33",
		Network:           platform.ClusterNetwork{Spec: spec()},
		Pools: []platform.NodePoolSpec{
			{Name: "system", System: true, MachineType: "Standard_D4ds_v5", MinCount: 3, MaxCount: 6, Zones: []string{"1", "2", "3"}, DiskSizeGB: 128, MaxSurge: "33%"},
			{Name: "apps", MachineType: "Standard_D8ds_v5", MinCount: 2, MaxCount: 20, Zones: []string{"1", "2", "3"}, Labels: map[string]string{"workload": "apps"},
				Taints: []platform.Taint{{Key: "dedicated", Value: "apps", Effect: platform.NoSchedule}}, DiskSizeGB: 128, MaxSurge: "33%"},
			{Name: "batch", MachineType: "Standard_D8ds_v5", MinCount: 0, MaxCount: 10, Zones: []string{"1", "2", "3"}, Spot: true, DiskSizeGB: 128, MaxSurge: "1"},
		},
		PrivateAPI:       true,
		Channel:          platform.ChannelRegular,
		Window:           platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 4},
		Tier:             platform.TierStandard,
		Monitoring:       true,
		LogRetentionDays: 90,
		AKS:              platform.AKSClusterSpec{ImageCleanerIntervalHours: 168, SecretRotationInterval: "2m", AzurePolicy: true},
		AdminGroups:      []string{"3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
		Tags:             platform.Tags{"environment": "prod"},
	}
}

func TestPlanCluster(t *testing.T) {
	upgrade := func(surge string) *upgradePlan {
		return &upgradePlan{MaxSurge: surge, DrainTimeoutMinutes: 30, SoakMinutes: 10}
	}
	all := []string{"1", "2", "3"}
	spotPrice := -1.0
	for _, tc := range []struct {
		name   string
		cfg    func(c *Config)
		spec   func(s *platform.ClusterSpec)
		verify func(t *testing.T, p clusterPlan)
	}{
		{
			name: "production cluster: every name and setting",
			verify: func(t *testing.T, p clusterPlan) {
				want := clusterPlan{
					Cluster:              "prod-aks",
					DNSPrefix:            "prod-aks",
					ResourceGroup:        "", // read from the network's ID
					ControlPlaneIdentity: "prod-control-plane-identity",
					KubeletIdentity:      "prod-kubelet-identity",
					KubernetesVersion:    "1.33",
					UpgradeChannel:       "stable",
					ChannelTakesMinors:   true,
					NodeOSUpgradeChannel: "NodeImage",
					SKUName:              "Base",
					SKUTier:              "Standard",
					TenantID:             testTenant,
					AdminGroups:          []string{"3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"},
					PodCIDR:              "100.64.0.0/14",
					ServiceCIDR:          "100.68.0.0/16",
					DNSServiceIP:         "100.68.0.10",
					OutboundType:         "userAssignedNATGateway",
					NetworkContributorOn: []platform.SubnetRole{platform.SubnetNodes, platform.SubnetIngress},
					PrivateAPI:           true,
					// The AKS settings, as resolved by components/cluster.
					AzurePolicy:               true,
					SecretRotationInterval:    "2m",
					ImageCleanerIntervalHours: 168,
					Pools: []poolPlan{
						{
							// Inline in the cluster: no AgentPool of its own.
							Inline: true, Resource: "", Name: "system", Mode: "System", VMSize: "Standard_D4ds_v5",
							Count: 3, MinCount: 3, MaxCount: 6, Zones: all, Labels: map[string]string{},
							Taints: []string{"CriticalAddonsOnly=true:NoSchedule"},
							OSSKU:  "AzureLinux", OSDiskType: "Ephemeral", OSDiskSizeGB: 128,
							Priority: "Regular", Upgrade: upgrade("33%"),
						},
						{
							Resource: "prod-pool-apps", Name: "apps", Mode: "User", VMSize: "Standard_D8ds_v5",
							Count: 2, MinCount: 2, MaxCount: 20, Zones: all, Labels: map[string]string{"workload": "apps"},
							Taints: []string{"dedicated=apps:NoSchedule"},
							OSSKU:  "AzureLinux", OSDiskType: "Ephemeral", OSDiskSizeGB: 128,
							Priority: "Regular", Upgrade: upgrade("33%"),
						},
						{
							Resource: "prod-pool-batch", Name: "batch", Mode: "User", VMSize: "Standard_D8ds_v5",
							Count: 0, MinCount: 0, MaxCount: 10, Zones: all,
							// What AKS puts on every Spot pool, written out so
							// that no update shows a diff.
							Labels: map[string]string{"kubernetes.azure.com/scalesetpriority": "spot"},
							Taints: []string{"kubernetes.azure.com/scalesetpriority=spot:NoSchedule"},
							OSSKU:  "AzureLinux", OSDiskType: "Ephemeral", OSDiskSizeGB: 128,
							Priority: "Spot", EvictionPolicy: "Delete", SpotMaxPrice: &spotPrice,
							Upgrade: nil, // AKS rejects surge settings on Spot pools
						},
					},
					Maintenance: []maintenancePlan{
						{Resource: "prod-auto-upgrade-schedule", Config: "aksManagedAutoUpgradeSchedule", Day: "Sunday", StartTime: "02:00", DurationHours: 4, UTCOffset: "+00:00", IntervalWeeks: 1},
						{Resource: "prod-node-os-upgrade-schedule", Config: "aksManagedNodeOSUpgradeSchedule", Day: "Sunday", StartTime: "02:00", DurationHours: 4, UTCOffset: "+00:00", IntervalWeeks: 1},
					},
					Monitoring: &monitoringPlan{
						Workspace:          "prod-logs",
						RetentionDays:      90,
						DataCollectionRule: "prod-container-insights",
						DiagnosticSetting:  "prod-audit-logs",
						AuditLogs:          []string{"kube-audit-admin", "guard"},
					},
					Tags: map[string]string{"environment": "prod"},
				}
				if !reflect.DeepEqual(p, want) {
					t.Errorf("plan:\n%+v\nwant\n%+v", p, want)
					for i := range min(len(p.Pools), len(want.Pools)) {
						if !reflect.DeepEqual(p.Pools[i], want.Pools[i]) {
							t.Errorf("pool %d:\n%+v\nwant\n%+v", i, p.Pools[i], want.Pools[i])
						}
					}
				}
			},
		},
		{
			name: "public API with authorized ranges, free tier, no monitoring",
			spec: func(s *platform.ClusterSpec) {
				s.PrivateAPI = false
				s.AuthorizedCIDRs = []string{"203.0.113.0/24"}
				s.Tier = platform.TierFree
				s.Monitoring = false
			},
			verify: func(t *testing.T, p clusterPlan) {
				if p.PrivateAPI || !reflect.DeepEqual(p.AuthorizedIPRanges, []string{"203.0.113.0/24"}) {
					t.Errorf("private %v ranges %v", p.PrivateAPI, p.AuthorizedIPRanges)
				}
				if p.SKUName != "Base" || p.SKUTier != "Free" {
					t.Errorf("sku %s/%s, want Base/Free", p.SKUName, p.SKUTier)
				}
				if p.Monitoring != nil {
					t.Errorf("monitoring %+v, want none", p.Monitoring)
				}
			},
		},
		{
			name: "Azure Policy off, other add-on settings as given",
			spec: func(s *platform.ClusterSpec) {
				s.AKS = platform.AKSClusterSpec{ImageCleanerIntervalHours: 24, SecretRotationInterval: "1h", AzurePolicy: false}
			},
			verify: func(t *testing.T, p clusterPlan) {
				if p.AzurePolicy || p.SecretRotationInterval != "1h" || p.ImageCleanerIntervalHours != 24 {
					t.Errorf("azure policy %v, rotation %q, image cleaner %dh; want off, 1h, 24h", p.AzurePolicy, p.SecretRotationInterval, p.ImageCleanerIntervalHours)
				}
			},
		},
		{
			name: "authorized ranges never go on a private API server",
			spec: func(s *platform.ClusterSpec) { s.AuthorizedCIDRs = []string{"203.0.113.0/24"} },
			verify: func(t *testing.T, p clusterPlan) {
				if p.AuthorizedIPRanges != nil {
					t.Errorf("ranges %v on a private cluster; AKS rejects them", p.AuthorizedIPRanges)
				}
			},
		},
		{
			name: "network without NAT egresses through the load balancer",
			spec: func(s *platform.ClusterSpec) { s.Network.Spec.NAT = platform.NATSpec{} },
			verify: func(t *testing.T, p clusterPlan) {
				if p.OutboundType != "loadBalancer" {
					t.Errorf("outbound type %q, want loadBalancer", p.OutboundType)
				}
			},
		},
		{
			name: "network with only a nodes subnet",
			spec: func(s *platform.ClusterSpec) { s.Network.Spec.Subnets = s.Network.Spec.Subnets[:1] },
			verify: func(t *testing.T, p clusterPlan) {
				if !reflect.DeepEqual(p.NetworkContributorOn, []platform.SubnetRole{platform.SubnetNodes}) {
					t.Errorf("network contributor on %v, want [nodes]", p.NetworkContributorOn)
				}
			},
		},
		{
			name: "existing resource group",
			cfg:  func(c *Config) { c.ResourceGroupName = "platform-prod" },
			verify: func(t *testing.T, p clusterPlan) {
				if p.ResourceGroup != "platform-prod" {
					t.Errorf("resource group %q, want the configured one", p.ResourceGroup)
				}
			},
		},
		{
			name: "user taints come after the system taint, without duplicates",
			spec: func(s *platform.ClusterSpec) {
				s.Pools[0].Taints = []platform.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}}
				s.Pools[2].Taints = []platform.Taint{
					{Key: "kubernetes.azure.com/scalesetpriority", Value: "spot", Effect: platform.NoSchedule},
					{Key: "batch", Value: "true", Effect: platform.NoExecute},
				}
			},
			verify: func(t *testing.T, p clusterPlan) {
				if got := p.Pools[0].Taints; !reflect.DeepEqual(got, []string{"CriticalAddonsOnly=true:NoSchedule"}) {
					t.Errorf("system taints %v", got)
				}
				want := []string{"kubernetes.azure.com/scalesetpriority=spot:NoSchedule", "batch=true:NoExecute"}
				if got := p.Pools[2].Taints; !reflect.DeepEqual(got, want) {
					t.Errorf("spot taints %v, want %v", got, want)
				}
			},
		},
		{
			name: "a second system pool is an AgentPool of its own",
			spec: func(s *platform.ClusterSpec) { s.Pools[1].System = true },
			verify: func(t *testing.T, p clusterPlan) {
				apps := p.Pools[1]
				if apps.Inline || apps.Resource != "prod-pool-apps" || apps.Mode != "System" || apps.Taints[0] != "CriticalAddonsOnly=true:NoSchedule" {
					t.Errorf("second system pool %+v", apps)
				}
			},
		},
		{
			name: "maintenance window hour is zero-padded",
			spec: func(s *platform.ClusterSpec) {
				s.Window = platform.MaintenanceWindow{Day: "Wednesday", StartHour: 22, DurationHours: 8}
			},
			verify: func(t *testing.T, p clusterPlan) {
				for _, m := range p.Maintenance {
					if m.Day != "Wednesday" || m.StartTime != "22:00" || m.DurationHours != 8 {
						t.Errorf("%s: %+v", m.Config, m)
					}
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, s := clusterConfig(), clusterSpec()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.spec != nil {
				tc.spec(&s)
			}
			tc.verify(t, planCluster(cfg, s))
		})
	}
}

func TestPlanClusterOwnsItsSlicesAndMaps(t *testing.T) {
	s := clusterSpec()
	p := planCluster(clusterConfig(), s)
	p.Pools[1].Labels["x"] = "y"
	p.Pools[0].Zones[0] = "9"
	p.AdminGroups[0] = "changed"
	p.Tags["environment"] = "dev"
	if s.Pools[1].Labels["x"] != "" || s.Pools[0].Zones[0] != "1" || s.AdminGroups[0] == "changed" || s.Tags["environment"] != "prod" {
		t.Error("changing the plan changed the spec")
	}
}

// TestUpgradeChannels documents the channel mapping: AKS has no channel
// that matches GKE STABLE, so stable maps to "patch" (stays on the pinned
// minor) and regular to AKS "stable" (latest patch of minor N-1).
func TestUpgradeChannels(t *testing.T) {
	for _, tc := range []struct {
		channel     platform.UpgradeChannel
		aks         string
		takesMinors bool
	}{
		{platform.ChannelRapid, "rapid", true},
		{platform.ChannelRegular, "stable", true},
		{platform.ChannelStable, "patch", false},
		{platform.ChannelNone, "none", false},
	} {
		s := clusterSpec()
		s.Channel = tc.channel
		p := planCluster(clusterConfig(), s)
		if p.UpgradeChannel != tc.aks || p.ChannelTakesMinors != tc.takesMinors || p.NodeOSUpgradeChannel != "NodeImage" {
			t.Errorf("%s: channel %q (takes minors %v), node OS %q; want %q (%v), NodeImage",
				tc.channel, p.UpgradeChannel, p.ChannelTakesMinors, p.NodeOSUpgradeChannel, tc.aks, tc.takesMinors)
		}
	}
	if len(upgradeChannels) != len(platform.UpgradeChannels) {
		t.Errorf("upgradeChannels maps %d channels, the platform has %d", len(upgradeChannels), len(platform.UpgradeChannels))
	}
}

func TestDNSServiceIP(t *testing.T) {
	for cidr, want := range map[string]string{
		"100.68.0.0/16": "100.68.0.10",
		"10.0.0.0/16":   "10.0.0.10",
		"10.1.2.0/24":   "10.1.2.10",
		"10.1.2.0/28":   "10.1.2.10",
		"10.1.2.0/29":   "", // 8 addresses: no 10th
		"fd00::/108":    "",
		"not a cidr":    "",
	} {
		if got := dnsServiceIP(cidr); got != want {
			t.Errorf("dnsServiceIP(%q) = %q, want %q", cidr, got, want)
		}
	}
}

func TestResourceGroupFromID(t *testing.T) {
	for id, want := range map[string]string{
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Network/virtualNetworks/prod-vnet":   "prod-rg",
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourcegroups/Platform/providers/Microsoft.ContainerService/managedClusters/x": "Platform",
	} {
		if got, err := resourceGroupFromID(id); err != nil || got != want {
			t.Errorf("resourceGroupFromID(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
	for _, id := range []string{"", "projects/p/global/networks/n", "/subscriptions/x/providers/Microsoft.Network/dnszones/z", "/subscriptions/x/resourceGroups//y"} {
		if got, err := resourceGroupFromID(id); err == nil {
			t.Errorf("resourceGroupFromID(%q) = %q, want an error", id, got)
		}
	}
}

func TestCheckCluster(t *testing.T) {
	withNodeOutputs := func(s *platform.ClusterSpec) {
		s.Network.Outputs.Subnets = map[platform.SubnetRole]platform.SubnetOutputs{
			platform.SubnetNodes:   {},
			platform.SubnetIngress: {},
		}
	}
	for _, tc := range []struct {
		name string
		cfg  func(c *Config)
		spec func(s *platform.ClusterSpec)
		want string // "" for valid
	}{
		{name: "valid"},
		{name: "no tenant", cfg: func(c *Config) { c.TenantID = "" }, want: "aks.tenantID: required"},
		{name: "system pool not first", spec: func(s *platform.ClusterSpec) { s.Pools[0], s.Pools[1] = s.Pools[1], s.Pools[0] }, want: "cluster.pools[0].system false: the first pool must be the system pool"},
		{name: "spot system pool", spec: func(s *platform.ClusterSpec) { s.Pools[0].Spot = true }, want: "cluster.pools[0].spot true: AKS cannot run the system pool on Spot"},
		{name: "no pools", spec: func(s *platform.ClusterSpec) { s.Pools = nil }, want: "cluster.pools: required"},
		{name: "no nodes subnet outputs", spec: func(s *platform.ClusterSpec) { delete(s.Network.Outputs.Subnets, platform.SubnetNodes) }, want: `cluster.network.outputs.subnets["nodes"]: required`},
		{name: "ingress in spec, not in outputs", spec: func(s *platform.ClusterSpec) { delete(s.Network.Outputs.Subnets, platform.SubnetIngress) }, want: `cluster.network.outputs.subnets["ingress"]: required`},
		{name: "service range too small", spec: func(s *platform.ClusterSpec) { s.Network.Spec.ServiceCIDR = "10.0.0.0/29" }, want: `cluster.network.spec.serviceCIDR "10.0.0.0/29"`},
		{name: "unknown channel", spec: func(s *platform.ClusterSpec) { s.Channel = "beta" }, want: `cluster.channel "beta"`},
		{name: "unknown tier", spec: func(s *platform.ClusterSpec) { s.Tier = "premium" }, want: `cluster.tier "premium"`},
		{name: "defender, monitored", spec: func(s *platform.ClusterSpec) { s.AKS.Defender = true }},
		{name: "defender without monitoring", spec: func(s *platform.ClusterSpec) { s.AKS.Defender, s.Monitoring = true, false },
			want: "cluster.aks.defender true: Defender for Containers reports to the cluster's Log Analytics workspace, and an unmonitored cluster has none; turn monitoring on, or Defender off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, s := clusterConfig(), clusterSpec()
			withNodeOutputs(&s)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.spec != nil {
				tc.spec(&s)
			}
			err := checkCluster(cfg, s)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

var testConfig = Config{Project: "acme-platform-prod", Region: "europe-west1", MasterCIDR: DefaultMasterCIDR}

func clusterSpec() platform.ClusterSpec {
	return platform.ClusterSpec{
		Name:              "prod",
		KubernetesVersion: "1.33",
		Network: platform.ClusterNetwork{
			Spec: spec(),
			Outputs: platform.NetworkOutputs{
				Subnets:      map[platform.SubnetRole]platform.SubnetOutputs{platform.SubnetNodes: {}},
				PodRangeName: "prod-pods", ServiceRangeName: "prod-services",
			},
		},
		Pools: []platform.NodePoolSpec{
			{
				Name: "system", System: true, MachineType: "e2-standard-4", MinCount: 3, MaxCount: 6,
				Zones: []string{"b", "c", "d"}, Labels: map[string]string{}, DiskSizeGB: 128, MaxSurge: "33%",
				Taints: []platform.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}},
			},
			{
				Name: "apps", MachineType: "n2-standard-8", MinCount: 1, MaxCount: 10,
				Zones: []string{"b", "c", "d"}, Labels: map[string]string{"workload": "apps"}, DiskSizeGB: 200, MaxSurge: "33%",
				Taints: []platform.Taint{{Key: "dedicated", Value: "apps", Effect: platform.PreferNoSchedule}},
			},
		},
		PrivateAPI:         true,
		Channel:            platform.ChannelStable,
		Window:             platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 12},
		Tier:               platform.TierStandard,
		Monitoring:         true,
		LogRetentionDays:   30,
		DeletionProtection: true,
		GKE:                platform.GKEClusterSpec{BinaryAuthorization: true, SecurityPosture: "BASIC"},
		AdminGroups:        []string{"gke-security-groups@acme.example"},
		Tags:               platform.Tags{"environment": "prod"},
	}
}

func TestPlanCluster(t *testing.T) {
	p := planCluster(testConfig, clusterSpec())
	if p.Name != "prod-cluster" || p.Location != "europe-west1" || !p.Regional {
		t.Errorf("name %q location %q regional %v, want a regional prod-cluster in europe-west1", p.Name, p.Location, p.Regional)
	}
	if p.ReleaseChannel != "STABLE" || p.MinMasterVersion != "1.33" {
		t.Errorf("channel %q version %q", p.ReleaseChannel, p.MinMasterVersion)
	}
	if p.WorkloadPool != "acme-platform-prod.svc.id.goog" {
		t.Errorf("workload pool %q", p.WorkloadPool)
	}
	if !p.PrivateEndpoint || p.MasterCIDR != "172.16.0.0/28" {
		t.Errorf("private endpoint %v master CIDR %q", p.PrivateEndpoint, p.MasterCIDR)
	}
	if p.SecurityGroup != "gke-security-groups@acme.example" || !p.DeletionProtection {
		t.Errorf("security group %q deletion protection %v", p.SecurityGroup, p.DeletionProtection)
	}
	if !reflect.DeepEqual(p.Labels, map[string]string{"environment": "prod"}) {
		t.Errorf("labels %v", p.Labels)
	}
	wantSA := serviceAccountPlan{
		Name: "prod-nodes", AccountID: "prod-nodes", DisplayName: "GKE nodes of prod-cluster",
		Roles: []iamPlan{
			// Only this: the nodes read images on the environment's
			// repository alone (NewRegistry), never the project's.
			{Name: "prod-nodes-default-node-sa", Role: "roles/container.defaultNodeServiceAccount"},
		},
	}
	if !reflect.DeepEqual(p.NodeSA, wantSA) {
		t.Errorf("node service account:\n%+v\nwant\n%+v", p.NodeSA, wantSA)
	}
	if p.Context != "gke_acme-platform-prod_europe-west1_prod-cluster" {
		t.Errorf("kubeconfig context %q", p.Context)
	}
	if p.OIDCIssuer != "https://container.googleapis.com/v1/projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster" {
		t.Errorf("issuer %q", p.OIDCIssuer)
	}

	zones := []string{"europe-west1-b", "europe-west1-c", "europe-west1-d"}
	want := []poolPlan{
		{
			ResourceName: "prod-system", Name: "system", System: true, Locations: zones,
			TotalMin: 3, TotalMax: 6, LocationPolicy: "BALANCED", InitialPerZone: 1, MaxSurge: 1,
			MachineType: "e2-standard-4", DiskSizeGB: 128,
			Labels: map[string]string{}, ResourceLabels: map[string]string{"environment": "prod"},
			// The spec's system taint is kept once, not doubled.
			Taints: []taintPlan{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NO_SCHEDULE"}},
		},
		{
			ResourceName: "prod-apps", Name: "apps", Locations: zones,
			TotalMin: 1, TotalMax: 10, LocationPolicy: "BALANCED", InitialPerZone: 1, MaxSurge: 2,
			MachineType: "n2-standard-8", DiskSizeGB: 200,
			Labels: map[string]string{"workload": "apps"}, ResourceLabels: map[string]string{"environment": "prod"},
			Taints: []taintPlan{{Key: "dedicated", Value: "apps", Effect: "PREFER_NO_SCHEDULE"}},
		},
	}
	if !reflect.DeepEqual(p.Pools, want) {
		t.Errorf("pools:\n%+v\nwant\n%+v", p.Pools, want)
	}
}

// Pool names come from the spec alone: changing the machine type or the
// Kubernetes version never renames (and so never replaces) a pool.
func TestPoolNamesAreStable(t *testing.T) {
	a := clusterSpec()
	b := clusterSpec()
	b.KubernetesVersion = "1.34"
	b.Pools[1].MachineType = "n2-standard-16"
	b.Pools[1].DiskSizeGB = 500
	pa, pb := planCluster(testConfig, a), planCluster(testConfig, b)
	for i := range pa.Pools {
		if pa.Pools[i].Name != pb.Pools[i].Name || pa.Pools[i].ResourceName != pb.Pools[i].ResourceName {
			t.Errorf("pool %d renamed: %s/%s -> %s/%s", i, pa.Pools[i].ResourceName, pa.Pools[i].Name, pb.Pools[i].ResourceName, pb.Pools[i].Name)
		}
	}
}

func TestSystemTaintAdded(t *testing.T) {
	s := clusterSpec()
	s.Pools[0].Taints = nil
	got := planCluster(testConfig, s).Pools[0].Taints
	want := []taintPlan{{Key: "CriticalAddonsOnly", Value: "true", Effect: "NO_SCHEDULE"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("system pool taints = %+v, want %+v", got, want)
	}
}

func TestTaintEffects(t *testing.T) {
	for effect, want := range map[platform.TaintEffect]string{
		platform.NoSchedule:       "NO_SCHEDULE",
		platform.PreferNoSchedule: "PREFER_NO_SCHEDULE",
		platform.NoExecute:        "NO_EXECUTE",
	} {
		s := clusterSpec()
		s.Pools[1].Taints = []platform.Taint{{Key: "k", Value: "v", Effect: effect}}
		if got := planCluster(testConfig, s).Pools[1].Taints[0].Effect; got != want {
			t.Errorf("%s -> %s, want %s", effect, got, want)
		}
	}
}

func TestReleaseChannels(t *testing.T) {
	for channel, want := range map[platform.UpgradeChannel]string{
		platform.ChannelRapid:   "RAPID",
		platform.ChannelRegular: "REGULAR",
		platform.ChannelStable:  "STABLE",
		platform.ChannelNone:    "UNSPECIFIED",
	} {
		s := clusterSpec()
		s.Channel = channel
		if got := planCluster(testConfig, s).ReleaseChannel; got != want {
			t.Errorf("%s -> %s, want %s", channel, got, want)
		}
	}
	if len(releaseChannels) != len(platform.UpgradeChannels) {
		t.Errorf("%d channels mapped, the contract has %d", len(releaseChannels), len(platform.UpgradeChannels))
	}
}

func TestTierLocation(t *testing.T) {
	tests := []struct {
		tier         platform.Tier
		zones        []string
		wantLocation string
		wantRegional bool
	}{
		{platform.TierStandard, []string{"b", "c", "d"}, "europe-west1", true},
		{platform.TierFree, []string{"c", "d"}, "europe-west1-c", false},
		{platform.TierFree, []string{"d"}, "europe-west1-d", false},
	}
	for _, tt := range tests {
		s := clusterSpec()
		s.Tier = tt.tier
		s.Pools[0].Zones = tt.zones
		p := planCluster(testConfig, s)
		if p.Location != tt.wantLocation || p.Regional != tt.wantRegional {
			t.Errorf("%s %v: location %q regional %v, want %q %v", tt.tier, tt.zones, p.Location, p.Regional, tt.wantLocation, tt.wantRegional)
		}
		for _, pool := range p.Pools {
			if pool.Name == "system" && pool.Locations[0] != "europe-west1-"+tt.zones[0] {
				t.Errorf("%s: system pool locations %v", tt.tier, pool.Locations)
			}
		}
		if !strings.Contains(p.OIDCIssuer, "/locations/"+tt.wantLocation+"/") {
			t.Errorf("%s: issuer %q does not name location %s", tt.tier, p.OIDCIssuer, tt.wantLocation)
		}
	}
}

// Spec counts are totals over all zones and map to total autoscaler
// limits unchanged; each zone starts with ceil(min/zones) nodes; surge is
// a count, or a percentage of the per-zone maximum ceil(max/zones) rounded
// up, and never below 1.
func TestPoolSizing(t *testing.T) {
	tests := []struct {
		name               string
		min, max           int
		zones              []string
		surge              string
		wantInitial        int
		wantSurge          int
		wantLocationPolicy string
		spot               bool
	}{
		{"system default", 3, 6, []string{"b", "c", "d"}, "33%", 1, 1, "BALANCED", false},
		{"user default", 1, 10, []string{"b", "c", "d"}, "33%", 1, 2, "BALANCED", false},
		{"min not a multiple of zones", 4, 12, []string{"b", "c", "d"}, "50%", 2, 2, "BALANCED", false},
		{"whole zone share", 2, 9, []string{"b", "c", "d"}, "100%", 1, 3, "BALANCED", false},
		{"scale from zero", 0, 5, []string{"b", "c"}, "1", 0, 1, "BALANCED", false},
		{"count surge", 2, 20, []string{"b"}, "3", 2, 3, "BALANCED", false},
		{"zero surge is one", 1, 3, []string{"b"}, "0", 1, 1, "BALANCED", false},
		{"tiny percentage is one", 1, 3, []string{"b", "c", "d"}, "1%", 1, 1, "BALANCED", false},
		{"no zones: GKE's three", 3, 9, nil, "33%", 1, 1, "BALANCED", false},
		{"spot goes where capacity is", 0, 6, []string{"b", "c", "d"}, "33%", 0, 1, "ANY", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := platform.NodePoolSpec{Name: "apps", MinCount: tt.min, MaxCount: tt.max, Zones: tt.zones, MaxSurge: tt.surge, Spot: tt.spot}
			p := planPool(testConfig, "prod", pool, nil)
			if p.TotalMin != tt.min || p.TotalMax != tt.max {
				t.Errorf("total limits %d..%d, want the spec's %d..%d", p.TotalMin, p.TotalMax, tt.min, tt.max)
			}
			if p.InitialPerZone != tt.wantInitial || p.MaxSurge != tt.wantSurge || p.LocationPolicy != tt.wantLocationPolicy {
				t.Errorf("initial %d surge %d policy %s, want %d %d %s", p.InitialPerZone, p.MaxSurge, p.LocationPolicy, tt.wantInitial, tt.wantSurge, tt.wantLocationPolicy)
			}
			if len(p.Locations) != len(tt.zones) {
				t.Errorf("locations %v for zones %v", p.Locations, tt.zones)
			}
		})
	}
}

func TestMaintenanceWindow(t *testing.T) {
	tests := []struct {
		window platform.MaintenanceWindow
		want   maintenancePlan
	}{
		{platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 12},
			maintenancePlan{Start: "2024-01-07T02:00:00Z", End: "2024-01-07T14:00:00Z", Recurrence: "FREQ=WEEKLY;BYDAY=SU"}},
		{platform.MaintenanceWindow{Day: "Saturday", StartHour: 0, DurationHours: 12},
			maintenancePlan{Start: "2024-01-06T00:00:00Z", End: "2024-01-06T12:00:00Z", Recurrence: "FREQ=WEEKLY;BYDAY=SA"}},
		// Windows may run past midnight.
		{platform.MaintenanceWindow{Day: "Monday", StartHour: 22, DurationHours: 16},
			maintenancePlan{Start: "2024-01-01T22:00:00Z", End: "2024-01-02T14:00:00Z", Recurrence: "FREQ=WEEKLY;BYDAY=MO"}},
		{platform.MaintenanceWindow{Day: "Wednesday", StartHour: 23, DurationHours: 24},
			maintenancePlan{Start: "2024-01-03T23:00:00Z", End: "2024-01-04T23:00:00Z", Recurrence: "FREQ=WEEKLY;BYDAY=WE"}},
	}
	for _, tt := range tests {
		if got := planMaintenance(tt.window); got != tt.want {
			t.Errorf("%+v:\n got %+v\nwant %+v", tt.window, got, tt.want)
		}
	}
}

func TestAuthorizedNetworks(t *testing.T) {
	tests := []struct {
		name    string
		private bool
		cidrs   []string
		want    []authorizedNetwork
	}{
		{"private: the whole network", true, nil, []authorizedNetwork{{CIDR: "10.30.0.0/16", DisplayName: "network"}}},
		{"public with ranges", false, []string{"203.0.113.0/24", "198.51.100.7/32"},
			[]authorizedNetwork{{CIDR: "203.0.113.0/24", DisplayName: "authorized-1"}, {CIDR: "198.51.100.7/32", DisplayName: "authorized-2"}}},
		{"public without ranges: authorized networks off", false, nil, nil},
	}
	for _, tt := range tests {
		s := clusterSpec()
		s.PrivateAPI, s.AuthorizedCIDRs = tt.private, tt.cidrs
		p := planCluster(testConfig, s)
		if !reflect.DeepEqual(p.AuthorizedNetworks, tt.want) || p.PrivateEndpoint != tt.private {
			t.Errorf("%s: %+v private endpoint %v, want %+v", tt.name, p.AuthorizedNetworks, p.PrivateEndpoint, tt.want)
		}
	}
}

func TestMonitoring(t *testing.T) {
	p := planCluster(testConfig, clusterSpec())
	// Every package the baseline alerts read: an explicit list replaces
	// GKE's default, which has the kube state metrics and kubelet packages.
	if !reflect.DeepEqual(p.MonitoringComponents, []string{
		"SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER",
		"STORAGE", "POD", "DEPLOYMENT", "STATEFULSET", "DAEMONSET", "HPA",
		"KUBELET", "CADVISOR",
	}) ||
		!p.ManagedPrometheus || !reflect.DeepEqual(p.LoggingComponents, []string{"SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"}) {
		t.Errorf("monitoring on: %v prometheus %v logging %v", p.MonitoringComponents, p.ManagedPrometheus, p.LoggingComponents)
	}
	s := clusterSpec()
	s.Monitoring = false
	p = planCluster(testConfig, s)
	if !reflect.DeepEqual(p.MonitoringComponents, []string{"SYSTEM_COMPONENTS"}) || p.ManagedPrometheus || !reflect.DeepEqual(p.LoggingComponents, []string{"SYSTEM_COMPONENTS"}) {
		t.Errorf("monitoring off: %v prometheus %v logging %v", p.MonitoringComponents, p.ManagedPrometheus, p.LoggingComponents)
	}
}

// The security settings, the description and the secondary ranges are
// plain values of the plan; registration only wires them.
func TestPlanClusterSecurityAndRanges(t *testing.T) {
	for _, tc := range []struct {
		name                               string
		posture                            string
		binaryAuthorization                bool
		wantVulnerability, wantBinaryAuthz string
	}{
		{"basic posture, enforced policy", "BASIC", true, "VULNERABILITY_BASIC", "PROJECT_SINGLETON_POLICY_ENFORCE"},
		{"enterprise posture, no policy", "ENTERPRISE", false, "VULNERABILITY_ENTERPRISE", "DISABLED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := clusterSpec()
			s.GKE.SecurityPosture, s.GKE.BinaryAuthorization = tc.posture, tc.binaryAuthorization
			p := planCluster(testConfig, s)
			if p.SecurityPosture != tc.posture || p.VulnerabilityMode != tc.wantVulnerability || p.BinaryAuthorization != tc.wantBinaryAuthz {
				t.Errorf("posture %q vulnerability %q binary authorization %q, want %q %q %q",
					p.SecurityPosture, p.VulnerabilityMode, p.BinaryAuthorization, tc.posture, tc.wantVulnerability, tc.wantBinaryAuthz)
			}
			if p.Description != "Plinth cluster prod" || p.PodRangeName != "prod-pods" || p.ServiceRangeName != "prod-services" {
				t.Errorf("description %q pod range %q service range %q", p.Description, p.PodRangeName, p.ServiceRangeName)
			}
		})
	}
}

func TestValidateClusterSpec(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *platform.ClusterSpec, c *Config)
		want   string
	}{
		{"two admin groups", func(s *platform.ClusterSpec, _ *Config) {
			s.AdminGroups = []string{"gke-security-groups@acme.example", "admins@acme.example"}
		}, `cluster.adminGroups "gke-security-groups@acme.example,admins@acme.example": GKE takes one Google Groups for RBAC security group`},
		{"not the security group", func(s *platform.ClusterSpec, _ *Config) { s.AdminGroups = []string{"admins@acme.example"} },
			`cluster.adminGroups[0] "admins@acme.example": GKE requires the Google Groups for RBAC group to be gke-security-groups@<your domain>`},
		{"Azure zone", func(s *platform.ClusterSpec, _ *Config) { s.Pools[1].Zones = []string{"1"} },
			`cluster.pools[1].zones[0] "1": GCP zones are suffixes "a".."f" of the region, e.g. "b" for europe-west1-b`},
		{"bad surge", func(s *platform.ClusterSpec, _ *Config) { s.Pools[0].MaxSurge = "a third" },
			`cluster.pools[0].maxSurge "a third": write a node count ("1") or a percentage ("33%")`},
		{"surge over 100%", func(s *platform.ClusterSpec, _ *Config) { s.Pools[0].MaxSurge = "150%" },
			`cluster.pools[0].maxSurge "150%"`},
		{"free tier without zones", func(s *platform.ClusterSpec, _ *Config) { s.Tier, s.Pools[0].Zones = platform.TierFree, nil },
			`cluster.pools[0].zones: required: a free-tier (zonal) cluster lives in the system pool's first zone`},
		{"no system pool", func(s *platform.ClusterSpec, _ *Config) { s.Pools = s.Pools[1:] },
			`cluster.pools: required: one pool must be the system pool`},
		{"network without secondary ranges", func(s *platform.ClusterSpec, _ *Config) { s.Network.Outputs.PodRangeName = "" },
			`cluster.network: required: a network created by the gke backend`},
		{"master range inside the network", func(_ *platform.ClusterSpec, c *Config) { c.MasterCIDR = "10.30.255.240/28" },
			`gke.masterCIDR "10.30.255.240/28": overlaps the network's addressSpace 10.30.0.0/16; pick another /28 in gke.Config`},
		{"master range inside the pod range", func(_ *platform.ClusterSpec, c *Config) { c.MasterCIDR = "100.64.0.0/28" },
			`gke.masterCIDR "100.64.0.0/28": overlaps the network's podCIDR 100.64.0.0/14`},
		{"unknown channel", func(s *platform.ClusterSpec, _ *Config) { s.Channel = "beta" }, `cluster.channel "beta": not an upgrade channel`},
		{"abbreviated day", func(s *platform.ClusterSpec, _ *Config) { s.Window.Day = "Sun" }, `cluster.window.day "Sun": not a weekday`},
		{"window GKE refuses", func(s *platform.ClusterSpec, _ *Config) { s.Window.DurationHours = 4 },
			`cluster.window.durationHours 4: GKE needs 48 hours of maintenance availability in any 32 days; a weekly window must be 12..24 hours`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := clusterSpec(), testConfig
			tt.mutate(&s, &c)
			err := validateClusterSpec(c, s, "cluster")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
	if err := validateClusterSpec(testConfig, clusterSpec(), "cluster"); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}

func TestConfigMasterCIDR(t *testing.T) {
	for cidr, want := range map[string]string{
		"172.16.0.0/24":  `gke.masterCIDR "172.16.0.0/24": GKE needs a /28 for the control plane, e.g. "172.16.0.0/28"`,
		"172.16.0.1/28":  `gke.masterCIDR "172.16.0.1/28": host bits are set; the range starts at 172.16.0.0/28`,
		"172.16.0.0":     `gke.masterCIDR "172.16.0.0": not a CIDR`,
		"172.16.0.16/28": "",
		"":               "",
	} {
		err := Config{Project: "acme-platform-prod", Region: "europe-west1", MasterCIDR: cidr}.validate("gke")
		switch {
		case want == "" && err != nil:
			t.Errorf("%q rejected: %v", cidr, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q: error %v, want %s", cidr, err, want)
		}
	}
	if got := (Config{}).withDefaults().MasterCIDR; got != DefaultMasterCIDR {
		t.Errorf("default master CIDR %q", got)
	}
}

func TestRenderKubeconfig(t *testing.T) {
	got := renderKubeconfig("gke_p_europe-west1_prod-cluster", "https://172.16.0.2", "Q0E=")
	for _, want := range []string{
		"server: https://172.16.0.2\n",
		"certificate-authority-data: Q0E=\n",
		"current-context: gke_p_europe-west1_prod-cluster\n",
		"apiVersion: client.authentication.k8s.io/v1beta1\n",
		"command: gke-gcloud-auth-plugin\n",
		"provideClusterInfo: true\n",
		"installHint: Install gke-gcloud-auth-plugin",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, got)
		}
	}
	for _, banned := range []string{"token", "client-certificate", "client-key", "password"} {
		if strings.Contains(got, banned) {
			t.Errorf("kubeconfig holds a static credential (%q):\n%s", banned, got)
		}
	}
}

// The Backup for GKE agent follows GKEClusterSpec.BackupAgent.
func TestPlanBackupAgent(t *testing.T) {
	if planCluster(testConfig, clusterSpec()).BackupAgent {
		t.Error("backup agent on without BackupAgent")
	}
	s := clusterSpec()
	s.GKE.BackupAgent = true
	if !planCluster(testConfig, s).BackupAgent {
		t.Error("backup agent off with BackupAgent")
	}
}

package gke

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/platform"
)

var workdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// powerSpec stops the test cluster (system 3-6 nodes, apps 4-12, both over
// three zones) at 19:00 and starts it at 07:30, Monday to Friday, Berlin
// time.
func powerSpec() platform.PowerScheduleSpec {
	c := clusterSpec()
	c.Pools[1].MinCount, c.Pools[1].MaxCount = 4, 12
	return platform.PowerScheduleSpec{
		Name:     "office-hours",
		Cluster:  c,
		Outputs:  &platform.ClusterOutputs{ID: pulumi.String("projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster").ToStringOutput()},
		Days:     workdays,
		Start:    "07:30",
		Stop:     "19:00",
		TimeZone: "Europe/Berlin",
		Tags:     platform.Tags{"environment": "dev"},
	}
}

func TestPlanPowerSchedule(t *testing.T) {
	got := planPowerSchedule(testConfig, powerSpec())
	want := powerPlan{
		Scaler:  serviceAccountPlan{Name: "office-hours-power", AccountID: "office-hours-power", DisplayName: "Power schedule office-hours (workflows)"},
		Invoker: serviceAccountPlan{Name: "office-hours-sched", AccountID: "office-hours-sched", DisplayName: "Power schedule office-hours (scheduler)"},
		ScalerRole: customRolePlan{
			Name: "office-hours-node-pool-scaler-role", RoleID: "plinth.office_hours.nodePoolScaler",
			Title: "Plinth node pool scaler", Description: nodePoolScaler.Description,
			Permissions: []string{"container.clusters.get", "container.clusters.update", "container.operations.get"},
		},
		ScalerBinding:  "office-hours-node-pool-scaler",
		InvokerBinding: "office-hours-workflows-invoker",
		Stop: powerAction{
			Workflow: "office-hours-stop", Job: "office-hours-stop-schedule",
			Description:    "Plinth power schedule office-hours: stops GKE cluster prod-cluster by turning each node pool's autoscaler off and resizing the pool to zero nodes.",
			JobDescription: "Plinth power schedule office-hours: stops GKE cluster prod-cluster at 19:00 (Europe/Berlin).",
			Cron:           "0 19 * * 1-5",
		},
		Start: powerAction{
			Workflow: "office-hours-start", Job: "office-hours-start-schedule",
			Description:    "Plinth power schedule office-hours: starts GKE cluster prod-cluster by resizing each node pool to its minimum and turning its autoscaler back on.",
			JobDescription: "Plinth power schedule office-hours: starts GKE cluster prod-cluster at 07:30 (Europe/Berlin).",
			Cron:           "30 7 * * 1-5",
		},
		TimeZone: "Europe/Berlin",
		// Per zone (three zones) to start with; totals for the autoscaler,
		// as NewCluster sets them.
		Pools: []powerPool{
			{Name: "system", NodesPerZone: 1, TotalMin: 3, TotalMax: 6, LocationPolicy: "BALANCED"},
			{Name: "apps", NodesPerZone: 2, TotalMin: 4, TotalMax: 12, LocationPolicy: "BALANCED"},
		},
		Labels: map[string]string{"environment": "dev"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
}

// A start restores what NewCluster creates, pool by pool: the per-zone
// initial count and the autoscaler's total bounds and location policy,
// whatever the zones and spot settings.
func TestPowerPoolsFollowTheCluster(t *testing.T) {
	s := powerSpec()
	s.Cluster.Pools = append(s.Cluster.Pools,
		platform.NodePoolSpec{Name: "batch", MachineType: "e2-standard-8", MinCount: 0, MaxCount: 5, Zones: []string{"b"}, Spot: true, DiskSizeGB: 100, MaxSurge: "1"},
		platform.NodePoolSpec{Name: "web", MachineType: "e2-standard-4", MinCount: 5, MaxCount: 9, DiskSizeGB: 100, MaxSurge: "1"},
	)
	cluster := planCluster(testConfig, s.Cluster)
	pools := planPowerSchedule(testConfig, s).Pools
	if len(pools) != len(cluster.Pools) {
		t.Fatalf("%d pools, want the cluster's %d", len(pools), len(cluster.Pools))
	}
	for i, cp := range cluster.Pools {
		want := powerPool{Name: cp.Name, NodesPerZone: cp.InitialPerZone, TotalMin: cp.TotalMin, TotalMax: cp.TotalMax, LocationPolicy: cp.LocationPolicy}
		if pools[i] != want {
			t.Errorf("pool %d: %+v, want %+v", i, pools[i], want)
		}
	}
	// Spot on one zone: ANY, none to start with; five nodes over the
	// default three zones: two per zone.
	if pools[2] != (powerPool{Name: "batch", NodesPerZone: 0, TotalMin: 0, TotalMax: 5, LocationPolicy: "ANY"}) {
		t.Errorf("batch: %+v", pools[2])
	}
	if pools[3] != (powerPool{Name: "web", NodesPerZone: 2, TotalMin: 5, TotalMax: 9, LocationPolicy: "BALANCED"}) {
		t.Errorf("web: %+v", pools[3])
	}
}

const testClusterID = "projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster"

const wantStopSource = `# Plinth power schedule: stops GKE cluster projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster.
main:
  steps:
    - stop_apps:
        call: stop_pool
        args:
          pool: projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster/nodePools/apps
    - stop_system:
        call: stop_pool
        args:
          pool: projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster/nodePools/system
stop_pool:
  params: [pool]
  steps:
    - disable_autoscaling:
        try:
          call: googleapis.container.v1.projects.locations.clusters.nodePools.setAutoscaling
          args:
            name: ${pool}
            body:
              autoscaling:
                enabled: false
        retry:
          predicate: ${cluster_busy}
          max_retries: 5
          backoff:
            initial_delay: 60
            max_delay: 600
            multiplier: 2
    - resize_to_zero:
        try:
          call: googleapis.container.v1.projects.locations.clusters.nodePools.setSize
          args:
            name: ${pool}
            body:
              nodeCount: 0
        retry:
          predicate: ${cluster_busy}
          max_retries: 5
          backoff:
            initial_delay: 60
            max_delay: 600
            multiplier: 2
cluster_busy:
  params: [e]
  steps:
    - busy:
        switch:
          - condition: ${map.get(e, "code") in [400, 409]}
            return: true
    - not_busy:
        return: false
`

const wantStartSource = `# Plinth power schedule: starts GKE cluster projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster.
main:
  steps:
    - start_system:
        call: start_pool
        args:
          pool: projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster/nodePools/system
          nodes_per_zone: 1
          total_min: 3
          total_max: 6
          location_policy: BALANCED
    - start_apps:
        call: start_pool
        args:
          pool: projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster/nodePools/apps
          nodes_per_zone: 2
          total_min: 4
          total_max: 12
          location_policy: BALANCED
start_pool:
  params: [pool, nodes_per_zone, total_min, total_max, location_policy]
  steps:
    - resize:
        try:
          call: googleapis.container.v1.projects.locations.clusters.nodePools.setSize
          args:
            name: ${pool}
            body:
              nodeCount: ${nodes_per_zone}
        retry:
          predicate: ${cluster_busy}
          max_retries: 5
          backoff:
            initial_delay: 60
            max_delay: 600
            multiplier: 2
    - enable_autoscaling:
        try:
          call: googleapis.container.v1.projects.locations.clusters.nodePools.setAutoscaling
          args:
            name: ${pool}
            body:
              autoscaling:
                enabled: true
                totalMinNodeCount: ${total_min}
                totalMaxNodeCount: ${total_max}
                locationPolicy: ${location_policy}
        retry:
          predicate: ${cluster_busy}
          max_retries: 5
          backoff:
            initial_delay: 60
            max_delay: 600
            multiplier: 2
cluster_busy:
  params: [e]
  steps:
    - busy:
        switch:
          - condition: ${map.get(e, "code") in [400, 409]}
            return: true
    - not_busy:
        return: false
`

// The workflows of a two-pool cluster, exactly: stop goes user pools first,
// start system pool first.
func TestPowerWorkflowSources(t *testing.T) {
	pools := planPowerSchedule(testConfig, powerSpec()).Pools
	if got := stopSource(testClusterID, pools); got != wantStopSource {
		t.Errorf("stop workflow:\n%s\nwant\n%s", got, wantStopSource)
	}
	if got := startSource(testClusterID, pools); got != wantStartSource {
		t.Errorf("start workflow:\n%s\nwant\n%s", got, wantStartSource)
	}
	// Rendering never touches its input.
	if pools[0].Name != "system" {
		t.Errorf("stopSource reordered the plan's pools: %+v", pools)
	}
}

// workflowDoc is the part of a workflow's YAML the tests read.
type workflowDoc map[string]struct {
	Params []string `yaml:"params"`
	Steps  []map[string]struct {
		Call string         `yaml:"call"`
		Args map[string]any `yaml:"args"`
		Try  struct {
			Call string         `yaml:"call"`
			Args map[string]any `yaml:"args"`
		} `yaml:"try"`
		Retry map[string]any `yaml:"retry"`
	} `yaml:"steps"`
}

// Both sources are YAML of the shape Workflows reads: main and the
// subworkflows, each GKE call retried while the cluster is busy.
func TestPowerWorkflowSourcesParse(t *testing.T) {
	pools := planPowerSchedule(testConfig, powerSpec()).Pools
	for name, tc := range map[string]struct {
		src, sub string
		calls    []string
	}{
		"stop":  {stopSource(testClusterID, pools), "stop_pool", []string{"setAutoscaling", "setSize"}},
		"start": {startSource(testClusterID, pools), "start_pool", []string{"setSize", "setAutoscaling"}},
	} {
		var doc workflowDoc
		if err := yaml.Unmarshal([]byte(tc.src), &doc); err != nil {
			t.Fatalf("%s: not YAML: %v", name, err)
		}
		if len(doc) != 3 || len(doc["main"].Steps) != 2 || len(doc[tc.sub].Steps) != 2 || len(doc["cluster_busy"].Steps) != 2 {
			t.Fatalf("%s: unexpected structure %+v", name, doc)
		}
		for _, step := range doc["main"].Steps {
			for _, s := range step {
				if s.Call != tc.sub || !strings.HasPrefix(s.Args["pool"].(string), testClusterID+"/nodePools/") {
					t.Errorf("%s: main step %+v", name, s)
				}
			}
		}
		for i, step := range doc[tc.sub].Steps {
			for _, s := range step {
				want := "googleapis.container.v1.projects.locations.clusters.nodePools." + tc.calls[i]
				if s.Try.Call != want || s.Try.Args["name"] != "${pool}" {
					t.Errorf("%s: step %d calls %q on %v, want %q on ${pool}", name, i, s.Try.Call, s.Try.Args["name"], want)
				}
				if s.Retry["predicate"] != "${cluster_busy}" {
					t.Errorf("%s: step %d retry %v", name, i, s.Retry)
				}
			}
		}
	}
}

func TestCron(t *testing.T) {
	for _, tt := range []struct {
		clock string
		days  []time.Weekday
		want  string
	}{
		{"19:00", workdays, "0 19 * * 1-5"},
		{"07:30", workdays, "30 7 * * 1-5"},
		{"00:05", []time.Weekday{time.Monday}, "5 0 * * 1"},
		{"23:59", []time.Weekday{time.Monday, time.Wednesday, time.Friday}, "59 23 * * 1,3,5"},
		{"08:00", []time.Weekday{time.Monday, time.Tuesday}, "0 8 * * 1,2"},
		{"08:00", []time.Weekday{time.Saturday, time.Sunday}, "0 8 * * 0,6"},
		// A Sunday-to-Thursday week, listed Monday first.
		{"08:00", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Sunday}, "0 8 * * 0-4"},
		{"08:00", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Friday, time.Saturday}, "0 8 * * 1-3,5,6"},
		{"08:00", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}, "0 8 * * 1-6"},
		{"08:00", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}, "0 8 * * *"},
	} {
		if got := cron(tt.clock, tt.days); got != tt.want {
			t.Errorf("cron(%q, %v) = %q, want %q", tt.clock, tt.days, got, tt.want)
		}
	}
}

func TestValidatePowerScheduleSpec(t *testing.T) {
	if err := validatePowerScheduleSpec(powerSpec(), "powerSchedule"); err != nil {
		t.Fatalf("valid spec rejected: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(*platform.PowerScheduleSpec)
		want   string
	}{
		{"start not a time", func(s *platform.PowerScheduleSpec) { s.Start = "7:30" }, `powerSchedule.start "7:30": use a 24-hour time of day "HH:MM"`},
		{"stop out of range", func(s *platform.PowerScheduleSpec) { s.Stop = "24:00" }, `powerSchedule.stop "24:00": use a 24-hour time of day`},
		{"stop before start", func(s *platform.PowerScheduleSpec) { s.Start, s.Stop = "19:00", "07:00" }, `powerSchedule.stop "07:00": must be after start "19:00"`},
		{"stop at start", func(s *platform.PowerScheduleSpec) { s.Stop = s.Start }, `powerSchedule.stop "07:30": must be after start "07:30"`},
		{"no days", func(s *platform.PowerScheduleSpec) { s.Days = nil }, "powerSchedule.days: required"},
		{"day twice", func(s *platform.PowerScheduleSpec) { s.Days = []time.Weekday{time.Monday, time.Monday} }, `powerSchedule.days[1] "Monday": listed twice`},
		{"not a day", func(s *platform.PowerScheduleSpec) { s.Days = []time.Weekday{7} }, "powerSchedule.days[0] 7: not a weekday"},
		{"no time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "" }, "powerSchedule.timeZone: required"},
		{"bad time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Europe/Atlantis" }, `powerSchedule.timeZone "Europe/Atlantis": not an IANA time zone`},
		{"local time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Local" }, `powerSchedule.timeZone "Local": not an IANA time zone`},
		{"no outputs", func(s *platform.PowerScheduleSpec) { s.Outputs = nil }, "powerSchedule.outputs: required"},
		{"no cluster ID", func(s *platform.PowerScheduleSpec) { s.Outputs = &platform.ClusterOutputs{} }, "powerSchedule.outputs.id: required"},
		{"no pools", func(s *platform.PowerScheduleSpec) { s.Cluster.Pools = nil }, "powerSchedule.cluster.pools: required"},
		{"name", func(s *platform.PowerScheduleSpec) { s.Name = "Office" }, `powerSchedule.name "Office": gives the service account ID "Office-power"`},
	}
	for _, tt := range tests {
		s := powerSpec()
		tt.mutate(&s)
		if err := validatePowerScheduleSpec(s, "powerSchedule"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	for _, tz := range []string{"UTC", "America/New_York", "Asia/Kolkata"} {
		s := powerSpec()
		s.TimeZone = tz
		if err := validatePowerScheduleSpec(s, "powerSchedule"); err != nil {
			t.Errorf("%s rejected: %v", tz, err)
		}
	}
}

// Every logical name the contract accepts gives valid service account and
// custom role IDs, and distinct accounts.
func TestPowerScheduleIDs(t *testing.T) {
	for n := 1; n <= platform.MaxNameLength; n++ {
		for _, name := range []string{"a" + strings.Repeat("b", n-1), "x" + strings.Repeat("-9", (n-1)/2) + strings.Repeat("z", (n-1)%2)} {
			if platform.ValidateName("name", name) != nil {
				continue
			}
			scaler, invoker := scalerAccountID(name), invokerAccountID(name)
			if !serviceAccountID.MatchString(scaler) || !serviceAccountID.MatchString(invoker) || scaler == invoker {
				t.Errorf("%s -> %q, %q", name, scaler, invoker)
			}
			if id := roleID(name, nodePoolScaler.Suffix, 1); !customRoleID.MatchString(id) {
				t.Errorf("%s -> role ID %q", name, id)
			}
		}
	}
}

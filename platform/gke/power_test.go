package gke_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/workflows"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	workflowType = "gcp:workflows/workflow:Workflow"
	jobType      = "gcp:cloudscheduler/job:Job"
	accountType  = "gcp:serviceaccount/account:Account"

	scalerSA   = "office-hours-power@" + project + ".iam.gserviceaccount.com"
	invokerSA  = "office-hours-sched@" + project + ".iam.gserviceaccount.com"
	scalerRole = "projects/" + project + "/roles/plinth.office_hours.nodePoolScaler"
	jobsPrefix = "projects/" + project + "/locations/europe-west1/jobs/"
)

// powerTags are the power schedule's tags.
var powerTags = platform.Tags{"environment": "dev", "managed-by": "plinth", "team": "platform"}

// officeHours stops the cluster at 19:00 and starts it at 07:30, Monday to
// Friday, Berlin time.
func officeHours(spec platform.ClusterSpec, out *platform.ClusterOutputs) platform.PowerScheduleSpec {
	return platform.PowerScheduleSpec{
		Name:     "office-hours",
		Cluster:  spec,
		Outputs:  out,
		Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Start:    "07:30",
		Stop:     "19:00",
		TimeZone: "Europe/Berlin",
		Tags:     powerTags,
	}
}

// networkTags are the prod network's tags.
var networkTags = map[string]string{"environment": "prod", "managed-by": "plinth"}

// afterPlatform registers more under the rendered cluster (see
// renderPlatform).
type afterPlatform func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs) error

// renderPlatform renders, with a backend configured as cfg, the prod
// network and the prod cluster of clusterSpec on it (under a component
// "prod"), edited by mutate, then runs then.
func renderPlatform(t *testing.T, cfg gke.Config, mutate func(*platform.ClusterSpec), then afterPlatform) *platformtest.Snapshot {
	t.Helper()
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", cfg)
		if err != nil {
			return err
		}
		net, err := newNetwork(ctx, b, "prod", network.Args{
			AddressSpace: "10.30.0.0/16",
			NAT:          network.NAT{IPCount: 2},
			Tags:         networkTags,
		})
		if err != nil {
			return err
		}
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Cluster", "prod", parent); err != nil {
			return err
		}
		spec := clusterSpec(net)
		if mutate != nil {
			mutate(&spec)
		}
		out, err := b.NewCluster(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			return err
		}
		return then(ctx, b, spec, out)
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// powerResult is a rendered power schedule: the snapshot, the resolved
// outputs and NewPowerSchedule's error.
type powerResult struct {
	snap *platformtest.Snapshot
	err  error

	mu                 sync.Mutex
	stop, start, email string
}

// renderPower renders the prod cluster and the office-hours schedule (under
// a component "office-hours"), edited by mutate.
func renderPower(t *testing.T, mutate func(*platform.PowerScheduleSpec)) *powerResult {
	t.Helper()
	r := &powerResult{}
	set := func(o pulumi.StringOutput, dst *string) {
		o.ApplyT(func(v string) string { r.mu.Lock(); *dst = v; r.mu.Unlock(); return v })
	}
	r.snap = renderPlatform(t, gke.Config{Project: project, Region: "europe-west1"}, nil, func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:PowerSchedule", "office-hours", parent); err != nil {
			return err
		}
		ps := officeHours(spec, out)
		if mutate != nil {
			mutate(&ps)
		}
		o, err := b.NewPowerSchedule(ctx, ps, pulumi.Parent(parent))
		if err != nil {
			r.err = err
			return nil
		}
		set(o.StopSchedule, &r.stop)
		set(o.StartSchedule, &r.start)
		set(o.PrincipalID, &r.email)
		return nil
	})
	return r
}

func prodPower(t *testing.T) *powerResult {
	t.Helper()
	r := renderPower(t, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r
}

// members returns the IAM members of the snapshot (project, service
// account and bucket bindings) that name member.
func members(snap *platformtest.Snapshot, member string) []*platformtest.Resource {
	var out []*platformtest.Resource
	for _, typ := range []string{projectIAMType, accountIAMType, bucketIAMType} {
		for _, m := range snap.OfType(typ) {
			if got, _ := m.Input("member"); got == member {
				out = append(out, m)
			}
		}
	}
	return out
}

// The workflows' account holds one custom role on the project, with
// exactly the three permissions resizing needs, and nothing else.
func TestPowerScalerRole(t *testing.T) {
	snap := prodPower(t).snap
	role := find(t, snap, customRoleType, "office-hours-node-pool-scaler-role")
	expect(t, role, "project", project)
	expect(t, role, "roleId", "plinth.office_hours.nodePoolScaler")
	expect(t, role, "permissions", []string{"container.clusters.get", "container.clusters.update", "container.operations.get"})
	expect(t, role, "stage", "GA")

	sa := find(t, snap, accountType, "office-hours-power")
	expect(t, sa, "accountId", "office-hours-power")
	expect(t, sa, "project", project)

	got := members(snap, "serviceAccount:"+scalerSA)
	if len(got) != 1 {
		t.Fatalf("%d bindings for the workflows' account, want exactly one", len(got))
	}
	if got[0].Type != projectIAMType || got[0].Name != "office-hours-node-pool-scaler" {
		t.Errorf("binding %s %s, want the project binding office-hours-node-pool-scaler", got[0].Type, got[0].Name)
	}
	expect(t, got[0], "project", project)
	expect(t, got[0], "role", scalerRole)
}

// The scheduler's account can invoke workflows and nothing else.
func TestPowerInvokerRole(t *testing.T) {
	snap := prodPower(t).snap
	sa := find(t, snap, accountType, "office-hours-sched")
	expect(t, sa, "accountId", "office-hours-sched")
	got := members(snap, "serviceAccount:"+invokerSA)
	if len(got) != 1 {
		t.Fatalf("%d bindings for the scheduler's account, want exactly one", len(got))
	}
	if got[0].Type != projectIAMType || got[0].Name != "office-hours-workflows-invoker" {
		t.Errorf("binding %s %s, want the project binding office-hours-workflows-invoker", got[0].Type, got[0].Name)
	}
	expect(t, got[0], "project", project)
	expect(t, got[0], "role", "roles/workflows.invoker")
}

func TestPowerWorkflows(t *testing.T) {
	snap := prodPower(t).snap
	if n := len(snap.OfType(workflowType)); n != 2 {
		t.Fatalf("%d workflows, want stop and start", n)
	}
	grant := find(t, snap, projectIAMType, "office-hours-node-pool-scaler")
	for _, name := range []string{"office-hours-stop", "office-hours-start"} {
		wf := find(t, snap, workflowType, name)
		expect(t, wf, "name", name)
		expect(t, wf, "project", project)
		expect(t, wf, "region", "europe-west1")
		expect(t, wf, "serviceAccount", "projects/"+project+"/serviceAccounts/"+scalerSA)
		expect(t, wf, "callLogLevel", "LOG_ERRORS_ONLY")
		expect(t, wf, "labels", map[string]string(powerTags))
		if !slices.Contains(wf.DependsOn, grant.URN) {
			t.Errorf("%s does not wait for its account's role", name)
		}
		src, _ := platformtest.Input(t, wf, "sourceContents").(string)
		for _, pool := range []string{"system", "apps"} {
			if !strings.Contains(src, "pool: "+clusterID+"/nodePools/"+pool+"\n") {
				t.Errorf("%s does not scale pool %s of the cluster:\n%s", name, pool, src)
			}
		}
	}
}

// startArgs are the arguments main passes to start_pool for one pool.
type startArgs struct {
	Pool           string `yaml:"pool"`
	NodesPerZone   int    `yaml:"nodes_per_zone"`
	TotalMin       int    `yaml:"total_min"`
	TotalMax       int    `yaml:"total_max"`
	LocationPolicy string `yaml:"location_policy"`
}

// The start workflow brings each pool back to what the cluster's NodePool
// declares: its initial nodes per zone and its autoscaler's total bounds
// and location policy. Read from the rendered NodePools, not the plan.
func TestPowerStartRestoresThePools(t *testing.T) {
	snap := prodPower(t).snap
	src, _ := platformtest.Input(t, find(t, snap, workflowType, "office-hours-start"), "sourceContents").(string)
	var doc struct {
		Main struct {
			Steps []map[string]struct {
				Args startArgs `yaml:"args"`
			} `yaml:"steps"`
		} `yaml:"main"`
	}
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, step := range doc.Main.Steps {
		for _, s := range step {
			a := s.Args
			pool := a.Pool[strings.LastIndex(a.Pool, "/")+1:]
			order = append(order, pool)
			np := find(t, snap, poolType, "prod-"+pool)
			want := startArgs{
				Pool:           clusterID + "/nodePools/" + pool,
				NodesPerZone:   int(platformtest.Input(t, np, "initialNodeCount").(float64)),
				TotalMin:       int(platformtest.Input(t, np, "autoscaling.totalMinNodeCount").(float64)),
				TotalMax:       int(platformtest.Input(t, np, "autoscaling.totalMaxNodeCount").(float64)),
				LocationPolicy: platformtest.Input(t, np, "autoscaling.locationPolicy").(string),
			}
			if a != want {
				t.Errorf("start %s with %+v, want the NodePool's %+v", pool, a, want)
			}
		}
	}
	if !slices.Equal(order, []string{"system", "apps"}) {
		t.Errorf("start order %v, want the system pool first", order)
	}
}

func TestPowerJobs(t *testing.T) {
	snap := prodPower(t).snap
	if n := len(snap.OfType(jobType)); n != 2 {
		t.Fatalf("%d scheduler jobs, want stop and start", n)
	}
	grant := find(t, snap, projectIAMType, "office-hours-workflows-invoker")
	for _, tt := range []struct{ job, workflow, schedule string }{
		{"office-hours-stop-schedule", "office-hours-stop", "0 19 * * 1-5"},
		{"office-hours-start-schedule", "office-hours-start", "30 7 * * 1-5"},
	} {
		j := find(t, snap, jobType, tt.job)
		expect(t, j, "name", tt.job)
		expect(t, j, "project", project)
		expect(t, j, "region", "europe-west1")
		expect(t, j, "schedule", tt.schedule)
		expect(t, j, "timeZone", "Europe/Berlin")
		expect(t, j, "httpTarget.httpMethod", "POST")
		expect(t, j, "httpTarget.uri", "https://workflowexecutions.googleapis.com/v1/projects/"+project+"/locations/europe-west1/workflows/"+tt.workflow+"/executions")
		expect(t, j, "httpTarget.body", "e30=") // {}
		expect(t, j, "httpTarget.headers", map[string]string{"Content-Type": "application/json"})
		expect(t, j, "httpTarget.oauthToken.serviceAccountEmail", invokerSA)
		expect(t, j, "httpTarget.oauthToken.scope", "https://www.googleapis.com/auth/cloud-platform")
		if _, ok := j.Input("httpTarget.oidcToken"); ok {
			t.Errorf("%s sends an OIDC token; Google APIs take OAuth tokens", tt.job)
		}
		expect(t, j, "retryConfig.retryCount", 3)
		if !slices.Contains(j.DependsOn, grant.URN) {
			t.Errorf("%s does not wait for its account's role", tt.job)
		}
	}
}

func TestPowerOutputs(t *testing.T) {
	r := prodPower(t)
	if r.stop != jobsPrefix+"office-hours-stop-schedule" || r.start != jobsPrefix+"office-hours-start-schedule" {
		t.Errorf("schedules %q and %q", r.stop, r.start)
	}
	if r.email != scalerSA {
		t.Errorf("principal %q, want the workflows' account %q", r.email, scalerSA)
	}
}

// Every child is under the calling component, named "<name>-<role>", on
// the backend's provider (C1-C3).
func TestPowerChildren(t *testing.T) {
	snap := prodPower(t).snap
	var parent string
	for _, res := range snap.Resources {
		if res.Type == "plinth:test:PowerSchedule" {
			parent = res.URN
		}
	}
	var children []string
	for _, res := range snap.Resources {
		if res.Parent != parent {
			continue
		}
		children = append(children, res.Name)
		if !strings.Contains(res.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s uses provider %q", res.Name, res.Provider)
		}
	}
	slices.Sort(children)
	want := []string{
		"office-hours-node-pool-scaler", "office-hours-node-pool-scaler-role", "office-hours-power",
		"office-hours-sched", "office-hours-start", "office-hours-start-schedule",
		"office-hours-stop", "office-hours-stop-schedule", "office-hours-workflows-invoker",
	}
	if !slices.Equal(children, want) {
		t.Errorf("children %v, want %v", children, want)
	}
}

// Labels go on the workflows; accounts, roles, bindings and jobs take
// none (C7).
func TestPowerLabels(t *testing.T) {
	snap := prodPower(t).snap
	labeled := 0
	for _, res := range snap.Resources {
		if !strings.HasPrefix(res.Name, "office-hours") || !res.Custom {
			continue
		}
		prop, known := gke.TagsProperty(res.Type)
		if !known {
			t.Errorf("%s: TagsProperty does not know it", res.Type)
			continue
		}
		if prop == "" {
			if _, ok := res.Input("labels"); ok {
				t.Errorf("%s %s has labels, but TagsProperty says it takes none", res.Type, res.Name)
			}
			continue
		}
		expect(t, &res, prop, map[string]string(powerTags))
		labeled++
	}
	if labeled != 2 {
		t.Errorf("%d labeled resources, want the two workflows", labeled)
	}
}

func TestPowerDeterministic(t *testing.T) {
	a, err := prodPower(t).snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, err := prodPower(t).snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error("two renders of one power schedule differ")
	}
}

// A rejected schedule registers nothing and names the field (C8).
func TestRejectedPowerScheduleRegistersNothing(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.PowerScheduleSpec)
		want   string
	}{
		{"start after stop", func(s *platform.PowerScheduleSpec) { s.Start = "20:00" }, `powerSchedule.stop "19:00": must be after start "20:00"`},
		{"bad clock", func(s *platform.PowerScheduleSpec) { s.Stop = "7pm" }, `powerSchedule.stop "7pm": use a 24-hour time of day`},
		{"no days", func(s *platform.PowerScheduleSpec) { s.Days = nil }, "powerSchedule.days: required"},
		{"time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "CET+1" }, `powerSchedule.timeZone "CET+1": not an IANA time zone`},
	}
	for _, tt := range tests {
		r := renderPower(t, tt.mutate)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, r.err, tt.want)
		}
		for _, res := range r.snap.Resources {
			if strings.HasPrefix(res.Name, "office-hours-") {
				t.Errorf("%s: %s %s registered for a rejected spec", tt.name, res.Type, res.Name)
			}
		}
	}
}

// The mocks answer the power schedule's types with the IDs the gcp provider
// reports: what the jobs' URIs and the outputs are built from.
func TestMockShapesOfPowerTypes(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	put := func(key string, o pulumi.StringOutput) {
		o.ApplyT(func(v string) string { mu.Lock(); got[key] = v; mu.Unlock(); return v })
	}
	_, err := platformtest.Render("mocks", func(ctx *pulumi.Context) error {
		p, err := gcp.NewProvider(ctx, "gcp", &gcp.ProviderArgs{Project: pulumi.StringPtr(project), Region: pulumi.StringPtr("europe-west1")})
		if err != nil {
			return err
		}
		opt := pulumi.Provider(p)
		wf, err := workflows.NewWorkflow(ctx, "wf", &workflows.WorkflowArgs{
			Name: pulumi.String("dev-stop"), Project: pulumi.String(project), Region: pulumi.String("europe-west1"),
		}, opt)
		if err != nil {
			return err
		}
		put("workflow.id", wf.ID().ToStringOutput())
		put("workflow.name", wf.Name)
		put("workflow.state", wf.State)
		job, err := cloudscheduler.NewJob(ctx, "job", &cloudscheduler.JobArgs{
			Name: pulumi.String("dev-stop-schedule"), Project: pulumi.String(project), Region: pulumi.String("europe-west1"),
			Schedule: pulumi.String("0 19 * * 1-5"),
		}, opt)
		if err != nil {
			return err
		}
		put("job.id", job.ID().ToStringOutput())
		put("job.name", job.Name)
		put("job.state", job.State)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"workflow.id":    "projects/" + project + "/locations/europe-west1/workflows/dev-stop",
		"workflow.name":  "dev-stop",
		"workflow.state": "ACTIVE",
		"job.id":         jobsPrefix + "dev-stop-schedule",
		"job.name":       "dev-stop-schedule",
		"job.state":      "ENABLED",
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
}

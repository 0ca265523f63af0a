package gke

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	// Time zones come from Go's embedded database, so that validation
	// does not depend on the tzdata of the machine running `pulumi up`.
	_ "time/tzdata"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// workflowsInvoker lets the scheduler's account start executions of
// workflows, and nothing else.
const workflowsInvoker = "roles/workflows.invoker"

// workflowExecutionsAPI is where Cloud Scheduler starts an execution:
// POST <api><workflow ID>/executions.
const workflowExecutionsAPI = "https://workflowexecutions.googleapis.com/v1/"

// schedulerOAuthScope is the scope of the token Cloud Scheduler sends to the
// Workflow Executions API; IAM (roles/workflows.invoker) decides what it
// may do.
const schedulerOAuthScope = "https://www.googleapis.com/auth/cloud-platform"

// workflowCallLogLevel logs the workflows' failed calls (and so a failed
// resize) in Cloud Logging, without logging every successful step.
const workflowCallLogLevel = "LOG_ERRORS_ONLY"

// schedulerRetries is how often Cloud Scheduler retries a start or stop
// whose execution it could not create. Extra executions are harmless: both
// workflows only set sizes and autoscaler settings.
const schedulerRetries = 3

// emptyExecutionBody is base64("{}"): the execution the scheduler creates
// carries no argument (Cloud Scheduler takes HTTP bodies base64-encoded).
const emptyExecutionBody = "e30="

// nodePoolScaler holds what the stop and start workflows call: resize a
// node pool and change its autoscaler (both container.clusters.update, as
// every node pool change is), read the cluster, and poll the long-running
// operations the calls return. GKE has no per-cluster IAM policy, so the
// role is bound on the project: the account may change any cluster of the
// project, and nothing but the two workflows acts as it.
var nodePoolScaler = customRole{
	Suffix:      "nodePoolScaler",
	Title:       "Plinth node pool scaler",
	Description: "Resizes GKE node pools and turns their autoscaler off and on, for a power schedule's stop and start workflows.",
	Permissions: []string{
		"container.clusters.get",
		"container.clusters.update",
		"container.operations.get",
	},
}

// powerPlan is the cloud-side shape of a PowerScheduleSpec on GKE.
type powerPlan struct {
	// Scaler is the service account the workflows run as, Invoker the one
	// Cloud Scheduler calls the Workflow Executions API as.
	Scaler, Invoker serviceAccountPlan
	// ScalerRole is the custom role Scaler holds on the project, through
	// the binding named ScalerBinding; InvokerBinding gives Invoker
	// roles/workflows.invoker on the project.
	ScalerRole                    customRolePlan
	ScalerBinding, InvokerBinding string
	Stop, Start                   powerAction
	// TimeZone is the scheduler jobs' time zone.
	TimeZone string
	// Pools are the cluster's node pools in start order: the spec's, the
	// system pool first. Stopping goes the other way.
	Pools  []powerPool
	Labels map[string]string
}

// powerAction is one of the two actions: a workflow and the scheduler job
// that runs it.
type powerAction struct {
	// Workflow is the workflow's Pulumi and cloud name, Job the job's.
	Workflow, Job string
	// Description describes the workflow; JobDescription the job.
	Description, JobDescription string
	// Cron is the job's unix-cron schedule, in TimeZone.
	Cron string
}

// powerPool is what stopping and starting one node pool needs: its cloud
// name and what NewCluster gives it.
type powerPool struct {
	Name string
	// NodesPerZone is the size a start resizes the pool to: the node count
	// NewCluster creates each zone with, ceil(MinCount/zones).
	NodesPerZone int
	// TotalMin, TotalMax and LocationPolicy are the autoscaler settings
	// NewCluster gives the pool, which a start restores.
	TotalMin, TotalMax int
	LocationPolicy     string
}

// planPowerSchedule maps a validated PowerScheduleSpec to GKE settings. The
// pools' settings come from planCluster, so that a start restores exactly
// what NewCluster created.
func planPowerSchedule(cfg Config, spec platform.PowerScheduleSpec) powerPlan {
	n := spec.Name
	cluster := planCluster(cfg, spec.Cluster)
	p := powerPlan{
		Scaler: serviceAccountPlan{
			Name:        platform.ChildName(n, "power"),
			AccountID:   scalerAccountID(n),
			DisplayName: "Power schedule " + n + " (workflows)",
		},
		Invoker: serviceAccountPlan{
			Name:        platform.ChildName(n, "sched"),
			AccountID:   invokerAccountID(n),
			DisplayName: "Power schedule " + n + " (scheduler)",
		},
		ScalerRole:     planCustomRole(n, platform.ChildName(n, "node-pool-scaler-role"), nodePoolScaler, 1),
		ScalerBinding:  platform.ChildName(n, "node-pool-scaler"),
		InvokerBinding: platform.ChildName(n, "workflows-invoker"),
		Stop: powerAction{
			Workflow:       platform.ChildName(n, "stop"),
			Job:            platform.ChildName(n, "stop-schedule"),
			Description:    fmt.Sprintf("Plinth power schedule %s: stops GKE cluster %s by turning each node pool's autoscaler off and resizing the pool to zero nodes.", n, cluster.Name),
			JobDescription: fmt.Sprintf("Plinth power schedule %s: stops GKE cluster %s at %s (%s).", n, cluster.Name, spec.Stop, spec.TimeZone),
			Cron:           cron(spec.Stop, spec.Days),
		},
		Start: powerAction{
			Workflow:       platform.ChildName(n, "start"),
			Job:            platform.ChildName(n, "start-schedule"),
			Description:    fmt.Sprintf("Plinth power schedule %s: starts GKE cluster %s by resizing each node pool to its minimum and turning its autoscaler back on.", n, cluster.Name),
			JobDescription: fmt.Sprintf("Plinth power schedule %s: starts GKE cluster %s at %s (%s).", n, cluster.Name, spec.Start, spec.TimeZone),
			Cron:           cron(spec.Start, spec.Days),
		},
		TimeZone: spec.TimeZone,
		Labels:   spec.Tags.Merge(),
	}
	for _, pp := range cluster.Pools {
		p.Pools = append(p.Pools, powerPool{
			Name:           pp.Name,
			NodesPerZone:   pp.InitialPerZone,
			TotalMin:       pp.TotalMin,
			TotalMax:       pp.TotalMax,
			LocationPolicy: pp.LocationPolicy,
		})
	}
	return p
}

// scalerAccountID and invokerAccountID derive the two service account IDs
// from the schedule's logical name: "<name>-power" and "<name>-sched", 7 to
// 30 characters for every name of 1 to platform.MaxNameLength characters.
// Like every service account ID they must be unique in the project.
func scalerAccountID(name string) string  { return name + "-power" }
func invokerAccountID(name string) string { return name + "-sched" }

// cron is the unix-cron schedule of a job that runs at clock ("HH:MM") on
// days: "0 19 * * 1-5". Days are written as numbers (Sunday 0), ascending;
// three or more consecutive days as a range; all seven as "*".
func cron(clock string, days []time.Weekday) string {
	hour, minute, _ := strings.Cut(clock, ":")
	h, _ := strconv.Atoi(hour)
	m, _ := strconv.Atoi(minute)
	return fmt.Sprintf("%d %d * * %s", m, h, cronDays(days))
}

func cronDays(days []time.Weekday) string {
	nums := make([]int, 0, len(days))
	for _, d := range days {
		nums = append(nums, int(d))
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	if len(nums) == 7 {
		return "*"
	}
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, fmt.Sprintf("%d-%d", nums[i], nums[j]))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(nums[k]))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// stopSource is the stop workflow of the cluster whose resource name is
// cluster ("projects/<p>/locations/<l>/clusters/<name>"): for each pool,
// user pools first and the system pool last (so that cluster add-ons serve
// until the workloads are gone), turn the autoscaler off (or it would add
// nodes back) and resize the pool to zero.
func stopSource(cluster string, pools []powerPool) string {
	stop := slices.Clone(pools)
	slices.Reverse(stop)
	return render(stopWorkflow, cluster, stop)
}

// startSource is the start workflow: for each pool, the system pool first
// (so that cluster add-ons are up before workloads are scheduled), resize
// the pool to the nodes per zone NewCluster created it with, then turn the
// autoscaler back on with the pool's bounds. Resizing first matters: the
// autoscaler does not grow a pool of zero nodes to its minimum by itself.
func startSource(cluster string, pools []powerPool) string {
	return render(startWorkflow, cluster, pools)
}

func render(t *template.Template, cluster string, pools []powerPool) string {
	var b strings.Builder
	if err := t.Execute(&b, struct {
		Cluster string
		Pools   []powerPool
	}{cluster, pools}); err != nil {
		// The templates are constants and the data plain values: a failure
		// is a bug in this file.
		panic(err)
	}
	return b.String()
}

// The workflows' source. Each call to the GKE API goes through its
// Workflows connector, which waits for the operation it starts to finish.
// GKE refuses a change while another operation (an upgrade, a repair) runs
// on the cluster, with FAILED_PRECONDITION (400) or ABORTED (409): such a
// call is retried with backoff, for about 25 minutes, before the execution
// fails.
var (
	sourceFuncs = template.FuncMap{"retry": func() string { return retryBlock }, "busy": func() string { return busyPredicate }}

	stopWorkflow = template.Must(template.New("stop").Funcs(sourceFuncs).Parse(`# Plinth power schedule: stops GKE cluster {{.Cluster}}.
main:
  steps:
{{- range .Pools}}
    - stop_{{.Name}}:
        call: stop_pool
        args:
          pool: {{$.Cluster}}/nodePools/{{.Name}}
{{- end}}
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
{{retry}}
    - resize_to_zero:
        try:
          call: googleapis.container.v1.projects.locations.clusters.nodePools.setSize
          args:
            name: ${pool}
            body:
              nodeCount: 0
{{retry}}
{{busy}}`))

	startWorkflow = template.Must(template.New("start").Funcs(sourceFuncs).Parse(`# Plinth power schedule: starts GKE cluster {{.Cluster}}.
main:
  steps:
{{- range .Pools}}
    - start_{{.Name}}:
        call: start_pool
        args:
          pool: {{$.Cluster}}/nodePools/{{.Name}}
          nodes_per_zone: {{.NodesPerZone}}
          total_min: {{.TotalMin}}
          total_max: {{.TotalMax}}
          location_policy: {{.LocationPolicy}}
{{- end}}
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
{{retry}}
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
{{retry}}
{{busy}}`))
)

// retryBlock retries a step while cluster_busy says GKE is busy: after 1,
// 2, 4, 8 and 10 minutes.
const retryBlock = `        retry:
          predicate: ${cluster_busy}
          max_retries: 5
          backoff:
            initial_delay: 60
            max_delay: 600
            multiplier: 2`

// busyPredicate is the retry predicate: true for GKE's answers to a change
// while another operation runs.
const busyPredicate = `cluster_busy:
  params: [e]
  steps:
    - busy:
        switch:
          - condition: ${map.get(e, "code") in [400, 409]}
            return: true
    - not_busy:
        return: false
`

// validatePowerScheduleSpec checks the spec (PowerScheduleSpec.Validate)
// and what GKE, Cloud Scheduler and IAM constrain beyond it: service
// account IDs and the pools to scale. Problems come back together under
// path.
func validatePowerScheduleSpec(spec platform.PowerScheduleSpec, path field.Path) error {
	var errs field.List
	for _, id := range []string{scalerAccountID(spec.Name), invokerAccountID(spec.Name)} {
		if !serviceAccountID.MatchString(id) {
			errs.Addf(path.Child("name"), spec.Name, "gives the service account ID %q, which GCP rejects; use 1-%d lowercase letters, digits and '-', starting with a letter", id, platform.MaxNameLength)
			break
		}
	}
	if len(spec.Cluster.Pools) == 0 {
		errs.Add(field.Required(path.Child("cluster").Child("pools"), "the cluster's resolved spec with its node pools, the system pool first: they are what the schedule scales"))
	}
	errs = append(errs, spec.Validate(path)...)
	return errs.Err()
}

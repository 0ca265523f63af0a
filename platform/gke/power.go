package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/workflows"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewPowerSchedule stops a non-production cluster outside working hours by
// scaling every node pool to zero, and starts it again, so that a stopped
// cluster costs only its control plane and disks. In the backend's region
// it creates:
//
//   - the service account "<name>-power" the workflows run as, holding on
//     the project only a custom role "plinth.<name>.nodePoolScaler"
//     ('-' written '_') with container.clusters.get,
//     container.clusters.update and container.operations.get: what
//     resizing a node pool, changing its autoscaler and waiting for the
//     operation need. GKE has no per-cluster IAM, so the role is on the
//     project and the account could resize any cluster of it; nothing but
//     the two workflows acts as it;
//   - the Cloud Workflows "<name>-stop" and "<name>-start" (spec.Tags as
//     labels; failed calls logged), which call the GKE API through its
//     Workflows connectors, each waiting for its operation. Stop: for each
//     pool, user pools first and the system pool last, turn the autoscaler
//     off, then resize the pool to zero. Start: for each pool, the system
//     pool first, resize it to the nodes per zone NewCluster created it with
//     (ceil(MinCount/zones)), then turn the autoscaler on with the bounds
//     NewCluster gives it (totalMinNodeCount MinCount, totalMaxNodeCount
//     MaxCount, the pool's location policy). A call GKE refuses because
//     another operation (an upgrade, a repair) runs is retried for about 25
//     minutes;
//   - the service account "<name>-sched" Cloud Scheduler calls as, holding
//     only roles/workflows.invoker, on the project: pulumi-gcp v7.38.0 has
//     no IAM resource for a single workflow;
//   - the Cloud Scheduler jobs "<name>-stop-schedule" at spec.Stop and
//     "<name>-start-schedule" at spec.Start on spec.Days, in spec.TimeZone
//     (e.g. "0 19 * * 1-5"), each POSTing to the Workflow Executions API to
//     run its workflow, with an OAuth token of "<name>-sched". Scheduler
//     jobs take no labels.
//
// A `pulumi up` while the cluster is stopped compares with the recorded
// state, in which the autoscalers are on, and leaves the pools alone. Only
// with a refresh (`pulumi up --refresh`) does it see the autoscalers off
// and turn them back on with their bounds; node counts are ignored either
// way, so it never resizes a pool. Deploy in working hours, or run the
// start workflow first and the stop workflow after
// (docs/components/powerschedule.md).
//
// The project needs the Workflows and Cloud Scheduler APIs
// (workflows.googleapis.com, cloudscheduler.googleapis.com), and whoever
// runs `pulumi up` needs iam.serviceAccounts.actAs on both accounts (e.g.
// roles/iam.serviceAccountUser) and iam.roles.create on the project.
//
// The outputs are the two jobs' IDs and the workflows' account's email.
// spec.Start, spec.Stop, spec.Days and spec.TimeZone are checked, and
// nothing is registered when one is invalid.
func (b *Backend) NewPowerSchedule(ctx *pulumi.Context, spec platform.PowerScheduleSpec, opts ...pulumi.ResourceOption) (*platform.PowerScheduleOutputs, error) {
	if err := validatePowerScheduleSpec(spec, field.NewPath("powerSchedule")); err != nil {
		return nil, err
	}
	plan := planPowerSchedule(b.cfg, spec)

	ids, err := b.newPowerIdentities(ctx, spec.Name, plan, opts)
	if err != nil {
		return nil, err
	}

	// The workflows name the pools by the cluster's ID, and so also wait
	// for the cluster.
	stopSrc := spec.Outputs.ID.ApplyT(func(id string) string { return stopSource(id, plan.Pools) }).(pulumi.StringOutput)
	startSrc := spec.Outputs.ID.ApplyT(func(id string) string { return startSource(id, plan.Pools) }).(pulumi.StringOutput)

	var jobs [2]pulumi.StringOutput
	for i, a := range []struct {
		action powerAction
		source pulumi.StringOutput
	}{{plan.Stop, stopSrc}, {plan.Start, startSrc}} {
		if jobs[i], err = b.newPowerAction(ctx, plan, a.action, a.source, ids, opts); err != nil {
			return nil, err
		}
	}

	return &platform.PowerScheduleOutputs{
		StopSchedule:  jobs[0],
		StartSchedule: jobs[1],
		PrincipalID:   ids.scaler.Email,
	}, nil
}

// powerIdentities are the schedule's two service accounts and their
// grants, which the workflows and the jobs wait for.
type powerIdentities struct {
	scaler, invoker           *serviceaccount.Account
	scalerGrant, invokerGrant pulumi.Resource
}

// newPowerIdentities registers the workflows' account with its custom
// node pool scaler role on the project, and the scheduler's account with
// roles/workflows.invoker on the project.
func (b *Backend) newPowerIdentities(ctx *pulumi.Context, name string, plan powerPlan, opts []pulumi.ResourceOption) (powerIdentities, error) {
	project := pulumi.String(b.cfg.Project)
	var ids powerIdentities
	var err error
	ids.scaler, err = b.newPowerAccount(ctx, plan.Scaler, "Runs the stop and start workflows of power schedule "+name+"; may resize the project's GKE node pools.", opts)
	if err != nil {
		return ids, err
	}
	role, err := b.newCustomRole(ctx, plan.ScalerRole, project, opts)
	if err != nil {
		return ids, err
	}
	ids.scalerGrant, err = projects.NewIAMMember(ctx, plan.ScalerBinding, &projects.IAMMemberArgs{
		Project: project,
		Role:    role.Name,
		Member:  pulumi.Sprintf("serviceAccount:%s", ids.scaler.Email),
	}, b.opts(opts)...)
	if err != nil {
		return ids, err
	}

	ids.invoker, err = b.newPowerAccount(ctx, plan.Invoker, "Cloud Scheduler starts the stop and start workflows of power schedule "+name+" as this account; it may only invoke workflows.", opts)
	if err != nil {
		return ids, err
	}
	ids.invokerGrant, err = projects.NewIAMMember(ctx, plan.InvokerBinding, &projects.IAMMemberArgs{
		Project: project,
		Role:    pulumi.String(workflowsInvoker),
		Member:  pulumi.Sprintf("serviceAccount:%s", ids.invoker.Email),
	}, b.opts(opts)...)
	return ids, err
}

// newPowerAction registers one action's workflow, running source as the
// scaler account, and the scheduler job that runs it as the invoker
// account, and returns the job's ID.
func (b *Backend) newPowerAction(ctx *pulumi.Context, plan powerPlan, action powerAction, source pulumi.StringOutput, ids powerIdentities, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	project := pulumi.String(b.cfg.Project)
	wf, err := workflows.NewWorkflow(ctx, action.Workflow, &workflows.WorkflowArgs{
		Name:           pulumi.String(action.Workflow),
		Project:        project,
		Region:         pulumi.String(b.cfg.Region),
		Description:    pulumi.String(action.Description),
		ServiceAccount: ids.scaler.Name,
		SourceContents: source,
		CallLogLevel:   pulumi.String(workflowCallLogLevel),
		Labels:         pulumi.ToStringMap(plan.Labels),
	}, b.opts(opts, pulumi.DependsOn([]pulumi.Resource{ids.scalerGrant}))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	job, err := cloudscheduler.NewJob(ctx, action.Job, &cloudscheduler.JobArgs{
		Name:        pulumi.String(action.Job),
		Project:     project,
		Region:      pulumi.String(b.cfg.Region),
		Description: pulumi.String(action.JobDescription),
		Schedule:    pulumi.String(action.Cron),
		TimeZone:    pulumi.String(plan.TimeZone),
		RetryConfig: &cloudscheduler.JobRetryConfigArgs{RetryCount: pulumi.Int(schedulerRetries)},
		HttpTarget: &cloudscheduler.JobHttpTargetArgs{
			HttpMethod: pulumi.String("POST"),
			Uri:        pulumi.Sprintf("%s%s/executions", workflowExecutionsAPI, wf.ID()),
			Headers:    pulumi.StringMap{"Content-Type": pulumi.String("application/json")},
			Body:       pulumi.String(emptyExecutionBody),
			OauthToken: &cloudscheduler.JobHttpTargetOauthTokenArgs{
				ServiceAccountEmail: ids.invoker.Email,
				Scope:               pulumi.String(schedulerOAuthScope),
			},
		},
	}, b.opts(opts, pulumi.DependsOn([]pulumi.Resource{ids.invokerGrant}))...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return job.ID().ToStringOutput(), nil
}

// newPowerAccount registers one of the schedule's service accounts.
func (b *Backend) newPowerAccount(ctx *pulumi.Context, sa serviceAccountPlan, description string, opts []pulumi.ResourceOption) (*serviceaccount.Account, error) {
	return serviceaccount.NewAccount(ctx, sa.Name, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(sa.AccountID),
		DisplayName: pulumi.String(sa.DisplayName),
		Description: pulumi.String(limit(description, maxDescription)),
		Project:     pulumi.String(b.cfg.Project),
	}, b.opts(opts)...)
}

package aks

import (
	"fmt"

	automation "github.com/pulumi/pulumi-azure-native-sdk/automation/v2/v20231101"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewPowerSchedule stops and starts a non-production AKS cluster on a
// weekly schedule. In the cluster's resource group and the backend's
// location it creates:
//
//   - an Automation account "<name>-automation" (Basic) with a
//     system-assigned managed identity and local authentication disabled:
//     only Entra ID principals reach it, no account key;
//   - a custom role that may only read, start and stop managed clusters,
//     assignable at exactly the cluster, and its one assignment to the
//     account's identity at exactly spec.Outputs.ID: the identity can do
//     nothing else, anywhere;
//   - the runbook Set-AksPowerState (PowerShell 7.2, no modules), which
//     gets an ARM token from that identity, reads the cluster's power
//     state and asks AKS to start or stop it only when needed, failing the
//     job on any error. Automation downloads it from
//     Config.RunbookBaseURL, or unset, from RunbookRepository at the tag or
//     commit the program's Plinth was built from (its build information),
//     and verifies it against the SHA-256 hash of the script built into
//     this package. A program whose Plinth is a local directory, a fork or
//     a working tree names no such source: NewPowerSchedule refuses it
//     until Config.RunbookBaseURL is set;
//   - two weekly schedules, "<name>-stop-<HHMM>-<timing>-schedule" at
//     spec.Stop and "<name>-start-<HHMM>-<timing>-schedule" at spec.Start
//     on each of spec.Days in spec.TimeZone, and the job schedules that run
//     the runbook on them with the cluster's ID and the action.
//
// A schedule's time of day is its start time, which Azure takes only in
// the future: it is the next occurrence of the time at least an hour after
// Config.Now, and later deployments ignore it (pulumi.IgnoreChanges) so
// that the schedules do not change on every run. Because an update could
// not move it, the schedules are the one exception to naming children
// after the logical name only (contract rule C2): their names carry the
// time of day and a hash of the days and time zone (timingHash), so a
// changed Start, Stop, TimeZone or Days creates new schedules, with a fresh
// start time, and deletes the old ones. They hold no state.
//
// Schedules and job schedules take no tags; the account and the runbook
// carry spec.Tags. An invalid spec (time of day, time zone, days, missing
// cluster) is an error naming the field, and nothing is registered.
func (b *Backend) NewPowerSchedule(ctx *pulumi.Context, spec platform.PowerScheduleSpec, opts ...pulumi.ResourceOption) (*platform.PowerScheduleOutputs, error) {
	plan, err := planPowerSchedule(b.cfg, spec, b.now())
	if err != nil {
		return nil, err
	}
	tags := pulumi.ToStringMap(plan.Tags)
	clusterID := spec.Outputs.ID
	rg := clusterID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)

	account, principal, err := b.newAutomationAccount(ctx, plan, rg, tags, opts)
	if err != nil {
		return nil, err
	}
	assignment, err := b.assignCustomRole(ctx, plan.RoleAssignment, plan.RoleDefinition, plan.Role, clusterID, principal, opts)
	if err != nil {
		return nil, err
	}
	runbook, err := b.newRunbook(ctx, plan, account.Name, rg, tags, opts)
	if err != nil {
		return nil, err
	}

	ids := make([]pulumi.StringOutput, len(plan.Schedules))
	for i, s := range plan.Schedules {
		schedule, err := b.newSchedule(ctx, s, account.Name, rg, opts)
		if err != nil {
			return nil, err
		}
		ids[i] = schedule.ID().ToStringOutput()
		// A job schedule cannot be changed, only replaced, and its ID is
		// fixed: the old one goes before the new one is created. Jobs
		// wait for the identity's right to act on the cluster.
		_, err = automation.NewJobSchedule(ctx, s.Job, &automation.JobScheduleArgs{
			JobScheduleId:         pulumi.String(s.JobID),
			AutomationAccountName: account.Name,
			ResourceGroupName:     rg,
			Runbook:               &automation.RunbookAssociationPropertyArgs{Name: runbook.Name},
			Schedule:              &automation.ScheduleAssociationPropertyArgs{Name: schedule.Name},
			Parameters: pulumi.StringMap{
				runbookClusterParameter: clusterID,
				runbookActionParameter:  pulumi.String(s.Action),
			},
		}, b.opts(opts, pulumi.DeleteBeforeReplace(true), pulumi.DependsOn([]pulumi.Resource{assignment}))...)
		if err != nil {
			return nil, err
		}
	}
	return &platform.PowerScheduleOutputs{
		StopSchedule:  ids[0],
		StartSchedule: ids[1],
		PrincipalID:   principal,
	}, nil
}

// newAutomationAccount registers the Automation account in the cluster's
// resource group rg and returns it with the principal ID of its
// system-assigned identity.
func (b *Backend) newAutomationAccount(ctx *pulumi.Context, plan powerPlan, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*automation.AutomationAccount, pulumi.StringOutput, error) {
	account, err := automation.NewAutomationAccount(ctx, plan.Account, &automation.AutomationAccountArgs{
		AutomationAccountName: pulumi.String(plan.AccountName),
		ResourceGroupName:     rg,
		Location:              pulumi.String(b.cfg.Location),
		Sku:                   &automation.SkuArgs{Name: pulumi.String(plan.SKU)},
		Identity:              &automation.IdentityArgs{Type: automation.ResourceIdentityTypeSystemAssigned},
		DisableLocalAuth:      pulumi.Bool(!plan.LocalAuth),
		// Jobs run in Azure's cloud sandbox, outside any network; turning
		// public access off is for accounts reached through a private
		// endpoint by hybrid workers, which this account has none of.
		PublicNetworkAccess: pulumi.Bool(plan.PublicNetworkAccess),
		Tags:                tags,
	}, b.opts(opts)...)
	if err != nil {
		return nil, pulumi.StringOutput{}, err
	}
	principal := account.Identity.ApplyT(func(id *automation.IdentityResponse) (string, error) {
		if id == nil || id.PrincipalId == "" {
			return "", fmt.Errorf("automation account %s has no system-assigned identity", plan.AccountName)
		}
		return id.PrincipalId, nil
	}).(pulumi.StringOutput)
	return account, principal, nil
}

// newRunbook registers the runbook in the account, its content downloaded
// from the plan's script URI and checked against the script's hash.
func (b *Backend) newRunbook(ctx *pulumi.Context, plan powerPlan, account, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*automation.Runbook, error) {
	return automation.NewRunbook(ctx, plan.Runbook, &automation.RunbookArgs{
		RunbookName:           pulumi.String(plan.RunbookName),
		AutomationAccountName: account,
		ResourceGroupName:     rg,
		Location:              pulumi.String(b.cfg.Location),
		RunbookType:           pulumi.String(plan.RunbookType),
		Description:           pulumi.String("Starts or stops one AKS cluster through the account's managed identity. Managed by Plinth (" + runbookPath + ")."),
		LogProgress:           pulumi.Bool(false),
		LogVerbose:            pulumi.Bool(false),
		PublishContentLink: &automation.ContentLinkArgs{
			Uri: pulumi.String(plan.ScriptURI),
			ContentHash: &automation.ContentHashArgs{
				Algorithm: pulumi.String(contentHashAlgorithm),
				Value:     pulumi.String(plan.ScriptHash),
			},
		},
		Tags: tags,
	}, b.opts(opts)...)
}

// newSchedule registers one weekly schedule. Its start time is ignored
// after creation: it is computed from the clock, so every run would
// otherwise change it.
func (b *Backend) newSchedule(ctx *pulumi.Context, s schedulePlan, account, rg pulumi.StringOutput, opts []pulumi.ResourceOption) (*automation.Schedule, error) {
	return automation.NewSchedule(ctx, s.Resource, &automation.ScheduleArgs{
		ScheduleName:          pulumi.String(s.Resource),
		Name:                  pulumi.String(s.Resource),
		AutomationAccountName: account,
		ResourceGroupName:     rg,
		Description:           pulumi.String(s.Description),
		Frequency:             pulumi.String(scheduleFrequency),
		Interval:              pulumi.Int(scheduleInterval),
		StartTime:             pulumi.String(s.StartTime),
		TimeZone:              pulumi.String(s.TimeZone),
		AdvancedSchedule:      &automation.AdvancedScheduleArgs{WeekDays: pulumi.ToStringArray(s.WeekDays)},
	}, b.opts(opts, pulumi.IgnoreChanges([]string{"startTime"}))...)
}

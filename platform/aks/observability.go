package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/inputs"
	"github.com/plinth-dev/plinth/platform"
)

var _ platform.ObservabilityBackend = (*Backend)(nil)

// NewObservability creates the environment's metrics store and alerting,
// in the cluster's resource group and the backend's location:
//
//   - an Azure Monitor workspace "<name>-metrics" (API 2023-04-03), the
//     store of the cluster's Prometheus metrics, kept in Azure
//     (RetainOnDelete) when the cluster is Retain;
//   - a data collection endpoint "<name>-metrics-dce", a data collection
//     rule "<name>-prometheus" that sends the stream
//     Microsoft-PrometheusMetrics of the prometheusForwarder data source to
//     the workspace, and its association with the cluster, named
//     ContainerInsightsMetricsExtension as the metrics add-on expects: the
//     managed Prometheus NewCluster switches on (azureMonitorProfile) then
//     sends its metrics there. Container Insights (logs) stays as
//     NewCluster made it, with the cluster's log retention;
//   - one action group "<name>-<receiver>" per receiver (location Global,
//     short name the receiver's name cut to 12 characters), with an
//     e-mail receiver per address and a webhook receiver per URL, both in
//     the common alert schema; each webhook URL is a secret;
//   - the rules in Prometheus rule groups "<name>-alerts",
//     "<name>-alerts-2", ... of at most 20 rules (API 2023-03-01), on the
//     workspace and the cluster (clusterName), evaluated every minute: each
//     rule's alert with its expression (the cluster placeholder removed:
//     the workspace holds this cluster's metrics only), For as an ISO 8601
//     duration, Azure severity 0 (Critical) for critical and 2 (Warning)
//     for warning, a severity label, the summary and runbook_url
//     annotations, auto-resolution after 10 minutes, and the action groups
//     of the receivers that take its severity;
//   - Azure's recommended recording rules (observability_recording.go) in
//     two more rule groups on the same workspace and cluster,
//     "<name>-node-recording-rules" (11) and
//     "<name>-kubernetes-recording-rules" (19), as the portal and `az aks
//     update --enable-azure-monitor-metrics` create them for the dashboards
//     of managed Prometheus;
//   - for an EventUpgrade alert, an activity log alert "<name>-<alert>"
//     (location Global) on the subscription's Service Health events for
//     Azure Kubernetes Service (AKS) of the types Maintenance,
//     ActionRequired and Informational about the backend's region or every
//     region (Service Health's "Global"), which is how Azure announces
//     planned maintenance, the end of support of a Kubernetes version and
//     required upgrades, notifying the receivers that take its severity
//     with the alert's name, severity and runbook as custom properties.
//
// Limits of the upgrade alert: Service Health events are per subscription,
// service and region, not per cluster, so each environment keeps one alert
// scoped to its region (serviceHealthRegions; a location not in the table
// takes every region), and environments of one subscription in one region
// each alert their own receivers about the same notice; and a new
// Kubernetes version being available is no Service Health event. AKS
// reports that, and a cluster's own end of support, as Event Grid events
// (Microsoft.ContainerService.NewKubernetesVersionAvailable,
// ClusterSupportEnding) of a system topic on the cluster; Event Grid
// delivers to webhooks that answer its validation handshake, but neither
// to e-mail nor to action groups (Azure Monitor alerts handle only Key
// Vault events), so that route could not reach every receiver. The
// cluster's auto-upgrade channel applies available versions in its
// maintenance window anyway.
//
// EventManagedBackupFailed alerts are ignored: AKS has no managed backup
// (Velero's failures are rules). Nothing is registered when the spec is
// rejected: the shared rules (ObservabilitySpec.Validate), a cluster
// without monitoring, and two receivers with the same short name.
func (b *Backend) NewObservability(ctx *pulumi.Context, spec platform.ObservabilitySpec, opts ...pulumi.ResourceOption) (*platform.ObservabilityOutputs, error) {
	plan, err := planObservability(spec, b.cfg.Location)
	if err != nil {
		return nil, err
	}
	w := observabilityWiring{
		rg:        spec.Outputs.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput),
		cluster:   spec.Outputs,
		tags:      pulumi.ToStringMap(plan.Tags),
		plainTags: plan.Tags,
		opts:      opts,
	}
	workspace, err := b.newMetricsWorkspace(ctx, plan, w)
	if err != nil {
		return nil, err
	}
	if err := b.newPrometheusCollection(ctx, plan, w, workspace); err != nil {
		return nil, err
	}
	out := &platform.ObservabilityOutputs{MetricsStore: workspace.ID().ToStringOutput(), Receivers: map[string]pulumi.StringOutput{}}
	for _, g := range plan.ActionGroups {
		ag, err := b.newActionGroup(ctx, g, w)
		if err != nil {
			return nil, err
		}
		out.Receivers[g.Receiver] = ag.ID().ToStringOutput()
	}
	for _, g := range append(plan.RuleGroups, plan.RecordingGroups...) {
		if err := b.newRuleGroup(ctx, g, w, workspace, out.Receivers); err != nil {
			return nil, err
		}
	}
	for _, a := range plan.ActivityLogAlerts {
		if err := b.newActivityLogAlert(ctx, a, w, out.Receivers); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// observabilityWiring is what every child of one observability is
// registered with: the cluster's resource group (from its ARM ID) and
// outputs, the tags (as inputs and as plain values for the typed args)
// and the caller's options.
type observabilityWiring struct {
	rg        pulumi.StringOutput
	cluster   *platform.ClusterOutputs
	tags      pulumi.StringMap
	plainTags map[string]string
	opts      []pulumi.ResourceOption
}

// newMetricsWorkspace registers the Azure Monitor workspace, by type token
// (observability_types.go).
func (b *Backend) newMetricsWorkspace(ctx *pulumi.Context, plan observabilityPlan, w observabilityWiring) (*azureMonitorWorkspace, error) {
	var ws azureMonitorWorkspace
	err := ctx.RegisterResource(azureMonitorWorkspaceType, plan.Workspace, inputs.Encode(azureMonitorWorkspaceArgs{
		AzureMonitorWorkspaceName: plan.Workspace,
		ResourceGroupName:         w.rg,
		Location:                  b.cfg.Location,
		PublicNetworkAccess:       publicNetworkAccess,
		Tags:                      plan.Tags,
	}, "pulumi"), &ws, b.retained(w.opts, plan.Retain, pulumi.Protect(plan.Retain))...)
	return &ws, err
}

// newPrometheusCollection registers the data collection endpoint and the
// rule that sends the cluster's Prometheus metrics to the workspace, and
// associates the rule with the cluster.
func (b *Backend) newPrometheusCollection(ctx *pulumi.Context, plan observabilityPlan, w observabilityWiring, workspace *azureMonitorWorkspace) error {
	dce, err := insights.NewDataCollectionEndpoint(ctx, plan.Endpoint, &insights.DataCollectionEndpointArgs{
		DataCollectionEndpointName: pulumi.String(plan.Endpoint),
		ResourceGroupName:          w.rg,
		Location:                   pulumi.String(b.cfg.Location),
		Kind:                       pulumi.String(dataCollectionKind),
		NetworkAcls:                &insights.DataCollectionEndpointNetworkAclsArgs{PublicNetworkAccess: pulumi.String(publicNetworkAccess)},
		Tags:                       w.tags,
	}, b.opts(w.opts)...)
	if err != nil {
		return err
	}
	dcr, err := insights.NewDataCollectionRule(ctx, plan.Rule, &insights.DataCollectionRuleArgs{
		DataCollectionRuleName:   pulumi.String(plan.Rule),
		ResourceGroupName:        w.rg,
		Location:                 pulumi.String(b.cfg.Location),
		Kind:                     pulumi.String(dataCollectionKind),
		DataCollectionEndpointId: dce.ID().ToStringOutput().ToStringPtrOutput(),
		DataSources: &insights.DataCollectionRuleDataSourcesArgs{
			PrometheusForwarder: insights.PrometheusForwarderDataSourceArray{
				insights.PrometheusForwarderDataSourceArgs{
					Name:    pulumi.String(prometheusDataSource),
					Streams: pulumi.StringArray{pulumi.String(prometheusStream)},
				},
			},
		},
		Destinations: &insights.DataCollectionRuleDestinationsArgs{
			MonitoringAccounts: insights.MonitoringAccountDestinationArray{
				insights.MonitoringAccountDestinationArgs{
					Name:              pulumi.String(prometheusDestination),
					AccountResourceId: workspace.ID().ToStringOutput().ToStringPtrOutput(),
				},
			},
		},
		DataFlows: insights.DataFlowArray{
			insights.DataFlowArgs{
				Streams:      pulumi.StringArray{pulumi.String(prometheusStream)},
				Destinations: pulumi.StringArray{pulumi.String(prometheusDestination)},
			},
		},
		Tags: w.tags,
	}, b.opts(w.opts)...)
	if err != nil {
		return err
	}
	_, err = insights.NewDataCollectionRuleAssociation(ctx, plan.Association, &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String(prometheusAssociation),
		ResourceUri:          w.cluster.ID,
		DataCollectionRuleId: dcr.ID().ToStringOutput().ToStringPtrOutput(),
		Description:          pulumi.String("Sends the cluster's managed Prometheus metrics to " + plan.Workspace + "; deleting it stops their collection."),
	}, b.opts(w.opts)...)
	return err
}

// newActionGroup registers one receiver's action group; each webhook URL
// is a secret.
func (b *Backend) newActionGroup(ctx *pulumi.Context, g actionGroupPlan, w observabilityWiring) (*insights.ActionGroup, error) {
	var emails insights.EmailReceiverArray
	for _, e := range g.Emails {
		emails = append(emails, insights.EmailReceiverArgs{
			Name:                 pulumi.String(e.Name),
			EmailAddress:         pulumi.String(e.Address),
			UseCommonAlertSchema: pulumi.Bool(true),
		})
	}
	var webhooks insights.WebhookReceiverArray
	for _, h := range g.Webhooks {
		webhooks = append(webhooks, insights.WebhookReceiverArgs{
			Name:                 pulumi.String(h.Name),
			ServiceUri:           pulumi.ToSecret(pulumi.String(h.Address)).(pulumi.StringOutput),
			UseCommonAlertSchema: pulumi.Bool(true),
		})
	}
	return insights.NewActionGroup(ctx, g.Name, &insights.ActionGroupArgs{
		ActionGroupName:   pulumi.String(g.Name),
		ResourceGroupName: w.rg,
		Location:          pulumi.String(globalLocation),
		GroupShortName:    pulumi.String(g.ShortName),
		Enabled:           pulumi.Bool(true),
		EmailReceivers:    emails,
		WebhookReceivers:  webhooks,
		Tags:              w.tags,
	}, b.opts(w.opts)...)
}

// newRuleGroup registers one Prometheus rule group, by type token
// (observability_types.go), on the workspace and the cluster; receivers
// are the action groups' IDs by receiver name.
func (b *Backend) newRuleGroup(ctx *pulumi.Context, g ruleGroupPlan, w observabilityWiring, workspace *azureMonitorWorkspace, receivers map[string]pulumi.StringOutput) error {
	args := prometheusRuleGroupArgs{
		RuleGroupName:     g.Name,
		ResourceGroupName: w.rg,
		Location:          b.cfg.Location,
		Description:       g.Description,
		ClusterName:       w.cluster.Name,
		Enabled:           true,
		Interval:          ruleGroupInterval,
		Scopes:            []pulumi.StringInput{workspace.ID().ToStringOutput(), w.cluster.ID},
		Tags:              w.plainTags,
	}
	for _, r := range g.Rules {
		if r.Record != "" {
			args.Rules = append(args.Rules, prometheusRuleArgs{Record: r.Record, Expression: r.Expression, Enabled: true, Labels: r.Labels})
			continue
		}
		sev := r.Severity
		rule := prometheusRuleArgs{
			Alert:                r.Alert,
			Expression:           r.Expression,
			For:                  r.For,
			Severity:             &sev,
			Enabled:              true,
			Labels:               r.Labels,
			Annotations:          r.Annotations,
			Actions:              []prometheusRuleActionArgs{},
			ResolveConfiguration: &prometheusResolveArgs{AutoResolved: true, TimeToResolve: resolveAfter},
		}
		for _, name := range r.Receivers {
			rule.Actions = append(rule.Actions, prometheusRuleActionArgs{ActionGroupID: receivers[name]})
		}
		args.Rules = append(args.Rules, rule)
	}
	var rg prometheusRuleGroup
	return ctx.RegisterResource(prometheusRuleGroupType, g.Name, inputs.Encode(args, "pulumi"), &rg, b.opts(w.opts)...)
}

// newActivityLogAlert registers one event alert on the subscription's
// Service Health events; receivers are the action groups' IDs by receiver
// name.
func (b *Backend) newActivityLogAlert(ctx *pulumi.Context, a activityLogAlertPlan, w observabilityWiring, receivers map[string]pulumi.StringOutput) error {
	conditions := insights.AlertRuleAnyOfOrLeafConditionArray{
		insights.AlertRuleAnyOfOrLeafConditionArgs{Field: pulumi.String("category"), Equals: pulumi.String("ServiceHealth")},
	}
	incidents := insights.AlertRuleLeafConditionArray{}
	for _, t := range a.IncidentTypes {
		incidents = append(incidents, insights.AlertRuleLeafConditionArgs{Field: pulumi.String("properties.incidentType"), Equals: pulumi.String(t)})
	}
	conditions = append(conditions,
		insights.AlertRuleAnyOfOrLeafConditionArgs{AnyOf: incidents},
		insights.AlertRuleAnyOfOrLeafConditionArgs{
			Field:       pulumi.String("properties.impactedServices[*].ServiceName"),
			ContainsAny: pulumi.StringArray{pulumi.String(a.Service)},
		})
	if len(a.Regions) > 0 {
		conditions = append(conditions, insights.AlertRuleAnyOfOrLeafConditionArgs{
			Field:       pulumi.String("properties.impactedServices[*].ImpactedRegions[*].RegionName"),
			ContainsAny: pulumi.ToStringArray(a.Regions),
		})
	}
	actions := insights.ActionGroupTypeArray{}
	for _, name := range a.Receivers {
		actions = append(actions, insights.ActionGroupTypeArgs{
			ActionGroupId:     receivers[name],
			WebhookProperties: pulumi.ToStringMap(a.Properties),
		})
	}
	_, err := insights.NewActivityLogAlert(ctx, a.Name, &insights.ActivityLogAlertArgs{
		ActivityLogAlertName: pulumi.String(a.Name),
		ResourceGroupName:    w.rg,
		Location:             pulumi.String(globalLocation),
		Description:          pulumi.String(a.Description),
		Enabled:              pulumi.Bool(true),
		Scopes:               pulumi.StringArray{pulumi.String("/subscriptions/" + b.cfg.SubscriptionID)},
		Condition:            &insights.AlertRuleAllOfConditionArgs{AllOf: conditions},
		Actions:              &insights.ActionListArgs{ActionGroups: actions},
		Tags:                 w.tags,
	}, b.opts(w.opts)...)
	return err
}

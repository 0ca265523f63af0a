package gke

import (
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

var _ platform.ObservabilityBackend = (*Backend)(nil)

// NewObservability creates the alerting and log retention of an
// environment on Google Cloud (planObservability has the mapping):
//
//   - metrics: the cluster's Managed Service for Prometheus collection,
//     which NewCluster turns on with spec.Cluster.Monitoring, writes to the
//     project's Cloud Monitoring; MetricsStore is "projects/<project>";
//   - logs: a log bucket "<name>-logs" keeping spec.LogRetentionDays, a sink
//     of the cluster's logs to it, and their exclusion from _Default;
//   - receivers: a notification channel per e-mail address and per webhook
//     (its URL a secret); Receivers maps each receiver to its channels'
//     IDs, comma-separated, in the order of its e-mails then webhooks;
//   - alerts: an alert policy per rule (PromQL, the cluster selected by
//     cluster="<cluster>") and per event alert (a log match on GKE's
//     upgrade notifications or Backup for GKE's errors), notifying the
//     channels of the receivers that take its severity.
//
// It registers nothing when spec is invalid (validateObservabilitySpec).
// The project needs the monitoring.googleapis.com and logging.googleapis.com
// APIs (on by default); Plinth does not enable them.
func (b *Backend) NewObservability(ctx *pulumi.Context, spec platform.ObservabilitySpec, opts ...pulumi.ResourceOption) (*platform.ObservabilityOutputs, error) {
	if err := validateObservabilitySpec(spec, field.NewPath("observability")); err != nil {
		return nil, err
	}
	plan := planObservability(b.cfg, spec)
	if err := b.logRetention(ctx, plan, opts); err != nil {
		return nil, err
	}
	channels, err := b.notificationChannels(ctx, plan, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range plan.Policies {
		if err := b.alertPolicy(ctx, p, channels, opts); err != nil {
			return nil, err
		}
	}
	out := &platform.ObservabilityOutputs{
		MetricsStore: pulumi.String(plan.MetricsStore).ToStringOutput(),
		Receivers:    map[string]pulumi.StringOutput{},
	}
	for receiver, names := range plan.Receivers {
		ids := make([]any, len(names))
		for i, n := range names {
			ids[i] = channels[n]
		}
		out.Receivers[receiver] = pulumi.All(ids...).ApplyT(func(v []any) string {
			s := make([]string, len(v))
			for i, id := range v {
				s[i] = id.(string)
			}
			return strings.Join(s, ",")
		}).(pulumi.StringOutput)
	}
	return out, nil
}

// logRetention registers the log bucket, the sink of the cluster's logs to
// it and, once the sink exists (so that no entry is ever in neither), their
// exclusion from _Default.
func (b *Backend) logRetention(ctx *pulumi.Context, plan observabilityPlan, opts []pulumi.ResourceOption) error {
	bucket, err := logging.NewProjectBucketConfig(ctx, plan.Bucket.Name, &logging.ProjectBucketConfigArgs{
		Project:       pulumi.String(b.cfg.Project),
		Location:      pulumi.String(plan.Bucket.Location),
		BucketId:      pulumi.String(plan.Bucket.Name),
		Description:   pulumi.String(plan.Bucket.Description),
		RetentionDays: pulumi.Int(plan.Bucket.RetentionDays),
		Locked:        pulumi.Bool(false),
	}, b.retained(opts, plan.Bucket.Retain, pulumi.Protect(plan.Bucket.Retain))...)
	if err != nil {
		return err
	}
	sink, err := logging.NewProjectSink(ctx, plan.Sink.Name, &logging.ProjectSinkArgs{
		Project:              pulumi.String(b.cfg.Project),
		Name:                 pulumi.String(plan.Sink.Name),
		Description:          pulumi.String(plan.Sink.Description),
		Destination:          pulumi.Sprintf("logging.googleapis.com/%s", bucket.ID()),
		Filter:               pulumi.String(plan.Sink.Filter),
		UniqueWriterIdentity: pulumi.Bool(true),
	}, b.opts(opts)...)
	if err != nil {
		return err
	}
	_, err = logging.NewProjectExclusion(ctx, plan.Exclusion.Name, &logging.ProjectExclusionArgs{
		Project:     pulumi.String(b.cfg.Project),
		Name:        pulumi.String(plan.Exclusion.Name),
		Description: pulumi.String(plan.Exclusion.Description),
		Filter:      pulumi.String(plan.Exclusion.Filter),
	}, b.opts(opts, pulumi.DependsOn([]pulumi.Resource{sink}))...)
	return err
}

// notificationChannels registers the plan's channels and returns their
// IDs by name. A webhook's labels are secret in the inputs and the state.
func (b *Backend) notificationChannels(ctx *pulumi.Context, plan observabilityPlan, opts []pulumi.ResourceOption) (map[string]pulumi.StringOutput, error) {
	ids := map[string]pulumi.StringOutput{}
	for _, c := range plan.Channels {
		labels := pulumi.StringMapInput(pulumi.ToStringMap(c.Labels))
		more := []pulumi.ResourceOption{}
		if c.Secret {
			labels = pulumi.ToSecret(pulumi.ToStringMap(c.Labels)).(pulumi.StringMapOutput)
			more = append(more, pulumi.AdditionalSecretOutputs([]string{"labels"}))
		}
		ch, err := monitoring.NewNotificationChannel(ctx, c.Name, &monitoring.NotificationChannelArgs{
			Project:     pulumi.String(b.cfg.Project),
			Type:        pulumi.String(c.Type),
			DisplayName: pulumi.String(c.DisplayName),
			Description: pulumi.String(c.Description),
			Labels:      labels,
			UserLabels:  pulumi.ToStringMap(c.UserLabels),
			Enabled:     pulumi.Bool(true),
		}, b.opts(opts, more...)...)
		if err != nil {
			return nil, err
		}
		ids[c.Name] = ch.ID().ToStringOutput()
	}
	return ids, nil
}

// alertPolicy registers p, notifying the channels of channels it names.
func (b *Backend) alertPolicy(ctx *pulumi.Context, p policyPlan, channels map[string]pulumi.StringOutput, opts []pulumi.ResourceOption) error {
	notify := pulumi.StringArray{}
	for _, n := range p.Channels {
		notify = append(notify, channels[n])
	}
	condition := monitoring.AlertPolicyConditionArgs{DisplayName: pulumi.String(p.Alert)}
	var strategy monitoring.AlertPolicyAlertStrategyPtrInput
	switch {
	case p.PromQL != nil:
		condition.ConditionPrometheusQueryLanguage = &monitoring.AlertPolicyConditionConditionPrometheusQueryLanguageArgs{
			Query:     pulumi.String(p.PromQL.Query),
			Duration:  pulumi.String(p.PromQL.Duration),
			RuleGroup: pulumi.String(p.PromQL.RuleGroup),
			AlertRule: pulumi.String(p.PromQL.AlertRule),
		}
	case p.LogMatch != nil:
		condition.ConditionMatchedLog = &monitoring.AlertPolicyConditionConditionMatchedLogArgs{
			Filter:          pulumi.String(p.LogMatch.Filter),
			LabelExtractors: pulumi.ToStringMap(p.LogMatch.LabelExtractors),
		}
		strategy = &monitoring.AlertPolicyAlertStrategyArgs{
			NotificationRateLimit: &monitoring.AlertPolicyAlertStrategyNotificationRateLimitArgs{Period: pulumi.String(p.LogMatch.RateLimit)},
		}
	}
	_, err := monitoring.NewAlertPolicy(ctx, p.Name, &monitoring.AlertPolicyArgs{
		Project:     pulumi.String(b.cfg.Project),
		DisplayName: pulumi.String(p.Name),
		Combiner:    pulumi.String("OR"),
		Enabled:     pulumi.Bool(true),
		Severity:    pulumi.String(p.Severity),
		Conditions:  monitoring.AlertPolicyConditionArray{condition},
		Documentation: &monitoring.AlertPolicyDocumentationArgs{
			Subject:  pulumi.String(p.Subject),
			Content:  pulumi.String(p.Content),
			MimeType: pulumi.String("text/markdown"),
			Links: monitoring.AlertPolicyDocumentationLinkArray{
				&monitoring.AlertPolicyDocumentationLinkArgs{DisplayName: pulumi.String("Runbook"), Url: pulumi.String(p.Runbook)},
			},
		},
		AlertStrategy:        strategy,
		NotificationChannels: notify,
		UserLabels:           pulumi.ToStringMap(p.UserLabels),
	}, b.opts(opts)...)
	return err
}

package gke_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

const (
	logBucketType  = "gcp:logging/projectBucketConfig:ProjectBucketConfig"
	sinkType       = "gcp:logging/projectSink:ProjectSink"
	exclusionType  = "gcp:logging/projectExclusion:ProjectExclusion"
	policyType     = "gcp:monitoring/alertPolicy:AlertPolicy"
	channelType    = "gcp:monitoring/notificationChannel:NotificationChannel"
	alertsRunbooks = "https://github.com/plinth-dev/plinth/blob/main/docs/operations/alerts.md"
)

// observabilitySpec watches the cluster out with one rule and both event
// alerts; an on-call receiver (an e-mail and a webhook) takes critical
// alerts, a team's e-mail warnings.
func observabilitySpec(spec platform.ClusterSpec, out *platform.ClusterOutputs) platform.ObservabilitySpec {
	return platform.ObservabilitySpec{
		Name: "prod", Cluster: spec, Outputs: out, LogRetentionDays: spec.LogRetentionDays,
		Rules: []platform.AlertRule{{
			Name: "NodeNotReady", Expr: gkefacts.Facts.Nodes.NotReady,
			For: 15 * time.Minute, Severity: platform.SeverityCritical,
			Summary: "Node {{ $labels.node }} has not been Ready for 15 minutes", Runbook: alertsRunbooks + "#nodenotready",
		}},
		Events: []platform.EventAlert{
			{Name: "ClusterUpgrade", Event: platform.EventUpgrade, Severity: platform.SeverityWarning, Summary: "An upgrade of the cluster is available", Runbook: alertsRunbooks + "#clusterupgrade"},
			{Name: "ManagedBackupFailed", Event: platform.EventManagedBackupFailed, Severity: platform.SeverityCritical, Summary: "A managed backup failed", Runbook: alertsRunbooks + "#managedbackupfailed"},
		},
		Receivers: []platform.Receiver{
			{Name: "oncall", Emails: []string{"oncall@acme.example"}, Webhooks: []string{"https://events.pagerduty.com/integration/k3y/enqueue"}, Severities: []platform.Severity{platform.SeverityCritical}},
			{Name: "team", Emails: []string{"platform@acme.example"}, Severities: []platform.Severity{platform.SeverityWarning}},
		},
		Tags: spec.Tags,
	}
}

// observabilityResult is what NewObservability returned, resolved.
type observabilityResult struct {
	err          error
	metricsStore string
	receivers    map[string]*string
}

// renderObservability renders the prod cluster (retained), then
// NewObservability under a component "prod-observability". mutate edits
// the observability spec.
func renderObservability(t *testing.T, mutate func(*platform.ObservabilitySpec)) (*rendered, *observabilityResult) {
	t.Helper()
	res := &observabilityResult{receivers: map[string]*string{}}
	r := renderStack(t, func(s *platform.ClusterSpec) { s.Retain = true },
		func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs, r *rendered) error {
			parent := &testComponent{}
			if err := ctx.RegisterComponentResource("plinth:test:Observability", "prod-observability", parent); err != nil {
				return err
			}
			s := observabilitySpec(spec, out)
			if mutate != nil {
				mutate(&s)
			}
			o, err := b.NewObservability(ctx, s, pulumi.Parent(parent))
			if err != nil {
				res.err = err
				return nil
			}
			r.capture(o.MetricsStore, &res.metricsStore)
			for name, id := range o.Receivers {
				res.receivers[name] = new(string)
				r.capture(id, res.receivers[name])
			}
			return nil
		})
	return r, res
}

func TestObservabilityLogRetention(t *testing.T) {
	r, res := renderObservability(t, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	bucket := find(t, r.snap, logBucketType, "prod-logs")
	expect(t, bucket, "project", project)
	expect(t, bucket, "location", "europe-west1")
	expect(t, bucket, "bucketId", "prod-logs")
	expect(t, bucket, "retentionDays", 30)
	expect(t, bucket, "locked", false)
	if !bucket.RetainOnDelete {
		t.Error("the log bucket of a retained cluster is deleted with the stack")
	}
	sink := find(t, r.snap, sinkType, "prod-cluster-logs")
	expect(t, sink, "name", "prod-cluster-logs")
	expect(t, sink, "destination", "logging.googleapis.com/projects/"+project+"/locations/europe-west1/buckets/prod-logs")
	expect(t, sink, "filter", `resource.labels.cluster_name="prod-cluster"`)
	if !slices.Contains(sink.DependsOn, bucket.URN) {
		t.Error("the sink does not wait for its bucket")
	}
	exclusion := find(t, r.snap, exclusionType, "prod-cluster-logs")
	expect(t, exclusion, "filter", `resource.labels.cluster_name="prod-cluster"`)
	// Excluded from _Default only once the sink stores them elsewhere.
	if !slices.Contains(exclusion.DependsOn, sink.URN) {
		t.Error("the exclusion from _Default does not wait for the sink")
	}
	if res.metricsStore != "projects/"+project {
		t.Errorf("metrics store %q", res.metricsStore)
	}
}

func TestObservabilityChannels(t *testing.T) {
	r, res := renderObservability(t, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if n := len(r.snap.OfType(channelType)); n != 3 {
		t.Fatalf("%d notification channels, want one per address and webhook", n)
	}
	email := find(t, r.snap, channelType, "prod-oncall-email-1")
	expect(t, email, "type", "email")
	expect(t, email, "labels", map[string]string{"email_address": "oncall@acme.example"})
	webhook := find(t, r.snap, channelType, "prod-oncall-webhook-1")
	expect(t, webhook, "type", "webhook_tokenauth")
	// The URL carries the token: secret in the inputs (and the state).
	expect(t, webhook, "labels", snapshot.SecretValue)
	for _, c := range r.snap.OfType(channelType) {
		expect(t, c, "userLabels", map[string]string{"environment": "prod", "managed-by": "plinth", "team": "platform"})
	}
	oncall := strings.Split(*res.receivers["oncall"], ",")
	if len(oncall) != 2 || !strings.HasPrefix(oncall[0], "projects/"+project+"/notificationChannels/") {
		t.Errorf("receiver oncall's channels %q", oncall)
	}
	if team := *res.receivers["team"]; strings.Contains(team, ",") || !strings.HasPrefix(team, "projects/"+project+"/notificationChannels/") {
		t.Errorf("receiver team's channels %q", team)
	}
}

func TestObservabilityAlertPolicies(t *testing.T) {
	r, res := renderObservability(t, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if n := len(r.snap.OfType(policyType)); n != 3 {
		t.Fatalf("%d alert policies, want one per rule and event alert", n)
	}
	oncall, team := strings.Split(*res.receivers["oncall"], ","), []string{*res.receivers["team"]}

	node := find(t, r.snap, policyType, "prod-NodeNotReady")
	expect(t, node, "severity", "CRITICAL")
	expect(t, node, "combiner", "OR")
	expect(t, node, "conditions.0.conditionPrometheusQueryLanguage.query", `label_replace(kubernetes_io:node_status_condition{monitored_resource="k8s_node",condition="Ready",status!="True",cluster_name="prod-cluster"}, "node", "$1", "node_name", "(.*)") > 0`)
	expect(t, node, "conditions.0.conditionPrometheusQueryLanguage.duration", "900s")
	expect(t, node, "documentation.subject", "Node ${metric.label.node} has not been Ready for 15 minutes")
	expect(t, node, "documentation.links.0.url", alertsRunbooks+"#nodenotready")
	expect(t, node, "notificationChannels", oncall)
	if _, ok := node.Input("alertStrategy"); ok {
		t.Error("a PromQL policy has an alert strategy")
	}

	upgrade := find(t, r.snap, policyType, "prod-ClusterUpgrade")
	expect(t, upgrade, "severity", "WARNING")
	expect(t, upgrade, "notificationChannels", team)
	expect(t, upgrade, "alertStrategy.notificationRateLimit.period", "3600s")
	if f, _ := upgrade.Input("conditions.0.conditionMatchedLog.filter"); !strings.Contains(f.(string), `log_id("container.googleapis.com/notifications")`) {
		t.Errorf("upgrade filter %q", f)
	}
	backup := find(t, r.snap, policyType, "prod-ManagedBackupFailed")
	expect(t, backup, "notificationChannels", oncall)
	expect(t, backup, "alertStrategy.notificationRateLimit.period", "3600s")

	for _, p := range r.snap.OfType(policyType) {
		expect(t, p, "userLabels", map[string]string{"environment": "prod", "managed-by": "plinth", "team": "platform"})
	}
}

// Every child is parented by the caller's options and uses the backend's
// provider (C3); only the log bucket, which holds data, is retained.
func TestObservabilityChildren(t *testing.T) {
	r, res := renderObservability(t, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	parent := find(t, r.snap, "plinth:test:Observability", "prod-observability")
	for _, typ := range []string{logBucketType, sinkType, exclusionType, policyType, channelType} {
		for _, c := range r.snap.OfType(typ) {
			if c.Parent != parent.URN {
				t.Errorf("%s %s: parent %q", typ, c.Name, c.Parent)
			}
			if !strings.Contains(c.Provider, "::pulumi:providers:gcp::gcp::") {
				t.Errorf("C3: %s uses provider %q", c.Name, c.Provider)
			}
			expect(t, c, "project", project)
			// The log bucket holds data: protected and retained when the
			// cluster is Retain (production); nothing else is.
			if stateful := typ == logBucketType; c.RetainOnDelete != stateful || c.Protect != stateful {
				t.Errorf("%s %s: retain %v protect %v", typ, c.Name, c.RetainOnDelete, c.Protect)
			}
		}
	}
}

// An invalid spec registers nothing (C8).
func TestRejectedObservabilityRegistersNothing(t *testing.T) {
	r, res := renderObservability(t, func(s *platform.ObservabilitySpec) { s.Cluster.Monitoring = false })
	if res.err == nil || !strings.Contains(res.err.Error(), "observability.cluster.monitoring false: managed Prometheus collection is off") {
		t.Fatalf("error %v", res.err)
	}
	for _, typ := range []string{logBucketType, sinkType, exclusionType, policyType, channelType} {
		if n := len(r.snap.OfType(typ)); n != 0 {
			t.Errorf("%d %s registered for a rejected spec", n, typ)
		}
	}
}

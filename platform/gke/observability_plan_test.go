package gke

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

const runbooks = "https://github.com/plinth-dev/plinth/blob/main/docs/operations/alerts.md"

// observabilitySpec watches the prod cluster with one rule of each
// severity and both event alerts; an on-call receiver (an e-mail and a
// webhook) takes critical alerts, a team's (two e-mails) warnings.
func observabilitySpec() platform.ObservabilitySpec {
	cluster := clusterSpec()
	cluster.Retain = true
	return platform.ObservabilitySpec{
		Name:             "prod",
		Cluster:          cluster,
		Outputs:          &platform.ClusterOutputs{ID: pulumi.String("projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster").ToStringOutput()},
		LogRetentionDays: 90,
		Rules: []platform.AlertRule{
			{
				Name: "NodeNotReady", Expr: gkefacts.Facts.Nodes.NotReady,
				For: 15 * time.Minute, Severity: platform.SeverityCritical,
				Summary: "Node {{ $labels.node }} has not been Ready for 15 minutes", Runbook: runbooks + "#nodenotready",
			},
			{
				Name: "PersistentVolumeFilling", Expr: `kubelet_volume_stats_available_bytes{{cluster}} / kubelet_volume_stats_capacity_bytes{{cluster}} < 0.1`,
				For: 15 * time.Minute, Severity: platform.SeverityWarning,
				Summary: "Volume {{$labels.namespace}}/{{ $labels.persistentvolumeclaim }} has less than 10% free space", Runbook: runbooks + "#persistentvolumefilling",
			},
		},
		Events: []platform.EventAlert{
			{Name: "ClusterUpgrade", Event: platform.EventUpgrade, Severity: platform.SeverityWarning, Summary: "An upgrade of the cluster is available or scheduled by the cloud", Runbook: runbooks + "#clusterupgrade"},
			{Name: "ManagedBackupFailed", Event: platform.EventManagedBackupFailed, Severity: platform.SeverityCritical, Summary: "A run of the cloud's managed backup failed", Runbook: runbooks + "#managedbackupfailed"},
		},
		Receivers: []platform.Receiver{
			{Name: "oncall", Emails: []string{"oncall@acme.example"}, Webhooks: []string{"https://events.pagerduty.com/integration/k3y/enqueue"}, Severities: []platform.Severity{platform.SeverityCritical}},
			{Name: "team", Emails: []string{"platform@acme.example", "sre@acme.example"}, Severities: []platform.Severity{platform.SeverityWarning}},
		},
		Tags: platform.Tags{"environment": "prod"},
	}
}

func TestPlanObservability(t *testing.T) {
	labels := map[string]string{"environment": "prod"}
	clusterLogs := `resource.labels.cluster_name="prod-cluster"`
	p := planObservability(testConfig, observabilitySpec())

	if p.MetricsStore != "projects/acme-platform-prod" {
		t.Errorf("metrics store %q", p.MetricsStore)
	}
	wantBucket := logBucketPlan{
		Name: "prod-logs", Location: "europe-west1", RetentionDays: 90, Retain: true,
		Description: "Plinth prod: the logs of cluster prod-cluster, kept 90 days.",
	}
	if p.Bucket != wantBucket {
		t.Errorf("bucket:\n%+v\nwant\n%+v", p.Bucket, wantBucket)
	}
	// The sink and the exclusion select the same entries: stored once, in
	// the bucket.
	if p.Sink.Name != "prod-cluster-logs" || p.Sink.Filter != clusterLogs {
		t.Errorf("sink %+v", p.Sink)
	}
	if p.Exclusion.Name != "prod-cluster-logs" || p.Exclusion.Filter != p.Sink.Filter {
		t.Errorf("exclusion %+v, want the sink's filter %q", p.Exclusion, p.Sink.Filter)
	}

	wantChannels := []channelPlan{
		{Name: "prod-oncall-email-1", Receiver: "oncall", DisplayName: "prod-oncall-email-1", Description: "Plinth prod: receiver oncall, e-mail.",
			Type: "email", Labels: map[string]string{"email_address": "oncall@acme.example"}, UserLabels: labels},
		{Name: "prod-oncall-webhook-1", Receiver: "oncall", DisplayName: "prod-oncall-webhook-1", Description: "Plinth prod: receiver oncall, webhook.",
			Type: "webhook_tokenauth", Labels: map[string]string{"url": "https://events.pagerduty.com/integration/k3y/enqueue"}, Secret: true, UserLabels: labels},
		{Name: "prod-team-email-1", Receiver: "team", DisplayName: "prod-team-email-1", Description: "Plinth prod: receiver team, e-mail.",
			Type: "email", Labels: map[string]string{"email_address": "platform@acme.example"}, UserLabels: labels},
		{Name: "prod-team-email-2", Receiver: "team", DisplayName: "prod-team-email-2", Description: "Plinth prod: receiver team, e-mail.",
			Type: "email", Labels: map[string]string{"email_address": "sre@acme.example"}, UserLabels: labels},
	}
	if !reflect.DeepEqual(p.Channels, wantChannels) {
		t.Errorf("channels:\n%+v\nwant\n%+v", p.Channels, wantChannels)
	}
	wantReceivers := map[string][]string{
		"oncall": {"prod-oncall-email-1", "prod-oncall-webhook-1"},
		"team":   {"prod-team-email-1", "prod-team-email-2"},
	}
	if !reflect.DeepEqual(p.Receivers, wantReceivers) {
		t.Errorf("receivers %v, want %v", p.Receivers, wantReceivers)
	}

	oncall, team := wantReceivers["oncall"], wantReceivers["team"]
	for _, tt := range []struct {
		name, alert, severity string
		channels              []string
		subject, runbook      string
		promQL                *promQLPlan
		logMatch              *logMatchPlan
	}{
		{
			name: "prod-NodeNotReady", alert: "NodeNotReady", severity: "CRITICAL", channels: oncall,
			subject: "Node ${metric.label.node} has not been Ready for 15 minutes", runbook: runbooks + "#nodenotready",
			promQL: &promQLPlan{
				Query:    `label_replace(kubernetes_io:node_status_condition{monitored_resource="k8s_node",condition="Ready",status!="True",cluster_name="prod-cluster"}, "node", "$1", "node_name", "(.*)") > 0`,
				Duration: "900s", RuleGroup: "prod", AlertRule: "NodeNotReady",
			},
		},
		{
			name: "prod-PersistentVolumeFilling", alert: "PersistentVolumeFilling", severity: "WARNING", channels: team,
			subject: "Volume ${metric.label.namespace}/${metric.label.persistentvolumeclaim} has less than 10% free space", runbook: runbooks + "#persistentvolumefilling",
			promQL: &promQLPlan{
				Query:    `kubelet_volume_stats_available_bytes{cluster="prod-cluster"} / kubelet_volume_stats_capacity_bytes{cluster="prod-cluster"} < 0.1`,
				Duration: "900s", RuleGroup: "prod", AlertRule: "PersistentVolumeFilling",
			},
		},
		{
			name: "prod-ClusterUpgrade", alert: "ClusterUpgrade", severity: "WARNING", channels: team,
			subject: "An upgrade of the cluster is available or scheduled by the cloud", runbook: runbooks + "#clusterupgrade",
			logMatch: &logMatchPlan{
				Filter: `resource.type="gke_cluster"` + "\n" +
					`resource.labels.cluster_name="prod-cluster"` + "\n" +
					`log_id("container.googleapis.com/notifications")` + "\n" +
					`jsonPayload."@type"=~"\\.(UpgradeAvailableEvent|UpgradeEvent|UpgradeInfoEvent|SecurityBulletinEvent)$"`,
				LabelExtractors: map[string]string{"event": `REGEXP_EXTRACT(jsonPayload."@type", "\\.(\\w+)$")`},
				RateLimit:       "3600s",
			},
		},
		{
			name: "prod-ManagedBackupFailed", alert: "ManagedBackupFailed", severity: "CRITICAL", channels: oncall,
			subject: "A run of the cloud's managed backup failed", runbook: runbooks + "#managedbackupfailed",
			logMatch: &logMatchPlan{
				Filter: `resource.type="gkebackup.googleapis.com/BackupPlan"` + "\n" +
					`resource.labels.location="europe-west1"` + "\n" +
					`severity>=ERROR`,
				LabelExtractors: map[string]string{"backup_plan": "EXTRACT(resource.labels.backup_plan_id)"},
				RateLimit:       "3600s",
			},
		},
	} {
		i := len(p.Policies)
		for j, pp := range p.Policies {
			if pp.Name == tt.name {
				i = j
			}
		}
		if i == len(p.Policies) {
			t.Errorf("no policy %s", tt.name)
			continue
		}
		got := p.Policies[i]
		if got.Alert != tt.alert || got.Severity != tt.severity || !reflect.DeepEqual(got.Channels, tt.channels) ||
			got.Subject != tt.subject || got.Runbook != tt.runbook || !reflect.DeepEqual(got.UserLabels, labels) {
			t.Errorf("%s: alert %q severity %q channels %v subject %q runbook %q labels %v", tt.name, got.Alert, got.Severity, got.Channels, got.Subject, got.Runbook, got.UserLabels)
		}
		if !reflect.DeepEqual(got.PromQL, tt.promQL) || !reflect.DeepEqual(got.LogMatch, tt.logMatch) {
			t.Errorf("%s: condition\n%+v %+v\nwant\n%+v %+v", tt.name, got.PromQL, got.LogMatch, tt.promQL, tt.logMatch)
		}
		if !strings.HasPrefix(got.Content, tt.subject+"\n\n") || !strings.Contains(got.Content, "Runbook: "+tt.runbook) {
			t.Errorf("%s: documentation %q lacks the summary or the runbook", tt.name, got.Content)
		}
	}
	if len(p.Policies) != 4 {
		t.Errorf("%d policies, want one per rule and event alert", len(p.Policies))
	}
}

// A receiver taking both severities hears of every alert; an alert no
// receiver takes notifies no channel, and is still created.
func TestPlanObservabilityRouting(t *testing.T) {
	s := observabilitySpec()
	s.Receivers = []platform.Receiver{{Name: "all", Emails: []string{"all@acme.example"}, Severities: platform.Severities}}
	for _, pp := range planObservability(testConfig, s).Policies {
		if !reflect.DeepEqual(pp.Channels, []string{"prod-all-email-1"}) {
			t.Errorf("%s notifies %v", pp.Name, pp.Channels)
		}
	}
	s.Receivers = []platform.Receiver{{Name: "pager", Emails: []string{"pager@acme.example"}, Severities: []platform.Severity{platform.SeverityCritical}}}
	for _, pp := range planObservability(testConfig, s).Policies {
		if critical := pp.Severity == "CRITICAL"; critical != (len(pp.Channels) == 1) {
			t.Errorf("%s (%s) notifies %v", pp.Name, pp.Severity, pp.Channels)
		}
	}
	s.Receivers = nil
	if p := planObservability(testConfig, s); len(p.Channels) != 0 || len(p.Policies) != 4 {
		t.Errorf("without receivers: %d channels, %d policies", len(p.Channels), len(p.Policies))
	}
}

// The log bucket stays in the cloud only with the cluster.
func TestPlanObservabilityRetain(t *testing.T) {
	s := observabilitySpec()
	s.Cluster.Retain = false
	if planObservability(testConfig, s).Bucket.Retain {
		t.Error("the log bucket of a cluster that is not retained is retained")
	}
}

// The PromQL condition selects the cluster by its cloud name, the one
// NewCluster gives it: as cluster_name in GKE's system metrics (the node
// alert), as cluster in managed Prometheus's series (the volume alert).
func TestObservabilitySelectsTheClusterNewClusterNames(t *testing.T) {
	s := observabilitySpec()
	s.Cluster.Name = "staging"
	want := planCluster(testConfig, s.Cluster).Name
	policies := planObservability(testConfig, s).Policies
	for i, matcher := range []string{`cluster_name="` + want + `"`, `cluster="` + want + `"`} {
		q := policies[i].PromQL.Query
		if !strings.Contains(q, matcher) || strings.Contains(q, platform.ClusterSelector) || strings.Contains(q, platform.SystemClusterSelector) {
			t.Errorf("%s: query %q does not select cluster %q with %s", policies[i].Alert, q, want, matcher)
		}
	}
}

// GKE's node alerts read its system metrics, which carry cluster_name and
// node_name (managed Prometheus's kube state metrics packages have no
// kube_node_* series): the queries GKE evaluates for a node not Ready and
// for the apps pool at its maximum of 30 nodes.
func TestNodeAlertsReadGKESystemMetrics(t *testing.T) {
	s := observabilitySpec()
	facts := gkefacts.Facts
	s.Rules = []platform.AlertRule{s.Rules[0], s.Rules[0]}
	s.Rules[1].Name = "NodePoolAtMaximumApps"
	s.Rules[1].Expr = facts.Nodes.Count(facts.NodePoolNodes(s.Cluster.Name, "apps")) + " >= 30"
	policies := planObservability(testConfig, s).Policies
	for i, want := range []string{
		`label_replace(kubernetes_io:node_status_condition{monitored_resource="k8s_node",condition="Ready",status!="True",cluster_name="prod-cluster"}, "node", "$1", "node_name", "(.*)") > 0`,
		`count(kubernetes_io:node_cpu_allocatable_cores{monitored_resource="k8s_node",node_name=~"gke-.*-apps-[0-9a-f]{8}-.*",cluster_name="prod-cluster"}) >= 30`,
	} {
		if got := policies[i].PromQL.Query; got != want {
			t.Errorf("%s:\n  %s\nwant\n  %s", policies[i].Alert, got, want)
		}
	}
}

func TestSummaryVariables(t *testing.T) {
	for in, want := range map[string]string{
		"Node {{ $labels.node }} is down":           "Node ${metric.label.node} is down",
		"{{$labels.namespace}}/{{ $labels.pod }}":   "${metric.label.namespace}/${metric.label.pod}",
		"The API server answers 5% with an error":   "The API server answers 5% with an error",
		"Value {{ $value }} and {{ .Labels.node }}": "Value {{ $value }} and {{ .Labels.node }}",
	} {
		if got := summaryVariables(in); got != want {
			t.Errorf("summaryVariables(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateObservabilitySpec(t *testing.T) {
	if err := validateObservabilitySpec(observabilitySpec(), "observability"); err != nil {
		t.Fatalf("valid spec rejected: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(s *platform.ObservabilitySpec)
		want   string
	}{
		{"monitoring off", func(s *platform.ObservabilitySpec) { s.Cluster.Monitoring = false },
			"observability.cluster.monitoring false: managed Prometheus collection is off on cluster prod-cluster, so no alert rule would ever have data; turn the cluster's monitoring on"},
		{"retention too long", func(s *platform.ObservabilitySpec) { s.LogRetentionDays = 3651 },
			"observability.logRetentionDays 3651: a Cloud Logging bucket keeps logs at most 3650 days"},
		// The shared rules come first (platform.ObservabilitySpec.Validate).
		{"no outputs", func(s *platform.ObservabilitySpec) { s.Outputs = nil }, "observability.outputs: required"},
		{"bad severity", func(s *platform.ObservabilitySpec) { s.Rules[0].Severity = "page" }, `observability.rules[0].severity "page"`},
	}
	for _, tt := range tests {
		s := observabilitySpec()
		tt.mutate(&s)
		if err := validateObservabilitySpec(s, "observability"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

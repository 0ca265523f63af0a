package gke

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Cloud Logging and Cloud Monitoring settings of NewObservability.
const (
	// maxLogRetentionDays is the longest retention a log bucket takes.
	maxLogRetentionDays = 3650
	// logMatchRateLimit is the notificationRateLimit of a log-match alert
	// policy, which Cloud Monitoring requires of one: at most one
	// notification an hour while its incident stays open.
	logMatchRateLimit = time.Hour
	// upgradeNotifications is the log GKE writes its cluster notifications
	// to (docs: GKE cluster notifications, viewing them in Cloud Logging).
	upgradeNotifications = "container.googleapis.com/notifications"
	// backupPlanResource is the monitored resource type of Backup for GKE's
	// platform logs about a backup plan and its backups.
	backupPlanResource = "gkebackup.googleapis.com/BackupPlan"
)

// upgradeEvents are the cluster notifications EventUpgrade alerts on, by
// the last element of their payload's @type
// ("type.googleapis.com/google.container.v1beta1.UpgradeAvailableEvent"):
// a new version is available, an upgrade (automatic or not) starts, an
// upgrade is scheduled or the minor version nears its end of support, and
// a security bulletin concerns the cluster.
var upgradeEvents = []string{"UpgradeAvailableEvent", "UpgradeEvent", "UpgradeInfoEvent", "SecurityBulletinEvent"}

// policySeverity maps a Plinth severity to an alert policy's severity.
var policySeverity = map[platform.Severity]string{
	platform.SeverityCritical: "CRITICAL",
	platform.SeverityWarning:  "WARNING",
}

// labelTemplate is a Prometheus template of one label in an alert's
// summary, "{{ $labels.node }}".
var labelTemplate = regexp.MustCompile(`\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// observabilityPlan is the cloud-side shape of an ObservabilitySpec on
// GCP, computed without Pulumi so that it can be table-tested.
type observabilityPlan struct {
	// MetricsStore is "projects/<project>": Managed Service for Prometheus
	// writes the cluster's metrics to the project's Cloud Monitoring, which
	// holds every cluster of the project.
	MetricsStore string
	Bucket       logBucketPlan
	Sink         logSinkPlan
	Exclusion    logExclusionPlan
	Channels     []channelPlan
	// Receivers maps each receiver's name to the names of its channels.
	Receivers map[string][]string
	Policies  []policyPlan
}

// logBucketPlan is the environment's log bucket
// (logging.ProjectBucketConfig).
type logBucketPlan struct {
	// Name is the Pulumi name and the bucket's ID; Location the region.
	Name, Location, Description string
	RetentionDays               int
	// Retain is pulumi.RetainOnDelete: the bucket holds the logs, and
	// stays in the cloud with the cluster (ClusterSpec.Retain).
	Retain bool
}

// logSinkPlan is the sink that routes the cluster's logs to the bucket
// (logging.ProjectSink); its destination is the bucket.
type logSinkPlan struct {
	// Name is the Pulumi name and the sink's name.
	Name, Description, Filter string
}

// logExclusionPlan keeps the cluster's logs out of the _Default bucket
// (logging.ProjectExclusion: an exclusion on the _Default sink).
type logExclusionPlan struct {
	Name, Description, Filter string
}

// channelPlan is one notification channel (monitoring.NotificationChannel):
// one e-mail address or webhook of a receiver.
type channelPlan struct {
	// Name is the Pulumi name; Receiver the receiver it belongs to.
	Name, Receiver, DisplayName, Description string
	// Type is "email" or "webhook_tokenauth"; Labels its configuration
	// (email_address, url).
	Type   string
	Labels map[string]string
	// Secret marks Labels secret: a webhook's URL often holds its token.
	Secret     bool
	UserLabels map[string]string
}

// policyPlan is one alert policy (monitoring.AlertPolicy) of one condition:
// a PromQL rule or a log match.
type policyPlan struct {
	// Name is the Pulumi name and the display name.
	Name string
	// Alert is the rule's or event alert's name; Severity the policy's.
	Alert, Severity string
	// Channels are the names of the channels it notifies.
	Channels []string
	// Subject, Content and Runbook are its documentation: the subject line,
	// the markdown body and the link named "Runbook".
	Subject, Content, Runbook string
	PromQL                    *promQLPlan
	LogMatch                  *logMatchPlan
	UserLabels                map[string]string
}

// promQLPlan is a conditionPrometheusQueryLanguage.
type promQLPlan struct {
	// Query is the rule's expression with the cluster's matcher; Duration
	// its For in seconds ("900s"); RuleGroup and AlertRule name the rule as
	// a Prometheus rule file would.
	Query, Duration, RuleGroup, AlertRule string
}

// logMatchPlan is a conditionMatchedLog with the notificationRateLimit a
// log-match policy needs.
type logMatchPlan struct {
	Filter          string
	LabelExtractors map[string]string
	RateLimit       string
}

// clusterCloudName is the name NewCluster gives the cluster in GCP.
func clusterCloudName(spec platform.ClusterSpec) string {
	return platform.ChildName(spec.Name, "cluster")
}

// planObservability maps a validated ObservabilitySpec to GCP resources:
//
//   - the metrics store is the project's Cloud Monitoring, where the
//     cluster's managed Prometheus collection already writes
//     (planCluster's monitoring components); nothing is created for it;
//   - a log bucket "<name>-logs" in the backend's region (the logs stay in
//     the cluster's region) keeping logs LogRetentionDays, never locked (a
//     lock is irreversible and forbids shortening the retention), retained
//     in the cloud (pulumi.RetainOnDelete) when the cluster is
//     (spec.Cluster.Retain, as production clusters are);
//   - a sink "<name>-cluster-logs" routing every log entry of the cluster
//     (resource.labels.cluster_name) to it, and an exclusion of the same
//     entries from the _Default sink, so that they are stored, and
//     charged, once: in the bucket with the retention asked for, not also
//     30 days in _Default. The _Required bucket (admin activity audit
//     logs, 400 days) cannot exclude anything and keeps its copy;
//   - one notification channel per e-mail address ("email") and per
//     webhook ("webhook_tokenauth", its URL a secret), named
//     "<name>-<receiver>-email-<n>" and "<name>-<receiver>-webhook-<n>";
//   - one alert policy "<name>-<alert>" per rule, on a PromQL condition whose
//     query selects the cluster (the project's metrics holding every
//     cluster of the project): cluster="<cluster>" in managed Prometheus's
//     series, cluster_name="<cluster>" in GKE's system metrics (the node
//     alerts' kubernetes_io:node_*), and per event alert, on a log
//     match (upgradeFilter, backupFailedFilter), each notifying the channels
//     of the receivers that take its severity.
func planObservability(cfg Config, spec platform.ObservabilitySpec) observabilityPlan {
	cluster := clusterCloudName(spec.Cluster)
	labels := spec.Tags.Merge()
	clusterLogs := fmt.Sprintf(`resource.labels.cluster_name=%q`, cluster)
	p := observabilityPlan{
		MetricsStore: "projects/" + cfg.Project,
		Bucket: logBucketPlan{
			Name:          platform.ChildName(spec.Name, "logs"),
			Location:      cfg.Region,
			Description:   fmt.Sprintf("Plinth %s: the logs of cluster %s, kept %d days.", spec.Name, cluster, spec.LogRetentionDays),
			RetentionDays: spec.LogRetentionDays,
			Retain:        spec.Cluster.Retain,
		},
		Sink: logSinkPlan{
			Name:        platform.ChildName(spec.Name, "cluster-logs"),
			Description: fmt.Sprintf("Plinth %s: every log entry of cluster %s, to log bucket %s.", spec.Name, cluster, platform.ChildName(spec.Name, "logs")),
			Filter:      clusterLogs,
		},
		Exclusion: logExclusionPlan{
			Name:        platform.ChildName(spec.Name, "cluster-logs"),
			Description: fmt.Sprintf("Plinth %s: the logs of cluster %s are stored in log bucket %s, not also in _Default.", spec.Name, cluster, platform.ChildName(spec.Name, "logs")),
			Filter:      clusterLogs,
		},
		Receivers: map[string][]string{},
	}
	for _, r := range spec.Receivers {
		add := func(kind string, i int, c channelPlan) {
			c.Name = platform.ChildName(spec.Name, fmt.Sprintf("%s-%s-%d", r.Name, kind, i+1))
			c.Receiver, c.UserLabels = r.Name, labels
			c.DisplayName = c.Name
			p.Channels = append(p.Channels, c)
			p.Receivers[r.Name] = append(p.Receivers[r.Name], c.Name)
		}
		for i, e := range r.Emails {
			add("email", i, channelPlan{
				Type: "email", Labels: map[string]string{"email_address": e},
				Description: fmt.Sprintf("Plinth %s: receiver %s, e-mail.", spec.Name, r.Name),
			})
		}
		for i, w := range r.Webhooks {
			add("webhook", i, channelPlan{
				Type: "webhook_tokenauth", Labels: map[string]string{"url": w}, Secret: true,
				Description: fmt.Sprintf("Plinth %s: receiver %s, webhook.", spec.Name, r.Name),
			})
		}
	}
	policy := func(name string, sev platform.Severity, summary, runbook string) policyPlan {
		pp := policyPlan{
			Name: platform.ChildName(spec.Name, name), Alert: name, Severity: policySeverity[sev],
			Subject: summaryVariables(summary), Runbook: runbook, UserLabels: labels,
			Content: fmt.Sprintf("%s\n\nAlert %s of Plinth environment %s, cluster %s (severity %s).\n\nRunbook: %s\n",
				summaryVariables(summary), name, spec.Name, cluster, sev, runbook),
		}
		for _, r := range spec.Receivers {
			if r.Takes(sev) {
				pp.Channels = append(pp.Channels, p.Receivers[r.Name]...)
			}
		}
		return pp
	}
	for _, r := range spec.Rules {
		pp := policy(r.Name, r.Severity, r.Summary, r.Runbook)
		pp.PromQL = &promQLPlan{
			Query:     platform.ClusterMatcher(r.Expr, fmt.Sprintf("cluster=%q", cluster), fmt.Sprintf("cluster_name=%q", cluster)),
			Duration:  seconds(r.For),
			RuleGroup: spec.Name,
			AlertRule: r.Name,
		}
		p.Policies = append(p.Policies, pp)
	}
	for _, e := range spec.Events {
		pp := policy(e.Name, e.Severity, e.Summary, e.Runbook)
		switch e.Event {
		case platform.EventUpgrade:
			pp.LogMatch = &logMatchPlan{
				Filter:          upgradeFilter(cluster),
				LabelExtractors: map[string]string{"event": `REGEXP_EXTRACT(jsonPayload."@type", "\\.(\\w+)$")`},
			}
		case platform.EventManagedBackupFailed:
			pp.LogMatch = &logMatchPlan{
				Filter:          backupFailedFilter(cfg.Region),
				LabelExtractors: map[string]string{"backup_plan": "EXTRACT(resource.labels.backup_plan_id)"},
			}
		}
		pp.LogMatch.RateLimit = seconds(logMatchRateLimit)
		p.Policies = append(p.Policies, pp)
	}
	return p
}

// upgradeFilter matches GKE's cluster notifications about cluster: the
// gke_cluster entries of the notifications log whose payload is one of
// upgradeEvents.
func upgradeFilter(cluster string) string {
	return strings.Join([]string{
		`resource.type="gke_cluster"`,
		fmt.Sprintf("resource.labels.cluster_name=%q", cluster),
		fmt.Sprintf("log_id(%q)", upgradeNotifications),
		fmt.Sprintf(`jsonPayload."@type"=~"\\.(%s)$"`, strings.Join(upgradeEvents, "|")),
	}, "\n")
}

// backupFailedFilter matches Backup for GKE's errors about the backup
// plans in region: a failed backup is logged at ERROR against its plan.
// Every plan of the project in the region: the project holds one
// environment (docs/adr/0004-gcp-environment-isolation.md), and the
// observability spec does not name the plans.
func backupFailedFilter(region string) string {
	return strings.Join([]string{
		fmt.Sprintf("resource.type=%q", backupPlanResource),
		fmt.Sprintf("resource.labels.location=%q", region),
		"severity>=ERROR",
	}, "\n")
}

// summaryVariables rewrites the Prometheus label templates of a summary
// ("{{ $labels.node }}") as Cloud Monitoring's documentation variables
// ("${metric.label.node}"), which a PromQL condition fills from the labels
// of the series that fired.
func summaryVariables(s string) string {
	return labelTemplate.ReplaceAllString(s, `$${metric.label.$1}`)
}

// validateObservabilitySpec checks spec like every backend
// (platform.ObservabilitySpec.Validate), then what GCP needs beyond it:
// the cluster's managed Prometheus collection on (without it no rule has
// data, and every alert stays silent) and a retention a log bucket takes.
// Problems come back together under path.
func validateObservabilitySpec(spec platform.ObservabilitySpec, path field.Path) error {
	errs := spec.Validate(path)
	if !spec.Cluster.Monitoring {
		errs.Addf(path.Child("cluster").Child("monitoring"), false, "managed Prometheus collection is off on cluster %s, so no alert rule would ever have data; turn the cluster's monitoring on", clusterCloudName(spec.Cluster))
	}
	if spec.LogRetentionDays > maxLogRetentionDays {
		errs.Addf(path.Child("logRetentionDays"), spec.LogRetentionDays, "a Cloud Logging bucket keeps logs at most %d days", maxLogRetentionDays)
	}
	return errs.Err()
}

package observability

import (
	"fmt"
	"time"

	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/internal/cron"
	"github.com/plinth-dev/plinth/platform"
)

// The baseline alerts, by name: each has a section of that name in the
// runbooks (docs/operations/alerts.md).
const (
	AlertNodeNotReady          = "NodeNotReady"
	AlertPodCrashLooping       = "PodCrashLooping"
	AlertVolumeFilling         = "PersistentVolumeFilling"
	AlertAPIServerErrors       = "APIServerErrors"
	AlertAPIServerLatency      = "APIServerLatency"
	AlertCertificateExpiring   = "CertificateExpiring"
	AlertCertificateNotReady   = "CertificateNotReady"
	AlertBackupFailed          = "BackupFailed"
	AlertBackupMissing         = "BackupMissing"
	AlertManagedBackupFailed   = "ManagedBackupFailed"
	AlertIngressErrors         = "IngressErrors"
	AlertNodePoolAtMaximum     = "NodePoolAtMaximum"
	AlertClusterUpgrade        = "ClusterUpgrade"
	AlertMeshControlPlaneDown  = "MeshControlPlaneDown"
	AlertMeshIssuerExpiring    = "MeshIdentityIssuerExpiring"
	AlertMeshAnchorExpiring    = "MeshTrustAnchorExpiring"
	selectCluster              = platform.ClusterSelector
	critical, warning          = platform.SeverityCritical, platform.SeverityWarning
	inAnHour, inAQuarterHour   = time.Hour, 15 * time.Minute
	inTenMinutes, inHalfAnHour = 10 * time.Minute, 30 * time.Minute
)

// Baseline returns the baseline alert set of what w watches, with the same
// meaning on every cloud, each linked to its runbook under base: a node
// not ready, pods crash-looping, a persistent volume nearly full, API
// server errors and latency, a certificate near expiry or not renewed, a
// backup failed or not run within its schedule, the ingress's 5xx ratio, a
// node pool at its autoscaler maximum (one rule a pool), and an upgrade of
// the cluster made available or forced. Rules watching a service that does
// not run are left out. The node alerts read the series the cloud really
// holds for nodes (cloud.Nodes: kube-state-metrics on AKS, GKE's system
// metrics on GKE); a cloud that describes none has no node alerts.
func Baseline(base string, cloud platform.CloudFacts, w Watched) ([]platform.AlertRule, []platform.EventAlert) {
	rule := func(name, expr string, after time.Duration, sev platform.Severity, summary string) platform.AlertRule {
		return platform.AlertRule{Name: name, Expr: expr, For: after, Severity: sev, Summary: summary, Runbook: runbook(base, name)}
	}
	var rules []platform.AlertRule
	if cloud.Nodes.NotReady != "" {
		// The cloud's query of its node series (kube-state-metrics on AKS,
		// GKE's system metrics on GKE): one series a node not Ready.
		rules = append(rules, rule(AlertNodeNotReady, cloud.Nodes.NotReady,
			inAQuarterHour, critical, "Node {{ $labels.node }} has not been Ready for 15 minutes"))
	}
	rules = append(rules,
		rule(AlertPodCrashLooping,
			`max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",`+selectCluster+`}[5m]) >= 1`,
			inAQuarterHour, warning, "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping"),
		rule(AlertVolumeFilling,
			fmt.Sprintf(`kubelet_volume_stats_available_bytes{%[1]s} / kubelet_volume_stats_capacity_bytes{%[1]s} < %[2]g`, selectCluster, VolumeFreeRatio),
			inAQuarterHour, warning, "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 10% free space"),
		rule(AlertAPIServerErrors,
			fmt.Sprintf(`sum(rate(apiserver_request_total{code=~"5..",%[1]s}[5m])) / sum(rate(apiserver_request_total{%[1]s}[5m])) > %[2]g`, selectCluster, APIServerErrorRatio),
			inTenMinutes, critical, "The API server answers more than 5% of requests with an error"),
		rule(AlertAPIServerLatency,
			fmt.Sprintf(`histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT",%s}[5m]))) > %g`, selectCluster, APIServerLatencySeconds),
			inAQuarterHour, warning, "The API server's 99th percentile latency for {{ $labels.verb }} is above 1s"),
	)
	if w.CertManager {
		rules = append(rules,
			rule(AlertCertificateExpiring,
				fmt.Sprintf(`certmanager_certificate_expiration_timestamp_seconds{%s} - time() < %d * 86400`, selectCluster, CertificateExpiryDays),
				inAnHour, warning, "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires within 14 days and has not been renewed"),
			rule(AlertCertificateNotReady,
				`certmanager_certificate_ready_status{condition="False",`+selectCluster+`} == 1`,
				inHalfAnHour, critical, "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready: issuance or renewal is failing"))
	}
	if w.Mesh {
		rules = append(rules,
			// A controller with no replica available stops new meshed
			// pods (identity, injector) or their routing (destination).
			rule(AlertMeshControlPlaneDown,
				fmt.Sprintf(`min by (deployment) (kube_deployment_status_replicas_available{namespace=%q,deployment=~"linkerd-(identity|destination|proxy-injector)",%s}) < 1`, mesh.Namespace, selectCluster),
				inTenMinutes, critical, "The mesh's {{ $labels.deployment }} has had no available replica for 10 minutes"),
			// The identity issuer lives 48h and is renewed after 23: less
			// than 12h left means cert-manager has failed to renew it, and
			// the mesh stops issuing workload certificates when it ends.
			rule(AlertMeshIssuerExpiring,
				fmt.Sprintf(`min(issuer_cert_ttl_seconds{namespace=%q,%s}) < %d`, mesh.Namespace, selectCluster, MeshIssuerMinHours*3600),
				inAQuarterHour, critical, fmt.Sprintf("The mesh's identity issuer expires within %d hours and has not been renewed", MeshIssuerMinHours)),
			// The anchor is rotated by hand, with the previous one kept,
			// before cert-manager renews it a year before it ends.
			rule(AlertMeshAnchorExpiring,
				fmt.Sprintf(`certmanager_certificate_expiration_timestamp_seconds{name=%q,%s} - time() < %d * 86400`, mesh.TrustAnchorSecret, selectCluster, MeshAnchorNoticeDays),
				inAnHour, warning, fmt.Sprintf("The mesh's trust anchor expires within %d days: rotate it now, before cert-manager renews it without the previous anchor", MeshAnchorNoticeDays)))
	}
	if len(w.BackupSchedules) > 0 {
		rules = append(rules, rule(AlertBackupFailed,
			`increase(velero_backup_failure_total{schedule!="",`+selectCluster+`}[1h]) > 0`,
			time.Minute, critical, "A backup of schedule {{ $labels.schedule }} failed"))
		for _, s := range w.BackupSchedules {
			rules = append(rules, backupMissing(base, s))
		}
	}
	if w.IngressRequests != "" {
		rules = append(rules, rule(AlertIngressErrors,
			fmt.Sprintf(`sum(rate(%[1]s{%[2]s=~"5..",%[3]s}[5m])) / sum(rate(%[1]s{%[3]s}[5m])) > %[4]g`, w.IngressRequests, w.IngressCodeLabel, selectCluster, IngressErrorRatio),
			inTenMinutes, critical, "The ingress answers more than 5% of requests with a server error"))
	}
	if cloud.NodePoolNodes != nil && cloud.Nodes.Count != nil {
		for _, p := range w.Cluster.Pools {
			r := rule(AlertNodePoolAtMaximum,
				fmt.Sprintf(`%s >= %d`, cloud.Nodes.Count(cloud.NodePoolNodes(w.Cluster.Name, p.Name)), p.MaxCount),
				inHalfAnHour, warning, fmt.Sprintf("Node pool %s has run at its autoscaler maximum of %d nodes for 30 minutes", p.Name, p.MaxCount))
			r.Name += poolSuffix(p.Name)
			rules = append(rules, r)
		}
	}
	events := []platform.EventAlert{{
		Name: AlertClusterUpgrade, Event: platform.EventUpgrade, Severity: warning,
		Summary: "An upgrade of the cluster is available or scheduled by the cloud", Runbook: runbook(base, AlertClusterUpgrade),
	}}
	if w.ManagedBackup {
		events = append(events, platform.EventAlert{
			Name: AlertManagedBackupFailed, Event: platform.EventManagedBackupFailed, Severity: critical,
			Summary: "A run of the cloud's managed backup failed", Runbook: runbook(base, AlertManagedBackupFailed),
		})
	}
	return rules, events
}

// backupMissing alerts when schedule s has not completed a backup within
// its longest gap between runs and BackupGrace.
func backupMissing(base string, s platform.BackupSchedule) platform.AlertRule {
	gap := 24 * time.Hour
	if c, err := cron.Parse(s.Cron); err == nil && c.LongestGap() > 0 {
		gap = c.LongestGap()
	}
	due := gap + BackupGrace
	return platform.AlertRule{
		Name: AlertBackupMissing + poolSuffix(s.Name),
		Expr: fmt.Sprintf(`time() - velero_backup_last_successful_timestamp{schedule=%q,%s} > %d`,
			s.Name, selectCluster, int(due/time.Second)),
		For:      inAQuarterHour,
		Severity: critical,
		Summary:  fmt.Sprintf("Schedule %s has completed no backup for %s", s.Name, due),
		Runbook:  runbook(base, AlertBackupMissing),
	}
}

// poolSuffix writes a name as the suffix of an alert name: "apps" → "Apps",
// "daily-full" → "DailyFull".
func poolSuffix(name string) string {
	out := make([]byte, 0, len(name))
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-' || c == '_':
			upper = true
			continue
		case upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		upper = false
		out = append(out, c)
	}
	return string(out)
}

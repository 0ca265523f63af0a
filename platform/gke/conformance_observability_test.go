package gke_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// TestObservabilityConformance runs the observability suite: the metrics
// store is the project's (no type), each receiver is its notification
// channels (one per address and webhook; NewObservability returns their
// IDs comma-separated), and the rules select the cluster by name, the
// project's metrics holding every cluster of the project.
func TestObservabilityConformance(t *testing.T) {
	platformtest.ObservabilityConformance(t, func(ctx *pulumi.Context) (platformtest.ObservabilityTestBackend, error) {
		return newBackend(ctx)
	}, platformtest.ObservabilityExpectations{
		ReceiverType:         channelType,
		Receiver:             readChannel,
		Alerts:               readPolicy,
		Targets:              func(_, id string) []string { return strings.Split(id, ",") },
		ClusterMatcher:       `cluster="{clusterName}"`,
		SystemClusterMatcher: `cluster_name="{clusterName}"`,
		TagsProperty:         gke.TagsProperty,
	})
}

// channelName is "<name>-<receiver>-<email|webhook>-<n>".
var channelName = regexp.MustCompile(`^` + platformtest.ObservabilityName + `-(.+)-(email|webhook)-[0-9]+$`)

// readChannel reads a notification channel as the part of its receiver
// it is: one e-mail address, or one webhook (its labels secret).
func readChannel(t testing.TB, r *platformtest.Resource) platformtest.ObservabilityReceiver {
	m := channelName.FindStringSubmatch(r.Name)
	if m == nil {
		t.Errorf("notification channel %s is not named <name>-<receiver>-<email|webhook>-<n>", r.Name)
		return platformtest.ObservabilityReceiver{}
	}
	out := platformtest.ObservabilityReceiver{Name: m[1]}
	switch m[2] {
	case "email":
		out.Emails = []string{platformtest.Input(t, r, "labels.email_address").(string)}
	default:
		out.Webhooks = []any{platformtest.Input(t, r, "labels")}
	}
	return out
}

// policySeverities maps an alert policy's severity back to Plinth's.
var policySeverities = map[string]platform.Severity{"CRITICAL": platform.SeverityCritical, "WARNING": platform.SeverityWarning}

// documentationVariable is a label variable of an alert's documentation,
// which NewObservability writes for a summary's {{ $labels.<name> }}.
var documentationVariable = regexp.MustCompile(`\$\{metric\.label\.([A-Za-z0-9_]+)\}`)

// readPolicy reads an alert policy back into the spec's terms: its one
// condition's name, its severity, the PromQL and its duration or the event
// its log filter matches, the documentation's subject (with the label
// variables written back as templates) and runbook link, and the channels
// it notifies.
func readPolicy(t testing.TB, r *platformtest.Resource) []platformtest.ObservabilityAlert {
	if r.Type != policyType {
		return nil
	}
	a := platformtest.ObservabilityAlert{
		Name:     platformtest.Input(t, r, "conditions.0.displayName").(string),
		Severity: policySeverities[platformtest.Input(t, r, "severity").(string)],
		Summary:  documentationVariable.ReplaceAllString(platformtest.Input(t, r, "documentation.subject").(string), "{{ $$labels.$1 }}"),
		Runbook:  platformtest.Input(t, r, "documentation.links.0.url").(string),
	}
	if q, ok := r.Input("conditions.0.conditionPrometheusQueryLanguage.query"); ok {
		a.Expr = q.(string)
		d, err := time.ParseDuration(platformtest.Input(t, r, "conditions.0.conditionPrometheusQueryLanguage.duration").(string))
		if err != nil {
			t.Errorf("%s: duration: %v", r.Name, err)
		}
		a.For = d
	} else {
		filter := platformtest.Input(t, r, "conditions.0.conditionMatchedLog.filter").(string)
		switch {
		case strings.Contains(filter, `resource.type="gke_cluster"`):
			a.Event = platform.EventUpgrade
		case strings.Contains(filter, `resource.type="gkebackup.googleapis.com/BackupPlan"`):
			a.Event = platform.EventManagedBackupFailed
		default:
			t.Errorf("%s: log filter %q matches no event", r.Name, filter)
		}
	}
	if ids, ok := r.Input("notificationChannels"); ok {
		for _, id := range ids.([]any) {
			a.Targets = append(a.Targets, id.(string))
		}
	}
	return []platformtest.ObservabilityAlert{a}
}

package check

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// The fixtures of PLN013 break production's routing of its alerts.
func init() { fixtures = append(fixtures, alertFixtures...) }

// alertFixtures break production's routing of its alerts.
var alertFixtures = []fixture{
	{
		name: "PLN013 GKE critical alert without a channel", stack: "prod-gke",
		want: []string{
			"PLN013 error prod-gke-NodeNotReady | AlertPolicy prod-gke-NodeNotReady: notificationChannels: a critical alert routed to no receiver: nobody hears of it; give the environment's observability a receiver with severities [critical]",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-NodeNotReady"), "notificationChannels", []any{})
		},
	},
	{
		name: "PLN013 AKS critical rule without an action group", stack: "prod-aks",
		want: []string{
			"PLN013 error prod-aks-alerts | PrometheusRuleGroup prod-aks-alerts: rules[0].actions: a critical alert routed to no receiver: nobody hears of it; give the environment's observability a receiver with severities [critical] (NodeNotReady)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-alerts"), "rules.0.actions", []any{})
		},
	},
	{
		name: "PLN013 a warning may go nowhere", stack: "prod-gke",
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-PodCrashLooping"), "notificationChannels", []any{})
		},
	},
}

func TestProductionWithoutAlertsIsAFinding(t *testing.T) {
	tg := target(t, "prod-gke")
	if alertsOf(tg.Snapshot) == 0 {
		t.Fatal("the committed prod-gke snapshot has no alerts")
	}
	var kept []snapshot.Resource
	for _, r := range tg.Snapshot.Resources {
		if !gcpAlertPolicy.is(r.Type) {
			kept = append(kept, r)
		}
	}
	tg.Snapshot.Resources = kept
	got := lines(Run(tg))
	want := "PLN013 error - | the production cluster has no alerts: nothing watches it; create the environment's Observability component (environment.Environment.Observability) with a receiver of critical alerts"
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings = %q\nwant %q", got, want)
	}
}

// A rule group of recording rules only (Azure's recommended ones) holds
// no alert: a production AKS stack whose groups record and never alert
// has no alerts.
func TestRecordingRulesAreNoAlerts(t *testing.T) {
	tg := target(t, "prod-aks")
	groups := 0
	for i, r := range tg.Snapshot.Resources {
		if aksRuleGroup.is(r.Type) {
			groups++
			tg.Snapshot.Resources[i].Inputs["rules"] = []any{map[string]any{
				"record": "instance:node_num_cpu:sum", "expression": `count without (cpu, mode) (node_cpu_seconds_total{job="node",mode="idle"})`, "enabled": true,
			}}
		}
	}
	if groups == 0 {
		t.Fatal("the committed prod-aks snapshot has no rule groups")
	}
	if n := alertsOf(tg.Snapshot); n != 0 {
		t.Errorf("%d alerts counted in recording rules", n)
	}
	got := lines(Run(tg))
	want := "PLN013 error - | the production cluster has no alerts: nothing watches it; create the environment's Observability component (environment.Environment.Observability) with a receiver of critical alerts"
	if len(got) != 1 || got[0] != want {
		t.Errorf("findings = %q\nwant %q", got, want)
	}
}

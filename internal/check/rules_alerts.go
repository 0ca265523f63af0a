package check

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/field"
)

func alertsRule() Rule {
	return Rule{
		ID:       "PLN013",
		Title:    "Production's critical alerts reach someone",
		Severity: SeverityError,
		Rationale: "Issue 18: on GKE production readiness rests on the Prometheus suite, on AKS on Container Insights, " +
			"and an alert nobody receives is no alert. A production stack has the baseline alerts (the Observability " +
			"component), and every critical one is routed to a receiver: an action group on AKS, a notification " +
			"channel on GKE.",
		Classes: []string{ClassProd},
		Check:   checkAlerts,
	}
}

// The alert resources each backend registers.
var (
	aksRuleGroup      = kindOf("azure-native:alertsmanagement:PrometheusRuleGroup")
	gcpAlertPolicy    = kindOf("gcp:monitoring/alertPolicy:AlertPolicy")
	fakeAlert         = kindOf("plinthfake:index:Alert")
	criticalSeverity  = "critical"
	noReceiverMessage = "a critical alert routed to no receiver: nobody hears of it; give the environment's observability a receiver with severities [critical]"
)

func checkAlerts(t Target) []Finding {
	s := t.Snapshot
	var out []Finding
	alerts := 0
	for _, g := range aksRuleGroup.in(s) {
		for i, r := range list(g.Inputs, "rules") {
			if str(r, "alert") == "" {
				continue // a recording rule (Azure's recommended ones) alerts nobody
			}
			alerts++
			if str(r, "labels", "severity") == criticalSeverity && len(list(r, "actions")) == 0 {
				out = append(out, invalid(g, field.NewPath("rules").Index(i).Child("actions"), nil, "%s (%s)", noReceiverMessage, str(r, "alert")))
			}
		}
	}
	for _, p := range gcpAlertPolicy.in(s) {
		alerts++
		if strings.EqualFold(str(p.Inputs, "severity"), criticalSeverity) && len(list(p.Inputs, "notificationChannels")) == 0 {
			out = append(out, invalid(p, "notificationChannels", nil, "%s", noReceiverMessage))
		}
	}
	for _, a := range fakeAlert.in(s) {
		alerts++
		if str(a.Inputs, "severity") == criticalSeverity && len(list(a.Inputs, "receivers")) == 0 {
			out = append(out, invalid(a, "receivers", nil, "%s", noReceiverMessage))
		}
	}
	if alerts == 0 && len(clustersOf(s)) > 0 {
		out = append(out, Finding{Message: "the production cluster has no alerts: nothing watches it; create the environment's Observability component (environment.Environment.Observability) with a receiver of critical alerts"})
	}
	return out
}

// alertsOf is the number of alert resources of s, for tests.
func alertsOf(s *snapshot.Snapshot) int {
	n := len(gcpAlertPolicy.in(s)) + len(fakeAlert.in(s))
	for _, g := range aksRuleGroup.in(s) {
		for _, r := range list(g.Inputs, "rules") {
			if str(r, "alert") != "" {
				n++
			}
		}
	}
	return n
}

package aks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestObservabilityConformance(t *testing.T) {
	prefix := platformtest.ObservabilityName + "-"
	platformtest.ObservabilityConformance(t, func(ctx *pulumi.Context) (platformtest.ObservabilityTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	}, platformtest.ObservabilityExpectations{
		MetricsStoreType: workspaceType,
		ReceiverType:     actionGroupType,
		Receiver: func(t testing.TB, r *platformtest.Resource) platformtest.ObservabilityReceiver {
			got := platformtest.ObservabilityReceiver{Name: strings.TrimPrefix(platformtest.Input(t, r, "actionGroupName").(string), prefix)}
			if emails, ok := r.Input("emailReceivers"); ok {
				for _, e := range emails.([]any) {
					got.Emails = append(got.Emails, platformtest.At(t, e, "emailAddress").(string))
				}
			}
			if hooks, ok := r.Input("webhookReceivers"); ok {
				var uris []any
				for _, h := range hooks.([]any) {
					uris = append(uris, platformtest.At(t, h, "serviceUri"))
				}
				got.Webhooks = uris
			}
			return got
		},
		Alerts:        azureAlerts,
		IgnoredEvents: []platform.CloudEvent{platform.EventManagedBackupFailed},
		// The workspace is the environment's: it holds this cluster's
		// metrics only.
		ClusterMatcher: "",
		TagsProperty:   aks.TagsProperty,
	})
}

// severities maps Azure alert severities back to the spec's.
var severities = map[float64]platform.Severity{0: platform.SeverityCritical, 2: platform.SeverityWarning}

// azureAlerts reads the alerts of a Prometheus rule group and of a
// Service Health activity log alert (an upgrade alert).
func azureAlerts(t testing.TB, r *platformtest.Resource) []platformtest.ObservabilityAlert {
	switch r.Type {
	case ruleGroupType:
		var out []platformtest.ObservabilityAlert
		for _, rule := range platformtest.Input(t, r, "rules").([]any) {
			if _, recording := rule.(map[string]any)["record"]; recording {
				continue // Azure's recommended recording rules alert nobody
			}
			after, err := parseISOMinutes(platformtest.At(t, rule, "for").(string))
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			a := platformtest.ObservabilityAlert{
				Name:     platformtest.At(t, rule, "alert").(string),
				Severity: severities[platformtest.At(t, rule, "severity").(float64)],
				Expr:     platformtest.At(t, rule, "expression").(string),
				For:      after,
				Summary:  platformtest.At(t, rule, "annotations", "summary").(string),
				Runbook:  platformtest.At(t, rule, "annotations", "runbook_url").(string),
			}
			for _, action := range platformtest.At(t, rule, "actions").([]any) {
				a.Targets = append(a.Targets, platformtest.At(t, action, "actionGroupId").(string))
			}
			out = append(out, a)
		}
		return out
	case activityLogAlertType:
		if category := platformtest.Input(t, r, "condition.allOf").([]any)[0]; platformtest.At(t, category, "equals") != "ServiceHealth" {
			t.Fatalf("%s: not a Service Health alert: %v", r.Name, category)
		}
		var a platformtest.ObservabilityAlert
		for i, action := range platformtest.Input(t, r, "actions.actionGroups").([]any) {
			properties := platformtest.StringMap(t, platformtest.At(t, action, "webhookProperties"))
			read := platformtest.ObservabilityAlert{
				Name: properties["alert"], Severity: platform.Severity(properties["severity"]), Event: platform.EventUpgrade,
				Summary: properties["summary"], Runbook: properties["runbook_url"], Targets: a.Targets,
			}
			if i > 0 && read.Name+string(read.Severity)+read.Summary+read.Runbook != a.Name+string(a.Severity)+a.Summary+a.Runbook {
				t.Errorf("%s: its actions carry different alert properties: %v and %v", r.Name, read, a)
			}
			a = read
			a.Targets = append(a.Targets, platformtest.At(t, action, "actionGroupId").(string))
		}
		return []platformtest.ObservabilityAlert{a}
	}
	return nil
}

// parseISOMinutes reads the ISO 8601 durations the backend writes
// ("PT15M", "PT1H30M").
func parseISOMinutes(s string) (time.Duration, error) {
	rest, ok := strings.CutPrefix(s, "PT")
	if !ok {
		return 0, &time.ParseError{Layout: "PT<h>H<m>M", Value: s}
	}
	return time.ParseDuration(strings.ToLower(rest))
}

package aks

import (
	"fmt"
	"slices"
	"time"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Observability settings that are not spec fields: what Azure Monitor
// managed service for Prometheus expects, as `az aks update
// --enable-azure-monitor-metrics` and the AKS baseline create them.
const (
	// prometheusStream is the stream the cluster's metrics agents send.
	prometheusStream = "Microsoft-PrometheusMetrics"
	// prometheusDataSource and prometheusDestination name the data
	// collection rule's source and destination.
	prometheusDataSource  = "PrometheusDataSource"
	prometheusDestination = "MonitoringAccount1"
	// prometheusAssociation is the name the metrics add-on looks for: the
	// association of the cluster with its Prometheus data collection rule.
	prometheusAssociation = "ContainerInsightsMetricsExtension"
	// dataCollectionKind is the agents' platform.
	dataCollectionKind = "Linux"
	// publicNetworkAccess: the agents reach the endpoint and readers the
	// workspace over public endpoints, with Entra ID (no private link).
	publicNetworkAccess = "Enabled"
	// ruleGroupInterval is how often the rules are evaluated.
	ruleGroupInterval = "PT1M"
	// maxRulesPerGroup is Azure's limit of rules in one rule group.
	maxRulesPerGroup = 20
	// resolveAfter is how long a rule's condition must be false before
	// Azure resolves its alert (and tells the receivers).
	resolveAfter = "PT10M"
	// globalLocation is where action groups and activity log alerts live.
	globalLocation = "Global"
	// maxShortName is the longest action group short name Azure takes; it
	// is the sender shown in e-mails and SMS.
	maxShortName = 12
	// aksServiceName is how Service Health names AKS in its events.
	aksServiceName = "Azure Kubernetes Service (AKS)"
)

// azureSeverity maps a severity to Azure's alert severity, 0 (Critical)
// to 4 (Verbose): critical is Sev0 and warning Sev2, the Azure severities
// of the same name, so the portal's severity filters and the common alert
// schema's "severity" read as the spec does.
var azureSeverity = map[platform.Severity]int{
	platform.SeverityCritical: 0,
	platform.SeverityWarning:  2,
}

// upgradeIncidentTypes are the Service Health events that announce an
// upgrade: planned maintenance and health advisories (the retirement of
// a Kubernetes version, a required upgrade). Service incidents (outages)
// and security advisories are not upgrades.
var upgradeIncidentTypes = []string{"Maintenance", "ActionRequired", "Informational"}

// observabilityPlan is the cloud-side shape of an ObservabilitySpec on
// Azure: every name and setting, computed without Pulumi so it can be
// table-tested. Resource names are both the Pulumi and the Azure names.
type observabilityPlan struct {
	// Workspace is the Azure Monitor workspace, "<name>-metrics": the
	// metrics store. Retain is spec.Cluster.Retain: the workspace holds
	// the metrics and stays in Azure with the cluster when it leaves the
	// stack (pulumi.RetainOnDelete).
	Workspace string
	Retain    bool
	// Endpoint is the data collection endpoint, "<name>-metrics-dce"; Rule
	// the data collection rule, "<name>-prometheus"; Association its
	// association with the cluster ("<name>-prometheus-association" in
	// Pulumi, prometheusAssociation in Azure).
	Endpoint, Rule, Association string
	// ActionGroups are the receivers, in spec order.
	ActionGroups []actionGroupPlan
	// RuleGroups hold the rules, in spec order, at most maxRulesPerGroup
	// each.
	RuleGroups []ruleGroupPlan
	// RecordingGroups are Azure's recommended recording rules
	// (recordingGroups), "<name>-node-recording-rules" and
	// "<name>-kubernetes-recording-rules".
	RecordingGroups []ruleGroupPlan
	// ActivityLogAlerts are the event alerts AKS has a signal for.
	ActivityLogAlerts []activityLogAlertPlan
	Tags              map[string]string
}

// actionGroupPlan is one receiver's action group.
type actionGroupPlan struct {
	// Receiver is the receiver's name in the spec; Name the action group's
	// ("<name>-<receiver>"); ShortName its short name.
	Receiver, Name, ShortName string
	// Emails and Webhooks are the notified addresses and URLs, each with
	// its receiver name in the group ("email-<i>", "webhook-<i>").
	Emails, Webhooks []namedAddress
}

// namedAddress is an e-mail address or webhook URL and its name.
type namedAddress struct{ Name, Address string }

// ruleGroupPlan is one Prometheus rule group.
type ruleGroupPlan struct {
	// Name is "<name>-alerts", then "<name>-alerts-2", ...
	Name        string
	Description string
	Rules       []prometheusRulePlan
}

// prometheusRulePlan is one alerting rule, or one recording rule (Record
// set: the series it records; only Expression and Labels go with it).
type prometheusRulePlan struct {
	// Alert is the rule's name; Expression its PromQL without the cluster
	// placeholder; For an ISO 8601 duration.
	Alert, Record, Expression, For string
	// Severity is Azure's (azureSeverity).
	Severity int
	// Labels carry the spec's severity; Annotations the summary and the
	// runbook.
	Labels, Annotations map[string]string
	// Receivers are the receivers that take the rule's severity.
	Receivers []string
}

// activityLogAlertPlan is one event alert on the subscription's activity
// log.
type activityLogAlertPlan struct {
	// Name is "<name>-<alert>"; Description the summary and the runbook.
	Name, Description string
	// IncidentTypes and Service select the Service Health events;
	// Regions, when set, those that concern one of these regions (Service
	// Health's display names, and "Global" for what concerns every region).
	IncidentTypes []string
	Service       string
	Regions       []string
	// Receivers take the alert's severity; Properties go with each
	// notification (the common alert schema's customProperties).
	Receivers  []string
	Properties map[string]string
}

// planObservability checks what Azure needs beyond the shared rules
// (ObservabilitySpec.Validate) and plans the metrics store, collection,
// alerts and action groups. Nothing is registered when it fails.
func planObservability(spec platform.ObservabilitySpec, location string) (observabilityPlan, error) {
	path := field.NewPath("observability")
	errs := spec.Validate(path)
	if !spec.Cluster.Monitoring {
		errs.Addf(path.Child("cluster").Child("monitoring"), false,
			"managed Prometheus is on only in a monitored cluster; turn the cluster's monitoring on")
	}
	groups, groupErrs := planActionGroups(path, spec)
	errs = append(errs, groupErrs...)
	if spec.Outputs != nil && (spec.Outputs.ID.OutputState == nil || spec.Outputs.Name.OutputState == nil) {
		errs.Add(field.Required(path.Child("outputs"), "the cluster's ID and name, as the AKS backend returned them"))
	}
	if err := errs.Err(); err != nil {
		return observabilityPlan{}, err
	}
	n := spec.Name
	p := observabilityPlan{
		Workspace:    platform.ChildName(n, "metrics"),
		Retain:       spec.Cluster.Retain,
		Endpoint:     platform.ChildName(n, "metrics-dce"),
		Rule:         platform.ChildName(n, "prometheus"),
		Association:  platform.ChildName(n, "prometheus-association"),
		ActionGroups: groups,
		RuleGroups:   planRuleGroups(spec),
		Tags:         spec.Tags.Merge(),
	}
	for _, g := range recordingGroups {
		rg := ruleGroupPlan{
			Name:        platform.ChildName(n, g.Role),
			Description: fmt.Sprintf("%s of %q (%s)", g.Description, spec.Name, spec.Cluster.Name),
		}
		for _, r := range g.Rules {
			rg.Rules = append(rg.Rules, prometheusRulePlan{Record: r.Record, Expression: r.Expression, Labels: r.Labels})
		}
		p.RecordingGroups = append(p.RecordingGroups, rg)
	}
	var regions []string
	if region, ok := serviceHealthRegions[location]; ok {
		regions = []string{region, serviceHealthGlobal}
	}
	for _, e := range spec.Events {
		// EventManagedBackupFailed: AKS has no managed backup (Velero's
		// failures are Prometheus rules), so there is nothing to alert on.
		if e.Event != platform.EventUpgrade {
			continue
		}
		p.ActivityLogAlerts = append(p.ActivityLogAlerts, activityLogAlertPlan{
			Name:          platform.ChildName(n, e.Name),
			Description:   fmt.Sprintf("%s (runbook: %s)", e.Summary, e.Runbook),
			IncidentTypes: upgradeIncidentTypes,
			Service:       aksServiceName,
			Regions:       regions,
			Receivers:     takers(spec.Receivers, e.Severity),
			Properties:    map[string]string{"alert": e.Name, "severity": string(e.Severity), "summary": e.Summary, "runbook_url": e.Runbook},
		})
	}
	return p, nil
}

// planActionGroups plans one action group a receiver. Its short name is
// the receiver's name cut to maxShortName characters (and of a trailing
// '-'); two receivers whose short names would be the same are refused
// (platform.ReceiverShortNames, which components/observability applies
// when it resolves the settings, with aksfacts' ReceiverShortName), since
// the short name is how a reader tells their messages apart.
func planActionGroups(path field.Path, spec platform.ObservabilitySpec) ([]actionGroupPlan, field.List) {
	errs := platform.ReceiverShortNames(path, spec.Receivers, maxShortName, "an Azure action group's short name")
	var groups []actionGroupPlan
	for _, r := range spec.Receivers {
		g := actionGroupPlan{Receiver: r.Name, Name: platform.ChildName(spec.Name, r.Name), ShortName: platform.ShortName(r.Name, maxShortName)}
		for j, e := range r.Emails {
			g.Emails = append(g.Emails, namedAddress{Name: fmt.Sprintf("email-%d", j), Address: e})
		}
		for j, w := range r.Webhooks {
			g.Webhooks = append(g.Webhooks, namedAddress{Name: fmt.Sprintf("webhook-%d", j), Address: w})
		}
		groups = append(groups, g)
	}
	return groups, errs
}

// planRuleGroups puts the spec's rules, in order, into rule groups of at
// most maxRulesPerGroup. The metrics store is the environment's own: the
// cluster placeholder is removed (platform.ClusterMatcher with no
// matcher), and each group's clusterName limits it to the cluster.
func planRuleGroups(spec platform.ObservabilitySpec) []ruleGroupPlan {
	var groups []ruleGroupPlan
	for start := 0; start < len(spec.Rules); start += maxRulesPerGroup {
		g := ruleGroupPlan{Name: platform.ChildName(spec.Name, "alerts")}
		if start > 0 {
			g.Name = fmt.Sprintf("%s-%d", g.Name, start/maxRulesPerGroup+1)
		}
		g.Description = fmt.Sprintf("Plinth's alerts of %q (%s), rules %d-%d", spec.Name, spec.Cluster.Name, start+1, min(start+maxRulesPerGroup, len(spec.Rules)))
		for _, r := range spec.Rules[start:min(start+maxRulesPerGroup, len(spec.Rules))] {
			g.Rules = append(g.Rules, prometheusRulePlan{
				Alert:       r.Name,
				Expression:  platform.ClusterMatcher(r.Expr, "", ""),
				For:         isoMinutes(r.For),
				Severity:    azureSeverity[r.Severity],
				Labels:      map[string]string{"severity": string(r.Severity)},
				Annotations: map[string]string{"summary": r.Summary, "runbook_url": r.Runbook},
				Receivers:   takers(spec.Receivers, r.Severity),
			})
		}
		groups = append(groups, g)
	}
	return groups
}

// takers are the names of the receivers that take severity s, in order.
func takers(receivers []platform.Receiver, s platform.Severity) []string {
	var out []string
	for _, r := range receivers {
		if r.Takes(s) && !slices.Contains(out, r.Name) {
			out = append(out, r.Name)
		}
	}
	return out
}

// isoMinutes writes d, whole minutes (ObservabilitySpec.Validate), as an
// ISO 8601 duration: "PT15M", "PT1H", "PT1H30M", "PT36H".
func isoMinutes(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 || h == 0 {
		out += fmt.Sprintf("%dM", m)
	}
	return out
}

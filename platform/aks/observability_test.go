package aks_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	workspaceType        = "azure-native:monitor:AzureMonitorWorkspace"
	ruleGroupType        = "azure-native:alertsmanagement:PrometheusRuleGroup"
	actionGroupType      = "azure-native:insights:ActionGroup"
	activityLogAlertType = "azure-native:insights:ActivityLogAlert"
	dceType              = "azure-native:insights:DataCollectionEndpoint"
	dcrType              = "azure-native:insights:DataCollectionRule"
	dcraType             = "azure-native:insights:DataCollectionRuleAssociation"

	workspaceID    = rgScope + "/providers/Microsoft.Monitor/accounts/observability-metrics"
	dceID          = rgScope + "/providers/Microsoft.Insights/dataCollectionEndpoints/observability-metrics-dce"
	dcrID          = rgScope + "/providers/Microsoft.Insights/dataCollectionRules/observability-prometheus"
	actionGroupIDs = rgScope + "/providers/Microsoft.Insights/actionGroups/"
	runbooks       = "https://runbooks.example.com/alerts#"
)

// observabilityTags are the suite spec's tags.
var observabilityTags = map[string]any{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-5001"}

// renderObservability renders the "prod" network and cluster of
// renderCluster and, under a test component, the observability of the
// conformance suite's spec (platformtest.ObservabilitySpec) on them,
// changed by mutate. It captures the cluster ("cluster"), the metrics
// store ("store") and each receiver's ID ("receiver <name>").
func renderObservability(t *testing.T, mutate func(*platform.ObservabilitySpec)) (*platformtest.Snapshot, *rendered) {
	t.Helper()
	r := &rendered{values: map[string]string{}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, err := b.NewNetwork(ctx, netSpec)
		if err != nil {
			return err
		}
		clusterSpec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, err := b.NewCluster(ctx, clusterSpec)
		if err != nil {
			return err
		}
		r.capture("cluster", cluster.ID)
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Observability", platformtest.ObservabilityName, parent); err != nil {
			return err
		}
		spec := platformtest.ObservabilitySpec()
		spec.Cluster, spec.Outputs = clusterSpec, cluster
		if mutate != nil {
			mutate(&spec)
		}
		out, err := b.NewObservability(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			return err
		}
		r.capture("store", out.MetricsStore)
		for name, id := range out.Receivers {
			r.capture("receiver "+name, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, r
}

// only returns the one resource of typ named name, failing otherwise.
func only(t *testing.T, snap *platformtest.Snapshot, typ, name string) *platformtest.Resource {
	t.Helper()
	var found *platformtest.Resource
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if r.Type != typ {
			continue
		}
		if found != nil || r.Name != name {
			t.Fatalf("%s: found %s; want exactly one, named %s", typ, r.Name, name)
		}
		found = r
	}
	if found == nil {
		t.Fatalf("no %s %s", typ, name)
	}
	return found
}

// wantInputs compares r's inputs to want, exactly.
func wantInputs(t *testing.T, r *platformtest.Resource, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(r.Inputs, want) {
		t.Errorf("%s %s inputs\n  %#v\nwant\n  %#v", r.Type, r.Name, r.Inputs, want)
	}
}

// TestObservabilityMetricsCollection: the workspace, and the endpoint,
// rule and association that send the cluster's managed Prometheus metrics
// to it, as `az aks update --enable-azure-monitor-metrics` makes them.
func TestObservabilityMetricsCollection(t *testing.T) {
	snap, r := renderObservability(t, nil)
	if got := r.get(t, "store"); got != workspaceID {
		t.Errorf("MetricsStore = %q; want the workspace %q", got, workspaceID)
	}
	ws := only(t, snap, workspaceType, "observability-metrics")
	if ws.RetainOnDelete {
		t.Error("the workspace of a cluster that is not Retain is RetainOnDelete")
	}
	wantInputs(t, ws, map[string]any{
		"azureMonitorWorkspaceName": "observability-metrics",
		"resourceGroupName":         "prod-rg",
		"location":                  "westeurope",
		"publicNetworkAccess":       "Enabled",
		"tags":                      observabilityTags,
	})
	wantInputs(t, only(t, snap, dceType, "observability-metrics-dce"), map[string]any{
		"dataCollectionEndpointName": "observability-metrics-dce",
		"resourceGroupName":          "prod-rg",
		"location":                   "westeurope",
		"kind":                       "Linux",
		"networkAcls":                map[string]any{"publicNetworkAccess": "Enabled"},
		"tags":                       observabilityTags,
	})
	// The cluster's Container Insights rule is the other DCR.
	var dcr *platformtest.Resource
	for i := range snap.Resources {
		if res := &snap.Resources[i]; res.Type == dcrType && res.Name == "observability-prometheus" {
			dcr = res
		}
	}
	if dcr == nil {
		t.Fatal("no data collection rule observability-prometheus")
	}
	wantInputs(t, dcr, map[string]any{
		"dataCollectionRuleName":   "observability-prometheus",
		"resourceGroupName":        "prod-rg",
		"location":                 "westeurope",
		"kind":                     "Linux",
		"dataCollectionEndpointId": dceID,
		"dataSources": map[string]any{"prometheusForwarder": []any{map[string]any{
			"name": "PrometheusDataSource", "streams": []any{"Microsoft-PrometheusMetrics"},
		}}},
		"destinations": map[string]any{"monitoringAccounts": []any{map[string]any{
			"name": "MonitoringAccount1", "accountResourceId": workspaceID,
		}}},
		"dataFlows": []any{map[string]any{
			"streams": []any{"Microsoft-PrometheusMetrics"}, "destinations": []any{"MonitoringAccount1"},
		}},
		"tags": observabilityTags,
	})
	for i := range snap.Resources {
		res := &snap.Resources[i]
		if res.Type != dcraType || res.Name != "observability-prometheus-association" {
			continue
		}
		wantInputs(t, res, map[string]any{
			"associationName":      "ContainerInsightsMetricsExtension",
			"resourceUri":          clusterID,
			"dataCollectionRuleId": dcrID,
			"description":          "Sends the cluster's managed Prometheus metrics to observability-metrics; deleting it stops their collection.",
		})
		return
	}
	t.Error("no association observability-prometheus-association of the Prometheus rule with the cluster")
}

// TestObservabilityWorkspaceRetained: a Retain cluster's metrics stay in
// Azure with it.
func TestObservabilityWorkspaceRetained(t *testing.T) {
	snap, _ := renderObservability(t, func(s *platform.ObservabilitySpec) { s.Cluster.Retain = true })
	if !only(t, snap, workspaceType, "observability-metrics").RetainOnDelete {
		t.Error("the workspace of a Retain cluster is not RetainOnDelete")
	}
}

// TestObservabilityActionGroups: one action group per receiver, its
// e-mails and its webhooks (secret) in the common alert schema.
func TestObservabilityActionGroups(t *testing.T) {
	snap, r := renderObservability(t, nil)
	email := func(i int, address string) map[string]any {
		return map[string]any{"name": "email-" + string(rune('0'+i)), "emailAddress": address, "useCommonAlertSchema": true}
	}
	webhook := map[string]any{"name": "webhook-0", "serviceUri": platformtest.SecretValue, "useCommonAlertSchema": true}
	group := func(receiver, short string, more map[string]any) map[string]any {
		in := map[string]any{
			"actionGroupName":   "observability-" + receiver,
			"resourceGroupName": "prod-rg",
			"location":          "Global",
			"groupShortName":    short,
			"enabled":           true,
			"tags":              observabilityTags,
		}
		for k, v := range more {
			in[k] = v
		}
		return in
	}
	want := map[string]map[string]any{
		"oncall": group("oncall", "oncall", map[string]any{
			"emailReceivers": []any{email(0, "oncall@example.com")}, "webhookReceivers": []any{webhook},
		}),
		"platform-team": group("platform-team", "platform-tea", map[string]any{
			"emailReceivers": []any{email(0, "platform@example.com"), email(1, "sre@example.com")},
		}),
		"chatops": group("chatops", "chatops", map[string]any{"webhookReceivers": []any{webhook}}),
	}
	n := 0
	for i := range snap.Resources {
		res := &snap.Resources[i]
		if res.Type != actionGroupType {
			continue
		}
		n++
		receiver := strings.TrimPrefix(res.Name, "observability-")
		wantInputs(t, res, want[receiver])
		if got := r.get(t, "receiver "+receiver); got != actionGroupIDs+res.Name {
			t.Errorf("receiver %s: ID %q; want its action group's %q", receiver, got, actionGroupIDs+res.Name)
		}
	}
	if n != len(want) {
		t.Errorf("%d action groups; want %d", n, len(want))
	}
}

// TestObservabilityRuleGroup: the rules as Prometheus alerts on the
// workspace and the cluster, each notifying the action groups of the
// receivers that take its severity.
func TestObservabilityRuleGroup(t *testing.T) {
	snap, _ := renderObservability(t, nil)
	actions := func(receivers ...string) []any {
		out := []any{}
		for _, r := range receivers {
			out = append(out, map[string]any{"actionGroupId": actionGroupIDs + "observability-" + r})
		}
		return out
	}
	rule := func(alert, expr, after string, severity float64, label, summary string, receivers ...string) map[string]any {
		return map[string]any{
			"alert": alert, "expression": expr, "for": after, "severity": severity, "enabled": true,
			"labels":               map[string]any{"severity": label},
			"annotations":          map[string]any{"summary": summary, "runbook_url": runbooks + strings.ToLower(alert)},
			"actions":              actions(receivers...),
			"resolveConfiguration": map[string]any{"autoResolved": true, "timeToResolve": "PT10M"},
		}
	}
	wantInputs(t, named(t, snap, ruleGroupType, "observability-alerts"), map[string]any{
		"ruleGroupName":     "observability-alerts",
		"resourceGroupName": "prod-rg",
		"location":          "westeurope",
		"description":       `Plinth's alerts of "observability" (prod), rules 1-3`,
		"clusterName":       "prod-aks",
		"enabled":           true,
		"interval":          "PT1M",
		"scopes":            []any{workspaceID, clusterID},
		"rules": []any{
			rule("NodeNotReady", `kube_node_status_condition{condition="Ready",status="true",} == 0`, "PT15M", 0, "critical",
				"Node {{ $labels.node }} has not been Ready for 15 minutes", "oncall", "platform-team"),
			rule("PodCrashLooping", `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",}[5m]) >= 1`, "PT15M", 2, "warning",
				"Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping", "platform-team", "chatops"),
			rule("BackupMissingDaily", `time() - velero_backup_last_successful_timestamp{schedule="daily",} > 93600`, "PT1H30M", 0, "critical",
				"Schedule daily has completed no backup for 26h", "oncall", "platform-team"),
		},
		"tags": observabilityTags,
	})
	// Azure's recommended recording rules, in groups of their own on the
	// same workspace and cluster: a record and its expression, no alert.
	var groups []string
	for _, r := range snap.OfType(ruleGroupType) {
		groups = append(groups, r.Name)
	}
	if want := []string{"observability-alerts", "observability-kubernetes-recording-rules", "observability-node-recording-rules"}; !slices.Equal(slices.Sorted(slices.Values(groups)), want) {
		t.Errorf("rule groups %v; want %v", groups, want)
	}
	node := named(t, snap, ruleGroupType, "observability-node-recording-rules")
	for key, want := range map[string]any{"clusterName": "prod-aks", "interval": "PT1M", "scopes": []any{workspaceID, clusterID}, "enabled": true} {
		if got, _ := node.Input(key); !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s = %v; want %v", node.Name, key, got, want)
		}
	}
	rules := node.Inputs["rules"].([]any)
	if want := map[string]any{
		"record":     "instance:node_cpu_utilisation:rate5m",
		"expression": `1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="node", mode=~"idle|iowait|steal"}[5m])))`,
		"enabled":    true,
	}; len(rules) != 11 || !reflect.DeepEqual(rules[1], want) {
		t.Errorf("%s: %d rules, the second %v; want 11, the second %v", node.Name, len(rules), rules[1], want)
	}
	k8s := named(t, snap, ruleGroupType, "observability-kubernetes-recording-rules")
	if rules := k8s.Inputs["rules"].([]any); len(rules) != 19 || !reflect.DeepEqual(rules[14].(map[string]any)["labels"], map[string]any{"workload_type": "daemonset"}) {
		t.Errorf("%s: %d rules, the 15th %v; want 19, the 15th labeled workload_type daemonset", k8s.Name, len(rules), rules[14])
	}
}

// named is the child of type typ named name.
func named(t *testing.T, snap *platformtest.Snapshot, typ, name string) *platformtest.Resource {
	t.Helper()
	for i := range snap.Resources {
		if r := &snap.Resources[i]; r.Type == typ && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s %s", typ, name)
	return nil
}

// TestObservabilityUpgradeAlert: the upgrade alert is a Service Health
// alert on the subscription for AKS; the managed backup alert registers
// nothing.
func TestObservabilityUpgradeAlert(t *testing.T) {
	snap, _ := renderObservability(t, nil)
	properties := map[string]any{
		"alert": "ClusterUpgrade", "severity": "warning", "runbook_url": runbooks + "clusterupgrade",
		"summary": "An upgrade of the cluster is available or scheduled by the cloud",
	}
	incident := func(t string) any { return map[string]any{"field": "properties.incidentType", "equals": t} }
	wantInputs(t, only(t, snap, activityLogAlertType, "observability-ClusterUpgrade"), map[string]any{
		"activityLogAlertName": "observability-ClusterUpgrade",
		"resourceGroupName":    "prod-rg",
		"location":             "Global",
		"description":          "An upgrade of the cluster is available or scheduled by the cloud (runbook: " + runbooks + "clusterupgrade)",
		"enabled":              true,
		"scopes":               []any{"/subscriptions/" + sub},
		"condition": map[string]any{"allOf": []any{
			map[string]any{"field": "category", "equals": "ServiceHealth"},
			map[string]any{"anyOf": []any{incident("Maintenance"), incident("ActionRequired"), incident("Informational")}},
			map[string]any{"field": "properties.impactedServices[*].ServiceName", "containsAny": []any{"Azure Kubernetes Service (AKS)"}},
			// Service Health is the subscription's: only the events about
			// the environment's region, or every region.
			map[string]any{"field": "properties.impactedServices[*].ImpactedRegions[*].RegionName", "containsAny": []any{"West Europe", "Global"}},
		}},
		"actions": map[string]any{"actionGroups": []any{
			map[string]any{"actionGroupId": actionGroupIDs + "observability-platform-team", "webhookProperties": properties},
			map[string]any{"actionGroupId": actionGroupIDs + "observability-chatops", "webhookProperties": properties},
		}},
		"tags": observabilityTags,
	})
	for _, res := range snap.Resources {
		if strings.Contains(res.Name, "ManagedBackupFailed") {
			t.Errorf("%s %s registered; AKS has no managed backup", res.Type, res.Name)
		}
	}
}

// TestObservabilityRefusedRegistersNothing: a spec the backend refuses
// registers nothing (C8).
func TestObservabilityRefusedRegistersNothing(t *testing.T) {
	_, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		spec := platformtest.ObservabilitySpec()
		spec.Cluster = platform.ClusterSpec{Name: "prod", Monitoring: false}
		spec.Outputs = &platform.ClusterOutputs{ID: pulumi.String(clusterID).ToStringOutput(), Name: pulumi.String("prod-aks").ToStringOutput()}
		_, err = b.NewObservability(ctx, spec)
		return err
	})
	want := "observability.cluster.monitoring false: managed Prometheus is on only in a monitored cluster; turn the cluster's monitoring on"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v; want %q", err, want)
	}
}

// TestObservabilityComponentOnAKS: the Observability component's baseline
// alert set, resolved against AKS's facts for a cluster with two user pools,
// cert-manager, Traefik and nine Velero schedules (21 rules), builds on
// this backend in rule groups of at most 20 that hold every rule once, and
// the upgrade alert.
func TestObservabilityComponentOnAKS(t *testing.T) {
	var spec platform.ObservabilitySpec
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		net, err := newNetwork(ctx, b, "prod", network.Args{AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		c, err := newCluster(ctx, b, net, "prod", cluster.Args{UserPools: []cluster.NodePool{
			{Name: "apps", MinCount: 3, MaxCount: 30}, {Name: "batch", MinCount: 0, MaxCount: 10},
		}})
		if err != nil {
			return err
		}
		target, err := platform.TargetOf(b, true)
		if err != nil {
			return err
		}
		var schedules []platform.BackupSchedule
		for i := range 9 {
			schedules = append(schedules, platform.BackupSchedule{Name: fmt.Sprintf("team-%d", i+1), Cron: "0 1 * * *", TTL: 720 * time.Hour})
		}
		r, err := observability.Args{
			Receivers: []observability.Receiver{{Name: "oncall", Emails: []string{"oncall@example.com"}, Severities: platform.Severities}},
		}.Resolve("prod", field.NewPath("observability"), target, observability.Watched{
			Cluster: c.Spec, IngressRequests: "traefik_service_requests_total", IngressCodeLabel: "code",
			CertManager: true, BackupSchedules: schedules,
		})
		if err != nil {
			return err
		}
		spec = r.Spec()
		_, err = observability.New(ctx, r, b, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(spec.Rules) <= 20 {
		t.Fatalf("%d baseline rules; the test wants more than one rule group's 20", len(spec.Rules))
	}
	seen := map[string]int{}
	groups := 0
	for _, res := range snap.Resources {
		if res.Type != ruleGroupType {
			continue
		}
		rules := res.Inputs["rules"].([]any)
		if len(rules) > 20 {
			t.Errorf("%s holds %d rules; Azure takes 20", res.Name, len(rules))
		}
		if strings.HasSuffix(res.Name, "-recording-rules") {
			continue
		}
		groups++
		for _, rule := range rules {
			seen[rule.(map[string]any)["alert"].(string)]++
		}
	}
	if want := (len(spec.Rules) + 19) / 20; groups != want {
		t.Errorf("%d rule groups for %d rules; want %d", groups, len(spec.Rules), want)
	}
	for _, r := range spec.Rules {
		if seen[r.Name] != 1 {
			t.Errorf("baseline rule %s is in %d rule groups; want 1", r.Name, seen[r.Name])
		}
	}
	only(t, snap, activityLogAlertType, "prod-ClusterUpgrade")
}

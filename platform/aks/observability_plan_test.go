package aks

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/inputs"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// observabilitySpec is the conformance suite's spec on a monitored
// cluster "prod" with outputs.
func observabilitySpec() platform.ObservabilitySpec {
	s := platformtest.ObservabilitySpec()
	s.Cluster = platform.ClusterSpec{Name: "prod", Monitoring: true, Retain: true}
	s.Outputs = &platform.ClusterOutputs{
		ID:   pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks").ToStringOutput(),
		Name: pulumi.String("prod-aks").ToStringOutput(),
	}
	return s
}

func TestPlanObservability(t *testing.T) {
	p, err := planObservability(observabilitySpec(), "westeurope")
	if err != nil {
		t.Fatal(err)
	}
	const runbooks = "https://runbooks.example.com/alerts#"
	want := observabilityPlan{
		Workspace:   "observability-metrics",
		Retain:      true,
		Endpoint:    "observability-metrics-dce",
		Rule:        "observability-prometheus",
		Association: "observability-prometheus-association",
		ActionGroups: []actionGroupPlan{
			{
				Receiver: "oncall", Name: "observability-oncall", ShortName: "oncall",
				Emails:   []namedAddress{{"email-0", "oncall@example.com"}},
				Webhooks: []namedAddress{{"webhook-0", "https://pager.example.com/hooks/3f9c2a?token=pager-secret"}},
			},
			{
				Receiver: "platform-team", Name: "observability-platform-team", ShortName: "platform-tea",
				Emails: []namedAddress{{"email-0", "platform@example.com"}, {"email-1", "sre@example.com"}},
			},
			{
				Receiver: "chatops", Name: "observability-chatops", ShortName: "chatops",
				Webhooks: []namedAddress{{"webhook-0", "https://chat.example.com/hooks/T000/B000?token=chat-secret"}},
			},
		},
		RuleGroups: []ruleGroupPlan{{
			Name:        "observability-alerts",
			Description: `Plinth's alerts of "observability" (prod), rules 1-3`,
			Rules: []prometheusRulePlan{
				{
					Alert: "NodeNotReady", Expression: `kube_node_status_condition{condition="Ready",status="true",} == 0`, For: "PT15M",
					Severity: 0, Labels: map[string]string{"severity": "critical"},
					Annotations: map[string]string{"summary": "Node {{ $labels.node }} has not been Ready for 15 minutes", "runbook_url": runbooks + "nodenotready"},
					Receivers:   []string{"oncall", "platform-team"},
				},
				{
					Alert: "PodCrashLooping", Expression: `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",}[5m]) >= 1`, For: "PT15M",
					Severity: 2, Labels: map[string]string{"severity": "warning"},
					Annotations: map[string]string{"summary": "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping", "runbook_url": runbooks + "podcrashlooping"},
					Receivers:   []string{"platform-team", "chatops"},
				},
				{
					Alert: "BackupMissingDaily", Expression: `time() - velero_backup_last_successful_timestamp{schedule="daily",} > 93600`, For: "PT1H30M",
					Severity: 0, Labels: map[string]string{"severity": "critical"},
					Annotations: map[string]string{"summary": "Schedule daily has completed no backup for 26h", "runbook_url": runbooks + "backupmissingdaily"},
					Receivers:   []string{"oncall", "platform-team"},
				},
			},
		}},
		// ManagedBackupFailed: AKS has no managed backup.
		ActivityLogAlerts: []activityLogAlertPlan{{
			Name:          "observability-ClusterUpgrade",
			Description:   "An upgrade of the cluster is available or scheduled by the cloud (runbook: " + runbooks + "clusterupgrade)",
			IncidentTypes: []string{"Maintenance", "ActionRequired", "Informational"},
			Service:       "Azure Kubernetes Service (AKS)",
			Regions:       []string{"West Europe", "Global"},
			Receivers:     []string{"platform-team", "chatops"},
			Properties: map[string]string{
				"alert": "ClusterUpgrade", "severity": "warning", "runbook_url": runbooks + "clusterupgrade",
				"summary": "An upgrade of the cluster is available or scheduled by the cloud",
			},
		}},
		Tags: map[string]string{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-5001"},
	}
	// Azure's recommended recording rules: TestPlanRecordingRules.
	p.RecordingGroups = nil
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan\n  %+v\nwant\n  %+v", p, want)
	}
}

// TestPlanRecordingRules: beside the alerts, Azure's recommended node and
// Kubernetes recording rules (the rule groups the portal and `az aks
// update --enable-azure-monitor-metrics` create), each group within
// Azure's 20 rules, recording rules only.
func TestPlanRecordingRules(t *testing.T) {
	p, err := planObservability(observabilitySpec(), "westeurope")
	if err != nil {
		t.Fatal(err)
	}
	records := map[string][]string{}
	for _, g := range p.RecordingGroups {
		if len(g.Rules) == 0 || len(g.Rules) > maxRulesPerGroup {
			t.Errorf("%s: %d rules; Azure takes 1 to %d a group", g.Name, len(g.Rules), maxRulesPerGroup)
		}
		for _, r := range g.Rules {
			if r.Record == "" || r.Alert != "" || r.For != "" || r.Receivers != nil || r.Annotations != nil || r.Expression == "" {
				t.Errorf("%s: %+v is not a recording rule", g.Name, r)
			}
			records[g.Name] = append(records[g.Name], r.Record)
		}
	}
	for group, want := range map[string][]string{
		"observability-node-recording-rules": {
			"instance:node_num_cpu:sum", "instance:node_cpu_utilisation:rate5m", "instance:node_load1_per_cpu:ratio",
			"instance:node_memory_utilisation:ratio", "instance:node_vmstat_pgmajfault:rate5m",
			"instance_device:node_disk_io_time_seconds:rate5m", "instance_device:node_disk_io_time_weighted_seconds:rate5m",
			"instance:node_network_receive_bytes_excluding_lo:rate5m", "instance:node_network_transmit_bytes_excluding_lo:rate5m",
			"instance:node_network_receive_drop_excluding_lo:rate5m", "instance:node_network_transmit_drop_excluding_lo:rate5m",
		},
		"observability-kubernetes-recording-rules": {
			"node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate",
			"node_namespace_pod_container:container_memory_working_set_bytes", "node_namespace_pod_container:container_memory_rss",
			"node_namespace_pod_container:container_memory_cache", "node_namespace_pod_container:container_memory_swap",
			"cluster:namespace:pod_memory:active:kube_pod_container_resource_requests", "namespace_memory:kube_pod_container_resource_requests:sum",
			"cluster:namespace:pod_cpu:active:kube_pod_container_resource_requests", "namespace_cpu:kube_pod_container_resource_requests:sum",
			"cluster:namespace:pod_memory:active:kube_pod_container_resource_limits", "namespace_memory:kube_pod_container_resource_limits:sum",
			"cluster:namespace:pod_cpu:active:kube_pod_container_resource_limits", "namespace_cpu:kube_pod_container_resource_limits:sum",
			"namespace_workload_pod:kube_pod_owner:relabel", "namespace_workload_pod:kube_pod_owner:relabel",
			"namespace_workload_pod:kube_pod_owner:relabel", "namespace_workload_pod:kube_pod_owner:relabel",
			":node_memory_MemAvailable_bytes:sum", "cluster:node_cpu:ratio_rate5m",
		},
	} {
		if !reflect.DeepEqual(records[group], want) {
			t.Errorf("%s records\n  %v\nwant\n  %v", group, records[group], want)
		}
	}
	if len(records) != 2 {
		t.Errorf("recording groups %v; want the node and the Kubernetes group", p.RecordingGroups)
	}
	// The series the alerts and Azure's dashboards read.
	g := p.RecordingGroups[1]
	if r := g.Rules[1]; r.Expression != `container_memory_working_set_bytes{job="cadvisor", image!=""} * on (namespace, pod) group_left(node) topk by (namespace, pod) (1, max by (namespace, pod, node) (kube_pod_info{node!=""}))` {
		t.Errorf("%s = %s", r.Record, r.Expression)
	}
	if r := g.Rules[13]; r.Labels["workload_type"] != "deployment" {
		t.Errorf("%s labels %v; want workload_type deployment", r.Record, r.Labels)
	}
}

// TestUpgradeAlertRegions: Service Health is per subscription, so each
// environment's upgrade alert takes only the AKS events about its own
// region (by Service Health's display name) or every region ("Global"):
// environments of one subscription in different regions do not hear of
// each other's. A location the table does not know takes every region.
func TestUpgradeAlertRegions(t *testing.T) {
	for location, want := range map[string][]string{
		"westeurope":    {"West Europe", "Global"},
		"eastus2":       {"East US 2", "Global"},
		"swedencentral": {"Sweden Central", "Global"},
		"marscentral":   nil,
	} {
		p, err := planObservability(observabilitySpec(), location)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ActivityLogAlerts[0].Regions; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: regions %v, want %v", location, got, want)
		}
	}
}

// TestPlanObservabilityRuleGroups: Azure takes at most 20 rules a group;
// the rules fill groups in order.
func TestPlanObservabilityRuleGroups(t *testing.T) {
	for _, tc := range []struct {
		rules int
		names []string
		sizes []int
	}{
		{0, nil, nil},
		{1, []string{"observability-alerts"}, []int{1}},
		{20, []string{"observability-alerts"}, []int{20}},
		{21, []string{"observability-alerts", "observability-alerts-2"}, []int{20, 1}},
		{45, []string{"observability-alerts", "observability-alerts-2", "observability-alerts-3"}, []int{20, 20, 5}},
	} {
		spec := observabilitySpec()
		base := spec.Rules[0]
		spec.Rules = nil
		for i := range tc.rules {
			r := base
			r.Name = fmt.Sprintf("Rule%d", i)
			spec.Rules = append(spec.Rules, r)
		}
		p, err := planObservability(spec, "westeurope")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		var sizes []int
		next := 0
		for _, g := range p.RuleGroups {
			names, sizes = append(names, g.Name), append(sizes, len(g.Rules))
			for _, r := range g.Rules {
				if want := fmt.Sprintf("Rule%d", next); r.Alert != want {
					t.Errorf("%d rules: %s holds %s where %s comes next", tc.rules, g.Name, r.Alert, want)
				}
				next++
			}
		}
		if !reflect.DeepEqual(names, tc.names) || !reflect.DeepEqual(sizes, tc.sizes) {
			t.Errorf("%d rules: groups %v of %v rules; want %v of %v", tc.rules, names, sizes, tc.names, tc.sizes)
		}
	}
}

func TestPlanObservabilityRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*platform.ObservabilitySpec)
		want   string
	}{
		{
			"a cluster without monitoring",
			func(s *platform.ObservabilitySpec) { s.Cluster.Monitoring = false },
			"observability.cluster.monitoring false: managed Prometheus is on only in a monitored cluster; turn the cluster's monitoring on",
		},
		{
			"two receivers with one short name",
			func(s *platform.ObservabilitySpec) {
				s.Receivers[0].Name = "platform-oncall"
				s.Receivers[1].Name = "platform-oncall-b"
			},
			`observability.receivers[1].name "platform-oncall-b": its first 12 characters, "platform-onc", are also those of receivers[0] ("platform-oncall"), and an Azure action group's short name, the sender its notifications show, is made of them; make the two names differ within their first 12 characters`,
		},
		{
			"the shared rules",
			func(s *platform.ObservabilitySpec) { s.Rules[1].For = 90 * time.Second },
			`observability.rules[1].for "1m30s": whole minutes, at least 1m`,
		},
		{
			"no cluster outputs",
			func(s *platform.ObservabilitySpec) { s.Outputs = nil },
			"observability.outputs: required: the outputs of the cluster, as its backend returned them",
		},
		{
			"cluster outputs without an ID",
			func(s *platform.ObservabilitySpec) { s.Outputs = &platform.ClusterOutputs{} },
			"observability.outputs: required: the cluster's ID and name, as the AKS backend returned them",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := observabilitySpec()
			tc.mutate(&spec)
			_, err := planObservability(spec, "westeurope")
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n  %v\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	for _, tc := range []struct{ receiver, want string }{
		{"oncall", "oncall"},
		{"platform-team", "platform-tea"},
		{"abcdefghijkl", "abcdefghijkl"},
		// A cut that ends in '-' drops it.
		{"abcdefghijk-pager", "abcdefghijk"},
	} {
		if got := platform.ShortName(tc.receiver, maxShortName); got != tc.want || len(got) > maxShortName {
			t.Errorf("ShortName(%q) = %q; want %q (at most %d characters)", tc.receiver, got, tc.want, maxShortName)
		}
	}
	// components/observability refuses the same collisions from Azure's
	// facts, before the backend is asked.
	if aksfacts.Facts.ReceiverShortName != maxShortName {
		t.Errorf("aksfacts.Facts.ReceiverShortName = %d; the backend cuts short names to %d", aksfacts.Facts.ReceiverShortName, maxShortName)
	}
}

func TestISOMinutes(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{time.Minute, "PT1M"},
		{15 * time.Minute, "PT15M"},
		{time.Hour, "PT1H"},
		{90 * time.Minute, "PT1H30M"},
		{36 * time.Hour, "PT36H"},
	} {
		if got := isoMinutes(tc.d); got != tc.want {
			t.Errorf("isoMinutes(%s) = %q; want %q", tc.d, got, tc.want)
		}
	}
}

// TestTypedInputs: the typed inputs are written by their pulumi tags, nil
// slices, maps and inputs left out, outputs passed through; a recording
// rule has no alert, for, severity, actions or resolution.
func TestTypedInputs(t *testing.T) {
	rg := pulumi.String("prod-rg").ToStringOutput()
	warning := 2
	got := inputs.Encode(prometheusRuleGroupArgs{
		RuleGroupName:     "g",
		ResourceGroupName: rg,
		Enabled:           true,
		Scopes:            []pulumi.StringInput{rg},
		Rules: []prometheusRuleArgs{{
			Alert: "A", For: "PT5M", Severity: &warning, Labels: map[string]string{"severity": "warning"},
			Actions: []prometheusRuleActionArgs{}, ResolveConfiguration: &prometheusResolveArgs{AutoResolved: true, TimeToResolve: "PT10M"},
		}, {
			Record: "r:sum", Expression: "sum(x)", Enabled: true, Labels: map[string]string{"workload_type": "job"},
		}},
	}, "pulumi")
	want := pulumi.Map{
		"ruleGroupName":     pulumi.String("g"),
		"resourceGroupName": rg,
		"location":          pulumi.String(""),
		"description":       pulumi.String(""),
		"enabled":           pulumi.Bool(true),
		"interval":          pulumi.String(""),
		"scopes":            pulumi.Array{rg},
		"rules": pulumi.Array{pulumi.Map{
			"alert": pulumi.String("A"), "expression": pulumi.String(""), "for": pulumi.String("PT5M"),
			"severity": pulumi.Int(2), "enabled": pulumi.Bool(false),
			"labels":               pulumi.Map{"severity": pulumi.String("warning")},
			"actions":              pulumi.Array{},
			"resolveConfiguration": pulumi.Map{"autoResolved": pulumi.Bool(true), "timeToResolve": pulumi.String("PT10M")},
		}, pulumi.Map{
			"record": pulumi.String("r:sum"), "expression": pulumi.String("sum(x)"), "enabled": pulumi.Bool(true),
			"labels": pulumi.Map{"workload_type": pulumi.String("job")},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inputs.Encode\n  %#v\nwant\n  %#v", got, want)
	}
}

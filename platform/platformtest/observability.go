package platformtest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// ObservabilityTestBackend is what the observability suite needs: a
// network and cluster to watch, and the capability under test.
type ObservabilityTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.ObservabilityBackend
}

// NewObservabilityBackend creates the backend under test inside a Pulumi
// program.
type NewObservabilityBackend func(ctx *pulumi.Context) (ObservabilityTestBackend, error)

// ObservabilityAlert is one alert as a backend registered it, read back
// into the spec's terms.
type ObservabilityAlert struct {
	// Name is the alert's name as in the spec ("NodeNotReady").
	Name string
	// Severity is the spec's severity, mapped back from the cloud's.
	Severity platform.Severity
	// Expr and For are a rule's PromQL as the cloud evaluates it and how
	// long it must hold; empty for an event alert.
	Expr string
	For  time.Duration
	// Event is an event alert's event; empty for a rule.
	Event platform.CloudEvent
	// Summary and Runbook are what a receiver is shown.
	Summary, Runbook string
	// Targets are what the alert notifies, as the cloud names them: the
	// receivers' IDs (ObservabilityExpectations.Targets).
	Targets []string
}

// ObservabilityReceiver is what one resource of a receiver holds, as a
// backend registered it: the whole receiver (an action group), or a part
// of it (a notification channel per address).
type ObservabilityReceiver struct {
	// Name is the receiver's name in the spec.
	Name string
	// Emails are the addresses it notifies.
	Emails []string
	// Webhooks are its webhooks as the snapshot shows them: SecretValue
	// for a list held as one secret, or a list of one value per webhook,
	// each SecretValue; nil for none.
	Webhooks any
}

// ObservabilityExpectations is what the observability suite takes from
// the backend's test where clouds differ legitimately: the types it
// registers, how to read its receivers and alerts, how its metrics store
// selects the cluster, and the events it has no signal for.
type ObservabilityExpectations struct {
	// MetricsStoreType is the type of the metrics store (one is
	// registered): an Azure Monitor workspace, the fake's store; "" where
	// the store exists already (a Google Cloud project's).
	MetricsStoreType string
	// ReceiverType is the type of the resources that hold the receivers:
	// one per receiver, or several that each hold a part of one; each is
	// named "<name>-<receiver>" or begins with it and "-". Receiver reads
	// one.
	ReceiverType string
	Receiver     func(t testing.TB, r *Resource) ObservabilityReceiver
	// Alerts reads the alerts a child carries (a rule group carries
	// several); nil for a child that carries none.
	Alerts func(t testing.TB, r *Resource) []ObservabilityAlert
	// Targets returns what an alert names to notify the receiver called
	// name, whose ID NewObservability returned; nil: the ID itself.
	Targets func(name, id string) []string
	// ClusterMatcher is what replaces platform.ClusterSelector in the
	// rules' PromQL (platform.ClusterMatcher): "" where the metrics store
	// holds this cluster's metrics only; `cluster="{clusterName}"` where
	// it holds a project's, {clusterName} standing for the cluster's name
	// in the cloud (ClusterOutputs.Name).
	ClusterMatcher string
	// SystemClusterMatcher is what replaces platform.SystemClusterSelector
	// (the cluster in the cloud's own system metrics): "" where the store
	// holds this cluster's metrics only; `cluster_name="{clusterName}"` on
	// GKE.
	SystemClusterMatcher string
	// IgnoredEvents are the events the cloud has no signal for (AKS has no
	// managed backup): their alerts register nothing.
	IgnoredEvents []platform.CloudEvent
	// TagsProperty is the backend's TagsProperty; nil means that every
	// child with a "tags" or "labels" input takes the spec's tags.
	TagsProperty TagsPropertyFunc
}

// ObservabilityName is the logical name of the suite's observability and
// of the component it is created under.
const ObservabilityName = "observability"

// ObservabilitySpec returns what the observability suite asks for, without
// the cluster and its outputs: three rules (NodeNotReady critical for
// 15m, PodCrashLooping warning for 15m, BackupMissingDaily critical for
// 90m), two event alerts (ClusterUpgrade warning, ManagedBackupFailed
// critical), and three receivers: oncall (an e-mail address and a webhook,
// critical), platform-team (two addresses, warning and critical) and
// chatops (a webhook with a token, warning).
func ObservabilitySpec() platform.ObservabilitySpec {
	const runbooks = "https://runbooks.example.com/alerts#"
	rule := func(name, expr string, after time.Duration, sev platform.Severity, summary string) platform.AlertRule {
		return platform.AlertRule{Name: name, Expr: expr, For: after, Severity: sev, Summary: summary, Runbook: runbooks + strings.ToLower(name)}
	}
	event := func(name string, e platform.CloudEvent, sev platform.Severity, summary string) platform.EventAlert {
		return platform.EventAlert{Name: name, Event: e, Severity: sev, Summary: summary, Runbook: runbooks + strings.ToLower(name)}
	}
	sel := platform.ClusterSelector
	return platform.ObservabilitySpec{
		Name:             ObservabilityName,
		LogRetentionDays: 30,
		Rules: []platform.AlertRule{
			rule("NodeNotReady", `kube_node_status_condition{condition="Ready",status="true",`+sel+`} == 0`,
				15*time.Minute, platform.SeverityCritical, "Node {{ $labels.node }} has not been Ready for 15 minutes"),
			rule("PodCrashLooping", `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",`+sel+`}[5m]) >= 1`,
				15*time.Minute, platform.SeverityWarning, "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping"),
			rule("BackupMissingDaily", `time() - velero_backup_last_successful_timestamp{schedule="daily",`+sel+`} > 93600`,
				90*time.Minute, platform.SeverityCritical, "Schedule daily has completed no backup for 26h"),
		},
		Events: []platform.EventAlert{
			event("ClusterUpgrade", platform.EventUpgrade, platform.SeverityWarning, "An upgrade of the cluster is available or scheduled by the cloud"),
			event("ManagedBackupFailed", platform.EventManagedBackupFailed, platform.SeverityCritical, "A run of the cloud's managed backup failed"),
		},
		Receivers: []platform.Receiver{
			{Name: "oncall", Emails: []string{"oncall@example.com"}, Webhooks: []string{"https://pager.example.com/hooks/3f9c2a?token=pager-secret"},
				Severities: []platform.Severity{platform.SeverityCritical}},
			{Name: "platform-team", Emails: []string{"platform@example.com", "sre@example.com"},
				Severities: []platform.Severity{platform.SeverityWarning, platform.SeverityCritical}},
			{Name: "chatops", Webhooks: []string{"https://chat.example.com/hooks/T000/B000?token=chat-secret"},
				Severities: []platform.Severity{platform.SeverityWarning}},
		},
		Tags: platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-5001"},
	}
}

// observabilityResult holds what an observability render resolved: the
// cluster's cloud name ("cluster"), the metrics store ("store") and each
// receiver's ID ("receiver <name>"), the receivers NewObservability
// returned, and its error.
type observabilityResult struct {
	recorded
	receivers []string
	err       error
}

// renderObservability renders the suite's network and cluster "prod" and,
// under a component of its own, the observability of ObservabilitySpec as
// changed by mutate. NewObservability's error goes into res, so that a
// refused spec still yields its snapshot.
func renderObservability(newBackend NewObservabilityBackend, mutate func(*platform.ObservabilitySpec), res *observabilityResult) (*Snapshot, error) {
	return renderOnCluster(newBackend, func(ctx *pulumi.Context, b ObservabilityTestBackend, sc *suiteCluster) error {
		anchor := sc.outputs.ID
		res.record(anchor, "cluster", sc.outputs.Name)
		spec := ObservabilitySpec()
		spec.Cluster, spec.Outputs = sc.spec, sc.outputs
		if mutate != nil {
			mutate(&spec)
		}
		op := &parent{}
		if err := ctx.RegisterComponentResource(parentType, spec.Name, op); err != nil {
			return err
		}
		out, err := b.NewObservability(ctx, spec, pulumi.Parent(op))
		if res.err = err; err != nil {
			return nil
		}
		res.record(anchor, "store", out.MetricsStore)
		for name, id := range out.Receivers {
			res.receivers = append(res.receivers, name)
			res.record(anchor, "receiver "+name, id)
		}
		return nil
	})
}

// ObservabilityConformance runs the observability rules of
// docs/contract.md against a backend, with what differs by cloud from exp.
// In one stack it creates the "prod" network and cluster of
// ClusterConformance and, under a component "observability", the
// observability of ObservabilitySpec for them. It checks:
//
//   - C1-C3 on every child, C5, and C7 with exp.TagsProperty (at least one
//     child carries the spec's tags);
//   - the metrics store: one of exp.MetricsStoreType, and a non-empty
//     MetricsStore output;
//   - the receivers: NewObservability returns a distinct, non-empty ID
//     for exactly the spec's receivers; the resources of
//     exp.ReceiverType, named "<name>-<receiver>" or beginning with it,
//     hold together exactly each receiver's e-mail addresses and its
//     webhooks as secrets, and no other receiver; no webhook URL is in
//     any input in plain text;
//   - every rule becomes one alert of its name, severity, summary,
//     runbook, For, and expression with the cluster selected as
//     exp.ClusterMatcher says; every event alert whose event the cloud
//     has a signal for becomes one alert of its name, event, severity,
//     summary and runbook, the others (exp.IgnoredEvents) none; each
//     alert notifies exactly the receivers that take its severity
//     (exp.Targets of their IDs), and there is no other alert;
//   - C8: a rule whose For is not whole minutes is refused with an error
//     naming observability.rules[0].for "30s", and nothing is registered
//     for the observability; a receiver without severities likewise
//     (observability.receivers[2].severities).
func ObservabilityConformance(t *testing.T, newBackend NewObservabilityBackend, exp ObservabilityExpectations) {
	t.Helper()
	t.Run("store, receivers and alerts", func(t *testing.T) {
		res := &observabilityResult{}
		snap, err := renderObservability(newBackend, nil, res)
		if err != nil {
			t.Fatalf("observability suite: %v", err)
		}
		if res.err != nil {
			t.Fatalf("observability suite: NewObservability: %v", res.err)
		}
		checkChildren(t, snap)
		checkUniqueURNs(t, snap)
		spec := ObservabilitySpec()
		children := descendants(snap, spec.Name)
		checkTags(t, children, spec.Tags, exp.TagsProperty, true)
		if exp.MetricsStoreType != "" {
			if n := len(ofType(children, exp.MetricsStoreType)); n != 1 {
				t.Errorf("%d metrics stores of type %s registered; want one", n, exp.MetricsStoreType)
			}
		}
		if res.get("store") == "" {
			t.Error("C4: the MetricsStore output is empty")
		}
		targets := checkObservabilityReceivers(t, exp, spec, snap, children, res)
		checkObservabilityAlerts(t, exp, spec, children, targets, res.get("cluster"))
	})

	for _, tc := range []struct {
		name, want, what string
		mutate           func(*platform.ObservabilitySpec)
	}{
		{"rejected for", `observability.rules[0].for "30s"`, "a rule whose For is not whole minutes",
			func(s *platform.ObservabilitySpec) { s.Rules[0].For = 30 * time.Second }},
		{"rejected receiver", "observability.receivers[2].severities", "a receiver that takes no severity",
			func(s *platform.ObservabilitySpec) { s.Receivers[2].Severities = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := &observabilityResult{}
			snap, err := renderObservability(newBackend, tc.mutate, res)
			if err != nil {
				t.Fatalf("observability suite: %v", err)
			}
			checkRejected(t, res.err, tc.want, tc.what, descendants(snap, ObservabilityName))
		})
	}
}

// checkObservabilityReceivers holds the receivers to the contract (see
// ObservabilityConformance) and returns, by severity, what an alert of it
// must notify.
func checkObservabilityReceivers(t *testing.T, exp ObservabilityExpectations, spec platform.ObservabilitySpec, snap *Snapshot, children []*Resource, res *observabilityResult) map[platform.Severity][]string {
	t.Helper()
	var want []string
	for _, r := range spec.Receivers {
		want = append(want, r.Name)
	}
	if got := slices.Sorted(slices.Values(res.receivers)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("C4: NewObservability returned receivers %v; want %v", got, want)
	}
	owners := map[string]string{}
	targets := map[platform.Severity][]string{}
	for _, r := range spec.Receivers {
		id := res.get("receiver " + r.Name)
		if id == "" {
			t.Errorf("C4: receiver %s: empty ID", r.Name)
			continue
		}
		if other, dup := owners[id]; dup {
			t.Errorf("C4: receivers %s and %s share the ID %q", other, r.Name, id)
		}
		owners[id] = r.Name
		ts := []string{id}
		if exp.Targets != nil {
			ts = exp.Targets(r.Name, id)
		}
		for _, s := range r.Severities {
			targets[s] = append(targets[s], ts...)
		}
	}

	var all []*Resource
	for i := range snap.Resources {
		all = append(all, &snap.Resources[i])
	}
	read := map[string]*receiverRead{}
	for _, rr := range ofType(children, exp.ReceiverType) {
		got := exp.Receiver(t, rr)
		i := slices.IndexFunc(spec.Receivers, func(r platform.Receiver) bool { return r.Name == got.Name })
		if i < 0 {
			t.Errorf("%s %s reads as receiver %q, which the spec does not have", rr.Type, rr.Name, got.Name)
			continue
		}
		if prefix := platform.ChildName(spec.Name, got.Name); rr.Name != prefix && !strings.HasPrefix(rr.Name, prefix+"-") {
			t.Errorf("C2: %s %s holds receiver %s; name it %q or %q + \"-\" + role", rr.Type, rr.Name, got.Name, prefix, prefix)
		}
		acc := read[got.Name]
		if acc == nil {
			acc = &receiverRead{}
			read[got.Name] = acc
		}
		acc.emails = append(acc.emails, got.Emails...)
		if got.Webhooks == SecretValue {
			acc.allSecret = true
		} else if list, ok := got.Webhooks.([]any); ok {
			acc.webhooks = append(acc.webhooks, list...)
		} else if got.Webhooks != nil {
			t.Errorf("%s %s: webhooks read as %v; want SecretValue or a list", rr.Type, rr.Name, got.Webhooks)
		}
	}
	for _, r := range spec.Receivers {
		acc := read[r.Name]
		if acc == nil {
			t.Errorf("receiver %s: no resource of type %s holds it", r.Name, exp.ReceiverType)
			continue
		}
		if got, want := slices.Sorted(slices.Values(acc.emails)), slices.Sorted(slices.Values(r.Emails)); !slices.Equal(got, want) {
			t.Errorf("receiver %s: e-mails %v; want %v", r.Name, got, want)
		}
		if !acc.allSecret && len(acc.webhooks) != len(r.Webhooks) {
			t.Errorf("receiver %s: %d webhooks; want its %d, as secrets", r.Name, len(acc.webhooks), len(r.Webhooks))
		}
		for i, w := range acc.webhooks {
			if w != SecretValue {
				t.Errorf("receiver %s: webhook %d is in plain text; webhooks carry tokens and are secrets", r.Name, i)
			}
		}
		for _, w := range r.Webhooks {
			if mentions(t, all, w) {
				t.Errorf("receiver %s: its webhook URL is in an input in plain text; webhooks are secrets", r.Name)
			}
		}
	}
	return targets
}

// checkObservabilityAlerts holds the alerts the children carry to exactly
// the spec's rules and event alerts; targets are what each severity's
// alerts notify, cluster the cluster's cloud name.
func checkObservabilityAlerts(t *testing.T, exp ObservabilityExpectations, spec platform.ObservabilitySpec, children []*Resource, targets map[platform.Severity][]string, cluster string) {
	t.Helper()
	got := map[string][]ObservabilityAlert{}
	for _, r := range children {
		for _, a := range exp.Alerts(t, r) {
			got[a.Name] = append(got[a.Name], a)
		}
	}
	one := func(name string) (ObservabilityAlert, bool) {
		as := got[name]
		delete(got, name)
		if len(as) != 1 {
			t.Errorf("alert %s registered %d times; want once", name, len(as))
			return ObservabilityAlert{}, false
		}
		return as[0], true
	}
	check := func(want, a ObservabilityAlert) {
		t.Helper()
		gotTargets, wantTargets := slices.Sorted(slices.Values(a.Targets)), slices.Sorted(slices.Values(want.Targets))
		a.Targets, want.Targets = nil, nil
		if !reflect.DeepEqual(a, want) {
			t.Errorf("alert %s:\n  %+v\nwant\n  %+v", want.Name, a, want)
		}
		if !slices.Equal(gotTargets, wantTargets) {
			t.Errorf("alert %s (%s) notifies %v; want exactly the receivers that take %s: %v", want.Name, want.Severity, gotTargets, want.Severity, wantTargets)
		}
	}
	matcher := strings.ReplaceAll(exp.ClusterMatcher, "{clusterName}", cluster)
	systemMatcher := strings.ReplaceAll(exp.SystemClusterMatcher, "{clusterName}", cluster)
	for _, r := range spec.Rules {
		if a, ok := one(r.Name); ok {
			check(ObservabilityAlert{
				Name: r.Name, Severity: r.Severity, Expr: platform.ClusterMatcher(r.Expr, matcher, systemMatcher), For: r.For,
				Summary: r.Summary, Runbook: r.Runbook, Targets: targets[r.Severity],
			}, a)
		}
	}
	for _, e := range spec.Events {
		if slices.Contains(exp.IgnoredEvents, e.Event) {
			if as := got[e.Name]; len(as) > 0 {
				t.Errorf("alert %s on %s registered; the cloud has no signal for it", e.Name, e.Event)
			}
			delete(got, e.Name)
			continue
		}
		if a, ok := one(e.Name); ok {
			check(ObservabilityAlert{
				Name: e.Name, Severity: e.Severity, Event: e.Event,
				Summary: e.Summary, Runbook: e.Runbook, Targets: targets[e.Severity],
			}, a)
		}
	}
	for name := range got {
		t.Errorf("alert %s is in no rule or event alert of the spec", name)
	}
}

// receiverRead is what the resources of one receiver hold together: their
// e-mail addresses and webhooks, or allSecret when one holds its webhooks
// as one secret.
type receiverRead struct {
	emails    []string
	webhooks  []any
	allSecret bool
}

package observability

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Observability component.
const TypeToken = "plinth:components:Observability"

// Receiver is where alerts of some severities go: e-mail addresses and
// https webhooks (stored as secrets). See platform.Receiver.
type Receiver = platform.Receiver

// Rule is an alert of the team's own, beside the baseline set: a PromQL
// expression that selects the environment's cluster with
// platform.ClusterSelector. See platform.AlertRule.
type Rule = platform.AlertRule

// Args are an Observability's settings: plain data, the same in Go and
// YAML. Every field is optional outside production; a production target
// needs a receiver of critical alerts.
type Args struct {
	// Receivers are where alerts go, each taking the severities it lists.
	// Unset: alerts fire and show in the cloud's console, and nobody is
	// notified; production refuses it.
	Receivers []Receiver
	// RunbookBaseURL is where the baseline alerts' runbooks are, an https
	// URL; each alert links to "<base>#<alert name in lowercase>". Unset:
	// DefaultRunbookBaseURL (Plinth's docs/operations/alerts.md).
	RunbookBaseURL string
	// Rules are alerts of the team's own beside the baseline set; their
	// names may not repeat a baseline alert's. Unset: none.
	Rules []Rule
	// Tags go on every cloud resource that takes tags or labels, over the
	// cluster's.
	Tags map[string]string
}

// Watched is what the baseline alerts watch besides the cluster's nodes,
// pods, volumes and API server: plain data from the other components'
// resolved settings.
type Watched struct {
	// Cluster is the resolved cluster.
	Cluster platform.ClusterSpec
	// IngressRequests is the ingress controller's request counter and its
	// status-code label, e.g. "traefik_service_requests_total" and "code";
	// empty: no ingress alert.
	IngressRequests, IngressCodeLabel string
	// CertManager says whether cert-manager runs.
	CertManager bool
	// BackupSchedules are Velero's schedules; none without Velero.
	BackupSchedules []platform.BackupSchedule
	// ManagedBackup says whether the cloud's managed backup runs (Backup
	// for GKE).
	ManagedBackup bool
	// Mesh says whether the service mesh runs (components/mesh).
	Mesh bool
}

// Resolved is an Observability's settings, validated and completed
// against its target and what it watches: what New creates. Only
// Args.Resolve makes one.
type Resolved struct{ spec platform.ObservabilitySpec }

// Spec returns the spec the backend receives, without the cluster's
// outputs (New adds them).
func (r Resolved) Spec() platform.ObservabilitySpec { return r.spec }

// Observability is the component resource. Its fields are set once New
// returns.
type Observability struct {
	pulumi.ResourceState

	// Spec is what the backend received.
	Spec platform.ObservabilitySpec
	// MetricsStore identifies where the cluster's metrics go.
	MetricsStore pulumi.StringOutput `pulumi:"metricsStore"`
	// Receivers are the receivers' cloud IDs by name.
	Receivers map[string]pulumi.StringOutput
}

// Resolve validates a against t and what it watches, builds the baseline
// alert set and returns what New creates. Problems are reported under path,
// all at once. It is pure: it asks no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, w Watched) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	base := a.RunbookBaseURL
	if base == "" {
		base = DefaultRunbookBaseURL
	}
	if u, err := url.Parse(base); err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" {
		errs.Addf(path.Child("runbookBaseURL"), base, "an https URL without a fragment, e.g. %q", DefaultRunbookBaseURL)
		base = DefaultRunbookBaseURL // reported once, here, not again for every alert
	}
	rules, events := Baseline(base, t.Cloud, w)
	for i, r := range a.Rules {
		if slices.ContainsFunc(rules, func(b platform.AlertRule) bool { return b.Name == r.Name }) ||
			slices.ContainsFunc(events, func(b platform.EventAlert) bool { return b.Name == r.Name }) {
			errs.Addf(path.Child("rules").Index(i).Child("name"), r.Name, "the name of a baseline alert; name the team's own alert differently")
		}
	}
	spec := platform.ObservabilitySpec{
		Name:             name,
		Cluster:          w.Cluster,
		LogRetentionDays: w.Cluster.LogRetentionDays,
		Rules:            append(rules, a.Rules...),
		Events:           events,
		Receivers:        a.Receivers,
		Tags:             w.Cluster.Tags.Merge(a.Tags),
	}
	// The backend's own rules, at the component's paths. The cluster's
	// outputs are New's; no outputs is not a problem yet.
	for _, err := range spec.Validate(path) {
		if err.Path != path.Child("outputs") && err.Path != path.Child("logRetentionDays") {
			errs.Add(err)
		}
	}
	// A receiver's name becomes the sender its notifications show, cut
	// where the cloud cuts it (an Azure action group's short name).
	errs = append(errs, platform.ReceiverShortNames(path, a.Receivers, t.Cloud.ReceiverShortName,
		fmt.Sprintf("%s's receiver short name", t.Cloud.Service))...)
	if v := t.Cloud.Nodes.MinVersion; v != "" && w.Cluster.KubernetesVersion != "" && olderMinor(w.Cluster.KubernetesVersion, v) {
		errs.Addf(path, w.Cluster.KubernetesVersion, "the node alerts read %s's node metrics, which clusters older than Kubernetes %s do not have; upgrade the cluster (cluster.kubernetesVersion) to %s or later", t.Cloud.Service, v, v)
	}
	if !w.Cluster.Monitoring {
		errs.Addf(path, nil, "the cluster's managed metrics are off (cluster.monitoring.disabled); alerts need them: turn them on, or leave observability out")
	}
	if t.Production && !slices.ContainsFunc(a.Receivers, func(r Receiver) bool { return r.Takes(platform.SeverityCritical) }) {
		errs.Add(field.Required(path.Child("receivers"), "a production environment's critical alerts reach someone: add a receiver with severities [critical], e.g. the on-call's e-mail or paging webhook"))
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{spec}, nil
}

// New creates the metrics store, alerting and log retention r describes
// through backend, for host (the cluster r was resolved against).
func New(ctx *pulumi.Context, r Resolved, backend platform.ObservabilityBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*Observability, error) {
	name := r.spec.Name
	switch {
	case name == "":
		return nil, errors.New("observability: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("observability %q: no backend; pass the backend the cluster was created with", name)
	}
	if err := cluster.CheckHost("observability", name, host); err != nil {
		return nil, err
	}
	spec := r.spec
	spec.Outputs = host.ClusterOutputs()
	o := &Observability{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, o, opts...); err != nil {
		return nil, err
	}
	out, err := backend.NewObservability(ctx, spec, pulumi.Parent(o))
	if err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	o.MetricsStore, o.Receivers = out.MetricsStore, out.Receivers
	receivers := pulumi.StringMap{}
	for n, id := range out.Receivers {
		receivers[n] = id
	}
	return o, ctx.RegisterResourceOutputs(o, pulumi.Map{
		"metricsStore": o.MetricsStore,
		"receivers":    receivers,
	})
}

// runbook is the runbook of the alert named name under base.
func runbook(base, name string) string { return base + "#" + strings.ToLower(name) }

// olderMinor reports whether the minor version v ("1.31") is older than
// min ("1.32"); a version it cannot read is not older (components/cluster
// refuses it).
func olderMinor(v, min string) bool {
	var vMajor, vMinor, mMajor, mMinor int
	if _, err := fmt.Sscanf(v, "%d.%d", &vMajor, &vMinor); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(min, "%d.%d", &mMajor, &mMinor); err != nil {
		return false
	}
	return vMajor < mMajor || vMajor == mMajor && vMinor < mMinor
}

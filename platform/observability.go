package platform

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Severity is how urgent an alert is, and so who hears of it: a receiver
// takes the severities it lists.
type Severity string

// The severities.
const (
	// SeverityCritical needs someone now: production pages.
	SeverityCritical Severity = "critical"
	// SeverityWarning needs someone within working hours.
	SeverityWarning Severity = "warning"
)

// Severities lists the severities, most urgent first.
var Severities = []Severity{SeverityCritical, SeverityWarning}

// ClusterSelector stands in an alert's PromQL for the label matcher that
// selects the environment's cluster in what its managed Prometheus
// collects, inside a selector's braces:
// `kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff",{cluster}}`.
// Each backend replaces it (ClusterMatcher): with nothing where the metrics
// store holds one cluster's metrics, with `cluster="<name>"` where it holds
// a project's. PromQL accepts the trailing comma and the empty braces that
// remain.
const ClusterSelector = "{cluster}"

// SystemClusterSelector stands, like ClusterSelector, for the matcher that
// selects the cluster in the cloud's own system metrics, which the cloud
// writes beside its managed Prometheus and labels its own way (GKE's
// kubernetes.io metrics, queried as kubernetes_io:*, carry cluster_name,
// not cluster): `cluster_name="<name>"` on GKE, nothing where the metrics
// store holds one cluster's metrics.
const SystemClusterSelector = "{system_cluster}"

// ClusterMatcher returns expr with every ClusterSelector replaced by
// matcher and every SystemClusterSelector by systemMatcher.
func ClusterMatcher(expr, matcher, systemMatcher string) string {
	return strings.NewReplacer(ClusterSelector, matcher, SystemClusterSelector, systemMatcher).Replace(expr)
}

// ShortName is the first n characters of a receiver's name without a
// trailing '-', the name the cloud shows as the sender of its
// notifications (CloudFacts.ReceiverShortName); the whole name when n is
// 0 or the name is shorter.
func ShortName(receiver string, n int) string {
	if n > 0 && len(receiver) > n {
		receiver = receiver[:n]
	}
	return strings.TrimRight(receiver, "-")
}

// ReceiverShortNames refuses, at path.receivers[i].name, each receiver
// whose ShortName(n) is an earlier receiver's: notifications of the two
// would show the same sender. cloud names what shows it, e.g. "an Azure
// action group's short name". Receivers of one name are left to
// Validate.
func ReceiverShortNames(path field.Path, receivers []Receiver, n int, cloud string) field.List {
	var errs field.List
	if n <= 0 {
		return nil
	}
	first := map[string]int{}
	for i, r := range receivers {
		short := ShortName(r.Name, n)
		j, dup := first[short]
		switch {
		case !dup:
			first[short] = i
		case receivers[j].Name != r.Name:
			errs.Addf(path.Child("receivers").Index(i).Child("name"), r.Name,
				"its first %d characters, %q, are also those of receivers[%d] (%q), and %s, the sender its notifications show, is made of them; make the two names differ within their first %d characters",
				n, short, j, receivers[j].Name, cloud, n)
		}
	}
	return errs
}

// AlertRule is one Prometheus alerting rule, evaluated by the cloud's
// managed Prometheus on the environment's cluster (Azure Monitor managed
// service for Prometheus, Google Cloud Managed Service for Prometheus).
type AlertRule struct {
	// Name is the alert's name, e.g. "NodeNotReady": letters and digits,
	// starting with a capital letter.
	Name string
	// Expr is the PromQL expression; a series it returns is an alert. It
	// selects the cluster with ClusterSelector.
	Expr string
	// For is how long Expr must hold before the alert fires: at least a
	// minute, whole minutes.
	For time.Duration
	// Severity says who hears of it.
	Severity Severity
	// Summary is the one line a receiver shows.
	Summary string
	// Runbook is the https URL of what to do.
	Runbook string
}

// CloudEvent is something the cloud reports about a cluster as an event or
// a log entry, not as a metric: the backend alerts on it its own way.
type CloudEvent string

// The cloud events a backend alerts on.
const (
	// EventUpgrade is an upgrade of the cluster made available, or forced
	// by the cloud (end of support, a security patch).
	EventUpgrade CloudEvent = "upgrade"
	// EventManagedBackupFailed is a failed run of the cloud's managed
	// backup (Backup for GKE); a backend without one ignores it.
	EventManagedBackupFailed CloudEvent = "managed-backup-failed"
)

// EventAlert alerts on a CloudEvent.
type EventAlert struct {
	// Name, Severity, Summary and Runbook are as in AlertRule.
	Name     string
	Event    CloudEvent
	Severity Severity
	Summary  string
	Runbook  string
}

// Receiver is where alerts of some severities go.
type Receiver struct {
	// Name identifies the receiver: a DNS label.
	Name string
	// Emails are the addresses notified.
	Emails []string
	// Webhooks are https URLs posted to. They often carry a token:
	// backends store them as secrets.
	Webhooks []string
	// Severities are the severities it takes; every alert of these goes
	// to it.
	Severities []Severity
}

// Takes reports whether r takes alerts of severity s.
func (r Receiver) Takes(s Severity) bool { return slices.Contains(r.Severities, s) }

// ObservabilitySpec is what an ObservabilityBackend creates for one
// environment: the metrics store and its collection from the cluster, the
// log retention, the alert rules and event alerts, and the receivers they
// go to. Scraping the platform's services is the cluster's (Kubernetes
// objects, created by the Observability component).
type ObservabilitySpec struct {
	// Name is the logical name (ValidateName); children are named after it.
	Name string
	// Cluster is the cluster's spec, and Outputs the outputs its backend
	// returned.
	Cluster ClusterSpec
	Outputs *ClusterOutputs
	// LogRetentionDays is how long the cluster's logs are kept.
	LogRetentionDays int
	// Rules are the alerting rules; Events the event alerts.
	Rules  []AlertRule
	Events []EventAlert
	// Receivers are where alerts go; none: alerts fire and are shown, and
	// nobody is notified.
	Receivers []Receiver
	// Tags go on every cloud resource that takes tags or labels.
	Tags Tags
}

// ObservabilityOutputs is what an ObservabilityBackend returns.
type ObservabilityOutputs struct {
	// MetricsStore identifies where the cluster's metrics go: the Azure
	// Monitor workspace's ID, the Google Cloud project.
	MetricsStore pulumi.StringOutput
	// Receivers are the receivers' cloud IDs (action groups, notification
	// channels), by receiver name.
	Receivers map[string]pulumi.StringOutput
}

// ObservabilityBackend creates an environment's metrics store, alerting and
// log retention (docs/contract.md). Like every capability, it registers
// nothing when the spec is invalid (Validate) and parents every child by
// the caller's options.
type ObservabilityBackend interface {
	Backend
	NewObservability(ctx *pulumi.Context, spec ObservabilitySpec, opts ...pulumi.ResourceOption) (*ObservabilityOutputs, error)
}

// alertName is a Prometheus alert name as Plinth writes them.
func alertName(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) < 0
}

// Validate checks what every backend needs of an ObservabilitySpec: a
// logical name, the cluster's outputs, rules and event alerts with unique
// names, a known severity, a whole-minute For, an https runbook, and
// receivers with a DNS-label name, valid e-mail addresses and https
// webhooks, at least one of them, and known severities. Backends call it
// before registering anything and add their own cloud's rules.
func (s ObservabilitySpec) Validate(path field.Path) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if s.Outputs == nil {
		errs.Add(field.Required(path.Child("outputs"), "the outputs of the cluster, as its backend returned them"))
	}
	if s.LogRetentionDays < 1 {
		errs.Addf(path.Child("logRetentionDays"), s.LogRetentionDays, "must be at least 1")
	}
	names := map[string]field.Path{}
	name := func(p field.Path, n string) {
		switch {
		case !alertName(n):
			errs.Addf(p, n, "an alert name is letters and digits starting with a capital letter, e.g. \"NodeNotReady\"")
		case names[n] != "":
			errs.Addf(p, n, "also the name of %s; alert names are unique", names[n])
		default:
			names[n] = p
		}
	}
	common := func(p field.Path, sev Severity, summary, runbook string) {
		if !slices.Contains(Severities, sev) {
			errs.Addf(p.Child("severity"), string(sev), "use %q or %q", SeverityCritical, SeverityWarning)
		}
		if strings.TrimSpace(summary) == "" {
			errs.Add(field.Required(p.Child("summary"), "the one line a receiver shows"))
		}
		if u, err := url.Parse(runbook); err != nil || u.Scheme != "https" || u.Host == "" {
			errs.Addf(p.Child("runbook"), runbook, "an https URL of what to do when the alert fires")
		}
	}
	for i, r := range s.Rules {
		p := path.Child("rules").Index(i)
		name(p.Child("name"), r.Name)
		if strings.TrimSpace(r.Expr) == "" {
			errs.Add(field.Required(p.Child("expr"), "the PromQL expression whose series are alerts"))
		}
		if r.For < time.Minute || r.For%time.Minute != 0 {
			errs.Addf(p.Child("for"), r.For.String(), "whole minutes, at least 1m")
		}
		common(p, r.Severity, r.Summary, r.Runbook)
	}
	for i, e := range s.Events {
		p := path.Child("events").Index(i)
		name(p.Child("name"), e.Name)
		if e.Event != EventUpgrade && e.Event != EventManagedBackupFailed {
			errs.Addf(p.Child("event"), string(e.Event), "use %q or %q", EventUpgrade, EventManagedBackupFailed)
		}
		common(p, e.Severity, e.Summary, e.Runbook)
	}
	receivers := map[string]bool{}
	for i, r := range s.Receivers {
		errs = append(errs, r.validate(path.Child("receivers").Index(i), receivers)...)
	}
	errs = append(errs, s.Tags.Validate(path.Child("tags"))...)
	return errs
}

// validate checks one receiver; seen holds the names before it.
func (r Receiver) validate(p field.Path, seen map[string]bool) field.List {
	var errs field.List
	switch {
	case !format.DNSLabel(r.Name):
		errs.Addf(p.Child("name"), r.Name, "a receiver's name is a DNS label: lowercase letters, digits and '-', e.g. \"oncall\"")
	case seen[r.Name]:
		errs.Addf(p.Child("name"), r.Name, "two receivers have this name; name each once")
	default:
		seen[r.Name] = true
	}
	if len(r.Emails) == 0 && len(r.Webhooks) == 0 {
		errs.Add(field.Required(p, "an e-mail address or a webhook to notify"))
	}
	for j, e := range r.Emails {
		if !format.Email(e) {
			errs.Addf(p.Child("emails").Index(j), e, "not an e-mail address, e.g. \"oncall@example.com\"")
		}
	}
	for j, w := range r.Webhooks {
		if u, err := url.Parse(w); err != nil || u.Scheme != "https" || u.Host == "" {
			// The URL may hold a token: name it by position only.
			errs.Addf(p.Child("webhooks").Index(j), nil, "not an https URL; webhooks are posted to over https only")
		}
	}
	if len(r.Severities) == 0 {
		errs.Add(field.Required(p.Child("severities"), "the severities it takes, e.g. [critical, warning]"))
	}
	for j, s := range r.Severities {
		if !slices.Contains(Severities, s) {
			errs.Addf(p.Child("severities").Index(j), string(s), "use %q or %q", SeverityCritical, SeverityWarning)
		}
	}
	return errs
}

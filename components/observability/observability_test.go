package observability_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// watched is a production cluster resolved on cloud, with Traefik,
// cert-manager and a daily and a weekly Velero schedule.
func watched(t *testing.T, cloud platform.CloudFacts) (platform.Target, observability.Watched) {
	t.Helper()
	target := platform.Target{Cloud: cloud, Production: true}
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", "network", target)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := cluster.Args{UserPools: []cluster.NodePool{{Name: "apps", MinCount: 3, MaxCount: 30}}}.Resolve("prod", "cluster", target, nr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	return target, observability.Watched{
		Cluster:         cr.Spec(),
		IngressRequests: "traefik_service_requests_total", IngressCodeLabel: "code",
		CertManager: true,
		BackupSchedules: []platform.BackupSchedule{
			{Name: "daily", Cron: "0 1 * * *", TTL: 30 * 24 * time.Hour},
			{Name: "weekly", Cron: "0 2 * * 0", TTL: 90 * 24 * time.Hour},
		},
	}
}

var oncall = observability.Receiver{Name: "oncall", Emails: []string{"oncall@example.com"}, Severities: platform.Severities}

func TestTheBaselineAlertSet(t *testing.T) {
	target, w := watched(t, aksfacts.Facts)
	r, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Spec()
	var names []string
	for _, rule := range s.Rules {
		names = append(names, rule.Name)
		if !strings.HasPrefix(rule.Runbook, observability.DefaultRunbookBaseURL+"#") {
			t.Errorf("%s: runbook %q is not in the runbooks", rule.Name, rule.Runbook)
		}
		if !strings.Contains(rule.Expr, platform.ClusterSelector) && !strings.Contains(rule.Expr, platform.SystemClusterSelector) {
			t.Errorf("%s: %q does not select the cluster", rule.Name, rule.Expr)
		}
	}
	want := []string{
		"NodeNotReady", "PodCrashLooping", "PersistentVolumeFilling", "APIServerErrors", "APIServerLatency",
		"CertificateExpiring", "CertificateNotReady", "BackupFailed", "BackupMissingDaily", "BackupMissingWeekly",
		"IngressErrors", "NodePoolAtMaximumSystem", "NodePoolAtMaximumApps",
	}
	if !slices.Equal(names, want) {
		t.Errorf("rules:\n  %v\nwant\n  %v", names, want)
	}
	if len(s.Events) != 1 || s.Events[0].Event != platform.EventUpgrade || s.Events[0].Runbook != observability.DefaultRunbookBaseURL+"#clusterupgrade" {
		t.Errorf("events = %+v; want the upgrade alert", s.Events)
	}
	if s.LogRetentionDays != w.Cluster.LogRetentionDays || s.Tags["environment"] != w.Cluster.Tags["environment"] {
		t.Errorf("log retention %d, tags %v: want the cluster's", s.LogRetentionDays, s.Tags)
	}
	rule := func(name string) platform.AlertRule {
		i := slices.IndexFunc(s.Rules, func(r platform.AlertRule) bool { return r.Name == name })
		return s.Rules[i]
	}
	// A pool at its maximum: the pool's nodes by AKS's naming, counted
	// against the pool's maxCount.
	if got, want := rule("NodePoolAtMaximumApps").Expr, `count(kube_node_info{node=~"aks-apps-.*",{cluster}}) >= 30`; got != want {
		t.Errorf("pool rule = %s, want %s", got, want)
	}
	// A backup is missing after the schedule's longest gap and two hours.
	if got, want := rule("BackupMissingWeekly").Expr, `time() - velero_backup_last_successful_timestamp{schedule="weekly",{cluster}} > 612000`; got != want {
		t.Errorf("weekly missing = %s, want %s", got, want)
	}
	if got := platform.ClusterMatcher(rule("NodeNotReady").Expr, `cluster="prod"`, `cluster_name="prod"`); got != `kube_node_status_condition{condition="Ready",status="true",cluster="prod"} == 0` {
		t.Errorf("NodeNotReady on a shared store = %s", got)
	}
}

// The node alerts mean the same on both clouds and read what each really
// holds: kube-state-metrics' node series on AKS, GKE's system metrics on
// GKE (its managed kube state metrics have no kube_node_* series), which
// select the cluster by cluster_name.
func TestNodeAlertsPerCloud(t *testing.T) {
	for _, tc := range []struct {
		cloud           platform.CloudFacts
		notReady, apps  string
		matcher, system string
	}{
		{aksfacts.Facts,
			`kube_node_status_condition{condition="Ready",status="true",} == 0`,
			`count(kube_node_info{node=~"aks-apps-.*",}) >= 30`,
			"", ""},
		{gkefacts.Facts,
			`label_replace(kubernetes_io:node_status_condition{monitored_resource="k8s_node",condition="Ready",status!="True",cluster_name="prod-cluster"}, "node", "$1", "node_name", "(.*)") > 0`,
			`count(kubernetes_io:node_cpu_allocatable_cores{monitored_resource="k8s_node",node_name=~"gke-.*-apps-[0-9a-f]{8}-.*",cluster_name="prod-cluster"}) >= 30`,
			`cluster="prod-cluster"`, `cluster_name="prod-cluster"`},
	} {
		t.Run(tc.cloud.Service, func(t *testing.T) {
			target, w := watched(t, tc.cloud)
			r, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]platform.AlertRule{}
			for _, rule := range r.Spec().Rules {
				got[rule.Name] = rule
			}
			for name, want := range map[string]string{"NodeNotReady": tc.notReady, "NodePoolAtMaximumApps": tc.apps} {
				rule, ok := got[name]
				if !ok {
					t.Errorf("no %s alert", name)
					continue
				}
				if expr := platform.ClusterMatcher(rule.Expr, tc.matcher, tc.system); expr != want {
					t.Errorf("%s:\n  %s\nwant\n  %s", name, expr, want)
				}
			}
			if n := got["NodeNotReady"]; n.Severity != platform.SeverityCritical || n.For != 15*time.Minute || n.Summary != "Node {{ $labels.node }} has not been Ready for 15 minutes" {
				t.Errorf("NodeNotReady = %+v; want the same critical 15-minute alert on every cloud", n)
			}
		})
	}
}

// GKE's node metrics begin with 1.32: an older cluster would never fire
// its node alerts, and is refused.
func TestGKENodeAlertsNeedKubernetes132(t *testing.T) {
	target, w := watched(t, gkefacts.Facts)
	w.Cluster.KubernetesVersion = "1.31"
	_, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
	want := `observability "1.31": the node alerts read GKE's node metrics, which clusters older than Kubernetes 1.32 do not have; upgrade the cluster (cluster.kubernetesVersion) to 1.32 or later`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	w.Cluster.KubernetesVersion = "1.32"
	if _, err := (observability.Args{Receivers: []observability.Receiver{oncall}}).Resolve("prod", "observability", target, w); err != nil {
		t.Errorf("1.32: %v", err)
	}
}

// Two receivers whose names Azure cuts to the same action group short
// name are refused when the settings are resolved, before anything is
// registered, with one error naming the field, the value and the fix; GKE
// shows whole names and takes them.
func TestReceiverShortNamesCollide(t *testing.T) {
	args := observability.Args{Receivers: []observability.Receiver{
		{Name: "platform-team-a", Emails: []string{"a@example.com"}, Severities: platform.Severities},
		{Name: "platform-team-b", Emails: []string{"b@example.com"}, Severities: platform.Severities},
		{Name: "platform-tea", Emails: []string{"c@example.com"}, Severities: platform.Severities},
	}}
	target, w := watched(t, aksfacts.Facts)
	_, err := args.Resolve("prod", "observability", target, w)
	var el *field.ErrorList
	if !errors.As(err, &el) {
		t.Fatalf("err = %v; want field errors", err)
	}
	var got []string
	for _, e := range el.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		`observability.receivers[1].name "platform-team-b": its first 12 characters, "platform-tea", are also those of receivers[0] ("platform-team-a"), and AKS's receiver short name, the sender its notifications show, is made of them; make the two names differ within their first 12 characters`,
		`observability.receivers[2].name "platform-tea": its first 12 characters, "platform-tea", are also those of receivers[0] ("platform-team-a"), and AKS's receiver short name, the sender its notifications show, is made of them; make the two names differ within their first 12 characters`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	target, w = watched(t, gkefacts.Facts)
	if _, err := args.Resolve("prod", "observability", target, w); err != nil {
		t.Errorf("GKE: %v", err)
	}
}

func TestAlertsFollowWhatRuns(t *testing.T) {
	target, w := watched(t, gkefacts.Facts)
	w.IngressRequests, w.CertManager, w.BackupSchedules, w.ManagedBackup = "", false, nil, true
	target.Production = false
	r, err := observability.Args{}.Resolve("dev", "observability", target, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range r.Spec().Rules {
		if strings.HasPrefix(rule.Name, "Certificate") || strings.HasPrefix(rule.Name, "Backup") || rule.Name == "IngressErrors" {
			t.Errorf("%s: watches a service that does not run", rule.Name)
		}
		if strings.HasPrefix(rule.Name, "NodePoolAtMaximum") && !strings.Contains(rule.Expr, `node_name=~"gke-.*-`) {
			t.Errorf("%s on GKE: %s", rule.Name, rule.Expr)
		}
	}
	events := r.Spec().Events
	if len(events) != 2 || events[1].Name != "ManagedBackupFailed" || events[1].Severity != platform.SeverityCritical {
		t.Errorf("events = %+v; want the upgrade and Backup for GKE's failures", events)
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		args observability.Args
		prod bool
		want []string
	}{
		{"production needs a critical receiver", observability.Args{Receivers: []observability.Receiver{{Name: "team", Emails: []string{"team@example.com"}, Severities: []platform.Severity{platform.SeverityWarning}}}}, true,
			[]string{`observability.receivers: required: a production environment's critical alerts reach someone: add a receiver with severities [critical], e.g. the on-call's e-mail or paging webhook`}},
		{"outside production none is fine", observability.Args{}, false, nil},
		{"bad receivers", observability.Args{Receivers: []observability.Receiver{
			{Name: "On Call", Emails: []string{"oncall"}, Webhooks: []string{"http://hooks.example.com/T0K3N"}, Severities: []platform.Severity{"page"}},
			{Name: "empty"},
		}}, false, []string{
			`observability.receivers[0].name "On Call": a receiver's name is a DNS label: lowercase letters, digits and '-', e.g. "oncall"`,
			`observability.receivers[0].emails[0] "oncall": not an e-mail address, e.g. "oncall@example.com"`,
			`observability.receivers[0].webhooks[0]: not an https URL; webhooks are posted to over https only`,
			`observability.receivers[0].severities[0] "page": use "critical" or "warning"`,
			`observability.receivers[1]: required: an e-mail address or a webhook to notify`,
			`observability.receivers[1].severities: required: the severities it takes, e.g. [critical, warning]`,
		}},
		{"a team rule may not take a baseline name", observability.Args{Rules: []observability.Rule{{
			Name: "NodeNotReady", Expr: "up{" + platform.ClusterSelector + "} == 0", For: time.Minute, Severity: platform.SeverityWarning, Summary: "s", Runbook: "https://example.com/r",
		}}}, false, []string{
			`observability.rules[0].name "NodeNotReady": the name of a baseline alert; name the team's own alert differently`,
			`observability.rules[13].name "NodeNotReady": also the name of observability.rules[0].name; alert names are unique`,
		}},
		{"a team rule's fields", observability.Args{Rules: []observability.Rule{{Name: "queue_deep", Expr: " ", For: 90 * time.Second, Severity: "page", Runbook: "docs/queue.md"}}}, false, []string{
			`observability.rules[13].name "queue_deep": an alert name is letters and digits starting with a capital letter, e.g. "NodeNotReady"`,
			`observability.rules[13].expr: required: the PromQL expression whose series are alerts`,
			`observability.rules[13].for "1m30s": whole minutes, at least 1m`,
			`observability.rules[13].severity "page": use "critical" or "warning"`,
			`observability.rules[13].summary: required: the one line a receiver shows`,
			`observability.rules[13].runbook "docs/queue.md": an https URL of what to do when the alert fires`,
		}},
		{"runbook base", observability.Args{RunbookBaseURL: "http://wiki/alerts#top"}, false, []string{
			`observability.runbookBaseURL "http://wiki/alerts#top": an https URL without a fragment, e.g. "https://github.com/plinth-dev/plinth/blob/main/docs/operations/alerts.md"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target, w := watched(t, aksfacts.Facts)
			target.Production = tc.prod
			_, err := tc.args.Resolve("prod", "observability", target, w)
			var got []string
			var el *field.ErrorList
			if errors.As(err, &el) {
				for _, e := range el.Errors {
					got = append(got, e.Error())
				}
			} else if err != nil {
				t.Fatal(err)
			}
			// The baseline's own rules come first; a team rule's index follows them.
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestMonitoringOffIsRefused(t *testing.T) {
	target, w := watched(t, aksfacts.Facts)
	w.Cluster.Monitoring = false
	_, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
	if err == nil || !strings.Contains(err.Error(), "observability: the cluster's managed metrics are off (cluster.monitoring.disabled)") {
		t.Errorf("err = %v", err)
	}
}

func TestNewCreatesThroughTheBackend(t *testing.T) {
	target, w := watched(t, aksfacts.Facts)
	hook := "https://hooks.example.com/services/T0K3N"
	r, err := observability.Args{Receivers: []observability.Receiver{
		oncall,
		{Name: "chat", Webhooks: []string{hook}, Severities: []platform.Severity{platform.SeverityWarning}},
	}}.Resolve("prod", "observability", target, w)
	if err != nil {
		t.Fatal(err)
	}
	var b *fake.Backend
	snap, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", "network", target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cr, err := cluster.Args{UserPools: []cluster.NodePool{{Name: "apps", MinCount: 3, MaxCount: 30}}}.Resolve("prod", "cluster", target, nr.Spec())
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		_, err = observability.New(ctx, r, b, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	specs := b.Observabilities()
	if len(specs) != 1 || specs[0].Outputs == nil || len(specs[0].Rules) != len(r.Spec().Rules) {
		t.Fatalf("backend got %+v", specs)
	}
	root := snap.Find(observability.TypeToken, "prod")
	if root == nil {
		t.Fatal("no Observability component")
	}
	crit := snap.Find(fake.AlertType, "prod-NodeNotReady")
	if crit == nil {
		t.Fatal("no NodeNotReady alert")
	}
	if crit.Parent != root.URN {
		t.Errorf("alert parent = %s, want the component", crit.Parent)
	}
	// A critical alert reaches the on-call only; the webhook is a secret.
	if recv, _ := crit.Input("receivers"); len(recv.([]any)) != 1 {
		t.Errorf("critical alert receivers = %v, want the on-call's", recv)
	}
	chat := snap.Find(fake.ReceiverType, "prod-chat")
	if chat == nil {
		t.Fatal("no chat receiver")
	}
	if hooks, _ := chat.Input("webhooks"); hooks != snapshot.SecretValue {
		t.Errorf("the chat receiver's webhooks are %v, want %s", hooks, snapshot.SecretValue)
	}
}

func TestNewNeedsResolvedArgsABackendAndACluster(t *testing.T) {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		_, err := observability.New(ctx, observability.Resolved{}, nil, nil)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "observability: not resolved; pass what Args.Resolve returns") {
		t.Errorf("err = %v", err)
	}
}

// TestMeshAlerts: with the service mesh, the baseline watches its control
// plane and its two certificates.
func TestMeshAlerts(t *testing.T) {
	target, w := watched(t, gkefacts.Facts)
	w.Mesh = true
	r, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
	if err != nil {
		t.Fatal(err)
	}
	exprs := map[string]platform.AlertRule{}
	for _, rule := range r.Spec().Rules {
		exprs[rule.Name] = rule
	}
	for name, want := range map[string]struct {
		expr string
		sev  platform.Severity
	}{
		observability.AlertMeshControlPlaneDown: {`min by (deployment) (kube_deployment_status_replicas_available{namespace="linkerd",deployment=~"linkerd-(identity|destination|proxy-injector)",{cluster}}) < 1`, platform.SeverityCritical},
		observability.AlertMeshIssuerExpiring:   {`min(issuer_cert_ttl_seconds{namespace="linkerd",{cluster}}) < 43200`, platform.SeverityCritical},
		observability.AlertMeshAnchorExpiring:   {`certmanager_certificate_expiration_timestamp_seconds{name="linkerd-trust-anchor",{cluster}} - time() < 400 * 86400`, platform.SeverityWarning},
	} {
		rule, ok := exprs[name]
		if !ok {
			t.Errorf("no %s alert", name)
			continue
		}
		if rule.Expr != want.expr || rule.Severity != want.sev {
			t.Errorf("%s: %s (%s), want %s (%s)", name, rule.Expr, rule.Severity, want.expr, want.sev)
		}
	}
	w.Mesh = false
	r, err = observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range r.Spec().Rules {
		if strings.HasPrefix(rule.Name, "Mesh") {
			t.Errorf("%s without a mesh", rule.Name)
		}
	}
}

// TestEveryAlertHasARunbook: each baseline alert links to a section of
// docs/operations/alerts.md that exists.
func TestEveryAlertHasARunbook(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations/alerts.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cloud := range []platform.CloudFacts{aksfacts.Facts, gkefacts.Facts} {
		target, w := watched(t, cloud)
		w.Mesh, w.ManagedBackup = true, true
		r, err := observability.Args{Receivers: []observability.Receiver{oncall}}.Resolve("prod", "observability", target, w)
		if err != nil {
			t.Fatal(err)
		}
		var links []string
		for _, rule := range r.Spec().Rules {
			links = append(links, rule.Runbook)
		}
		for _, e := range r.Spec().Events {
			links = append(links, e.Runbook)
		}
		for _, l := range links {
			_, anchor, _ := strings.Cut(l, "#")
			if !strings.Contains(string(doc), "\n## "+anchor+"\n") {
				t.Errorf("%s: %s has no section ## %s in docs/operations/alerts.md", cloud.Name, l, anchor)
			}
		}
	}
}

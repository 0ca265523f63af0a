package accesspackage_test

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	namespaceType   = "kubernetes:core/v1:Namespace"
	quotaType       = "kubernetes:core/v1:ResourceQuota"
	limitRangeType  = "kubernetes:core/v1:LimitRange"
	netpolType      = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	roleBindingType = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
	crbType         = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
)

// on is the target of a deployment to the cloud of facts. Tests of a
// cloud's rules resolve against its facts and build on the fake backend,
// which records specs.
func on(facts platform.CloudFacts) platform.Target { return platform.Target{Cloud: facts} }

// clusterTags are the tags of the cluster the teams get access to.
var clusterTags = map[string]string{"environment": "dev"}

// newCluster resolves and creates a network and the cluster "dev", tagged
// clusterTags, for tg through b.
func newCluster(ctx *pulumi.Context, b *fake.Backend, tg platform.Target) (*cluster.Cluster, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), tg)
	if err != nil {
		return nil, err
	}
	net, err := network.New(ctx, nr, b)
	if err != nil {
		return nil, err
	}
	cr, err := cluster.Args{Tags: clusterTags}.Resolve("dev", field.NewPath("cluster"), tg, nr.Spec())
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, cr, b, net)
}

// resolveCatalog resolves the catalog "dev", changed by mutate, against
// the cloud of facts and a cluster tagged clusterTags, without creating
// anything.
func resolveCatalog(t *testing.T, facts platform.CloudFacts, mutate func(a *accesspackage.CatalogArgs)) accesspackage.ResolvedCatalog {
	t.Helper()
	var a accesspackage.CatalogArgs
	if mutate != nil {
		mutate(&a)
	}
	rc, err := a.Resolve("dev", field.NewPath("accessCatalog"), on(facts), platform.ClusterSpec{Name: "dev", Tags: clusterTags})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

// team is one AccessPackage to create: its logical name and args.
type team struct {
	name string
	args accesspackage.Args
}

// packages are teams as ResolvePackages takes them.
func packages(teams ...team) []accesspackage.Package {
	var out []accesspackage.Package
	for _, tm := range teams {
		out = append(out, accesspackage.Package{Name: tm.name, Args: tm.args})
	}
	return out
}

// result is one rendered program. Errors of resolving and creating the
// catalog and each package are kept per call and the program goes on, so
// the snapshot shows what was registered despite them.
type result struct {
	snap       *platformtest.Snapshot
	backend    *fake.Backend
	catalog    *accesspackage.Catalog
	catalogErr error
	packages   []*accesspackage.AccessPackage
	errs       []error
}

// render creates, on the fake backend, a network, a cluster "dev" tagged
// environment dev and the catalog "dev" (mutated by cat) resolved against
// the cloud of facts, then resolves each team against the catalog, one at
// a time, and creates it in the catalog.
func render(t *testing.T, facts platform.CloudFacts, cat func(a *accesspackage.CatalogArgs), teams ...team) result {
	t.Helper()
	var res result
	tg := on(facts)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		res.backend = b
		cl, err := newCluster(ctx, b, tg)
		if err != nil {
			return err
		}
		var cargs accesspackage.CatalogArgs
		if cat != nil {
			cat(&cargs)
		}
		rc, err := cargs.Resolve("dev", field.NewPath("accessCatalog"), tg, cl.Spec)
		if err != nil {
			res.catalogErr = err
			return nil
		}
		// Every team is resolved before the catalog is created, which
		// hands them all to the backend.
		resolved := make([]accesspackage.Resolved, len(teams))
		errs := make([]error, len(teams))
		for i, tm := range teams {
			resolved[i], errs[i] = tm.args.Resolve(tm.name, field.NewPath("accessPackage"), rc)
		}
		if res.catalog, res.catalogErr = accesspackage.NewCatalog(ctx, rc, b, cl); res.catalogErr != nil {
			return nil
		}
		for i := range teams {
			var p *accesspackage.AccessPackage
			err := errs[i]
			if err == nil {
				p, err = accesspackage.New(ctx, resolved[i], res.catalog)
			}
			res.packages = append(res.packages, p)
			res.errs = append(res.errs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res.snap = snap
	return res
}

// mustRender is render that fails the test on any component error.
func mustRender(t *testing.T, facts platform.CloudFacts, cat func(a *accesspackage.CatalogArgs), teams ...team) result {
	t.Helper()
	res := render(t, facts, cat, teams...)
	if res.catalogErr != nil {
		t.Fatalf("catalog: %v", res.catalogErr)
	}
	for i, err := range res.errs {
		if err != nil {
			t.Fatalf("package %s: %v", teams[i].name, err)
		}
	}
	return res
}

// payments is a team with two namespaces and the default levels.
func payments() team {
	return team{"payments", accesspackage.Args{
		Team:       "payments",
		CostCenter: "cc-1234",
		Namespaces: []accesspackage.Namespace{{Name: "payments"}, {Name: "payments-batch"}},
		Requestors: []string{"group:payments-members"},
		Approvers:  []string{"group:payments-leads"},
	}}
}

// checkout is a second team with one namespace.
func checkout() team {
	return team{"checkout", accesspackage.Args{
		Team:       "checkout",
		CostCenter: "cc-5678",
		Requestors: []string{"group:checkout-members"},
		Approvers:  []string{"group:checkout-leads"},
	}}
}

func with(tm team, mutate func(a *accesspackage.Args)) team {
	mutate(&tm.args)
	return tm
}

func in(t *testing.T, r *platformtest.Resource, path string) any {
	t.Helper()
	return platformtest.Input(t, r, path)
}

func groupID(spec, level string) string {
	return "fake://groups/" + spec + "-" + level + "-group"
}

// binding is what a RoleBinding or ClusterRoleBinding grants.
type binding struct {
	namespace, role, subject string
}

func bindings(t *testing.T, snap *platformtest.Snapshot, typ, parent string) []binding {
	t.Helper()
	var out []binding
	for _, r := range snap.OfType(typ) {
		if parent != "" && r.Parent != parent {
			continue
		}
		ref := in(t, r, "roleRef").(map[string]any)
		if ref["kind"] != "ClusterRole" || ref["apiGroup"] != "rbac.authorization.k8s.io" {
			t.Errorf("%s roleRef = %v", r.Name, ref)
		}
		subjects := in(t, r, "subjects").([]any)
		if len(subjects) != 1 {
			t.Fatalf("%s has %d subjects, want exactly the level's group", r.Name, len(subjects))
		}
		s := subjects[0].(map[string]any)
		if s["kind"] != "Group" || s["apiGroup"] != "rbac.authorization.k8s.io" {
			t.Errorf("%s subject = %v, want a Group", r.Name, s)
		}
		ns, _ := r.Input("metadata.namespace")
		nsName, _ := ns.(string)
		out = append(out, binding{nsName, ref["name"].(string), s["name"].(string)})
	}
	return out
}

func TestEachLevelIsBoundToExactlyItsRoleInExactlyEachNamespace(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments())
	comp := res.snap.Find(accesspackage.TypeToken, "payments")
	got := bindings(t, res.snap, roleBindingType, comp.URN)
	var want []binding
	for _, ns := range []string{"payments", "payments-batch"} {
		for _, lv := range []struct{ level, role string }{{"reader", "view"}, {"developer", "edit"}, {"admin", "admin"}} {
			want = append(want, binding{ns, lv.role, groupID("payments", lv.level)})
		}
	}
	sortBindings(got)
	sortBindings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RoleBindings:\n got %v\nwant %v", got, want)
	}
	if n := len(res.snap.OfType(roleBindingType)); n != len(want) {
		t.Errorf("%d RoleBindings in the stack, want %d", n, len(want))
	}
	rb := res.snap.Find(roleBindingType, "payments-payments-batch-developer")
	if in(t, rb, "metadata.name") != "plinth-developer" || in(t, rb, "metadata.namespace") != "payments-batch" {
		t.Errorf("developer binding is %v/%v", in(t, rb, "metadata.namespace"), in(t, rb, "metadata.name"))
	}
	if n := len(res.snap.OfType(crbType)); n != 0 {
		t.Errorf("%d ClusterRoleBindings without break-glass; a team level must never grant cluster-wide rights", n)
	}
}

func sortBindings(b []binding) {
	slices.SortFunc(b, func(x, y binding) int {
		return strings.Compare(x.namespace+x.role+x.subject, y.namespace+y.role+y.subject)
	})
}

// breakGlass is a valid break-glass level.
func breakGlass(a *accesspackage.CatalogArgs) {
	a.BreakGlass = &accesspackage.Level{
		Requestors: []string{"group:platform-oncall"},
		Approval:   []platform.ApprovalStage{{Approvers: []string{"group:platform-leads"}}},
	}
}

// TestBreakGlassIsNeverAStandingBinding: break-glass gets cluster-admin
// only through the cloud's time-bound grant (the backend spec below), never
// through a ClusterRoleBinding that would outlive the grant.
func TestBreakGlassIsNeverAStandingBinding(t *testing.T) {
	res := mustRender(t, fake.Facts, breakGlass, payments(), checkout())
	if crbs := res.snap.OfType(crbType); len(crbs) != 0 {
		t.Fatalf("%d ClusterRoleBindings; cluster-wide rights come only from the cloud's time-bound break-glass grant", len(crbs))
	}
	if got := res.catalog.BreakGlass; got == nil {
		t.Error("catalog has no break-glass group")
	}

	specs := res.backend.AccessPackages()
	if len(specs) != 3 {
		t.Fatalf("%d access packages, want break-glass and two teams", len(specs))
	}
	bg := specs[0]
	if bg.Name != "dev" || bg.Team != accesspackage.BreakGlassTeam || len(bg.Namespaces) != 0 || len(bg.Levels) != 1 {
		t.Fatalf("break-glass spec = %+v", bg)
	}
	l := bg.Levels[0]
	if l.Name != "break-glass" || l.Role != platform.AccessClusterAdmin || !l.Justification ||
		l.MaxDuration != accesspackage.DefaultBreakGlassMaxDuration || len(l.Approval) != 1 || l.Approval[0].TimeoutDays != accesspackage.DefaultApprovalTimeoutDays {
		t.Errorf("break-glass level = %+v", l)
	}
	for _, s := range specs[1:] {
		for _, l := range s.Levels {
			if l.Role == platform.AccessClusterAdmin {
				t.Errorf("team %s level %s is cluster-admin", s.Team, l.Name)
			}
		}
		if len(s.Namespaces) == 0 {
			t.Errorf("team %s has no namespace scope; its cloud rights would be cluster-wide", s.Team)
		}
	}
	for _, p := range res.snap.OfType(fake.AccessPackageType) {
		if p.Name != "dev-break-glass" && in(t, p, "role") == "cluster-admin" {
			t.Errorf("%s grants cluster-admin", p.Name)
		}
	}
}

func TestDefaultLevels(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments())
	spec := res.backend.AccessPackages()[0]
	leads := []platform.ApprovalStage{{Approvers: []string{"group:payments-leads"}, TimeoutDays: accesspackage.DefaultApprovalTimeoutDays}}
	want := []platform.AccessLevelSpec{
		{Name: "reader", Role: platform.AccessView, Requestors: []string{"group:payments-members"}, Justification: true, MaxDuration: 90 * 24 * time.Hour},
		{Name: "developer", Role: platform.AccessEdit, Requestors: []string{"group:payments-members"}, Approval: leads, Justification: true, MaxDuration: 30 * 24 * time.Hour},
		{Name: "admin", Role: platform.AccessAdmin, Requestors: []string{"group:payments-members"}, Approval: leads, Justification: true, MaxDuration: 8 * time.Hour},
	}
	if !reflect.DeepEqual(spec.Levels, want) {
		t.Errorf("levels:\n got %+v\nwant %+v", spec.Levels, want)
	}
	if spec.Name != "payments" || spec.Team != "payments" || !reflect.DeepEqual(spec.Namespaces, []string{"payments", "payments-batch"}) {
		t.Errorf("spec = %s %s %v", spec.Name, spec.Team, spec.Namespaces)
	}
	if spec.Cluster == nil || spec.Catalog == nil {
		t.Error("spec lacks the cluster or the catalog")
	}
	if spec.Tags["team"] != "payments" || spec.Tags["environment"] != "dev" || spec.Tags["cost-center"] != "cc-1234" {
		t.Errorf("spec tags = %v", spec.Tags)
	}
}

func TestDurationsAreWholeDaysOnAzure(t *testing.T) {
	tm := with(payments(), func(a *accesspackage.Args) {
		a.Requestors = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"}
		a.Approvers = []string{"group:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}
	})
	res := mustRender(t, aksfacts.Facts, func(a *accesspackage.CatalogArgs) {
		a.BreakGlass = &accesspackage.Level{
			Requestors: []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"},
			Approval:   []platform.ApprovalStage{{Approvers: []string{"group:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}}},
		}
	}, tm)
	specs := res.backend.AccessPackages()
	if got := specs[0].Levels[0].MaxDuration; got != 24*time.Hour {
		t.Errorf("break-glass on Azure lasts %v, want one day (Entra's shortest assignment)", got)
	}
	var got []time.Duration
	for _, l := range specs[1].Levels {
		got = append(got, l.MaxDuration)
	}
	if want := []time.Duration{90 * 24 * time.Hour, 30 * 24 * time.Hour, 24 * time.Hour}; !reflect.DeepEqual(got, want) {
		t.Errorf("durations on Azure = %v, want %v", got, want)
	}
}

func TestDefaultDurationsAreCappedByThePlatformMaximum(t *testing.T) {
	res := mustRender(t, fake.Facts, func(a *accesspackage.CatalogArgs) { a.MaxDuration = 14 * 24 * time.Hour }, payments())
	var got []time.Duration
	for _, l := range res.backend.AccessPackages()[0].Levels {
		got = append(got, l.MaxDuration)
	}
	if want := []time.Duration{14 * 24 * time.Hour, 14 * 24 * time.Hour, 8 * time.Hour}; !reflect.DeepEqual(got, want) {
		t.Errorf("durations = %v, want %v", got, want)
	}
}

func TestPolicySettingsReachTheBackend(t *testing.T) {
	no := false
	tm := with(payments(), func(a *accesspackage.Args) {
		a.Levels = []accesspackage.Level{{
			Name:       "operator",
			Role:       platform.AccessEdit,
			Requestors: []string{"user:alice", "group:sre"},
			Approval: []platform.ApprovalStage{
				{Approvers: []string{"group:payments-leads"}, TimeoutDays: 3},
				{Approvers: []string{"user:security-officer"}},
			},
			Justification: &no,
			MaxDuration:   72 * time.Hour,
			Review:        &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:payments-leads"}},
		}}
	})
	res := mustRender(t, fake.Facts, nil, tm)
	l := res.backend.AccessPackages()[0].Levels[0]
	want := platform.AccessLevelSpec{
		Name: "operator", Role: platform.AccessEdit, Requestors: []string{"user:alice", "group:sre"},
		Approval: []platform.ApprovalStage{
			{Approvers: []string{"group:payments-leads"}, TimeoutDays: 3},
			{Approvers: []string{"user:security-officer"}, TimeoutDays: accesspackage.DefaultApprovalTimeoutDays},
		},
		MaxDuration: 72 * time.Hour,
		Review:      &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:payments-leads"}},
	}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("level:\n got %+v\nwant %+v", l, want)
	}

	pkg := res.snap.Find(fake.AccessPackageType, "payments-operator")
	for path, want := range map[string]any{
		"role":                   "edit",
		"requestors":             []any{"user:alice", "group:sre"},
		"approval.0.approvers":   []any{"group:payments-leads"},
		"approval.0.timeoutDays": 3.0,
		"approval.1.approvers":   []any{"user:security-officer"},
		"approval.1.timeoutDays": float64(accesspackage.DefaultApprovalTimeoutDays),
		"justification":          false,
		"maxDuration":            "72h0m0s",
		"review.every":           "quarterly",
		"review.reviewers":       []any{"group:payments-leads"},
		"namespaces":             []any{"payments", "payments-batch"},
		"group":                  groupID("payments", "operator"),
		"catalog":                "fake://access-catalogs/dev-catalog",
	} {
		if got := in(t, pkg, path); !reflect.DeepEqual(got, want) {
			t.Errorf("policy %s = %v, want %v", path, got, want)
		}
	}
}

func TestNoApprovalLevelHasNoStages(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments())
	reader := res.snap.Find(fake.AccessPackageType, "payments-reader")
	if got := in(t, reader, "approval"); !reflect.DeepEqual(got, []any{}) {
		t.Errorf("reader approval = %v, want none (noApproval)", got)
	}
}

func TestExistingGroupIsUsedInsteadOfCreatingOne(t *testing.T) {
	tm := with(payments(), func(a *accesspackage.Args) {
		a.Levels = slices.Clone(accesspackage.DefaultLevels)
		a.Levels[1].ExistingGroup = "payments-devs"
	})
	res := mustRender(t, fake.Facts, nil, tm)
	if g := res.snap.Find(fake.GroupType, "payments-developer-group"); g != nil {
		t.Error("a group was created for the level with an existing group")
	}
	if n := len(res.snap.OfType(fake.GroupType)); n != 2 {
		t.Errorf("%d groups created, want 2 (reader, admin)", n)
	}
	if _, ok := res.packages[0].Groups["developer"]; !ok {
		t.Error("no developer group output")
	}
	for _, b := range bindings(t, res.snap, roleBindingType, "") {
		if b.role == "edit" && b.subject != "payments-devs" {
			t.Errorf("edit is bound to %s, want the existing group", b.subject)
		}
	}
	if got := in(t, res.snap.Find(fake.AccessPackageType, "payments-developer"), "group"); got != "payments-devs" {
		t.Errorf("developer package group = %v", got)
	}
	if got := res.backend.AccessPackages()[0].Levels[1].ExistingGroup; got != "payments-devs" {
		t.Errorf("spec existing group = %q", got)
	}
	if accesspackage.DefaultLevels[1].ExistingGroup != "" {
		t.Error("DefaultLevels was modified")
	}
}

func TestTwoTeamsNeverShareNamespacesOrGroups(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments(), checkout())
	owner := map[string]string{} // namespace or group -> team component
	for _, name := range []string{"payments", "checkout"} {
		comp := res.snap.Find(accesspackage.TypeToken, name)
		for _, b := range bindings(t, res.snap, roleBindingType, comp.URN) {
			for _, key := range []string{"ns:" + b.namespace, "group:" + b.subject} {
				if o, ok := owner[key]; ok && o != name {
					t.Errorf("%s is used by %s and %s", key, o, name)
				}
				owner[key] = name
			}
		}
	}
	if owner["ns:checkout"] != "checkout" || owner["ns:payments"] != "payments" {
		t.Errorf("owners = %v", owner)
	}
	if got := res.backend.AccessPackages()[1].Namespaces; !reflect.DeepEqual(got, []string{"checkout"}) {
		t.Errorf("checkout's namespaces = %v, want one named after the team", got)
	}
}

// under renders problems whose paths follow path, one a line: what
// ResolvePackages reports under "teams[i]" New reports under the path the
// package was resolved at.
func under(path string, problems ...string) string {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = path + p
	}
	return strings.Join(lines, "\n")
}

// conflicts are two packages of one catalog that would share a team, a
// namespace or a group, and what the second is told, its paths relative.
var conflicts = []struct {
	name          string
	first, second team
	want          []string
}{
	{"same team", payments(), with(checkout(), func(a *accesspackage.Args) { a.Team = "payments" }), []string{
		`.team "payments": already has its access from AccessPackage "payments"; AccessPackage "checkout" would share its namespaces and groups: add namespaces or levels to "payments" instead`,
	}},
	{"same namespace", payments(), with(checkout(), func(a *accesspackage.Args) {
		a.Namespaces = []accesspackage.Namespace{{Name: "checkout"}, {Name: "payments-batch"}}
	}), []string{
		`.namespaces[1].name "payments-batch": already belongs to team "payments" (AccessPackage "payments"); team "checkout" (AccessPackage "checkout") cannot share it: a namespace has exactly one team; pick another name`,
	}},
	{"same existing group",
		with(payments(), func(a *accesspackage.Args) {
			a.Levels = slices.Clone(accesspackage.DefaultLevels)
			a.Levels[0].ExistingGroup = "all-engineers"
		}),
		with(checkout(), func(a *accesspackage.Args) {
			a.Levels = slices.Clone(accesspackage.DefaultLevels)
			a.Levels[0].ExistingGroup = "all-engineers"
		}),
		[]string{
			`.levels[0].existingGroup "all-engineers": already the group of team "payments" (AccessPackage "payments", level "reader"); team "checkout" (AccessPackage "checkout", level "reader") cannot share it: a group backs one level of one team, or its members would hold both; use another group or leave existingGroup unset to create one`,
		}},
}

// New claims the team, namespaces and groups in the catalog: the second
// package that would share one is refused and registers nothing.
func TestSecondPackageCannotClaimATeamNamespaceOrGroup(t *testing.T) {
	for _, tc := range conflicts {
		t.Run(tc.name, func(t *testing.T) {
			res := render(t, fake.Facts, nil, tc.first, tc.second)
			if res.errs[0] != nil {
				t.Fatal(res.errs[0])
			}
			var list *field.ErrorList
			if want := under("accessPackage", tc.want...); !errors.As(res.errs[1], &list) || list.Error() != want {
				t.Errorf("error:\n%v\nwant:\n%s", res.errs[1], want)
			}
			if res.snap.Find(accesspackage.TypeToken, tc.second.name) != nil || len(res.backend.AccessPackages()) != 1 {
				t.Error("the second package was registered despite the conflict")
			}
		})
	}
}

// ResolvePackages finds the same conflicts before anything is created, at
// the path of the package that would share.
func TestResolvePackagesFindsWhatTwoPackagesWouldShare(t *testing.T) {
	rc := resolveCatalog(t, fake.Facts, nil)
	for _, tc := range conflicts {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := accesspackage.ResolvePackages(rc, packages(tc.first, tc.second), field.NewPath("teams"))
			expectErrors(t, err, strings.Split(under("teams[1]", tc.want...), "\n"))
			if rs != nil {
				t.Errorf("ResolvePackages returned %d packages with its error", len(rs))
			}
		})
	}
}

func TestBreakGlassTeamIsReserved(t *testing.T) {
	platformTeam := with(payments(), func(a *accesspackage.Args) { a.Team = "platform" })
	want := `.team "platform": reserved for the break-glass level of AccessCatalog "dev"; name the team differently`
	res := render(t, fake.Facts, breakGlass, platformTeam)
	expectErrors(t, res.errs[0], []string{"accessPackage" + want})
	if len(res.backend.AccessPackages()) != 1 {
		t.Error("the package was created beside the break-glass level")
	}

	_, err := accesspackage.ResolvePackages(resolveCatalog(t, fake.Facts, breakGlass), packages(checkout(), platformTeam), field.NewPath("teams"))
	expectErrors(t, err, []string{"teams[1]" + want})
	// Without a break-glass level the team name is free.
	if _, err := accesspackage.ResolvePackages(resolveCatalog(t, fake.Facts, nil), packages(platformTeam), field.NewPath("teams")); err != nil {
		t.Errorf("team platform refused without a break-glass level: %v", err)
	}
}

// A package that fails claims nothing: another may take its team.
func TestFailedPackageClaimsNothing(t *testing.T) {
	// Refused by New: it would share a namespace. Its team stays free.
	sharing := with(checkout(), func(a *accesspackage.Args) {
		a.Namespaces = []accesspackage.Namespace{{Name: "checkout"}, {Name: "payments"}}
	})
	fixed := checkout()
	fixed.name = "checkout-fixed"
	res := render(t, fake.Facts, nil, payments(), sharing, fixed)
	if res.errs[0] != nil {
		t.Fatal(res.errs[0])
	}
	if res.errs[1] == nil {
		t.Fatal("a package sharing a namespace was created")
	}
	if res.errs[2] != nil {
		t.Errorf("the refused package claimed its team or namespaces: %v", res.errs[2])
	}

	// Refused by Resolve: invalid levels. ResolvePackages reports only
	// its problems, not a conflict with the package that takes its team.
	bad := with(payments(), func(a *accesspackage.Args) {
		a.Levels = []accesspackage.Level{{Name: "x", Role: "owner", NoApproval: true}}
	})
	good := payments()
	good.name = "payments-fixed"
	_, err := accesspackage.ResolvePackages(resolveCatalog(t, fake.Facts, nil), packages(bad, good), field.NewPath("teams"))
	expectErrors(t, err, []string{`teams[0].levels[0].role "owner": must be view, edit or admin`})
}

// ResolvePackages claims nothing in any catalog: what it returns is
// created in the catalog, each package once, without conflict.
func TestResolvePackagesThenNew(t *testing.T) {
	var newErrs []error
	var b *fake.Backend
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, on(fake.Facts))
		if err != nil {
			return err
		}
		rc, err := accesspackage.CatalogArgs{}.Resolve("dev", field.NewPath("accessCatalog"), on(fake.Facts), cl.Spec)
		if err != nil {
			return err
		}
		rs, err := accesspackage.ResolvePackages(rc, packages(payments(), checkout()), field.NewPath("teams"))
		if err != nil {
			return err
		}
		cat, err := accesspackage.NewCatalog(ctx, rc, b, cl)
		if err != nil {
			return err
		}
		for _, r := range rs {
			_, err := accesspackage.New(ctx, r, cat)
			newErrs = append(newErrs, err)
		}
		// Created once, a package's claims are its own: the same again
		// conflicts with itself, reported at the path it was resolved at.
		_, err = accesspackage.New(ctx, rs[0], cat)
		newErrs = append(newErrs, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(newErrs) != 3 || newErrs[0] != nil || newErrs[1] != nil {
		t.Fatalf("New after ResolvePackages: %v", newErrs)
	}
	expectErrors(t, newErrs[2], []string{
		`teams[0].team "payments": listed twice; list each team once, with all its namespaces and levels`,
	})
	if got := len(b.AccessPackages()); got != 2 {
		t.Errorf("%d access packages created, want payments and checkout", got)
	}
}

func TestNamespaces(t *testing.T) {
	res := mustRender(t, fake.Facts, func(a *accesspackage.CatalogArgs) { a.Tags = map[string]string{"owner": "platform"} },
		with(payments(), func(a *accesspackage.Args) {
			a.Namespaces[1].PodSecurity = accesspackage.PodSecurityRestricted
			a.Tags = map[string]string{"tier": "gold"}
		}))
	wantLabels := map[string]any{
		"team": "payments", "environment": "dev", "cost-center": "cc-1234", "managed-by": "plinth",
		"owner": "platform", "tier": "gold",
	}
	for ns, enforce := range map[string]string{"payments": "baseline", "payments-batch": "restricted"} {
		n := res.snap.Find(namespaceType, "payments-"+ns+"-namespace")
		if in(t, n, "metadata.name") != ns {
			t.Errorf("namespace %s is named %v", ns, in(t, n, "metadata.name"))
		}
		labels := in(t, n, "metadata.labels").(map[string]any)
		for k, v := range wantLabels {
			if labels[k] != v {
				t.Errorf("namespace %s label %s = %v, want %v", ns, k, labels[k], v)
			}
		}
		for k, v := range map[string]string{
			"pod-security.kubernetes.io/enforce": enforce,
			"pod-security.kubernetes.io/warn":    "restricted",
			"pod-security.kubernetes.io/audit":   "restricted",
		} {
			if labels[k] != v {
				t.Errorf("namespace %s label %s = %v, want %v", ns, k, labels[k], v)
			}
		}
	}
	if n := len(res.snap.OfType(namespaceType)); n != 2 {
		t.Errorf("%d namespaces, want 2", n)
	}
	// Every namespaced object carries the team's labels.
	for _, typ := range []string{quotaType, limitRangeType, netpolType, roleBindingType} {
		for _, r := range res.snap.OfType(typ) {
			labels := in(t, r, "metadata.labels").(map[string]any)
			if labels["team"] != "payments" || labels["managed-by"] != "plinth" {
				t.Errorf("%s %s labels = %v", typ, r.Name, labels)
			}
		}
	}
}

func TestQuotaAndLimits(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, with(payments(), func(a *accesspackage.Args) {
		a.Namespaces[1].Quota = &accesspackage.Quota{CPU: "32", Pods: 200, LoadBalancers: 1}
		a.Namespaces[1].Limits = &accesspackage.Limits{CPULimit: "2"}
	}))
	q := res.snap.Find(quotaType, "payments-payments-quota")
	if in(t, q, "metadata.name") != "plinth-quota" || in(t, q, "metadata.namespace") != "payments" {
		t.Errorf("quota is %v/%v", in(t, q, "metadata.namespace"), in(t, q, "metadata.name"))
	}
	wantDefault := map[string]any{
		"requests.cpu": "8", "requests.memory": "16Gi", "limits.memory": "32Gi", "pods": "50",
		"persistentvolumeclaims": "10", "requests.storage": "200Gi",
		"services.loadbalancers": "0", "services.nodeports": "0",
	}
	if got := in(t, q, "spec.hard"); !reflect.DeepEqual(got, wantDefault) {
		t.Errorf("default quota = %v\nwant %v", got, wantDefault)
	}
	custom := in(t, res.snap.Find(quotaType, "payments-payments-batch-quota"), "spec.hard").(map[string]any)
	if custom["requests.cpu"] != "32" || custom["pods"] != "200" || custom["services.loadbalancers"] != "1" || custom["requests.memory"] != "16Gi" {
		t.Errorf("custom quota = %v; set fields must win and unset ones default", custom)
	}

	lr := res.snap.Find(limitRangeType, "payments-payments-limits")
	if in(t, lr, "metadata.name") != "plinth-limits" {
		t.Errorf("LimitRange named %v", in(t, lr, "metadata.name"))
	}
	item := platformtest.At(t, in(t, lr, "spec.limits"), 0)
	want := map[string]any{
		"type":           "Container",
		"defaultRequest": map[string]any{"cpu": "100m", "memory": "128Mi"},
		"default":        map[string]any{"memory": "512Mi"},
	}
	if !reflect.DeepEqual(item, want) {
		t.Errorf("LimitRange item = %v\nwant %v", item, want)
	}
	item = platformtest.At(t, in(t, res.snap.Find(limitRangeType, "payments-payments-batch-limits"), "spec.limits"), 0)
	if got := platformtest.At(t, item, "default"); !reflect.DeepEqual(got, map[string]any{"cpu": "2", "memory": "512Mi"}) {
		t.Errorf("LimitRange default with a CPU limit = %v", got)
	}
}

func TestNetworkPolicies(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, with(payments(), func(a *accesspackage.Args) { a.IngressNamespace = "traefik" }))
	pol := func(role string) map[string]any {
		r := res.snap.Find(netpolType, "payments-payments-batch-"+role)
		if got := in(t, r, "metadata.namespace"); got != "payments-batch" {
			t.Errorf("%s is in namespace %v", role, got)
		}
		return in(t, r, "spec").(map[string]any)
	}
	if n := len(res.snap.OfType(netpolType)); n != 8 {
		t.Errorf("%d network policies, want 4 per namespace", n)
	}

	deny := pol("default-deny")
	if !reflect.DeepEqual(deny, map[string]any{"podSelector": map[string]any{}, "policyTypes": []any{"Ingress", "Egress"}}) {
		t.Errorf("default deny = %v; want every pod, both directions, no rule", deny)
	}

	same := pol("allow-same-namespace")
	samePeer := []any{map[string]any{"podSelector": map[string]any{}}}
	if !reflect.DeepEqual(platformtest.At(t, same, "ingress", 0, "from"), samePeer) || !reflect.DeepEqual(platformtest.At(t, same, "egress", 0, "to"), samePeer) {
		t.Errorf("same-namespace policy = %v", same)
	}

	ing := pol("allow-ingress-controller")
	if !reflect.DeepEqual(platformtest.At(t, ing, "policyTypes"), []any{"Ingress"}) {
		t.Errorf("ingress policy types = %v", platformtest.At(t, ing, "policyTypes"))
	}
	from := platformtest.At(t, ing, "ingress", 0, "from").([]any)
	if len(from) != 1 || !reflect.DeepEqual(from[0], map[string]any{
		"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "traefik"}},
	}) {
		t.Errorf("ingress controller peer = %v; want exactly the traefik namespace", from)
	}

	dns := pol("allow-dns")
	if !reflect.DeepEqual(platformtest.At(t, dns, "policyTypes"), []any{"Egress"}) {
		t.Errorf("dns policy types = %v", platformtest.At(t, dns, "policyTypes"))
	}
	rule := platformtest.At(t, dns, "egress", 0).(map[string]any)
	wantRule := map[string]any{
		"to": []any{map[string]any{
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "kube-system"}},
			"podSelector":       map[string]any{"matchLabels": map[string]any{"k8s-app": "kube-dns"}},
		}},
		"ports": []any{map[string]any{"protocol": "UDP", "port": 53.0}, map[string]any{"protocol": "TCP", "port": 53.0}},
	}
	if !reflect.DeepEqual(rule, wantRule) {
		t.Errorf("dns rule = %v\nwant %v", rule, wantRule)
	}
}

func TestKubernetesObjectsUseTheClusterProviderAndAreParented(t *testing.T) {
	res := mustRender(t, fake.Facts, breakGlass, payments())
	provider := res.snap.Find("pulumi:providers:kubernetes", "dev-kubernetes")
	team := res.snap.Find(accesspackage.TypeToken, "payments")
	cat := res.snap.Find(accesspackage.CatalogTypeToken, "dev")
	n := 0
	for _, r := range res.snap.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") || r.Type == "kubernetes:helm.sh/v3:Release" {
			continue
		}
		n++
		if !strings.HasPrefix(r.Provider, provider.URN+"::") {
			t.Errorf("%s %s uses provider %s", r.Type, r.Name, r.Provider)
		}
		if r.Parent != team.URN && r.Parent != cat.URN {
			t.Errorf("%s %s has parent %s", r.Type, r.Name, r.Parent)
		}
	}
	if n == 0 {
		t.Fatal("no Kubernetes objects")
	}
	for _, typ := range []string{fake.GroupType, fake.AccessPackageType, fake.AccessCatalogType} {
		for _, r := range res.snap.OfType(typ) {
			if r.Parent != team.URN && r.Parent != cat.URN {
				t.Errorf("%s %s has parent %s", typ, r.Name, r.Parent)
			}
		}
	}
}

func TestOutputs(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments())
	p := res.packages[0]
	if got := slices.Sorted(maps.Keys(p.Groups)); !reflect.DeepEqual(got, []string{"admin", "developer", "reader"}) {
		t.Errorf("groups = %v", got)
	}
	if p.Spec.Team != "payments" || p.Spec.Name != "payments" {
		t.Errorf("spec = %s %s", p.Spec.Name, p.Spec.Team)
	}
}

func TestCatalogSpec(t *testing.T) {
	res := mustRender(t, fake.Facts, func(a *accesspackage.CatalogArgs) { a.CostCenter = "cc-platform" })
	cats := res.backend.Catalogs()
	if len(cats) != 1 {
		t.Fatalf("%d catalogs, want 1", len(cats))
	}
	c := cats[0]
	if c.Name != "dev" || c.Description != accesspackage.DefaultCatalogDescription ||
		c.Tags["environment"] != "dev" || c.Tags["cost-center"] != "cc-platform" {
		t.Errorf("catalog spec = %+v", c)
	}
	if got := res.catalog.Spec.MaxDuration; got != accesspackage.DefaultMaxDuration {
		t.Errorf("resolved maxDuration = %v", got)
	}
	if n := len(res.backend.AccessPackages()); n != 0 {
		t.Errorf("%d access packages without break-glass or teams", n)
	}
}

func TestTeamCannotUseTheBreakGlassGroup(t *testing.T) {
	cat := func(a *accesspackage.CatalogArgs) {
		breakGlass(a)
		a.BreakGlass.ExistingGroup = "platform-admins"
	}
	tm := with(payments(), func(a *accesspackage.Args) {
		a.Levels = slices.Clone(accesspackage.DefaultLevels)
		a.Levels[2].ExistingGroup = "platform-admins"
	})
	want := `.levels[2].existingGroup "platform-admins": already the group of team "platform" (AccessCatalog "dev", level "break-glass"); team "payments" (AccessPackage "payments", level "admin") cannot share it: a group backs one level of one team, or its members would hold both; use another group or leave existingGroup unset to create one`
	res := render(t, fake.Facts, cat, tm)
	expectErrors(t, res.errs[0], []string{"accessPackage" + want})
	_, err := accesspackage.ResolvePackages(resolveCatalog(t, fake.Facts, cat), packages(tm), field.NewPath("teams"))
	expectErrors(t, err, []string{"teams[0]" + want})
}

// Resolving claims nothing; creating does. Two values resolved from the
// same settings are both valid until one is created.
func TestResolveClaimsNothing(t *testing.T) {
	var resolveErrs, newErrs []error
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, on(fake.Facts))
		if err != nil {
			return err
		}
		rc, err := accesspackage.CatalogArgs{}.Resolve("dev", field.NewPath("accessCatalog"), on(fake.Facts), cl.Spec)
		if err != nil {
			return err
		}
		var rs []accesspackage.Resolved
		for range 2 {
			r, err := payments().args.Resolve("payments", field.NewPath("accessPackage"), rc)
			resolveErrs = append(resolveErrs, err)
			rs = append(rs, r)
		}
		cat, err := accesspackage.NewCatalog(ctx, rc, b, cl)
		if err != nil {
			return err
		}
		for _, r := range rs {
			_, err := accesspackage.New(ctx, r, cat)
			newErrs = append(newErrs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if resolveErrs[0] != nil || resolveErrs[1] != nil || newErrs[0] != nil {
		t.Fatalf("Resolve %v, New after Resolve %v", resolveErrs, newErrs[0])
	}
	if newErrs[1] == nil {
		t.Error("the same team was created twice in one catalog")
	}
}

// The catalog hands the backend every team resolved against it, as each
// package's New will: a cloud that keeps one access policy for all teams
// (GKE's JIT Groups) writes it with the catalog.
func TestCatalogHandsTheBackendEveryTeam(t *testing.T) {
	res := mustRender(t, fake.Facts, nil, payments(), team{name: "checkout", args: accesspackage.Args{
		Team: "checkout", CostCenter: "cc-2345", Requestors: []string{"group:checkout-members"}, Approvers: []string{"group:checkout-leads"},
	}})
	cats := res.backend.Catalogs()
	if len(cats) != 1 {
		t.Fatalf("%d catalogs, want 1", len(cats))
	}
	pkgs := res.backend.AccessPackages()
	if got := cats[0].Packages; len(got) != 2 || got[0].Name != "payments" || got[1].Name != "checkout" {
		t.Fatalf("catalog packages %+v, want payments and checkout", got)
	}
	for i, p := range cats[0].Packages {
		if p.Cluster != nil || p.Catalog != nil {
			t.Errorf("%s: the catalog's copy has a cluster or catalog, which do not exist yet", p.Name)
		}
		got := pkgs[i]
		got.Cluster, got.Catalog = nil, nil
		if !reflect.DeepEqual(p, got) {
			t.Errorf("%s: the catalog's copy\n%+v\ndiffers from what New passed\n%+v", p.Name, p, got)
		}
	}
}

// A team resolved after its catalog was created is not in the catalog the
// backend received: New refuses it and registers nothing for it.
func TestTeamResolvedAfterTheCatalogIsRefused(t *testing.T) {
	var newErr error
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, on(fake.Facts))
		if err != nil {
			return err
		}
		rc, err := accesspackage.CatalogArgs{}.Resolve("dev", field.NewPath("accessCatalog"), on(fake.Facts), cl.Spec)
		if err != nil {
			return err
		}
		cat, err := accesspackage.NewCatalog(ctx, rc, b, cl)
		if err != nil {
			return err
		}
		r, err := payments().args.Resolve("payments", field.NewPath("accessPackage"), rc)
		if err != nil {
			return err
		}
		_, newErr = accesspackage.New(ctx, r, cat)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if newErr == nil || !strings.Contains(newErr.Error(), `accessPackage "payments": resolved after NewCatalog created catalog "dev"; resolve every team before NewCatalog`) {
		t.Errorf("error %v, want the team refused as resolved after the catalog", newErr)
	}
	for _, r := range snap.Resources {
		if r.Type == accesspackage.TypeToken || strings.HasPrefix(r.Name, "payments") {
			t.Errorf("%s %s registered for a refused team", r.Type, r.Name)
		}
	}
}

// In production a team's namespaces (its workloads and volumes) and the
// levels' directory groups (their members) are protected and kept when
// they leave the stack; outside production neither.
func TestProductionRetainsNamespacesAndGroups(t *testing.T) {
	for _, production := range []bool{false, true} {
		var b *fake.Backend
		snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
			var err error
			if b, err = fake.New(ctx, "fake"); err != nil {
				return err
			}
			tg := platform.Target{Cloud: fake.Facts, Production: production}
			cl, err := newCluster(ctx, b, tg)
			if err != nil {
				return err
			}
			rc, err := accesspackage.CatalogArgs{BreakGlass: &accesspackage.Level{
				Requestors: []string{"group:platform-oncall"},
				Approval:   []platform.ApprovalStage{{Approvers: []string{"group:platform-leads"}}},
			}}.Resolve("dev", field.NewPath("accessCatalog"), tg, cl.Spec)
			if err != nil {
				return err
			}
			r, err := payments().args.Resolve("payments", field.NewPath("accessPackage"), rc)
			if err != nil {
				return err
			}
			cat, err := accesspackage.NewCatalog(ctx, rc, b, cl)
			if err != nil {
				return err
			}
			_, err = accesspackage.New(ctx, r, cat)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range snap.OfType("kubernetes:core/v1:Namespace") {
			if r.Protect != production || r.RetainOnDelete != production {
				t.Errorf("production %v: namespace %s protect %v retain %v", production, r.Name, r.Protect, r.RetainOnDelete)
			}
		}
		groups := snap.OfType(fake.GroupType)
		if len(groups) != 4 { // reader, developer, admin and break-glass
			t.Fatalf("%d groups, want 4", len(groups))
		}
		for _, r := range groups {
			if r.Protect != production || r.RetainOnDelete != production {
				t.Errorf("production %v: group %s protect %v retain %v", production, r.Name, r.Protect, r.RetainOnDelete)
			}
		}
		for _, s := range b.AccessPackages() {
			if s.Retain != production {
				t.Errorf("production %v: package %s Retain %v", production, s.Name, s.Retain)
			}
		}
	}
}

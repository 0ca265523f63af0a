package platformtest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// AccessTestBackend is what the access suite needs: a network and cluster
// to give access to, and the capability under test.
type AccessTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.AccessBackend
}

// NewAccessBackend creates the backend under test inside a Pulumi program.
type NewAccessBackend func(ctx *pulumi.Context) (AccessTestBackend, error)

// AccessGrant is one cloud right of an access level, as a backend
// registered it: a role at a scope, held by a principal.
type AccessGrant struct {
	// Role is the cloud's role: an Azure role definition ID, an IAM role.
	Role string
	// Scope is what the role holds on: an ARM ID, a project's resource
	// name.
	Scope string
	// Principal holds the role: the level's group, or "" where the cloud
	// binds the role to whoever a grant is given to (a Privileged Access
	// Manager requestor).
	Principal string
}

// String writes g for test failures.
func (g AccessGrant) String() string {
	return fmt.Sprintf("%s at %s to %q", g.Role, g.Scope, g.Principal)
}

// AccessPolicy is a level's request policy as a backend registered it,
// principals written as in the spec ("user:<id>", "group:<id>").
type AccessPolicy struct {
	// Requestors may request the level.
	Requestors []string
	// Approval are the approval stages in order; TimeoutDays is 0 where
	// the cloud keeps no timeout of its own
	// (AccessExpectations.ApprovalTimeouts).
	Approval []platform.ApprovalStage
	// Justification makes requestors say why.
	Justification bool
	// MaxDuration is how long a grant lasts.
	MaxDuration time.Duration
	// Review is the recurring review; nil means none.
	Review *platform.AccessReview
}

// AccessExpectations is what the access suite takes from the backend's
// test where clouds differ legitimately: the principals and groups the
// cloud accepts, the types it registers, how to read its grants and
// policies, and the grants each role gets.
//
// Templates (GroupName, Environment, the fields of LevelGrants) may hold
// {package} (the access package's name), {level} (the level's name),
// {cluster} (the cluster's ID), {group} (the level's group ID as
// NewAccessPackage returned it) and {namespace}: a grant template with
// {namespace} stands for one grant per namespace of the package.
type AccessExpectations struct {
	// Members, Leads and Security are principals of the cloud, written
	// "user:<id>" or "group:<id>": the team's group (requestors), its
	// leads' group (requestors of the higher levels, approvers, reviewers)
	// and a security officer, a user (the last approval stage). They must
	// differ.
	Members, Leads, Security string
	// ExistingGroup is a directory group the admin level uses instead of a
	// group of its own: an Entra object ID. "" where a team level cannot
	// use an existing group (CloudFacts.TeamExistingGroups false).
	ExistingGroup string

	// CatalogType is the type of the catalog NewAccessCatalog registers,
	// whose ID is the catalog's; "" for a cloud without catalogs, whose
	// catalog ID is empty and which registers none.
	CatalogType string
	// LevelsNameCatalog says that every level's children name the
	// catalog by its ID (Entra access packages belong to their catalog).
	LevelsNameCatalog bool
	// CatalogRoles are the roles of the catalog's other children, each
	// named "<catalog>-<role>"; none without.
	CatalogRoles []string
	// GroupType is the type of a level's directory group; GroupNameInput
	// is the input (a dotted path) that names the group, and GroupName
	// its value.
	GroupType, GroupNameInput, GroupName string

	// TeamGroupsOutside says that the cloud's access service creates the
	// group of a team level (every level but cluster-admin) outside the
	// stack, on its first use (GCP: JIT Groups creates a level's JIT
	// group when someone first joins it): such a level registers no
	// group, returns TeamGroupName as its group, and its request policy is
	// the catalog's (CatalogPolicies), not a child's.
	TeamGroupsOutside bool
	// TeamGroupName is a team level's group when TeamGroupsOutside; it
	// may hold {team}.
	TeamGroupName string
	// CatalogPolicies returns, keyed "<package>/<level>", the request
	// policy the backend's catalog writes for each team level of spec,
	// where the stack cannot show it (a secret's version). Used with
	// TeamGroupsOutside.
	CatalogPolicies func(spec platform.AccessCatalogSpec) map[string]AccessPolicy
	// MaxApprovalStages is the most approval stages a team level takes
	// (CloudFacts.MaxApprovalStages); 0 means at least two. The suite's
	// admin level has two stages, or as many as the cloud takes.
	MaxApprovalStages int

	// Reviews says the cloud keeps recurring access reviews. A backend
	// without them must refuse a level with a Review, naming
	// accessPackage.levels[<i>].review.
	Reviews bool
	// ApprovalTimeouts says approval stages keep their TimeoutDays.
	ApprovalTimeouts bool

	// Environment is the widest scope any grant may have: the cluster
	// ("{cluster}") or the project the environment owns.
	Environment string
	// LevelGrants are the grants a level of each role gets, exactly.
	LevelGrants map[platform.AccessRole][]AccessGrant
	// Grants reads the grants a child carries; nil for a child that
	// carries none.
	Grants func(t testing.TB, r *Resource) []AccessGrant
	// Policy reads the request policy a child carries; false for a child
	// that carries none. Exactly one child of each level carries one.
	Policy func(t testing.TB, r *Resource) (AccessPolicy, bool)

	// TagsProperty is the backend's TagsProperty; nil means that every
	// child with a "tags" or "labels" input takes the spec's tags.
	TagsProperty TagsPropertyFunc
}

// The suite's access: the catalog of platform "platform" with its
// break-glass package of the same name, as components/accesspackage's
// NewCatalog asks for them, and team payments' package "payments".
const (
	accessCatalogName = "platform"
	accessTeamName    = "payments"
)

var (
	// accessTags go on the catalog and the break-glass package.
	accessTags = platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-3001"}
	// accessTeamTags go on the team's package.
	accessTeamTags = accessTags.Merge(map[string]string{"team": accessTeamName})
)

// AccessSpecs returns what the access suite asks exp's backend for,
// without the cluster and catalog: the catalog "platform"; its break-glass
// package "platform" (team platform, no namespaces, one cluster-admin level
// "break-glass" for the leads, one approval stage by security,
// justification, one day); and team payments' package "payments" in the
// namespaces payments and payments-jobs with the levels reader (view, the
// members, no approval, three days, reviewed quarterly by the leads where
// the cloud has reviews), developer (edit, the members, one approval stage
// by the leads, justification, two days) and admin (admin, the leads, two
// stages or exp.MaxApprovalStages, justification, one day,
// exp.ExistingGroup). The catalog's Packages hold the team's package, as
// components/accesspackage hands it over (without cluster and catalog).
func AccessSpecs(exp AccessExpectations) (platform.AccessCatalogSpec, platform.AccessPackageSpec, platform.AccessPackageSpec) {
	const day = 24 * time.Hour
	catalog := platform.AccessCatalogSpec{Name: accessCatalogName, Description: "Access to the prod platform's clusters.", Tags: accessTags.Merge()}
	breakGlass := platform.AccessPackageSpec{
		Name: accessCatalogName,
		Team: "platform",
		Levels: []platform.AccessLevelSpec{{
			Name: "break-glass", Role: platform.AccessClusterAdmin,
			Requestors:    []string{exp.Leads},
			Approval:      []platform.ApprovalStage{{Approvers: []string{exp.Security}, TimeoutDays: 1}},
			Justification: true,
			MaxDuration:   day,
		}},
		Tags: accessTags.Merge(),
	}
	reader := platform.AccessLevelSpec{
		Name: "reader", Role: platform.AccessView,
		Requestors:  []string{exp.Members},
		MaxDuration: 3 * day,
	}
	if exp.Reviews {
		reader.Review = &platform.AccessReview{Every: "quarterly", Reviewers: []string{exp.Leads}}
	}
	team := platform.AccessPackageSpec{
		Name:       accessTeamName,
		Team:       accessTeamName,
		Namespaces: []string{"payments", "payments-jobs"},
		Levels: []platform.AccessLevelSpec{
			reader,
			{
				Name: "developer", Role: platform.AccessEdit,
				Requestors:    []string{exp.Members},
				Approval:      []platform.ApprovalStage{{Approvers: []string{exp.Leads}, TimeoutDays: 2}},
				Justification: true,
				MaxDuration:   2 * day,
			},
			{
				Name: "admin", Role: platform.AccessAdmin,
				Requestors: []string{exp.Leads},
				Approval: []platform.ApprovalStage{
					{Approvers: []string{exp.Leads}, TimeoutDays: 2},
					{Approvers: []string{exp.Security}, TimeoutDays: 1},
				},
				Justification: true,
				MaxDuration:   day,
				ExistingGroup: exp.ExistingGroup,
			},
		},
		Tags: accessTeamTags.Merge(),
	}
	if n := exp.MaxApprovalStages; n > 0 && n < 2 {
		team.Levels[2].Approval = team.Levels[2].Approval[:n]
	}
	published := team
	published.Levels = slices.Clone(team.Levels)
	catalog.Packages = []platform.AccessPackageSpec{published}
	return catalog, breakGlass, team
}

// accessResult holds what an access render resolved: the cluster's and
// the catalog's IDs ("cluster", "catalog") and each level's group
// ("id <package>/<level>", "subject <package>/<level>"), the levels each
// NewAccessPackage returned a group for, and the team package's error.
type accessResult struct {
	recorded
	levels map[string][]string
	err    error
	// policies are exp.CatalogPolicies of the catalog spec.
	policies map[string]AccessPolicy
}

// renderAccess renders the suite's network and cluster, under the
// component "platform" the catalog and the break-glass package, and under
// the component "payments" the team's package as changed by mutate. The
// team package's error goes into res, so that a refused spec still yields
// its snapshot.
func renderAccess(newBackend NewAccessBackend, exp AccessExpectations, mutate func(*platform.AccessPackageSpec), res *accessResult) (*Snapshot, error) {
	res.levels = map[string][]string{}
	return renderOnCluster(newBackend, func(ctx *pulumi.Context, b AccessTestBackend, sc *suiteCluster) error {
		anchor := sc.outputs.ID
		res.record(anchor, "cluster", anchor)
		// The catalog holds the team as AccessSpecs gives it: a package
		// mutate breaks must be refused by NewAccessPackage itself.
		catalogSpec, breakGlass, team := AccessSpecs(exp)
		if mutate != nil {
			mutate(&team)
		}
		if exp.CatalogPolicies != nil {
			res.policies = exp.CatalogPolicies(catalogSpec)
		}

		cp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, accessCatalogName, cp); err != nil {
			return err
		}
		catalog, err := b.NewAccessCatalog(ctx, catalogSpec, pulumi.Parent(cp))
		if err != nil {
			return err
		}
		res.record(anchor, "catalog", catalog.ID)
		breakGlass.Cluster, breakGlass.Catalog = sc.outputs, catalog
		out, err := b.NewAccessPackage(ctx, breakGlass, pulumi.Parent(cp))
		if err != nil {
			return fmt.Errorf("break-glass package: %w", err)
		}
		res.groups(anchor, breakGlass.Name, out)

		tp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, team.Name, tp); err != nil {
			return err
		}
		team.Cluster, team.Catalog = sc.outputs, catalog
		if out, res.err = b.NewAccessPackage(ctx, team, pulumi.Parent(tp)); res.err == nil {
			res.groups(anchor, team.Name, out)
		}
		return nil
	})
}

// groups records the groups NewAccessPackage returned for pkg.
func (r *accessResult) groups(anchor pulumi.StringOutput, pkg string, out *platform.AccessPackageOutputs) {
	for level, g := range out.Groups {
		r.levels[pkg] = append(r.levels[pkg], level)
		r.record(anchor, "id "+pkg+"/"+level, g.ID)
		r.record(anchor, "subject "+pkg+"/"+level, g.Subject)
	}
}

// AccessConformance runs the access rules of docs/contract.md against a
// backend, with what differs by cloud from exp. In one stack it creates
// the "prod" network and cluster of ClusterConformance and the access of
// AccessSpecs: the catalog and the break-glass package under one
// component "platform", the team's package under a component "payments".
// It checks:
//
//   - C1-C3 on every child, and C5; every child of a package names one of
//     its levels ("<package>-<level>" or "<package>-<level>-<role>"),
//     except the catalog;
//   - the catalog: one of exp.CatalogType with a non-empty ID (that every
//     level's children name, with exp.LevelsNameCatalog), or none and an
//     empty ID;
//   - each level's group: NewAccessPackage returns a group for exactly the
//     spec's levels, each with a distinct, non-empty ID and that ID as the
//     Kubernetes subject; a level with an ExistingGroup gets that group and
//     no new one; any other level gets one group of exp.GroupType named
//     exp.GroupName, except, with exp.TeamGroupsOutside, a team level,
//     whose group is exp.TeamGroupName and created outside the stack;
//   - each level's grants: exactly exp.LevelGrants for its role (a
//     namespaced role at each of the team's namespaces, cluster-admin only
//     for the break-glass level), none wider than exp.Environment;
//   - each level's request policy (a team level's from
//     exp.CatalogPolicies with exp.TeamGroupsOutside), carried through as
//     the spec says:
//     requestors, approval stages (with their timeouts where the cloud
//     keeps them), justification, maximum duration and review;
//   - C7 with exp.TagsProperty: the catalog's tags and each package's tags
//     on every child that takes tags;
//   - C8: a level without a maximum duration is refused with an error
//     naming accessPackage.levels[1].maxDuration "0s", and nothing is
//     registered for the package; where the cloud has no reviews, a level
//     with one is refused likewise (accessPackage.levels[0].review).
func AccessConformance(t *testing.T, newBackend NewAccessBackend, exp AccessExpectations) {
	t.Helper()
	t.Run("catalog and packages", func(t *testing.T) {
		res := &accessResult{}
		snap, err := renderAccess(newBackend, exp, nil, res)
		if err != nil {
			t.Fatalf("access suite: %v", err)
		}
		if res.err != nil {
			t.Fatalf("access suite: NewAccessPackage(%s): %v", accessTeamName, res.err)
		}
		var empty []string
		if exp.TeamGroupsOutside {
			empty = []string{accessTeamName} // its levels' groups are created outside
		}
		checkChildren(t, snap, empty...)
		checkUniqueURNs(t, snap)
		catalogSpec, breakGlass, team := AccessSpecs(exp)
		catalogChildren := descendants(snap, accessCatalogName)
		checkAccessCatalog(t, exp, catalogChildren, res.get("catalog"))
		checkAccessPackage(t, exp, breakGlass, catalogChildren, res)
		teamChildren := descendants(snap, accessTeamName)
		checkAccessPackage(t, exp, team, teamChildren, res)
		checkTags(t, catalogChildren, catalogSpec.Tags, exp.TagsProperty, false)
		// A team whose levels are all created outside the stack has no
		// children to carry its tags.
		if len(teamChildren) > 0 || !exp.TeamGroupsOutside {
			checkTags(t, teamChildren, team.Tags, exp.TagsProperty, false)
		}
	})

	t.Run("rejected duration", func(t *testing.T) {
		res := &accessResult{}
		snap, err := renderAccess(newBackend, exp, func(s *platform.AccessPackageSpec) { s.Levels[1].MaxDuration = 0 }, res)
		if err != nil {
			t.Fatalf("access suite: %v", err)
		}
		checkRejected(t, res.err, `accessPackage.levels[1].maxDuration "0s"`, "an access level that never expires", descendants(snap, accessTeamName))
	})

	if !exp.Reviews {
		t.Run("rejected review", func(t *testing.T) {
			res := &accessResult{}
			snap, err := renderAccess(newBackend, exp, func(s *platform.AccessPackageSpec) {
				s.Levels[0].Review = &platform.AccessReview{Every: "quarterly", Reviewers: []string{exp.Leads}}
			}, res)
			if err != nil {
				t.Fatalf("access suite: %v", err)
			}
			checkRejected(t, res.err, "accessPackage.levels[0].review", "an access review on a cloud without reviews", descendants(snap, accessTeamName))
		})
	}
}

// checkAccessCatalog holds the catalog to its contract: one resource of
// exp.CatalogType with an ID, or none and an empty ID.
func checkAccessCatalog(t *testing.T, exp AccessExpectations, children []*Resource, id string) {
	t.Helper()
	if exp.CatalogType == "" {
		if id != "" {
			t.Errorf("C4: the catalog's ID is %q; a cloud without catalogs returns an empty one", id)
		}
		return
	}
	if n := len(ofType(children, exp.CatalogType)); n != 1 {
		t.Errorf("%d catalogs of type %s registered; want one", n, exp.CatalogType)
	}
	if id == "" {
		t.Error("C4: the catalog's ID is empty")
	}
}

// checkAccessPackage holds one package's children (children of its
// component) and outputs to the access rules; see AccessConformance.
func checkAccessPackage(t *testing.T, exp AccessExpectations, spec platform.AccessPackageSpec, children []*Resource, res *accessResult) {
	t.Helper()
	byLevel := map[string][]*Resource{}
	for _, r := range children {
		level := levelOf(spec, r.Name)
		switch {
		case level != "":
			byLevel[level] = append(byLevel[level], r)
		case isCatalogChild(exp, r):
		case exp.CatalogType == "" || r.Type != exp.CatalogType:
			t.Errorf("C2: %s %s names none of the levels of access package %s; want %q + \"-<level>-<role>\"", r.Type, r.Name, spec.Name, spec.Name)
		}
	}
	var want []string
	for _, l := range spec.Levels {
		want = append(want, l.Name)
	}
	if got := slices.Sorted(slices.Values(res.levels[spec.Name])); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("C4: access package %s returned groups for the levels %v; want %v", spec.Name, got, want)
	}

	vars := map[string]string{"{package}": spec.Name, "{cluster}": res.get("cluster")}
	environment := expand(exp.Environment, vars)
	if environment == "" {
		t.Fatal("the cluster's ID is empty; the environment's scope cannot be known")
	}
	catalog := res.get("catalog")
	owners := map[string]string{}
	for _, l := range spec.Levels {
		key := spec.Name + "/" + l.Name
		id, subject := res.get("id "+key), res.get("subject "+key)
		if id == "" {
			t.Errorf("C4: level %s: the group's ID is empty", key)
			continue
		}
		if subject != id {
			t.Errorf("level %s: the Kubernetes subject %q is not the group %q", key, subject, id)
		}
		if other, dup := owners[id]; dup {
			t.Errorf("levels %s and %s share the group %q; each level has a group of its own", other, key, id)
		}
		owners[id] = key
		kids := byLevel[l.Name]
		lvars := map[string]string{"{level}": l.Name, "{group}": id}
		for k, v := range vars {
			lvars[k] = v
		}
		name := exp.GroupName
		outside := exp.TeamGroupsOutside && l.Role != platform.AccessClusterAdmin
		if outside {
			name = strings.ReplaceAll(exp.TeamGroupName, "{team}", spec.Team)
		}
		checkAccessGroup(t, exp, key, l, id, expand(name, lvars), kids, outside)
		if exp.LevelsNameCatalog && catalog != "" && !mentions(t, kids, catalog) {
			t.Errorf("level %s: no child names the catalog %q; each level belongs to the platform's catalog", key, catalog)
		}
		checkAccessGrants(t, exp, key, expandGrants(exp.LevelGrants[l.Role], lvars, spec.Namespaces), environment, kids)
		if outside {
			checkCatalogPolicy(t, exp, key, l, kids, res.policies)
		} else {
			checkAccessPolicy(t, exp, key, l, kids)
		}
	}
}

// levelOf returns the level of spec a child named name belongs to: the
// level whose "<package>-<level>" is the name or begins it before a "-".
func levelOf(spec platform.AccessPackageSpec, name string) string {
	for _, l := range spec.Levels {
		prefix := platform.ChildName(spec.Name, l.Name)
		if name == prefix || strings.HasPrefix(name, prefix+"-") {
			return l.Name
		}
	}
	return ""
}

// isCatalogChild reports whether r is one of the catalog's children of
// exp.CatalogRoles.
func isCatalogChild(exp AccessExpectations, r *Resource) bool {
	for _, role := range exp.CatalogRoles {
		if r.Name == platform.ChildName(accessCatalogName, role) {
			return true
		}
	}
	return false
}

// checkAccessGroup holds a level's group to the contract: the existing
// group, or one group of its own named name; with outside, a group the
// cloud's access service creates, named name and not in the stack.
func checkAccessGroup(t *testing.T, exp AccessExpectations, key string, l platform.AccessLevelSpec, id, name string, kids []*Resource, outside bool) {
	t.Helper()
	groups := ofType(kids, exp.GroupType)
	if outside {
		if id != name {
			t.Errorf("level %s: group %q; want %q, the group the cloud's access service creates", key, id, name)
		}
		for _, g := range groups {
			t.Errorf("level %s: %s %s created in the stack; the cloud's access service creates the level's group", key, g.Type, g.Name)
		}
		return
	}
	if l.ExistingGroup != "" {
		if id != l.ExistingGroup {
			t.Errorf("level %s: group %q; want the existing group %q", key, id, l.ExistingGroup)
		}
		for _, g := range groups {
			t.Errorf("level %s names the existing group %q but %s %s was created", key, l.ExistingGroup, g.Type, g.Name)
		}
		return
	}
	if len(groups) != 1 {
		t.Errorf("level %s: %d groups of type %s; want one", key, len(groups), exp.GroupType)
		return
	}
	if got := Input(t, groups[0], exp.GroupNameInput); got != name {
		t.Errorf("level %s: group %s has %s %v; want %q", key, groups[0].Name, exp.GroupNameInput, got, name)
	}
}

// checkAccessGrants holds a level's grants to exactly want, none wider
// than environment.
func checkAccessGrants(t *testing.T, exp AccessExpectations, key string, want []AccessGrant, environment string, kids []*Resource) {
	t.Helper()
	var got []AccessGrant
	for _, r := range kids {
		got = append(got, exp.Grants(t, r)...)
	}
	sortGrants(got)
	sortGrants(want)
	if !slices.Equal(got, want) {
		t.Errorf("level %s grants\n  %v\nwant\n  %v", key, got, want)
	}
	for _, g := range got {
		if g.Scope != environment && !strings.HasPrefix(g.Scope, environment+"/") {
			t.Errorf("level %s: grant %v is wider than the environment %s", key, g, environment)
		}
	}
}

// checkAccessPolicy holds a level's one request policy to the spec.
func checkAccessPolicy(t *testing.T, exp AccessExpectations, key string, l platform.AccessLevelSpec, kids []*Resource) {
	t.Helper()
	var policies []AccessPolicy
	for _, r := range kids {
		if p, ok := exp.Policy(t, r); ok {
			policies = append(policies, p)
		}
	}
	if len(policies) != 1 {
		t.Errorf("level %s: %d request policies; want one", key, len(policies))
		return
	}
	want := AccessPolicy{
		Requestors:    l.Requestors,
		Approval:      slices.Clone(l.Approval),
		Justification: l.Justification,
		MaxDuration:   l.MaxDuration,
		Review:        l.Review,
	}
	if !exp.ApprovalTimeouts {
		for i := range want.Approval {
			want.Approval[i].TimeoutDays = 0
		}
	}
	if got := normalPolicy(policies[0]); !reflect.DeepEqual(got, normalPolicy(want)) {
		t.Errorf("level %s: request policy\n  %+v\nwant\n  %+v", key, got, normalPolicy(want))
	}
}

// checkCatalogPolicy holds a team level whose policy is the catalog's to
// the spec: no child of the level carries one, and the catalog's (from
// policies) is the level's.
func checkCatalogPolicy(t *testing.T, exp AccessExpectations, key string, l platform.AccessLevelSpec, kids []*Resource, policies map[string]AccessPolicy) {
	t.Helper()
	for _, r := range kids {
		if _, ok := exp.Policy(t, r); ok {
			t.Errorf("level %s: %s %s carries a request policy; the catalog holds it", key, r.Type, r.Name)
		}
	}
	got, ok := policies[key]
	if !ok {
		t.Errorf("level %s: not in the catalog's policies", key)
		return
	}
	want := AccessPolicy{Requestors: l.Requestors, Approval: slices.Clone(l.Approval), Justification: l.Justification, MaxDuration: l.MaxDuration, Review: l.Review}
	if !exp.ApprovalTimeouts {
		for i := range want.Approval {
			want.Approval[i].TimeoutDays = 0
		}
	}
	if !reflect.DeepEqual(normalPolicy(got), normalPolicy(want)) {
		t.Errorf("level %s: the catalog's request policy\n  %+v\nwant\n  %+v", key, normalPolicy(got), normalPolicy(want))
	}
}

// normalPolicy writes empty lists as nil, so that policies compare by
// content.
func normalPolicy(p AccessPolicy) AccessPolicy {
	if len(p.Requestors) == 0 {
		p.Requestors = nil
	}
	if len(p.Approval) == 0 {
		p.Approval = nil
	}
	if p.Review != nil && len(p.Review.Reviewers) == 0 {
		r := *p.Review
		r.Reviewers = nil
		p.Review = &r
	}
	return p
}

// expand replaces each of vars' placeholders in s.
func expand(s string, vars map[string]string) string {
	for k, v := range vars {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// expandGrants expands grant templates: one grant per namespace for a
// template with {namespace}, one grant otherwise.
func expandGrants(templates []AccessGrant, vars map[string]string, namespaces []string) []AccessGrant {
	var out []AccessGrant
	one := func(g AccessGrant, vars map[string]string) AccessGrant {
		return AccessGrant{Role: expand(g.Role, vars), Scope: expand(g.Scope, vars), Principal: expand(g.Principal, vars)}
	}
	for _, g := range templates {
		if !strings.Contains(g.Role+g.Scope+g.Principal, "{namespace}") {
			out = append(out, one(g, vars))
			continue
		}
		for _, ns := range namespaces {
			nsVars := map[string]string{"{namespace}": ns}
			for k, v := range vars {
				nsVars[k] = v
			}
			out = append(out, one(g, nsVars))
		}
	}
	return out
}

// sortGrants orders grants by scope, role and principal.
func sortGrants(gs []AccessGrant) {
	slices.SortFunc(gs, func(a, b AccessGrant) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Role, b.Role), cmp.Compare(a.Principal, b.Principal))
	})
}

// ofType returns the resources of rs of type typ.
func ofType(rs []*Resource, typ string) []*Resource {
	var out []*Resource
	for _, r := range rs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// mentions reports whether an input of one of rs holds s.
func mentions(t *testing.T, rs []*Resource, s string) bool {
	t.Helper()
	quoted, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		data, err := json.Marshal(r.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), string(quoted)) {
			return true
		}
	}
	return false
}

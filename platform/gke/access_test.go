package gke_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudidentity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/privilegedaccessmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	groupType       = "gcp:cloudidentity/group:Group"
	membershipType  = "gcp:cloudidentity/groupMembership:GroupMembership"
	entitlementType = "gcp:privilegedaccessmanager/entitlement:entitlement"
	groupLookup     = "gcp:cloudidentity/getGroupLookup:getGroupLookup"
	clusterViewer   = "roles/container.clusterViewer"
	containerAdmin  = "roles/container.admin"
)

// accessConfig is the prod backend with the directory settings groups need.
var accessConfig = gke.Config{Project: project, Region: "europe-west1", CustomerID: "C03az79cb", GroupDomain: "acme.example"}

// teamAccess is team payments: reader (no approval), developer (one
// approval, justification), admin (an existing group) and break-glass
// (cluster-admin, two approval stages).
func teamAccess() platform.AccessPackageSpec {
	return platform.AccessPackageSpec{
		Name:       "payments",
		Team:       "payments",
		Namespaces: []string{"payments", "payments-jobs"},
		Cluster:    &platform.ClusterOutputs{},
		Catalog:    &platform.AccessCatalog{},
		Tags:       platform.Tags{"environment": "prod", "team": "payments"},
		Levels: []platform.AccessLevelSpec{
			{Name: "reader", Role: platform.AccessView, Requestors: []string{"group:payments@acme.example"}, MaxDuration: 8 * time.Hour},
			{
				Name: "developer", Role: platform.AccessEdit, Requestors: []string{"group:payments@acme.example"},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"user:lead@acme.example"}, TimeoutDays: 1}},
				Justification: true, MaxDuration: 8 * time.Hour,
			},
			{
				Name: "admin", Role: platform.AccessAdmin, Requestors: []string{"user:lead@acme.example"},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"group:platform-leads@acme.example"}, TimeoutDays: 1}},
				Justification: true, MaxDuration: 4 * time.Hour, ExistingGroup: "payments-admins@acme.example",
			},
			{
				Name: "break-glass", Role: platform.AccessClusterAdmin, Requestors: []string{"group:sre@acme.example"},
				Approval: []platform.ApprovalStage{
					{Approvers: []string{"group:security@acme.example"}, TimeoutDays: 1},
					{Approvers: []string{"user:ciso@acme.example"}, TimeoutDays: 1},
				},
				Justification: true, MaxDuration: time.Hour,
			},
		},
	}
}

// recordingMocks are the cloud mocks, also noting each resource's
// deleteBeforeReplace and each invoke.
type recordingMocks struct {
	*mockcloud.Mocks
	mu                  sync.Mutex
	deleteBeforeReplace map[string]bool
	invokes             []string
	lookups             []string // the groupKey.id of each group lookup
}

func (m *recordingMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if rpc := args.RegisterRPC; rpc != nil {
		m.mu.Lock()
		m.deleteBeforeReplace[args.Name] = rpc.GetDeleteBeforeReplace()
		m.mu.Unlock()
	}
	return m.Mocks.NewResource(args)
}

func (m *recordingMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, args.Token)
	if key, ok := args.Args["groupKey"]; ok && key.IsObject() {
		m.lookups = append(m.lookups, key.ObjectValue()["id"].StringValue())
	}
	m.mu.Unlock()
	return m.Mocks.Call(args)
}

// accessResult is a rendered access package: the snapshot, what the mocks
// recorded, the resolved group outputs and NewAccessPackage's error.
type accessResult struct {
	snap  *platformtest.Snapshot
	mocks *recordingMocks
	err   error

	mu     sync.Mutex
	groups map[string][2]string // level -> ID, Subject
}

// renderAccess renders the access package mutate makes of teamAccess under
// a component "payments", with a backend configured as cfg.
func renderAccess(t *testing.T, cfg gke.Config, mutate func(*platform.AccessPackageSpec)) *accessResult {
	t.Helper()
	r := &accessResult{groups: map[string][2]string{}}
	m := &recordingMocks{Mocks: mockcloud.New("prod-gke"), deleteBeforeReplace: map[string]bool{}}
	var resolved sync.WaitGroup
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", cfg)
		if err != nil {
			return err
		}
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:AccessPackage", "payments", parent); err != nil {
			return err
		}
		spec := teamAccess()
		if mutate != nil {
			mutate(&spec)
		}
		out, err := b.NewAccessPackage(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			r.err = err
			return nil
		}
		// An existing group's output is a plain value, which RunErr does
		// not wait for; resolved tells when every group is in.
		resolved.Add(len(out.Groups))
		for level, g := range out.Groups {
			pulumi.All(g.ID, g.Subject).ApplyT(func(v []any) error {
				defer resolved.Done()
				r.mu.Lock()
				r.groups[level] = [2]string{v[0].(string), v[1].(string)}
				r.mu.Unlock()
				return nil
			})
		}
		return nil
	}, pulumi.WithMocks(mockcloud.Project, "prod-gke", m))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { resolved.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the access groups' outputs never resolved")
	}
	r.snap, r.mocks = m.Snapshot(), m
	return r
}

func TestAccessGroups(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	groups := r.snap.OfType(groupType)
	if len(groups) != 3 {
		t.Fatalf("%d groups, want one per level without an existing group (reader, developer, break-glass)", len(groups))
	}
	for _, level := range []string{"reader", "developer", "break-glass"} {
		g := find(t, r.snap, groupType, "payments-"+level+"-group")
		expect(t, g, "parent", "customers/C03az79cb")
		expect(t, g, "groupKey.id", "plinth-payments-"+level+"@acme.example")
		expect(t, g, "displayName", "payments "+level+" (Plinth)")
		expect(t, g, "initialGroupConfig", "EMPTY")
		// A Google group that is a security group; nothing else (the
		// spec's tags are not Cloud Identity labels).
		expect(t, g, "labels", map[string]string{
			"cloudidentity.googleapis.com/groups.discussion_forum": "",
			"cloudidentity.googleapis.com/groups.security":         "",
		})

		// Each joins the cluster's Google Groups for RBAC group, named by
		// its resource name as the lookup of its email answers it.
		m := find(t, r.snap, membershipType, "payments-"+level+"-gke-security")
		expect(t, m, "preferredMemberKey.id", "plinth-payments-"+level+"@acme.example")
		expect(t, m, "roles.0.name", "MEMBER")
		if roles := asList(platformtest.Input(t, m, "roles")); len(roles) != 1 {
			t.Errorf("%s roles %v, want MEMBER only", m.Name, roles)
		}
		if grp := platformtest.Input(t, m, "group"); !regexp.MustCompile(`^groups/0[0-9a-z]{14}$`).MatchString(fmt.Sprint(grp)) {
			t.Errorf("%s group %v, want the security group's resource name", m.Name, grp)
		}
		if !slices.Contains(m.DependsOn, g.URN) {
			t.Errorf("%s does not wait for its group", m.Name)
		}
	}
	var targets []string
	for _, m := range r.snap.OfType(membershipType) {
		targets = append(targets, fmt.Sprint(platformtest.Input(t, m, "group")))
	}
	slices.Sort(targets)
	if len(slices.Compact(slices.Clone(targets))) != 1 {
		t.Errorf("memberships in %v, want all in the one security group", targets)
	}
	// One lookup, of the security group of the configured domain.
	if !slices.Equal(r.mocks.invokes, []string{groupLookup}) || !slices.Equal(r.mocks.lookups, []string{"gke-security-groups@acme.example"}) {
		t.Errorf("invokes %v of %v, want one lookup of gke-security-groups@acme.example", r.mocks.invokes, r.mocks.lookups)
	}
}

// The admin level names an existing group: no group and no membership for
// it, and its group is the output.
func TestAccessExistingGroup(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, typ := range []string{groupType, membershipType} {
		for _, res := range r.snap.OfType(typ) {
			if strings.Contains(res.Name, "-admin-") {
				t.Errorf("%s %s registered for a level with an existing group", typ, res.Name)
			}
		}
	}
	if g := r.groups["admin"]; g != [2]string{"payments-admins@acme.example", "payments-admins@acme.example"} {
		t.Errorf("admin group %v, want the existing group's email as ID and subject", g)
	}
}

func TestAccessOutputs(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := map[string][2]string{
		"reader":      {"plinth-payments-reader@acme.example", "plinth-payments-reader@acme.example"},
		"developer":   {"plinth-payments-developer@acme.example", "plinth-payments-developer@acme.example"},
		"admin":       {"payments-admins@acme.example", "payments-admins@acme.example"},
		"break-glass": {"plinth-payments-break-glass@acme.example", "plinth-payments-break-glass@acme.example"},
	}
	if len(r.groups) != len(want) {
		t.Errorf("groups %v, want one per level", r.groups)
	}
	for level, w := range want {
		if r.groups[level] != w {
			t.Errorf("%s: group %v, want %v", level, r.groups[level], w)
		}
	}
}

func TestAccessEntitlements(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	ents := r.snap.OfType(entitlementType)
	if len(ents) != 4 {
		t.Fatalf("%d entitlements, want exactly one per level", len(ents))
	}
	want := map[string]struct {
		duration, justification string
		requestors              []string
		steps                   [][]string
		role                    string
	}{
		"reader":      {"28800s", "notMandatory", []string{"group:payments@acme.example"}, nil, clusterViewer},
		"developer":   {"28800s", "unstructured", []string{"group:payments@acme.example"}, [][]string{{"user:lead@acme.example"}}, clusterViewer},
		"admin":       {"14400s", "unstructured", []string{"user:lead@acme.example"}, [][]string{{"group:platform-leads@acme.example"}}, clusterViewer},
		"break-glass": {"3600s", "unstructured", []string{"group:sre@acme.example"}, [][]string{{"group:security@acme.example"}, {"user:ciso@acme.example"}}, containerAdmin},
	}
	for level, w := range want {
		e := find(t, r.snap, entitlementType, "payments-"+level+"-entitlement")
		expect(t, e, "entitlementId", "plinth-payments-"+level)
		expect(t, e, "location", "global")
		expect(t, e, "parent", "projects/"+project)
		expect(t, e, "maxRequestDuration", w.duration)
		expect(t, e, "eligibleUsers.0.principals", w.requestors)
		if n := len(asList(platformtest.Input(t, e, "eligibleUsers"))); n != 1 {
			t.Errorf("%s: %d eligibleUsers entries, want one (PAM takes at most one)", e.Name, n)
		}
		just, _ := platformtest.Input(t, e, "requesterJustificationConfig").(map[string]any)
		if _, ok := just[w.justification]; !ok || len(just) != 1 {
			t.Errorf("%s: requesterJustificationConfig %v, want %s only", e.Name, just, w.justification)
		}
		expect(t, e, "privilegedAccess.gcpIamAccess.resource", "//cloudresourcemanager.googleapis.com/projects/"+project)
		expect(t, e, "privilegedAccess.gcpIamAccess.resourceType", "cloudresourcemanager.googleapis.com/Project")
		bindings := asList(platformtest.Input(t, e, "privilegedAccess.gcpIamAccess.roleBindings"))
		if len(bindings) != 1 {
			t.Errorf("%s: role bindings %v, want exactly %s", e.Name, bindings, w.role)
		}
		expect(t, e, "privilegedAccess.gcpIamAccess.roleBindings.0.role", w.role)
		if _, ok := e.Input("privilegedAccess.gcpIamAccess.roleBindings.0.conditionExpression"); ok {
			t.Errorf("%s: a condition on the role binding", e.Name)
		}

		if w.steps == nil {
			// No approval: PAM activates grants at once; they still end.
			if v, ok := e.Input("approvalWorkflow"); ok {
				t.Errorf("%s: approvalWorkflow %v, want none", e.Name, v)
			}
		} else {
			expect(t, e, "approvalWorkflow.manualApprovals.requireApproverJustification", true)
			steps := asList(platformtest.Input(t, e, "approvalWorkflow.manualApprovals.steps"))
			if len(steps) != len(w.steps) {
				t.Errorf("%s: %d approval steps, want %d", e.Name, len(steps), len(w.steps))
			}
			for i, approvers := range w.steps {
				p := fmt.Sprintf("approvalWorkflow.manualApprovals.steps.%d.", i)
				expect(t, e, p+"approvers.principals", approvers)
				expect(t, e, p+"approvalsNeeded", 1)
			}
		}
		// The ID is fixed and approvalWorkflow forces a new entitlement:
		// the old one must be deleted first or the new one cannot be
		// created.
		if !r.mocks.deleteBeforeReplace[e.Name] {
			t.Errorf("%s is not deleted before it is replaced", e.Name)
		}
	}

	// container.admin comes only with cluster-admin, and only through PAM.
	for _, e := range ents {
		role := platformtest.Input(t, e, "privilegedAccess.gcpIamAccess.roleBindings.0.role")
		if (role == containerAdmin) != (e.Name == "payments-break-glass-entitlement") {
			t.Errorf("%s grants %v", e.Name, role)
		}
	}
}

// No group and no member gets standing IAM: cluster access comes only with
// an active grant.
func TestAccessGrantsNothingStanding(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, res := range r.snap.Resources {
		if res.Custom && strings.Contains(strings.ToLower(res.Type), "iam") {
			t.Errorf("%s %s: standing IAM next to the entitlements", res.Type, res.Name)
		}
	}
}

// Every child is under the calling component, named "payments-<role>", and
// uses the backend's explicit provider (contract rules C1-C3); the spec's
// tags go nowhere, since none of these types takes labels.
func TestAccessChildren(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	var parent string
	for _, res := range r.snap.Resources {
		if res.Type == "plinth:test:AccessPackage" {
			parent = res.URN
		}
	}
	var children []string
	for _, res := range r.snap.Resources {
		if !res.Custom || strings.HasPrefix(res.Type, "pulumi:providers:") {
			continue
		}
		if res.Parent != parent {
			t.Errorf("C1: %s %s is not under the component", res.Type, res.Name)
		}
		if !strings.HasPrefix(res.Name, "payments-") {
			t.Errorf("C2: %s is named %q", res.Type, res.Name)
		}
		if !strings.Contains(res.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s %s uses provider %q", res.Type, res.Name, res.Provider)
		}
		if res.Type != groupType {
			if v, ok := res.Input("labels"); ok {
				t.Errorf("%s %s: labels %v", res.Type, res.Name, v)
			}
		}
		children = append(children, res.Name)
	}
	slices.Sort(children)
	want := []string{
		"payments-admin-entitlement",
		"payments-break-glass-entitlement", "payments-break-glass-gke-security", "payments-break-glass-group",
		"payments-developer-entitlement", "payments-developer-gke-security", "payments-developer-group",
		"payments-reader-entitlement", "payments-reader-gke-security", "payments-reader-group",
	}
	if !slices.Equal(children, want) {
		t.Errorf("children\n%v\nwant\n%v", children, want)
	}
}

// Rendering the same package twice gives byte-identical snapshots (C6).
func TestAccessDeterministic(t *testing.T) {
	a, err := renderAccess(t, accessConfig, nil).snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, err := renderAccess(t, accessConfig, nil).snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Error("two renders of one access package differ")
	}
}

// A stack whose levels all name existing groups needs no directory
// settings, creates no group and looks nothing up.
func TestAccessWithExistingGroupsOnly(t *testing.T) {
	cfg := accessConfig
	cfg.CustomerID, cfg.GroupDomain = "", ""
	r := renderAccess(t, cfg, func(s *platform.AccessPackageSpec) {
		for i := range s.Levels {
			s.Levels[i].ExistingGroup = "payments-" + s.Levels[i].Name + "@acme.example"
		}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(r.snap.OfType(groupType)) + len(r.snap.OfType(membershipType)); n != 0 {
		t.Errorf("%d groups and memberships for existing groups", n)
	}
	if n := len(r.snap.OfType(entitlementType)); n != 4 {
		t.Errorf("%d entitlements, want 4", n)
	}
	if len(r.mocks.invokes) != 0 {
		t.Errorf("invokes %v with no group to add to the security group", r.mocks.invokes)
	}
	if r.groups["break-glass"][1] != "payments-break-glass@acme.example" {
		t.Errorf("break-glass subject %q", r.groups["break-glass"][1])
	}
}

// A rejected package registers nothing and says which field is wrong (C8).
func TestRejectedAccessRegistersNothing(t *testing.T) {
	noCustomer := accessConfig
	noCustomer.CustomerID = ""
	tests := []struct {
		name   string
		cfg    gke.Config
		mutate func(*platform.AccessPackageSpec)
		want   string
	}{
		{"review", accessConfig, func(s *platform.AccessPackageSpec) {
			s.Levels[3].Review = &platform.AccessReview{Every: "monthly", Reviewers: []string{"group:security@acme.example"}}
		}, `accessPackage.levels[3].review "monthly": Privileged Access Manager has no access reviews`},
		{"Entra principal", accessConfig, func(s *platform.AccessPackageSpec) {
			s.Levels[1].Approval[0].Approvers = []string{"user:5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"}
		}, `accessPackage.levels[1].approval[0].approvers[0] "user:5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a": not a Google principal`},
		{"no customer", noCustomer, nil, "gke.customerID: required"},
	}
	for _, tt := range tests {
		r := renderAccess(t, tt.cfg, tt.mutate)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, r.err, tt.want)
		}
		for _, res := range r.snap.Resources {
			if res.Custom && !strings.HasPrefix(res.Type, "pulumi:providers:") {
				t.Errorf("%s: %s %s registered for a rejected package", tt.name, res.Type, res.Name)
			}
		}
		if len(r.mocks.invokes) != 0 {
			t.Errorf("%s: invokes %v for a rejected package", tt.name, r.mocks.invokes)
		}
	}
}

// GCP has no catalog: nothing is registered and the ID is empty.
func TestAccessCatalog(t *testing.T) {
	// The ID is a plain value, which RunErr does not wait for.
	id := make(chan string, 1)
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", accessConfig)
		if err != nil {
			return err
		}
		c, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "prod", Description: "Team access", Tags: platform.Tags{"environment": "prod"}})
		if err != nil {
			return err
		}
		c.ID.ApplyT(func(v string) string { id <- v; return v })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range snap.Resources {
		if !strings.HasPrefix(res.Type, "pulumi:providers:") {
			t.Errorf("%s %s registered for a catalog", res.Type, res.Name)
		}
	}
	select {
	case v := <-id:
		if v != "" {
			t.Errorf("catalog ID %q, want empty", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the catalog ID never resolved")
	}
}

// The mocks answer the access types with the IDs Cloud Identity and PAM
// return, and a lookup agrees with the group created under that email.
func TestMockShapesOfAccessTypes(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	put := func(key string, o pulumi.StringOutput) {
		o.ApplyT(func(v string) string { mu.Lock(); got[key] = v; mu.Unlock(); return v })
	}
	_, err := platformtest.Render("mocks", func(ctx *pulumi.Context) error {
		p, err := gcp.NewProvider(ctx, "gcp", &gcp.ProviderArgs{Project: pulumi.StringPtr(project), Region: pulumi.StringPtr("europe-west1")})
		if err != nil {
			return err
		}
		opt := pulumi.Provider(p)
		g, err := cloudidentity.NewGroup(ctx, "g", &cloudidentity.GroupArgs{
			Parent:   pulumi.String("customers/C03az79cb"),
			GroupKey: &cloudidentity.GroupGroupKeyArgs{Id: pulumi.String("plinth-payments-reader@acme.example")},
			Labels:   pulumi.StringMap{"cloudidentity.googleapis.com/groups.discussion_forum": pulumi.String("")},
		}, opt)
		if err != nil {
			return err
		}
		put("group.id", g.ID().ToStringOutput())
		put("group.name", g.Name)
		lookup := cloudidentity.GetGroupLookupOutput(ctx, cloudidentity.GetGroupLookupOutputArgs{
			GroupKey: cloudidentity.GetGroupLookupGroupKeyArgs{Id: pulumi.String("plinth-payments-reader@acme.example")},
		}, opt)
		put("lookup.name", lookup.Name())
		m, err := cloudidentity.NewGroupMembership(ctx, "m", &cloudidentity.GroupMembershipArgs{
			Group:              g.Name,
			PreferredMemberKey: &cloudidentity.GroupMembershipPreferredMemberKeyArgs{Id: pulumi.String("dev@acme.example")},
			Roles:              cloudidentity.GroupMembershipRoleArray{&cloudidentity.GroupMembershipRoleArgs{Name: pulumi.String("MEMBER")}},
		}, opt)
		if err != nil {
			return err
		}
		put("membership.id", m.ID().ToStringOutput())
		e, err := privilegedaccessmanager.NewEntitlement(ctx, "e", &privilegedaccessmanager.EntitlementArgs{
			EntitlementId:      pulumi.String("plinth-payments-reader"),
			Location:           pulumi.String("global"),
			Parent:             pulumi.String("projects/" + project),
			MaxRequestDuration: pulumi.String("3600s"),
			EligibleUsers: privilegedaccessmanager.EntitlementEligibleUserArray{
				&privilegedaccessmanager.EntitlementEligibleUserArgs{Principals: pulumi.ToStringArray([]string{"user:dev@acme.example"})},
			},
			RequesterJustificationConfig: &privilegedaccessmanager.EntitlementRequesterJustificationConfigArgs{},
			PrivilegedAccess:             &privilegedaccessmanager.EntitlementPrivilegedAccessArgs{},
		}, opt)
		if err != nil {
			return err
		}
		put("entitlement.id", e.ID().ToStringOutput())
		put("entitlement.name", e.Name)
		put("entitlement.state", e.State)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	group := got["group.id"]
	if !regexp.MustCompile(`^groups/0[0-9a-z]{14}$`).MatchString(group) || got["group.name"] != group || got["lookup.name"] != group {
		t.Errorf("group %q, name %q, lookup %q: want one groups/<id>", group, got["group.name"], got["lookup.name"])
	}
	if !regexp.MustCompile(`^` + group + `/memberships/1[0-9]{20}$`).MatchString(got["membership.id"]) {
		t.Errorf("membership %q", got["membership.id"])
	}
	ent := "projects/" + project + "/locations/global/entitlements/plinth-payments-reader"
	if got["entitlement.id"] != ent || got["entitlement.name"] != ent || got["entitlement.state"] != "AVAILABLE" {
		t.Errorf("entitlement id %q name %q state %q", got["entitlement.id"], got["entitlement.name"], got["entitlement.state"])
	}
}

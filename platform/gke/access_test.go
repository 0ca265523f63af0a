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

// accessConfig is the prod backend with the directory and JIT Groups
// settings access needs.
var accessConfig = gke.Config{
	Project: project, Region: "europe-west1", CustomerID: "C03az79cb", GroupDomain: "acme.example",
	JITApplication: jitApplication, JITEnvironment: "prod",
}

// jitApplication is the JIT Groups application's service account.
const jitApplication = "jitgroups@acme-jit.iam.gserviceaccount.com"

// teamAccess is team payments: reader (no approval), developer (one
// approval, justification), admin (one approval, justification) and
// break-glass (cluster-admin, two approval stages).
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
				Approval:      []platform.ApprovalStage{{Approvers: []string{"user:lead@acme.example"}}},
				Justification: true, MaxDuration: 8 * time.Hour,
			},
			{
				Name: "admin", Role: platform.AccessAdmin, Requestors: []string{"user:lead@acme.example"},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"group:platform-leads@acme.example"}}},
				Justification: true, MaxDuration: 4 * time.Hour,
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

// renderAccess renders, with a backend configured as cfg, the catalog
// "platform" holding the package mutate makes of teamAccess, under a
// component "platform", then that package under a component "payments".
func renderAccess(t *testing.T, cfg gke.Config, mutate func(*platform.AccessPackageSpec)) *accessResult {
	t.Helper()
	return renderPublished(t, cfg, mutate, nil)
}

// renderPublished is renderAccess with the catalog's copy of the package
// changed by publish.
func renderPublished(t *testing.T, cfg gke.Config, mutate, publish func(*platform.AccessPackageSpec)) *accessResult {
	t.Helper()
	r := &accessResult{groups: map[string][2]string{}}
	m := &recordingMocks{Mocks: mockcloud.New("prod-gke"), deleteBeforeReplace: map[string]bool{}}
	var resolved sync.WaitGroup
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", cfg)
		if err != nil {
			return err
		}
		spec := teamAccess()
		if mutate != nil {
			mutate(&spec)
		}
		// The catalog holds the team as components/accesspackage hands it
		// over: without cluster and catalog.
		published := spec
		published.Cluster, published.Catalog = nil, nil
		if publish != nil {
			publish(&published)
		}
		cp := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:AccessCatalog", "platform", cp); err != nil {
			return err
		}
		catalog := platform.AccessCatalogSpec{Name: "platform", Packages: []platform.AccessPackageSpec{published}, Tags: platform.Tags{"environment": "prod", "managed-by": "plinth"}}
		if _, err := b.NewAccessCatalog(ctx, catalog, pulumi.Parent(cp)); err != nil {
			r.err = err
			return nil
		}
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:AccessPackage", "payments", parent); err != nil {
			return err
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

// packageChildren are the custom resources under the component "payments".
func packageChildren(snap *platformtest.Snapshot) []*platformtest.Resource {
	var parent string
	for _, res := range snap.Resources {
		if res.Type == "plinth:test:AccessPackage" {
			parent = res.URN
		}
	}
	var out []*platformtest.Resource
	for i, res := range snap.Resources {
		if res.Custom && res.Parent == parent && parent != "" {
			out = append(out, &snap.Resources[i])
		}
	}
	return out
}

// Only the cluster-admin level gets a group of the stack's own: team
// levels are JIT groups, which JIT Groups creates on the first join.
func TestAccessGroups(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	groups := r.snap.OfType(groupType)
	if len(groups) != 1 {
		t.Fatalf("%d groups, want the break-glass level's only", len(groups))
	}
	g := find(t, r.snap, groupType, "payments-break-glass-group")
	expect(t, g, "parent", "customers/C03az79cb")
	expect(t, g, "groupKey.id", "plinth-payments-break-glass@acme.example")
	expect(t, g, "initialGroupConfig", "EMPTY")
	expect(t, g, "labels", map[string]string{
		"cloudidentity.googleapis.com/groups.discussion_forum": "",
		"cloudidentity.googleapis.com/groups.security":         "",
	})
	m := find(t, r.snap, membershipType, "payments-break-glass-gke-security")
	expect(t, m, "preferredMemberKey.id", "plinth-payments-break-glass@acme.example")
	expect(t, m, "roles.0.name", "MEMBER")
	if grp := platformtest.Input(t, m, "group"); !regexp.MustCompile(`^groups/0[0-9a-z]{14}$`).MatchString(fmt.Sprint(grp)) {
		t.Errorf("%s group %v, want the security group's resource name", m.Name, grp)
	}
	if !slices.Contains(m.DependsOn, g.URN) {
		t.Errorf("%s does not wait for its group", m.Name)
	}
	if n := len(r.snap.OfType(membershipType)); n != 1 {
		t.Errorf("%d memberships, want the break-glass group's in gke-security-groups only: JIT Groups adds the JIT groups", n)
	}
	if !slices.Equal(r.mocks.invokes, []string{groupLookup}) || !slices.Equal(r.mocks.lookups, []string{"gke-security-groups@acme.example"}) {
		t.Errorf("invokes %v of %v, want one lookup of gke-security-groups@acme.example", r.mocks.invokes, r.mocks.lookups)
	}
}

// Each team level's group, the Kubernetes subject of its RoleBindings, is
// the JIT group JIT Groups names after the environment, the team and the
// level.
func TestAccessOutputs(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	want := map[string][2]string{
		"reader":      {"jit.prod.payments.reader@acme.example", "jit.prod.payments.reader@acme.example"},
		"developer":   {"jit.prod.payments.developer@acme.example", "jit.prod.payments.developer@acme.example"},
		"admin":       {"jit.prod.payments.admin@acme.example", "jit.prod.payments.admin@acme.example"},
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

// Only cluster-admin is a Privileged Access Manager entitlement: of
// container.admin, with its two stages, replaced by deleting first.
func TestAccessEntitlements(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if ents := r.snap.OfType(entitlementType); len(ents) != 1 {
		t.Fatalf("%d entitlements, want the break-glass level's only", len(ents))
	}
	e := find(t, r.snap, entitlementType, "payments-break-glass-entitlement")
	expect(t, e, "entitlementId", "plinth-payments-break-glass")
	expect(t, e, "location", "global")
	expect(t, e, "parent", "projects/"+project)
	expect(t, e, "maxRequestDuration", "3600s")
	expect(t, e, "eligibleUsers.0.principals", []string{"group:sre@acme.example"})
	just, _ := platformtest.Input(t, e, "requesterJustificationConfig").(map[string]any)
	if _, ok := just["unstructured"]; !ok || len(just) != 1 {
		t.Errorf("%s: requesterJustificationConfig %v, want unstructured only", e.Name, just)
	}
	expect(t, e, "privilegedAccess.gcpIamAccess.resource", "//cloudresourcemanager.googleapis.com/projects/"+project)
	expect(t, e, "privilegedAccess.gcpIamAccess.resourceType", "cloudresourcemanager.googleapis.com/Project")
	if bindings := asList(platformtest.Input(t, e, "privilegedAccess.gcpIamAccess.roleBindings")); len(bindings) != 1 {
		t.Errorf("%s: role bindings %v, want exactly %s", e.Name, bindings, containerAdmin)
	}
	expect(t, e, "privilegedAccess.gcpIamAccess.roleBindings.0.role", containerAdmin)
	expect(t, e, "approvalWorkflow.manualApprovals.requireApproverJustification", true)
	for i, approvers := range [][]string{{"group:security@acme.example"}, {"user:ciso@acme.example"}} {
		p := fmt.Sprintf("approvalWorkflow.manualApprovals.steps.%d.", i)
		expect(t, e, p+"approvers.principals", approvers)
		expect(t, e, p+"approvalsNeeded", 1)
	}
	// The ID is fixed and approvalWorkflow forces a new entitlement: the
	// old one must be deleted first or the new one cannot be created.
	if !r.mocks.deleteBeforeReplace[e.Name] {
		t.Errorf("%s is not deleted before it is replaced", e.Name)
	}
}

// No team group and no member gets standing IAM. The only IAM is the JIT
// Groups environment's: the application may act as the environment's
// account, which may read the policy secret and grant clusterViewer, and
// nothing else, on the environment's project.
func TestAccessGrantsNothingStanding(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	for _, res := range packageChildren(r.snap) {
		if strings.Contains(strings.ToLower(res.Type), "iam") {
			t.Errorf("%s %s: standing IAM in the team's package", res.Type, res.Name)
		}
	}
	envSA := "serviceAccount:jit-prod@" + project + ".iam.gserviceaccount.com"
	var grants []string
	for i, res := range r.snap.Resources {
		if !res.Custom || !strings.Contains(strings.ToLower(res.Type), "iam") {
			continue
		}
		member := fmt.Sprint(platformtest.Input(t, &r.snap.Resources[i], "member"))
		role := fmt.Sprint(platformtest.Input(t, &r.snap.Resources[i], "role"))
		grants = append(grants, res.Type+" "+role+" "+member)
	}
	slices.Sort(grants)
	want := []string{
		"gcp:projects/iAMMember:IAMMember roles/resourcemanager.projectIamAdmin " + envSA,
		"gcp:secretmanager/secretIamMember:SecretIamMember roles/secretmanager.secretAccessor " + envSA,
		"gcp:serviceaccount/iAMMember:IAMMember roles/iam.serviceAccountTokenCreator serviceAccount:" + jitApplication,
	}
	if !slices.Equal(grants, want) {
		t.Errorf("grants\n%v\nwant\n%v", grants, want)
	}
	admin := find(t, r.snap, "gcp:projects/iAMMember:IAMMember", "platform-jit-grants")
	expect(t, admin, "project", project)
	expect(t, admin, "condition.expression", "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/container.clusterViewer'])")
	sa := find(t, r.snap, "gcp:serviceaccount/iAMMember:IAMMember", "platform-jit-impersonation")
	expect(t, sa, "serviceAccountId", "projects/"+project+"/serviceAccounts/jit-prod@"+project+".iam.gserviceaccount.com")
	access := find(t, r.snap, "gcp:secretmanager/secretIamMember:SecretIamMember", "platform-jit-policy-access")
	expect(t, access, "secretId", "jit-prod")
}

// The catalog is the JIT Groups environment: the account jit-prod and the
// secret jit-prod whose version is the policy of the catalog's teams.
func TestAccessCatalog(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	sa := find(t, r.snap, "gcp:serviceaccount/account:Account", "platform-jit-account")
	expect(t, sa, "accountId", "jit-prod")
	expect(t, sa, "project", project)
	secret := find(t, r.snap, "gcp:secretmanager/secret:Secret", "platform-jit-policy")
	expect(t, secret, "secretId", "jit-prod")
	expect(t, secret, "labels", map[string]string{"environment": "prod", "managed-by": "plinth"})

	v := find(t, r.snap, "gcp:secretmanager/secretVersion:SecretVersion", "platform-jit-policy-version")
	expect(t, v, "secret", "projects/"+project+"/secrets/jit-prod")
	// The version holds the policy, which the provider keeps as a secret
	// (TestJITPolicy reads what it says).
	if data := fmt.Sprint(platformtest.Input(t, v, "secretData")); data == "" {
		t.Error("the policy version is empty")
	}
	policy := gke.JITPolicy(accessConfig, platform.AccessCatalogSpec{Packages: []platform.AccessPackageSpec{teamAccess()}})
	for _, want := range []string{"- name: payments\n", "- name: reader\n", "- name: developer\n", "- name: admin\n"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy lacks %q:\n%s", want, policy)
		}
	}
	if strings.Contains(policy, "break-glass") {
		t.Errorf("cluster-admin is in the JIT Groups policy; it is a PAM entitlement:\n%s", policy)
	}
}

// A catalog without team levels registers nothing and has an empty ID, so
// a GKE stack without teams needs no JIT Groups.
func TestAccessCatalogWithoutTeams(t *testing.T) {
	cfg := accessConfig
	cfg.JITApplication = ""
	id := make(chan string, 1)
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", cfg)
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
			t.Errorf("%s %s registered for a catalog without teams", res.Type, res.Name)
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

// A package whose levels are not those the catalog's policy holds would
// bind RoleBindings to JIT groups nobody can join, or that grant other
// rights than its RoleBindings: it is refused, and registers nothing.
func TestAccessPackageMustMatchTheCatalog(t *testing.T) {
	tests := []struct {
		name    string
		publish func(*platform.AccessPackageSpec)
		want    string
	}{
		{"missing", func(s *platform.AccessPackageSpec) { s.Name = "checkout" }, `accessPackage "payments": its levels are not in the environment's JIT Groups policy`},
		{"changed", func(s *platform.AccessPackageSpec) {
			s.Levels = append([]platform.AccessLevelSpec(nil), s.Levels...)
			s.Levels[0].MaxDuration = 24 * time.Hour
		}, `accessPackage "payments": differs from the package the catalog's JIT Groups policy was written with`},
	}
	for _, tt := range tests {
		r := renderPublished(t, accessConfig, nil, tt.publish)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, r.err, tt.want)
		}
		if kids := packageChildren(r.snap); len(kids) != 0 {
			t.Errorf("%s: %d resources registered for a refused package", tt.name, len(kids))
		}
	}
}

// Every child of the package is under the calling component, named
// "payments-<role>", and uses the backend's explicit provider (contract
// rules C1-C3); the catalog's children are under the catalog's component.
func TestAccessChildren(t *testing.T) {
	r := renderAccess(t, accessConfig, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	var children []string
	for _, res := range packageChildren(r.snap) {
		if !strings.HasPrefix(res.Name, "payments-") {
			t.Errorf("C2: %s is named %q", res.Type, res.Name)
		}
		children = append(children, res.Name)
	}
	slices.Sort(children)
	want := []string{"payments-break-glass-entitlement", "payments-break-glass-gke-security", "payments-break-glass-group"}
	if !slices.Equal(children, want) {
		t.Errorf("children\n%v\nwant\n%v", children, want)
	}
	for _, res := range r.snap.Resources {
		if !res.Custom || strings.HasPrefix(res.Type, "pulumi:providers:") {
			continue
		}
		if !strings.HasPrefix(res.Name, "payments-") && !strings.HasPrefix(res.Name, "platform-jit-") {
			t.Errorf("C2: %s %s belongs to neither component", res.Type, res.Name)
		}
		if !strings.Contains(res.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s %s uses provider %q", res.Type, res.Name, res.Provider)
		}
	}
}

// Rendering the same access twice gives byte-identical snapshots (C6).
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

// A break-glass level with an existing group needs no customer ID,
// creates no group and looks nothing up.
func TestAccessBreakGlassWithExistingGroup(t *testing.T) {
	cfg := accessConfig
	cfg.CustomerID = ""
	r := renderAccess(t, cfg, func(s *platform.AccessPackageSpec) {
		s.Levels[3].ExistingGroup = "sre-admins@acme.example"
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if n := len(r.snap.OfType(groupType)) + len(r.snap.OfType(membershipType)); n != 0 {
		t.Errorf("%d groups and memberships for an existing group", n)
	}
	if len(r.mocks.invokes) != 0 {
		t.Errorf("invokes %v with no group to add to the security group", r.mocks.invokes)
	}
	if r.groups["break-glass"][1] != "sre-admins@acme.example" {
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
			s.Levels[3].Approval[0].Approvers = []string{"user:5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"}
		}, `accessPackage.levels[3].approval[0].approvers[0] "user:5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a": not a Google principal`},
		{"no customer", noCustomer, nil, "gke.customerID: required"},
	}
	for _, tt := range tests {
		r := renderAccess(t, tt.cfg, tt.mutate)
		if r.err == nil || !strings.Contains(r.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, r.err, tt.want)
		}
		if kids := packageChildren(r.snap); len(kids) != 0 {
			t.Errorf("%s: %d resources registered for a rejected package", tt.name, len(kids))
		}
		if len(r.mocks.invokes) != 0 {
			t.Errorf("%s: invokes %v for a rejected package", tt.name, r.mocks.invokes)
		}
	}
	// A team level the catalog cannot hold stops the catalog itself,
	// before it registers anything.
	r := renderAccess(t, accessConfig, func(s *platform.AccessPackageSpec) { s.Levels[0].ExistingGroup = "payments@acme.example" })
	if r.err == nil || !strings.Contains(r.err.Error(), `accessCatalog.packages[0].levels[0].existingGroup "payments@acme.example"`) {
		t.Errorf("error %v, want the catalog to refuse the existing group", r.err)
	}
	for _, res := range r.snap.Resources {
		if res.Custom && !strings.HasPrefix(res.Type, "pulumi:providers:") {
			t.Errorf("%s %s registered for a refused catalog", res.Type, res.Name)
		}
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

// A retained package (production) protects the break-glass group and
// keeps it in Cloud Identity when it leaves the stack; its membership and
// entitlement stay replaceable.
func TestAccessRetainedGroups(t *testing.T) {
	for _, retain := range []bool{false, true} {
		r := renderAccess(t, accessConfig, func(s *platform.AccessPackageSpec) { s.Retain = retain })
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, res := range packageChildren(r.snap) {
			want := retain && res.Type == groupType
			if res.Protect != want || res.RetainOnDelete != want {
				t.Errorf("Retain %v: %s %s protect %v retain %v, want %v", retain, res.Type, res.Name, res.Protect, res.RetainOnDelete, want)
			}
		}
	}
}

package aks_test

import (
	"bytes"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	entraAPI = "azuread:index/"
	// The azuread types NewAccessCatalog and NewAccessPackage register.
	groupType          = entraAPI + "group:Group"
	catalogType        = entraAPI + "accessPackageCatalog:AccessPackageCatalog"
	packageType        = entraAPI + "accessPackage:AccessPackage"
	catalogAssocType   = entraAPI + "accessPackageResourceCatalogAssociation:AccessPackageResourceCatalogAssociation"
	packageAssocType   = entraAPI + "accessPackageResourcePackageAssociation:AccessPackageResourcePackageAssociation"
	policyType         = entraAPI + "accessPackageAssignmentPolicy:AccessPackageAssignmentPolicy"
	roleAssignmentType = "azure-native:authorization:RoleAssignment"

	// The explicit providers' URN prefixes.
	azureNativeProvider = "urn:pulumi:prod-aks::plinth::pulumi:providers:azure-native::azure::"
	azureadProvider     = "urn:pulumi:prod-aks::plinth::pulumi:providers:azuread::azure-azuread::"

	// Object IDs of the directory principals.
	devsGroup     = "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	leadsGroup    = "7b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e"
	aliceUser     = "8c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	securityUser  = "9d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
	existingGroup = "0e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b"

	// The built-in roles of access.
	aksClusterUser      = roleDefs + "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"
	aksRBACReader       = roleDefs + "7f6c6a51-bcf8-42ba-9220-52d62157d7db"
	aksRBACWriter       = roleDefs + "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"
	aksRBACAdmin        = roleDefs + "3498e952-d568-435e-9b2c-8d77e338d7f7"
	aksRBACClusterAdmin = roleDefs + "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
)

// paymentsAccess is team payments in two namespaces: reader (view, no
// approval, reviewed quarterly), developer (edit, one approval stage,
// justification, reviewed monthly) and admin (admin, two stages, an
// existing group, no review).
func paymentsAccess() platform.AccessPackageSpec {
	return platform.AccessPackageSpec{
		Name:       "payments",
		Team:       "payments",
		Namespaces: []string{"payments", "payments-jobs"},
		Levels: []platform.AccessLevelSpec{
			{
				Name: "reader", Role: platform.AccessView,
				Requestors:  []string{"group:" + devsGroup, "user:" + aliceUser},
				MaxDuration: 90 * 24 * time.Hour,
				Review:      &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:" + leadsGroup}},
			},
			{
				Name: "developer", Role: platform.AccessEdit,
				Requestors:    []string{"group:" + devsGroup},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"group:" + leadsGroup}, TimeoutDays: 3}},
				Justification: true,
				MaxDuration:   30 * 24 * time.Hour,
				Review:        &platform.AccessReview{Every: "semiannually", Reviewers: []string{"group:" + leadsGroup, "user:" + securityUser}},
			},
			{
				Name: "admin", Role: platform.AccessAdmin,
				Requestors: []string{"group:" + leadsGroup},
				Approval: []platform.ApprovalStage{
					{Approvers: []string{"group:" + leadsGroup}, TimeoutDays: 2},
					{Approvers: []string{"user:" + securityUser}, TimeoutDays: 1},
				},
				Justification: true,
				MaxDuration:   7 * 24 * time.Hour,
				ExistingGroup: existingGroup,
			},
		},
		Tags: platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// breakGlassAccess is the platform team's break-glass: no namespaces, one
// cluster-admin level for a day.
func breakGlassAccess() platform.AccessPackageSpec {
	return platform.AccessPackageSpec{
		Name: "breakglass",
		Team: "platform",
		Levels: []platform.AccessLevelSpec{{
			Name: "break-glass", Role: platform.AccessClusterAdmin,
			Requestors:    []string{"group:" + leadsGroup},
			Approval:      []platform.ApprovalStage{{Approvers: []string{"user:" + securityUser}, TimeoutDays: 1}},
			Justification: true,
			MaxDuration:   24 * time.Hour,
			Review:        &platform.AccessReview{Every: "annually", Reviewers: []string{"user:" + securityUser}},
		}},
	}
}

// renderAccess renders, each under a test component, the catalog
// "platform", the payments package (changed by mutate) and the
// break-glass package, both for the cluster clusterID. It captures the
// catalog ID as "catalog" and each level's outputs as "id/<level>" and
// "subject/<level>".
func renderAccess(t *testing.T, mutate func(*platform.AccessPackageSpec)) (*platformtest.Snapshot, *rendered) {
	t.Helper()
	r := &rendered{values: map[string]string{}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		cluster := &platform.ClusterOutputs{
			Name: pulumi.String("prod-aks").ToStringOutput(),
			ID:   pulumi.String(clusterID).ToStringOutput(),
		}
		catalogParent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:AccessCatalog", "platform", catalogParent); err != nil {
			return err
		}
		catalog, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{
			Name: "platform", Description: "Request access to the platform's AKS clusters.",
			Tags: platform.Tags{"environment": "prod"},
		}, pulumi.Parent(catalogParent))
		if err != nil {
			return err
		}
		r.capture("catalog", catalog.ID)

		for _, spec := range []platform.AccessPackageSpec{paymentsAccess(), breakGlassAccess()} {
			if spec.Name == "payments" && mutate != nil {
				mutate(&spec)
			}
			spec.Cluster, spec.Catalog = cluster, catalog
			parent := &testComponent{}
			if err := ctx.RegisterComponentResource("plinth:test:AccessPackage", spec.Name, parent); err != nil {
				return err
			}
			out, err := b.NewAccessPackage(ctx, spec, pulumi.Parent(parent))
			if err != nil {
				return err
			}
			for level, g := range out.Groups {
				r.capture("id/"+level, g.ID)
				r.capture("subject/"+level, g.Subject)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, r
}

// grant is a role at a scope.
type grant struct{ scope, role string }

// grantsOf returns the role assignments of principal in snap.
func grantsOf(t *testing.T, snap *platformtest.Snapshot, principal string) map[grant]int {
	t.Helper()
	out := map[grant]int{}
	for _, ra := range snap.OfType(roleAssignmentType) {
		if platformtest.Input(t, ra, "principalId") != principal {
			continue
		}
		out[grant{platformtest.Input(t, ra, "scope").(string), platformtest.Input(t, ra, "roleDefinitionId").(string)}]++
	}
	return out
}

// groupObjectID returns the object ID the mocks give the group with
// Pulumi name name, as the package's outputs report it.
func groupObjectID(t *testing.T, r *rendered, level string) string {
	t.Helper()
	id := r.get(t, "id/"+level)
	if !guid.MatchString(id) {
		t.Fatalf("group of %s: ID %q is not an object ID", level, id)
	}
	return id
}

func TestAccessRoleAssignmentsAreExactlyScoped(t *testing.T) {
	snap, r := renderAccess(t, nil)
	ns := func(n string) string { return clusterID + "/namespaces/" + n }
	want := map[string]map[grant]int{
		"reader": {
			{clusterID, aksClusterUser}: 1, {ns("payments"), aksRBACReader}: 1, {ns("payments-jobs"), aksRBACReader}: 1,
		},
		"developer": {
			{clusterID, aksClusterUser}: 1, {ns("payments"), aksRBACWriter}: 1, {ns("payments-jobs"), aksRBACWriter}: 1,
		},
		"admin": {
			{clusterID, aksClusterUser}: 1, {ns("payments"), aksRBACAdmin}: 1, {ns("payments-jobs"), aksRBACAdmin}: 1,
		},
		"break-glass": {
			{clusterID, aksClusterUser}: 1, {clusterID, aksRBACClusterAdmin}: 1,
		},
	}
	total := 0
	for level, w := range want {
		got := grantsOf(t, snap, groupObjectID(t, r, level))
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: role assignments\n%v\nwant exactly\n%v", level, got, w)
		}
		total += len(w)
	}
	// Nothing else is assigned, and nothing but the Cluster User Role and
	// break-glass holds at the cluster.
	assignments := snap.OfType(roleAssignmentType)
	if len(assignments) != total {
		t.Errorf("%d role assignments, want %d", len(assignments), total)
	}
	for _, ra := range assignments {
		scope, role := platformtest.Input(t, ra, "scope"), platformtest.Input(t, ra, "roleDefinitionId")
		if scope == clusterID && role != aksClusterUser && !strings.HasPrefix(ra.Name, "breakglass-") {
			t.Errorf("%s: %s at the cluster scope", ra.Name, role)
		}
		if role == aksRBACClusterAdmin && ra.Name != "breakglass-break-glass-cluster-admin" {
			t.Errorf("%s holds AKS RBAC Cluster Admin", ra.Name)
		}
		expect(t, ra, map[string]any{"principalType": "Group"})
		name := platformtest.Input(t, ra, "roleAssignmentName").(string)
		if !guid.MatchString(name) {
			t.Errorf("%s: role assignment name %q is not a GUID", ra.Name, name)
		}
	}
}

func TestAccessRoleAssignmentNamesAreDeterministicAndDistinct(t *testing.T) {
	a, _ := renderAccess(t, nil)
	b, _ := renderAccess(t, nil)
	names := map[string]string{}
	for _, ra := range a.OfType(roleAssignmentType) {
		name := platformtest.Input(t, ra, "roleAssignmentName").(string)
		if other, dup := names[name]; dup {
			t.Errorf("%s and %s share the Azure name %s", ra.Name, other, name)
		}
		names[name] = ra.Name
		if got := platformtest.Input(t, b.Find(ra.Type, ra.Name), "roleAssignmentName"); got != name {
			t.Errorf("%s: name %s, then %s", ra.Name, name, got)
		}
	}
}

func TestAccessCatalog(t *testing.T) {
	snap, r := renderAccess(t, nil)
	catalogs := snap.OfType(catalogType)
	if len(catalogs) != 1 {
		t.Fatalf("%d catalogs, want one", len(catalogs))
	}
	expect(t, catalogs[0], map[string]any{
		"displayName":       "plinth-platform",
		"description":       "Request access to the platform's AKS clusters.",
		"published":         true,
		"externallyVisible": false,
	})
	if catalogs[0].Name != "platform-catalog" {
		t.Errorf("catalog named %s", catalogs[0].Name)
	}
	if id := r.get(t, "catalog"); !guid.MatchString(id) {
		t.Errorf("catalog ID %q", id)
	}
}

// TestAccessEverythingIsInTheSharedCatalog: each level's group is a
// resource of the one catalog, each access package is in it, and the
// package's membership is of exactly that resource.
func TestAccessEverythingIsInTheSharedCatalog(t *testing.T) {
	snap, r := renderAccess(t, nil)
	catalog := r.get(t, "catalog")
	levels := map[string]string{
		"payments-reader": "reader", "payments-developer": "developer", "payments-admin": "admin", "breakglass-break-glass": "break-glass",
	}
	for prefix, level := range levels {
		group := groupObjectID(t, r, level)
		expect(t, snap.Find(catalogAssocType, prefix+"-catalog-resource"), map[string]any{
			"catalogId":            catalog,
			"resourceOriginId":     group,
			"resourceOriginSystem": "AadGroup",
		})
		expect(t, snap.Find(packageType, prefix+"-package"), map[string]any{"catalogId": catalog, "hidden": false})
		membership := snap.Find(packageAssocType, prefix+"-package-resource")
		expect(t, membership, map[string]any{
			"catalogResourceAssociationId": catalog + "/" + group,
			"accessType":                   "Member",
		})
		pkg := platformtest.Input(t, membership, "accessPackageId").(string)
		if !guid.MatchString(pkg) {
			t.Errorf("%s: access package ID %q", prefix, pkg)
		}
		policy := snap.Find(policyType, prefix+"-policy")
		expect(t, policy, map[string]any{"accessPackageId": pkg})
		if !slices.Contains(policy.DependsOn, membership.URN) {
			t.Errorf("%s: the policy does not wait for the group to be in the package", prefix)
		}
	}
	for _, typ := range []string{catalogAssocType, packageType, packageAssocType, policyType} {
		if n := len(snap.OfType(typ)); n != len(levels) {
			t.Errorf("%d of %s, want one per level", n, typ)
		}
	}
	expect(t, snap.Find(packageType, "payments-developer-package"), map[string]any{
		"displayName": "payments developer",
		"description": "Kubernetes edit access for team payments in the namespaces payments, payments-jobs, expiring after 30 day(s).",
	})
}

func TestAccessGroups(t *testing.T) {
	snap, r := renderAccess(t, nil)
	groups := snap.OfType(groupType)
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	slices.Sort(names)
	if want := []string{"breakglass-break-glass-group", "payments-developer-group", "payments-reader-group"}; !slices.Equal(names, want) {
		t.Errorf("groups %v, want %v (admin uses an existing group)", names, want)
	}
	expect(t, snap.Find(groupType, "payments-developer-group"), map[string]any{
		"displayName":           "plinth-payments-developer",
		"mailNickname":          "plinth-payments-developer",
		"securityEnabled":       true,
		"mailEnabled":           false,
		"preventDuplicateNames": true,
		"description": "Members of team payments's access level developer (edit) on AKS cluster " + clusterID +
			". Managed by Plinth: members join and leave through the access package; do not add them by hand.",
	})
	for _, level := range []string{"reader", "developer", "admin", "break-glass"} {
		if id, subject := groupObjectID(t, r, level), r.get(t, "subject/"+level); id != subject {
			t.Errorf("%s: ID %s, subject %s; AKS RoleBindings name Entra groups by object ID", level, id, subject)
		}
	}
}

func TestAccessExistingGroupIsUsedAndNotCreated(t *testing.T) {
	snap, r := renderAccess(t, nil)
	if snap.Find(groupType, "payments-admin-group") != nil {
		t.Error("a group was created for a level with an existing group")
	}
	if got := r.get(t, "id/admin"); got != existingGroup {
		t.Errorf("admin group %s, want the existing %s", got, existingGroup)
	}
	expect(t, snap.Find(catalogAssocType, "payments-admin-catalog-resource"), map[string]any{"resourceOriginId": existingGroup})
	if got := grantsOf(t, snap, existingGroup); len(got) != 3 {
		t.Errorf("the existing group has %d role assignments, want the Cluster User Role and two namespaces", len(got))
	}
}

func TestAccessPolicies(t *testing.T) {
	snap, _ := renderAccess(t, nil)
	requestors := map[string]any{"scopeType": "SpecificDirectorySubjects", "requestsAccepted": true}
	stage := func(days float64, approvers ...any) any {
		return map[string]any{"approvalTimeoutInDays": days, "primaryApprovers": approvers}
	}
	group := func(id string) any { return map[string]any{"subjectType": "groupMembers", "objectId": id} }
	user := func(id string) any { return map[string]any{"subjectType": "singleUser", "objectId": id} }

	// reader: no approval, no justification, 90 days, quarterly review;
	// user principals are single users, group principals group members.
	expect(t, snap.Find(policyType, "payments-reader-policy"), map[string]any{
		"displayName":                                     "payments reader",
		"durationInDays":                                  90.0,
		"extensionEnabled":                                false,
		"requestorSettings.scopeType":                     requestors["scopeType"],
		"requestorSettings.requestsAccepted":              requestors["requestsAccepted"],
		"requestorSettings.requestors":                    []any{group(devsGroup), user(aliceUser)},
		"approvalSettings.approvalRequired":               false,
		"approvalSettings.requestorJustificationRequired": false,
		"approvalSettings.approvalStages":                 []any{},
		"assignmentReviewSettings": map[string]any{
			"enabled":                     true,
			"reviewFrequency":             "quarterly",
			"durationInDays":              14.0,
			"reviewType":                  "Reviewers",
			"reviewers":                   []any{group(leadsGroup)},
			"accessReviewTimeoutBehavior": "removeAccess",
		},
	})
	// developer: one stage, justification, 30 days, half-yearly review.
	expect(t, snap.Find(policyType, "payments-developer-policy"), map[string]any{
		"durationInDays":                                  30.0,
		"requestorSettings.requestors":                    []any{group(devsGroup)},
		"approvalSettings.approvalRequired":               true,
		"approvalSettings.approvalRequiredForExtension":   false,
		"approvalSettings.requestorJustificationRequired": true,
		"approvalSettings.approvalStages":                 []any{stage(3, group(leadsGroup))},
		"assignmentReviewSettings.reviewFrequency":        "halfyearly",
		"assignmentReviewSettings.reviewers":              []any{group(leadsGroup), user(securityUser)},
	})
	// admin: two stages in order, 7 days, no review.
	expect(t, snap.Find(policyType, "payments-admin-policy"), map[string]any{
		"durationInDays":                  7.0,
		"approvalSettings.approvalStages": []any{stage(2, group(leadsGroup)), stage(1, user(securityUser))},
		"assignmentReviewSettings":        map[string]any{"enabled": false},
	})
	// break-glass: one day, annual review.
	expect(t, snap.Find(policyType, "breakglass-break-glass-policy"), map[string]any{
		"durationInDays":                           1.0,
		"approvalSettings.approvalRequired":        true,
		"approvalSettings.approvalStages":          []any{stage(1, user(securityUser))},
		"assignmentReviewSettings.reviewFrequency": "annual",
	})
}

func TestAccessChildrenAreParentedNamedAndUseTheExplicitProviders(t *testing.T) {
	snap, _ := renderAccess(t, nil)
	var entra []*platformtest.Resource
	for i := range snap.Resources {
		if r := &snap.Resources[i]; r.Type == "pulumi:providers:azuread" {
			entra = append(entra, r)
		}
	}
	if len(entra) != 1 {
		t.Fatalf("%d azuread providers, want one for the backend", len(entra))
	}
	expect(t, entra[0], map[string]any{"tenantId": tenant})
	if entra[0].Name != "azure-azuread" || entra[0].Parent != "" {
		t.Errorf("azuread provider %s, parent %q", entra[0].Name, entra[0].Parent)
	}

	parents := map[string]string{}
	for _, name := range []string{"platform", "payments", "breakglass"} {
		typ := "plinth:test:AccessPackage"
		if name == "platform" {
			typ = "plinth:test:AccessCatalog"
		}
		parents[snap.Find(typ, name).URN] = name
	}
	counts := map[string]int{}
	for _, r := range snap.Resources {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		owner, ok := parents[r.Parent]
		if !ok {
			t.Errorf("%s %s is not parented to the calling component (C1)", r.Type, r.Name)
			continue
		}
		counts[owner]++
		if !strings.HasPrefix(r.Name, owner+"-") {
			t.Errorf("%s %s: name does not derive from %s (C2)", r.Type, r.Name, owner)
		}
		want := azureadProvider
		if r.Type == roleAssignmentType {
			want = azureNativeProvider
		}
		if !strings.HasPrefix(r.Provider, want) {
			t.Errorf("%s %s: provider %q, want the backend's explicit %s (C3)", r.Type, r.Name, r.Provider, want)
		}
		if _, tagged := r.Input("tags"); tagged {
			t.Errorf("%s %s has tags; neither Entra objects nor role assignments take them", r.Type, r.Name)
		}
	}
	// payments: 2 groups + 3 × (catalog resource, package, membership,
	// policy) + 3 × 3 role assignments; break-glass: 1 + 4 + 2.
	if want := map[string]int{"platform": 1, "payments": 2 + 12 + 9, "breakglass": 7}; !maps.Equal(counts, want) {
		t.Errorf("children %v, want %v", counts, want)
	}
}

func TestAccessRejectedRegistersNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config aks.Config
		spec   func(s *platform.AccessPackageSpec)
		want   string
	}{
		{"no tenant", aks.Config{SubscriptionID: sub, Location: "westeurope"}, nil,
			"aks.tenantID: required: access packages and groups live in the Entra ID tenant"},
		{"malformed principal", aks.Config{}, func(s *platform.AccessPackageSpec) { s.Levels[1].Requestors = []string{"payments-devs"} },
			`accessPackage.levels[1].requestors[0] "payments-devs": want "user:<object ID>" or "group:<object ID>"`},
		{"existing group not a UUID", aks.Config{}, func(s *platform.AccessPackageSpec) { s.Levels[2].ExistingGroup = "payments-admins" },
			`accessPackage.levels[2].existingGroup "payments-admins": not an Entra group object ID (a UUID)`},
		{"cluster-admin with namespaces", aks.Config{}, func(s *platform.AccessPackageSpec) { s.Levels[0].Role = platform.AccessClusterAdmin },
			`accessPackage.levels[0].role "cluster-admin": break-glass is cluster-wide`},
		{"duration in hours", aks.Config{}, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 8 * time.Hour },
			`accessPackage.levels[0].maxDuration "8h0m0s": Entra ID access package assignments expire after whole days`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.config
			if cfg.SubscriptionID == "" {
				cfg = aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"}
			}
			var got error
			snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
				b, err := aks.New(ctx, "azure", cfg)
				if err != nil {
					return err
				}
				spec := paymentsAccess()
				if tc.spec != nil {
					tc.spec(&spec)
				}
				spec.Cluster = &platform.ClusterOutputs{ID: pulumi.String(clusterID).ToStringOutput()}
				spec.Catalog = &platform.AccessCatalog{ID: pulumi.String("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9").ToStringOutput()}
				_, got = b.NewAccessPackage(ctx, spec)
				if cfg.TenantID == "" {
					if _, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "platform", Description: "d"}); err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Errorf("catalog without a tenant: error %v", err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !strings.Contains(got.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", got, tc.want)
			}
			for _, r := range snap.Resources {
				if r.Type != "pulumi:providers:azure-native" {
					t.Errorf("%s %s registered for a rejected access package", r.Type, r.Name)
				}
			}
		})
	}
}

func TestAccessRenderIsDeterministic(t *testing.T) {
	render := func() []byte {
		snap, _ := renderAccess(t, nil)
		data, err := snap.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if a, b := render(), render(); !bytes.Equal(a, b) {
		t.Error("two renders of the same access differ (C6)")
	}
}

// A retained package (production) protects its groups and keeps them in
// Entra ID when they leave the stack: they hold their members. Nothing
// else of the package is retained.
func TestAccessRetainedGroups(t *testing.T) {
	for _, retain := range []bool{false, true} {
		snap, _ := renderAccess(t, func(s *platform.AccessPackageSpec) { s.Retain = retain })
		groups := snap.OfType(groupType)
		if len(groups) == 0 {
			t.Fatal("no groups")
		}
		for _, r := range snap.Resources {
			if !r.Custom || !strings.HasPrefix(r.Name, "payments-") { // the package mutate changes
				continue
			}
			want := retain && r.Type == groupType
			if r.Protect != want || r.RetainOnDelete != want {
				t.Errorf("Retain %v: %s %s protect %v retain %v, want %v", retain, r.Type, r.Name, r.Protect, r.RetainOnDelete, want)
			}
		}
	}
}

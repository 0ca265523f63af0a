package aks

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// Object IDs of the directory principals of the access tests.
const (
	payDevs    = "6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d" // group: the team's developers
	payLeads   = "7b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e" // group: the team's leads
	alice      = "8c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" // user
	secOfficer = "9d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a" // user: security
	existing   = "0e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b" // an existing Entra group
	clusterARM = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks"
)

func accessConfig() Config {
	c := testConfig
	c.TenantID = testTenant
	return c
}

// accessSpec is team payments with two namespaces and three levels:
// reader (view, no approval, reviewed quarterly), developer (edit, one
// approval stage, justification, reviewed monthly) and admin (admin, two
// stages, an existing group, no review).
func accessSpec() platform.AccessPackageSpec {
	return platform.AccessPackageSpec{
		Name:       "payments",
		Team:       "payments",
		Namespaces: []string{"payments", "payments-jobs"},
		Levels: []platform.AccessLevelSpec{
			{
				Name: "reader", Role: platform.AccessView,
				Requestors:  []string{"group:" + payDevs, "user:" + alice},
				MaxDuration: 90 * 24 * time.Hour,
				Review:      &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:" + payLeads}},
			},
			{
				Name: "developer", Role: platform.AccessEdit,
				Requestors:    []string{"group:" + payDevs},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"group:" + payLeads}, TimeoutDays: 3}},
				Justification: true,
				MaxDuration:   30 * 24 * time.Hour,
				Review:        &platform.AccessReview{Every: "monthly", Reviewers: []string{"group:" + payLeads, "user:" + secOfficer}},
			},
			{
				Name: "admin", Role: platform.AccessAdmin,
				Requestors: []string{"group:" + payLeads},
				Approval: []platform.ApprovalStage{
					{Approvers: []string{"group:" + payLeads}, TimeoutDays: 2},
					{Approvers: []string{"user:" + secOfficer}, TimeoutDays: 1},
				},
				Justification: true,
				MaxDuration:   7 * 24 * time.Hour,
				ExistingGroup: existing,
			},
		},
		Cluster: &platform.ClusterOutputs{ID: pulumi.String(clusterARM).ToStringOutput()},
		Catalog: &platform.AccessCatalog{ID: pulumi.String("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9").ToStringOutput()},
		Tags:    platform.Tags{"environment": "prod"},
	}
}

// breakGlassSpec is the platform team's break-glass package: no
// namespaces, one cluster-admin level for one day.
func breakGlassSpec() platform.AccessPackageSpec {
	s := accessSpec()
	s.Name, s.Team, s.Namespaces = "breakglass", "platform", nil
	s.Levels = []platform.AccessLevelSpec{{
		Name: "break-glass", Role: platform.AccessClusterAdmin,
		Requestors:    []string{"group:" + payLeads},
		Approval:      []platform.ApprovalStage{{Approvers: []string{"user:" + secOfficer}, TimeoutDays: 1}},
		Justification: true,
		MaxDuration:   24 * time.Hour,
		Review:        &platform.AccessReview{Every: "annually", Reviewers: []string{"user:" + secOfficer}},
	}}
	return s
}

func TestAccessRoleDefinitionIDs(t *testing.T) {
	// Microsoft's built-in role reference
	// (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
	for role, want := range map[roleDefinition]string{
		roleAKSRBACReader:       "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
		roleAKSRBACWriter:       "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb",
		roleAKSRBACAdmin:        "3498e952-d568-435e-9b2c-8d77e338d7f7",
		roleAKSRBACClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
		roleAKSClusterUser:      "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
	} {
		if string(role) != want {
			t.Errorf("role %s, want %s", role, want)
		}
	}
	want := map[platform.AccessRole]roleDefinition{
		platform.AccessView:  roleAKSRBACReader,
		platform.AccessEdit:  roleAKSRBACWriter,
		platform.AccessAdmin: roleAKSRBACAdmin,
	}
	if !reflect.DeepEqual(namespaceRoles, want) {
		t.Errorf("namespace roles %v, want %v", namespaceRoles, want)
	}
}

func TestPlanAccessCatalog(t *testing.T) {
	p, err := planAccessCatalog(accessConfig(), platform.AccessCatalogSpec{Name: "platform", Description: "Access to the platform's AKS clusters"})
	if err != nil {
		t.Fatal(err)
	}
	want := accessCatalogPlan{
		Catalog:           "platform-catalog",
		DisplayName:       "plinth-platform",
		Description:       "Access to the platform's AKS clusters",
		Published:         true,
		ExternallyVisible: false,
	}
	if p != want {
		t.Errorf("plan %+v, want %+v", p, want)
	}
	_, err = planAccessCatalog(testConfig, platform.AccessCatalogSpec{Name: "Platform"})
	for _, want := range []string{
		"aks.tenantID: required: access packages and groups live in the Entra ID tenant",
		`accessCatalog.name "Platform": use lowercase letters`,
		"accessCatalog.description: required",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
}

func TestPlanAccessPackage(t *testing.T) {
	p, err := planAccessPackage(accessConfig(), accessSpec())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Levels) != 3 {
		t.Fatalf("%d levels, want 3", len(p.Levels))
	}
	want := accessLevelPlan{
		Name:               "developer",
		Role:               platform.AccessEdit,
		Group:              "payments-developer-group",
		CatalogResource:    "payments-developer-catalog-resource",
		Package:            "payments-developer-package",
		PackageResource:    "payments-developer-package-resource",
		Policy:             "payments-developer-policy",
		GroupDisplayName:   "plinth-payments-developer",
		MailNickname:       "plinth-payments-developer",
		PackageDisplayName: "payments developer",
		PackageDescription: "Kubernetes edit access for team payments in the namespaces payments, payments-jobs, expiring after 30 day(s).",
		PolicyDisplayName:  "payments developer",
		PolicyDescription:  "Requests by the listed requestors: 1 approval stage(s); assignments expire after 30 day(s); reviewed monthly. Managed by Plinth.",
		Requestors:         []accessSubject{{SubjectType: "groupMembers", ObjectID: payDevs}},
		ApprovalRequired:   true,
		Stages:             []approvalStagePlan{{TimeoutDays: 3, Approvers: []accessSubject{{SubjectType: "groupMembers", ObjectID: payLeads}}}},
		Justification:      true,
		DurationDays:       30,
		Review: accessReviewPlan{
			Enabled:         true,
			Frequency:       "monthly",
			DurationDays:    14,
			Type:            "Reviewers",
			Reviewers:       []accessSubject{{SubjectType: "groupMembers", ObjectID: payLeads}, {SubjectType: "singleUser", ObjectID: secOfficer}},
			TimeoutBehavior: "removeAccess",
		},
		Assignments: []accessAssignmentPlan{
			{Resource: "payments-developer-cluster-user", Role: roleAKSClusterUser},
			{Resource: "payments-developer-ns-payments", Role: roleAKSRBACWriter, Namespace: "payments"},
			{Resource: "payments-developer-ns-payments-jobs", Role: roleAKSRBACWriter, Namespace: "payments-jobs"},
		},
	}
	if !reflect.DeepEqual(p.Levels[1], want) {
		t.Errorf("developer:\n%+v\nwant\n%+v", p.Levels[1], want)
	}

	reader := p.Levels[0]
	if reader.ApprovalRequired || len(reader.Stages) != 0 || reader.Justification {
		t.Errorf("reader: approval %v, stages %v, justification %v; want none", reader.ApprovalRequired, reader.Stages, reader.Justification)
	}
	if want := []accessSubject{{"groupMembers", payDevs}, {"singleUser", alice}}; !reflect.DeepEqual(reader.Requestors, want) {
		t.Errorf("reader requestors %v, want %v", reader.Requestors, want)
	}
	if reader.Review.Frequency != "quarterly" || reader.DurationDays != 90 {
		t.Errorf("reader review %q, duration %d", reader.Review.Frequency, reader.DurationDays)
	}
	if got := reader.Assignments[1:]; got[0].Role != roleAKSRBACReader || got[1].Role != roleAKSRBACReader {
		t.Errorf("reader namespace roles %v, want AKS RBAC Reader", got)
	}

	admin := p.Levels[2]
	if admin.Group != "" || admin.GroupDisplayName != "" || admin.ExistingGroup != existing {
		t.Errorf("admin with an existing group: group %q %q, existing %q", admin.Group, admin.GroupDisplayName, admin.ExistingGroup)
	}
	if want := []approvalStagePlan{
		{TimeoutDays: 2, Approvers: []accessSubject{{"groupMembers", payLeads}}},
		{TimeoutDays: 1, Approvers: []accessSubject{{"singleUser", secOfficer}}},
	}; !reflect.DeepEqual(admin.Stages, want) {
		t.Errorf("admin stages %+v, want %+v", admin.Stages, want)
	}
	if !reflect.DeepEqual(admin.Review, accessReviewPlan{}) {
		t.Errorf("admin has no review, plan %+v", admin.Review)
	}
	if got := admin.Assignments[1:]; len(got) != 2 || got[0].Role != roleAKSRBACAdmin || got[1].Role != roleAKSRBACAdmin {
		t.Errorf("admin namespace roles %v, want AKS RBAC Admin at each namespace", got)
	}
}

// TestPlanAccessScopes: each namespaced level has the Cluster User Role at
// the cluster and its AKS RBAC role at exactly each namespace; nothing
// else.
func TestPlanAccessScopes(t *testing.T) {
	p, err := planAccessPackage(accessConfig(), accessSpec())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range p.Levels {
		var cluster []roleDefinition
		namespaces := map[string]roleDefinition{}
		for _, a := range l.Assignments {
			if a.Namespace == "" {
				cluster = append(cluster, a.Role)
				continue
			}
			if _, dup := namespaces[a.Namespace]; dup {
				t.Errorf("%s: two assignments in namespace %s", l.Name, a.Namespace)
			}
			namespaces[a.Namespace] = a.Role
		}
		if !reflect.DeepEqual(cluster, []roleDefinition{roleAKSClusterUser}) {
			t.Errorf("%s: cluster-scope roles %v, want only the Cluster User Role", l.Name, cluster)
		}
		want := map[string]roleDefinition{"payments": namespaceRoles[l.Role], "payments-jobs": namespaceRoles[l.Role]}
		if !reflect.DeepEqual(namespaces, want) {
			t.Errorf("%s: namespace roles %v, want %v", l.Name, namespaces, want)
		}
	}
	if got := namespaceScope(clusterARM, "payments"); got != clusterARM+"/namespaces/payments" {
		t.Errorf("namespace scope %s", got)
	}
}

func TestPlanAccessBreakGlass(t *testing.T) {
	p, err := planAccessPackage(accessConfig(), breakGlassSpec())
	if err != nil {
		t.Fatal(err)
	}
	l := p.Levels[0]
	want := []accessAssignmentPlan{
		{Resource: "breakglass-break-glass-cluster-user", Role: roleAKSClusterUser},
		{Resource: "breakglass-break-glass-cluster-admin", Role: roleAKSRBACClusterAdmin},
	}
	if !reflect.DeepEqual(l.Assignments, want) {
		t.Errorf("break-glass assignments %+v, want exactly %+v", l.Assignments, want)
	}
	if l.DurationDays != 1 || !l.ApprovalRequired || !l.Justification || l.Review.Frequency != "annual" {
		t.Errorf("break-glass duration %d, approval %v, justification %v, review %q", l.DurationDays, l.ApprovalRequired, l.Justification, l.Review.Frequency)
	}
	if want := "Break-glass for platform: cluster-admin on the whole AKS cluster, expiring after 1 day(s). Request it only in an incident."; l.PackageDescription != want {
		t.Errorf("description %q", l.PackageDescription)
	}
}

func TestPlanAccessPackageRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(c *Config)
		spec func(s *platform.AccessPackageSpec)
		want []string
	}{
		{"no tenant", func(c *Config) { c.TenantID = "" }, nil, []string{
			"aks.tenantID: required: access packages and groups live in the Entra ID tenant; set it (az account show --query tenantId)",
		}},
		{"requestor by email", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Requestors[1] = "user:alice@example.com" }, []string{
			`accessPackage.levels[0].requestors[1] "user:alice@example.com": want "user:<object ID>" or "group:<object ID>" with the Entra object ID, a UUID`,
		}},
		{"requestor without kind", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Requestors[0] = payDevs }, []string{
			`accessPackage.levels[0].requestors[0] "` + payDevs + `": want "user:<object ID>"`,
		}},
		{"approver of another kind", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[1].Approval[0].Approvers[0] = "serviceAccount:" + payLeads
		}, []string{
			`accessPackage.levels[1].approval[0].approvers[0] "serviceAccount:` + payLeads + `": want`,
		}},
		{"reviewer malformed", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Review.Reviewers[1] = "user:" }, []string{
			`accessPackage.levels[1].review.reviewers[1] "user:": want`,
		}},
		{"existing group not a UUID", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].ExistingGroup = "payments-admins" }, []string{
			`accessPackage.levels[2].existingGroup "payments-admins": not an Entra group object ID (a UUID)`,
		}},
		{"existing group as a principal", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].ExistingGroup = "group:" + existing }, []string{
			`accessPackage.levels[2].existingGroup "group:` + existing + `": give the bare object ID, without "group:"`,
		}},
		{"cluster-admin with namespaces", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].Role = platform.AccessClusterAdmin }, []string{
			`accessPackage.levels[2].role "cluster-admin": break-glass is cluster-wide and never part of a team's namespaced access; put it in an access package of its own with no namespaces (this one has payments, payments-jobs)`,
		}},
		{"hours", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].MaxDuration = 8 * time.Hour }, []string{
			`accessPackage.levels[1].maxDuration "8h0m0s": Entra ID access package assignments expire after whole days (durationInDays); use a multiple of 24h from 24h to 87840h (3660 days)`,
		}},
		{"a day and a half", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 36 * time.Hour }, []string{
			`accessPackage.levels[0].maxDuration "36h0m0s": Entra ID access package assignments expire after whole days`,
		}},
		{"no expiry", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 0 }, []string{
			`accessPackage.levels[0].maxDuration "0s":`,
		}},
		{"over ten years", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 3661 * 24 * time.Hour }, []string{
			`accessPackage.levels[0].maxDuration "87864h0m0s":`,
		}},
		{"weekly review", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Review.Every = "weekly" }, []string{
			`accessPackage.levels[0].review.every "weekly": use monthly, quarterly, semiannually or annually`,
		}},
		{"review without reviewers", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Review.Reviewers = nil }, []string{
			"accessPackage.levels[0].review.reviewers: required",
		}},
		{"stage without approvers or timeout", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[1].Approval[0] = platform.ApprovalStage{}
		}, []string{
			"accessPackage.levels[1].approval[0].timeoutDays 0: a stage waits at least one day",
			"accessPackage.levels[1].approval[0].approvers: required",
		}},
		{"no requestors", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Requestors = nil }, []string{
			"accessPackage.levels[0].requestors: required",
		}},
		{"unknown role", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Role = "owner" }, []string{
			`accessPackage.levels[0].role "owner": AKS maps only [view edit admin cluster-admin]`,
		}},
		{"duplicate level", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Name = "reader" }, []string{
			`accessPackage.levels[1].name "reader": two levels have this name`,
		}},
		{"level name", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Name = "Dev Team" }, []string{
			`accessPackage.levels[1].name "Dev Team": use lowercase letters`,
		}},
		{"mail nickname too long", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Name = strings.Repeat("r", 50) }, []string{
			`accessPackage.levels[0].name "` + strings.Repeat("r", 50) + `": the group's mail nickname "plinth-payments-` + strings.Repeat("r", 50) + `" is longer than the 64 characters`,
		}},
		{"namespaced levels without namespaces", nil, func(s *platform.AccessPackageSpec) { s.Namespaces = nil }, []string{
			"accessPackage.namespaces: required: levels reader, developer, admin are granted in the team's namespaces only",
		}},
		{"bad namespace", nil, func(s *platform.AccessPackageSpec) { s.Namespaces = []string{"payments", "Payments_Jobs", "payments"} }, []string{
			`accessPackage.namespaces[1] "Payments_Jobs": not a Kubernetes namespace name`,
			`accessPackage.namespaces[2] "payments": listed twice`,
		}},
		{"no cluster, catalog, team or levels", nil, func(s *platform.AccessPackageSpec) {
			s.Cluster, s.Catalog, s.Team, s.Levels = nil, nil, "", nil
		}, []string{
			"accessPackage.team: required",
			"accessPackage.cluster: required: the outputs of the cluster the access is to",
			"accessPackage.catalog: required: the platform's catalog; create it once with NewAccessCatalog",
			"accessPackage.levels: required",
		}},
		{"cluster without ID", nil, func(s *platform.AccessPackageSpec) { s.Cluster = &platform.ClusterOutputs{} }, []string{
			"accessPackage.cluster.id: required",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, s := accessConfig(), accessSpec()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.spec != nil {
				tc.spec(&s)
			}
			p, err := planAccessPackage(cfg, s)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want one containing %q", err, want)
				}
			}
			if err != nil && len(p.Levels) != 0 {
				t.Errorf("a rejected spec was planned: %+v", p)
			}
		})
	}
}

func TestPlanAccessBreakGlassAlone(t *testing.T) {
	// A cluster-admin level in a package without namespaces is fine; a
	// namespaced level next to it still needs namespaces.
	s := breakGlassSpec()
	s.Levels = append(s.Levels, accessSpec().Levels[0])
	_, err := planAccessPackage(accessConfig(), s)
	if err == nil || err.Error() != "accessPackage.namespaces: required: levels reader are granted in the team's namespaces only" {
		t.Errorf("error %v", err)
	}
}

func TestAccessDurationDays(t *testing.T) {
	for d, want := range map[time.Duration]int{
		24 * time.Hour:        1,
		7 * 24 * time.Hour:    7,
		3660 * 24 * time.Hour: 3660,
	} {
		if got, err := accessDurationDays("d", d); err != nil || got != want {
			t.Errorf("accessDurationDays(%s) = %d, %v; want %d", d, got, err, want)
		}
	}
	for _, d := range []time.Duration{-24 * time.Hour, 0, time.Hour, 25 * time.Hour, 24*time.Hour + time.Second, 3661 * 24 * time.Hour} {
		if _, err := accessDurationDays("d", d); err == nil {
			t.Errorf("accessDurationDays(%s) did not fail", d)
		}
	}
}

func TestParseAccessPrincipal(t *testing.T) {
	for p, want := range map[string]accessSubject{
		"user:" + alice:    {SubjectType: "singleUser", ObjectID: alice},
		"group:" + payDevs: {SubjectType: "groupMembers", ObjectID: payDevs},
	} {
		if got, err := parseAccessPrincipal("p", p); err != nil || got != want {
			t.Errorf("parseAccessPrincipal(%q) = %+v, %v; want %+v", p, got, err, want)
		}
	}
	for _, p := range []string{"", "user", "user:", "group:payments-devs", "alice@example.com", "user:alice@example.com", "serviceAccount:" + alice, "User:" + alice, alice} {
		if _, err := parseAccessPrincipal("p", p); err == nil {
			t.Errorf("parseAccessPrincipal(%q) did not fail", p)
		}
	}
}

func TestAccessReviewFrequencies(t *testing.T) {
	want := map[string]string{"monthly": "monthly", "quarterly": "quarterly", "semiannually": "halfyearly", "annually": "annual"}
	if !reflect.DeepEqual(accessReviewFrequencies, want) {
		t.Errorf("frequencies %v, want %v", accessReviewFrequencies, want)
	}
}

func TestAccessGroupDescription(t *testing.T) {
	got := accessGroupDescription("payments", "developer", platform.AccessEdit, clusterARM)
	for _, want := range []string{"team payments", "level developer (edit)", "AKS cluster " + clusterARM} {
		if !strings.Contains(got, want) {
			t.Errorf("description %q does not contain %q", got, want)
		}
	}
	if len(got) > 1024 {
		t.Errorf("description is %d characters; Entra ID takes 1024", len(got))
	}
}

func TestPlanAccessOwnsItsSlices(t *testing.T) {
	s := accessSpec()
	p, err := planAccessPackage(accessConfig(), s)
	if err != nil {
		t.Fatal(err)
	}
	s.Levels[0].Requestors[0] = "user:" + secOfficer
	s.Namespaces[0] = "other"
	if p.Levels[0].Requestors[0].ObjectID != payDevs || p.Levels[0].Assignments[1].Namespace != "payments" {
		t.Error("the plan shares slices with the spec")
	}
}

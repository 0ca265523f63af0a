package gke

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/platform"
)

var accessConfig = Config{
	Project: "acme-platform-prod", Region: "europe-west1", MasterCIDR: DefaultMasterCIDR,
	CustomerID: "C03az79cb", GroupDomain: "acme.example",
}

// accessSpec is a team with four levels: reader (no approval), developer
// (one approval, justification), admin (an existing group) and break-glass
// (cluster-admin, two approval stages).
func accessSpec() platform.AccessPackageSpec {
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
				Name: "admin", Role: platform.AccessAdmin, Requestors: []string{"user:lead@acme.example", "user:deputy@acme.example"},
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

func TestPlanAccess(t *testing.T) {
	got := planAccess(accessConfig, accessSpec())
	const resource = "//cloudresourcemanager.googleapis.com/projects/acme-platform-prod"
	labels := map[string]string{
		"cloudidentity.googleapis.com/groups.discussion_forum": "",
		"cloudidentity.googleapis.com/groups.security":         "",
	}
	want := accessPlan{
		SecurityGroup: "gke-security-groups@acme.example",
		Levels: []accessLevelPlan{
			{
				Level: "reader", Email: "plinth-payments-reader@acme.example",
				Group: &accessGroupPlan{
					Name: "payments-reader-group", Parent: "customers/C03az79cb",
					DisplayName: "payments reader (Plinth)",
					Description: "Kubernetes view rights in the namespaces of team payments, on the GKE clusters of project acme-platform-prod. Members reach the clusters only while they hold a grant of the Privileged Access Manager entitlement plinth-payments-reader. Managed by Plinth.",
					Labels:      labels, Membership: "payments-reader-gke-security",
				},
				Entitlement: entitlementPlan{
					Name: "payments-reader-entitlement", ID: "plinth-payments-reader", Parent: "projects/acme-platform-prod",
					MaxRequestDuration: "28800s", EligibleUsers: []string{"group:payments@acme.example"},
					Resource: resource, Roles: []string{"roles/container.clusterViewer"},
				},
			},
			{
				Level: "developer", Email: "plinth-payments-developer@acme.example",
				Group: &accessGroupPlan{
					Name: "payments-developer-group", Parent: "customers/C03az79cb",
					DisplayName: "payments developer (Plinth)",
					Description: "Kubernetes edit rights in the namespaces of team payments, on the GKE clusters of project acme-platform-prod. Members reach the clusters only while they hold a grant of the Privileged Access Manager entitlement plinth-payments-developer. Managed by Plinth.",
					Labels:      labels, Membership: "payments-developer-gke-security",
				},
				Entitlement: entitlementPlan{
					Name: "payments-developer-entitlement", ID: "plinth-payments-developer", Parent: "projects/acme-platform-prod",
					MaxRequestDuration: "28800s", EligibleUsers: []string{"group:payments@acme.example"}, Justification: true,
					Steps:    [][]string{{"user:lead@acme.example"}},
					Resource: resource, Roles: []string{"roles/container.clusterViewer"},
				},
			},
			{
				// An existing group: no group to create, the same entitlement.
				Level: "admin", Email: "payments-admins@acme.example",
				Entitlement: entitlementPlan{
					Name: "payments-admin-entitlement", ID: "plinth-payments-admin", Parent: "projects/acme-platform-prod",
					MaxRequestDuration: "14400s", EligibleUsers: []string{"user:lead@acme.example", "user:deputy@acme.example"}, Justification: true,
					Steps:    [][]string{{"group:platform-leads@acme.example"}},
					Resource: resource, Roles: []string{"roles/container.clusterViewer"},
				},
			},
			{
				Level: "break-glass", Email: "plinth-payments-break-glass@acme.example",
				Group: &accessGroupPlan{
					Name: "payments-break-glass-group", Parent: "customers/C03az79cb",
					DisplayName: "payments break-glass (Plinth)",
					Description: "Break-glass access of team payments. Members requesting a grant of the Privileged Access Manager entitlement plinth-payments-break-glass on project acme-platform-prod get roles/container.admin there until the grant ends. Managed by Plinth.",
					Labels:      labels, Membership: "payments-break-glass-gke-security",
				},
				Entitlement: entitlementPlan{
					Name: "payments-break-glass-entitlement", ID: "plinth-payments-break-glass", Parent: "projects/acme-platform-prod",
					MaxRequestDuration: "3600s", EligibleUsers: []string{"group:sre@acme.example"}, Justification: true,
					Steps:    [][]string{{"group:security@acme.example"}, {"user:ciso@acme.example"}},
					Resource: resource, Roles: []string{"roles/container.admin"},
				},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
	// The plan holds copies: editing it changes neither the spec nor the
	// next plan.
	got.Levels[0].Group.Labels["x"] = "y"
	got.Levels[0].Entitlement.Roles[0] = "roles/owner"
	if len(accessGroupLabels) != 2 || entitlementRoles[platform.AccessView][0] != roleClusterViewer {
		t.Error("the plan shares the package's tables")
	}
}

// Only cluster-admin gets more than clusterViewer; every namespaced role
// gets exactly clusterViewer, whose only rights are to find the project's
// clusters and authenticate to them.
func TestEntitlementRoles(t *testing.T) {
	for _, r := range platform.AccessRoles {
		got := entitlementRoles[r]
		want := []string{"roles/container.clusterViewer"}
		if r == platform.AccessClusterAdmin {
			want = []string{"roles/container.admin"}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: roles %v, want %v", r, got, want)
		}
	}
}

// Without approval stages the entitlement has no approval workflow: grants
// are activated at once, and still end after MaxDuration.
func TestPlanAccessWithoutApproval(t *testing.T) {
	e := planAccess(accessConfig, accessSpec()).Levels[0].Entitlement
	if e.Steps != nil || e.Justification || e.MaxRequestDuration != "28800s" {
		t.Errorf("reader entitlement %+v, want no steps, no justification, 28800s", e)
	}
}

// PAM expires a pending request after 24 hours: a longer stage timeout is
// told, not silently dropped; 0 and 1 day are what PAM does.
func TestPlanAccessWarnsOfLongTimeouts(t *testing.T) {
	if w := planAccess(accessConfig, accessSpec()).Warnings; len(w) != 0 {
		t.Errorf("warnings %v for one-day timeouts", w)
	}
	s := accessSpec()
	s.Levels[1].Approval[0].TimeoutDays = 14
	w := planAccess(accessConfig, s).Warnings
	if len(w) != 1 || !strings.Contains(w[0], "payments/developer") || !strings.Contains(w[0], "24 hours") || !strings.Contains(w[0], "14 days") {
		t.Errorf("warnings %q, want one about developer's 14 days", w)
	}
}

// Package and level names within the limits give entitlement IDs (and
// group names) PAM and Cloud Identity accept; longer ones are rejected
// before anything is registered.
func TestAccessIDs(t *testing.T) {
	name := strings.Repeat("a", platform.MaxNameLength)
	level := strings.Repeat("b", 63-len("plinth-")-len(name)-1)
	if id := accessID(name, level); !entitlementID.MatchString(id) || len(id) != 63 {
		t.Errorf("%q (%d): the longest valid ID is rejected", id, len(id))
	}
	if id := accessID(name, level+"b"); entitlementID.MatchString(id) {
		t.Errorf("%q (%d) is accepted; PAM takes at most 63 characters", id, len(id))
	}
	if id := accessID("a", "b"); !entitlementID.MatchString(id) {
		t.Errorf("%q: short names are rejected", id)
	}
	s := accessSpec()
	s.Name = name
	s.Levels[0].Name = level + "b"
	if err := validateAccessSpec(accessConfig, s, "accessPackage"); err == nil || !strings.Contains(err.Error(), "at most 63 characters") {
		t.Errorf("error %v for a 64-character ID", err)
	}
}

func TestValidateAccessSpec(t *testing.T) {
	tests := []struct {
		name   string
		cfg    func(c *Config)
		mutate func(s *platform.AccessPackageSpec)
		want   string
	}{
		{"review", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[1].Review = &platform.AccessReview{Every: "quarterly", Reviewers: []string{"user:lead@acme.example"}}
		}, `accessPackage.levels[1].review "quarterly": Privileged Access Manager has no access reviews`},
		{"Entra object ID", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[0].Requestors = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"}
		}, `accessPackage.levels[0].requestors[0] "group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e": not a Google principal; on GKE write "user:<email>" or "group:<email>"`},
		{"bare email", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].Requestors[1] = "deputy@acme.example" },
			`accessPackage.levels[2].requestors[1] "deputy@acme.example": not a Google principal`},
		{"service account", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[0].Requestors = []string{"serviceAccount:ci@acme-platform-prod.iam.gserviceaccount.com"}
		}, `accessPackage.levels[0].requestors[0] "serviceAccount:ci@acme-platform-prod.iam.gserviceaccount.com": not a Google principal`},
		{"twice", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].Requestors[1] = "user:Lead@acme.example" },
			`accessPackage.levels[2].requestors[1] "user:Lead@acme.example": listed twice`},
		{"bad approver", nil, func(s *platform.AccessPackageSpec) { s.Levels[3].Approval[1].Approvers = []string{"ciso"} },
			`accessPackage.levels[3].approval[1].approvers[0] "ciso": not a Google principal`},
		{"no approvers", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Approval[0].Approvers = nil },
			`accessPackage.levels[1].approval[0].approvers: required`},
		{"three stages", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[3].Approval = append(s.Levels[3].Approval, platform.ApprovalStage{Approvers: []string{"user:ceo@acme.example"}})
		}, `accessPackage.levels[3].approval 3: Privileged Access Manager takes at most 2 approval stages`},
		{"no requestors", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Requestors = nil },
			`accessPackage.levels[0].requestors: required`},
		{"too many requestors", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[0].Requestors = nil
			for i := range 21 {
				s.Levels[0].Requestors = append(s.Levels[0].Requestors, fmt.Sprintf("user:dev%d@acme.example", i))
			}
		}, `accessPackage.levels[0].requestors 21: Privileged Access Manager takes at most 20 requesting principals`},
		{"no duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 0 },
			`accessPackage.levels[0].maxDuration "0s": every grant must end`},
		{"fractional duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 1500 * time.Millisecond },
			`accessPackage.levels[0].maxDuration "1.5s": Privileged Access Manager counts grant durations in whole seconds`},
		{"unknown role", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Role = "owner" },
			`accessPackage.levels[0].role "owner": not an access role`},
		{"same level twice", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Name = "reader" },
			`accessPackage.levels[1].name "reader": another level has this name`},
		{"uppercase level", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Name = "Reader" },
			`accessPackage.levels[0].name "Reader": use lowercase letters`},
		{"no level name", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Name = "" },
			`accessPackage.levels[0].name: required`},
		{"no levels", nil, func(s *platform.AccessPackageSpec) { s.Levels = nil },
			`accessPackage.levels: required`},
		{"existing group as principal", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].ExistingGroup = "group:payments-admins@acme.example" },
			`accessPackage.levels[2].existingGroup "group:payments-admins@acme.example": give the group's email alone`},
		{"existing group as object ID", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[2].ExistingGroup = "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"
		},
			`accessPackage.levels[2].existingGroup "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e": not a Google group email`},
		{"no customer", func(c *Config) { c.CustomerID = "" }, nil,
			`gke.customerID: required: the Cloud Identity customer ID groups are created under, e.g. "C03az79cb" (gcloud organizations list, DIRECTORY_CUSTOMER_ID), because accessPackage.levels[0], accessPackage.levels[1], accessPackage.levels[3] create a group`},
		{"no domain", func(c *Config) { c.GroupDomain = "" }, nil,
			`gke.groupDomain: required: the domain groups are created in`},
	}
	for _, tt := range tests {
		cfg, s := accessConfig, accessSpec()
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		if tt.mutate != nil {
			tt.mutate(&s)
		}
		if err := validateAccessSpec(cfg, s, "accessPackage"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if err := validateAccessSpec(accessConfig, accessSpec(), "accessPackage"); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}

// A package whose levels all name an existing group creates no group, so a
// stack without a customer ID or group domain can use it.
func TestAccessWithExistingGroupsNeedsNoDirectoryConfig(t *testing.T) {
	cfg := accessConfig
	cfg.CustomerID, cfg.GroupDomain = "", ""
	s := accessSpec()
	for i := range s.Levels {
		s.Levels[i].ExistingGroup = fmt.Sprintf("payments-%s@acme.example", s.Levels[i].Name)
	}
	if err := validateAccessSpec(cfg, s, "accessPackage"); err != nil {
		t.Fatalf("existing groups need a customer ID: %v", err)
	}
	p := planAccess(cfg, s)
	if p.SecurityGroup != "" {
		t.Errorf("security group %q with no group to add to it", p.SecurityGroup)
	}
	for _, l := range p.Levels {
		if l.Group != nil {
			t.Errorf("%s: plans a group despite its existing group", l.Level)
		}
	}
}

// The directory settings are checked when given and needed only by access
// packages: a stack without teams sets neither.
func TestConfigDirectoryFields(t *testing.T) {
	base := Config{Project: "acme-platform-prod", Region: "europe-west1"}
	if err := base.validate("gke"); err != nil {
		t.Fatalf("a config without directory settings is rejected: %v", err)
	}
	if err := accessConfig.validate("gke"); err != nil {
		t.Fatalf("valid directory settings rejected: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(c *Config)
		want   string
	}{
		{"resource name", func(c *Config) { c.CustomerID = "customers/C03az79cb" }, `gke.customerID "customers/C03az79cb": give the customer ID alone, without "customers/", e.g. "C03az79cb"`},
		{"alias", func(c *Config) { c.CustomerID = "my_customer" }, `gke.customerID "my_customer": not a Cloud Identity customer ID`},
		{"email for domain", func(c *Config) { c.GroupDomain = "@acme.example" }, `gke.groupDomain "@acme.example": not a domain`},
		{"uppercase domain", func(c *Config) { c.GroupDomain = "ACME.example" }, `gke.groupDomain "ACME.example": not a domain`},
	}
	for _, tt := range tests {
		c := accessConfig
		tt.mutate(&c)
		if err := c.validate("gke"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

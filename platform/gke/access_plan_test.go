package gke

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/platform"
)

var accessConfig = Config{
	Project: "acme-platform-prod", Region: "europe-west1", MasterCIDR: DefaultMasterCIDR,
	CustomerID: "C03az79cb", GroupDomain: "acme.example",
	JITApplication: "jitgroups@acme-jit.iam.gserviceaccount.com", JITEnvironment: "prod",
}

// accessSpec is a team with four levels: reader (no approval), developer
// (one approval, justification), admin (one approval by the platform
// leads, justification) and break-glass (cluster-admin, two approval
// stages).
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
				Approval:      []platform.ApprovalStage{{Approvers: []string{"user:lead@acme.example"}}},
				Justification: true, MaxDuration: 8 * time.Hour,
			},
			{
				Name: "admin", Role: platform.AccessAdmin, Requestors: []string{"user:lead@acme.example", "user:deputy@acme.example"},
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

// A team level is its JIT group, named as JIT Groups names it, with
// nothing to create; only cluster-admin gets a group and an entitlement,
// of roles/container.admin.
func TestPlanAccess(t *testing.T) {
	got := planAccess(accessConfig, accessSpec())
	want := accessPlan{
		SecurityGroup: "gke-security-groups@acme.example",
		Levels: []accessLevelPlan{
			{Level: "reader", Email: "jit.prod.payments.reader@acme.example"},
			{Level: "developer", Email: "jit.prod.payments.developer@acme.example"},
			{Level: "admin", Email: "jit.prod.payments.admin@acme.example"},
			{
				Level: "break-glass", Email: "plinth-payments-break-glass@acme.example",
				Group: &accessGroupPlan{
					Name: "payments-break-glass-group", Parent: "customers/C03az79cb",
					DisplayName: "payments break-glass (Plinth)",
					Description: "Break-glass access of team payments. Members requesting a grant of the Privileged Access Manager entitlement plinth-payments-break-glass on project acme-platform-prod get roles/container.admin there until the grant ends. Managed by Plinth.",
					Labels: map[string]string{
						"cloudidentity.googleapis.com/groups.discussion_forum": "",
						"cloudidentity.googleapis.com/groups.security":         "",
					},
					Membership: "payments-break-glass-gke-security",
				},
				Entitlement: &entitlementPlan{
					Name: "payments-break-glass-entitlement", ID: "plinth-payments-break-glass", Parent: "projects/acme-platform-prod",
					MaxRequestDuration: "3600s", EligibleUsers: []string{"group:sre@acme.example"}, Justification: true,
					Steps:    [][]string{{"group:security@acme.example"}, {"user:ciso@acme.example"}},
					Resource: "//cloudresourcemanager.googleapis.com/projects/acme-platform-prod", Roles: []string{"roles/container.admin"},
				},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
	// The plan holds copies: editing it changes neither the spec nor the
	// next plan.
	got.Levels[3].Group.Labels["x"] = "y"
	got.Levels[3].Entitlement.Roles[0] = "roles/owner"
	if len(accessGroupLabels) != 2 || entitlementRoles[platform.AccessClusterAdmin][0] != roleContainerAdmin {
		t.Error("the plan shares the package's tables")
	}
}

// A package without a cluster-admin level needs no security group lookup
// and creates nothing.
func TestPlanAccessOfTeamLevelsCreatesNothing(t *testing.T) {
	s := accessSpec()
	s.Levels = s.Levels[:3]
	p := planAccess(accessConfig, s)
	if p.SecurityGroup != "" {
		t.Errorf("security group %q for a team without cluster-admin", p.SecurityGroup)
	}
	for _, l := range p.Levels {
		if l.Group != nil || l.Entitlement != nil {
			t.Errorf("%s: plans a group or an entitlement; its JIT group is JIT Groups' to create", l.Level)
		}
	}
}

// Only cluster-admin gets more than clusterViewer: the JIT groups hold
// clusterViewer (jitLevel), break-glass container.admin.
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

// PAM expires a pending request after 24 hours and JIT Groups after its
// APPROVAL_TIMEOUT: a stage timeout neither keeps is told, not silently
// dropped.
func TestPlanAccessWarnsOfTimeouts(t *testing.T) {
	if w := planAccess(accessConfig, accessSpec()).Warnings; len(w) != 0 {
		t.Errorf("warnings %v for one-day break-glass timeouts and unset team timeouts", w)
	}
	s := accessSpec()
	s.Levels[1].Approval[0].TimeoutDays = 3
	s.Levels[3].Approval[0].TimeoutDays = 14
	w := planAccess(accessConfig, s).Warnings
	if len(w) != 2 || !strings.Contains(w[0], "payments/developer") || !strings.Contains(w[0], "APPROVAL_TIMEOUT") || !strings.Contains(w[0], "3 days") ||
		!strings.Contains(w[1], "payments/break-glass") || !strings.Contains(w[1], "24 hours") || !strings.Contains(w[1], "14 days") {
		t.Errorf("warnings %q, want developer's 3 days (JIT Groups) and break-glass's 14 days (PAM)", w)
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
	s.Levels[3].Name = level + "b"
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
		}, `accessPackage.levels[1].review "quarterly": GCP has no access reviews: a JIT group membership ends after maxDuration`},
		{"break-glass review", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[3].Review = &platform.AccessReview{Every: "quarterly", Reviewers: []string{"user:lead@acme.example"}}
		}, `accessPackage.levels[3].review "quarterly": Privileged Access Manager has no access reviews`},
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
		{"bad team approver", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Approval[0].Approvers = []string{"lead"} },
			`accessPackage.levels[1].approval[0].approvers[0] "lead": not a Google principal`},
		{"no approvers", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Approval[0].Approvers = nil },
			`accessPackage.levels[1].approval[0].approvers: required`},
		{"two team stages", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[1].Approval = append(s.Levels[1].Approval, platform.ApprovalStage{Approvers: []string{"user:ciso@acme.example"}})
		}, `accessPackage.levels[1].approval 2: JIT Groups has one approval stage`},
		{"three break-glass stages", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[3].Approval = append(s.Levels[3].Approval, platform.ApprovalStage{Approvers: []string{"user:ceo@acme.example"}})
		}, `accessPackage.levels[3].approval 3: Privileged Access Manager takes at most 2 approval stages`},
		{"no requestors", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Requestors = nil },
			`accessPackage.levels[0].requestors: required`},
		{"too many break-glass requestors", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[3].Requestors = nil
			for i := range 21 {
				s.Levels[3].Requestors = append(s.Levels[3].Requestors, fmt.Sprintf("user:sre%d@acme.example", i))
			}
		}, `accessPackage.levels[3].requestors 21: Privileged Access Manager takes at most 20 requesting principals`},
		{"no duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 0 },
			`accessPackage.levels[0].maxDuration "0s": every membership must end`},
		{"fractional duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].MaxDuration = 90*time.Minute + 30*time.Second },
			`accessPackage.levels[0].maxDuration "1h30m30s": every membership must end: JIT Groups counts them in whole minutes`},
		{"no break-glass duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[3].MaxDuration = 0 },
			`accessPackage.levels[3].maxDuration "0s": every grant must end`},
		{"fractional break-glass duration", nil, func(s *platform.AccessPackageSpec) { s.Levels[3].MaxDuration = 1500 * time.Millisecond },
			`accessPackage.levels[3].maxDuration "1.5s": Privileged Access Manager counts grant durations in whole seconds`},
		{"unknown role", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Role = "owner" },
			`accessPackage.levels[0].role "owner": not an access role`},
		{"same level twice", nil, func(s *platform.AccessPackageSpec) { s.Levels[1].Name = "reader" },
			`accessPackage.levels[1].name "reader": another level has this name`},
		{"uppercase level", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Name = "Reader" },
			`accessPackage.levels[0].name "Reader": JIT Groups takes group names of 1-24 lowercase letters`},
		{"long level", nil, func(s *platform.AccessPackageSpec) { s.Levels[0].Name = strings.Repeat("r", 25) },
			`accessPackage.levels[0].name "rrrrrrrrrrrrrrrrrrrrrrrrr": JIT Groups takes group names of 1-24`},
		{"no level name", nil, func(s *platform.AccessPackageSpec) { s.Levels[3].Name = "" },
			`accessPackage.levels[3].name: required`},
		{"no levels", nil, func(s *platform.AccessPackageSpec) { s.Levels = nil },
			`accessPackage.levels: required`},
		{"long team", nil, func(s *platform.AccessPackageSpec) { s.Team = "payments-and-billing" },
			`accessPackage.team "payments-and-billing": JIT Groups takes system names of 1-16`},
		{"existing team group", nil, func(s *platform.AccessPackageSpec) { s.Levels[2].ExistingGroup = "payments-admins@acme.example" },
			`accessPackage.levels[2].existingGroup "payments-admins@acme.example": a team level's group on GKE is its JIT group, whose memberships expire`},
		{"existing group as principal", nil, func(s *platform.AccessPackageSpec) { s.Levels[3].ExistingGroup = "group:sre-admins@acme.example" },
			`accessPackage.levels[3].existingGroup "group:sre-admins@acme.example": give the group's email alone`},
		{"existing group as object ID", nil, func(s *platform.AccessPackageSpec) {
			s.Levels[3].ExistingGroup = "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"
		},
			`accessPackage.levels[3].existingGroup "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e": not a Google group email`},
		{"no customer", func(c *Config) { c.CustomerID = "" }, nil,
			`gke.customerID: required: the Cloud Identity customer ID groups are created under, e.g. "C03az79cb" (gcloud organizations list, DIRECTORY_CUSTOMER_ID), because accessPackage.levels[3] create a group`},
		{"no domain", func(c *Config) { c.GroupDomain = "" }, nil,
			`gke.groupDomain: required: the domain of JIT Groups' groups`},
		{"no application", func(c *Config) { c.JITApplication = "" }, nil,
			`gke.jitApplication: required: the service account email of your JIT Groups application (plinth:gcpJitApplication)`},
	}
	for _, tt := range tests {
		cfg, s := accessConfig, accessSpec()
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		if tt.mutate != nil {
			tt.mutate(&s)
		}
		err := validateAccessSpec(cfg, s, "accessPackage")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
			continue
		}
		// One line per problem: a field is never reported twice.
		lines := strings.Split(err.Error(), "\n")
		for i, l := range lines {
			if slices.Contains(lines[:i], l) {
				t.Errorf("%s: %q reported twice", tt.name, l)
			}
		}
		if n := strings.Count(err.Error(), strings.SplitN(tt.want, " ", 2)[0]+" "); n != 1 {
			t.Errorf("%s: %d problems with %s, want one:\n%v", tt.name, n, strings.SplitN(tt.want, " ", 2)[0], err)
		}
	}
	if err := validateAccessSpec(accessConfig, accessSpec(), "accessPackage"); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}

// The directory settings are checked when given and needed only by access
// packages: a stack without teams sets none of them.
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
		{"user for application", func(c *Config) { c.JITApplication = "ops@acme.example" }, `gke.jitApplication "ops@acme.example": not a service account email`},
		{"member for application", func(c *Config) { c.JITApplication = "serviceAccount:jitgroups@acme-jit.iam.gserviceaccount.com" }, `gke.jitApplication "serviceAccount:jitgroups@acme-jit.iam.gserviceaccount.com": not a service account email`},
		{"long environment", func(c *Config) { c.JITEnvironment = "production-europe" }, `gke.jitEnvironment "production-europe": JIT Groups takes environment names of 1-16 lowercase letters`},
		{"dotted environment", func(c *Config) { c.JITEnvironment = "prod.eu" }, `gke.jitEnvironment "prod.eu": JIT Groups takes environment names`},
	}
	for _, tt := range tests {
		c := accessConfig
		tt.mutate(&c)
		if err := c.validate("gke"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	// Unset, the JIT environment is the Plinth environment's name.
	if c := (Config{Environment: "staging-gke"}).withDefaults(); c.JITEnvironment != "staging-gke" {
		t.Errorf("JIT environment %q, want the environment's name", c.JITEnvironment)
	}
}

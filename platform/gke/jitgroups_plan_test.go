package gke

import (
	"reflect"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/platform"
)

// jitCatalog is the catalog of environment "prod" with the team of
// accessSpec and a second team, checkout, whose one level needs no
// approval.
func jitCatalog() platform.AccessCatalogSpec {
	payments := accessSpec()
	payments.Cluster, payments.Catalog = nil, nil
	payments.Levels = payments.Levels[:3] // break-glass is the catalog's own package
	return platform.AccessCatalogSpec{
		Name: "platform",
		Packages: []platform.AccessPackageSpec{payments, {
			Name: "checkout", Team: "checkout", Namespaces: []string{"checkout"},
			Levels: []platform.AccessLevelSpec{{Name: "reader", Role: platform.AccessView, Requestors: []string{"group:checkout@acme.example"}, MaxDuration: 72 * time.Hour}},
		}},
	}
}

func TestPlanJIT(t *testing.T) {
	p, ok := planJIT(accessConfig, jitCatalog())
	if !ok {
		t.Fatal("no JIT Groups setup for two teams with levels")
	}
	checks := []struct{ what, got, want string }{
		{"environment", p.Environment, "prod"},
		{"account", p.Account.Name + " " + p.Account.AccountID, "platform-jit-account jit-prod"},
		{"secret", p.Secret + " " + p.SecretID, "platform-jit-policy jit-prod"},
		{"version", p.Version, "platform-jit-policy-version"},
		{"secret access", p.SecretAccess, "platform-jit-policy-access"},
		{"impersonation", p.Impersonation + " " + p.Application, "platform-jit-impersonation serviceAccount:jitgroups@acme-jit.iam.gserviceaccount.com"},
		{"grant", p.Grant + " " + p.Project, "platform-jit-grants acme-platform-prod"},
		// The environment's account may change the project's IAM policy
		// only to grant or revoke clusterViewer: projectIamAdmin limited
		// by the modified-grants condition.
		{"condition", p.Condition.Expression, "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/container.clusterViewer'])"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if !reflect.DeepEqual(p.Roles, []string{"roles/container.clusterViewer"}) {
		t.Errorf("roles %v, want clusterViewer only", p.Roles)
	}
}

// Without a team level (no teams, or only cluster-admin) there is no JIT
// Groups environment to set up, and no application to name.
func TestPlanJITWithoutTeamLevels(t *testing.T) {
	cfg := accessConfig
	cfg.JITApplication = ""
	for _, pkgs := range [][]platform.AccessPackageSpec{nil, {{Name: "platform", Team: "platform", Levels: accessSpec().Levels[3:]}}} {
		spec := platform.AccessCatalogSpec{Name: "platform", Packages: pkgs}
		if _, ok := planJIT(cfg, spec); ok {
			t.Errorf("%d packages: a JIT Groups setup without team levels", len(pkgs))
		}
		if err := validateJIT(cfg, pkgs, "accessCatalog"); err != nil {
			t.Errorf("%d packages: %v", len(pkgs), err)
		}
	}
}

// The policy is what JIT Groups reads: one system per team, one JIT group
// per level, joined by the requestors (without approval only where the
// level has no stage), approved by the approvers, for at most the level's
// duration, with a justification where the level asks for one, holding
// clusterViewer on the environment's project and added to
// gke-security-groups.
func TestJITPolicy(t *testing.T) {
	p, _ := planJIT(accessConfig, jitCatalog())
	var doc jitPolicy
	if err := yaml.Unmarshal([]byte(p.Policy), &doc); err != nil {
		t.Fatalf("policy is not YAML: %v\n%s", err, p.Policy)
	}
	if doc.SchemaVersion != 1 || doc.Environment.Name != "prod" {
		t.Errorf("schema %d, environment %q; want 1, prod", doc.SchemaVersion, doc.Environment.Name)
	}
	if len(doc.Environment.Systems) != 2 || doc.Environment.Systems[0].Name != "payments" || doc.Environment.Systems[1].Name != "checkout" {
		t.Fatalf("systems %+v, want payments and checkout", doc.Environment.Systems)
	}
	groups := doc.Environment.Systems[0].Groups
	if len(groups) != 3 {
		t.Fatalf("payments has %d groups, want reader, developer and admin", len(groups))
	}
	viewer := jitPrivileges{IAM: []jitPrivilege{{Resource: "projects/acme-platform-prod", Role: "roles/container.clusterViewer", Description: groups[0].Privileges.IAM[0].Description}}}
	justification := jitConstraint{
		Type: "expression", Name: "justification", DisplayName: "You must say why you need this access",
		Expression: "input.justification.trim() != ''",
		Variables:  []jitVariable{{Type: "string", Name: "justification", DisplayName: "Justification", Min: 1, Max: 1000}},
	}
	want := []struct {
		name   string
		access []jitACE
		join   []jitConstraint
	}{
		{"reader", []jitACE{{"group:payments@acme.example", "JOIN, APPROVE_SELF"}},
			[]jitConstraint{{Type: "expiry", Min: "PT1H", Max: "PT8H"}}},
		{"developer", []jitACE{{"group:payments@acme.example", "JOIN"}, {"user:lead@acme.example", "APPROVE_OTHERS"}},
			[]jitConstraint{{Type: "expiry", Min: "PT1H", Max: "PT8H"}, justification}},
		{"admin", []jitACE{{"user:lead@acme.example", "JOIN"}, {"user:deputy@acme.example", "JOIN"}, {"group:platform-leads@acme.example", "APPROVE_OTHERS"}},
			[]jitConstraint{{Type: "expiry", Min: "PT1H", Max: "PT4H"}, justification}},
	}
	for i, w := range want {
		g := groups[i]
		if g.Name != w.name || !g.GKEEnabled {
			t.Errorf("group %d: %q gkeEnabled %v, want %q, true", i, g.Name, g.GKEEnabled, w.name)
		}
		if !reflect.DeepEqual(g.Access, w.access) {
			t.Errorf("%s: access %+v, want %+v", w.name, g.Access, w.access)
		}
		if !reflect.DeepEqual(g.Constraints.Join, w.join) {
			t.Errorf("%s: join constraints %+v, want %+v", w.name, g.Constraints.Join, w.join)
		}
		if !reflect.DeepEqual(g.Privileges, viewer) {
			t.Errorf("%s: privileges %+v, want clusterViewer on the project only", w.name, g.Privileges)
		}
	}
	if g := doc.Environment.Systems[1].Groups[0]; g.Constraints.Join[0].Max != "P3D" {
		t.Errorf("checkout reader expires after %s, want P3D", g.Constraints.Join[0].Max)
	}
	// The same spec writes the same policy: an unchanged stack does not
	// replace the secret's version.
	if again, _ := planJIT(accessConfig, jitCatalog()); again.Policy != p.Policy {
		t.Error("the policy differs between two plans of one spec")
	}
}

// The group names RoleBindings use are those JIT Groups gives the groups
// of the policy: jit.<environment>.<system>.<group>@<domain>.
func TestJITGroupEmailMatchesPolicy(t *testing.T) {
	p, _ := planJIT(accessConfig, jitCatalog())
	if !strings.Contains(p.Policy, "name: prod\n") {
		t.Fatalf("policy does not name environment prod:\n%s", p.Policy)
	}
	for _, l := range planAccess(accessConfig, accessSpec()).Levels[:3] {
		if want := "jit.prod.payments." + l.Level + "@acme.example"; l.Email != want {
			t.Errorf("%s: group %q, want %q", l.Level, l.Email, want)
		}
	}
}

func TestISODuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour:                  "PT1H",
		8 * time.Hour:              "PT8H",
		90 * time.Minute:           "PT1H30M",
		24 * time.Hour:             "P1D",
		36 * time.Hour:             "P1DT12H",
		90 * 24 * time.Hour:        "P90D",
		24*time.Hour + time.Minute: "P1DT1M",
	} {
		if got := isoDuration(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
}

// The catalog's packages are checked as a whole, each under its index,
// before anything is registered.
func TestValidateJIT(t *testing.T) {
	cat := jitCatalog()
	cat.Packages[1].Team = "checkout-and-billing"
	cat.Packages[0].Levels[2].Approval = append(cat.Packages[0].Levels[2].Approval, platform.ApprovalStage{Approvers: []string{"user:ciso@acme.example"}})
	cfg := accessConfig
	cfg.JITApplication = ""
	err := validateJIT(cfg, cat.Packages, "accessCatalog")
	for _, want := range []string{
		`gke.jitApplication: required`,
		`accessCatalog.packages[1].team "checkout-and-billing": JIT Groups takes system names of 1-16`,
		`accessCatalog.packages[0].levels[2].approval 2: JIT Groups has one approval stage`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
	if err := validateJIT(accessConfig, jitCatalog().Packages, "accessCatalog"); err != nil {
		t.Errorf("valid catalog rejected: %v", err)
	}
}

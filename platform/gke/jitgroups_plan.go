package gke

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// JIT Groups (github.com/GoogleCloudPlatform/jit-groups) is how a team's
// access level is time-bound on GKE: the level is a JIT group, and
// membership of a JIT group is always time-bound. A requestor joins it
// through the JIT Groups application, with the approval and justification
// the level asks for, for at most the level's MaxDuration; JIT Groups
// creates the Cloud Identity group on the first join, adds it to
// gke-security-groups (gkeEnabled), grants it the policy's IAM roles, and
// removes the member when the membership expires. Plinth writes the
// policy; the organization runs the application, once for all
// environments (docs/adr/0005-gke-time-bound-access.md).
const (
	// jitPrefix starts every JIT Groups name: the groups
	// (jit.<environment>.<system>.<group>@<domain>), and the environment's
	// service account and policy secret (jit-<environment>).
	jitPrefix = "jit"
	// maxJITName is the longest environment and system name JIT Groups
	// takes; maxJITGroupName the longest group name.
	maxJITName, maxJITGroupName = 16, 24
	// jitSchemaVersion is the policy document format JIT Groups reads.
	jitSchemaVersion = 1
	// jitMinExpiry is the shortest membership a requestor may ask for:
	// GKE's access unit.
	jitMinExpiry = time.Hour

	// roleProjectIAMAdmin lets the environment's service account change
	// the project's IAM policy, which is how JIT Groups grants a group its
	// roles. A condition limits it to the roles the policy grants.
	roleProjectIAMAdmin = "roles/resourcemanager.projectIamAdmin"
	// roleSecretAccessor reads the policy secret's versions.
	roleSecretAccessor = "roles/secretmanager.secretAccessor"
	// roleTokenCreator lets the application act as the environment's
	// service account.
	roleTokenCreator = "roles/iam.serviceAccountTokenCreator"
)

var (
	// jitName is a JIT Groups environment or system name as Plinth writes
	// it: lowercase, so that the group emails derived from it are too.
	jitName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,15}$`)
	// serviceAccountEmail is a service account's email.
	serviceAccountEmail = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$`)
)

// jitGroupEmail is the email JIT Groups gives the group of level in team's
// system of environment env: jit.<env>.<team>.<level>@<domain>.
func jitGroupEmail(env, team, level, domain string) string {
	return strings.Join([]string{jitPrefix, env, team, level}, ".") + "@" + domain
}

// jitPlan is the environment's JIT Groups setup: its service account, the
// secret holding its policy, and the grants that let the application read
// the policy and give the groups their roles.
type jitPlan struct {
	// Environment is the JIT Groups environment name.
	Environment string
	// Account is the environment's service account, jit-<environment>:
	// Name its Pulumi name, AccountID its ID.
	Account struct{ Name, AccountID, DisplayName, Description string }
	// Impersonation lets Application (a member, "serviceAccount:<email>")
	// create tokens for Account: its Pulumi name.
	Impersonation, Application string
	// Secret is the policy secret, jit-<environment>: its Pulumi name
	// and ID; Version the Pulumi name of the version holding Policy.
	Secret, SecretID, Version string
	// SecretAccess lets Account read the secret: its Pulumi name.
	SecretAccess string
	// Grant lets Account give the project's groups the Roles, and no other
	// role (Condition): its Pulumi name.
	Grant     string
	Condition jitCondition
	Roles     []string
	// Policy is the policy document, YAML; Labels, the catalog's tags, go
	// on the secret;
	// Project is where everything lives and what the grants are on.
	Policy, Project string
	Labels          map[string]string
}

// jitCondition is the IAM condition on the environment's grant.
type jitCondition struct{ Title, Description, Expression string }

// jitPolicy is a JIT Groups policy document: the fields Plinth writes, in
// the order JIT Groups' reference lists them.
type jitPolicy struct {
	SchemaVersion int            `yaml:"schemaVersion"`
	Environment   jitEnvironment `yaml:"environment"`
}

type jitEnvironment struct {
	Name        string      `yaml:"name"`
	Description string      `yaml:"description"`
	Systems     []jitSystem `yaml:"systems"`
}

type jitSystem struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Groups      []jitGroup `yaml:"groups"`
}

type jitGroup struct {
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	GKEEnabled  bool           `yaml:"gkeEnabled"`
	Access      []jitACE       `yaml:"access"`
	Constraints jitConstraints `yaml:"constraints"`
	Privileges  jitPrivileges  `yaml:"privileges"`
}

// jitACE is one access control entry: principal is "user:<email>" or
// "group:<email>" (direct members only), allow a comma-separated list of
// VIEW, JOIN, APPROVE_SELF, APPROVE_OTHERS.
type jitACE struct {
	Principal string `yaml:"principal"`
	Allow     string `yaml:"allow"`
}

type jitConstraints struct {
	Join []jitConstraint `yaml:"join"`
}

// jitConstraint is an expiry constraint (Min, Max as ISO 8601 durations)
// or an expression constraint (Name, DisplayName, Expression, Variables).
type jitConstraint struct {
	Type        string        `yaml:"type"`
	Name        string        `yaml:"name,omitempty"`
	DisplayName string        `yaml:"displayName,omitempty"`
	Expression  string        `yaml:"expression,omitempty"`
	Variables   []jitVariable `yaml:"variables,omitempty"`
	Min         string        `yaml:"min,omitempty"`
	Max         string        `yaml:"max,omitempty"`
}

type jitVariable struct {
	Type        string `yaml:"type"`
	Name        string `yaml:"name"`
	DisplayName string `yaml:"displayName"`
	Min         int    `yaml:"min"`
	Max         int    `yaml:"max"`
}

type jitPrivileges struct {
	IAM []jitPrivilege `yaml:"iam"`
}

type jitPrivilege struct {
	Resource    string `yaml:"resource"`
	Role        string `yaml:"role"`
	Description string `yaml:"description"`
}

// justificationVariable is the input a requestor fills in when a level
// requires a justification; maxJustification its longest value.
const (
	justificationVariable = "justification"
	maxJustification      = 1000
)

// teamLevels returns the levels of pkgs that are JIT groups: every level
// but cluster-admin, which is a Privileged Access Manager entitlement.
func teamLevels(pkgs []platform.AccessPackageSpec) int {
	n := 0
	for _, p := range pkgs {
		for _, l := range p.Levels {
			if l.Role != platform.AccessClusterAdmin {
				n++
			}
		}
	}
	return n
}

// validateJIT checks what JIT Groups constrains of the teams' levels and
// that cfg has what they need. Problems come back together, a package's
// under path.packages[i].
func validateJIT(cfg Config, pkgs []platform.AccessPackageSpec, path field.Path) error {
	var errs field.List
	if teamLevels(pkgs) > 0 {
		checkJITConfig(&errs, cfg)
	}
	for i, p := range pkgs {
		checkJITLevels(&errs, p, path.Child("packages").Index(i))
	}
	return errs.Err()
}

// checkJITConfig adds a problem for each setting cfg lacks that the JIT
// groups need.
func checkJITConfig(errs *field.List, cfg Config) {
	if cfg.JITApplication == "" {
		errs.Add(field.Required(field.NewPath("gke").Child("jitApplication"), "the service account email of your JIT Groups application (plinth:gcpJitApplication), e.g. \"jitgroups@acme-jit.iam.gserviceaccount.com\": each team level is a JIT group, whose memberships JIT Groups approves and expires"))
	}
	if cfg.GroupDomain == "" {
		errs.Add(field.Required(field.NewPath("gke").Child("groupDomain"), "the domain of JIT Groups' groups (its GROUPS_DOMAIN), e.g. \"acme.example\": the teams' RoleBindings name jit.<environment>.<team>.<level>@<domain>"))
	}
}

// checkJITLevels adds a problem, under path, for each of p's team levels
// (every level but cluster-admin) that JIT Groups cannot hold.
func checkJITLevels(errs *field.List, p platform.AccessPackageSpec, path field.Path) {
	if teamLevels([]platform.AccessPackageSpec{p}) == 0 {
		return
	}
	if !jitName.MatchString(p.Team) {
		errs.Addf(path.Child("team"), p.Team, "JIT Groups takes system names of 1-%d lowercase letters, digits and '-', starting with a letter; shorten the team's name", maxJITName)
	}
	for j, l := range p.Levels {
		if l.Role == platform.AccessClusterAdmin {
			continue
		}
		lp := path.Child("levels").Index(j)
		if len(l.Name) > maxJITGroupName || !accessLevelName.MatchString(l.Name) {
			errs.Addf(lp.Child("name"), l.Name, "JIT Groups takes group names of 1-%d lowercase letters, digits and '-', starting with a letter", maxJITGroupName)
		}
		if _, ok := entitlementRoles[l.Role]; !ok {
			errs.Addf(lp.Child("role"), string(l.Role), "not an access role; use one of %v", platform.AccessRoles)
		}
		if l.ExistingGroup != "" {
			errs.Addf(lp.Child("existingGroup"), l.ExistingGroup, "a team level's group on GKE is its JIT group, whose memberships expire; an existing group's members would hold the level for good: remove existingGroup")
		}
		if len(l.Requestors) == 0 {
			errs.Add(field.Required(lp.Child("requestors"), "at least one principal (\"user:<email>\" or \"group:<email>\") who may join the level's JIT group"))
		}
		checkPrincipals(errs, lp.Child("requestors"), l.Requestors)
		if n := len(l.Approval); n > 1 {
			errs.Addf(lp.Child("approval"), n, "JIT Groups has one approval stage, in which any one approver approves; merge the stages")
		}
		for k, s := range l.Approval {
			sp := lp.Child("approval").Index(k)
			if len(s.Approvers) == 0 {
				errs.Add(field.Required(sp.Child("approvers"), "at least one principal (\"user:<email>\" or \"group:<email>\") who may approve; leave out the stage for a level without approval"))
			}
			checkPrincipals(errs, sp.Child("approvers"), s.Approvers)
		}
		if d := l.MaxDuration; d < jitMinExpiry || d%time.Minute != 0 {
			errs.Addf(lp.Child("maxDuration"), d.String(), "every membership must end: JIT Groups counts them in whole minutes, at least %v; give how long it lasts, e.g. 8h", jitMinExpiry)
		}
		if l.Review != nil {
			errs.Addf(lp.Child("review"), l.Review.Every, "GCP has no access reviews: a JIT group membership ends after maxDuration (%s) and is requested again; leave review unset for GKE", l.MaxDuration)
		}
	}
}

// planJIT maps the teams' levels of a validated catalog spec to the
// environment's JIT Groups setup. ok is false when no team has a level:
// there is then nothing to set up.
func planJIT(cfg Config, spec platform.AccessCatalogSpec) (p jitPlan, ok bool) {
	if teamLevels(spec.Packages) == 0 {
		return jitPlan{}, false
	}
	env, id := cfg.JITEnvironment, jitPrefix+"-"+cfg.JITEnvironment
	p.Environment, p.Project = env, cfg.Project
	p.Account.Name = platform.ChildName(spec.Name, "jit-account")
	p.Account.AccountID = id
	p.Account.DisplayName = "JIT Groups environment " + env
	p.Account.Description = fmt.Sprintf("JIT Groups acts as this account to read the access policy of Plinth environment %s (secret %s) and to give its JIT groups their roles on project %s. Managed by Plinth.", env, id, cfg.Project)
	p.Impersonation = platform.ChildName(spec.Name, "jit-impersonation")
	p.Application = "serviceAccount:" + cfg.JITApplication
	p.Secret, p.SecretID = platform.ChildName(spec.Name, "jit-policy"), id
	p.Version = platform.ChildName(spec.Name, "jit-policy-version")
	p.SecretAccess = platform.ChildName(spec.Name, "jit-policy-access")
	p.Grant = platform.ChildName(spec.Name, "jit-grants")
	p.Roles = []string{roleClusterViewer}
	p.Condition = jitCondition{
		Title:       "jit-groups-grant-only-" + strings.TrimPrefix(roleClusterViewer, "roles/container."),
		Description: "JIT Groups may grant and revoke only the roles the environment's JIT groups hold. Managed by Plinth.",
		Expression:  grantsOnly(p.Roles),
	}
	p.Labels = spec.Tags.Merge()
	p.Policy = jitPolicyYAML(cfg, spec)
	return p, true
}

// grantsOnly is an IAM condition that lets a Project IAM Admin grant and
// revoke only roles.
func grantsOnly(roles []string) string {
	quoted := make([]string, len(roles))
	for i, r := range roles {
		quoted[i] = "'" + r + "'"
	}
	return "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([" + strings.Join(quoted, ", ") + "])"
}

// jitPolicyYAML writes the environment's JIT Groups policy: one system per
// team, one JIT group per level that is not cluster-admin.
func jitPolicyYAML(cfg Config, spec platform.AccessCatalogSpec) string {
	doc := jitPolicy{SchemaVersion: jitSchemaVersion, Environment: jitEnvironment{
		Name:        cfg.JITEnvironment,
		Description: fmt.Sprintf("Team access to the GKE clusters of Plinth environment %s (project %s). Written by Plinth from the environment's teams: change them there, not here.", cfg.JITEnvironment, cfg.Project),
	}}
	for _, p := range spec.Packages {
		sys := jitSystem{Name: p.Team, Description: fmt.Sprintf("Team %s, namespaces %s.", p.Team, strings.Join(p.Namespaces, ", "))}
		for _, l := range p.Levels {
			if l.Role == platform.AccessClusterAdmin {
				continue
			}
			sys.Groups = append(sys.Groups, jitLevel(cfg, p, l))
		}
		if len(sys.Groups) > 0 {
			doc.Environment.Systems = append(doc.Environment.Systems, sys)
		}
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// Encoding plain structs of strings, ints and bools cannot fail.
		panic(fmt.Sprintf("gke: writing the JIT Groups policy: %v", err))
	}
	return out.String()
}

// readable writes d for people: "3 days", "8h", "1h30m".
func readable(d time.Duration) string {
	switch day := 24 * time.Hour; {
	case d == day:
		return "1 day"
	case d%day == 0:
		return fmt.Sprintf("%d days", d/day)
	}
	return strings.TrimSuffix(strings.TrimSuffix(d.String(), "0s"), "0m")
}

// jitLevel is the JIT group of level l of team package p.
func jitLevel(cfg Config, p platform.AccessPackageSpec, l platform.AccessLevelSpec) jitGroup {
	join := "JOIN"
	if len(l.Approval) == 0 {
		join = "JOIN, APPROVE_SELF"
	}
	g := jitGroup{
		Name:        l.Name,
		Description: fmt.Sprintf("Kubernetes %s in the namespaces of team %s (%s), for at most %s.", l.Role, p.Team, strings.Join(p.Namespaces, ", "), readable(l.MaxDuration)),
		GKEEnabled:  true,
		Constraints: jitConstraints{Join: []jitConstraint{{Type: "expiry", Min: isoDuration(min(jitMinExpiry, l.MaxDuration)), Max: isoDuration(l.MaxDuration)}}},
		Privileges: jitPrivileges{IAM: []jitPrivilege{{
			Resource:    "projects/" + cfg.Project,
			Role:        roleClusterViewer,
			Description: "Find the environment's clusters and authenticate to them; the Kubernetes rights come from the group's RoleBindings.",
		}}},
	}
	for _, r := range l.Requestors {
		g.Access = append(g.Access, jitACE{Principal: r, Allow: join})
	}
	var approvers []string
	for _, s := range l.Approval {
		for _, a := range s.Approvers {
			if !slices.Contains(approvers, a) {
				approvers = append(approvers, a)
			}
		}
	}
	for _, a := range approvers {
		g.Access = append(g.Access, jitACE{Principal: a, Allow: "APPROVE_OTHERS"})
	}
	if l.Justification {
		g.Constraints.Join = append(g.Constraints.Join, jitConstraint{
			Type:        "expression",
			Name:        justificationVariable,
			DisplayName: "You must say why you need this access",
			Expression:  "input." + justificationVariable + ".trim() != ''",
			Variables: []jitVariable{{
				Type: "string", Name: justificationVariable, DisplayName: "Justification",
				Min: 1, Max: maxJustification,
			}},
		})
	}
	return g
}

// isoDuration writes d, a whole number of minutes, as JIT Groups reads
// durations: ISO 8601 days, hours and minutes ("P3D", "PT8H", "P1DT12H").
func isoDuration(d time.Duration) string {
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	hours := d / time.Hour
	d -= hours * time.Hour
	minutes := d / time.Minute
	s := "P"
	if days > 0 {
		s += fmt.Sprintf("%dD", days)
	}
	if hours > 0 || minutes > 0 || days == 0 {
		s += "T"
		if hours > 0 || minutes == 0 {
			s += fmt.Sprintf("%dH", hours)
		}
		if minutes > 0 {
			s += fmt.Sprintf("%dM", minutes)
		}
	}
	return s
}

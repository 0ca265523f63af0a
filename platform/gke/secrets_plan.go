package gke

import (
	"fmt"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// secretWriter is what a team's writer groups may do with the team's
// secrets, bound on the project under the team's condition
// (secretCondition): create, read, change, disable, destroy and delete
// secrets and their versions. It is roles/secretmanager.admin without
// secrets.getIamPolicy and secrets.setIamPolicy (a writer cannot give
// anyone else access to a secret), without tag bindings and without
// secrets.list and locations.*, which are checked on the project, whose
// name the condition never matches, so that they would be refused anyway.
// No predefined role is narrower and can create secrets:
// secretVersionManager cannot create a secret, admin can also change its
// IAM policy.
var secretWriter = customRole{
	Suffix:      "secretWriter",
	Title:       "Plinth secret writer",
	Description: "Creates, reads, changes and deletes Secret Manager secrets and their versions; cannot change who has access. Bound under a condition on the secrets' names.",
	Permissions: []string{
		"secretmanager.secrets.create",
		"secretmanager.secrets.delete",
		"secretmanager.secrets.get",
		"secretmanager.secrets.update",
		"secretmanager.versions.access",
		"secretmanager.versions.add",
		"secretmanager.versions.destroy",
		"secretmanager.versions.disable",
		"secretmanager.versions.enable",
		"secretmanager.versions.get",
		"secretmanager.versions.list",
	},
}

// secretsAccountSuffix ends a team's secrets reader's service account ID:
// "<team>-secrets".
const secretsAccountSuffix = "-secrets"

// secretStorePlan is the cloud-side shape of a SecretStoreSpec on GCP,
// computed without Pulumi so it can be table-tested.
type secretStorePlan struct {
	// Project is the backend's project, where the secrets are; Number its
	// project number, which IAM conditions on secrets name.
	Project, Number string
	// WriterRole is the custom role writer groups get; nil when no team
	// has writers.
	WriterRole *customRolePlan
	Teams      []secretTeamPlan
}

// secretTeamPlan is one team's identity and grants.
type secretTeamPlan struct {
	// Team is the team's name, Index its position in the spec and Prefix
	// "<team>-", which starts the name of every secret of the team.
	Team   string
	Index  int
	Prefix string
	// Account is the team's Google service account, "<name>-<team>-identity",
	// ID "<team>-secrets"; Binding the Pulumi name of its
	// workloadIdentityUser binding for the team's Kubernetes service
	// account.
	Account serviceAccountPlan
	Binding string
	// Reader is the Pulumi name of the account's secretAccessor binding
	// on the project, ReaderRole that role.
	Reader, ReaderRole string
	// Writers are the Pulumi names of the writer groups' bindings of
	// the secretWriter role, in spec order.
	Writers []string
	// Condition limits every binding of the team to its secrets.
	Condition iamCondition
}

// iamCondition is an IAM condition of a binding.
type iamCondition struct{ Title, Description, Expression string }

// secretCondition returns the condition that limits a binding on the
// project to the secrets of team: resource.name starts with
// "projects/<project number>/secrets/<team>-". Secret Manager names a
// secret and its versions in IAM conditions with the project's number,
// never its ID, so a condition with the ID would match nothing. A secret
// version's name (…/secrets/<id>/versions/<n>) starts with its secret's.
func secretCondition(number, team string) iamCondition {
	prefix := fmt.Sprintf("projects/%s/secrets/%s-", number, team)
	return iamCondition{
		Title:       limit("Secrets of team "+team, 100),
		Description: fmt.Sprintf("Only Secret Manager secrets whose ID starts with %q (Plinth secret store).", team+"-"),
		Expression:  fmt.Sprintf("resource.name.startsWith(%q)", prefix),
	}
}

// validateSecretStore checks what GCP needs beyond the contract's checks
// (SecretStoreSpec.Validate): service account IDs GCP takes, and no team
// whose name starts with another team's prefix, before anything is
// registered or read.
func validateSecretStore(spec platform.SecretStoreSpec, path field.Path) error {
	errs := spec.Validate(path)
	for i, t := range spec.Teams {
		tp := path.Child("teams").Index(i).Child("team")
		if id := t.Team + secretsAccountSuffix; t.Team != "" && !serviceAccountID.MatchString(id) {
			errs.Addf(tp, t.Team, "gives the service account ID %q, which GCP rejects (6-30 characters); use a team name of at most %d characters", id, 30-len(secretsAccountSuffix))
		}
		// Team a's prefix "a-" would match every secret of team "a-b":
		// a's identity would read b's secrets.
		for j, o := range spec.Teams {
			if i != j && o.Team != "" && strings.HasPrefix(t.Team, o.Team+"-") {
				errs.Addf(tp, t.Team, "starts with %q, the prefix of the secrets of %s %q, whose identity would then read this team's secrets; rename one of the teams",
					o.Team+"-", path.Child("teams").Index(j).Child("team"), o.Team)
			}
		}
	}
	return errs.Err()
}

// planSecretStore plans spec in project, whose number is number.
func planSecretStore(project, number string, spec platform.SecretStoreSpec) secretStorePlan {
	n := spec.Name
	p := secretStorePlan{Project: project, Number: number}
	for i, t := range spec.Teams {
		tn := platform.ChildName(n, t.Team)
		tp := secretTeamPlan{
			Team:   t.Team,
			Index:  i,
			Prefix: t.Team + "-",
			Account: serviceAccountPlan{
				Name:        platform.ChildName(tn, "identity"),
				AccountID:   t.Team + secretsAccountSuffix,
				DisplayName: "Secrets reader of team " + t.Team,
			},
			Binding:    platform.ChildName(tn, "workload-identity-user"),
			Reader:     platform.ChildName(tn, "secret-accessor"),
			ReaderRole: roleSecretAccessor,
			Condition:  secretCondition(number, t.Team),
		}
		for k := range t.Writers {
			tp.Writers = append(tp.Writers, platform.ChildName(tn, fmt.Sprintf("secret-writer-%d", k+1)))
		}
		if len(t.Writers) > 0 && p.WriterRole == nil {
			r := planCustomRole(n, platform.ChildName(n, "secret-writer-role"), secretWriter, 1)
			p.WriterRole = &r
		}
		p.Teams = append(p.Teams, tp)
	}
	return p
}

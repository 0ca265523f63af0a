package gke

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewSecretStore gives the teams of an environment their secrets in Secret
// Manager of the backend's project, which is the environment's own
// (docs/adr/0004-gcp-environment-isolation.md). Secret Manager has no
// store resource: a team's secrets are the project's secrets whose ID
// starts with "<team>-" (TeamSecrets.Prefix). The teams create them; the
// backend creates no secret. Enabling secretmanager.googleapis.com is the
// project owner's, like the project's other APIs.
//
// Per team:
//
//   - a Google service account "<team>-secrets" ("<name>-<team>-identity")
//     that only the team's Kubernetes service account may act as
//     (roles/iam.workloadIdentityUser for
//     serviceAccount:<project>.svc.id.goog[<namespace>/<service account>],
//     "<name>-<team>-workload-identity-user"), as NewWorkloadIdentity binds
//     its accounts;
//   - roles/secretmanager.secretAccessor for that account on the project,
//     under the condition
//     resource.name.startsWith("projects/<project number>/secrets/<team>-")
//     ("<name>-<team>-secret-accessor"): it reads the versions of the
//     team's secrets, those added later too, and of no other secret;
//   - for each writer group, the custom role secretWriter
//     ("plinth.<name>.secretWriter", one per store, "<name>-secret-writer-role")
//     on the project under the same condition
//     ("<name>-<team>-secret-writer-<k>"): create, change, disable,
//     destroy and delete the team's secrets, never change their IAM
//     policies.
//
// The condition names secrets by project number, which the backend reads
// once through organizations.getProject. Team names must not start with
// another team's prefix ("pay" and "pay-ments"): the backend refuses such
// a store. Two stores in one project would share the prefixes; an
// environment has one store.
//
// Limits, documented rather than hidden:
//
//   - Creating a secret under a condition: the condition sees the new
//     secret's name only if Secret Manager checks secretmanager.secrets.create
//     against it rather than against the project; Plinth could not verify
//     this offline. If Secret Manager checks the project, writers are
//     refused to create secrets (never given more): the platform team then
//     creates each team's secrets and the writers add their versions.
//   - Listing: secrets.list is checked on the project, which the condition
//     never matches, so writers address their secrets by name
//     (gcloud secrets describe <team>-<name>), not by listing.
//   - spec.SoftDeleteDays: Secret Manager keeps no deleted secret, and
//     delays the destruction of a version only when the secret was
//     created with a version destroy TTL, which its creator sets; the
//     backend cannot enforce it. spec.Locked protects nothing here: the
//     secrets are not the stack's.
//   - spec.Private: Secret Manager has no endpoint of its own; the nodes
//     reach it through Private Google Access, on for every subnet
//     NewNetwork creates, so a private store needs no subnet. Restricting
//     Secret Manager to requests from the VPC needs a VPC Service Controls
//     perimeter, an organization policy Plinth does not create.
//
// spec.Tags go nowhere: service accounts, custom roles and IAM bindings
// take no labels.
func (b *Backend) NewSecretStore(ctx *pulumi.Context, spec platform.SecretStoreSpec, opts ...pulumi.ResourceOption) (*platform.SecretStoreOutputs, error) {
	path := field.NewPath("secretStore")
	if err := validateSecretStore(spec, path); err != nil {
		return nil, err
	}
	project := b.cfg.Project
	res, err := organizations.LookupProject(ctx, &organizations.LookupProjectArgs{ProjectId: &project}, pulumi.Provider(b.provider))
	if err != nil {
		return nil, fmt.Errorf("gke: reading the number of project %s for the secret store's IAM conditions: %w", project, err)
	}
	plan := planSecretStore(project, res.Number, spec)

	var writerRole pulumi.StringOutput
	if plan.WriterRole != nil {
		cr, err := b.newCustomRole(ctx, *plan.WriterRole, pulumi.String(project), opts)
		if err != nil {
			return nil, err
		}
		writerRole = cr.Name
	}
	out := &platform.SecretStoreOutputs{Teams: map[string]platform.TeamSecrets{}}
	for _, tp := range plan.Teams {
		team := spec.Teams[tp.Index]
		sa, err := b.newBoundAccount(ctx, tp.Account, tp.Binding, spec.Cluster, team.Namespace, team.ServiceAccount, opts)
		if err != nil {
			return nil, err
		}
		condition := &projects.IAMMemberConditionArgs{
			Title:       pulumi.String(tp.Condition.Title),
			Description: pulumi.String(tp.Condition.Description),
			Expression:  pulumi.String(tp.Condition.Expression),
		}
		if _, err := projects.NewIAMMember(ctx, tp.Reader, &projects.IAMMemberArgs{
			Project:   pulumi.String(project),
			Role:      pulumi.String(tp.ReaderRole),
			Member:    pulumi.Sprintf("serviceAccount:%s", sa.Email),
			Condition: condition,
		}, b.opts(opts)...); err != nil {
			return nil, err
		}
		for k, w := range team.Writers {
			if _, err := projects.NewIAMMember(ctx, tp.Writers[k], &projects.IAMMemberArgs{
				Project:   pulumi.String(project),
				Role:      writerRole,
				Member:    w.ToStringOutput().ApplyT(groupMember).(pulumi.StringOutput),
				Condition: condition,
			}, b.opts(opts)...); err != nil {
				return nil, err
			}
		}
		out.Teams[team.Team] = platform.TeamSecrets{
			Team:           team.Team,
			Store:          pulumi.String(project).ToStringOutput(),
			URI:            pulumi.String("projects/" + project).ToStringOutput(),
			Prefix:         tp.Prefix,
			Namespace:      team.Namespace,
			ServiceAccount: team.ServiceAccount,
			Identity: &platform.WorkloadIdentity{
				ServiceAccountAnnotations: pulumi.StringMap{ServiceAccountAnnotation: sa.Email}.ToStringMapOutput(),
				PodLabels:                 map[string]string{},
				ClientID:                  sa.Email,
				PrincipalID:               sa.UniqueId,
			},
		}
	}
	return out, nil
}

// groupMember returns the IAM member of a writer group given by its
// email, "group:<email>"; a value already written "group:<email>" is kept.
func groupMember(email string) string {
	if strings.HasPrefix(email, "group:") {
		return email
	}
	return "group:" + email
}

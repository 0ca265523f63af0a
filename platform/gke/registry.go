package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewRegistry creates an environment's container registry in Artifact
// Registry, in the backend's project (the environment's own,
// docs/adr/0004-gcp-environment-isolation.md) and region:
//
//   - the Container Scanning API, containerscanning.googleapis.com, on
//     for the project ("<name>-container-scanning"; left on when it leaves
//     the stack, and never turning off the services that depend on it),
//     before the repository: Artifact Analysis then scans every image
//     pushed to the repository for vulnerabilities, and keeps its findings
//     current as vulnerabilities are published. This is the repository's
//     vulnerability scanning: pulumi-gcp v7.38's repository has no
//     vulnerabilityScanningConfig, and a repository scans by default
//     while the API is on. The API is per project, so every repository
//     of the project is scanned (and billed per image scanned);
//   - a standard Docker repository "<name>-repository" whose ID is
//     spec.Name, labeled with spec.Tags; with spec.Locked (production) its
//     tags are immutable, so that a tag once pushed never moves or goes
//     away and the image a release names is the image that runs, now and
//     at a rollback, and the repository is protected and retained when
//     it leaves the stack (the images are what a rollback needs); with
//     spec.UntaggedRetentionDays, a cleanup policy "delete-untagged"
//     deletes the untagged versions older than that many days (not a dry
//     run; Artifact Registry applies it about once a day);
//   - roles/artifactregistry.reader on the repository alone for the
//     cluster's nodes, serviceAccount:<spec.Cluster.NodeIdentity>
//     ("<name>-nodes-reader"): the nodes pull from this repository and
//     from no other repository of the project (NewCluster grants no
//     project-wide reader);
//   - roles/artifactregistry.writer on the repository alone for each
//     pusher, serviceAccount:<email> ("<name>-pusher-<email>").
//
// Outputs: ID is the repository's ID,
// projects/<project>/locations/<region>/repositories/<name>; Prefix is
// "<region>-docker.pkg.dev/<project>/<name>/", resolved once the
// repository exists.
//
// spec.Private changes nothing on GCP: Artifact Registry has no endpoint
// of its own, and the nodes, which are private, reach it through Private
// Google Access, on for every subnet NewNetwork creates. Keeping it from
// requests outside the VPC needs a VPC Service Controls perimeter, an
// organization policy Plinth does not create. Enabling
// artifactregistry.googleapis.com is the project owner's, like the
// project's other APIs.
//
// Not verified offline: whether Artifact Registry counts the
// per-platform manifests of a tagged multi-platform image as untagged
// versions for the cleanup policy; if it does, keep
// UntaggedRetentionDays at 0 for repositories of multi-platform images.
//
// Everything is validated first (RegistrySpec.Validate with GCP's facts,
// and the repository ID Artifact Registry takes), and every problem is
// reported at once, before anything is registered.
func (b *Backend) NewRegistry(ctx *pulumi.Context, spec platform.RegistrySpec, opts ...pulumi.ResourceOption) (*platform.RegistryOutputs, error) {
	if err := validateRegistry(spec, field.NewPath("registry")); err != nil {
		return nil, err
	}
	plan := planRegistry(b.cfg, spec)
	project := pulumi.String(b.cfg.Project)

	scanning, err := projects.NewService(ctx, plan.Scanning.Name, &projects.ServiceArgs{
		Project:                  project,
		Service:                  pulumi.String(plan.Scanning.Service),
		DisableOnDestroy:         pulumi.Bool(false),
		DisableDependentServices: pulumi.Bool(false),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}

	args := &artifactregistry.RepositoryArgs{
		Project:      project,
		Location:     pulumi.String(plan.Location),
		RepositoryId: pulumi.String(plan.RepositoryID),
		Description:  pulumi.String(plan.Description),
		Format:       pulumi.String(plan.Format),
		Mode:         pulumi.String(plan.Mode),
		Labels:       pulumi.ToStringMap(plan.Labels),
		DockerConfig: &artifactregistry.RepositoryDockerConfigArgs{
			ImmutableTags: pulumi.Bool(plan.ImmutableTags),
		},
	}
	if c := plan.Cleanup; c != nil {
		args.CleanupPolicyDryRun = pulumi.Bool(false)
		args.CleanupPolicies = artifactregistry.RepositoryCleanupPolicyArray{
			&artifactregistry.RepositoryCleanupPolicyArgs{
				Id:     pulumi.String(c.ID),
				Action: pulumi.String(c.Action),
				Condition: &artifactregistry.RepositoryCleanupPolicyConditionArgs{
					TagState:  pulumi.String(c.TagState),
					OlderThan: pulumi.String(c.OlderThan),
				},
			},
		}
	}
	repo, err := artifactregistry.NewRepository(ctx, plan.Name, args,
		b.retained(opts, plan.Retain, pulumi.Protect(plan.Protect), pulumi.DependsOn([]pulumi.Resource{scanning}))...)
	if err != nil {
		return nil, err
	}

	member := func(m repositoryMemberPlan, who pulumi.StringInput) error {
		_, err := artifactregistry.NewRepositoryIamMember(ctx, m.Name, &artifactregistry.RepositoryIamMemberArgs{
			Project:    project,
			Location:   repo.Location,
			Repository: repo.RepositoryId,
			Role:       pulumi.String(m.Role),
			Member:     who,
		}, b.opts(opts)...)
		return err
	}
	if err := member(plan.Reader, pulumi.Sprintf("serviceAccount:%s", spec.Cluster.NodeIdentity)); err != nil {
		return nil, err
	}
	for _, w := range plan.Writers {
		if err := member(w, pulumi.String(w.Member)); err != nil {
			return nil, err
		}
	}
	return &platform.RegistryOutputs{
		ID: repo.ID().ToStringOutput(),
		// The plan's prefix, once the repository exists: whoever admits
		// images under it (the guardrails) waits for the repository.
		Prefix: repo.ID().ToStringOutput().ApplyT(func(string) string { return plan.Prefix }).(pulumi.StringOutput),
	}, nil
}

package gke

import (
	"fmt"
	"regexp"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// Artifact Registry settings every repository gets.
const (
	// repositoryFormat and repositoryMode make a standard Docker
	// repository: images pushed to it, not proxied nor aggregated.
	repositoryFormat = "DOCKER"
	repositoryMode   = "STANDARD_REPOSITORY"
	// containerScanningAPI is the Container Scanning API: while it is on,
	// Artifact Analysis scans every image pushed to an Artifact Registry
	// repository of the project for vulnerabilities, and keeps scanning
	// it as new vulnerabilities are published.
	containerScanningAPI = "containerscanning.googleapis.com"
	// untaggedCleanupID names the repository's one cleanup policy.
	untaggedCleanupID = "delete-untagged"
	// roleRepositoryReader lets the nodes pull; roleRepositoryWriter lets
	// the pushers push (and pull), on the repository only.
	roleRepositoryReader = "roles/artifactregistry.reader"
	roleRepositoryWriter = "roles/artifactregistry.writer"
)

// repositoryID is what Artifact Registry takes as a repository ID: 1-63
// lowercase letters, digits and '-', starting with a letter and ending
// with a letter or digit.
var repositoryID = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// registryPlan is the cloud-side shape of a RegistrySpec on GCP, computed
// without Pulumi so that it can be table-tested.
type registryPlan struct {
	// Name is the repository's Pulumi name, "<name>-repository".
	Name string
	// RepositoryID is the repository's ID (spec.Name), Location the
	// backend's region, Description its description.
	RepositoryID, Location, Description string
	// Format and Mode are repositoryFormat and repositoryMode.
	Format, Mode string
	// Labels are the spec's tags.
	Labels map[string]string
	// ImmutableTags refuses to move or delete a tag once pushed
	// (dockerConfig.immutableTags): spec.Locked.
	ImmutableTags bool
	// Cleanup is the repository's cleanup policy; nil when
	// spec.UntaggedRetentionDays is 0 (nothing is deleted).
	Cleanup *cleanupPlan
	// Protect and Retain are pulumi.Protect and pulumi.RetainOnDelete of
	// the repository: spec.Locked.
	Protect, Retain bool
	// Scanning enables containerScanningAPI on the project.
	Scanning servicePlan
	// Reader is the Pulumi name of the nodes' roles/artifactregistry.reader
	// on the repository, "<name>-nodes-reader"; its member is
	// "serviceAccount:" + the cluster's NodeIdentity, known only as an
	// output.
	Reader repositoryMemberPlan
	// Writers are the pushers' roles/artifactregistry.writer on the
	// repository, in spec order, each named "<name>-pusher-<email>": after
	// the pusher, not its position, so that removing one pusher replaces
	// no other's binding (a replaced binding is created before the old
	// one is deleted, and two resources of one binding delete each
	// other's).
	Writers []repositoryMemberPlan
	// Prefix is "<region>-docker.pkg.dev/<project>/<repository ID>/".
	Prefix string
}

// cleanupPlan is a DELETE cleanup policy for the untagged versions older
// than OlderThan ("<seconds>s", as the API writes durations).
type cleanupPlan struct {
	ID, Action, TagState, OlderThan string
}

// servicePlan is an API enabled on the project: its Pulumi name and the
// service.
type servicePlan struct {
	Name, Service string
}

// repositoryMemberPlan is one IAM member of the repository: its Pulumi
// name, role and member ("" when the member is an output).
type repositoryMemberPlan struct {
	Name, Role, Member string
}

// validateRegistry checks spec as every backend does (RegistrySpec.Validate
// with GCP's facts) and what Artifact Registry needs beyond it, and
// returns every problem at once, before anything is registered.
func validateRegistry(spec platform.RegistrySpec, path field.Path) error {
	errs := spec.Validate(path, gkefacts.Facts)
	// The contract's logical names are valid repository IDs today; the
	// check stays so that a looser name rule cannot reach the API. A
	// name the contract refuses is reported once, by the contract.
	if platform.ValidateName(path.Child("name"), spec.Name) == nil {
		if err := checkRepositoryID(path.Child("name"), spec.Name); err != nil {
			errs.Add(err)
		}
	}
	return errs.Err()
}

// checkRepositoryID returns the error of id at path when Artifact Registry
// would refuse it as a repository ID, nil otherwise.
func checkRepositoryID(path field.Path, id string) *field.Error {
	if repositoryID.MatchString(id) {
		return nil
	}
	return field.Invalid(path, id, "Artifact Registry takes repository IDs of 1-63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit; rename the registry")
}

// planRegistry maps a validated spec to the repository in cfg's project
// and region.
func planRegistry(cfg Config, spec platform.RegistrySpec) registryPlan {
	n := spec.Name
	p := registryPlan{
		Name:          platform.ChildName(n, "repository"),
		RepositoryID:  n,
		Location:      cfg.Region,
		Description:   "Plinth container registry " + n,
		Format:        repositoryFormat,
		Mode:          repositoryMode,
		Labels:        spec.Tags.Merge(),
		ImmutableTags: spec.Locked,
		Protect:       spec.Locked,
		Retain:        spec.Locked,
		Scanning:      servicePlan{Name: platform.ChildName(n, "container-scanning"), Service: containerScanningAPI},
		Reader:        repositoryMemberPlan{Name: platform.ChildName(n, "nodes-reader"), Role: roleRepositoryReader},
		Prefix:        registryPrefix(cfg, n),
	}
	if d := spec.UntaggedRetentionDays; d > 0 {
		p.Cleanup = &cleanupPlan{
			ID:        untaggedCleanupID,
			Action:    "DELETE",
			TagState:  "UNTAGGED",
			OlderThan: fmt.Sprintf("%ds", d*24*60*60),
		}
	}
	for _, email := range spec.Pushers {
		p.Writers = append(p.Writers, repositoryMemberPlan{
			Name:   platform.ChildName(n, "pusher-"+email),
			Role:   roleRepositoryWriter,
			Member: "serviceAccount:" + email,
		})
	}
	return p
}

// registryPrefix is the start of every image reference in the repository
// id of cfg's project and region: "<region>-docker.pkg.dev/<project>/<id>/".
func registryPrefix(cfg Config, id string) string {
	return fmt.Sprintf("%s-docker.pkg.dev/%s/%s/", cfg.Region, cfg.Project, id)
}

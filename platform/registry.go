package platform

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
)

// RegistrySpec describes an environment's container registry: the one
// place the teams' images come from (the guardrails admit no other), which
// the cluster's nodes, and only they, pull from.
type RegistrySpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster whose nodes pull: its NodeIdentity gets pull
	// rights on this registry only (Azure AcrPull on the registry;
	// roles/artifactregistry.reader on the repository).
	Cluster *ClusterOutputs
	// Network is the cluster's network. A private registry takes its
	// private endpoint in the subnet of role CloudFacts.RegistrySubnet
	// (Azure: SubnetPrivateEndpoints) and a DNS zone linked to
	// Network.Outputs.ID.
	Network ClusterNetwork
	// Private turns the registry's public network access off, so that it
	// is reached only through its private endpoint (Azure Container
	// Registry); where the registry has no endpoint of its own (Artifact
	// Registry, reached through Private Google Access), nothing changes.
	Private bool
	// Pushers are the CI identities that may push images, in the form of
	// CloudFacts.Pushers: service principal or managed identity object
	// IDs on Azure (AcrPush), service account emails on GCP
	// (roles/artifactregistry.writer on the repository). None: nobody
	// pushes until they are configured.
	Pushers []string
	// UntaggedRetentionDays is how long an untagged manifest is kept
	// before the registry deletes it; 0 keeps them.
	UntaggedRetentionDays int
	// Locked protects the registry and retains it on delete
	// (pulumi.Protect, pulumi.RetainOnDelete): production images are what
	// a rollback needs.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// Registry limits every backend holds a RegistrySpec to.
const (
	// MaxRegistryRetentionDays is the longest UntaggedRetentionDays: Azure
	// Container Registry's limit.
	MaxRegistryRetentionDays = 365
)

// RegistryOutputs is what a RegistryBackend returns.
type RegistryOutputs struct {
	// ID is the registry's cloud ID: the ARM ID of the Azure Container
	// Registry, the Artifact Registry repository's ID.
	ID pulumi.StringOutput
	// Prefix starts the reference of every image in the registry, and ends
	// with "/": "<name>.azurecr.io/" on Azure,
	// "<region>-docker.pkg.dev/<project>/<repository>/" on GCP. The
	// guardrails admit images under it.
	Prefix pulumi.StringOutput
}

// RegistryBackend creates an environment's container registry: on Azure
// a Premium Azure Container Registry (admin user off, anonymous pull off,
// zone redundant, a private endpoint when private), on GCP a Docker
// repository in Artifact Registry with vulnerability scanning; pull rights
// for the cluster's nodes on it alone, and push rights for the configured
// CI identities on it alone.
type RegistryBackend interface {
	Backend
	NewRegistry(ctx *pulumi.Context, spec RegistrySpec, opts ...pulumi.ResourceOption) (*RegistryOutputs, error)
}

// Validate checks what every RegistryBackend needs of spec before it
// registers anything, and returns every problem at once under path: the
// logical name, the cluster, each pusher in facts' form and listed once,
// and the retention within 0..MaxRegistryRetentionDays. Backends add
// their cloud's own checks.
func (s RegistrySpec) Validate(path field.Path, facts CloudFacts) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if s.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster whose nodes pull from the registry"))
	}
	for i, p := range s.Pushers {
		pp := path.Child("pushers").Index(i)
		switch {
		case facts.Pushers.Check(p):
		case facts.Pushers.Check(strings.ToLower(p)):
			errs.Addf(pp, p, "write it in lowercase, %q: %s", strings.ToLower(p), facts.Pushers.Want)
		default:
			errs.Addf(pp, p, "not %s, e.g. %q", facts.Pushers.Want, facts.Pushers.Example)
		}
		for j := range i {
			// IDs and emails name the same principal in any case.
			if strings.EqualFold(s.Pushers[j], p) {
				errs.Addf(pp, p, "repeats %s; list each pusher once", path.Child("pushers").Index(j))
				break
			}
		}
	}
	if d := s.UntaggedRetentionDays; d < 0 || d > MaxRegistryRetentionDays {
		errs.Addf(path.Child("untaggedRetentionDays"), d, "must be 0..%d: the days an untagged image is kept (0 keeps them)", MaxRegistryRetentionDays)
	}
	return errs
}

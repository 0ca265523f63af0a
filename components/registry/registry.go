package registry

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Registry component.
const TypeToken = "plinth:components:Registry"

// Args are the registry's settings: plain data, the same in Go and YAML.
// Every field has a default, documented on the field.
type Args struct {
	// Pushers are the CI identities that may push images: on Azure the
	// object IDs of service principals or managed identities, on GCP
	// service account emails (platform.CloudFacts.Pushers). Unset: nobody
	// pushes until they are listed; the platform team adds its pipelines'
	// identities here, through review like every other change.
	Pushers []string

	// Private turns the registry's public network access off, so that it
	// is reached only through its private endpoint in the network's
	// private-endpoints subnet (Azure Container Registry; on GCP the nodes
	// reach Artifact Registry through Private Google Access either way).
	// Unset: true. The development profile sets false, since its engineers
	// and hosted CI push from outside the network; production refuses
	// false.
	Private *bool

	// UntaggedRetentionDays is how long an untagged image is kept before
	// the registry deletes it, 0..MaxUntaggedRetentionDays; 0 keeps them.
	// Unset: DefaultUntaggedRetentionDays.
	UntaggedRetentionDays *int

	// Tags go on every cloud resource that accepts tags or labels, merged
	// over the cluster's tags. GCP label rules apply. Unset: the cluster's
	// tags.
	Tags map[string]string
}

// Defaults and limits.
const (
	// DefaultUntaggedRetentionDays keeps an untagged image a week: long
	// enough for a rollback by digest, short enough that overwritten
	// builds do not pile up.
	DefaultUntaggedRetentionDays = 7
	// MaxUntaggedRetentionDays is the longest UntaggedRetentionDays.
	MaxUntaggedRetentionDays = platform.MaxRegistryRetentionDays
)

// Registry is the component resource.
type Registry struct {
	pulumi.ResourceState

	// Spec is what the backend created the registry from, without the
	// cluster's outputs.
	Spec platform.RegistrySpec
	// ID is the registry's cloud ID.
	ID pulumi.StringOutput `pulumi:"id"`
	// Prefix starts every image reference in the registry and ends with
	// "/", e.g. "crprodab12cd34.azurecr.io/" or
	// "europe-west1-docker.pkg.dev/acme-prod/prod/".
	Prefix pulumi.StringOutput `pulumi:"prefix"`
}

// Resolved is the registry's settings, validated and completed against
// its target and cluster: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	spec platform.RegistrySpec
}

// Spec returns what the backend will receive, without the cluster's
// outputs (New adds them).
func (r Resolved) Spec() platform.RegistrySpec { return r.spec }

// Resolve validates a against t and the cluster c whose nodes pull,
// applies the defaults and returns what New creates. Problems are
// reported under path (for example "registry"), all at once. It is pure:
// it asks no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	private := true
	if a.Private != nil {
		private = *a.Private
		if t.Production && !private {
			errs.Addf(path.Child("private"), false, "a production registry is reached only privately; remove private: false")
		}
	}
	days := DefaultUntaggedRetentionDays
	if a.UntaggedRetentionDays != nil {
		days = *a.UntaggedRetentionDays
	}
	if private {
		if role := t.Cloud.RegistrySubnet; role != "" {
			if _, ok := c.Network.Spec.Subnet(role); !ok {
				errs.Addf(path.Child("private"), true, "a private registry on %s is reached through a private endpoint in a subnet of role %q, and the cluster's network has none; add one to network.subnets (a /28 is enough), or leave network.subnets unset for the default layout", t.Cloud.Name, role)
			}
		}
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	spec := platform.RegistrySpec{
		Name:                  name,
		Network:               c.Network,
		Private:               private,
		Pushers:               append([]string(nil), a.Pushers...),
		UntaggedRetentionDays: days,
		Locked:                t.Production,
		Tags:                  c.Tags.Merge(a.Tags),
	}
	// The spec's own checks (the name, the pushers in the cloud's form,
	// the retention), with the cluster the backend gets later standing in.
	check := spec
	check.Cluster = &platform.ClusterOutputs{}
	errs = append(errs, check.Validate(path, t.Cloud)...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{spec: spec}, nil
}

// New creates the registry r describes through backend, for host (the
// cluster r was resolved against): the cluster's nodes pull from it, and
// only they and the pushers have rights on it.
func New(ctx *pulumi.Context, r Resolved, backend platform.RegistryBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*Registry, error) {
	spec := r.spec
	switch {
	case spec.Name == "":
		return nil, errors.New("registry: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("registry %q: no backend; pass the backend the cluster was created with", spec.Name)
	}
	if err := cluster.CheckHost("registry", spec.Name, host); err != nil {
		return nil, err
	}
	c := &Registry{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, spec.Name, c, opts...); err != nil {
		return nil, err
	}
	// The host's network carries the outputs (the subnet's and the VNet's
	// IDs) a private registry's endpoint needs.
	spec.Cluster, spec.Network = host.ClusterOutputs(), host.ClusterSpec().Network
	out, err := backend.NewRegistry(ctx, spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("registry %q: %w", spec.Name, err)
	}
	c.ID, c.Prefix = out.ID, out.Prefix
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"id": c.ID, "prefix": c.Prefix})
}

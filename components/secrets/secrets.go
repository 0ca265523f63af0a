package secrets

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// TypeToken is the Pulumi type of the Secrets component.
const TypeToken = "plinth:components:Secrets"

// Args are the settings of an environment's secret store: plain data, the
// same in Go and YAML. Every field has a default, documented on the field.
type Args struct {
	// ServiceAccount names each team's Kubernetes service account that
	// reads the team's secrets, in the team's namespace (Team.Namespace).
	// Unset: DefaultServiceAccount ("secrets-reader").
	ServiceAccount string

	// Private turns the store's public network access off, so that it is
	// reached only through its private endpoint in the network's
	// private-endpoints subnet (Azure Key Vault; on GCP the nodes reach
	// Secret Manager through Private Google Access either way). Unset:
	// true. The development profile sets false, since its engineers work
	// from outside the network; production refuses false.
	Private *bool

	// SoftDeleteDays is how long a deleted secret stays recoverable,
	// MinSoftDeleteDays..MaxSoftDeleteDays. Unset: DefaultSoftDeleteDays
	// (90) in production, DefaultDevSoftDeleteDays (7) elsewhere.
	SoftDeleteDays int

	// Tags go on every cloud resource that accepts tags or labels, merged
	// over the cluster's tags; with "managed-by": "plinth" they label the
	// service accounts. GCP label rules apply. Unset: the cluster's tags.
	Tags map[string]string
}

// Team is a team that keeps secrets: what Resolve needs to know of it.
type Team struct {
	// Name is the team's name, as its access package has it.
	Name string
	// Namespace is the team namespace its secrets reader runs in: where
	// its workloads that mount secrets run.
	Namespace string
	// Tags go on the team's own resources (its store, its identity) over
	// the store's: e.g. the team as their owner.
	Tags map[string]string
}

// Defaults and limits.
const (
	// DefaultServiceAccount is the name of each team's secrets reader.
	DefaultServiceAccount = "secrets-reader"
	// DefaultSoftDeleteDays keeps deleted production secrets 90 days,
	// the longest the clouds allow.
	DefaultSoftDeleteDays = 90
	// DefaultDevSoftDeleteDays is the shortest, outside production.
	DefaultDevSoftDeleteDays = 7
	// MinSoftDeleteDays is the shortest SoftDeleteDays (Azure Key Vault's
	// limit).
	MinSoftDeleteDays = 7
	// MaxSoftDeleteDays is the longest SoftDeleteDays (Azure Key Vault's
	// limit).
	MaxSoftDeleteDays = 90
)

// Secrets is the component resource: the environment's store and, per
// team, the identity that reads its secrets.
type Secrets struct {
	pulumi.ResourceState

	// Teams are the teams' secrets, by team name.
	Teams map[string]platform.TeamSecrets
	// Stores are the teams' stores (Azure: vault names; GCP: the
	// project), by team.
	Stores pulumi.StringMapOutput `pulumi:"stores"`
}

// Resolved is a store's settings, validated and completed against its
// target, cluster and teams: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	spec   platform.SecretStoreSpec
	sa     string
	labels map[string]string
}

// Spec returns what the backend will receive, without the cluster and the
// writers (outputs that New adds).
func (r Resolved) Spec() platform.SecretStoreSpec { return r.spec }

// Resolve validates a against t, the cluster the teams' workloads run in
// and teams, applies the defaults and returns what New creates. Problems
// are reported under path (for example "secrets"), all at once; teams'
// under teamsPath[i]. It is pure: it asks no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec, teams []Team, teamsPath field.Path) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	sa := a.ServiceAccount
	if sa == "" {
		sa = DefaultServiceAccount
	} else if !format.DNSLabel(sa) {
		errs.Addf(path.Child("serviceAccount"), sa, "not a Kubernetes service account name; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
	}
	private := true
	if a.Private != nil {
		private = *a.Private
		if t.Production && !private {
			errs.Addf(path.Child("private"), false, "a production secret store is reached only privately; remove private: false")
		}
	}
	days := a.SoftDeleteDays
	switch {
	case days == 0 && t.Production:
		days = DefaultSoftDeleteDays
	case days == 0:
		days = DefaultDevSoftDeleteDays
	case days < MinSoftDeleteDays || days > MaxSoftDeleteDays:
		errs.Addf(path.Child("softDeleteDays"), days, "must be %d..%d; leave it unset for %d in production, %d elsewhere", MinSoftDeleteDays, MaxSoftDeleteDays, DefaultSoftDeleteDays, DefaultDevSoftDeleteDays)
	}
	if private {
		if role := t.Cloud.SecretStoreSubnet; role != "" {
			if _, ok := c.Network.Spec.Subnet(role); !ok {
				errs.Addf(path.Child("private"), true, "a private secret store on %s is reached through a private endpoint in a subnet of role %q, and the cluster's network has none; add one to network.subnets (a /28 is enough), or leave network.subnets unset for the default layout", t.Cloud.Name, role)
			}
		}
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	if v, ok := a.Tags["managed-by"]; ok && v != "plinth" {
		errs.Addf(path.Child("tags").Key("managed-by"), v, "Plinth labels everything it manages \"managed-by\": \"plinth\"; remove this tag")
	}
	seen := map[string]int{}
	for i, tm := range teams {
		tp := teamsPath.Index(i)
		if j, dup := seen[tm.Name]; dup {
			errs.Addf(tp.Child("team"), tm.Name, "repeats %s; a team has one secret store", teamsPath.Index(j).Child("team"))
		}
		seen[tm.Name] = i
		if tm.Namespace == "" {
			errs.Add(field.Required(tp.Child("namespaces"), "a namespace for the team's secrets reader"))
		}
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	tags := c.Tags.Merge(a.Tags)
	spec := platform.SecretStoreSpec{
		Name:           name,
		Network:        c.Network,
		Private:        private,
		SoftDeleteDays: days,
		Locked:         t.Production,
		Tags:           tags,
	}
	for _, tm := range teams {
		spec.Teams = append(spec.Teams, platform.SecretTeamSpec{
			Team: tm.Name, Namespace: tm.Namespace, ServiceAccount: sa,
			Tags: platform.Tags(tm.Tags).Merge(map[string]string{"team": tm.Name}),
		})
	}
	return Resolved{spec: spec, sa: sa, labels: tags.Merge(map[string]string{"managed-by": "plinth"})}, nil
}

// Wiring is what New takes of a team from the components around it.
type Wiring struct {
	// Namespace is the team's namespace the reader goes into, as the
	// team's access package created it (accesspackage.AccessPackage's
	// Namespaces): the output orders the service account after the
	// namespace. Unset: the resolved name, with no ordering.
	Namespace pulumi.StringInput
	// Writers are the directory groups that may change the team's secrets
	// (the team's admin level's group); none: the platform team writes
	// them.
	Writers []pulumi.StringInput
}

// New creates the store r describes through backend, for host (the cluster
// r was resolved against): per team its identity, which reads the team's
// secrets only, and in the team's namespace the service account bound to
// it. wiring holds, by team, its namespace and writers.
func New(ctx *pulumi.Context, r Resolved, backend platform.SecretsBackend, host cluster.Host, wiring map[string]Wiring, opts ...pulumi.ResourceOption) (*Secrets, error) {
	spec := r.spec
	switch {
	case spec.Name == "":
		return nil, errors.New("secrets: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("secrets %q: no backend; pass the backend the cluster was created with", spec.Name)
	}
	if err := cluster.CheckHost("secrets", spec.Name, host); err != nil {
		return nil, err
	}
	for _, team := range slices.Sorted(maps.Keys(wiring)) {
		if !slices.ContainsFunc(spec.Teams, func(t platform.SecretTeamSpec) bool { return t.Team == team }) {
			return nil, fmt.Errorf("secrets %q: wiring for team %q, which has no secrets; resolve the store with the team", spec.Name, team)
		}
	}
	c := &Secrets{Teams: map[string]platform.TeamSecrets{}}
	if err := ctx.RegisterComponentResource(TypeToken, spec.Name, c, opts...); err != nil {
		return nil, err
	}
	// The host's network carries the outputs (the subnets' and the VNet's
	// IDs) a private store's endpoints need.
	spec.Cluster, spec.Network = host.ClusterOutputs(), host.ClusterSpec().Network
	spec.Teams = slices.Clone(spec.Teams)
	for i := range spec.Teams {
		spec.Teams[i].Writers = wiring[spec.Teams[i].Team].Writers
	}
	out, err := backend.NewSecretStore(ctx, spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("secrets %q: %w", spec.Name, err)
	}
	stores := pulumi.StringMap{}
	k8s := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(host.KubernetesProvider())}
	for _, t := range spec.Teams {
		ts, ok := out.Teams[t.Team]
		if !ok || ts.Identity == nil {
			return nil, fmt.Errorf("secrets %q: the backend returned no identity for team %q", spec.Name, t.Team)
		}
		var ns pulumi.StringInput = pulumi.String(t.Namespace)
		if w := wiring[t.Team].Namespace; w != nil {
			ns = w
		}
		if _, err := corev1.NewServiceAccount(ctx, platform.ChildName(spec.Name, t.Team+"-reader"), &corev1.ServiceAccountArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name:        pulumi.String(t.ServiceAccount),
				Namespace:   ns,
				Labels:      pulumi.ToStringMap(platform.Tags(r.labels).Merge(map[string]string{"team": t.Team})),
				Annotations: ts.Identity.ServiceAccountAnnotations,
			},
		}, k8s...); err != nil {
			return nil, err
		}
		c.Teams[t.Team] = ts
		stores[t.Team] = ts.Store
	}
	c.Stores = stores.ToStringMapOutput()
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"stores": c.Stores})
}

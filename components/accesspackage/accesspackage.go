package accesspackage

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the AccessPackage component. It is part
// of every child's URN: changing it would replace every child.
const TypeToken = "plinth:components:AccessPackage"

// Args are one team's access settings: plain data, the same in Go and
// YAML. Team is required, and Requestors and Approvers unless every level
// names its own; every other field has a default, documented on the field.
// A package resolves against the platform's catalog (ResolvedCatalog),
// which brings the cloud, the platform maximum duration and the
// environment, and is created in it (New with the *Catalog), which makes
// sure no two teams share a team name, a namespace or a group.
type Args struct {
	// Team is the team's name: 1-30 lowercase letters, digits and '-',
	// starting with a letter and not ending with '-'. It is the "team"
	// label of every object, and no other AccessPackage of the catalog may
	// use it. Required.
	Team string

	// CostCenter is the "cost-center" label of the team's namespaces.
	// Unset: the catalog's CostCenter; required when that is unset too.
	CostCenter string

	// Namespaces are the team's namespaces; the levels' rights hold in
	// these namespaces only. Unset: one namespace named after the team.
	Namespaces []Namespace

	// Levels are the access levels team members request, each with a
	// directory group of its own. Unset: DefaultLevels (reader, developer,
	// admin).
	Levels []Level

	// Requestors are the principals ("user:<id>", "group:<id>") who may
	// request a level whose Requestors is unset. Required unless every
	// level names its own.
	Requestors []string

	// Approvers are the principals of the single approval stage of a level
	// that has neither Approval nor NoApproval. Required unless every such
	// level names its own approval stages.
	Approvers []string

	// IngressNamespace is the ingress controller's namespace; the network
	// policy admits traffic from it. Unset: DefaultIngressNamespace.
	IngressNamespace string

	// Hostnames are the only hostnames the team's HTTPRoutes and Ingresses
	// may serve (HostnamesPolicyName): exact names ("shop.example.com") or
	// wildcards ("*.shop.example.com": every name ending in
	// ".shop.example.com", not "shop.example.com" itself), each a
	// lowercase DNS name of at least two labels. No other team of the
	// catalog may claim a hostname one of them covers. Unset:
	// DefaultHostnames, "<team>.<domain>" and "*.<team>.<domain>" with the
	// catalog's Domain; none without one, and then every route and Ingress
	// of the team is refused until hostnames are set.
	Hostnames []string

	// Tags go on the team's cloud resources and as labels on its
	// Kubernetes objects, merged over the catalog's tags. GCP label rules;
	// team, environment, cost-center and managed-by are set by Plinth and
	// refused here.
	Tags map[string]string
}

// Namespace is one of a team's namespaces.
type Namespace struct {
	// Name is the namespace's name, a DNS-1123 label (1-63 lowercase
	// letters, digits and '-'). It may not be reserved
	// (DefaultReservedNamespaces, ReservedNamespacePrefixes, the catalog's
	// ReservedNamespaces, IngressNamespace) or belong to another team.
	// Required.
	Name string
	// Quota is the namespace's ResourceQuota. Unset: DefaultQuota; unset
	// fields of a set Quota take DefaultQuota's.
	Quota *Quota
	// Limits are the namespace's container defaults (LimitRange). Unset:
	// DefaultLimits; unset fields of a set Limits take DefaultLimits'.
	Limits *Limits
	// PodSecurity is the Pod Security Standard enforced:
	// PodSecurityBaseline (warn and audit restricted) or
	// PodSecurityRestricted. Unset: DefaultPodSecurity.
	PodSecurity string
	// Mesh joins the namespace to the cluster's service mesh
	// (CatalogArgs.Mesh): its pods get the mesh's proxy, which encrypts
	// and authenticates their traffic with other meshed pods, and the
	// mesh denies what the namespace's network policies deny. Unset: not
	// meshed.
	Mesh *NamespaceMesh
}

// NamespaceMesh is how a namespace joins the service mesh. The mesh's
// default for the namespace is deny: its pods' ports named in Ports admit
// meshed calls from the namespace's own pods and from the ingress
// controller, as the network policies do, and nothing else; a port of
// another name admits no call at all.
type NamespaceMesh struct {
	// Ports are the names of the container ports the namespace's pods
	// serve on (IANA service names, as containers' ports[].name takes
	// them). Unset: DefaultMeshPorts.
	Ports []string
}

// Quota is a namespace's ResourceQuota. CPU, memory and storage are
// Kubernetes quantities ("8", "500m", "16Gi").
type Quota struct {
	// CPU bounds the sum of CPU requests (requests.cpu).
	CPU string
	// Memory bounds the sum of memory requests (requests.memory).
	Memory string
	// MemoryLimit bounds the sum of memory limits (limits.memory); at
	// least Memory.
	MemoryLimit string
	// Pods bounds the number of pods.
	Pods int
	// PersistentVolumeClaims bounds the number of volume claims.
	PersistentVolumeClaims int
	// Storage bounds the storage all claims request (requests.storage).
	Storage string
	// LoadBalancers bounds LoadBalancer services
	// (services.loadbalancers). Unset: 0; teams are reached through the
	// ingress controller.
	LoadBalancers int
	// NodePorts bounds NodePort services (services.nodeports). Unset: 0.
	NodePorts int
}

// Limits are the defaults a namespace's LimitRange gives each container
// that does not set its own. Kubernetes quantities.
type Limits struct {
	// CPURequest is the default CPU request.
	CPURequest string
	// MemoryRequest is the default memory request.
	MemoryRequest string
	// MemoryLimit is the default memory limit; at least MemoryRequest.
	MemoryLimit string
	// CPULimit is the default CPU limit; at least CPURequest. Unset: none
	// (containers without a CPU limit are not throttled).
	CPULimit string
}

// Level is one level of access a team member can request: a directory
// group bound to one role in the team's namespaces, with its request
// policy.
type Level struct {
	// Name identifies the level within the team, e.g. "developer": 1-20
	// lowercase letters, digits and '-', starting with a letter. It names
	// the level's group and RoleBindings ("plinth-<name>"). Required.
	Name string
	// Role is what members may do: platform.AccessView, AccessEdit or
	// AccessAdmin, bound to the ClusterRole view, edit or admin in the
	// team's namespaces only. AccessClusterAdmin is for the catalog's
	// BreakGlass level only. Required (BreakGlass: cluster-admin).
	Role platform.AccessRole
	// Requestors are the principals ("user:<id>", "group:<id>"; Entra
	// object IDs on Azure, emails on GCP) who may request the level; at
	// most the cloud's platform.CloudFacts.MaxRequestors, each once. Unset: Args.Requestors.
	Requestors []string
	// Approval are the approval stages, in order: at most the cloud's
	// platform.CloudFacts.MaxApprovalStages; each needs approvers and waits
	// TimeoutDays (1-14; unset: DefaultApprovalTimeoutDays). Unset: one
	// stage of Args.Approvers, unless NoApproval.
	Approval []platform.ApprovalStage
	// NoApproval grants requests without approval. Only for view and
	// edit; not with Approval. A level with neither approvers nor
	// NoApproval is an error.
	NoApproval bool
	// Justification requires requestors to say why. Unset:
	// DefaultJustification (true). BreakGlass always requires it.
	Justification *bool
	// MaxDuration is how long a grant lasts before it expires: a whole
	// multiple of the cloud's platform.CloudFacts.AccessUnit (hours; days
	// on Azure), at
	// most the catalog's MaxDuration. Unset: DefaultDurations of the role,
	// rounded up to the unit and capped at the catalog's MaxDuration.
	MaxDuration time.Duration
	// Review is a recurring review of who holds the level. Every is
	// "monthly", "quarterly", "semiannually" or "annually"; Reviewers are
	// principals. Not on GCP, which has no access reviews. Unset: no
	// review (grants still expire after MaxDuration).
	Review *platform.AccessReview
	// ExistingGroup is a directory group to use instead of creating one:
	// an Entra group object ID on Azure, a Google group email on GCP. It
	// may back only this level of this team. Unset: the backend creates a
	// group.
	ExistingGroup string
}

// AccessPackage is the component resource of one team's access. Its fields
// are set once New returns.
type AccessPackage struct {
	pulumi.ResourceState

	// Spec is what the backend received: the team, its namespaces and its
	// resolved levels.
	Spec platform.AccessPackageSpec
	// Groups are the levels' directory groups, by level name.
	Groups map[string]platform.AccessGroup

	// Team is the team's name.
	Team pulumi.StringOutput `pulumi:"team"`
	// Namespaces are the team's namespaces, known once created.
	Namespaces pulumi.StringArrayOutput `pulumi:"namespaces"`
}

// resolved is Args with every default applied and what New derives from
// them.
type resolved struct {
	Args
	name   string
	path   field.Path
	cat    *resolvedCatalog
	tags   platform.Tags
	labels map[string]string
}

// Resolved is one team's access, validated and completed against the
// platform's catalog: what New creates. Only Args.Resolve and
// ResolvePackages make one.
type Resolved struct{ r *resolved }

// Spec returns the completed settings.
func (r Resolved) Spec() Args {
	if r.r == nil {
		return Args{}
	}
	return r.r.Args
}

// New claims the team, its namespaces and its existing groups in catalog
// (the one r was resolved against), creates the levels' groups and request
// policies through the catalog's backend, and in the cluster the team's
// namespaces with quota, container defaults, network policies and one
// RoleBinding per level. When another team of the catalog holds the team
// name, a namespace or a group, it returns every problem (a
// *field.ErrorList) and registers and claims nothing. The package's
// logical name (platform.ValidateName), e.g. "<environment>-<team>", names
// the backend's children.
func New(ctx *pulumi.Context, res Resolved, catalog *Catalog, opts ...pulumi.ResourceOption) (*AccessPackage, error) {
	r := res.r
	switch {
	case r == nil:
		return nil, errors.New("accessPackage: not resolved; pass what Args.Resolve returns")
	case catalog == nil || catalog.r == nil:
		return nil, fmt.Errorf("accessPackage %q: no catalog; pass the *Catalog NewCatalog returned", r.name)
	case catalog.r != r.cat:
		return nil, fmt.Errorf("accessPackage %q: resolved against another catalog than %q; resolve it against the catalog it is created in", r.name, catalog.r.name)
	case !r.cat.isPublished(r):
		return nil, fmt.Errorf("accessPackage %q: resolved after NewCatalog created catalog %q; resolve every team before NewCatalog, which hands them all to the backend (on GKE the catalog is the one access policy of every team)", r.name, catalog.r.name)
	}
	name := r.name
	// Claiming under the catalog's lock settles two packages created at
	// the same time.
	if err := catalog.claim(r.path, name, r.Args).Err(); err != nil {
		return nil, err
	}
	c := &AccessPackage{Spec: r.spec(catalog)}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	out, err := catalog.backend.NewAccessPackage(ctx, c.Spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("accessPackage %q: %w", name, err)
	}
	c.Groups = map[string]platform.AccessGroup{}
	for _, l := range c.Spec.Levels {
		g, ok := out.Groups[l.Name]
		if !ok {
			return nil, fmt.Errorf("accessPackage %q: the backend returned no group for level %q", name, l.Name)
		}
		c.Groups[l.Name] = g
	}

	namespaces, err := r.kubernetes(ctx, c, catalog.host.KubernetesProvider(), catalog.meshReady)
	if err != nil {
		return nil, err
	}
	c.Team = pulumi.String(r.Team).ToStringOutput()
	c.Namespaces = namespaces.ToStringArrayOutput()
	groups := pulumi.StringMap{}
	for lvl, g := range c.Groups {
		groups[lvl] = g.ID
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"team":       c.Team,
		"namespaces": c.Namespaces,
		"groups":     groups,
	})
}

// Resolve validates a against the resolved catalog, applies the defaults
// and returns what New creates. Problems are reported under path (for
// example "accessPackage" or "teams[0]"), all at once. It checks one
// package; ResolvePackages also checks what two packages would share. It
// asks no backend and registers nothing; it lists the package in the
// catalog, which NewCatalog hands every listed team: resolve every team
// before NewCatalog (New refuses a package resolved after it).
func (a Args) Resolve(name string, path field.Path, catalog ResolvedCatalog) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	cat := catalog.r
	if cat == nil {
		errs.Add(field.Required(path.Child("catalog"), "resolve the platform's catalog first (CatalogArgs.Resolve) and pass it"))
		return Resolved{}, errs.Err()
	}
	if name == cat.name {
		errs.Addf(path.Child("name"), name, "the catalog has this name, and the backends would give both the same names; name the package after the team")
	}
	r := &resolved{Args: a.withDefaults(cat), name: name, path: path, cat: cat}
	errs = append(errs, r.validate(&a)...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	r.tags = cat.tags.Merge(a.Tags, map[string]string{"team": r.Team, "cost-center": r.CostCenter})
	r.labels = r.tags.Merge(map[string]string{"managed-by": "plinth"})
	cat.record(r)
	return Resolved{r}, nil
}

// spec is what the backend receives.
func (r *resolved) spec(catalog *Catalog) platform.AccessPackageSpec {
	s := r.backendSpec()
	s.Cluster, s.Catalog = catalog.host.ClusterOutputs(), catalog.Outputs
	return s
}

// backendSpec is spec without the cluster and the catalog: what the
// backend's catalog receives of each team (platform.AccessCatalogSpec's
// Packages).
func (r *resolved) backendSpec() platform.AccessPackageSpec {
	s := platform.AccessPackageSpec{
		Name:   r.name,
		Team:   r.Team,
		Tags:   r.tags,
		Retain: r.cat.production,
	}
	for _, ns := range r.Namespaces {
		s.Namespaces = append(s.Namespaces, ns.Name)
	}
	for _, l := range r.Levels {
		s.Levels = append(s.Levels, l.spec())
	}
	return s
}

// spec converts a resolved level.
func (l Level) spec() platform.AccessLevelSpec {
	l = l.clone()
	s := platform.AccessLevelSpec{
		Name:          l.Name,
		Role:          l.Role,
		Requestors:    l.Requestors,
		Approval:      l.Approval,
		Justification: *l.Justification,
		MaxDuration:   l.MaxDuration,
		Review:        l.Review,
		ExistingGroup: l.ExistingGroup,
	}
	if l.NoApproval {
		s.Approval = nil
	}
	return s
}

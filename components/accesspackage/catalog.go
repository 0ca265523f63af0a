package accesspackage

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// CatalogTypeToken is the Pulumi type of the AccessCatalog component. It is
// part of every child's URN: changing it would replace every child.
const CatalogTypeToken = "plinth:components:AccessCatalog"

// CatalogArgs are the settings of the platform's access catalog: plain
// data, the same in Go and YAML. Every field has a default, documented on
// the field.
type CatalogArgs struct {
	// Description is shown to requestors. Unset:
	// DefaultCatalogDescription.
	Description string

	// MaxDuration is the platform maximum: no level of any team may grant
	// access for longer. A whole multiple of the cloud's access unit
	// (platform.CloudFacts.AccessUnit: hours; days on Azure), at most MaxDurationLimit (365 days). Unset:
	// DefaultMaxDuration (90 days).
	MaxDuration time.Duration

	// BreakGlass is the platform-admin level: cluster-admin on the whole
	// cluster, for incidents. It belongs to team BreakGlassTeam ("platform")
	// and is the only level that may grant cluster-wide rights. It needs
	// Requestors and at least one approval stage (NoApproval is refused),
	// always requires a justification, and lasts at most
	// BreakGlassDurationLimit (8 hours; one day on Azure). Unset fields:
	// Name DefaultBreakGlassName, Role cluster-admin (the only role
	// allowed), MaxDuration DefaultBreakGlassMaxDuration (4 hours; one day
	// on Azure). Unset: no break-glass level; nobody gets cluster-admin
	// through the catalog.
	BreakGlass *Level

	// Environment is the "environment" label of every team namespace, e.g.
	// "prod". Unset: the cluster's "environment" tag; required when the
	// cluster has none. When both are set they must agree.
	Environment string

	// CostCenter is the "cost-center" label of the team namespaces whose
	// Args.CostCenter is unset. Unset: the cluster's "cost-center" tag.
	CostCenter string

	// Domain is the DNS domain teams get their hostnames under by
	// default: a team without Hostnames may serve "<team>.<domain>" and
	// the names below it (DefaultHostnames). A lowercase DNS name, e.g.
	// "prod.example.com". Inside an environment: the DNS zone of
	// cert-manager. Unset: none; teams then serve only the Hostnames they
	// list.
	Domain string

	// ReservedNamespaces are namespaces no team may claim, in addition to
	// DefaultReservedNamespaces and names starting with
	// ReservedNamespacePrefixes: the platform's own (monitoring, ...).
	// Unset: none beyond the defaults.
	ReservedNamespaces []string

	// PodSecurity is the Pod Security Standard a team namespace enforces
	// when it sets none (Namespace.PodSecurity): PodSecurityBaseline or
	// PodSecurityRestricted. Inside an environment: restricted where the
	// guardrails enforce, baseline where they audit. Unset:
	// DefaultPodSecurity.
	PodSecurity string

	// Mesh is the cluster's service mesh, which team namespaces may join
	// (Namespace.Mesh). Inside an environment: set with its mesh (Go
	// only). Unset: no mesh; a namespace that joins one is refused.
	Mesh *CatalogMesh `yaml:"-"`

	// Tags go on the catalog and every team's cloud resources, and as
	// labels on every team's Kubernetes objects; they are merged over the
	// cluster's tags. Keys and values follow GCP label rules; the keys
	// team, environment, cost-center and managed-by are set by Plinth and
	// refused here.
	Tags map[string]string
}

// WaitForMesh makes the mesh objects of the meshed namespaces of the
// packages created after it wait for ready: the mesh's control plane,
// whose charts bring their types (components/mesh's Mesh.ControlPlane).
func (c *Catalog) WaitForMesh(ready pulumi.Resource) { c.meshReady = ready }

// CatalogMesh is the service mesh of the cluster (components/mesh), as the
// team namespaces that join it need it.
type CatalogMesh struct {
	// Namespace is the mesh's control plane namespace, which the meshed
	// pods' proxies call (identity, destination and policy).
	Namespace string
	// IngressServiceAccount is the ingress controller's service account,
	// in each team's IngressNamespace: its meshed identity is admitted
	// into every meshed namespace.
	IngressServiceAccount string
}

// Catalog is the AccessCatalog component resource: the platform's one
// access catalog, its break-glass level, and the registry of the teams,
// namespaces and groups the AccessPackages created with it have claimed.
// Its fields are set once NewCatalog returns.
type Catalog struct {
	pulumi.ResourceState

	// Spec is the resolved CatalogArgs: every default applied.
	Spec CatalogArgs
	// Outputs is the backend's catalog.
	Outputs *platform.AccessCatalog
	// BreakGlass is the break-glass level's group; nil without a
	// break-glass level.
	BreakGlass *platform.AccessGroup

	// ID is the catalog's ID (the Entra catalog on Azure; empty on GCP).
	ID pulumi.StringOutput `pulumi:"id"`

	r       *resolvedCatalog
	backend platform.AccessBackend
	host    cluster.Host
	// meshReady is what the meshed namespaces' mesh objects wait for
	// (WaitForMesh).
	meshReady pulumi.Resource
	// claims records who owns each team, namespace and existing group.
	mu     sync.Mutex
	claims claims
}

// resolvedCatalog is CatalogArgs with every default applied and what
// NewCatalog derives from them.
type resolvedCatalog struct {
	CatalogArgs
	name        string
	cloud       platform.CloudFacts
	clusterTags platform.Tags
	// production retains the teams' directory groups and namespaces.
	production bool
	// path is where the catalog's settings were written, for messages
	// that send a team's problem back to them.
	path field.Path
	// tags are the cluster's tags merged with Tags and environment.
	tags platform.Tags
	// podCIDR is the cluster's pod range, from which the managed
	// Prometheus's collectors scrape meshed pods' proxies; monitor their
	// pod monitor, zero when nothing is scraped.
	podCIDR string
	monitor platform.PodMonitorKind

	// teams are the packages resolved against the catalog, in the order
	// they were resolved, a package resolved again replacing its earlier
	// self; published are those NewCatalog handed to the backend. Only
	// published packages can be created: a cloud may keep one access
	// policy for all teams (GKE's JIT Groups), written with the catalog.
	mu        sync.Mutex
	teams     []*resolved
	published map[string]bool
}

// record lists r among the catalog's teams.
func (c *resolvedCatalog) record(r *resolved) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.IndexFunc(c.teams, func(t *resolved) bool { return t.name == r.name }); i >= 0 {
		c.teams[i] = r
		return
	}
	c.teams = append(c.teams, r)
}

// publish returns the specs of the teams resolved so far, without their
// cluster and catalog (which do not exist yet), and marks them published.
func (c *resolvedCatalog) publish() []platform.AccessPackageSpec {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.published = map[string]bool{}
	specs := make([]platform.AccessPackageSpec, len(c.teams))
	for i, t := range c.teams {
		specs[i] = t.backendSpec()
		c.published[t.name] = true
	}
	return specs
}

// isPublished reports whether NewCatalog handed the backend r's package
// as r describes it.
func (c *resolvedCatalog) isPublished(r *resolved) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.published[r.name] {
		return false
	}
	i := slices.IndexFunc(c.teams, func(t *resolved) bool { return t.name == r.name })
	return i >= 0 && (c.teams[i] == r || reflect.DeepEqual(c.teams[i].backendSpec(), r.backendSpec()))
}

// ResolvedCatalog is a catalog's settings, validated and completed against
// its target and cluster: what NewCatalog creates, and what the teams'
// packages resolve against. Only CatalogArgs.Resolve makes one.
type ResolvedCatalog struct{ r *resolvedCatalog }

// Spec returns the completed settings.
func (r ResolvedCatalog) Spec() CatalogArgs {
	if r.r == nil {
		return CatalogArgs{}
	}
	return r.r.CatalogArgs
}

// owner is who claimed a team, a namespace or a group.
type owner struct {
	team, component, kind string
	// level is the level whose group it is, for groups.
	level string
}

func (o owner) String() string {
	s := fmt.Sprintf("team %q (%s %q", o.team, o.kind, o.component)
	if o.level != "" {
		s += fmt.Sprintf(", level %q", o.level)
	}
	return s + ")"
}

// claims maps teams, namespaces and existing groups to their owner, and
// lists the hostnames claimed, in order.
type claims struct {
	teams, namespaces, groups map[string]owner
	hostnames                 []hostnameClaim
}

// hostnameClaim is one hostname of a team and its owner.
type hostnameClaim struct {
	hostname string
	owner    owner
}

// NewCatalog creates the platform's access catalog rc describes through
// backend and, with BreakGlass, the break-glass level, for host (the
// cluster rc was resolved against). The break-glass group gets
// cluster-admin only through the cloud's time-bound grant (AKS RBAC
// Cluster Admin through its access package; on GKE roles/container.admin
// through a Privileged Access Manager grant), never through a standing
// ClusterRoleBinding: on GKE group membership is not time-bound, and a
// binding would make every member cluster-admin whenever any grant let
// them reach the cluster. The backend names the catalog and the
// break-glass package after the catalog's name, and their children differ
// by kind and level, so they never collide.
func NewCatalog(ctx *pulumi.Context, rc ResolvedCatalog, backend platform.AccessBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*Catalog, error) {
	r := rc.r
	switch {
	case r == nil:
		return nil, errors.New("accessCatalog: not resolved; pass what CatalogArgs.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("accessCatalog %q: no backend; pass the backend the cluster was created with", r.name)
	}
	if err := cluster.CheckHost("accessCatalog", r.name, host); err != nil {
		return nil, err
	}
	name := r.name
	c := newCatalog(name, r)
	c.backend, c.host = backend, host
	if err := ctx.RegisterComponentResource(CatalogTypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	var err error
	c.Outputs, err = backend.NewAccessCatalog(ctx, platform.AccessCatalogSpec{
		Name:        name,
		Description: r.Description,
		Packages:    r.publish(),
		Tags:        r.tags,
	}, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("accessCatalog %q: %w", name, err)
	}
	c.ID = c.Outputs.ID

	// The tenancy policies hold every team of the catalog to its own
	// namespaces, groups and hostnames (tenancy.go).
	labels := r.tags.Merge(map[string]string{"managed-by": platform.ManagedBy})
	if err := newTenancyPolicies(ctx, c, name, labels, host.KubernetesProvider()); err != nil {
		return nil, err
	}

	outputs := pulumi.Map{"id": c.ID}
	if r.BreakGlass != nil {
		bg := r.BreakGlass.spec()
		out, err := backend.NewAccessPackage(ctx, platform.AccessPackageSpec{
			Name:    name,
			Team:    BreakGlassTeam,
			Levels:  []platform.AccessLevelSpec{bg},
			Cluster: host.ClusterOutputs(),
			Catalog: c.Outputs,
			Tags:    r.tags.Merge(map[string]string{"team": BreakGlassTeam}),
			Retain:  r.production,
		}, pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("accessCatalog %q: break-glass: %w", name, err)
		}
		g, ok := out.Groups[bg.Name]
		if !ok {
			return nil, fmt.Errorf("accessCatalog %q: the backend returned no group for the break-glass level %q", name, bg.Name)
		}
		c.BreakGlass = &g
		outputs["breakGlassGroup"] = g.ID
	}
	return c, ctx.RegisterResourceOutputs(c, outputs)
}

// Resolve validates a against t and the resolved cluster the teams get
// access to, applies the defaults and returns what NewCatalog creates.
// Problems are reported under path (for example "accessCatalog"), all at
// once. It is pure: it asks no backend and registers nothing.
func (a CatalogArgs) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (ResolvedCatalog, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	r := &resolvedCatalog{CatalogArgs: a.withDefaults(t.Cloud, c.Tags), name: name, cloud: t.Cloud, clusterTags: c.Tags, production: t.Production, path: path}
	errs = append(errs, r.validate(path, &a)...)
	errs.Add(checkKubernetesVersion(path, c.KubernetesVersion))
	if err := errs.Err(); err != nil {
		return ResolvedCatalog{}, err
	}
	r.podCIDR = c.Network.Spec.PodCIDR
	if scrape.For(t.Cloud.PodMonitor, c, scrape.Target{}) != nil {
		r.monitor = t.Cloud.PodMonitor
	}
	r.tags = c.Tags.Merge(a.Tags, map[string]string{"environment": r.Environment})
	if r.CostCenter != "" {
		r.tags["cost-center"] = r.CostCenter
	}
	return ResolvedCatalog{r}, nil
}

// newCatalog returns the catalog of r before anything is registered, its
// break-glass team and group already claimed.
func newCatalog(name string, r *resolvedCatalog) *Catalog {
	c := &Catalog{Spec: r.CatalogArgs, r: r}
	if r.BreakGlass != nil {
		bg := owner{team: BreakGlassTeam, component: name, kind: "AccessCatalog"}
		c.claims.teams = map[string]owner{BreakGlassTeam: bg}
		if g := r.BreakGlass.ExistingGroup; g != "" {
			bg.level = r.BreakGlass.Name
			c.claims.groups = map[string]owner{g: bg}
		}
	}
	return c
}

// Package is one access package of a platform, for ResolvePackages.
type Package struct {
	// Name is the package's logical name, as passed to New.
	Name string
	// Args are its settings.
	Args Args
}

// ResolvePackages resolves every package against the catalog (Resolve)
// and checks what no single package can see: every team, namespace and
// group two packages would share, or that the catalog's break-glass level
// holds. Problems come all at once, the i-th package's under
// packagesPath[i]; it registers nothing. On success the packages' New
// calls cannot conflict.
func ResolvePackages(cat ResolvedCatalog, packages []Package, packagesPath field.Path) ([]Resolved, error) {
	if cat.r == nil {
		return nil, errors.New("accessPackages: the catalog is not resolved; pass what CatalogArgs.Resolve returns")
	}
	c := newCatalog(cat.r.name, cat.r)
	var errs field.List
	out := make([]Resolved, len(packages))
	for i, p := range packages {
		path := packagesPath.Index(i)
		r, err := p.Args.Resolve(p.Name, path, cat)
		if err != nil {
			errs.Extend(path, err)
			continue
		}
		out[i] = r
		errs = append(errs, c.claim(path, p.Name, r.r.Args)...)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// claim records pkg's team, namespaces and existing groups as owned by it,
// or, when any is owned already, records nothing and returns a problem per
// conflict naming both owners. It is what makes two teams never share a
// team name, a namespace or a group.
func (c *Catalog) claim(path field.Path, name string, a Args) field.List {
	c.mu.Lock()
	defer c.mu.Unlock()
	errs := c.conflicts(path, name, a)
	if len(errs) > 0 {
		return errs
	}
	me := owner{team: a.Team, component: name, kind: "AccessPackage"}
	if c.claims.teams == nil {
		c.claims.teams = map[string]owner{}
	}
	if c.claims.namespaces == nil {
		c.claims.namespaces = map[string]owner{}
	}
	if c.claims.groups == nil {
		c.claims.groups = map[string]owner{}
	}
	c.claims.teams[a.Team] = me
	for _, ns := range a.Namespaces {
		c.claims.namespaces[ns.Name] = me
	}
	for _, l := range a.Levels {
		if l.ExistingGroup != "" {
			g := me
			g.level = l.Name
			c.claims.groups[l.ExistingGroup] = g
		}
	}
	for _, h := range a.Hostnames {
		c.claims.hostnames = append(c.claims.hostnames, hostnameClaim{h, me})
	}
	return nil
}

// conflicts returns a problem for each team, namespace or existing group
// of a that another owner has claimed. c.mu is held.
func (c *Catalog) conflicts(path field.Path, name string, a Args) field.List {
	var errs field.List
	me := owner{team: a.Team, component: name, kind: "AccessPackage"}
	if o, ok := c.claims.teams[a.Team]; ok {
		switch {
		case o.kind == "AccessCatalog":
			errs.Addf(path.Child("team"), a.Team, "reserved for the break-glass level of AccessCatalog %q; name the team differently", o.component)
		case o.component == name:
			errs.Addf(path.Child("team"), a.Team, "listed twice; list each team once, with all its namespaces and levels")
		default:
			errs.Addf(path.Child("team"), a.Team, "already has its access from AccessPackage %q; AccessPackage %q would share its namespaces and groups: add namespaces or levels to %q instead", o.component, name, o.component)
		}
		// Its namespaces, groups and hostnames are the other package's
		// too: one line says it.
		return errs
	}
	for i, ns := range a.Namespaces {
		if o, ok := c.claims.namespaces[ns.Name]; ok {
			errs.Addf(path.Child("namespaces").Index(i).Child("name"), ns.Name, "already belongs to %s; %s cannot share it: a namespace has exactly one team; pick another name", o, me)
		}
	}
	for i, l := range a.Levels {
		if l.ExistingGroup == "" {
			continue
		}
		if o, ok := c.claims.groups[l.ExistingGroup]; ok {
			me.level = l.Name
			errs.Addf(path.Child("levels").Index(i).Child("existingGroup"), l.ExistingGroup, "already the group of %s; %s cannot share it: a group backs one level of one team, or its members would hold both; use another group or leave existingGroup unset to create one", o, me)
		}
	}
	me.level = ""
	for i, h := range a.Hostnames {
		for _, c := range c.claims.hostnames {
			if hostnamesOverlap(h, c.hostname) {
				errs.Addf(path.Child("hostnames").Index(i), h, "overlaps %q of %s; %s cannot share it: a hostname is served by one team; pick names under the team's own domain", c.hostname, c.owner, me)
				break
			}
		}
	}
	return errs
}

// roleRef references the ClusterRole of role.
func roleRef(role platform.AccessRole) rbacv1.RoleRefArgs {
	return rbacv1.RoleRefArgs{
		ApiGroup: pulumi.String("rbac.authorization.k8s.io"),
		Kind:     pulumi.String("ClusterRole"),
		Name:     pulumi.String(clusterRoles[role]),
	}
}

// groupSubject names g's directory group as a Kubernetes Group subject.
func groupSubject(g platform.AccessGroup) rbacv1.SubjectArray {
	return rbacv1.SubjectArray{rbacv1.SubjectArgs{
		ApiGroup: pulumi.String("rbac.authorization.k8s.io"),
		Kind:     pulumi.String("Group"),
		Name:     g.Subject,
	}}
}

// clusterRoles maps each access role to the Kubernetes ClusterRole its
// groups are bound to by RoleBindings in the team's namespaces only.
// cluster-admin (break-glass) is never bound in Kubernetes: it comes only
// from the cloud's time-bound grant.
var clusterRoles = map[platform.AccessRole]string{
	platform.AccessView:         "view",
	platform.AccessEdit:         "edit",
	platform.AccessAdmin:        "admin",
	platform.AccessClusterAdmin: "cluster-admin",
}

package environment

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Resolved is an environment validated and completed against its cloud
// and region: every component's resolved settings, what Build creates.
// Only Environment.Resolve makes one.
type Resolved struct {
	env    Environment
	target platform.Target

	network       network.Resolved
	cluster       cluster.Resolved
	ingress       ingress.Resolved
	certManager   certmanager.Resolved
	backup        *backup.Resolved
	powerSchedule *powerschedule.Resolved
	catalog       accesspackage.ResolvedCatalog
	teams         []accesspackage.Resolved
}

// Environment returns the environment as resolved.
func (r *Resolved) Environment() Environment { return r.env }

// Target returns what the components were resolved against: the cloud's
// facts, the region, production and the lock.
func (r *Resolved) Target() platform.Target { return r.target }

// Validate checks the environment as a whole, as Resolve does for an
// unknown region (zones are then checked against every zone name of the
// cloud), and returns every problem at once (a *field.ErrorList).
func (e Environment) Validate() error {
	_, err := e.Resolve("")
	return err
}

// Resolve checks the environment as a whole against the facts of its cloud
// (platform.LookupCloud) in region ("" when not known) and returns every
// problem at once (a *field.ErrorList), each under the field path of the
// Environment (the same path in Go and YAML, e.g.
// "cluster.systemPool.zones"): each component's own rules, checked
// exactly as its Resolve checks them against the production flag of the
// class, and the rules across components and classes:
//
//   - the address space, pod and service ranges do not overlap;
//   - production has backups, Protect and Lock, and no power schedule
//     (each component refuses its own unsafe opt-outs in production: pools
//     in fewer than three zones, a public API server without authorized
//     ranges, ...);
//   - no two teams share a team name or a namespace, and no team claims a
//     platform namespace (the ingress controller's included);
//   - names fit every cloud name derived from them: the environment name
//     and each "<name>-<team>" package name are logical names
//     (platform.ValidateName), node pool names suit the cloud;
//   - no tag replaces one the environment sets.
//
// Resolve registers nothing; Build creates what it returns, without
// checking again.
func (e Environment) Resolve(region string) (*Resolved, error) {
	// The components resolve with valid stand-ins for the environment's
	// name, owner and cost center when those are invalid (and reported
	// once, here), so that the components' other problems still show.
	name := e.Name
	if platform.ValidateName("", name) != nil {
		name = "environment"
	}
	facts, cloudErr := platform.LookupCloud(e.Cloud)
	errs := e.validateSelf(name, facts)
	if cloudErr != nil {
		return nil, errs.Err()
	}
	w := e
	w.Name = name
	if len((platform.Tags{platform.TagOwner: w.owner()}).Validate("")) > 0 {
		w.Owner = DefaultOwner
	}
	if w.CostCenter == "" || len((platform.Tags{platform.TagCostCenter: w.CostCenter}).Validate("")) > 0 {
		w.CostCenter = "cost-center"
	}
	w = w.withEnvironmentTags()
	r := &Resolved{env: e, target: platform.Target{Cloud: facts, Region: region, Production: e.Production(), Lock: e.Lock}}
	t := r.target

	// Each component is resolved against the one it builds on; after a
	// broken network or cluster the later components' problems would be
	// noise, except the teams' access, which needs only the cluster's
	// tags.
	var err error
	r.network, err = w.Network.Resolve(name, "network", t)
	errs.Extend("network", err)
	clusterSpec := platform.ClusterSpec{Tags: platform.Tags(nil).Merge(w.Network.Tags, w.Cluster.Tags)}
	if err == nil {
		r.cluster, err = w.Cluster.Resolve(name, "cluster", t, r.network.Spec())
		errs.Extend("cluster", err)
		if err == nil {
			clusterSpec = r.cluster.Spec()
			errs = append(errs, r.resolveServices(w, name, clusterSpec)...)
		}
	}
	errs = append(errs, r.resolveAccess(w, name, clusterSpec)...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// resolveServices resolves the components that run on the cluster, whose
// resolved spec is c.
func (r *Resolved) resolveServices(w Environment, name string, c platform.ClusterSpec) field.List {
	var errs field.List
	var err error
	t := r.target
	r.ingress, err = w.Ingress.Resolve(name, "ingress", t, c)
	errs.Extend("ingress", err)
	r.certManager, err = w.CertManager.Resolve(name, "certManager", t, c)
	errs.Extend("certManager", err)
	if w.Backup != nil {
		b, err := w.Backup.Resolve(name, "backup", t, c)
		errs.Extend("backup", err)
		r.backup = &b
	}
	// A production environment refuses a power schedule itself
	// (validateProduction).
	if w.PowerSchedule != nil && !w.Production() {
		ps, err := w.PowerSchedule.Resolve(name, "powerSchedule", t, c)
		errs.Extend("powerSchedule", err)
		r.powerSchedule = &ps
	}
	return errs
}

// resolveAccess resolves the catalog and every team against it, which
// reports duplicate teams, namespaces and groups before anything is
// created.
func (r *Resolved) resolveAccess(w Environment, name string, c platform.ClusterSpec) field.List {
	var errs field.List
	cat, err := w.Access.Resolve(name, "access", r.target, c)
	errs.Extend("access", err)
	if err != nil {
		return errs
	}
	r.catalog = cat
	pkgs := make([]accesspackage.Package, len(w.Teams))
	for i, t := range w.Teams {
		pkgs[i] = accesspackage.Package{Name: packageName(name, t.Team), Args: t}
		if platform.ValidateName("", pkgs[i].Name) != nil {
			pkgs[i].Name = packageName(name, fmt.Sprintf("team%d", i)) // reported by validateSelf
		}
	}
	r.teams, err = accesspackage.ResolvePackages(cat, pkgs, "teams")
	errs.Extend("teams", err)
	return errs
}

// withEnvironmentTags returns a copy of e whose component settings carry
// what the environment decides for all of them: the environment's tags
// over each component's own, the ingress namespace among the reserved
// ones, the catalog's environment and cost center, and each team as the
// owner of its resources.
func (e Environment) withEnvironmentTags() Environment {
	base := e.BaseTags()
	tags := func(own map[string]string) map[string]string { return platform.Tags(own).Merge(base) }
	w := e
	w.Network.Tags = tags(e.Network.Tags)
	w.Cluster.Tags = tags(e.Cluster.Tags)
	w.Ingress.Tags = tags(e.Ingress.Tags)
	w.CertManager.Tags = tags(e.CertManager.Tags)
	if e.Backup != nil {
		bk := *e.Backup
		bk.Tags = tags(e.Backup.Tags)
		w.Backup = &bk
	}
	if e.PowerSchedule != nil {
		ps := *e.PowerSchedule
		ps.Tags = tags(e.PowerSchedule.Tags)
		w.PowerSchedule = &ps
	}
	// The catalog and the teams take the cluster's tags, which carry the
	// environment's; a team's resources are owned by the team.
	w.Access.Environment, w.Access.CostCenter = e.Name, e.CostCenter
	if ns := e.Ingress.Namespace; ns != "" {
		w.Access.ReservedNamespaces = reserve(e.Access.ReservedNamespaces, ns)
	}
	w.Teams = make([]accesspackage.Args, len(e.Teams))
	for i, t := range e.Teams {
		t.Tags = platform.Tags(t.Tags).Merge(map[string]string{platform.TagOwner: t.Team})
		w.Teams[i] = t
	}
	return w
}

// validateSelf checks the environment's own fields and the rules across
// components that no single component can see; name is the environment's
// name or its stand-in.
func (e Environment) validateSelf(name string, cloud platform.CloudFacts) field.List {
	var errs field.List
	errs.Add(platform.ValidateName("name", e.Name))
	if !slices.Contains(Classes, e.Class) {
		errs.Addf("class", string(e.Class), "use %q, %q or %q", Dev, Staging, Prod)
	}
	if _, err := platform.LookupCloud(e.Cloud); err != nil {
		errs.Addf("cloud", string(e.Cloud), "%s", strings.TrimPrefix(err.Error(), fmt.Sprintf("no backend for cloud %q is linked; ", e.Cloud)))
	}
	if e.CostCenter == "" {
		errs.Add(field.Required("costCenter", "every resource is tagged with the cost center it is billed to, e.g. \"cc-4711\""))
	}
	// Owner and cost center become tag values: each is checked at its own
	// field.
	for _, f := range []struct{ path, key, value string }{
		{"owner", platform.TagOwner, e.owner()}, {"costCenter", platform.TagCostCenter, e.CostCenter},
	} {
		for _, err := range (platform.Tags{f.key: f.value}).Validate("") {
			err.Path = field.Path(f.path)
			errs.Add(err)
		}
	}
	errs = append(errs, platform.Tags(e.Tags).Validate("tags")...)
	for _, k := range slices.Sorted(maps.Keys(e.Tags)) {
		if reservedTag(k) {
			errs.Addf(field.Path("tags").Key(k), e.Tags[k], "set by the environment; remove it (set %s instead)", tagSource[k])
		}
	}
	for _, c := range e.componentTags() {
		for _, k := range slices.Sorted(maps.Keys(c.tags)) {
			if reservedTag(k) {
				errs.Addf(c.path.Child("tags").Key(k), c.tags[k], "set by the environment for every resource; remove it")
			}
		}
	}
	// The catalog's environment and cost center are the environment's own
	// (withEnvironmentTags): a different value would be overridden.
	for _, f := range []struct{ path, value, from string }{
		{"access.environment", e.Access.Environment, "name"}, {"access.costCenter", e.Access.CostCenter, "costCenter"},
	} {
		if f.value != "" {
			errs.Addf(field.Path(f.path), f.value, "set by the environment from its %s; leave it unset", f.from)
		}
	}
	if e.UnlockReason != "" && (!e.Production() || e.Lock) {
		errs.Addf("unlockReason", e.UnlockReason, "lifts the lock of a production environment and needs lock false there; remove it")
	}
	errs = append(errs, e.validateWindow(cloud)...)
	if e.Production() {
		errs = append(errs, e.validateProduction()...)
	}
	for i, t := range e.Teams {
		if t.Team == "" {
			continue // the access package reports it
		}
		if pkg := packageName(name, t.Team); platform.ValidateName("", pkg) != nil {
			errs.Addf(field.Path("teams").Index(i).Child("team"), t.Team, "the team's access package would be named %q, which is not a valid logical name (at most %d characters of lowercase letters, digits and '-'); shorten the team name",
				pkg, platform.MaxNameLength)
		}
	}
	return errs
}

// validateWindow checks that a cluster with a power schedule has its
// maintenance window on a day it runs, on a cloud that upgrades only a
// running cluster (AKS; GKE upgrades a cluster whose pools are scaled to
// zero).
func (e Environment) validateWindow(cloud platform.CloudFacts) field.List {
	var errs field.List
	if cloud.Cloud == "" || cloud.UpgradesStoppedClusters || e.PowerSchedule == nil || e.Production() {
		return errs
	}
	w := e.Cluster.Upgrades.Window
	if w == nil {
		w = &cluster.DefaultWindow
	}
	days := e.PowerSchedule.Days
	if len(days) == 0 {
		days = powerschedule.DefaultDays
	}
	if !slices.Contains(days, w.Day) {
		errs.Addf("cluster.upgrades.window.day", w.Day, "the power schedule stops the cluster on %s and %s upgrades only a running cluster; put the window on one of %s", w.Day, cloud.Service, strings.Join(days, ", "))
	}
	return errs
}

// validateProduction checks the rules of the production class.
func (e Environment) validateProduction() field.List {
	var errs field.List
	if e.Backup == nil {
		errs.Add(field.Required("backup", "a production environment is backed up; set backup (an empty mapping takes the production defaults)"))
	}
	if !e.Protect {
		errs.Addf("protect", false, "a production environment protects its stateful resources; set protect to true")
	}
	if !e.Lock && e.UnlockReason == "" {
		errs.Addf("lock", false, "a production environment locks its resource groups against deletion; set lock to true, or give unlockReason (e.g. the change ticket) while a deliberate change needs the lock lifted")
	}
	if e.PowerSchedule != nil {
		errs.Addf("powerSchedule", nil, "a production cluster is never stopped on a schedule; remove powerSchedule")
	}
	return errs
}

// reserve adds ns to the reserved namespaces unless a default holds it.
func reserve(list []string, ns string) []string {
	if slices.Contains(accesspackage.DefaultReservedNamespaces, ns) || slices.Contains(list, ns) {
		return list
	}
	return append(slices.Clone(list), ns)
}

// reservedTag reports whether the environment sets tag key k itself.
func reservedTag(k string) bool { return tagSource[k] != "" }

// tagSource names the Environment field each environment tag comes from.
var tagSource = map[string]string{
	platform.TagEnvironment:   "name",
	platform.TagOwner:         "owner",
	platform.TagCostCenter:    "costCenter",
	platform.TagManagedBy:     "nothing: it is always " + platform.ManagedBy,
	platform.TagPlinthVersion: "nothing: it is the Plinth release",
	tagClass:                  "class",
}

// componentTag is the Tags of one component argument and its path.
type componentTag struct {
	path field.Path
	tags map[string]string
}

func (e Environment) componentTags() []componentTag {
	out := []componentTag{
		{"network", e.Network.Tags}, {"cluster", e.Cluster.Tags}, {"ingress", e.Ingress.Tags},
		{"certManager", e.CertManager.Tags}, {"access", e.Access.Tags},
	}
	if e.Backup != nil {
		out = append(out, componentTag{"backup", e.Backup.Tags})
	}
	if e.PowerSchedule != nil {
		out = append(out, componentTag{"powerSchedule", e.PowerSchedule.Tags})
	}
	for i, t := range e.Teams {
		out = append(out, componentTag{field.Path("teams").Index(i), t.Tags})
	}
	return out
}

// ValidateSet checks environments that are run side by side, such as a
// team's stacks: no two share a name (a stack name), and no two address
// spaces overlap, so that any two networks can later be peered or
// connected through a hub. It checks only what lies between the
// environments; Validate checks each one. Problems are reported under the
// environments' index, e.g. "[3].network.addressSpace".
func ValidateSet(envs []Environment) error {
	var errs field.List
	names := map[string]int{}
	type space struct {
		i      int
		prefix netip.Prefix
	}
	var spaces []space
	for i, e := range envs {
		path := field.Path(fmt.Sprintf("[%d]", i))
		if j, ok := names[e.Name]; ok {
			errs.Addf(path.Child("name"), e.Name, "also the name of environment [%d]; every environment is a stack of its own name", j)
		} else {
			names[e.Name] = i
		}
		p, err := netip.ParsePrefix(e.Network.AddressSpace)
		if err != nil {
			continue // Validate reports it
		}
		for _, s := range spaces {
			if s.prefix.Overlaps(p) {
				errs.Addf(path.Child("network").Child("addressSpace"), e.Network.AddressSpace,
					"overlaps the address space %q of %s; give every environment its own range so that networks can be connected", s.prefix, envs[s.i].Name)
			}
		}
		spaces = append(spaces, space{i, p})
	}
	return errs.Err()
}

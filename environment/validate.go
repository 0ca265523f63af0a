package environment

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// productionZones is the fewest zones a production pool spreads over.
const productionZones = 3

// Validate checks the environment as a whole and returns every problem at
// once (a *field.ErrorList), each under the field path of the Environment
// (the same path in Go and YAML, e.g. "cluster.systemPool.zones"): each
// component's own rules, checked exactly as New will check them, and the
// rules across components and classes:
//
//   - the address space, pod and service ranges do not overlap;
//   - production has backups, Protect and Lock, no power schedule, every
//     pool in at least three zones, and no public API server without
//     authorized ranges;
//   - no two teams share a team name or a namespace, and no team claims a
//     platform namespace (the ingress controller's included);
//   - names fit every cloud name derived from them: the environment name
//     and each "<name>-<team>" package name are logical names
//     (platform.ValidateName), node pool names suit the cloud;
//   - component arguments leave the fields New sets unset, and no tag
//     replaces one the environment sets.
//
// Validate registers nothing; New calls it first.
func (e Environment) Validate() error {
	// The components resolve with valid stand-ins for the environment's
	// name, owner and cost center when those are invalid (and reported
	// once, here), so that the components' other problems still show.
	name := e.Name
	if platform.ValidateName("", name) != nil {
		name = "environment"
	}
	errs := e.validateSelf(name)
	e.Name = name
	if len((platform.Tags{platform.TagOwner: e.owner()}).Validate("")) > 0 {
		e.Owner = DefaultOwner
	}
	if e.CostCenter == "" || len((platform.Tags{platform.TagCostCenter: e.CostCenter}).Validate("")) > 0 {
		e.CostCenter = "cost-center"
	}
	b, ok := probeFor(e.Cloud)
	if !ok {
		return errs.Err()
	}
	// Each component is checked against the one it builds on; after a
	// broken network or cluster the later components' problems would be
	// noise, except the teams' access, which depends on neither.
	c := &cluster.Cluster{
		Spec:    platform.ClusterSpec{Tags: e.BaseTags()},
		Outputs: &platform.ClusterOutputs{}, Provider: &kubernetes.Provider{},
	}
	w := e.withWiring(b, nil, nil)
	spec, err := w.Network.Resolve(name, "network")
	errs.Extend("network", err)
	if err == nil {
		net := &network.Network{Spec: spec}
		w = e.withWiring(b, net, nil)
		cspec, err := w.Cluster.Resolve(name, "cluster")
		errs.Extend("cluster", err)
		if err == nil {
			c.Spec = cspec
			errs = append(errs, e.withWiring(b, net, c).validateServices(name)...)
		}
	}
	w = e.withWiring(b, nil, c)
	errs = append(errs, validateAccess(w, name)...)
	return errs.Err()
}

// validateServices resolves the components that run on the cluster; e is
// wired to a cluster stand-in with its resolved spec (withWiring).
func (e Environment) validateServices(name string) field.List {
	var errs field.List
	_, err := e.Ingress.Resolve(name, "ingress")
	errs.Extend("ingress", err)
	_, err = e.CertManager.Resolve(name, "certManager")
	errs.Extend("certManager", err)
	if e.Backup != nil {
		_, err = e.Backup.Resolve(name, "backup")
		errs.Extend("backup", err)
	}
	if e.PowerSchedule != nil && !e.Production() {
		_, err = e.PowerSchedule.Resolve(name, "powerSchedule")
		errs.Extend("powerSchedule", err)
	}
	return errs
}

// validateSelf checks the environment's own fields and the rules across
// components that no single component can see; name is the environment's
// name or its stand-in.
func (e Environment) validateSelf(name string) field.List {
	var errs field.List
	errs.Add(platform.ValidateName("name", e.Name))
	if !slices.Contains(Classes, e.Class) {
		errs.Addf("class", string(e.Class), "use %q, %q or %q", Dev, Staging, Prod)
	}
	if _, ok := probeFor(e.Cloud); !ok {
		errs.Addf("cloud", string(e.Cloud), "use %q (AKS) or %q (GKE)", platform.CloudAzure, platform.CloudGCP)
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
	errs = append(errs, e.unsetWiring()...)
	if e.UnlockReason != "" && (!e.Production() || e.Lock) {
		errs.Addf("unlockReason", e.UnlockReason, "lifts the lock of a production environment and needs lock false there; remove it")
	}
	errs = append(errs, e.validateWindow()...)
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

// validateWindow checks that an AKS cluster with a power schedule has its
// maintenance window on a day it runs: AKS does not upgrade a stopped
// cluster. (GKE upgrades a cluster whose pools are scaled to zero.)
func (e Environment) validateWindow() field.List {
	var errs field.List
	if e.Cloud != platform.CloudAzure || e.PowerSchedule == nil || e.Production() {
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
		errs.Addf("cluster.upgrades.window.day", w.Day, "the power schedule stops the cluster on %s and AKS upgrades only a running cluster; put the window on one of %s", w.Day, strings.Join(days, ", "))
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
	for i, p := range e.Cluster.UserPools {
		if n := len(p.Zones); n > 0 && n < productionZones {
			errs.Addf(field.Path("cluster.userPools").Index(i).Child("zones"), fmt.Sprint(p.Zones), "a production pool spreads over at least %d zones; list %d or leave zones unset", productionZones, productionZones)
		}
	}
	return errs
}

// unsetWiring reports component fields New sets from the environment.
func (e Environment) unsetWiring() field.List {
	var errs field.List
	set := func(path string, isSet bool) {
		if isSet {
			errs.Addf(field.Path(path), nil, "set by the environment; leave it unset")
		}
	}
	set("network.backend", e.Network.Backend != nil)
	set("cluster.backend", e.Cluster.Backend != nil)
	set("cluster.network", e.Cluster.Network != nil)
	set("cluster.production", e.Cluster.Production)
	set("ingress.backend", e.Ingress.Backend != nil)
	set("ingress.cluster", e.Ingress.Cluster != nil)
	set("ingress.production", e.Ingress.Production)
	set("certManager.backend", e.CertManager.Backend != nil)
	set("certManager.cluster", e.CertManager.Cluster != nil)
	set("certManager.production", e.CertManager.Production)
	if e.Backup != nil {
		set("backup.backend", e.Backup.Backend != nil)
		set("backup.cluster", e.Backup.Cluster != nil)
		set("backup.production", e.Backup.Production)
	}
	if e.PowerSchedule != nil {
		set("powerSchedule.backend", e.PowerSchedule.Backend != nil)
		set("powerSchedule.cluster", e.PowerSchedule.Cluster != nil)
		set("powerSchedule.production", e.PowerSchedule.Production)
	}
	set("access.backend", e.Access.Backend != nil)
	set("access.cluster", e.Access.Cluster != nil)
	set("access.environment", e.Access.Environment != "")
	set("access.costCenter", e.Access.CostCenter != "")
	for i, t := range e.Teams {
		set(fmt.Sprintf("teams[%d].catalog", i), t.Catalog != nil)
	}
	return errs
}

// validateAccess resolves the catalog and every team against one
// throw-away catalog, which reports duplicate teams, namespaces and groups
// exactly as the real one will.
func validateAccess(w Environment, name string) field.List {
	var errs field.List
	pkgs := make([]accesspackage.Package, len(w.Teams))
	for i, t := range w.Teams {
		pkgs[i] = accesspackage.Package{Name: packageName(name, t.Team), Args: t}
		if platform.ValidateName("", pkgs[i].Name) != nil {
			pkgs[i].Name = packageName(name, fmt.Sprintf("team%d", i)) // reported by validateSelf
		}
	}
	errs.Extend("access", accesspackage.Validate(name, &w.Access, "access", pkgs, "teams"))
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

// probe stands in for a backend while an environment is validated: the
// components' Resolve ask a backend only for its cloud and for load
// balancer annotations. Any other call would register resources, and
// panics on the nil embedded Backend.
type probe struct {
	Backend
	cloud platform.Cloud
}

// Cloud returns the cloud being validated for.
func (p probe) Cloud() platform.Cloud { return p.cloud }

// LoadBalancerAnnotations returns none: the real backend's annotations are
// checked against raw values when the ingress is created.
func (p probe) LoadBalancerAnnotations(platform.LoadBalancerSpec) pulumi.StringMap {
	return pulumi.StringMap{}
}

// managedProbe is the probe of a cloud with managed backups (GKE).
type managedProbe struct {
	probe
	platform.ManagedBackupBackend
}

// Cloud returns the cloud being validated for.
func (p managedProbe) Cloud() platform.Cloud { return p.cloud }

// probeFor returns the probe of cloud and whether Plinth has a backend for
// it.
func probeFor(cloud platform.Cloud) (Backend, bool) {
	switch cloud {
	case platform.CloudAzure:
		return probe{cloud: cloud}, true
	case platform.CloudGCP:
		return managedProbe{probe: probe{cloud: cloud}}, true
	}
	return nil, false
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

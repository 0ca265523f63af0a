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
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// This file holds the environment's own rules: its name, class, cloud,
// tags and lock, the production class's rules (validateProduction), and
// the rules between components that no component can see. Each component's
// own rules, the refusal of its unsafe opt-outs in production included,
// live in its Resolve (platform.Target.Production); internal/check looks
// again, independently, at the rendered graph.

// validateSelf checks the environment's own fields and the rules across
// components that no single component can see; name is the environment's
// name or its stand-in.
func (e Environment) validateSelf(name string, cloud platform.CloudFacts) field.List {
	var errs field.List
	if err := platform.ValidateName("name", e.Name); err != nil {
		errs.Add(err)
	} else if n := cloud.MaxEnvironmentName; n > 0 && len(e.Name) > n {
		// A longer name would fail only when the backend derives a cloud
		// name from it, after the other components were created.
		errs.Addf("name", e.Name, "longer than %d characters, the longest environment name on %s (%s); shorten the name", n, cloud.Service, cloud.EnvironmentNameLimit)
	}
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
	errs = append(errs, e.validateNamespaces()...)
	if e.Production() {
		errs = append(errs, e.validateProduction()...)
	}
	if cloud.GroupsNeedAdminGroup && len(e.Teams) > 0 && len(e.Cluster.AdminGroups) == 0 {
		errs.Add(field.Required("cluster.adminGroups", "the teams' RoleBindings name their groups, which %s passes to Kubernetes only through the cluster's admin group, so without one team access matches nobody; give %s",
			cloud.Service, cloud.AdminGroups.Want))
	}
	for i, t := range e.Teams {
		if !accesspackage.ValidTeamName(t.Team) || cloud.MaxTeamName > 0 && len(t.Team) > cloud.MaxTeamName {
			continue // the access package reports it
		}
		if pkg := packageName(name, t.Team); platform.ValidateName("", pkg) != nil {
			errs.Addf(field.Path("teams").Index(i).Child("team"), t.Team, "the team's access package would be named %q, which is not a valid logical name (at most %d characters of lowercase letters, digits and '-'): in environment %q a team name has at most %d characters; shorten it",
				pkg, platform.MaxNameLength, name, platform.MaxNameLength-len(name)-1)
		}
	}
	return errs
}

// validateNamespaces checks that the ingress controller's namespace, the
// one platform namespace the environment lets the user name, is owned by
// no other component and is none the cluster's add-ons use: the component
// that owns a namespace sets its Pod Security level and deletes it with
// itself. (Teams are kept out of every platform namespace by the access
// catalog's reserved namespaces.)
func (e Environment) validateNamespaces() field.List {
	var errs field.List
	ns := e.Ingress.Namespace
	owner := ""
	switch {
	case ns == "" || ns == ingress.DefaultNamespace:
		return nil
	case ns == certmanager.Namespace:
		owner = "cert-manager's namespace (certManager)"
	case ns == backup.Namespace && e.Backup != nil && !e.Backup.GKE.WithoutVelero:
		owner = "Velero's namespace (backup)"
	case slices.Contains(kubernetesNamespaces, ns):
		return nil // the ingress refuses them itself
	case slices.Contains(accesspackage.DefaultReservedNamespaces, ns),
		slices.ContainsFunc(accesspackage.ReservedNamespacePrefixes, func(p string) bool { return strings.HasPrefix(ns, p) }):
		owner = "a namespace of the cluster's add-ons"
	default:
		return nil
	}
	errs.Addf("ingress.namespace", ns, "%s; a namespace has one owner, which sets its Pod Security level and deletes it with itself, so the ingress controller needs its own: pick another name, e.g. %q", owner, ingress.DefaultNamespace)
	return errs
}

// kubernetesNamespaces exist in every cluster.
var kubernetesNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

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
	if e.Guardrails == nil {
		errs.Add(field.Required("guardrails", "a production environment enforces the workload rules; set guardrails (an empty mapping enforces them)"))
	}
	return errs
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
					"%s's range overlaps the address space %q of %s; give every environment its own range so that networks can be connected", e.Name, s.prefix, envs[s.i].Name)
			}
		}
		spaces = append(spaces, space{i, p})
	}
	return errs.Err()
}

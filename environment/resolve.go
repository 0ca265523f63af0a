package environment

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/edge"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/components/registry"
	"github.com/plinth-dev/plinth/components/secrets"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// This file is the composition: each component's place in an environment,
// resolved in Resolve and created in compose, in dependency order. Adding a
// component to environments means a field in Environment and its lines
// here. The environment's own rules are in validate.go.

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
	observability observability.Resolved
	catalog       accesspackage.ResolvedCatalog
	teams         []accesspackage.Resolved
	secrets       *secrets.Resolved
	registry      *registry.Resolved
	guardrails    *guardrails.Resolved
	dns           *dns.Resolved
	edge          *edge.Resolved
	mesh          *mesh.Resolved
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
	// The public zone's name is the stack's configuration, which an
	// environment file does not hold: a stand-in checks the rest.
	if e.DNS != nil && e.CertManager.DNSZone == nil {
		e.CertManager.DNSZone = &certmanager.DNSZone{Name: "zone.example.com"}
	}
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
//   - no tag replaces one the environment sets;
//   - a team may serve each of the edge's names (its hostnames cover it).
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
	clusterOK := false
	if err == nil {
		r.cluster, err = w.Cluster.Resolve(name, "cluster", t, r.network.Spec())
		errs.Extend("cluster", err)
		if err == nil {
			clusterSpec, clusterOK = r.cluster.Spec(), true
			errs = append(errs, r.resolveServices(w, name, clusterSpec)...)
		}
	}
	if w.Mesh != nil {
		// The teams' meshed namespaces admit the ingress controller by
		// its mesh identity.
		w.Access.Mesh = &accesspackage.CatalogMesh{Namespace: mesh.Namespace, IngressServiceAccount: r.ingress.ServiceAccountName()}
	}
	errs = append(errs, r.resolveAccess(w, name, clusterSpec)...)
	if w.Registry != nil && clusterOK {
		reg, err := w.Registry.Resolve(name, "registry", t, clusterSpec)
		errs.Extend("", err)
		r.registry = &reg
	}
	if w.Guardrails != nil {
		g, err := w.Guardrails.Resolve(name, "guardrails", t, clusterSpec, w.Registry != nil)
		errs.Extend("", err)
		if w.Mesh != nil {
			// The mesh injects its proxy into the meshed teams' pods, and
			// its own namespaces are the platform's.
			g = g.WithMesh().WithPlatformNamespaces(mesh.Namespace, mesh.CNINamespace)
		}
		if ns := w.Ingress.Namespace; ns != "" {
			g = g.WithPlatformNamespaces(ns)
		}
		r.guardrails = &g
	}
	// The store needs the cluster's network and the teams' namespaces.
	if w.Secrets != nil && clusterOK && len(r.teams) == len(w.Teams) {
		errs = append(errs, r.resolveSecrets(w, name, clusterSpec)...)
	}
	if r.edge != nil && len(r.teams) == len(w.Teams) {
		errs = append(errs, r.checkEdgeHostnames()...)
	}
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
	zone := w.CertManager.DNSZone
	if w.DNS != nil {
		if zone == nil {
			errs.Add(field.Required("dns", "the public zone's name: set it in the stack's configuration (pulumi config set plinth:dnsZoneName <zone>), or certManager.dnsZone in Go; or go without the DNS component (dns: null in YAML, nil in Go) and write records by hand"))
		} else {
			z := dns.Zone{Domain: zone.Name}
			if id, ok := zone.ID.(pulumi.String); ok {
				z.Existing = string(id)
			}
			d, err := w.DNS.Resolve(name, "dns", t, c, z)
			errs.Extend("", err)
			r.dns = &d
		}
	}
	if w.Edge != nil {
		switch {
		case w.DNS == nil:
			errs.Add(field.Required("dns", "the edge writes its names' records in the environment's zone; set dns (an empty mapping creates the zone)"))
		case zone != nil && err == nil:
			e, err := w.Edge.Resolve(name, "edge", t, c, zone.Name, r.ingress)
			errs.Extend("", err)
			r.edge = &e
		}
	}
	r.certManager, err = w.CertManager.Resolve(name, "certManager", t, c)
	errs.Extend("certManager", err)
	if w.Mesh != nil {
		m, err := w.Mesh.Resolve(name, "mesh", t, c)
		errs.Extend("", err)
		// The ingress controller joins the mesh once its injector runs.
		m = m.WithIngress(r.ingress.Spec().Namespace, r.ingress.DeploymentName())
		r.mesh = &m
	}
	if w.Backup != nil {
		b, err := w.Backup.Resolve(name, "backup", t, c)
		errs.Extend("backup", err)
		r.backup = &b
	}
	counter, code := r.ingress.RequestMetric()
	watched := observability.Watched{
		Cluster: c, IngressRequests: counter, IngressCodeLabel: code, CertManager: true,
		ManagedBackup: w.Backup != nil && r.backup.Spec().BackupForGKE,
		Mesh:          w.Mesh != nil,
	}
	if w.Backup != nil && r.backup.Spec().Velero {
		watched.BackupSchedules = r.backup.Spec().Schedules
	}
	r.observability, err = w.Observability.Resolve(name, "observability", t, watched)
	errs.Extend("observability", err)
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

// checkEdgeHostnames checks that a team may serve each of the edge's
// names: the edge forwards a name's requests to the ingress, where only a
// route of the team whose hostnames cover it (the hostnames guardrail) can
// answer them.
func (r *Resolved) checkEdgeHostnames() field.List {
	var errs field.List
	var teams, examples []string
	for _, t := range r.teams {
		spec := t.Spec()
		teams = append(teams, spec.Team)
		if len(spec.Hostnames) > 0 {
			examples = append(examples, spec.Hostnames[0])
		}
	}
	for i, h := range r.edge.Spec().Hostnames {
		served := false
		for _, t := range r.teams {
			served = served || accesspackage.HostnameAllowed(t.Spec().Hostnames, h)
		}
		if served {
			continue
		}
		fix := "add a team to the environment whose hostnames cover it"
		if len(teams) > 0 {
			fix = fmt.Sprintf("add it to the hostnames of the team that serves it (teams: %s), or serve a team's name", strings.Join(teams, ", "))
			if len(examples) > 0 {
				fix += fmt.Sprintf(", e.g. %q", examples[0])
			}
		}
		errs.Addf(field.NewPath("edge").Child("hostnames").Index(i), h, "no team may serve this name, so the edge would forward its requests to no route; %s", fix)
	}
	return errs
}

// resolveSecrets resolves the secret store for every team, each reader in
// the team's first namespace.
func (r *Resolved) resolveSecrets(w Environment, name string, c platform.ClusterSpec) field.List {
	var errs field.List
	teams := make([]secrets.Team, len(r.teams))
	for i, t := range r.teams {
		spec := t.Spec()
		teams[i] = secrets.Team{Name: spec.Team, Tags: map[string]string{platform.TagOwner: spec.Team}}
		if len(spec.Namespaces) > 0 {
			teams[i].Namespace = spec.Namespaces[0].Name
		}
	}
	s, err := w.Secrets.Resolve(name, "secrets", r.target, c, teams, "teams")
	errs.Extend("", err)
	r.secrets = &s
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
	w.Observability.Tags = tags(e.Observability.Tags)
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
	if e.Secrets != nil {
		s := *e.Secrets
		s.Tags = tags(e.Secrets.Tags)
		w.Secrets = &s
	}
	if e.Registry != nil {
		reg := *e.Registry
		reg.Tags = tags(e.Registry.Tags)
		w.Registry = &reg
	}
	if e.DNS != nil {
		d := *e.DNS
		d.Tags = tags(e.DNS.Tags)
		w.DNS = &d
		// A zone the stack creates has its ID once it exists.
		if z := e.CertManager.DNSZone; z != nil && z.ID == nil {
			cz := *z
			cz.ID = certmanager.ZoneFromDNS
			w.CertManager.DNSZone = &cz
		}
	}
	if e.Mesh != nil {
		m := *e.Mesh
		m.Tags = tags(e.Mesh.Tags)
		if m.HA == nil {
			// Highly available where the class is: staging and prod.
			ha := e.Class != Dev
			m.HA = &ha
		}
		w.Mesh = &m
		w.Ingress.Mesh = true
	}
	if e.Edge != nil {
		ed := *e.Edge
		ed.Tags = tags(e.Edge.Tags)
		w.Edge = &ed
		w.Ingress.Edge, w.Ingress.PrivateLink = true, platform.EdgePrivateLinkName(e.Name)
	}
	// HTTPS by default: with a zone for DNS01, the environment's wildcard
	// certificate goes to the ingress, whose Gateway and TLS store serve
	// it and which redirects HTTP to HTTPS.
	if e.CertManager.DNSZone != nil && (e.Ingress.Controller == "" || e.Ingress.Controller == ingress.ControllerTraefik) && !e.Ingress.Gateway.Disabled {
		ns := e.Ingress.Namespace
		if ns == "" {
			ns = ingress.DefaultNamespace
		}
		w.Ingress.TLSSecret = ingress.DefaultTLSSecret
		w.CertManager.Wildcard = &certmanager.Wildcard{Namespace: ns, SecretName: ingress.DefaultTLSSecret}
	}
	// The catalog and the teams take the cluster's tags, which carry the
	// environment's; a team's resources are owned by the team.
	w.Access.Environment, w.Access.CostCenter = e.Name, e.CostCenter
	// Teams get their default hostnames below cert-manager's DNS zone,
	// whose names the platform can issue certificates for; an invalid
	// zone name is certManager's to report.
	if z := e.CertManager.DNSZone; z != nil && e.Access.Domain == "" && format.Hostname(z.Name, false) {
		w.Access.Domain = z.Name
	}
	if ns := e.Ingress.Namespace; ns != "" {
		w.Access.ReservedNamespaces = reserve(e.Access.ReservedNamespaces, ns)
	}
	// Enforced guardrails hold the team namespaces to the restricted Pod
	// Security Standard, unless the catalog or a namespace says otherwise.
	if e.Guardrails != nil && e.Guardrails.Mode != guardrails.ModeAudit && e.Access.PodSecurity == "" {
		w.Access.PodSecurity = accesspackage.PodSecurityRestricted
	}
	w.Teams = make([]accesspackage.Args, len(e.Teams))
	for i, t := range e.Teams {
		if accesspackage.ValidTeamName(t.Team) {
			// An invalid team name is reported once, at teams[i].team,
			// not again as the owner tag it would become.
			t.Tags = platform.Tags(t.Tags).Merge(map[string]string{platform.TagOwner: t.Team})
		}
		// The teams' network policies (and, meshed, their mesh policies)
		// admit the environment's ingress controller, wherever it runs.
		if t.IngressNamespace == "" {
			t.IngressNamespace = e.Ingress.Namespace
		}
		w.Teams[i] = t
	}
	return w
}

// standIn reports whether cloud is a test backend's, which builds any
// cloud's environment (platform.CloudFacts.StandIn).
func standIn(cloud platform.Cloud) bool {
	f, err := platform.LookupCloud(cloud)
	return err == nil && f.StandIn
}

// compose creates the resolved components in dependency order, each a
// child of p.
func (p *Platform) compose(ctx *pulumi.Context, r *Resolved, b Backend) error {
	parent := pulumi.Parent(p)
	// Stateful resources: a destroy or a replacing change stops at the
	// engine. Children inherit protect from their component.
	protect := pulumi.Protect(r.env.Protect)
	var err error
	if p.Network, err = network.New(ctx, r.network, b, parent, protect); err != nil {
		return err
	}
	if p.Cluster, err = cluster.New(ctx, r.cluster, b, p.Network, parent, protect); err != nil {
		return err
	}
	if p.Ingress, err = ingress.New(ctx, r.ingress, b, p.Cluster, parent); err != nil {
		return err
	}
	cm := r.certManager
	if r.dns != nil {
		if p.DNS, err = dns.New(ctx, *r.dns, b, p.Cluster, p.Ingress.Address, parent); err != nil {
			return err
		}
		cm = cm.WithZoneID(p.DNS.ZoneID)
	}
	// The wildcard certificate goes in the ingress's namespace.
	cm = cm.WithWildcardAfter(p.Ingress)
	if p.CertManager, err = certmanager.New(ctx, cm, b, p.Cluster, parent); err != nil {
		return err
	}
	if r.mesh != nil {
		if p.Mesh, err = mesh.New(ctx, *r.mesh, p.Cluster, p.CertManager, parent); err != nil {
			return err
		}
	}
	if r.edge != nil {
		if p.Edge, err = edge.New(ctx, *r.edge, b, p.Cluster, p.DNS.ZoneID, p.Ingress, parent); err != nil {
			return err
		}
	}
	if r.backup != nil {
		if p.Backup, err = backup.New(ctx, *r.backup, b, p.Cluster, parent); err != nil {
			return err
		}
	}
	if r.powerSchedule != nil {
		if p.PowerSchedule, err = powerschedule.New(ctx, *r.powerSchedule, b, p.Cluster, parent); err != nil {
			return err
		}
	}
	// The metrics store and the log bucket hold data: the backends protect
	// and retain them in production (ClusterSpec.Retain); the alerts and
	// receivers stay replaceable.
	if p.Observability, err = observability.New(ctx, r.observability, b, p.Cluster, parent); err != nil {
		return err
	}
	if p.Catalog, err = accesspackage.NewCatalog(ctx, r.catalog, b, p.Cluster, parent); err != nil {
		return err
	}
	if p.Mesh != nil {
		p.Catalog.WaitForMesh(p.Mesh.ControlPlane)
	}
	wiring := map[string]secrets.Wiring{}
	for _, t := range r.teams {
		pkg, err := accesspackage.New(ctx, t, p.Catalog, parent)
		if err != nil {
			return err
		}
		p.Teams = append(p.Teams, pkg)
		// The reader goes into the team's first namespace, once it exists;
		// the team's admin level keeps its secrets.
		w := secrets.Wiring{Namespace: pkg.Namespaces.Index(pulumi.Int(0))}
		for _, l := range pkg.Spec.Levels {
			if l.Role == platform.AccessAdmin {
				w.Writers = append(w.Writers, pkg.Groups[l.Name].ID)
			}
		}
		wiring[pkg.Spec.Team] = w
	}
	if r.secrets != nil {
		if p.Secrets, err = secrets.New(ctx, *r.secrets, b, p.Cluster, wiring, parent); err != nil {
			return err
		}
	}
	var prefix pulumi.StringInput
	if r.registry != nil {
		if p.Registry, err = registry.New(ctx, *r.registry, b, p.Cluster, parent); err != nil {
			return err
		}
		prefix = p.Registry.Prefix
	}
	// The bindings select the team namespaces by their labels, so the
	// order does not matter; after the teams reads as it applies.
	if r.guardrails != nil {
		if p.Guardrails, err = guardrails.New(ctx, *r.guardrails, b, p.Cluster, prefix, parent); err != nil {
			return err
		}
	}
	return nil
}

// reserve adds ns to the reserved namespaces unless a default holds it.
func reserve(list []string, ns string) []string {
	if slices.Contains(accesspackage.DefaultReservedNamespaces, ns) || slices.Contains(list, ns) {
		return list
	}
	return append(slices.Clone(list), ns)
}

// componentTag is the Tags of one component argument and its path.
type componentTag struct {
	path field.Path
	tags map[string]string
}

func (e Environment) componentTags() []componentTag {
	out := []componentTag{
		{"network", e.Network.Tags}, {"cluster", e.Cluster.Tags}, {"ingress", e.Ingress.Tags},
		{"certManager", e.CertManager.Tags}, {"observability", e.Observability.Tags}, {"access", e.Access.Tags},
	}
	if e.Backup != nil {
		out = append(out, componentTag{"backup", e.Backup.Tags})
	}
	if e.PowerSchedule != nil {
		out = append(out, componentTag{"powerSchedule", e.PowerSchedule.Tags})
	}
	if e.Secrets != nil {
		out = append(out, componentTag{"secrets", e.Secrets.Tags})
	}
	if e.Registry != nil {
		out = append(out, componentTag{"registry", e.Registry.Tags})
	}
	for i, t := range e.Teams {
		out = append(out, componentTag{field.Path("teams").Index(i), t.Tags})
	}
	return out
}

package edge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// TypeToken is the Pulumi type of the Edge component.
const TypeToken = "plinth:components:Edge"

// Args are the edge's settings: plain data, the same in Go and YAML.
type Args struct {
	// Hostnames are the public host names the edge serves, in the
	// environment's DNS zone, written relative to the zone: "shop" and
	// "www.shop" are shop.<zone> and www.shop.<zone>, right in every stack
	// whatever zone its configuration names (plinth:dnsZoneName). A name
	// ending in the zone ("shop.prod.example.com") is taken as it is; one
	// in the zone's parent domain but not in the zone is refused. Each
	// must be a name a team may serve (its hostnames). Required.
	Hostnames []string

	// RateLimitPerMinute is how many requests one client address may send
	// a minute before the firewall refuses it, MinRateLimit..MaxRateLimit.
	// Unset: DefaultRateLimitPerMinute.
	RateLimitPerMinute int

	// Detection makes the firewall log what its rules match without
	// blocking it, to tune the rules before they block. Production
	// refuses it. Unset: the firewall blocks.
	Detection bool

	// Tags go on every cloud resource that accepts tags or labels, merged
	// over the cluster's tags.
	Tags map[string]string
}

// Defaults and limits.
const (
	// DefaultRateLimitPerMinute is the firewall's rate limit per client
	// address when unset.
	DefaultRateLimitPerMinute = 1000
	// MinRateLimit and MaxRateLimit bound RateLimitPerMinute.
	MinRateLimit = platform.MinEdgeRateLimit
	MaxRateLimit = platform.MaxEdgeRateLimit
)

// Edge is the component resource.
type Edge struct {
	pulumi.ResourceState

	// Hostnames are the public names served.
	Hostnames []string
	// Endpoint is the edge's own address (Front Door's host name, the
	// global load balancer's IP address); Firewall its WAF policy.
	Endpoint pulumi.StringOutput `pulumi:"endpoint"`
	Firewall pulumi.StringOutput `pulumi:"firewall"`
}

// Resolved is the edge's settings, validated and completed against the
// target, the cluster, the zone and the ingress: what New creates. Only
// Args.Resolve makes one.
type Resolved struct {
	spec platform.EdgeSpec
}

// Spec returns what the backend will receive, without the zone's ID, the
// cluster's outputs and the cluster's provider (New adds them).
func (r Resolved) Spec() platform.EdgeSpec { return r.spec }

// Resolve validates a against t, the cluster c, the public zone domain
// and the resolved ingress in front of which the edge runs, applies the
// defaults and returns what New creates. Problems are reported under path
// (for example "edge"), all at once. It is pure.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec, domain string, in ingress.Resolved) (Resolved, error) {
	var errs field.List
	rate := a.RateLimitPerMinute
	if rate == 0 {
		rate = DefaultRateLimitPerMinute
	}
	if a.Detection && t.Production {
		errs.Addf(path.Child("detection"), true, "a production firewall blocks what its rules match; remove detection (tune the rules in staging)")
	}
	if domain == "" {
		errs.Add(field.Required(path.Child("hostnames"), "the edge's names live in the environment's DNS zone; set the stack's zone (plinth:dnsZoneName) and dns"))
	}
	ing := in.Spec()
	if ing.Public {
		errs.Addf(path.Child("hostnames"), a.Hostnames, "the ingress is public (ingress.public), and an edge forwards to an internal one; remove ingress.public")
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	hosts := make([]string, len(a.Hostnames))
	reported := map[field.Path]bool{}
	for i, h := range a.Hostnames {
		hosts[i] = h
		if domain == "" || h == domain || platform.InDomain(h, domain) {
			continue
		}
		// A name outside the zone but in its parent domain is a full name
		// of another zone, not one relative to this one.
		if parent := domain[strings.Index(domain, ".")+1:]; strings.Contains(parent, ".") && platform.InDomain(h, parent) {
			p := path.Child("hostnames").Index(i)
			errs.Addf(p, h, "in %q but not in the environment's zone %q; write a name relative to the zone, e.g. %q, or a full name in it", parent, domain, strings.TrimSuffix(h, "."+parent))
			reported[p] = true
			continue
		}
		// Any other name is relative to the zone; one that makes no host
		// name stays as written, for the error to show it so.
		if format.Hostname(h+"."+domain, true) {
			hosts[i] = h + "." + domain
		}
	}
	spec := platform.EdgeSpec{
		Name:      name,
		Hostnames: hosts,
		Domain:    domain,
		Network:   c.Network,
		Ingress: platform.EdgeOrigin{
			Namespace: ing.Namespace, Service: in.ServiceName(),
			HTTPSPort: ingress.HTTPSPort, HTTPPort: ingress.HealthPort, HealthPath: ingress.HealthPath,
			PrivateLink: platform.EdgePrivateLinkName(name),
		},
		Prevention:         !a.Detection,
		RateLimitPerMinute: rate,
		Locked:             t.Production,
		Tags:               c.Tags.Merge(a.Tags),
	}
	// The contract's checks, with what New adds standing in.
	check := spec
	check.ZoneID, check.Cluster, check.Ingress.Provider, check.Ingress.Address = pulumi.String(""), &platform.ClusterOutputs{}, &placeholder{}, pulumi.String("")
	if domain != "" {
		if len(a.Hostnames) == 0 {
			errs.Add(field.Required(path.Child("hostnames"), "the public host names the edge serves, relative to the zone, e.g. %q for %s", "shop", "shop."+domain))
			reported[path.Child("hostnames")] = true
		}
		for _, e := range check.Validate(path) {
			if reported[e.Path] {
				continue
			}
			// The contract speaks of the full names; the user wrote
			// them relative to the zone.
			for i, h := range a.Hostnames {
				if e.Path == path.Child("hostnames").Index(i) && h != hosts[i] {
					e.Value, e.Detail = h, "means "+hosts[i]+": "+e.Detail
				}
			}
			errs.Add(e)
		}
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{spec: spec}, nil
}

// placeholder stands for the cluster's provider in Resolve's checks.
type placeholder struct{ pulumi.ProviderResourceState }

// New creates the edge r describes through backend, in front of host's
// ingress in (the one r was resolved with, created), writing its names'
// records in the zone zoneID.
func New(ctx *pulumi.Context, r Resolved, backend platform.EdgeBackend, host cluster.Host, zoneID pulumi.StringInput, in *ingress.Ingress, opts ...pulumi.ResourceOption) (*Edge, error) {
	spec := r.spec
	switch {
	case spec.Name == "":
		return nil, errors.New("edge: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("edge %q: no backend; pass the backend the cluster was created with", spec.Name)
	case zoneID == nil:
		return nil, fmt.Errorf("edge %q: no DNS zone; pass the DNS component's ZoneID", spec.Name)
	case in == nil:
		return nil, fmt.Errorf("edge %q: no ingress; pass the *ingress.Ingress that ingress.New returned", spec.Name)
	}
	if err := cluster.CheckHost("edge", spec.Name, host); err != nil {
		return nil, err
	}
	c := &Edge{Hostnames: slices.Clone(spec.Hostnames)}
	if err := ctx.RegisterComponentResource(TypeToken, spec.Name, c, opts...); err != nil {
		return nil, err
	}
	spec.ZoneID, spec.Cluster, spec.Network = zoneID, host.ClusterOutputs(), host.ClusterSpec().Network
	spec.Ingress.Provider, spec.Ingress.Address, spec.Ingress.Ready = host.KubernetesProvider(), in.Address, in
	out, err := backend.NewEdge(ctx, spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("edge %q: %w", spec.Name, err)
	}
	c.Endpoint, c.Firewall = out.Endpoint, out.Firewall
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{"endpoint": c.Endpoint, "firewall": c.Firewall})
}

package environment_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/edge"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/platformref"
)

// created is env with a zone the stack creates: its name, no ID.
func created(env environment.Environment) environment.Environment {
	env.CertManager.DNSZone = &certmanager.DNSZone{Name: env.Name + ".example.com"}
	return env
}

// TestDNSPerClass: every profile has the DNS component. A zone without an
// ID is created and signed, with a private zone below it; a zone with an
// ID is adopted, unsigned by the stack. Production keeps the zones. The
// ingress serves HTTPS with the zone's wildcard certificate, and
// external-dns runs on an identity that may change the zone only.
func TestDNSPerClass(t *testing.T) {
	for _, cloud := range clouds {
		for _, class := range environment.Classes {
			env := created(define(class, cloud))
			zone := env.Name + ".example.com"
			snap, b := mustRender(t, env)
			zones := b.DNSZones()
			if len(zones) != 1 {
				t.Fatalf("%s on %s: %d DNS components", class, cloud, len(zones))
			}
			z := zones[0]
			if z.Domain != zone || z.Existing != "" || !z.DNSSEC || z.PrivateDomain != "internal."+zone || z.Locked != (class == environment.Prod) {
				t.Errorf("%s on %s: zones %+v", class, cloud, z)
			}
			cert := snap.Find("kubernetes:cert-manager.io/v1:Certificate", env.Name+"-wildcard-certificate")
			if names, _ := cert.Input("spec.dnsNames"); !slices.Equal(toStrings(names), []string{zone, "*." + zone}) {
				t.Errorf("%s on %s: the wildcard certificate is for %v", class, cloud, names)
			}
			if ns, _ := cert.Input("metadata.namespace"); ns != ingress.DefaultNamespace {
				t.Errorf("%s on %s: the wildcard certificate is in %v, want the ingress's namespace", class, cloud, ns)
			}
			if !slices.ContainsFunc(cert.DependsOn, func(urn string) bool { return strings.HasSuffix(urn, "::"+env.Name+"-ingress-namespace") }) {
				t.Errorf("%s on %s: the wildcard certificate does not wait for its namespace: %v", class, cloud, cert.DependsOn)
			}
			rel := snap.Find("kubernetes:helm.sh/v3:Release", env.Name+"-external-dns-release")
			if filters, _ := rel.Input("values.domainFilters"); !slices.Equal(toStrings(filters), []string{zone}) {
				t.Errorf("%s on %s: external-dns writes %v, want the zone only", class, cloud, filters)
			}
			var grants []platform.Grant
			for _, id := range b.Identities() {
				if id.ServiceAccount == dns.ExternalDNSServiceAccount {
					grants = id.Grants
				}
			}
			if len(grants) != 1 || grants[0].Role != platform.GrantDNSZoneContributor {
				t.Errorf("%s on %s: external-dns's grants %+v, want DNS zone contributor on the zone only", class, cloud, grants)
			}
		}

		adopted := define(environment.Staging, cloud)
		_, b := mustRender(t, adopted)
		if z := b.DNSZones()[0]; z.Existing != dnsZoneID(cloud, adopted.Name+".example.com") || z.DNSSEC {
			t.Errorf("%s: an adopted zone %+v, want the configured ID and no signing by the stack", cloud, z)
		}
	}
}

// TestDNSOff: an environment without DNS creates no zone and no
// external-dns, and exports no zone.
func TestDNSOff(t *testing.T) {
	env := define(environment.Staging, platform.CloudAzure)
	env.DNS = nil
	snap, b := mustRender(t, env)
	if n := len(b.DNSZones()); n != 0 {
		t.Errorf("%d DNS components without dns", n)
	}
	if r := snap.Find("kubernetes:helm.sh/v3:Release", env.Name+"-external-dns-release"); r != nil {
		t.Errorf("external-dns without dns: %s", r.URN)
	}
	if keys := outputKeys(t, env); slices.Contains(keys, platformref.OutputDNSZone) || slices.Contains(keys, platformref.OutputEdgeEndpoint) {
		t.Errorf("outputs without dns and edge: %v", keys)
	}
}

// TestEdge: a production edge serves its names below the zone, blocks,
// forwards HTTPS to the internal ingress, and the stack exports the zone's
// delegation and the edge's address.
func TestEdge(t *testing.T) {
	for _, cloud := range clouds {
		env := created(define(environment.Prod, cloud))
		env.Edge = &edge.Args{Hostnames: []string{"checkout", "api.payments." + env.Name + ".example.com", "www.checkout"}}
		_, b := mustRender(t, env)
		edges := b.Edges()
		if len(edges) != 1 {
			t.Fatalf("%s: %d edges", cloud, len(edges))
		}
		e := edges[0]
		zone := env.Name + ".example.com"
		if !slices.Equal(e.Hostnames, []string{"checkout." + zone, "api.payments." + zone, "www.checkout." + zone}) || e.Domain != zone || !e.Prevention || !e.Locked || e.RateLimitPerMinute != edge.DefaultRateLimitPerMinute {
			t.Errorf("%s: edge %+v", cloud, e)
		}
		o := e.Ingress
		if o.Namespace != ingress.DefaultNamespace || o.HTTPSPort != ingress.HTTPSPort || o.HTTPPort != ingress.HealthPort || o.HealthPath != ingress.HealthPath || o.PrivateLink != platform.EdgePrivateLinkName(env.Name) {
			t.Errorf("%s: the edge's origin %+v", cloud, o)
		}
		keys := outputKeys(t, env)
		if !slices.Contains(keys, platformref.OutputDNSZone) || !slices.Contains(keys, platformref.OutputEdgeEndpoint) {
			t.Errorf("%s: outputs %v, want %s and %s", cloud, keys, platformref.OutputDNSZone, platformref.OutputEdgeEndpoint)
		}
	}
}

// TestDNSAndEdgeRefusals: each mistake is one error naming the field, the
// value and the fix, before anything is registered.
func TestDNSAndEdgeRefusals(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(e *environment.Environment)
		want   string
	}{
		{"edge without dns", func(e *environment.Environment) { e.DNS = nil; e.Edge = &edge.Args{Hostnames: []string{"checkout"}} },
			"dns: required: the edge writes its names' records in the environment's zone; set dns"},
		{"a name no team serves", func(e *environment.Environment) { e.Edge = &edge.Args{Hostnames: []string{"shop"}} },
			`edge.hostnames[0] "shop.prod-env.example.com": no team may serve this name, so the edge would forward its requests to no route; add it to the hostnames of the team that serves it (teams: payments, checkout), or serve a team's name, e.g. "payments.prod-env.example.com"`},
		{"a name of another zone", func(e *environment.Environment) { e.Edge = &edge.Args{Hostnames: []string{"checkout.example.com"}} },
			`edge.hostnames[0] "checkout.example.com": in "example.com" but not in the environment's zone "prod-env.example.com"; write a name relative to the zone, e.g. "checkout", or a full name in it`},
		{"detection in production", func(e *environment.Environment) {
			e.Edge = &edge.Args{Hostnames: []string{"checkout"}, Detection: true}
		}, "edge.detection true: a production firewall blocks what its rules match; remove detection"},
		{"a bare public ingress in production", func(e *environment.Environment) { e.Ingress.Public = true },
			"ingress.public true: production refuses a bare public load balancer"},
		{"an edge in front of a public ingress", func(e *environment.Environment) {
			*e = created(define(environment.Staging, platform.CloudAzure))
			e.Ingress.Public = true
			e.Edge = &edge.Args{Hostnames: []string{"checkout"}}
		}, "the ingress is public (ingress.public), and an edge forwards to an internal one; remove ingress.public"},
		{"dnssec on an adopted zone", func(e *environment.Environment) {
			e.CertManager.DNSZone.ID = pulumi.String(dnsZoneID(platform.CloudAzure, "prod-env.example.com"))
			signed := true
			e.DNS = &dns.Args{DNSSEC: &signed}
		}, "dns.dnssec true: the zone is adopted"},
		{"a private zone named as the public one", func(e *environment.Environment) { e.DNS = &dns.Args{PrivateDomain: "prod-env.example.com"} },
			`dns.privateDomain "prod-env.example.com": is the public zone's name`},
		{"no zone", func(e *environment.Environment) { e.CertManager.DNSZone = nil },
			"dns: required: the public zone's name: set it in the stack's configuration (pulumi config set plinth:dnsZoneName <zone>)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := created(define(environment.Prod, platform.CloudAzure))
			c.change(&env)
			_, err := env.Resolve("")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
			if _, b, err := render(t, env); err == nil || len(b.DNSZones())+len(b.Edges())+len(b.Clusters()) > 0 {
				t.Errorf("New registered something: %v", err)
			}
		})
	}
}

// outputKeys returns the names of the outputs the stack of env exports.
func outputKeys(t *testing.T, env environment.Environment) []string {
	t.Helper()
	var keys []string
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		p, err := environment.New(ctx, env, b)
		if err != nil {
			return err
		}
		for k := range p.Outputs() {
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(keys)
	return keys
}

// toStrings converts a snapshot's list input to strings.
func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, len(l))
	for i, s := range l {
		out[i], _ = s.(string)
	}
	return out
}

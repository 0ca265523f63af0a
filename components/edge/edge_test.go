package edge_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/edge"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const zone = "prod.example.com"

// resolved is a resolved network, cluster and ingress of tg.
type resolved struct {
	network network.Resolved
	cluster cluster.Resolved
	ingress ingress.Resolved
}

func resolveAll(t *testing.T, tg platform.Target, in ingress.Args) resolved {
	t.Helper()
	var r resolved
	var err error
	if r.network, err = (network.Args{AddressSpace: "10.20.0.0/16"}).Resolve("net", field.NewPath("network"), tg); err != nil {
		t.Fatal(err)
	}
	if r.cluster, err = (cluster.Args{Tags: map[string]string{"environment": "prod"}}).Resolve("prod", field.NewPath("cluster"), tg, r.network.Spec()); err != nil {
		t.Fatal(err)
	}
	in.Edge, in.PrivateLink = true, platform.EdgePrivateLinkName("prod")
	if r.ingress, err = in.Resolve("prod", field.NewPath("ingress"), tg, r.cluster.Spec()); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestResolve(t *testing.T) {
	tg := platform.Target{Cloud: aksfacts.Facts, Production: true}
	r := resolveAll(t, tg, ingress.Args{})
	res, err := edge.Args{Hostnames: []string{"shop", "api.shop." + zone, "www.shop"}, Tags: map[string]string{"team": "shop"}}.Resolve("prod", "edge", tg, r.cluster.Spec(), zone, r.ingress)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Spec()
	if !reflect.DeepEqual(s.Hostnames, []string{"shop." + zone, "api.shop." + zone, "www.shop." + zone}) {
		t.Errorf("hostnames %v: a name is relative to the zone, one ending in the zone stays", s.Hostnames)
	}
	if s.Name != "prod" || s.Domain != zone || !s.Prevention || !s.Locked || s.RateLimitPerMinute != edge.DefaultRateLimitPerMinute {
		t.Errorf("spec %+v", s)
	}
	if s.Tags["environment"] != "prod" || s.Tags["team"] != "shop" {
		t.Errorf("tags %v, want the cluster's and the edge's", s.Tags)
	}
	want := platform.EdgeOrigin{
		Namespace: ingress.DefaultNamespace, Service: r.ingress.ServiceName(), HTTPSPort: ingress.HTTPSPort,
		HTTPPort: ingress.HealthPort, HealthPath: ingress.HealthPath, PrivateLink: "prod-edge-link",
	}
	if !reflect.DeepEqual(s.Ingress, want) {
		t.Errorf("origin %+v, want %+v", s.Ingress, want)
	}

	dev := platform.Target{Cloud: aksfacts.Facts}
	rd := resolveAll(t, dev, ingress.Args{})
	res, err = edge.Args{Hostnames: []string{"shop"}, RateLimitPerMinute: 300, Detection: true}.Resolve("dev", "edge", dev, rd.cluster.Spec(), "dev.example.com", rd.ingress)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Spec(); s.Prevention || s.Locked || s.RateLimitPerMinute != 300 {
		t.Errorf("dev: prevention %v, locked %v, rate %d", s.Prevention, s.Locked, s.RateLimitPerMinute)
	}
}

// Bad settings are refused at Resolve, all at once, naming the field, the
// value and the fix.
func TestResolveRefuses(t *testing.T) {
	for _, c := range []struct {
		name       string
		production bool
		ingress    ingress.Args
		args       edge.Args
		domain     string
		want       []string
	}{
		{"no names, detection in production, a rate out of range", true, ingress.Args{}, edge.Args{Detection: true, RateLimitPerMinute: 10}, zone, []string{
			`edge.detection true: a production firewall blocks what its rules match; remove detection (tune the rules in staging)`,
			`edge.hostnames: required: the public host names the edge serves, relative to the zone, e.g. "shop" for shop.prod.example.com`,
			`edge.rateLimitPerMinute 10: must be 100..100000 requests a minute from one client address`,
		}},
		{"a name of another zone, repeated, malformed", false, ingress.Args{}, edge.Args{Hostnames: []string{"shop.example.com", "shop", "shop." + zone, "Shop_1", "shop"}}, zone, []string{
			`edge.hostnames[0] "shop.example.com": in "example.com" but not in the environment's zone "prod.example.com"; write a name relative to the zone, e.g. "shop", or a full name in it`,
			`edge.hostnames[2] "shop.prod.example.com": repeats edge.hostnames[1]; list each name once`,
			`edge.hostnames[3] "Shop_1": not a host name: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, with an optional leading "*."`,
			`edge.hostnames[4] "shop": means shop.prod.example.com: repeats edge.hostnames[1]; list each name once`,
		}},
		{"no zone", false, ingress.Args{}, edge.Args{Hostnames: []string{"shop"}}, "", []string{
			`edge.hostnames: required: the edge's names live in the environment's DNS zone; set the stack's zone (plinth:dnsZoneName) and dns`,
		}},
		{"a public ingress", false, ingress.Args{Public: true}, edge.Args{Hostnames: []string{"shop"}}, zone, []string{
			`edge.hostnames [shop]: the ingress is public (ingress.public), and an edge forwards to an internal one; remove ingress.public`,
		}},
	} {
		tg := platform.Target{Cloud: aksfacts.Facts, Production: c.production}
		r := resolveAll(t, tg, c.ingress)
		_, err := c.args.Resolve("prod", "edge", tg, r.cluster.Spec(), c.domain, r.ingress)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}

// TestNew: the edge is the backend's, parented to the component, in
// front of the cluster's ingress, writing its records in the zone given.
func TestNew(t *testing.T) {
	tg := platform.Target{Cloud: aksfacts.Facts, Production: true}
	r := resolveAll(t, tg, ingress.Args{})
	res, err := edge.Args{Hostnames: []string{"shop"}}.Resolve("prod", "edge", tg, r.cluster.Spec(), zone, r.ingress)
	if err != nil {
		t.Fatal(err)
	}
	var b *fake.Backend
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		net, err := network.New(ctx, r.network, b)
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, r.cluster, b, net)
		if err != nil {
			return err
		}
		in, err := ingress.New(ctx, r.ingress, b, cl)
		if err != nil {
			return err
		}
		e, err := edge.New(ctx, res, b, cl, pulumi.String("zone-1"), in)
		if err != nil {
			return err
		}
		ctx.Export("endpoint", e.Endpoint)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comp := snap.Find(edge.TypeToken, "prod")
	e := snap.Find(fake.EdgeType, "prod-edge")
	if comp == nil || e == nil || e.Parent != comp.URN || !e.Protect || !e.RetainOnDelete {
		t.Fatalf("component %v, edge %+v", comp, e)
	}
	if got := platformtest.Input(t, e, "firewallMode"); got != "prevention" {
		t.Errorf("firewall %v", got)
	}
	rec := snap.Find(fake.RecordType, "prod-edge-record-1")
	if got := platformtest.Input(t, rec, "zone"); got != "zone-1" {
		t.Errorf("the name's record is in %v, want the zone given", got)
	}
	if specs := b.Edges(); len(specs) != 1 || specs[0].Cluster == nil || specs[0].Ingress.Provider == nil || specs[0].Ingress.Ready == nil || specs[0].Ingress.Address == nil {
		t.Errorf("the backend got %+v, want the cluster's outputs and provider, and the ingress", specs)
	}
}

func TestNewNeedsResolvedArgsABackendAndAZone(t *testing.T) {
	tg := platform.Target{Cloud: aksfacts.Facts}
	r := resolveAll(t, tg, ingress.Args{})
	res, err := edge.Args{Hostnames: []string{"shop"}}.Resolve("prod", "edge", tg, r.cluster.Spec(), zone, r.ingress)
	if err != nil {
		t.Fatal(err)
	}
	in := &ingress.Ingress{}
	for _, c := range []struct {
		resolved edge.Resolved
		backend  bool
		zone     pulumi.StringInput
		ingress  *ingress.Ingress
		want     string
	}{
		{edge.Resolved{}, true, pulumi.String("z"), in, "edge: not resolved"},
		{res, false, pulumi.String("z"), in, `edge "prod": no backend`},
		{res, true, nil, in, `edge "prod": no DNS zone`},
		{res, true, pulumi.String("z"), nil, `edge "prod": no ingress`},
		{res, true, pulumi.String("z"), in, `edge "prod": no cluster`},
	} {
		_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
			var b platform.EdgeBackend
			if c.backend {
				fb, err := fake.New(ctx, "fake")
				if err != nil {
					return err
				}
				b = fb
			}
			_, err := edge.New(ctx, c.resolved, b, nil, c.zone, c.ingress)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

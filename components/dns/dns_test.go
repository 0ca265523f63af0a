package dns_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	zone        = "prod.example.com"
	azureZoneID = "/subscriptions/5f1c2a3b-0000-4000-8000-000000000003/resourceGroups/plinth-dns/providers/Microsoft.Network/dnszones/prod.example.com"
	gcpZoneID   = "projects/acme-dns/managedZones/prod-example-com"
)

// clusterSpec is the resolved cluster the zones are for, tagged.
func clusterSpec(t *testing.T, tg platform.Target) (network.Resolved, cluster.Resolved) {
	t.Helper()
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), tg)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := cluster.Args{Tags: map[string]string{"environment": "prod"}}.Resolve("prod", field.NewPath("cluster"), tg, nr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	return nr, cr
}

func TestResolveDefaults(t *testing.T) {
	off := false
	for _, c := range []struct {
		name       string
		production bool
		args       dns.Args
		zone       dns.Zone
		want       platform.DNSZonesSpec
		policy     string
	}{
		{"a created zone is signed, with a private zone", true, dns.Args{}, dns.Zone{Domain: zone},
			platform.DNSZonesSpec{Domain: zone, DNSSEC: true, PrivateDomain: "internal." + zone, Locked: true}, dns.PolicySync},
		{"an adopted zone is its owner's to sign", false, dns.Args{}, dns.Zone{Domain: zone, Existing: azureZoneID},
			platform.DNSZonesSpec{Domain: zone, Existing: azureZoneID, PrivateDomain: "internal." + zone}, dns.PolicySync},
		{"unsigned, no private zone, upsert-only", false, dns.Args{DNSSEC: &off, PrivateDomain: "-", ExternalDNS: dns.ExternalDNS{Policy: dns.PolicyUpsertOnly}}, dns.Zone{Domain: zone},
			platform.DNSZonesSpec{Domain: zone}, dns.PolicyUpsertOnly},
		{"a private zone of its own name", false, dns.Args{PrivateDomain: "corp.internal"}, dns.Zone{Domain: zone},
			platform.DNSZonesSpec{Domain: zone, DNSSEC: true, PrivateDomain: "corp.internal"}, dns.PolicySync},
	} {
		tg := platform.Target{Cloud: aksfacts.Facts, Production: c.production}
		_, cr := clusterSpec(t, tg)
		r, err := c.args.Resolve("prod", "dns", tg, cr.Spec(), c.zone)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := r.Spec()
		if got.Name != "prod" || got.Tags["environment"] != "prod" {
			t.Errorf("%s: name %q, tags %v", c.name, got.Name, got.Tags)
		}
		got.Name, got.Tags, got.Network = "", nil, platform.ClusterNetwork{}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
		if p := r.ExternalDNS().Policy; p != c.policy {
			t.Errorf("%s: policy %q, want %q", c.name, p, c.policy)
		}
	}
}

// Bad settings are refused at Resolve, all at once, naming the field, the
// value and the fix; the zone's name and ID under the names of the stack's
// configuration they come from.
func TestResolveRefuses(t *testing.T) {
	signed := true
	for _, c := range []struct {
		name  string
		cloud platform.CloudFacts
		args  dns.Args
		zone  dns.Zone
		want  []string
	}{
		{"signing an adopted zone, a bad private zone, a bad policy", aksfacts.Facts,
			dns.Args{DNSSEC: &signed, PrivateDomain: "Internal_Zone", ExternalDNS: dns.ExternalDNS{Policy: "delete"}}, dns.Zone{Domain: zone, Existing: azureZoneID},
			[]string{
				`dns.dnssec true: the zone is adopted (its ID is in the stack's configuration), and its signing is its owner's; remove dnssec`,
				`dns.privateDomain "Internal_Zone": not a DNS domain: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, e.g. "internal.prod.example.com", or "-" for no private zone`,
				`dns.externalDNS.policy "delete": must be "sync" or "upsert-only"`,
			}},
		{"the private zone hides the public one", gkefacts.Facts, dns.Args{PrivateDomain: zone}, dns.Zone{Domain: zone},
			[]string{`dns.privateDomain "prod.example.com": is the public zone's name: a private zone of the same name hides the public records inside the network; use a name below it, e.g. "internal.prod.example.com"`}},
		{"external-dns where Plinth has no DNS provider", fake.Facts, dns.Args{}, dns.Zone{Domain: zone},
			[]string{`dns.externalDNS "enabled": Plinth runs external-dns only with fake's DNS service, which it has no provider for; set externalDNS.disabled`}},
	} {
		tg := platform.Target{Cloud: c.cloud}
		_, cr := clusterSpec(t, tg)
		_, err := c.args.Resolve("prod", "dns", tg, cr.Spec(), c.zone)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
	}
	// The zone's name and ID are reported under dns.zone and dns.zoneId.
	tg := platform.Target{Cloud: aksfacts.Facts}
	_, cr := clusterSpec(t, tg)
	_, err := dns.Args{}.Resolve("prod", "dns", tg, cr.Spec(), dns.Zone{Domain: "Prod.Example.com", Existing: "prod.example.com"})
	if err == nil || !strings.Contains(err.Error(), `dns.zone "Prod.Example.com"`) || !strings.Contains(err.Error(), `dns.zoneId "prod.example.com"`) {
		t.Errorf("a bad zone name and ID: %v", err)
	}
}

// rendered is what render created.
type rendered struct {
	snap    *platformtest.Snapshot
	backend *fake.Backend
}

// render creates the DNS component "prod" of a for zone z on a fake
// cluster resolved against facts, with the ingress at 10.20.16.10.
func render(t *testing.T, facts platform.CloudFacts, a dns.Args, z dns.Zone) rendered {
	t.Helper()
	tg := platform.Target{Cloud: facts, Production: true}
	nr, cr := clusterSpec(t, tg)
	r, err := a.Resolve("prod", "dns", tg, cr.Spec(), z)
	if err != nil {
		t.Fatal(err)
	}
	var out rendered
	out.snap, err = platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		out.backend = b
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		d, err := dns.New(ctx, r, b, cl, pulumi.String("10.20.16.10"))
		if err != nil {
			return err
		}
		ctx.Export("zoneId", d.ZoneID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExternalDNS: external-dns watches the teams' routes for names in
// the zone only, owns its records by the environment's name, and runs on
// an identity whose one grant is on the zone; on Azure its provider file
// names the zone's subscription and resource group and holds no secret,
// on GCP its flags name the zone's project.
func TestExternalDNS(t *testing.T) {
	for _, c := range []struct {
		facts  platform.CloudFacts
		zoneID string
		check  func(t *testing.T, r rendered, values map[string]any)
	}{
		{aksfacts.Facts, azureZoneID, func(t *testing.T, r rendered, v map[string]any) {
			data := platformtest.Input(t, r.snap.Find("kubernetes:core/v1:ConfigMap", "prod-external-dns-azure"), "data")
			var cfg map[string]any
			if err := json.Unmarshal([]byte(platformtest.At(t, data, "azure.json").(string)), &cfg); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"subscriptionId": "5f1c2a3b-0000-4000-8000-000000000003", "resourceGroup": "plinth-dns", "useWorkloadIdentityExtension": true}
			if !reflect.DeepEqual(cfg, want) {
				t.Errorf("azure.json %v, want %v", cfg, want)
			}
			if p := v["provider"].(map[string]any)["name"]; p != "azure" {
				t.Errorf("provider %v", p)
			}
		}},
		{gkefacts.Facts, gcpZoneID, func(t *testing.T, r rendered, v map[string]any) {
			if p := v["provider"].(map[string]any)["name"]; p != "google" {
				t.Errorf("provider %v", p)
			}
			if args := v["extraArgs"]; !reflect.DeepEqual(args, []any{"--google-project=acme-dns", "--google-zone-visibility=public"}) {
				t.Errorf("extraArgs %v", args)
			}
		}},
	} {
		t.Run(c.facts.Name, func(t *testing.T) {
			r := render(t, c.facts, dns.Args{}, dns.Zone{Domain: zone, Existing: c.zoneID})
			rel := r.snap.Find(helm.ReleaseType, "prod-external-dns-release")
			if rel == nil {
				t.Fatal("no external-dns release")
			}
			if chart := platformtest.Input(t, rel, "chart"); chart != helm.ExternalDNS.Name {
				t.Errorf("chart %v", chart)
			}
			values := platformtest.Input(t, rel, "values").(map[string]any)
			for k, want := range map[string]any{
				"sources": []any{"ingress", "gateway-httproute"}, "domainFilters": []any{zone}, "policy": dns.PolicySync,
				"registry": "txt", "txtOwnerId": "prod",
			} {
				if !reflect.DeepEqual(values[k], want) {
					t.Errorf("values.%s = %v, want %v", k, values[k], want)
				}
			}
			c.check(t, r, values)

			var ids []platform.WorkloadIdentitySpec
			for _, id := range r.backend.Identities() {
				if id.ServiceAccount == dns.ExternalDNSServiceAccount {
					ids = append(ids, id)
				}
			}
			if len(ids) != 1 || ids[0].Namespace != dns.ExternalDNSNamespace || len(ids[0].Grants) != 1 || ids[0].Grants[0].Role != platform.GrantDNSZoneContributor {
				t.Fatalf("external-dns identities %+v, want one with DNS zone contributor only", ids)
			}
			grant := r.snap.Find(fake.GrantType, ids[0].Name+"-grant-1")
			if got := platformtest.Input(t, grant, "scope"); got != c.zoneID {
				t.Errorf("the grant's scope %v, want the zone %s", got, c.zoneID)
			}
		})
	}
}

// TestZonesAndTheIngressName: a created zone comes from the backend,
// locked in production; the private zone gets the ingress's name.
func TestZonesAndTheIngressName(t *testing.T) {
	r := render(t, aksfacts.Facts, dns.Args{}, dns.Zone{Domain: zone})
	pub := r.snap.Find(fake.ZoneType, "prod-zone")
	priv := r.snap.Find(fake.ZoneType, "prod-private-zone")
	if pub == nil || priv == nil {
		t.Fatalf("zones: public %v, private %v", pub, priv)
	}
	comp := r.snap.Find(dns.TypeToken, "prod")
	if pub.Parent != comp.URN || !pub.Protect || !pub.RetainOnDelete {
		t.Errorf("public zone: parent %s, protect %v, retain %v", pub.Parent, pub.Protect, pub.RetainOnDelete)
	}
	if platformtest.Input(t, pub, "dnssec") != true || platformtest.Input(t, priv, "domain") != "internal."+zone {
		t.Errorf("zones' inputs: %v, %v", pub.Inputs, priv.Inputs)
	}
	rec := r.snap.Find(fake.RecordType, "prod-ingress-record")
	if rec == nil {
		t.Fatal("no record of the ingress in the private zone")
	}
	for k, want := range map[string]any{"host": dns.IngressHost, "type": "A", "values": []any{"10.20.16.10"}, "private": true} {
		if got := platformtest.Input(t, rec, k); !reflect.DeepEqual(got, want) {
			t.Errorf("record %s = %v, want %v", k, got, want)
		}
	}
}

// TestExternalDNSDisabled: no release, no identity.
func TestExternalDNSDisabled(t *testing.T) {
	r := render(t, gkefacts.Facts, dns.Args{ExternalDNS: dns.ExternalDNS{Disabled: true}}, dns.Zone{Domain: zone, Existing: gcpZoneID})
	if rel := r.snap.Find(helm.ReleaseType, "prod-external-dns-release"); rel != nil {
		t.Errorf("external-dns installed: %s", rel.URN)
	}
	for _, id := range r.backend.Identities() {
		if id.ServiceAccount == dns.ExternalDNSServiceAccount {
			t.Errorf("external-dns identity %+v", id)
		}
	}
}

func TestNewNeedsResolvedArgsAndABackend(t *testing.T) {
	tg := platform.Target{Cloud: aksfacts.Facts}
	_, cr := clusterSpec(t, tg)
	r, err := dns.Args{}.Resolve("prod", "dns", tg, cr.Spec(), dns.Zone{Domain: zone})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		resolved dns.Resolved
		backend  bool
		want     string
	}{
		{dns.Resolved{}, true, "dns: not resolved"},
		{r, false, `dns "prod": no backend`},
		{r, true, `dns "prod": no cluster`},
	} {
		_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
			var b dns.Backend
			if c.backend {
				fb, err := fake.New(ctx, "fake")
				if err != nil {
					return err
				}
				b = fb
			}
			_, err := dns.New(ctx, c.resolved, b, nil, nil)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

package gke_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	managedZoneType = "gcp:dns/managedZone:ManagedZone"
	recordSetType   = "gcp:dns/recordSet:RecordSet"
	prodVPC         = "projects/" + project + "/global/networks/prod-vpc"
)

// dnsZones is what a render's NewDNSZones returned, resolved.
type dnsZones struct {
	ZoneID, PrivateZoneID  string
	NameServers, DSRecords []string
}

// renderDNS renders the prod network and, under a test component "dns",
// the zones of dnsZonesSpec (changed by mutate) and then records (each
// given the zones' outputs). It returns the zones' outputs and the
// NewDNSZones or NewDNSRecord error in err.
func renderDNS(t *testing.T, mutate func(*platform.DNSZonesSpec), records func(*platform.DNSZonesOutputs) []platform.DNSRecordSpec) (snap *platformtest.Snapshot, got *dnsZones, err error) {
	t.Helper()
	got = &dnsZones{}
	snap, rerr := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, e := newBackend(ctx)
		if e != nil {
			return e
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, e := b.NewNetwork(ctx, netSpec)
		if e != nil {
			return e
		}
		parent := &testComponent{}
		if e := ctx.RegisterComponentResource("plinth:test:DNS", "dns", parent); e != nil {
			return e
		}
		s := dnsZonesSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		if mutate != nil {
			mutate(&s)
		}
		out, e := b.NewDNSZones(ctx, s, pulumi.Parent(parent))
		if e != nil {
			err = e
			return nil
		}
		pulumi.All(out.ZoneID, out.PrivateZoneID, out.NameServers, out.DSRecords).ApplyT(func(v []any) error {
			got.ZoneID, got.PrivateZoneID = v[0].(string), v[1].(string)
			got.NameServers, got.DSRecords = v[2].([]string), v[3].([]string)
			return nil
		})
		if records != nil {
			for _, r := range records(out) {
				if e := b.NewDNSRecord(ctx, r, pulumi.Parent(parent)); e != nil {
					err = e
					return nil
				}
			}
		}
		return nil
	})
	if rerr != nil {
		t.Fatal(rerr)
	}
	return snap, got, err
}

// dnsZonesSpec is a created, signed, locked zone for prod.example.com and
// a private zone for internal.prod.example.com in net.
func dnsZonesSpec(net platform.ClusterNetwork) platform.DNSZonesSpec {
	return platform.DNSZonesSpec{
		Name: "dns", Domain: "prod.example.com", DNSSEC: true,
		PrivateDomain: "internal.prod.example.com", Network: net,
		Locked: true, Tags: platform.Tags{"environment": "prod"},
	}
}

var dsRecordRE = regexp.MustCompile(`^[0-9]{1,5} 8 2 [0-9A-F]{64}$`)

// TestDNSZonesCreated: a public zone "dns-zone" for the domain with its
// trailing dot, DNSSEC on, labeled; a private zone visible to the VPC
// only; both protected and retained when Locked. The zone ID is its
// resource name, the name servers Cloud DNS's, the DS record the active
// key signing key's.
func TestDNSZonesCreated(t *testing.T) {
	snap, got, err := renderDNS(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	zone := find(t, snap, managedZoneType, "dns-zone")
	expect(t, zone, "name", "dns-zone")
	expect(t, zone, "project", project)
	expect(t, zone, "dnsName", "prod.example.com.")
	expect(t, zone, "visibility", "public")
	expect(t, zone, "dnssecConfig.state", "on")
	expect(t, zone, "labels", map[string]string{"environment": "prod"})
	if _, ok := zone.Input("privateVisibilityConfig"); ok {
		t.Errorf("the public zone has a privateVisibilityConfig")
	}
	private := find(t, snap, managedZoneType, "dns-private-zone")
	expect(t, private, "name", "dns-private-zone")
	expect(t, private, "dnsName", "internal.prod.example.com.")
	expect(t, private, "visibility", "private")
	expect(t, private, "privateVisibilityConfig.networks.0.networkUrl", prodVPC)
	expect(t, private, "labels", map[string]string{"environment": "prod"})
	if _, ok := private.Input("dnssecConfig"); ok {
		t.Errorf("the private zone has a dnssecConfig")
	}
	for _, z := range []*platformtest.Resource{zone, private} {
		if !z.Protect || !z.RetainOnDelete {
			t.Errorf("%s: protect %v retain %v; a locked zone is both", z.Name, z.Protect, z.RetainOnDelete)
		}
	}
	if got.ZoneID != "projects/"+project+"/managedZones/dns-zone" || got.PrivateZoneID != "projects/"+project+"/managedZones/dns-private-zone" {
		t.Errorf("zone IDs %q, %q", got.ZoneID, got.PrivateZoneID)
	}
	if len(got.NameServers) != 4 || !strings.HasPrefix(got.NameServers[0], "ns-cloud-") || !strings.HasSuffix(got.NameServers[0], ".googledomains.com.") {
		t.Errorf("name servers %q; want Cloud DNS's four, ending in \".\"", got.NameServers)
	}
	if len(got.DSRecords) != 1 || !dsRecordRE.MatchString(got.DSRecords[0]) {
		t.Errorf("DS records %q; want the key signing key's \"<tag> 8 2 <SHA-256>\"", got.DSRecords)
	}
	if n := len(snap.OfType(recordSetType)); n != 0 {
		t.Errorf("%d record sets; NewDNSZones writes none", n)
	}
}

// TestDNSZonesUnsignedUnlocked: DNSSEC off, no DS records, nothing
// protected or retained, and no private zone without a private domain.
func TestDNSZonesUnsignedUnlocked(t *testing.T) {
	snap, got, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.DNSSEC, s.Locked, s.PrivateDomain = false, false, "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	zone := find(t, snap, managedZoneType, "dns-zone")
	expect(t, zone, "dnssecConfig.state", "off")
	if zone.Protect || zone.RetainOnDelete {
		t.Errorf("protect %v retain %v; an unlocked zone is neither", zone.Protect, zone.RetainOnDelete)
	}
	if len(got.DSRecords) != 0 || got.PrivateZoneID != "" || len(snap.OfType(managedZoneType)) != 1 {
		t.Errorf("DS records %q, private zone %q, %d zones; want none, none, 1", got.DSRecords, got.PrivateZoneID, len(snap.OfType(managedZoneType)))
	}
}

// TestDNSZonesAdopted: an adopted zone creates no public zone; its ID is
// the one given, with no name servers or DS records.
func TestDNSZonesAdopted(t *testing.T) {
	const existing = "projects/acme-dns/managedZones/prod-example-com"
	snap, got, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.DNSSEC, s.Existing = false, existing }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if z := snap.Find(managedZoneType, "dns-zone"); z != nil {
		t.Errorf("an adopted zone created %s", z.Name)
	}
	find(t, snap, managedZoneType, "dns-private-zone")
	if got.ZoneID != existing || len(got.NameServers) != 0 || len(got.DSRecords) != 0 {
		t.Errorf("zone %q, name servers %q, DS %q; want %q and none", got.ZoneID, got.NameServers, got.DSRecords, existing)
	}
}

// TestDNSZonesRefused: a refused spec registers nothing.
func TestDNSZonesRefused(t *testing.T) {
	snap, _, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.Domain = "Prod" }, nil)
	if err == nil || !strings.HasPrefix(err.Error(), `dns.domain "Prod": not a DNS domain`) {
		t.Errorf("error %v", err)
	}
	if n := len(snap.OfType(managedZoneType)); n != 0 {
		t.Errorf("%d zones registered for a refused spec", n)
	}
}

// TestDNSRecords: each record type's exact inputs, in the public and the
// private zone and in an adopted zone of another project.
func TestDNSRecords(t *testing.T) {
	record := func(name, host, typ string, zone pulumi.StringInput, domain string, values ...string) platform.DNSRecordSpec {
		return platform.DNSRecordSpec{Name: name, Zone: zone, Domain: domain, Host: host, Type: typ, Values: pulumi.ToStringArray(values), TTLSeconds: 300}
	}
	snap, _, err := renderDNS(t, nil, func(out *platform.DNSZonesOutputs) []platform.DNSRecordSpec {
		return []platform.DNSRecordSpec{
			record("apex", "@", "A", out.ZoneID, "prod.example.com", "203.0.113.10", "203.0.113.11"),
			record("shop", "shop", "CNAME", out.ZoneID, "prod.example.com", "shop.edge.example.net."),
			record("dnsauth", "_dnsauth.shop", "TXT", out.ZoneID, "prod.example.com", "token-1", `say "hi"`),
			record("ingress", "ingress", "A", out.PrivateZoneID, "internal.prod.example.com", "10.20.1.10"),
			record("wild", "*", "A", pulumi.String("projects/acme-dns/managedZones/prod-example-com"), "prod.example.com", "203.0.113.12"),
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, zone, project, dnsName, typ string
		rrdatas                           []string
	}{
		{"apex", "dns-zone", project, "prod.example.com.", "A", []string{"203.0.113.10", "203.0.113.11"}},
		{"shop", "dns-zone", project, "shop.prod.example.com.", "CNAME", []string{"shop.edge.example.net."}},
		{"dnsauth", "dns-zone", project, "_dnsauth.shop.prod.example.com.", "TXT", []string{`"token-1"`, `"say \"hi\""`}},
		{"ingress", "dns-private-zone", project, "ingress.internal.prod.example.com.", "A", []string{"10.20.1.10"}},
		{"wild", "prod-example-com", "acme-dns", "*.prod.example.com.", "A", []string{"203.0.113.12"}},
	} {
		r := find(t, snap, recordSetType, tc.name)
		expect(t, r, "managedZone", tc.zone)
		expect(t, r, "project", tc.project)
		expect(t, r, "name", tc.dnsName)
		expect(t, r, "type", tc.typ)
		expect(t, r, "ttl", 300)
		expect(t, r, "rrdatas", tc.rrdatas)
		if r.Protect || r.RetainOnDelete {
			t.Errorf("%s: a record is neither protected nor retained", r.Name)
		}
	}
}

// TestDNSRecordRefused: a refused record registers nothing, and values
// known only at deployment are checked then.
func TestDNSRecordRefused(t *testing.T) {
	snap, _, err := renderDNS(t, nil, func(out *platform.DNSZonesOutputs) []platform.DNSRecordSpec {
		return []platform.DNSRecordSpec{{Name: "shop", Zone: out.ZoneID, Domain: "prod.example.com", Host: "shop", Type: "AAAA",
			Values: pulumi.ToStringArray([]string{"2001:db8::1"}), TTLSeconds: 300}}
	})
	if err == nil || err.Error() != `dnsRecord.type "AAAA": use one of A, CNAME, TXT` {
		t.Errorf("error %v", err)
	}
	if n := len(snap.OfType(recordSetType)); n != 0 {
		t.Errorf("%d record sets registered for a refused spec", n)
	}
	_, rerr := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := gke.New(ctx, "gcp", gke.Config{Project: project, Region: "europe-west1"})
		if err != nil {
			return err
		}
		later := pulumi.String("shop").ToStringOutput().ApplyT(func(s string) []string { return []string{s} }).(pulumi.StringArrayOutput)
		return b.NewDNSRecord(ctx, platform.DNSRecordSpec{Name: "shop", Zone: pulumi.String("projects/" + project + "/managedZones/dns-zone"),
			Domain: "prod.example.com", Host: "shop", Type: "CNAME", Values: later, TTLSeconds: 300})
	})
	if rerr == nil || !strings.Contains(rerr.Error(), `dnsRecord.values[0] "shop": not a host name ending in "."`) {
		t.Errorf("an output value that is no host name: %v", rerr)
	}
}

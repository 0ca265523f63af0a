package aks_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	dnsZoneType       = "azure-native:network/v20230701preview:Zone"
	dnssecType        = "azure-native:network/v20230701preview:DnssecConfig"
	recordSetType     = "azure-native:network/v20230701preview:RecordSet"
	privateRecordType = "azure-native:network/v20240601:PrivateRecordSet"
	privateZoneType   = "azure-native:network/v20240601:PrivateZone"
	zoneLinkType      = "azure-native:network/v20240601:VirtualNetworkLink"
	publicZoneID      = rgScope + "/providers/Microsoft.Network/dnszones/prod.example.com"
	privateZoneID     = rgScope + "/providers/Microsoft.Network/privateDnsZones/internal.prod.example.com"
)

// dnsZones is what a render's NewDNSZones returned, resolved.
type dnsZones struct {
	ZoneID, PrivateZoneID  string
	NameServers, DSRecords []string
}

// dnsZonesSpec is a created, signed, locked zone for prod.example.com and
// a private zone for internal.prod.example.com linked to net.
func dnsZonesSpec(net platform.ClusterNetwork) platform.DNSZonesSpec {
	return platform.DNSZonesSpec{
		Name: "dns", Domain: "prod.example.com", DNSSEC: true,
		PrivateDomain: "internal.prod.example.com", Network: net,
		Locked: true, Tags: platform.Tags{"environment": "prod"},
	}
}

// renderDNS renders the prod network and, under a test component "dns",
// the zones of dnsZonesSpec (changed by mutate) and then records (each
// given the zones' outputs). It returns the zones' outputs and the
// NewDNSZones or NewDNSRecord error in err.
func renderDNS(t *testing.T, mutate func(*platform.DNSZonesSpec), records func(*platform.DNSZonesOutputs) []platform.DNSRecordSpec) (snap *platformtest.Snapshot, got *dnsZones, err error) {
	t.Helper()
	got = &dnsZones{}
	snap, rerr := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, e := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
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

func findDNS(t *testing.T, snap *platformtest.Snapshot, typ, name string) *platformtest.Resource {
	t.Helper()
	r := snap.Find(typ, name)
	if r == nil {
		t.Fatalf("%s %s not registered", typ, name)
	}
	return r
}

var dsRecordRE = regexp.MustCompile(`^[0-9]{1,5} 13 2 [0-9A-F]{64}$`)

// TestDNSZonesCreated: a public zone "dns-zone" named the domain in the
// network's resource group, global, tagged, signed by its DNSSEC
// configuration; a private zone linked to the VNet without
// auto-registration; everything protected and retained when Locked. The
// outputs are the zone's ARM ID, Azure's four name servers and the key
// signing key's DS record.
func TestDNSZonesCreated(t *testing.T) {
	snap, got, err := renderDNS(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	zone := findDNS(t, snap, dnsZoneType, "dns-zone")
	expect(t, zone, map[string]any{
		"zoneName": "prod.example.com", "resourceGroupName": "prod-rg", "location": "global", "zoneType": "Public",
		"tags": map[string]any{"environment": "prod"},
	})
	sec := findDNS(t, snap, dnssecType, "dns-dnssec")
	expect(t, sec, map[string]any{"zoneName": "prod.example.com", "resourceGroupName": "prod-rg"})
	private := findDNS(t, snap, privateZoneType, "dns-private-zone")
	expect(t, private, map[string]any{
		"privateZoneName": "internal.prod.example.com", "resourceGroupName": "prod-rg", "location": "global",
		"tags": map[string]any{"environment": "prod"},
	})
	link := findDNS(t, snap, zoneLinkType, "dns-private-zone-link")
	expect(t, link, map[string]any{
		"virtualNetworkLinkName": "dns-private-zone-link", "privateZoneName": "internal.prod.example.com",
		"resourceGroupName": "prod-rg", "location": "global", "virtualNetwork.id": vnetID, "registrationEnabled": false,
		"tags": map[string]any{"environment": "prod"},
	})
	for _, r := range []*platformtest.Resource{zone, sec, private, link} {
		if !r.Protect || !r.RetainOnDelete {
			t.Errorf("%s: protect %v retain %v; locked zones and what they need are both", r.Name, r.Protect, r.RetainOnDelete)
		}
	}
	if got.ZoneID != publicZoneID || got.PrivateZoneID != privateZoneID {
		t.Errorf("zone IDs %q, %q", got.ZoneID, got.PrivateZoneID)
	}
	if len(got.NameServers) != 4 || !strings.HasPrefix(got.NameServers[0], "ns1-") || !strings.HasSuffix(got.NameServers[0], ".azure-dns.com.") {
		t.Errorf("name servers %q; want Azure's four, ending in \".\"", got.NameServers)
	}
	if len(got.DSRecords) != 1 || !dsRecordRE.MatchString(got.DSRecords[0]) {
		t.Errorf("DS records %q; want the key signing key's \"<tag> 13 2 <SHA-256>\"", got.DSRecords)
	}
}

// TestDNSZonesUnsignedUnlocked: no DNSSEC configuration and no DS records
// without DNSSEC, no private zone without a private domain, nothing
// protected or retained unless Locked.
func TestDNSZonesUnsignedUnlocked(t *testing.T) {
	snap, got, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.DNSSEC, s.Locked, s.PrivateDomain = false, false, "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	zone := findDNS(t, snap, dnsZoneType, "dns-zone")
	if zone.Protect || zone.RetainOnDelete {
		t.Errorf("protect %v retain %v; an unlocked zone is neither", zone.Protect, zone.RetainOnDelete)
	}
	if n, m := len(snap.OfType(dnssecType)), len(snap.OfType(privateZoneType)); n != 0 || m != 0 {
		t.Errorf("%d DNSSEC configurations, %d private zones; want none", n, m)
	}
	if len(got.DSRecords) != 0 || got.PrivateZoneID != "" {
		t.Errorf("DS records %q, private zone %q; want none", got.DSRecords, got.PrivateZoneID)
	}
}

// TestDNSZonesAdopted: an adopted zone creates no public zone and no
// DNSSEC configuration; its ID is the one given, with no name servers or
// DS records. The private zone is still created.
func TestDNSZonesAdopted(t *testing.T) {
	const existing = "/subscriptions/" + sub + "/resourceGroups/dns/providers/Microsoft.Network/dnszones/prod.example.com"
	snap, got, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.DNSSEC, s.Existing = false, existing }, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(snap.OfType(dnsZoneType)) + len(snap.OfType(dnssecType)); n != 0 {
		t.Errorf("an adopted zone created %d public zone resources", n)
	}
	findDNS(t, snap, privateZoneType, "dns-private-zone")
	if got.ZoneID != existing || len(got.NameServers) != 0 || len(got.DSRecords) != 0 {
		t.Errorf("zone %q, name servers %q, DS %q; want %q and none", got.ZoneID, got.NameServers, got.DSRecords, existing)
	}
}

// TestDNSZonesRefused: a refused spec registers nothing.
func TestDNSZonesRefused(t *testing.T) {
	snap, _, err := renderDNS(t, func(s *platform.DNSZonesSpec) { s.PrivateDomain = "internal" }, nil)
	if err == nil || !strings.HasPrefix(err.Error(), `dns.privateDomain "internal": not a DNS domain`) {
		t.Errorf("error %v", err)
	}
	if n := len(snap.OfType(dnsZoneType)) + len(snap.OfType(privateZoneType)); n != 0 {
		t.Errorf("%d zones registered for a refused spec", n)
	}
}

// TestDNSRecords: each record type's exact inputs, public records in the
// public zone's resource group (an adopted zone's own), private ones in
// the private zone.
func TestDNSRecords(t *testing.T) {
	record := func(name, host, typ string, zone pulumi.StringInput, domain string, private bool, values ...string) platform.DNSRecordSpec {
		return platform.DNSRecordSpec{Name: name, Zone: zone, Domain: domain, Private: private, Host: host, Type: typ, Values: pulumi.ToStringArray(values), TTLSeconds: 300}
	}
	adopted := pulumi.String("/subscriptions/" + sub + "/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com")
	snap, _, err := renderDNS(t, nil, func(out *platform.DNSZonesOutputs) []platform.DNSRecordSpec {
		return []platform.DNSRecordSpec{
			record("apex", "@", "A", out.ZoneID, "prod.example.com", false, "203.0.113.10", "203.0.113.11"),
			record("shop", "shop", "CNAME", out.ZoneID, "prod.example.com", false, "shop-abc.z01.azurefd.net."),
			record("dnsauth", "_dnsauth.shop", "TXT", out.ZoneID, "prod.example.com", false, "token-1", "token-2"),
			record("wild", "*", "A", adopted, "example.com", false, "203.0.113.12"),
			record("ingress", "ingress", "A", out.PrivateZoneID, "internal.prod.example.com", true, "10.20.1.10"),
			record("api", "api", "CNAME", out.PrivateZoneID, "internal.prod.example.com", true, "ingress.internal.prod.example.com."),
			record("note", "note", "TXT", out.PrivateZoneID, "internal.prod.example.com", true, "private"),
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		typ, name string
		want      map[string]any
	}{
		{recordSetType, "apex", map[string]any{
			"zoneName": "prod.example.com", "resourceGroupName": "prod-rg", "relativeRecordSetName": "@", "recordType": "A", "ttl": 300.0,
			"aRecords": []any{map[string]any{"ipv4Address": "203.0.113.10"}, map[string]any{"ipv4Address": "203.0.113.11"}},
		}},
		{recordSetType, "shop", map[string]any{
			"zoneName": "prod.example.com", "resourceGroupName": "prod-rg", "relativeRecordSetName": "shop", "recordType": "CNAME", "ttl": 300.0,
			"cnameRecord": map[string]any{"cname": "shop-abc.z01.azurefd.net"},
		}},
		{recordSetType, "dnsauth", map[string]any{
			"zoneName": "prod.example.com", "resourceGroupName": "prod-rg", "relativeRecordSetName": "_dnsauth.shop", "recordType": "TXT", "ttl": 300.0,
			"txtRecords": []any{map[string]any{"value": []any{"token-1"}}, map[string]any{"value": []any{"token-2"}}},
		}},
		{recordSetType, "wild", map[string]any{
			"zoneName": "example.com", "resourceGroupName": "dns", "relativeRecordSetName": "*", "recordType": "A",
			"aRecords": []any{map[string]any{"ipv4Address": "203.0.113.12"}},
		}},
		{privateRecordType, "ingress", map[string]any{
			"privateZoneName": "internal.prod.example.com", "resourceGroupName": "prod-rg", "relativeRecordSetName": "ingress", "recordType": "A", "ttl": 300.0,
			"aRecords": []any{map[string]any{"ipv4Address": "10.20.1.10"}},
		}},
		{privateRecordType, "api", map[string]any{
			"privateZoneName": "internal.prod.example.com", "relativeRecordSetName": "api", "recordType": "CNAME",
			"cnameRecord": map[string]any{"cname": "ingress.internal.prod.example.com"},
		}},
		{privateRecordType, "note", map[string]any{
			"privateZoneName": "internal.prod.example.com", "relativeRecordSetName": "note", "recordType": "TXT",
			"txtRecords": []any{map[string]any{"value": []any{"private"}}},
		}},
	} {
		r := findDNS(t, snap, tc.typ, tc.name)
		expect(t, r, tc.want)
		if r.Protect || r.RetainOnDelete {
			t.Errorf("%s: a record is neither protected nor retained", r.Name)
		}
	}
	if n := len(snap.OfType(recordSetType)); n != 4 {
		t.Errorf("%d public record sets, want 4: private records go in the private zone", n)
	}
}

// TestDNSRecordRefused: a refused record registers nothing, and values
// known only at deployment are checked then.
func TestDNSRecordRefused(t *testing.T) {
	snap, _, err := renderDNS(t, nil, func(out *platform.DNSZonesOutputs) []platform.DNSRecordSpec {
		return []platform.DNSRecordSpec{{Name: "shop", Zone: out.ZoneID, Domain: "prod.example.com", Host: "@", Type: "CNAME",
			Values: pulumi.ToStringArray([]string{"shop.z01.azurefd.net."}), TTLSeconds: 300}}
	})
	if err == nil || err.Error() != `dnsRecord.host "@": a CNAME cannot be at the zone's apex, where the zone's SOA and NS records are; use an A record, or a host below the apex` {
		t.Errorf("error %v", err)
	}
	if n := len(snap.OfType(recordSetType)); n != 0 {
		t.Errorf("%d record sets registered for a refused spec", n)
	}
	_, rerr := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		later := pulumi.String("10.0.0").ToStringOutput().ApplyT(func(s string) []string { return []string{s} }).(pulumi.StringArrayOutput)
		return b.NewDNSRecord(ctx, platform.DNSRecordSpec{Name: "shop", Zone: pulumi.String(publicZoneID),
			Domain: "prod.example.com", Host: "shop", Type: "A", Values: later, TTLSeconds: 300})
	})
	if rerr == nil || !strings.Contains(rerr.Error(), `dnsRecord.values[0] "10.0.0": not an IPv4 address`) {
		t.Errorf("an output value that is no address: %v", rerr)
	}
}

package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// dnsSpec is a created, signed, locked public zone with a private zone
// linked to testNetwork.
func dnsSpec() platform.DNSZonesSpec {
	return platform.DNSZonesSpec{
		Name: "dns", Domain: "prod.example.com", DNSSEC: true,
		PrivateDomain: "internal.prod.example.com", Network: testNetwork(),
		Locked: true, Tags: platform.Tags{"environment": "prod"},
	}
}

func TestPlanDNSZones(t *testing.T) {
	public := &publicZonePlan{Zone: "dns-zone", ZoneName: "prod.example.com", Location: "global", DNSSEC: "dns-dnssec"}
	private := &privateZonePlan{Zone: "dns-private-zone", ZoneName: "internal.prod.example.com", ZoneLocation: "global", Link: "dns-private-zone-link"}
	unsigned := *public
	unsigned.DNSSEC = ""
	const existing = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/prod.example.com"
	tags := map[string]string{"environment": "prod"}
	tests := []struct {
		name   string
		mutate func(*platform.DNSZonesSpec)
		want   dnsZonesPlan
	}{
		{"signed, private, locked", nil, dnsZonesPlan{Public: public, Private: private, Protect: true, Tags: tags}},
		{"unsigned, no private zone, unlocked", func(s *platform.DNSZonesSpec) {
			s.DNSSEC, s.PrivateDomain, s.Locked = false, "", false
		}, dnsZonesPlan{Public: &unsigned, Tags: tags}},
		{"adopted: no public zone", func(s *platform.DNSZonesSpec) {
			s.DNSSEC, s.Existing = false, existing
		}, dnsZonesPlan{Existing: existing, Private: private, Protect: true, Tags: tags}},
		{"adopted without a private zone: no network needed", func(s *platform.DNSZonesSpec) {
			s.DNSSEC, s.Existing, s.PrivateDomain, s.Network = false, existing, "", platform.ClusterNetwork{}
		}, dnsZonesPlan{Existing: existing, Protect: true, Tags: tags}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := dnsSpec()
			if tc.mutate != nil {
				tc.mutate(&s)
			}
			got, err := planDNSZones(s)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("plan\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

// TestPlanDNSZonesErrors: every problem at once, each naming its field,
// its value and the fix.
func TestPlanDNSZonesErrors(t *testing.T) {
	s := dnsSpec()
	s.Name = ""
	s.Existing = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com"
	s.Network = platform.ClusterNetwork{}
	_, err := planDNSZones(s)
	want := `dns.name: required: give the component a logical name such as "core"
dns.existing "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com": names the zone "example.com", but dnsZone.name is "prod.example.com"; pass the ID of the zone you name
dns.dnssec true: an adopted zone's signing is its owner's; remove dnssec, or let the stack create the zone
dns.network.outputs.id: required: the VNet's ARM ID: the zones go into its resource group, and the private zone is linked to it; pass the outputs the network backend returned`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	s = dnsSpec()
	s.Existing, s.DNSSEC = "prod.example.com", false
	_, err = planDNSZones(s)
	if err == nil || !strings.HasPrefix(err.Error(), `dns.existing "prod.example.com": not an Azure DNS zone resource ID; use the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>`) {
		t.Errorf("a zone name for an ID: %v", err)
	}
}

func recordSpec() platform.DNSRecordSpec {
	return platform.DNSRecordSpec{
		Name: "edge-record", Zone: pulumi.String(rgID + "/providers/Microsoft.Network/dnszones/prod.example.com"), Domain: "prod.example.com",
		Host: "_dnsauth.shop", Type: "TXT", Values: pulumi.ToStringArray([]string{"token"}), TTLSeconds: 3600,
	}
}

const rgID = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg"

func TestPlanDNSRecord(t *testing.T) {
	s := recordSpec()
	s.Private = true
	got, err := planDNSRecord(s)
	want := dnsRecordPlan{Name: "edge-record", ZoneName: "prod.example.com", Private: true, RelativeName: "_dnsauth.shop", Type: "TXT", TTL: 3600}
	if err != nil || got != want {
		t.Errorf("plan %+v, %v; want %+v", got, err, want)
	}
	s.Host, s.TTLSeconds, s.Zone = "shop..", 59, nil
	_, err = planDNSRecord(s)
	wantErr := `dnsRecord.zone: required: the ID of the zone the record goes in: DNSZonesOutputs.ZoneID, or PrivateZoneID for a private record
dnsRecord.host "shop..": not a record name: use "@" for the zone's apex, or dot-separated labels relative to the zone, each a DNS label (1-63 lowercase letters, digits and '-', starting and ending with a letter or digit) or '_' followed by one ("_dnsauth"), the first possibly "*" for a wildcard
dnsRecord.ttlSeconds 59: use 60..86400 seconds (300 is a common choice)`
	if err == nil || err.Error() != wantErr {
		t.Errorf("error\n%v\nwant\n%s", err, wantErr)
	}
}

func TestPlanRecordData(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		typ    string
		values []string
		want   recordData
	}{
		{"A", []string{"203.0.113.10", "203.0.113.11"}, recordData{Addresses: []string{"203.0.113.10", "203.0.113.11"}}},
		{"CNAME", []string{"shop.z01.azurefd.net."}, recordData{CNAME: "shop.z01.azurefd.net"}},
		{"TXT", []string{"token", long}, recordData{Texts: [][]string{{"token"}, {long[:255], "x"}}}},
	}
	for _, tc := range tests {
		got, err := planRecordData(tc.typ, tc.values)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("planRecordData(%s, %q) = %+v, %v; want %+v", tc.typ, tc.values, got, err, tc.want)
		}
	}
	_, err := planRecordData("CNAME", []string{"a.example.net.", "b.example.net."})
	if err == nil || err.Error() != `dnsRecord.values "a.example.net.,b.example.net.": a CNAME takes exactly one host name, not 2; keep one` {
		t.Errorf("two CNAME targets: %v", err)
	}
}

func TestDSRecords(t *testing.T) {
	got := dsRecords([][]string{{"2371 13 2 ABCD"}, nil, {""}})
	if !reflect.DeepEqual(got, []string{"2371 13 2 ABCD"}) {
		t.Errorf("dsRecords = %q; want the key signing key's", got)
	}
	if got := dsRecords(nil); got == nil || len(got) != 0 {
		t.Errorf("dsRecords(nil) = %#v; want an empty list", got)
	}
}

package gke

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

const dnsProject = "acme-platform-prod"

// dnsSpec is a created, signed, locked public zone with a private zone.
func dnsSpec() platform.DNSZonesSpec {
	return platform.DNSZonesSpec{
		Name:          "dns",
		Domain:        "prod.example.com",
		DNSSEC:        true,
		PrivateDomain: "internal.prod.example.com",
		Network: platform.ClusterNetwork{Outputs: platform.NetworkOutputs{
			ID: pulumi.String("projects/" + dnsProject + "/global/networks/prod-vpc").ToStringOutput(),
		}},
		Locked: true,
		Tags:   platform.Tags{"environment": "prod"},
	}
}

func TestPlanDNSZones(t *testing.T) {
	cfg := Config{Project: dnsProject, Region: "europe-west1"}
	public := &managedZonePlan{
		Resource: "dns-zone", Name: "dns-zone", DNSName: "prod.example.com.",
		ID:         "projects/acme-platform-prod/managedZones/dns-zone",
		Visibility: "public", DNSSEC: "on",
		Description: `Plinth public DNS zone prod.example.com of "dns"`,
	}
	private := &managedZonePlan{
		Resource: "dns-private-zone", Name: "dns-private-zone", DNSName: "internal.prod.example.com.",
		ID:          "projects/acme-platform-prod/managedZones/dns-private-zone",
		Visibility:  "private",
		Description: `Plinth private DNS zone internal.prod.example.com of "dns"`,
	}
	unsigned := *public
	unsigned.DNSSEC = "off"
	tests := []struct {
		name   string
		mutate func(*platform.DNSZonesSpec)
		want   dnsZonesPlan
	}{
		{"signed, private, locked", nil, dnsZonesPlan{
			Project: dnsProject, Public: public, Private: private, Protect: true, Labels: map[string]string{"environment": "prod"},
		}},
		{"unsigned, no private zone, unlocked", func(s *platform.DNSZonesSpec) {
			s.DNSSEC, s.PrivateDomain, s.Locked = false, "", false
			s.Network = platform.ClusterNetwork{} // a public zone needs no network
		}, dnsZonesPlan{
			Project: dnsProject, Public: &unsigned, Labels: map[string]string{"environment": "prod"},
		}},
		{"adopted: no public zone", func(s *platform.DNSZonesSpec) {
			s.DNSSEC, s.Existing = false, "projects/acme-dns/managedZones/prod-example-com"
		}, dnsZonesPlan{
			Project: dnsProject, Existing: "projects/acme-dns/managedZones/prod-example-com", Private: private,
			Protect: true, Labels: map[string]string{"environment": "prod"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := dnsSpec()
			if tc.mutate != nil {
				tc.mutate(&s)
			}
			got, err := planDNSZones(cfg, s)
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
	s.Name = "DNS"
	s.Domain = "prod.example.com."
	s.PrivateDomain = "internal"
	s.Existing = "acme-dns"
	s.Network = platform.ClusterNetwork{}
	_, err := planDNSZones(Config{Project: dnsProject}, s)
	want := `dns.name "DNS": use lowercase letters, digits and '-', starting with a letter and not ending with '-'
dns.domain "prod.example.com.": not a DNS domain: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, e.g. "prod.example.com"
dns.privateDomain "internal": not a DNS domain: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, e.g. "internal.prod.example.com"
dns.existing "acme-dns": a project alone does not say which zone cert-manager may change; on GCP dnsZone.id is the Cloud DNS managed zone's resource name, projects/<project>/managedZones/<zone name>, e.g. "projects/acme-dns-prod/managedZones/dev-acme-example" (gcloud dns managed-zones list --project <project>; the zone name is not its DNS name): write projects/acme-dns/managedZones/<zone name>
dns.dnssec true: an adopted zone's signing is its owner's; remove dnssec, or let the stack create the zone
dns.network.outputs.id: required: the VPC's ID, which the private zone is visible to; pass the outputs the network backend returned`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}

func TestPlanDNSRecord(t *testing.T) {
	for _, tc := range []struct{ host, want string }{
		{"@", "prod.example.com."},
		{"ingress", "ingress.prod.example.com."},
		{"*", "*.prod.example.com."},
		{"*.shop", "*.shop.prod.example.com."},
		{"_dnsauth.shop", "_dnsauth.shop.prod.example.com."},
		{"_acme-challenge", "_acme-challenge.prod.example.com."},
	} {
		s := recordSpec()
		s.Host = tc.host
		p, err := planDNSRecord(s)
		if err != nil {
			t.Errorf("host %q: %v", tc.host, err)
			continue
		}
		want := dnsRecordPlan{Resource: "edge-record", Name: tc.want, Type: "A", TTL: 300}
		if p != want {
			t.Errorf("host %q: %+v, want %+v", tc.host, p, want)
		}
	}
}

func recordSpec() platform.DNSRecordSpec {
	return platform.DNSRecordSpec{
		Name: "edge-record", Zone: pulumi.String("projects/acme-platform-prod/managedZones/dns-zone"), Domain: "prod.example.com",
		Host: "shop", Type: "A", Values: pulumi.ToStringArray([]string{"203.0.113.10"}), TTLSeconds: 300,
	}
}

// TestPlanDNSRecordErrors: every problem at once, each naming its field,
// its value and the fix.
func TestPlanDNSRecordErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.DNSRecordSpec)
		want   string
	}{
		{"everything wrong", func(s *platform.DNSRecordSpec) {
			s.Zone, s.Domain, s.Host, s.Type, s.TTLSeconds, s.Values = nil, "example", "Shop", "MX", 30, nil
		}, `dnsRecord.zone: required: the ID of the zone the record goes in: DNSZonesOutputs.ZoneID, or PrivateZoneID for a private record
dnsRecord.domain "example": not a DNS domain: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, the DNS name of the zone named by zone
dnsRecord.host "Shop": not a record name: use "@" for the zone's apex, or dot-separated labels relative to the zone, each a DNS label (1-63 lowercase letters, digits and '-', starting and ending with a letter or digit) or '_' followed by one ("_dnsauth"), the first possibly "*" for a wildcard
dnsRecord.type "MX": use one of A, CNAME, TXT
dnsRecord.ttlSeconds 30: use 60..86400 seconds (300 is a common choice)
dnsRecord.values: required: the record's data: addresses (A), one host name ending in "." (CNAME) or texts (TXT)`},
		{"a wildcard inside", func(s *platform.DNSRecordSpec) { s.Host, s.TTLSeconds = "shop.*", 86401 },
			`dnsRecord.host "shop.*": not a record name: use "@" for the zone's apex, or dot-separated labels relative to the zone, each a DNS label (1-63 lowercase letters, digits and '-', starting and ending with a letter or digit) or '_' followed by one ("_dnsauth"), the first possibly "*" for a wildcard
dnsRecord.ttlSeconds 86401: use 60..86400 seconds (300 is a common choice)`},
		{"bad addresses", func(s *platform.DNSRecordSpec) {
			s.Values = pulumi.ToStringArray([]string{"203.0.113.10", "2001:db8::1", "shop"})
		}, `dnsRecord.values[1] "2001:db8::1": not an IPv4 address; an A record takes addresses such as "203.0.113.10"
dnsRecord.values[2] "shop": not an IPv4 address; an A record takes addresses such as "203.0.113.10"`},
		{"two CNAME targets, one without the dot, at the apex", func(s *platform.DNSRecordSpec) {
			s.Host, s.Type = "@", "CNAME"
			s.Values = pulumi.ToStringArray([]string{"a.edge.example.net.", "b.edge.example.net"})
		}, `dnsRecord.host "@": a CNAME cannot be at the zone's apex, where the zone's SOA and NS records are; use an A record, or a host below the apex
dnsRecord.values "a.edge.example.net.,b.edge.example.net": a CNAME takes exactly one host name, not 2; keep one
dnsRecord.values[1] "b.edge.example.net": not a host name ending in "."; write the target's full name, e.g. "shop.edge.example.net."`},
		{"no values", func(s *platform.DNSRecordSpec) { s.Type, s.Values = "TXT", pulumi.StringArray{} },
			`dnsRecord.values: required: at least one value: a TXT record set with no records is no record`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := recordSpec()
			tc.mutate(&s)
			_, err := planDNSRecord(s)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestRRDatas(t *testing.T) {
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		typ    string
		values []string
		want   []string
	}{
		{"A", []string{"203.0.113.10", "203.0.113.11"}, []string{"203.0.113.10", "203.0.113.11"}},
		{"CNAME", []string{"shop.edge.example.net."}, []string{"shop.edge.example.net."}},
		{"TXT", []string{"v=spf1 -all", `say "hi" \o/`}, []string{`"v=spf1 -all"`, `"say \"hi\" \\o/"`}},
		{"TXT", []string{string(long)}, []string{`"` + string(long[:255]) + `" "` + string(long[255:]) + `"`}},
		{"TXT", []string{""}, []string{`""`}},
	}
	for _, tc := range tests {
		got, err := rrdatas(tc.typ, tc.values)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("rrdatas(%s, %q) = %q, %v; want %q", tc.typ, tc.values, got, err, tc.want)
		}
	}
	if _, err := rrdatas("A", []string{"10.0.0"}); err == nil || err.Error() != `dnsRecord.values[0] "10.0.0": not an IPv4 address; an A record takes addresses such as "203.0.113.10"` {
		t.Errorf("bad address: %v", err)
	}
}

func TestZoneOf(t *testing.T) {
	z, err := zoneOf("projects/acme-dns/managedZones/prod-example-com")
	if err != nil || z.Project != "acme-dns" || z.Name != "prod-example-com" {
		t.Errorf("zoneOf = %+v, %v", z, err)
	}
	if _, err := zoneOf("prod.example.com"); err == nil || err.Error() != `dnsRecord.zone "prod.example.com": not a Cloud DNS managed zone's resource name; pass DNSZonesOutputs.ZoneID or PrivateZoneID (projects/<project>/managedZones/<zone>)` {
		t.Errorf("bad zone: %v", err)
	}
}

func TestDSRecords(t *testing.T) {
	got := dsRecords([]dsKey{{DS: "2371 8 2 ABCD", Active: true}, {DS: "9 8 2 EF01", Active: false}, {Active: true}})
	if !reflect.DeepEqual(got, []string{"2371 8 2 ABCD"}) {
		t.Errorf("dsRecords = %q; want only the active key's", got)
	}
	if got := dsRecords(nil); got == nil || len(got) != 0 {
		t.Errorf("dsRecords(nil) = %#v; want an empty list", got)
	}
}

package format_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform/format"
)

func TestUUID(t *testing.T) {
	for s, want := range map[string]bool{
		"7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f":   true,
		"7C1D2E3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F":   true,
		"7c1d2e3f4a5b4c6d8e7f9a0b1c2d3e4f":       false,
		"7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4":    false,
		"7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f0":  false,
		"{7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f}": false,
		"7c1d2e3g-4a5b-4c6d-8e7f-9a0b1c2d3e4f":   false,
		"acme-dev":                               false,
		"":                                       false,
	} {
		if got := format.UUID(s); got != want {
			t.Errorf("UUID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"storefront@shop.example":          true,
		"first.last+tag@mail.shop.co.uk":   true,
		"gke-security-groups@acme.example": true,
		"storefront@localhost":             false,
		"group:storefront@shop.example":    false,
		"store front@shop.example":         false,
		"storefront@shop..example":         false,
		"@shop.example":                    false,
		"storefront":                       false,
		"":                                 false,
	} {
		if got := format.Email(s); got != want {
			t.Errorf("Email(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDNSLabel(t *testing.T) {
	for s, want := range map[string]bool{
		"storefront":            true,
		"a":                     true,
		"0day":                  true,
		"team-1":                true,
		strings.Repeat("a", 63): true,
		strings.Repeat("a", 64): false,
		"":                      false,
		"-team":                 false,
		"team-":                 false,
		"Team":                  false,
		"team.one":              false,
		"team_one":              false,
	} {
		if got := format.DNSLabel(s); got != want {
			t.Errorf("DNSLabel(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestProjectID(t *testing.T) {
	for _, tc := range []struct {
		id           string
		plain, scope bool
	}{
		{"acme-dns-prod", true, true},
		{"a23456", true, true},
		{"a2345", false, false},                       // 5 characters
		{"a" + strings.Repeat("b", 29), true, true},   // 30
		{"a" + strings.Repeat("b", 30), false, false}, // 31
		{"1acme-dns", false, false},
		{"acme-dns-", false, false},
		{"Acme-dns", false, false},
		{"example.com:acme-dns", false, true},
		{"Example.com:acme-dns", false, false},
		{":acme-dns", false, false},
		{"example.com:1acme", false, false},
	} {
		if got := format.ProjectID(tc.id, false); got != tc.plain {
			t.Errorf("ProjectID(%q, false) = %v, want %v", tc.id, got, tc.plain)
		}
		if got := format.ProjectID(tc.id, true); got != tc.scope {
			t.Errorf("ProjectID(%q, true) = %v, want %v", tc.id, got, tc.scope)
		}
	}
}

func TestParseCloudDNSZoneID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want format.CloudDNSZone
		ok   bool
	}{
		{"projects/acme-dns-prod/managedZones/dev-acme-example", format.CloudDNSZone{Project: "acme-dns-prod", Name: "dev-acme-example"}, true},
		{"projects/example.com:acme-dns/managedZones/z", format.CloudDNSZone{Project: "example.com:acme-dns", Name: "z"}, true},
		{"projects/acme-dns-prod/managedZones/" + strings.Repeat("a", 63), format.CloudDNSZone{Project: "acme-dns-prod", Name: strings.Repeat("a", 63)}, true},
		{"projects/acme-dns-prod/managedZones/" + strings.Repeat("a", 64), format.CloudDNSZone{}, false},
		{"acme-dns-prod", format.CloudDNSZone{}, false},                                        // a project alone
		{"projects/acme-dns-prod/managedZones/dev.acme.example", format.CloudDNSZone{}, false}, // the DNS name
		{"projects/acme-dns-prod/managedZones/1dev", format.CloudDNSZone{}, false},
		{"projects/acme-dns-prod/managedZones/dev-", format.CloudDNSZone{}, false},
		{"projects/Acme/managedZones/dev", format.CloudDNSZone{}, false},
		{"projects/acme-dns-prod/zones/dev", format.CloudDNSZone{}, false},
		{"/projects/acme-dns-prod/managedZones/dev", format.CloudDNSZone{}, false},
		{"projects/acme-dns-prod/managedZones/dev/rrsets", format.CloudDNSZone{}, false},
	} {
		got, ok := format.ParseCloudDNSZoneID(tc.id)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseCloudDNSZoneID(%q) = %+v, %v; want %+v, %v", tc.id, got, ok, tc.want, tc.ok)
		}
		if ok && got.String() != tc.id {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), tc.id)
		}
	}
}

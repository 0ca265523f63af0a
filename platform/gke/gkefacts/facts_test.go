package gkefacts_test

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

func TestDNSZoneIDCheck(t *testing.T) {
	check := gkefacts.Facts.DNSZoneID.Check
	notAProject := `not a GCP project ID; on GCP dnsZone.id is the ID of the project that hosts the Cloud DNS zone, e.g. "acme-dns-prod"`
	for _, tc := range []struct {
		name, id, want string
	}{
		{"a project ID", "acme-dns-prod", ""},
		{"a domain-scoped project ID", "example.com:acme-dns-prod", ""},
		{"a zone's resource path", "projects/acme-dns-prod/managedZones/dev", notAProject},
		{"capitals", "Acme-DNS-Prod", notAProject},
		{"too short", "acme", notAProject},
		{"empty", "", notAProject},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The zone's name plays no part on GCP: the ID names a project.
			if got := check(tc.id, "dev.example.com"); got != tc.want {
				t.Errorf("DNSZoneID.Check(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
}

func TestZones(t *testing.T) {
	zones := gkefacts.Facts.Zones
	all := []string{"a", "b", "c", "d", "e", "f"}
	for _, tc := range []struct {
		region    string
		in, valid []string
	}{
		// A pool spreads over the first three of its region's zones.
		{"us-central1", []string{"a", "b", "c"}, []string{"a", "b", "c", "f"}},
		{"europe-west1", []string{"b", "c", "d"}, []string{"b", "c", "d"}},
		{"europe-west4", []string{"a", "b", "c"}, []string{"a", "b", "c"}},
		// A region Plinth does not list, or none: b, c and d by default,
		// and every zone name is accepted.
		{"mars-north1", []string{"b", "c", "d"}, all},
		{"", []string{"b", "c", "d"}, all},
	} {
		t.Run(tc.region, func(t *testing.T) {
			if got := zones.In(tc.region); !reflect.DeepEqual(got, tc.in) {
				t.Errorf("Zones.In(%q) = %v, want %v", tc.region, got, tc.in)
			}
			if got := zones.Valid(tc.region); !reflect.DeepEqual(got, tc.valid) {
				t.Errorf("Zones.Valid(%q) = %v, want %v", tc.region, got, tc.valid)
			}
		})
	}
	// The results are copies: a caller that changes them changes no fact.
	zones.In("us-central1")[0] = "z"
	zones.Valid("us-central1")[0] = "z"
	zones.In("")[0] = "z"
	zones.Valid("")[0] = "z"
	if got := zones.Valid("us-central1"); !reflect.DeepEqual(got, []string{"a", "b", "c", "f"}) {
		t.Errorf("us-central1's zones became %v after a caller changed a result", got)
	}
	if got, want := zones.In(""), []string{"b", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("the default zones became %v after a caller changed a result", got)
	}
	if got := zones.Valid(""); !reflect.DeepEqual(got, all) {
		t.Errorf("the zone names became %v after a caller changed a result", got)
	}
}

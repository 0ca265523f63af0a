package gkefacts_test

import (
	"reflect"
	"testing"

	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

func TestDNSZoneIDCheck(t *testing.T) {
	check := gkefacts.Facts.DNSZoneID.Check
	want := `the Cloud DNS managed zone's resource name, projects/<project>/managedZones/<zone name>, e.g. "projects/acme-dns-prod/managedZones/dev-acme-example" (gcloud dns managed-zones list --project <project>; the zone name is not its DNS name)`
	notAZone := "not a Cloud DNS zone; on GCP dnsZone.id is " + want
	for _, tc := range []struct {
		name, id, want string
	}{
		{"a zone's resource name", "projects/acme-dns-prod/managedZones/dev-acme-example", ""},
		{"in a domain-scoped project", "projects/example.com:acme-dns-prod/managedZones/dev", ""},
		{"a project alone", "acme-dns-prod", "a project alone does not say which zone cert-manager may change; on GCP dnsZone.id is " + want + ": write projects/acme-dns-prod/managedZones/<zone name>"},
		{"the zone's DNS name", "projects/acme-dns-prod/managedZones/dev.example.com", notAZone},
		{"capitals", "projects/Acme-DNS-Prod/managedZones/dev", notAZone},
		{"empty", "", notAZone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The zone's DNS name plays no part on GCP: the managed zone's
			// name is free.
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

package platform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

func TestZonesFollowTheRegion(t *testing.T) {
	z := platform.Zones{
		Names:    []string{"a", "b", "c", "d", "f"},
		ByRegion: map[string][]string{"r4": {"a", "b", "c", "f"}, "r2": {"a", "b"}},
		Default:  []string{"b", "c", "d"},
	}
	for _, tc := range []struct {
		region    string
		in, valid []string
	}{
		{"r4", []string{"a", "b", "c"}, []string{"a", "b", "c", "f"}}, // as many as Default
		{"r2", []string{"a", "b"}, []string{"a", "b"}},                // fewer than Default: all of them
		{"elsewhere", []string{"b", "c", "d"}, []string{"a", "b", "c", "d", "f"}},
		{"", []string{"b", "c", "d"}, []string{"a", "b", "c", "d", "f"}},
	} {
		if got := z.In(tc.region); !slices.Equal(got, tc.in) {
			t.Errorf("In(%q) = %v, want %v", tc.region, got, tc.in)
		}
		if got := z.Valid(tc.region); !slices.Equal(got, tc.valid) {
			t.Errorf("Valid(%q) = %v, want %v", tc.region, got, tc.valid)
		}
	}
	// The answers are copies: changing one changes no fact.
	z.In("r4")[0] = "x"
	z.Valid("elsewhere")[0] = "x"
	if z.ByRegion["r4"][0] != "a" || z.Names[0] != "a" {
		t.Error("In or Valid returned the facts' own slice")
	}
}

func TestIDFormatWithoutAValidatorRefusesSpaces(t *testing.T) {
	var f platform.IDFormat
	for id, want := range map[string]bool{"payments": true, "pay ments": false, "": false, "a\tb": false} {
		if got := f.Check(id); got != want {
			t.Errorf("Check(%q) = %v, want %v", id, got, want)
		}
	}
	upper := platform.IDFormat{Valid: func(s string) bool { return strings.ToUpper(s) == s }}
	if upper.Check("abc") || !upper.Check("ABC") {
		t.Error("Check does not use Valid")
	}
}

func TestCloudsAreRegisteredOnce(t *testing.T) {
	facts := platform.CloudFacts{Cloud: "test-once", Service: "Test"}
	platform.RegisterCloud(facts)
	got, err := platform.LookupCloud("test-once")
	if err != nil || got.Service != "Test" {
		t.Fatalf("LookupCloud = %+v, %v", got, err)
	}
	if !slices.Contains(platform.RegisteredClouds(), "test-once") {
		t.Errorf("RegisteredClouds() = %v", platform.RegisteredClouds())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a second registration of one cloud does not panic")
			}
		}()
		platform.RegisterCloud(facts)
	}()
	_, err = platform.LookupCloud("aws")
	if err == nil || !strings.Contains(err.Error(), `no backend for cloud "aws" is linked; use`) || !strings.Contains(err.Error(), `"test-once" (Test)`) {
		t.Errorf("LookupCloud(aws) = %v; want the linked clouds named", err)
	}
	// A test backend's cloud is no suggestion while a real one is linked.
	platform.RegisterCloud(platform.CloudFacts{Cloud: "test-stand-in", Service: "Stand-in", StandIn: true})
	if _, err = platform.LookupCloud("aws"); err == nil || strings.Contains(err.Error(), "test-stand-in") || !strings.Contains(err.Error(), `"test-once" (Test)`) {
		t.Errorf("LookupCloud(aws) = %v; want the linked clouds but the stand-in named", err)
	}
}

// regional is a backend in a region.
type regional struct{ cloud platform.Cloud }

func (r regional) Cloud() platform.Cloud { return r.cloud }
func (regional) Region() string          { return "north-1" }

func TestTargetOfABackend(t *testing.T) {
	platform.RegisterCloud(platform.CloudFacts{Cloud: "test-target", MachineType: "m"})
	got, err := platform.TargetOf(regional{"test-target"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cloud.MachineType != "m" || got.Region != "north-1" || !got.Production || got.Lock {
		t.Errorf("TargetOf = %+v", got)
	}
	if _, err := platform.TargetOf(regional{"nowhere"}, false); err == nil {
		t.Error("TargetOf a backend of an unlinked cloud: no error")
	}
	if _, err := platform.TargetOf(nil, false); err == nil {
		t.Error("TargetOf(nil): no error")
	}
}

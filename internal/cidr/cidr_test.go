package cidr

import (
	"net/netip"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		wantErr string
	}{
		{"10.20.0.0/16", ""},
		{"10.20.1.0/16", "host bits are set; the range starts at 10.20.0.0/16"},
		{"10.20.0.0/33", "not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16"},
		{"10.20.0.0", "not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16"},
		{"fd00::/64", "only IPv4 ranges are supported"},
	} {
		_, err := Parse(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.wantErr {
			t.Errorf("Parse(%q) error = %q, want %q", tc.in, got, tc.wantErr)
		}
	}
}

func TestContainsAndOverlaps(t *testing.T) {
	outer := netip.MustParsePrefix("10.20.0.0/16")
	for _, tc := range []struct {
		inner             string
		contains, overlap bool
	}{
		{"10.20.4.0/22", true, true},
		{"10.20.0.0/16", true, true},
		{"10.0.0.0/8", false, true},
		{"10.21.0.0/24", false, false},
	} {
		in := netip.MustParsePrefix(tc.inner)
		if got := Contains(outer, in); got != tc.contains {
			t.Errorf("Contains(%s, %s) = %v", outer, in, got)
		}
		if got := Overlaps(outer, in); got != tc.overlap {
			t.Errorf("Overlaps(%s, %s) = %v", outer, in, got)
		}
	}
}

func TestCarve(t *testing.T) {
	p := netip.MustParsePrefix("10.20.0.0/16")
	for _, tc := range []struct {
		bits, index int
		want        string
		wantErr     bool
	}{
		{18, 0, "10.20.0.0/18", false},
		{21, 8, "10.20.64.0/21", false},
		{21, 9, "10.20.72.0/21", false},
		{18, 4, "", true},
		{15, 0, "", true},
	} {
		got, err := Carve(p, tc.bits, tc.index)
		if (err != nil) != tc.wantErr {
			t.Fatalf("Carve(/%d, %d) err = %v", tc.bits, tc.index, err)
		}
		if err == nil && got.String() != tc.want {
			t.Errorf("Carve(/%d, %d) = %s, want %s", tc.bits, tc.index, got, tc.want)
		}
	}
	if Size(netip.MustParsePrefix("10.0.0.0/24")) != 256 {
		t.Error("Size(/24) != 256")
	}
}

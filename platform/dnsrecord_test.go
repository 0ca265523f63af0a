package platform_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func TestDNSRecordHost(t *testing.T) {
	for host, want := range map[string]bool{
		"@": true, "shop": true, "*": true, "*.shop": true, "_dnsauth.shop": true, "_acme-challenge": true, "a.b.c": true,
		"": false, "shop.*": false, "Shop": false, "shop.": false, ".shop": false, "-shop": false, "__x": false, "@.shop": false,
		strings.Repeat("a", 64): false,
	} {
		if got := platform.DNSRecordHost(host); got != want {
			t.Errorf("DNSRecordHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestKnownStrings(t *testing.T) {
	if got, ok := platform.KnownStrings(pulumi.ToStringArray([]string{"a", "b"})); !ok || !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("plain strings: %q, %v", got, ok)
	}
	if _, ok := platform.KnownStrings(pulumi.StringArray{pulumi.String("a").ToStringOutput()}); ok {
		t.Errorf("an output element is not known")
	}
	if _, ok := platform.KnownStrings(pulumi.StringArray{}.ToStringArrayOutput()); ok {
		t.Errorf("an array output is not known")
	}
}

func TestTXTChunks(t *testing.T) {
	long := strings.Repeat("x", 600)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{"v=spf1 -all", []string{"v=spf1 -all"}},
		{long, []string{long[:255], long[255:510], long[510:]}},
	} {
		if got := platform.TXTChunks(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TXTChunks(%d bytes) = %d chunks, want %d", len(tc.in), len(got), len(tc.want))
		}
	}
}

// TestDNSRecordSpecValidateValues: values known before deployment are
// checked with the spec; values that are outputs are not.
func TestDNSRecordSpecValidateValues(t *testing.T) {
	s := platform.DNSRecordSpec{
		Name: "shop", Zone: pulumi.String("zone"), Domain: "prod.example.com", Host: "shop", Type: "CNAME",
		Values: pulumi.ToStringArray([]string{"edge.example.net"}), TTLSeconds: 300,
	}
	want := `dnsRecord.values[0] "edge.example.net": not a host name ending in "."; write the target's full name, e.g. "shop.edge.example.net."`
	if err := s.Validate("dnsRecord").Err(); err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	s.Values = pulumi.StringArray{}.ToStringArrayOutput()
	if err := s.Validate("dnsRecord").Err(); err != nil {
		t.Errorf("output values: %v", err)
	}
}

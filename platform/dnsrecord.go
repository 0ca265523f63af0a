package platform

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// DNS record limits every DNSBackend checks.
const (
	// MinDNSRecordTTL is the shortest DNSRecordSpec.TTLSeconds: a minute.
	MinDNSRecordTTL = 60
	// MaxDNSRecordTTL is the longest DNSRecordSpec.TTLSeconds: a day.
	MaxDNSRecordTTL = 86400
	// DNSRecordHostRule says what DNSRecordSpec.Host takes, for messages.
	DNSRecordHostRule = `"@" for the zone's apex, or dot-separated labels relative to the zone, each a DNS label (1-63 lowercase letters, digits and '-', starting and ending with a letter or digit) or '_' followed by one ("_dnsauth"), the first possibly "*" for a wildcard`
)

// Validate checks what every DNSBackend needs of a record spec before it
// registers anything, and returns every problem at once under path: the
// name, the zone, the host, the type, the TTL and, when they are
// known (a pulumi.StringArray of plain strings), the values
// (DNSRecordValues). Values that are outputs are checked by the backend
// once known.
func (s DNSRecordSpec) Validate(path field.Path) field.List {
	var errs field.List
	// The name is the record's Pulumi name only: no cloud name derives
	// from it (the record's own name is Host), so it has no length limit.
	if s.Name == "" {
		errs.Add(field.Required(path.Child("name"), "the record's Pulumi name, e.g. \"<component>-<host>-record\""))
	}
	if s.Zone == nil {
		errs.Add(field.Required(path.Child("zone"), "the ID of the zone the record goes in: DNSZonesOutputs.ZoneID, or PrivateZoneID for a private record"))
	}
	if !format.Hostname(s.Domain, false) {
		errs.Addf(path.Child("domain"), s.Domain, "not a DNS domain: use %s, the DNS name of the zone named by zone", format.HostnameRule)
	}
	if !DNSRecordHost(s.Host) {
		errs.Addf(path.Child("host"), s.Host, "not a record name: use %s", DNSRecordHostRule)
	} else if s.Host != "@" && format.Hostname(s.Domain, false) && len(s.Host)+1+len(s.Domain) > format.MaxHostname {
		errs.Addf(path.Child("host"), s.Host, "%s.%s is longer than %d characters; shorten the host", s.Host, s.Domain, format.MaxHostname)
	}
	typeOK := slices.Contains(DNSRecordTypes, s.Type)
	if !typeOK {
		errs.Addf(path.Child("type"), s.Type, "use one of %s", strings.Join(DNSRecordTypes, ", "))
	}
	if s.Type == "CNAME" && s.Host == "@" {
		errs.Addf(path.Child("host"), s.Host, "a CNAME cannot be at the zone's apex, where the zone's SOA and NS records are; use an A record, or a host below the apex")
	}
	if s.TTLSeconds < MinDNSRecordTTL || s.TTLSeconds > MaxDNSRecordTTL {
		errs.Addf(path.Child("ttlSeconds"), s.TTLSeconds, "use %d..%d seconds (300 is a common choice)", MinDNSRecordTTL, MaxDNSRecordTTL)
	}
	if s.Values == nil {
		errs.Add(field.Required(path.Child("values"), "the record's data: addresses (A), one host name ending in \".\" (CNAME) or texts (TXT)"))
	} else if values, ok := KnownStrings(s.Values); ok && typeOK {
		errs.Add(DNSRecordValues(path.Child("values"), s.Type, values)...)
	}
	return errs
}

// DNSRecordHost reports whether host is a record name DNSRecordSpec.Host
// takes (DNSRecordHostRule).
func DNSRecordHost(host string) bool {
	if host == "@" {
		return true
	}
	if host == "" {
		return false
	}
	for i, l := range strings.Split(host, ".") {
		switch {
		case l == "*" && i == 0:
		case format.DNSLabel(strings.TrimPrefix(l, "_")):
		default:
			return false
		}
	}
	return true
}

// DNSRecordValues checks the values of a record of type typ (one of
// DNSRecordTypes), under path: at least one value; A: IPv4 addresses;
// CNAME: exactly one host name ending in "."; TXT: any texts.
func DNSRecordValues(path field.Path, typ string, values []string) []*field.Error {
	if len(values) == 0 {
		return []*field.Error{field.Required(path, "at least one value: a %s record set with no records is no record", typ)}
	}
	var errs field.List
	switch typ {
	case "A":
		for i, v := range values {
			if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
				errs.Addf(path.Index(i), v, "not an IPv4 address; an A record takes addresses such as \"203.0.113.10\"")
			}
		}
	case "CNAME":
		if len(values) != 1 {
			errs.Addf(path, strings.Join(values, ","), "a CNAME takes exactly one host name, not %d; keep one", len(values))
		}
		for i, v := range values {
			if !strings.HasSuffix(v, ".") || !format.Hostname(strings.TrimSuffix(v, "."), false) {
				errs.Addf(path.Index(i), v, "not a host name ending in \".\"; write the target's full name, e.g. \"shop.edge.example.net.\"")
			}
		}
	}
	return errs
}

// KnownStrings returns the strings of in when it is a pulumi.StringArray of
// plain pulumi.String values, known before deployment; false otherwise.
func KnownStrings(in pulumi.StringArrayInput) ([]string, bool) {
	arr, ok := in.(pulumi.StringArray)
	if !ok {
		return nil, false
	}
	out := make([]string, len(arr))
	for i, v := range arr {
		s, ok := v.(pulumi.String)
		if !ok {
			return nil, false
		}
		out[i] = string(s)
	}
	return out, true
}

// TXTChunks splits a TXT value into the character-strings of at most 255
// bytes DNS holds it in, in order; an empty value is one empty string.
func TXTChunks(v string) []string {
	if v == "" {
		return []string{""}
	}
	var out []string
	for len(v) > 255 {
		out = append(out, v[:255])
		v = v[255:]
	}
	return append(out, v)
}

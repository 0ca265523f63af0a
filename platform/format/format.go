package format

import "regexp"

var (
	uuid  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	email = regexp.MustCompile(`^[^@\s:]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$`)
)

// UUID reports whether s is a UUID in its 8-4-4-4-12 hexadecimal form,
// in either case: an Azure subscription, tenant or Entra object ID.
func UUID(s string) bool { return uuid.MatchString(s) }

// Email reports whether s is an e-mail address with a dotted domain and
// no whitespace or ':' (so that "group:" prefixes are never taken for
// part of it): a Google user's or group's address.
func Email(s string) bool { return email.MatchString(s) }

// MaxDNSLabel is the longest DNS label (RFC 1123): a Kubernetes namespace
// or object name of that kind.
const MaxDNSLabel = 63

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// DNSLabel reports whether s is an RFC 1123 label as Kubernetes takes it
// for namespace names: 1-63 lowercase letters, digits and '-', starting
// and ending with a letter or digit.
func DNSLabel(s string) bool { return len(s) <= MaxDNSLabel && dnsLabel.MatchString(s) }

package format

import "strings"

// MaxHostname is the longest DNS name (RFC 1123), the limit Ingress hosts
// and Gateway API hostnames share.
const MaxHostname = 253

// HostnameRule says what Hostname accepts, for messages.
const HostnameRule = `a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address`

// Hostname reports whether s is a DNS name an Ingress rule or a Gateway
// API route serves: at least two DNS labels (DNSLabel), at most
// MaxHostname characters, not an IPv4 address (a last label of digits
// only). With wildcard, a leading "*." label is accepted too, the form
// both APIs give wildcards ("*.shop.example.com"), before at least two
// labels ("*.com" is refused).
func Hostname(s string, wildcard bool) bool {
	if wildcard {
		s = strings.TrimPrefix(s, "*.")
	}
	if len(s) > MaxHostname {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !DNSLabel(l) {
			return false
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

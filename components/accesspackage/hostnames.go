package accesspackage

import (
	"strings"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Hostnames are written in one of two forms, in Args.Hostnames and in the
// admission policy that holds a team to them (HostnamesPolicyName):
//
//   - an exact name, "shop.example.com", allows that name only;
//   - a wildcard, "*.shop.example.com", allows every name that ends in
//     ".shop.example.com", at any depth ("a.shop.example.com",
//     "a.b.shop.example.com") and as a wildcard itself
//     ("*.a.shop.example.com"), but not "shop.example.com".
//
// HostnameAllowed is that rule in Go; the policy's CEL (allowedHostExpr)
// is the same rule in the API server.

// DefaultHostnames are a team's hostnames when Args.Hostnames is unset and
// the catalog has a Domain: "<team>.<domain>" and "*.<team>.<domain>".
// Without a domain there is none.
func DefaultHostnames(team, domain string) []string {
	if team == "" || domain == "" {
		return nil
	}
	return []string{team + "." + domain, "*." + team + "." + domain}
}

// HostnameAllowed reports whether host (a name or a wildcard, as an
// Ingress rule or an HTTPRoute lists it) is allowed by one of patterns
// (a team's hostnames).
func HostnameAllowed(patterns []string, host string) bool {
	for _, p := range patterns {
		if covers(p, host) {
			return true
		}
	}
	return false
}

// covers reports whether pattern allows host: the same name, or a
// wildcard "*.<suffix>" and a host ending in ".<suffix>".
func covers(pattern, host string) bool {
	return pattern == host || strings.HasPrefix(pattern, "*.") && strings.HasSuffix(host, pattern[1:])
}

// hostnamesOverlap reports whether two teams' hostnames a and b would
// claim a common name: one covers the other.
func hostnamesOverlap(a, b string) bool { return covers(a, b) || covers(b, a) }

// checkHostnames checks a team's hostnames: each a hostname or a wildcard
// (format.Hostname), listed once.
func checkHostnames(p field.Path, hostnames []string) field.List {
	var errs field.List
	seen := map[string]int{}
	for i, h := range hostnames {
		hp := p.Index(i)
		switch {
		case strings.ToLower(h) != h && format.Hostname(strings.ToLower(h), true):
			errs.Addf(hp, h, "write hostnames in lowercase, as Ingresses and HTTPRoutes must, e.g. %q", strings.ToLower(h))
		case !format.Hostname(h, true):
			errs.Addf(hp, h, "not a hostname: use %s, e.g. \"shop.example.com\", or a wildcard \"*.shop.example.com\" for the names below it", format.HostnameRule)
		default:
			if j, dup := seen[h]; dup {
				errs.Addf(hp, h, "repeats %s; list each hostname once", p.Index(j))
				continue
			}
			seen[h] = i
		}
	}
	return errs
}

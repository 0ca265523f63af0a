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

package format

import (
	"regexp"
	"strings"
)

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

// gcpProject is a Google Cloud project ID: 6-30 lowercase letters, digits
// and hyphens, starting with a letter and not ending with a hyphen.
var (
	gcpProject = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
	gcpDomain  = regexp.MustCompile(`^[a-z0-9.-]+$`)
)

// ProjectID reports whether s is a Google Cloud project ID; with scoped, a
// domain-scoped one ("example.com:my-project") is one too.
func ProjectID(s string, scoped bool) bool {
	if domain, id, ok := strings.Cut(s, ":"); ok && scoped {
		return gcpDomain.MatchString(domain) && gcpProject.MatchString(id)
	}
	return gcpProject.MatchString(s)
}

// AzureDNSZone is an Azure DNS zone's resource ID, parsed.
type AzureDNSZone struct {
	Subscription, ResourceGroup, Name string
}

// ParseAzureDNSZoneID parses /subscriptions/<s>/resourceGroups/<g>/
// providers/Microsoft.Network/dnszones/<zone>, the resource ID of a public
// Azure DNS zone; ARM IDs are case-insensitive.
func ParseAzureDNSZoneID(id string) (AzureDNSZone, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 9 || parts[0] != "" {
		return AzureDNSZone{}, false
	}
	for i, want := range map[int]string{1: "subscriptions", 3: "resourceGroups", 5: "providers", 6: "Microsoft.Network", 7: "dnszones"} {
		if !strings.EqualFold(parts[i], want) {
			return AzureDNSZone{}, false
		}
	}
	z := AzureDNSZone{Subscription: parts[2], ResourceGroup: parts[4], Name: parts[8]}
	if z.Subscription == "" || z.ResourceGroup == "" || z.Name == "" {
		return AzureDNSZone{}, false
	}
	return z, true
}

// CloudDNSZone is a Cloud DNS managed zone's resource name, parsed.
type CloudDNSZone struct {
	// Project is the ID of the project that hosts the zone (possibly
	// domain-scoped); Name is the managed zone's name, not its DNS name.
	Project, Name string
}

// cloudDNSZoneName is a managed zone's name as Cloud DNS takes it: 1-63
// lowercase letters, digits and '-', a letter first, not ending with '-'.
var cloudDNSZoneName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// CloudDNSZoneName reports whether s is a Cloud DNS managed zone name.
func CloudDNSZoneName(s string) bool { return cloudDNSZoneName.MatchString(s) }

// ParseCloudDNSZoneID parses projects/<project>/managedZones/<zone>, the
// resource name of a Cloud DNS managed zone: the project ID (plain or
// domain-scoped) and the zone's name.
func ParseCloudDNSZoneID(id string) (CloudDNSZone, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 || parts[0] != "projects" || parts[2] != "managedZones" {
		return CloudDNSZone{}, false
	}
	z := CloudDNSZone{Project: parts[1], Name: parts[3]}
	if !ProjectID(z.Project, true) || !CloudDNSZoneName(z.Name) {
		return CloudDNSZone{}, false
	}
	return z, true
}

// String writes the zone as its resource name,
// projects/<project>/managedZones/<zone>.
func (z CloudDNSZone) String() string {
	return "projects/" + z.Project + "/managedZones/" + z.Name
}

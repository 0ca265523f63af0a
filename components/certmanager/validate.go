package certmanager

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Limits enforced by validate.
const (
	maxDNSName      = 253
	productionFloor = 2
)

var (
	dnsLabel       = `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`
	dnsNamePattern = regexp.MustCompile(`^` + dnsLabel + `(\.` + dnsLabel + `)+$`)
	// k8sNamePattern is a Kubernetes object name (DNS-1123 subdomain).
	k8sNamePattern = regexp.MustCompile(`^` + dnsLabel + `(\.` + dnsLabel + `)*$`)
	// gcpProjectPattern is a GCP project ID, optionally domain-scoped
	// ("example.com:my-project").
	gcpProjectPattern = regexp.MustCompile(`^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$`)
)

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(path field.Path, cloud platform.Cloud) field.List {
	var errs field.List
	errs.Add(checkEmail(path.Child("email"), a.Email))

	if z := a.DNSZone; z != nil {
		zp := path.Child("dnsZone")
		nameErr := checkDNSName(zp.Child("name"), z.Name, "the zone's DNS name, e.g. \"dev.example.com\"")
		errs.Add(nameErr)
		name := z.Name
		if nameErr != nil {
			name = "" // compare the ID's zone only with a valid name
		}
		switch {
		case cloud != platform.CloudAzure && cloud != platform.CloudGCP:
			errs.Addf(zp, z.Name, "DNS01 has a solver for Azure DNS and Google Cloud DNS only, and the backend deploys to %s; remove dnsZone to use HTTP01 through ingressClass", cloud)
		case z.ID == nil:
			errs.Add(field.Required(zp.Child("id"), "%s", zoneIDHint[cloud]))
		default:
			// A plain ID is checked now; one known only after deployment
			// is checked when it is known (see checkedZoneID).
			if id, ok := z.ID.(pulumi.String); ok {
				errs.Add(checkZoneID(zp.Child("id"), cloud, string(id), name))
			}
		}
	}

	ic := path.Child("ingressClass")
	switch {
	case a.IngressClass == "" && a.DNSZone == nil:
		errs.Add(field.Required(ic, "without dnsZone, ACME uses HTTP01 through an ingress class; name it (e.g. \"traefik\"), or give dnsZone for DNS01"))
	case a.IngressClass != "" && (len(a.IngressClass) > maxDNSName || !k8sNamePattern.MatchString(a.IngressClass)):
		errs.Addf(ic, a.IngressClass, "not an IngressClass name; use lowercase letters, digits, '-' and '.'")
	}

	errs.Add(checkServer(path.Child("acmeServer"), a.ACMEServer))
	errs.Add(checkServer(path.Child("acmeStagingServer"), a.ACMEStagingServer))

	switch {
	case a.Replicas < 1:
		errs.Addf(path.Child("replicas"), a.Replicas, "must be at least 1; leave it unset for %d", DefaultReplicas)
	case a.Production && a.Replicas < productionFloor:
		errs.Addf(path.Child("replicas"), a.Replicas, "a production cert-manager runs at least %d replicas of the controller, webhook and CA injector, so that a node drain or a zone outage does not stop issuance or block the API server's calls to the webhook", productionFloor)
	}

	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	return errs
}

func checkEmail(p field.Path, email string) *field.Error {
	if email == "" {
		return field.Required(p, "the ACME account's contact address, e.g. \"platform@example.com\"; the ACME server sends expiry and account notices there")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return field.Invalid(p, email, "not an email address; write only the address, e.g. \"platform@example.com\"")
	}
	domain := addr.Address[strings.LastIndex(addr.Address, "@")+1:]
	if !dnsNamePattern.MatchString(strings.ToLower(domain)) {
		return field.Invalid(p, email, "the domain %q is not a DNS name; ACME servers accept only addresses with a resolvable domain", domain)
	}
	return nil
}

func checkDNSName(p field.Path, name, what string) *field.Error {
	switch {
	case name == "":
		return field.Required(p, "%s", what)
	case strings.HasSuffix(name, "."):
		return field.Invalid(p, name, "remove the trailing dot")
	case strings.ToLower(name) != name:
		return field.Invalid(p, name, "write the DNS name in lowercase")
	case len(name) > maxDNSName || !dnsNamePattern.MatchString(name):
		return field.Invalid(p, name, "not a DNS zone name; use dot-separated labels of lowercase letters, digits and '-', e.g. \"dev.example.com\"")
	}
	return nil
}

func checkServer(p field.Path, server string) *field.Error {
	u, err := url.Parse(server)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return field.Invalid(p, server, "an ACME directory must be an https URL, e.g. %q; account keys and orders must not travel in clear text", DefaultACMEServer)
	}
	return nil
}

// zoneIDHint says what the DNS zone ID is on each cloud.
var zoneIDHint = map[platform.Cloud]string{
	platform.CloudAzure: "the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>",
	platform.CloudGCP:   "the ID of the project that hosts the Cloud DNS zone, e.g. \"acme-dns-prod\"",
}

// azureZone is a parsed Azure DNS zone resource ID.
type azureZone struct {
	Subscription, ResourceGroup, Name string
}

// parseAzureZoneID parses /subscriptions/<s>/resourceGroups/<g>/providers/
// Microsoft.Network/dnszones/<zone>; ARM IDs are case-insensitive.
func parseAzureZoneID(id string) (azureZone, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 9 || parts[0] != "" {
		return azureZone{}, false
	}
	for i, want := range map[int]string{1: "subscriptions", 3: "resourceGroups", 5: "providers", 6: "Microsoft.Network", 7: "dnszones"} {
		if !strings.EqualFold(parts[i], want) {
			return azureZone{}, false
		}
	}
	z := azureZone{Subscription: parts[2], ResourceGroup: parts[4], Name: parts[8]}
	if z.Subscription == "" || z.ResourceGroup == "" || z.Name == "" {
		return azureZone{}, false
	}
	return z, true
}

// checkZoneID checks a DNS zone ID for the backend's cloud and, unless
// zoneName is empty, that an Azure ID names that zone.
func checkZoneID(p field.Path, cloud platform.Cloud, id, zoneName string) *field.Error {
	switch cloud {
	case platform.CloudAzure:
		z, ok := parseAzureZoneID(id)
		switch {
		case !ok:
			return field.Invalid(p, id, "not an Azure DNS zone resource ID; use %s (a private DNS zone cannot answer public ACME challenges)", zoneIDHint[cloud])
		case zoneName != "" && !strings.EqualFold(z.Name, zoneName):
			return field.Invalid(p, id, "names the zone %q, but dnsZone.name is %q; pass the ID of the zone you name", z.Name, zoneName)
		}
	case platform.CloudGCP:
		if !gcpProjectPattern.MatchString(id) {
			return field.Invalid(p, id, "not a GCP project ID; on GCP dnsZone.id is %s", zoneIDHint[cloud])
		}
	}
	return nil
}

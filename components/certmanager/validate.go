package certmanager

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
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
)

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(path field.Path, t platform.Target) field.List {
	cloud := t.Cloud
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
		case cloud.DNS01 == "":
			errs.Addf(zp, z.Name, "cert-manager has no DNS01 solver for %s's DNS; remove dnsZone to use HTTP01 through ingressClass", cloud.Name)
		case z.ID == nil:
			errs.Add(field.Required(zp.Child("id"), "%s", cloud.DNSZoneID.Want))
		default:
			// A plain ID is checked now; one known only after deployment
			// is checked when it is known (see checkedZoneID).
			if id, ok := z.ID.(pulumi.String); ok {
				errs.Add(checkZoneID(zp.Child("id"), cloud.DNSZoneID, string(id), name))
			}
		}
	}

	if w := a.Wildcard; w != nil {
		switch {
		case a.DNSZone == nil:
			errs.Addf(path.Child("wildcard"), w.SecretName, "a wildcard certificate is issued through DNS01 in the zone; give dnsZone")
		case !format.DNSLabel(w.Namespace) || !format.DNSLabel(w.SecretName):
			errs.Addf(path.Child("wildcard"), w.Namespace+"/"+w.SecretName, "name a namespace and a Secret, each a DNS label")
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
	case t.Production && a.Replicas < productionFloor:
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

// checkZoneID checks a DNS zone ID against the cloud's form and, unless
// zoneName is empty, that it names that zone.
func checkZoneID(p field.Path, f platform.ZoneIDFormat, id, zoneName string) *field.Error {
	if f.Check == nil {
		return nil
	}
	if why := f.Check(id, zoneName); why != "" {
		return field.Invalid(p, id, "%s", why)
	}
	return nil
}

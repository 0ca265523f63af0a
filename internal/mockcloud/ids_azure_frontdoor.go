package mockcloud

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// frontDoorShapes are the ID shapes of the Azure Front Door resources the
// AKS edge registers (platform/aks/edge.go): a profile's children
// (cdn API 2023-05-01) and the Front Door WAF policy (network API
// 2024-02-01). Keep it sorted by name.
var frontDoorShapes = map[string]shapeKind{
	"afdCustomDomain": fixed(afdCustomDomain),
	"afdEndpoint":     fixed(afdEndpoint),
	"afdOrigin":       fixed(afdOrigin),
	"afdRoute":        fixed(afdRoute),
	"frontDoorWAFPolicy": fixed(withOutputs(arm("Microsoft.Network/frontdoorWebApplicationFirewallPolicies", "policyName"), func(c *call) {
		c.set("resourceState", "Enabled")
	})),
}

var (
	// afdNamePattern is what Front Door accepts as the name of a profile's
	// child (endpoint, origin group, origin, custom domain, route):
	// letters and digits, with single or repeated '-' between them.
	afdNamePattern = regexp.MustCompile(`^[a-zA-Z0-9]+(-*[a-zA-Z0-9])*$`)
	// privateLinkServicePattern is a Private Link service's ARM ID.
	privateLinkServicePattern = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Network/privateLinkServices/[^/]+$`)
)

// afdChild shapes a child of a Front Door profile,
// .../providers/Microsoft.Cdn/profiles/<profile>/<childType>/<name>, after
// Front Door's name check.
func afdChild(childType, nameKey string) shape {
	return func(c *call) (string, error) {
		id, err := armChild("Microsoft.Cdn/profiles", "profileName", childType, nameKey)(c)
		if err != nil {
			return "", err
		}
		if name := c.str(nameKey); !afdNamePattern.MatchString(name) {
			return "", fmt.Errorf("%s %q is not letters and digits with '-' between them", nameKey, name)
		}
		return id, nil
	}
}

// afdEndpoint answers with the endpoint's ARM ID and the host name Front
// Door gives it: <name>-<16 characters>.z01.azurefd.net, the characters
// derived from the endpoint's ID.
func afdEndpoint(c *call) (string, error) {
	id, err := afdChild("afdEndpoints", "endpointName")(c)
	if err != nil {
		return "", err
	}
	hash := strings.ReplaceAll(uuidFrom("afd-endpoint", strings.ToLower(id)), "-", "")[:16]
	c.set("hostName", fmt.Sprintf("%s-%s.z01.azurefd.net", c.str("endpointName"), hash))
	c.set("provisioningState", "Succeeded")
	return id, nil
}

// afdCustomDomain answers with the custom domain's ARM ID and the
// validation token Front Door asks to find in the TXT record
// _dnsauth.<host>, derived from the ID; validation is Pending until Front
// Door finds it.
func afdCustomDomain(c *call) (string, error) {
	id, err := afdChild("customDomains", "customDomainName")(c)
	if err != nil {
		return "", err
	}
	host, err := c.need("hostName")
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(host, "*.") && strIn(objectIn(c.in, "tlsSettings"), "certificateType") == "ManagedCertificate" {
		return "", fmt.Errorf("hostName %q: a wildcard domain takes no managed certificate", host)
	}
	c.set("validationProperties", map[string]any{
		"validationToken": strings.ReplaceAll(uuidFrom("afd-validation", strings.ToLower(id)), "-", ""),
		"expirationDate":  "2026-01-08T00:00:00+00:00",
	})
	c.set("domainValidationState", "Pending")
	return id, nil
}

// afdOrigin answers with the origin's ARM ID,
// .../profiles/<profile>/originGroups/<group>/origins/<name>, after the
// checks Front Door makes: a host name, and a shared private link
// resource that names a Private Link service by its ID and a location.
func afdOrigin(c *call) (string, error) {
	prefix, err := armPrefix(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("profileName", "originGroupName", "originName", "hostName")
	if err != nil {
		return "", err
	}
	if !afdNamePattern.MatchString(in[2]) {
		return "", fmt.Errorf("originName %q is not letters and digits with '-' between them", in[2])
	}
	if link := objectIn(c.in, "sharedPrivateLinkResource"); link != nil {
		if pls := strIn(objectIn(link, "privateLink"), "id"); !privateLinkServicePattern.MatchString(pls) {
			return "", fmt.Errorf("sharedPrivateLinkResource.privateLink.id %q is not a Private Link service's ARM ID", pls)
		}
		if strIn(link, "privateLinkLocation") == "" {
			return "", fmt.Errorf("sharedPrivateLinkResource.privateLinkLocation is not set")
		}
		if m := strIn(link, "requestMessage"); len(m) > 140 {
			return "", fmt.Errorf("sharedPrivateLinkResource.requestMessage is %d characters; Front Door takes at most 140", len(m))
		}
	}
	c.set("name", in[2])
	return fmt.Sprintf("%s/providers/Microsoft.Cdn/profiles/%s/originGroups/%s/origins/%s", prefix, in[0], in[1], in[2]), nil
}

// afdRoute answers with the route's ARM ID,
// .../profiles/<profile>/afdEndpoints/<endpoint>/routes/<name>. Front Door
// refuses an HTTPS redirect on a route that does not accept HTTP.
func afdRoute(c *call) (string, error) {
	prefix, err := armPrefix(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("profileName", "endpointName", "routeName")
	if err != nil {
		return "", err
	}
	if strIn(c.in, "httpsRedirect") == "Enabled" && !slices.Contains(stringsIn(c.in, "supportedProtocols"), "Http") {
		return "", fmt.Errorf("httpsRedirect Enabled needs Http among supportedProtocols")
	}
	c.set("name", in[2])
	return fmt.Sprintf("%s/providers/Microsoft.Cdn/profiles/%s/afdEndpoints/%s/routes/%s", prefix, in[0], in[1], in[2]), nil
}

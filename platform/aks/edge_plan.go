package aks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Azure Front Door settings that are not spec fields.
const (
	// frontDoorSKU is the only tier that reaches an origin through
	// Private Link and takes the managed rule sets and bot protection.
	frontDoorSKU = "Premium_AzureFrontDoor"
	// frontDoorLocation is the location of a Front Door profile, its
	// endpoint and its WAF policy: they are global resources.
	frontDoorLocation = "Global"
	// originResponseTimeoutSeconds is how long Front Door waits for the
	// ingress to answer a forwarded request.
	originResponseTimeoutSeconds = 60
	// endpointNameScope makes the endpoint's host name the same when an
	// endpoint of this name is recreated in the tenant, so that the
	// CNAME records keep pointing at it.
	endpointNameScope = "TenantReuse"
	// probeIntervalSeconds is how often each Front Door point of presence
	// probes the ingress (the portal's default: the probes of every point
	// of presence add up).
	probeIntervalSeconds = 100
	// The origin group's load balancing: 4 samples, 3 of which must
	// succeed, and 50 ms of latency within which origins count as equal.
	lbSampleSize, lbSuccessfulSamples, lbAdditionalLatencyMs = 4, 3, 50
	// privateLinkRequestMessage is the message of Front Door's private
	// endpoint connection request, which the Private Link service's owner
	// sees when approving it (at most 140 characters).
	privateLinkRequestMessage = "Azure Front Door of the Plinth edge %s requests access to the ingress"
	// managedCertificate and minimumTLS are every custom domain's TLS:
	// a certificate Front Door issues and renews, TLS 1.2 or later.
	managedCertificate, minimumTLS = "ManagedCertificate", "TLS12"
	// validationRecordPrefix is the label of the TXT record that proves a
	// custom domain to Front Door: _dnsauth.<host>.
	validationRecordPrefix = "_dnsauth"
	// edgeRecordTTL is the TTL of the edge's DNS records.
	edgeRecordTTL = 3600
	// maxManagedCertificateName is the longest host name a managed
	// certificate can be issued for: the certificate's common name is
	// the host, and X.509 bounds a common name to 64 characters (RFC 5280,
	// ub-common-name); App Service's managed certificates document the
	// same limit.
	maxManagedCertificateName = 64
	// The WAF policy's settings: enabled, its mode by spec.Prevention,
	// inspecting request bodies.
	wafEnabled, wafPrevention, wafDetection = "Enabled", "Prevention", "Detection"
	// The managed rule sets: Microsoft's default rule set (OWASP-based;
	// 2.x takes a rule set action and scores anomalies) and the bot
	// manager rule set.
	defaultRuleSet, defaultRuleSetVersion, defaultRuleSetAction = "Microsoft_DefaultRuleSet", "2.1", "Block"
	botRuleSet, botRuleSetVersion                               = "Microsoft_BotManagerRuleSet", "1.1"
	// The rate limit: a custom rule counting requests per client address
	// (the default grouping) over one minute, matching every IPv4 and
	// IPv6 address, blocking above the threshold.
	rateLimitRuleName, rateLimitRuleType = "ratelimit", "RateLimitRule"
	rateLimitPriority, rateLimitMinutes  = 100, 1
	rateLimitAction                      = "Block"
	// securityPolicyType is a security policy that applies a WAF policy.
	securityPolicyType = "WebApplicationFirewall"
)

// rateLimitAddresses match every client: all of IPv4 and of IPv6.
var rateLimitAddresses = []string{"0.0.0.0/0", "::/0"}

// wafNamePattern is what Azure accepts as a Front Door WAF policy name:
// a letter, then letters and digits, at most 128 characters.
var wafNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,127}$`)

// edgePlan is the cloud-side shape of an EdgeSpec on Azure: every name and
// setting, computed without Pulumi so it can be table-tested. The Private
// Link service's ID and the ingress's address are not in it: they depend
// on outputs (the node resource group's ID, the Service's status).
type edgePlan struct {
	// Profile is the Front Door profile's Pulumi and Azure name,
	// "<name>-edge"; SKU Premium_AzureFrontDoor.
	Profile, SKU string
	// Endpoint is the endpoint's Pulumi and Azure name, "<name>-edge".
	Endpoint string
	// OriginGroup and Origin are the origin group's and its one origin's
	// Pulumi and Azure names; ProbePath the path the group's probe GETs
	// over HTTP; HTTPPort and HTTPSPort the ingress's ports.
	OriginGroup, Origin string
	ProbePath           string
	HTTPPort, HTTPSPort int
	// PrivateLink is the Private Link service's name (in the node
	// resource group), PrivateLinkLocation the backend's location and
	// PrivateLinkRequest the message of Front Door's connection request.
	PrivateLink, PrivateLinkLocation, PrivateLinkRequest string
	// Route is the route's Pulumi and Azure name.
	Route string
	// Domains are the custom domains, in spec order.
	Domains []edgeDomainPlan
	// Firewall is the WAF policy's Pulumi name, FirewallAz its Azure name
	// (wafPolicyName).
	Firewall, FirewallAz string
	// Mode is the WAF policy's mode: Prevention when spec.Prevention,
	// Detection otherwise.
	Mode string
	// RateLimit is the requests a minute one client address may send.
	RateLimit int
	// SecurityPolicy is the security policy's Pulumi and Azure name.
	SecurityPolicy string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the profile,
	// the endpoint and the custom domains: spec.Locked.
	Protect bool
	Tags    map[string]string
}

// edgeDomainPlan is one custom domain of the edge and its two records.
type edgeDomainPlan struct {
	// Host is the public host name; Relative the same relative to the
	// zone ("shop" in "prod.example.com").
	Host, Relative string
	// Resource is the custom domain's Pulumi name,
	// "<name>-edge-<relative>" (dots as '-'); Name its Azure name, the
	// host with dots as '-'.
	Resource, Name string
	// Validation is the TXT record's logical name,
	// "<name>-<relative>-txt", and ValidationHost its name in the zone,
	// "_dnsauth.<relative>"; CNAME the CNAME record's logical name,
	// "<name>-<relative>-cname", whose name in the zone is Relative.
	Validation, ValidationHost, CNAME string
}

// planEdge checks what Azure needs beyond the contract's checks
// (EdgeSpec.Validate) and plans the edge; location is the backend's.
// Nothing is registered when it fails.
func planEdge(spec platform.EdgeSpec, location string) (edgePlan, error) {
	path := field.NewPath("edge")
	errs := spec.Validate(path)
	if spec.Ingress.PrivateLink == "" {
		errs.Add(field.Required(path.Child("ingress").Child("privateLink"),
			"the Private Link service the ingress's internal load balancer is published as (LoadBalancerSpec.PrivateLink), e.g. %q: Front Door reaches the ingress only through it",
			platform.EdgePrivateLinkName(spec.Name)))
	}
	if spec.Cluster != nil {
		if spec.Cluster.ID.OutputState == nil {
			errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID; the edge goes into its resource group"))
		}
		if spec.Cluster.DiskScope.OutputState == nil {
			errs.Add(field.Required(path.Child("cluster").Child("diskScope"),
				"the ARM ID of the cluster's node resource group, where AKS creates the ingress's Private Link service; pass the outputs the cluster backend returned"))
		}
	}
	names := map[string]int{}
	for i, h := range spec.Hostnames {
		p := path.Child("hostnames").Index(i)
		switch {
		case strings.HasPrefix(h, "*."):
			errs.Addf(p, h, "a wildcard needs a certificate of your own in Key Vault, and Front Door's managed certificates, which the edge uses, are issued for single names only; list each name, e.g. %q", "www"+h[1:])
		case h == spec.Domain:
			errs.Addf(p, h, "the zone's apex cannot be a CNAME to Front Door (it needs an alias record, which the edge does not write); serve a name below it, e.g. %q", "www."+h)
		case len(h) > maxManagedCertificateName:
			errs.Addf(p, h, "is %d characters; a managed certificate's common name takes at most %d, shorten the name", len(h), maxManagedCertificateName)
		}
		slug := strings.ReplaceAll(relativeHost(h, spec.Domain), ".", "-")
		if j, dup := names[slug]; dup && spec.Hostnames[j] != h {
			errs.Addf(p, h, "gives the same resource names as %s (%q); rename one", path.Child("hostnames").Index(j), spec.Hostnames[j])
		}
		names[slug] = i
	}
	n := spec.Name
	if w := wafPolicyName(n); !wafNamePattern.MatchString(w) {
		errs.Addf(path.Child("name"), n, "gives the WAF policy name %q, not a letter followed by at most 127 letters and digits", w)
	}
	if err := errs.Err(); err != nil {
		return edgePlan{}, err
	}
	edge := platform.ChildName(n, "edge")
	p := edgePlan{
		Profile:             edge,
		SKU:                 frontDoorSKU,
		Endpoint:            edge,
		OriginGroup:         platform.ChildName(n, "edge-origins"),
		Origin:              platform.ChildName(n, "edge-ingress"),
		ProbePath:           spec.Ingress.HealthPath,
		HTTPPort:            spec.Ingress.HTTPPort,
		HTTPSPort:           spec.Ingress.HTTPSPort,
		PrivateLink:         spec.Ingress.PrivateLink,
		PrivateLinkLocation: location,
		PrivateLinkRequest:  fmt.Sprintf(privateLinkRequestMessage, n),
		Route:               platform.ChildName(n, "edge-route"),
		Firewall:            platform.ChildName(n, "edge-waf"),
		FirewallAz:          wafPolicyName(n),
		Mode:                wafDetection,
		RateLimit:           spec.RateLimitPerMinute,
		SecurityPolicy:      platform.ChildName(n, "edge-security"),
		Protect:             spec.Locked,
		Tags:                spec.Tags.Merge(),
	}
	if spec.Prevention {
		p.Mode = wafPrevention
	}
	for _, h := range spec.Hostnames {
		rel := relativeHost(h, spec.Domain)
		slug := strings.ReplaceAll(rel, ".", "-")
		res := platform.ChildName(edge, slug)
		p.Domains = append(p.Domains, edgeDomainPlan{
			Host:           h,
			Relative:       rel,
			Resource:       res,
			Name:           strings.ReplaceAll(h, ".", "-"),
			Validation:     edgeRecordName(n, slug, "txt"),
			ValidationHost: validationRecordPrefix + "." + rel,
			CNAME:          edgeRecordName(n, slug, "cname"),
		})
	}
	return p, nil
}

// edgeRecordName is the logical name of the edge name's DNS record of
// kind for the host whose relative name, dots as '-', is slug: it must
// be a logical name (platform.ValidateName) for NewDNSRecord.
func edgeRecordName(name, slug, kind string) string {
	return platform.ChildName(platform.ChildName(name, slug), kind)
}

// relativeHost is host relative to the zone domain: "shop" for
// "shop.prod.example.com" in "prod.example.com".
func relativeHost(host, domain string) string {
	return strings.TrimSuffix(strings.TrimSuffix(host, domain), ".")
}

// wafPolicyName is the Azure name of the edge named name's WAF policy:
// the name without '-', followed by "waf" (Front Door's WAF policies take
// letters and digits only).
func wafPolicyName(name string) string {
	return strings.ReplaceAll(name, "-", "") + "waf"
}

// privateLinkServiceID is the ARM ID of the Private Link service name that
// AKS's cloud provider creates in the node resource group nodeGroupID
// (ClusterOutputs.DiskScope) for the ingress's internal load balancer.
func privateLinkServiceID(nodeGroupID, name string) string {
	return strings.TrimSuffix(nodeGroupID, "/") + "/providers/Microsoft.Network/privateLinkServices/" + name
}

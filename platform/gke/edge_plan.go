package gke

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// The GKE Gateway and Cloud Armor settings of every edge.
const (
	// EdgeGatewayClass is the GatewayClass of the edge's Gateway: GKE's
	// global external Application Load Balancer.
	EdgeGatewayClass = "gke-l7-global-external-managed"
	// EdgeIssuer is the cert-manager ClusterIssuer the edge's certificate
	// comes from: the trusted ACME (Let's Encrypt) issuer that
	// components/certmanager installs (its ProductionIssuerName). A backend
	// imports no component (docs/architecture.md), so the name is repeated
	// here; a test of this package checks that the two agree.
	EdgeIssuer = "letsencrypt-production"
	// EdgeWAFSensitivity is the sensitivity of every preconfigured WAF
	// rule: 1 enables only the signatures of highest confidence (OWASP
	// paranoia level 1), the fewest false positives. Cloud Armor
	// evaluates every signature (sensitivity 4) when none is given.
	EdgeWAFSensitivity = 1
	// EdgeRateLimitInterval is the window, in seconds, over which the
	// firewall counts one client address's requests.
	EdgeRateLimitInterval = 60
	// EdgeMaxHostnames is the most names the edge serves: the names of
	// one certificate, which Let's Encrypt limits to 100.
	EdgeMaxHostnames = 100
)

// EdgeWAFRules are the Cloud Armor preconfigured WAF rules (OWASP CRS
// 3.3) every edge evaluates, in priority order.
var EdgeWAFRules = []string{
	"sqli-v33-stable",
	"xss-v33-stable",
	"lfi-v33-stable",
	"rfi-v33-stable",
	"rce-v33-stable",
	"scannerdetection-v33-stable",
	"protocolattack-v33-stable",
	"sessionfixation-v33-stable",
}

// Cloud Armor rule priorities: the WAF rules first, so that a request
// under the rate limit (which the throttle rule allows, ending the
// evaluation) is still inspected; then the rate limit; then the default
// rule, whose priority is fixed.
const (
	edgeWAFPriority       = 1000
	edgeRateLimitPriority = 2000
	edgeDefaultPriority   = 2147483647
)

// healthPath is what a HealthCheckPolicy takes as requestPath (its CRD's
// pattern).
var healthPath = regexp.MustCompile(`^/[A-Za-z0-9/\-._~%!?$&'()*+,;=:]*$`)

// edgePlan is the cloud-side and cluster-side shape of an EdgeSpec on GCP,
// computed without Pulumi so that it can be table-tested.
type edgePlan struct {
	// Address is the global external IPv4 address, "<name>-edge-address"
	// (Pulumi and GCP name), labeled with the tags; Protect and Retain
	// are spec.Locked.
	Address         addressPlan
	Protect, Retain bool
	// Policy is the Cloud Armor security policy, "<name>-edge-firewall".
	Policy securityPolicyPlan
	// Namespace is the ingress's namespace, where every Kubernetes object
	// of the edge lives; Service the ingress Service, HTTPSPort its port
	// the edge forwards to, HTTPPort the pods' port its health check
	// probes.
	Namespace, Service  string
	HTTPSPort, HTTPPort int
	// Gateway, Certificate, Redirect, Forward, BackendPolicy and
	// HealthCheck are the Kubernetes objects' Pulumi names; GatewayName,
	// SecretName, ... their names in the cluster.
	Gateway, GatewayName             string
	Certificate, CertificateName     string
	SecretName                       string
	Redirect, RedirectName           string
	Forward, ForwardName             string
	BackendPolicy, BackendPolicyName string
	HealthCheck, HealthCheckName     string
	// Hostnames are the names the certificate and the routes carry.
	Hostnames []string
	// HealthPath is the health check's request path.
	HealthPath string
	// Records are the A records, one a hostname, in spec order.
	Records []edgeRecordPlan
}

// addressPlan is the global address: its name, type and IP version.
type addressPlan struct {
	Name, AddressType, IPVersion, Description string
	Labels                                    map[string]string
}

// securityPolicyPlan is a Cloud Armor policy and its rules.
type securityPolicyPlan struct {
	Name, Type, Description string
	Rules                   []armorRulePlan
	// AdaptiveProtection turns on Adaptive Protection's layer-7 DDoS
	// defense.
	AdaptiveProtection bool
}

// armorRulePlan is one rule: Expression (a CEL expression) or, when
// empty, every source address (SRC_IPS_V1 "*").
type armorRulePlan struct {
	Priority    int
	Action      string
	Description string
	Expression  string
	Preview     bool
	// RateLimit is set for the throttle rule.
	RateLimit *rateLimitPlan
}

// rateLimitPlan is a throttle rule's options.
type rateLimitPlan struct {
	Count, IntervalSec          int
	ConformAction, ExceedAction string
	EnforceOnKey                string
}

// edgeRecordPlan is one A record: its logical name and its host relative
// to the zone.
type edgeRecordPlan struct {
	Name, Host string
}

// validateEdge checks spec as every backend does (EdgeSpec.Validate) and
// what the GKE Gateway, Cloud Armor and the DNS records need beyond it,
// and returns every problem at once, before anything is registered.
func validateEdge(spec platform.EdgeSpec, path field.Path) error {
	errs := spec.Validate(path)
	errs = append(errs, spec.Tags.Validate(path.Child("tags"))...)
	if n := len(spec.Hostnames); n > EdgeMaxHostnames {
		errs.Addf(path.Child("hostnames"), n, "the edge serves at most %d names, the names one Let's Encrypt certificate takes; split the names across edges", EdgeMaxHostnames)
	}
	o, p := spec.Ingress, path.Child("ingress")
	if o.Namespace != "" && !format.DNSLabel(o.Namespace) {
		errs.Addf(p.Child("namespace"), o.Namespace, "not a Kubernetes namespace name: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
	}
	if o.Service != "" && !format.DNSLabel(o.Service) {
		errs.Addf(p.Child("service"), o.Service, "not a Kubernetes Service name: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit")
	}
	if o.HTTPPort > 65535 {
		errs.Addf(p.Child("httpPort"), o.HTTPPort, "not a port: use 1..65535, the Service's HTTP port")
	}
	if o.HTTPSPort > 65535 {
		errs.Addf(p.Child("httpsPort"), o.HTTPSPort, "not a port: use 1..65535, the Service's HTTPS port")
	}
	if o.HealthPath != "" && !healthPath.MatchString(o.HealthPath) {
		errs.Addf(p.Child("healthPath"), o.HealthPath, "not a path a GKE health check requests: start with '/' and use letters, digits and /-._~%%!?$&'()*+,;=: only, e.g. \"/ping\"")
	}
	// Each hostname's A record is named after it: two hosts must not give
	// the same name.
	if platform.ValidateName(path.Child("name"), spec.Name) == nil {
		seen := map[string]int{}
		for i, h := range spec.Hostnames {
			if !format.Hostname(h, true) || !platform.InDomain(h, spec.Domain) {
				continue // reported by EdgeSpec.Validate
			}
			name := edgeRecordName(spec.Name, relativeHost(h, spec.Domain))
			hp := path.Child("hostnames").Index(i)
			if j, dup := seen[name]; dup && spec.Hostnames[j] != h {
				errs.Addf(hp, h, "its A record would be named %q, like that of %s; rename one of the hosts", name, path.Child("hostnames").Index(j))
				continue
			}
			seen[name] = i
		}
	}
	return errs.Err()
}

// planEdge maps a validated spec to the edge's resources.
func planEdge(spec platform.EdgeSpec) edgePlan {
	n := spec.Name
	edge := platform.ChildName(n, "edge")
	p := edgePlan{
		Address: addressPlan{
			Name:        platform.ChildName(n, "edge-address"),
			AddressType: "EXTERNAL",
			IPVersion:   "IPV4",
			Description: "Plinth edge " + n + ": the public address of the environment's names",
			Labels:      spec.Tags.Merge(),
		},
		Protect:           spec.Locked,
		Retain:            spec.Locked,
		Policy:            planSecurityPolicy(spec),
		Namespace:         spec.Ingress.Namespace,
		Service:           spec.Ingress.Service,
		HTTPSPort:         spec.Ingress.HTTPSPort,
		HTTPPort:          spec.Ingress.HTTPPort,
		Gateway:           platform.ChildName(n, "edge-gateway"),
		GatewayName:       edge,
		Certificate:       platform.ChildName(n, "edge-certificate"),
		CertificateName:   platform.ChildName(n, "edge"),
		SecretName:        platform.ChildName(n, "edge-tls"),
		Redirect:          platform.ChildName(n, "edge-redirect"),
		RedirectName:      platform.ChildName(n, "edge-redirect"),
		Forward:           platform.ChildName(n, "edge-forward"),
		ForwardName:       platform.ChildName(n, "edge-forward"),
		BackendPolicy:     platform.ChildName(n, "edge-backend-policy"),
		BackendPolicyName: edge,
		HealthCheck:       platform.ChildName(n, "edge-health-check"),
		HealthCheckName:   edge,
		Hostnames:         append([]string(nil), spec.Hostnames...),
		HealthPath:        spec.Ingress.HealthPath,
	}
	for _, h := range spec.Hostnames {
		host := relativeHost(h, spec.Domain)
		p.Records = append(p.Records, edgeRecordPlan{Name: edgeRecordName(n, host), Host: host})
	}
	return p
}

// planSecurityPolicy is the edge's Cloud Armor policy: the WAF rules, the
// rate limit per client address and the default rule that allows the
// rest. Without spec.Prevention every rule but the default is in preview:
// Cloud Armor logs what it would do and lets the request through.
func planSecurityPolicy(spec platform.EdgeSpec) securityPolicyPlan {
	preview := !spec.Prevention
	p := securityPolicyPlan{
		Name:               platform.ChildName(spec.Name, "edge-firewall"),
		Type:               "CLOUD_ARMOR",
		Description:        "Plinth edge " + spec.Name + ": WAF rules (OWASP CRS 3.3), a rate limit per client address",
		AdaptiveProtection: true,
	}
	for i, rule := range EdgeWAFRules {
		p.Rules = append(p.Rules, armorRulePlan{
			Priority:    edgeWAFPriority + i,
			Action:      "deny(403)",
			Description: "WAF " + strings.TrimSuffix(rule, "-v33-stable"),
			Expression:  fmt.Sprintf("evaluatePreconfiguredWaf('%s', {'sensitivity': %d})", rule, EdgeWAFSensitivity),
			Preview:     preview,
		})
	}
	p.Rules = append(p.Rules,
		armorRulePlan{
			Priority:    edgeRateLimitPriority,
			Action:      "throttle",
			Description: fmt.Sprintf("at most %d requests a minute per client address", spec.RateLimitPerMinute),
			Preview:     preview,
			RateLimit: &rateLimitPlan{
				Count:         spec.RateLimitPerMinute,
				IntervalSec:   EdgeRateLimitInterval,
				ConformAction: "allow",
				ExceedAction:  "deny(429)",
				EnforceOnKey:  "IP",
			},
		},
		armorRulePlan{Priority: edgeDefaultPriority, Action: "allow", Description: "default rule"},
	)
	return p
}

// relativeHost is host's name relative to domain: "@" for the apex, "*"
// for a wildcard of the apex, "shop" or "*.shop" below it.
func relativeHost(host, domain string) string {
	if host == domain {
		return "@"
	}
	return strings.TrimSuffix(host, "."+domain)
}

// edgeRecordName is the logical name of the A record of host (relative
// to the zone): "<name>-edge-<host>", with '.' written '-', "*" written
// "wildcard" and the apex "apex", so that adding or removing a name
// changes no other name's record.
func edgeRecordName(name, host string) string {
	switch host {
	case "@":
		host = "apex"
	default:
		host = strings.ReplaceAll(strings.Replace(host, "*", "wildcard", 1), ".", "-")
	}
	return platform.ChildName(name, "edge-"+host)
}

package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// EdgeSpec describes the public edge of an environment: the one way
// traffic from the internet reaches the cluster, through a web
// application firewall, to the platform's internal ingress, which stays
// internal.
type EdgeSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Hostnames are the public host names the edge serves, each in the
	// public zone (Domain or below it): "shop.prod.example.com". A name
	// may be a wildcard ("*.shop.prod.example.com") where the cloud takes
	// one.
	Hostnames []string
	// Domain and ZoneID are the public DNS zone the hostnames live in
	// (DNSZonesOutputs.ZoneID): the backend writes their records there,
	// and the records that prove the names to the cloud's certificate
	// authority.
	Domain string
	ZoneID pulumi.StringInput
	// Cluster and Network are the cluster behind the edge and its network.
	Cluster *ClusterOutputs
	Network ClusterNetwork
	// Ingress is the platform's internal ingress the edge forwards to.
	Ingress EdgeOrigin
	// Prevention makes the firewall block what its rules match (staging
	// and production); otherwise it detects and logs only.
	Prevention bool
	// RateLimitPerMinute is how many requests one client address may send
	// a minute before the firewall refuses it, 100..100000.
	RateLimitPerMinute int
	// Locked protects what the edge's public names depend on and retains
	// it on delete.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// EdgeOrigin is the internal ingress behind an edge: its Kubernetes
// Service, which the edge reaches privately (Azure: the Private Link
// service of its internal load balancer; GCP: the Service's network
// endpoint groups behind a global load balancer).
type EdgeOrigin struct {
	// Namespace and Service name the ingress controller's Service.
	// HTTPSPort is the Service's HTTPS port (appProtocol https), which the
	// edge forwards every request to: the ingress terminates TLS with the
	// environment's wildcard certificate and redirects its plain HTTP port
	// to HTTPS, so an edge must never forward plain HTTP. HTTPPort is the
	// Service's port that serves HealthPath over plain HTTP for the edge's
	// health probes (Traefik's ping, not a route).
	Namespace, Service  string
	HTTPSPort, HTTPPort int
	// HealthPath is the path a health probe of the edge requests over
	// HTTP on HTTPPort, e.g. "/ping".
	HealthPath string
	// PrivateLink names the Private Link service the cloud publishes the
	// ingress's internal load balancer as (LoadBalancerSpec.PrivateLink),
	// where the edge reaches it so (Azure); "" elsewhere.
	PrivateLink string
	// Address is the ingress's internal load-balancer address (the
	// Ingress component's Address), where an edge that reaches the load
	// balancer itself sends its requests (Azure's Private Link origin).
	Address pulumi.StringInput
	// Provider deploys into the cluster, for the Kubernetes objects the
	// edge needs there (GCP's Gateway, its route and policies).
	Provider pulumi.ProviderResource
	// Ready is what the edge's objects in the ingress's namespace, and its
	// origin, wait for: the ingress component, whose namespace, Service and
	// Private Link service they need. nil: nothing.
	Ready pulumi.Resource
}

// EdgeOutputs is what an EdgeBackend returns.
type EdgeOutputs struct {
	// Endpoint is the edge's own address: the Front Door endpoint's host
	// name on Azure, the global load balancer's IP address on GCP.
	Endpoint pulumi.StringOutput
	// Firewall names the web application firewall policy.
	Firewall pulumi.StringOutput
}

// EdgeBackend creates the public edge: on Azure Front Door Premium with a
// WAF policy (managed rule sets, a rate limit) reaching the internal
// ingress through Private Link; on GCP a global external Application Load
// Balancer through the GKE Gateway, with a Cloud Armor policy. The
// ingress's own load balancer stays internal.
type EdgeBackend interface {
	Backend
	NewEdge(ctx *pulumi.Context, spec EdgeSpec, opts ...pulumi.ResourceOption) (*EdgeOutputs, error)
}

// Edge limits.
const (
	// MinEdgeRateLimit and MaxEdgeRateLimit bound
	// EdgeSpec.RateLimitPerMinute.
	MinEdgeRateLimit = 100
	MaxEdgeRateLimit = 100000
)

// Validate checks what every EdgeBackend needs of spec before it
// registers anything, and returns every problem at once under path: the
// logical name, a hostname at least, each a name in Domain, listed once,
// the zone, the cluster, the origin and the rate limit.
func (s EdgeSpec) Validate(path field.Path) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if !format.Hostname(s.Domain, false) {
		errs.Addf(path.Child("domain"), s.Domain, "not a DNS domain: use %s, e.g. \"prod.example.com\"", format.HostnameRule)
	}
	if s.ZoneID == nil {
		errs.Add(field.Required(path.Child("zoneID"), "the public zone's ID (DNSZonesOutputs.ZoneID): the edge writes its names' records there"))
	}
	if len(s.Hostnames) == 0 {
		errs.Add(field.Required(path.Child("hostnames"), "the public host names the edge serves, e.g. \"shop.prod.example.com\""))
	}
	for i, h := range s.Hostnames {
		p := path.Child("hostnames").Index(i)
		switch {
		case !format.Hostname(h, true):
			errs.Addf(p, h, "not a host name: use %s, with an optional leading \"*.\"", format.HostnameRule)
		case !InDomain(h, s.Domain):
			errs.Addf(p, h, "not in the public zone %q; the edge serves only names of the environment's zone", s.Domain)
		}
		for j := range i {
			if s.Hostnames[j] == h {
				errs.Addf(p, h, "repeats %s; list each name once", path.Child("hostnames").Index(j))
				break
			}
		}
	}
	if s.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster behind the edge"))
	}
	o := s.Ingress
	if o.Namespace == "" || o.Service == "" || o.HTTPSPort <= 0 || o.HTTPPort <= 0 || o.HealthPath == "" || o.Address == nil || o.Provider == nil {
		errs.Add(field.Required(path.Child("ingress"), "the internal ingress's Service, namespace, ports, health path, address and the cluster's provider"))
	}
	if r := s.RateLimitPerMinute; r < MinEdgeRateLimit || r > MaxEdgeRateLimit {
		errs.Addf(path.Child("rateLimitPerMinute"), r, "must be %d..%d requests a minute from one client address", MinEdgeRateLimit, MaxEdgeRateLimit)
	}
	return errs
}

// InDomain reports whether host (a name, or a wildcard "*.<name>") is
// domain or a name below it.
func InDomain(host, domain string) bool {
	h := host
	if len(h) > 2 && h[:2] == "*." {
		h = h[2:]
	}
	return h == domain || len(h) > len(domain)+1 && h[len(h)-len(domain)-1:] == "."+domain
}

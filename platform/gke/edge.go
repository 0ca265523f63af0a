package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// edgeRecordTTL is the time to live of the edge's A records, in seconds.
const edgeRecordTTL = 300

// NewEdge creates the public edge of an environment on GCP: a global
// external Application Load Balancer, which GKE builds from a Gateway,
// behind a Cloud Armor policy, in front of the platform's internal
// ingress, which stays internal. In the backend's project:
//
//   - a global external IPv4 address "<name>-edge-address" (its GCP name
//     too), labeled with spec.Tags; with spec.Locked it is protected and
//     retained when it leaves the stack, since the public names, and
//     whoever allows the edge's address, point at it;
//   - a Cloud Armor security policy "<name>-edge-firewall" (type
//     CLOUD_ARMOR; it takes no labels in pulumi-gcp v7.38) with, in
//     priority order: the preconfigured WAF rules EdgeWAFRules (OWASP CRS
//     3.3, evaluatePreconfiguredWaf at EdgeWAFSensitivity), each
//     deny(403); a throttle rule that lets one client address (key IP)
//     send spec.RateLimitPerMinute requests in EdgeRateLimitInterval
//     seconds and answers the rest deny(429); and the default rule,
//     allow, at priority 2147483647. Without spec.Prevention every rule
//     but the default is in preview: Cloud Armor logs what it matches and
//     blocks nothing. Adaptive Protection's layer-7 DDoS defense is on.
//     The WAF rules come before the rate limit because a throttle rule's
//     conform action (allow) ends the evaluation.
//
// In the cluster, through spec.Ingress.Provider, in spec.Ingress.Namespace:
//
//   - a cert-manager Certificate "<name>-edge" of spec.Hostnames, from
//     the ClusterIssuer EdgeIssuer, into the Secret "<name>-edge-tls"
//     (ECDSA P-256, a new key each renewal). A wildcard name needs the
//     issuer's DNS-01 solver (components/certmanager configures one for
//     the environment's zone); an HTTP-01 challenge could not pass the
//     edge, which redirects HTTP to HTTPS;
//   - a Gateway "<name>-edge" of class EdgeGatewayClass on the global
//     address (spec.addresses: NamedAddress), with an HTTPS listener
//     "https" on 443 that terminates TLS with the Secret and an HTTP
//     listener "http" on 80, both admitting routes of their own
//     namespace only, so that no team attaches a route to the public
//     edge. The hostnames are on the routes: a listener takes one
//     hostname, and one listener per port keeps the Gateway unchanged
//     when names come and go;
//   - an HTTPRoute "<name>-edge-redirect" on the HTTP listener that
//     answers every request of the hostnames with a 301 to https;
//   - an HTTPRoute "<name>-edge-forward" on the HTTPS listener that
//     forwards the hostnames' requests to the ingress Service
//     (spec.Ingress.Service) on its HTTPS port (spec.Ingress.HTTPSPort,
//     which declares appProtocol https). The load balancer terminates TLS
//     (it must, to inspect requests) and opens a new TLS connection to the
//     ingress's pods inside the VPC, which hold the environment's wildcard
//     certificate; the ingress routes them by host and path as it does
//     internal traffic, and the teams' routes stay the ingress's. Plain
//     HTTP would meet the ingress's redirect to HTTPS and loop;
//   - a GCPBackendPolicy "<name>-edge" on the ingress Service that
//     attaches the Cloud Armor policy (securityPolicy, by name) to the
//     backend service GKE creates for it;
//   - a HealthCheckPolicy "<name>-edge" on the ingress Service: an HTTP
//     check of spec.Ingress.HealthPath on the pods' port
//     spec.Ingress.HTTPPort (USE_FIXED_PORT: Traefik's ping entry point,
//     which the Service exposes on the same port number for the edge, and
//     which answers whether or not a route matches).
//
// In the public zone spec.ZoneID, through NewDNSRecord: an A record of
// each hostname to the global address ("<name>-edge-<host>", the host
// relative to spec.Domain, "*" for a wildcard, "@" for the apex).
//
// The ingress Service is not changed. The GKE Gateway controller reaches
// its pods through zonal NEGs (container-native load balancing), which
// it creates and manages for the Services its routes reference, so the
// Service needs no cloud.google.com/neg annotation; the cluster is
// VPC-native, with the Gateway API (CHANNEL_STANDARD) and the
// HttpLoadBalancing add-on on (NewCluster). The ingress sees the client's
// address in X-Forwarded-For, after the load balancer's.
//
// Outputs: Endpoint is the global address's IP, Firewall the security
// policy's name.
//
// Everything is validated first (EdgeSpec.Validate under "edge", and what
// the Gateway, Cloud Armor and the records need beyond it), and every
// problem is reported at once, before anything is registered.
func (b *Backend) NewEdge(ctx *pulumi.Context, spec platform.EdgeSpec, opts ...pulumi.ResourceOption) (*platform.EdgeOutputs, error) {
	if err := validateEdge(spec, field.NewPath("edge")); err != nil {
		return nil, err
	}
	plan := planEdge(spec)
	project := pulumi.String(b.cfg.Project)

	address, err := compute.NewGlobalAddress(ctx, plan.Address.Name, &compute.GlobalAddressArgs{
		Project:     project,
		Name:        pulumi.String(plan.Address.Name),
		AddressType: pulumi.String(plan.Address.AddressType),
		IpVersion:   pulumi.String(plan.Address.IPVersion),
		Description: pulumi.String(plan.Address.Description),
		Labels:      pulumi.ToStringMap(plan.Address.Labels),
	}, b.retained(opts, plan.Retain, pulumi.Protect(plan.Protect))...)
	if err != nil {
		return nil, err
	}

	policy, err := compute.NewSecurityPolicy(ctx, plan.Policy.Name, securityPolicyArgs(b.cfg.Project, plan.Policy), b.opts(opts)...)
	if err != nil {
		return nil, err
	}

	k8s := append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(spec.Ingress.Provider))
	if spec.Ingress.Ready != nil {
		// Its objects live in the ingress's namespace and name its Service.
		k8s = append(k8s, pulumi.DependsOn([]pulumi.Resource{spec.Ingress.Ready}))
	}
	meta := func(name string) *metav1.ObjectMetaArgs {
		return &metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: pulumi.String(plan.Namespace)}
	}
	object := func(pulumiName, apiVersion, kind, name string, objSpec pulumi.Map) error {
		_, err := apiextensions.NewCustomResource(ctx, pulumiName, &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String(apiVersion),
			Kind:        pulumi.String(kind),
			Metadata:    meta(name),
			OtherFields: kubernetes.UntypedArgs{"spec": objSpec},
		}, k8s...)
		return err
	}
	hostnames := pulumi.ToStringArray(plan.Hostnames)
	service := pulumi.Map{"group": pulumi.String(""), "kind": pulumi.String("Service"), "name": pulumi.String(plan.Service)}
	sameNamespace := pulumi.Map{"namespaces": pulumi.Map{"from": pulumi.String("Same")}}

	if err := object(plan.Certificate, "cert-manager.io/v1", "Certificate", plan.CertificateName, pulumi.Map{
		"secretName": pulumi.String(plan.SecretName),
		"dnsNames":   hostnames,
		"issuerRef":  pulumi.Map{"name": pulumi.String(EdgeIssuer), "kind": pulumi.String("ClusterIssuer"), "group": pulumi.String("cert-manager.io")},
		"privateKey": pulumi.Map{"algorithm": pulumi.String("ECDSA"), "size": pulumi.Int(256), "rotationPolicy": pulumi.String("Always")},
	}); err != nil {
		return nil, err
	}
	if err := object(plan.Gateway, "gateway.networking.k8s.io/v1", "Gateway", plan.GatewayName, pulumi.Map{
		"gatewayClassName": pulumi.String(EdgeGatewayClass),
		"addresses":        pulumi.MapArray{pulumi.Map{"type": pulumi.String("NamedAddress"), "value": address.Name}},
		"listeners": pulumi.MapArray{
			pulumi.Map{
				"name": pulumi.String("https"), "protocol": pulumi.String("HTTPS"), "port": pulumi.Int(443),
				"tls": pulumi.Map{
					"mode":            pulumi.String("Terminate"),
					"certificateRefs": pulumi.MapArray{pulumi.Map{"group": pulumi.String(""), "kind": pulumi.String("Secret"), "name": pulumi.String(plan.SecretName)}},
				},
				"allowedRoutes": sameNamespace,
			},
			pulumi.Map{
				"name": pulumi.String("http"), "protocol": pulumi.String("HTTP"), "port": pulumi.Int(80),
				"allowedRoutes": sameNamespace,
			},
		},
	}); err != nil {
		return nil, err
	}
	parent := func(section string) pulumi.MapArray {
		return pulumi.MapArray{pulumi.Map{"name": pulumi.String(plan.GatewayName), "sectionName": pulumi.String(section)}}
	}
	if err := object(plan.Redirect, "gateway.networking.k8s.io/v1", "HTTPRoute", plan.RedirectName, pulumi.Map{
		"parentRefs": parent("http"),
		"hostnames":  hostnames,
		"rules": pulumi.MapArray{pulumi.Map{"filters": pulumi.MapArray{pulumi.Map{
			"type":            pulumi.String("RequestRedirect"),
			"requestRedirect": pulumi.Map{"scheme": pulumi.String("https"), "statusCode": pulumi.Int(301)},
		}}}},
	}); err != nil {
		return nil, err
	}
	if err := object(plan.Forward, "gateway.networking.k8s.io/v1", "HTTPRoute", plan.ForwardName, pulumi.Map{
		"parentRefs": parent("https"),
		"hostnames":  hostnames,
		"rules": pulumi.MapArray{pulumi.Map{"backendRefs": pulumi.MapArray{pulumi.Map{
			"name": pulumi.String(plan.Service), "port": pulumi.Int(plan.HTTPSPort),
		}}}},
	}); err != nil {
		return nil, err
	}
	if err := object(plan.BackendPolicy, "networking.gke.io/v1", "GCPBackendPolicy", plan.BackendPolicyName, pulumi.Map{
		"targetRef": service,
		"default":   pulumi.Map{"securityPolicy": policy.Name},
	}); err != nil {
		return nil, err
	}
	if err := object(plan.HealthCheck, "networking.gke.io/v1", "HealthCheckPolicy", plan.HealthCheckName, pulumi.Map{
		"targetRef": service,
		"default": pulumi.Map{"config": pulumi.Map{
			"type": pulumi.String("HTTP"),
			"httpHealthCheck": pulumi.Map{
				"portSpecification": pulumi.String("USE_FIXED_PORT"),
				"port":              pulumi.Int(plan.HTTPPort),
				"requestPath":       pulumi.String(plan.HealthPath),
			},
		}},
	}); err != nil {
		return nil, err
	}

	ip := pulumi.StringArray{address.Address}
	for _, r := range plan.Records {
		if err := b.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: r.Name, Zone: spec.ZoneID, Domain: spec.Domain, Host: r.Host,
			Type: "A", Values: ip, TTLSeconds: edgeRecordTTL,
		}, opts...); err != nil {
			return nil, err
		}
	}
	return &platform.EdgeOutputs{Endpoint: address.Address, Firewall: policy.Name}, nil
}

// securityPolicyArgs are the SDK's arguments of the planned policy p in
// project.
func securityPolicyArgs(project string, p securityPolicyPlan) *compute.SecurityPolicyArgs {
	rules := compute.SecurityPolicyRuleTypeArray{}
	for _, r := range p.Rules {
		match := &compute.SecurityPolicyRuleMatchArgs{}
		if r.Expression != "" {
			match.Expr = &compute.SecurityPolicyRuleMatchExprArgs{Expression: pulumi.String(r.Expression)}
		} else {
			match.VersionedExpr = pulumi.String("SRC_IPS_V1")
			match.Config = &compute.SecurityPolicyRuleMatchConfigArgs{SrcIpRanges: pulumi.ToStringArray([]string{"*"})}
		}
		rule := &compute.SecurityPolicyRuleTypeArgs{
			Priority:    pulumi.Int(r.Priority),
			Action:      pulumi.String(r.Action),
			Description: pulumi.String(r.Description),
			Match:       match,
			Preview:     pulumi.Bool(r.Preview),
		}
		if rl := r.RateLimit; rl != nil {
			rule.RateLimitOptions = &compute.SecurityPolicyRuleRateLimitOptionsArgs{
				ConformAction: pulumi.String(rl.ConformAction),
				ExceedAction:  pulumi.String(rl.ExceedAction),
				EnforceOnKey:  pulumi.String(rl.EnforceOnKey),
				RateLimitThreshold: &compute.SecurityPolicyRuleRateLimitOptionsRateLimitThresholdArgs{
					Count:       pulumi.Int(rl.Count),
					IntervalSec: pulumi.Int(rl.IntervalSec),
				},
			}
		}
		rules = append(rules, rule)
	}
	return &compute.SecurityPolicyArgs{
		Project:     pulumi.String(project),
		Name:        pulumi.String(p.Name),
		Type:        pulumi.String(p.Type),
		Description: pulumi.String(p.Description),
		Rules:       rules,
		AdaptiveProtectionConfig: &compute.SecurityPolicyAdaptiveProtectionConfigArgs{
			Layer7DdosDefenseConfig: &compute.SecurityPolicyAdaptiveProtectionConfigLayer7DdosDefenseConfigArgs{
				Enable: pulumi.Bool(p.AdaptiveProtection),
			},
		},
	}
}

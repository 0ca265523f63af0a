package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

type planProvider struct{ pulumi.ProviderResourceState }

// edgeSpec is production's edge: two names and a wildcard, in prevention,
// locked.
func edgeSpec() platform.EdgeSpec {
	return platform.EdgeSpec{
		Name:      "prod",
		Hostnames: []string{"shop.prod.example.com", "prod.example.com", "*.api.prod.example.com"},
		Domain:    "prod.example.com",
		ZoneID:    pulumi.String("projects/acme-prod/managedZones/prod-example-com"),
		Cluster:   &platform.ClusterOutputs{},
		Ingress: platform.EdgeOrigin{
			Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080,
			HealthPath: "/ping", Address: pulumi.String("10.20.64.10"), Provider: &planProvider{},
		},
		Prevention:         true,
		RateLimitPerMinute: 600,
		Locked:             true,
		Tags:               platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// TestPlanEdge: the address, the Kubernetes objects' names, the routes'
// hostnames and the records, one a hostname named after it.
func TestPlanEdge(t *testing.T) {
	got := planEdge(edgeSpec())
	got.Policy = securityPolicyPlan{} // TestPlanEdgeFirewall
	want := edgePlan{
		Address: addressPlan{
			Name: "prod-edge-address", AddressType: "EXTERNAL", IPVersion: "IPV4",
			Description: "Plinth edge prod: the public address of the environment's names",
			Labels:      map[string]string{"environment": "prod", "managed-by": "plinth"},
		},
		Protect: true, Retain: true,
		Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080,
		Gateway: "prod-edge-gateway", GatewayName: "prod-edge",
		Certificate: "prod-edge-certificate", CertificateName: "prod-edge", SecretName: "prod-edge-tls",
		Redirect: "prod-edge-redirect", RedirectName: "prod-edge-redirect",
		Forward: "prod-edge-forward", ForwardName: "prod-edge-forward",
		BackendPolicy: "prod-edge-backend-policy", BackendPolicyName: "prod-edge",
		HealthCheck: "prod-edge-health-check", HealthCheckName: "prod-edge",
		Hostnames:  []string{"shop.prod.example.com", "prod.example.com", "*.api.prod.example.com"},
		HealthPath: "/ping",
		Records: []edgeRecordPlan{
			{Name: "prod-edge-shop", Host: "shop"},
			{Name: "prod-edge-apex", Host: "@"},
			{Name: "prod-edge-wildcard-api", Host: "*.api"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan\n%+v\nwant\n%+v", got, want)
	}
}

// TestPlanEdgeUnlocked: an unlocked edge's address is neither protected
// nor retained.
func TestPlanEdgeUnlocked(t *testing.T) {
	s := edgeSpec()
	s.Locked = false
	if p := planEdge(s); p.Protect || p.Retain {
		t.Errorf("unlocked edge: protect %v, retain %v", p.Protect, p.Retain)
	}
}

// TestPlanEdgeFirewall: each preconfigured WAF rule denies with 403 in
// prevention and only previews in detection, before the throttle rule
// (600 requests per client address per 60 s, 429 beyond), before the
// default allow.
func TestPlanEdgeFirewall(t *testing.T) {
	for _, prevention := range []bool{true, false} {
		s := edgeSpec()
		s.Prevention = prevention
		p := planEdge(s).Policy
		if p.Name != "prod-edge-firewall" || p.Type != "CLOUD_ARMOR" || !p.AdaptiveProtection {
			t.Errorf("policy %q type %q adaptive %v", p.Name, p.Type, p.AdaptiveProtection)
		}
		names := []string{"sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation"}
		if len(p.Rules) != len(names)+2 {
			t.Fatalf("%d rules, want %d WAF rules, the rate limit and the default", len(p.Rules), len(names))
		}
		for i, n := range names {
			want := armorRulePlan{
				Priority: 1000 + i, Action: "deny(403)", Description: "WAF " + n,
				Expression: "evaluatePreconfiguredWaf('" + n + "-v33-stable', {'sensitivity': 1})",
				Preview:    !prevention,
			}
			if !reflect.DeepEqual(p.Rules[i], want) {
				t.Errorf("prevention %v: rule %d = %+v, want %+v", prevention, i, p.Rules[i], want)
			}
		}
		rate := armorRulePlan{
			Priority: 2000, Action: "throttle", Description: "at most 600 requests a minute per client address",
			Preview:   !prevention,
			RateLimit: &rateLimitPlan{Count: 600, IntervalSec: 60, ConformAction: "allow", ExceedAction: "deny(429)", EnforceOnKey: "IP"},
		}
		if got := p.Rules[len(names)]; !reflect.DeepEqual(got, rate) {
			t.Errorf("prevention %v: rate limit %+v, want %+v", prevention, got, rate)
		}
		def := armorRulePlan{Priority: 2147483647, Action: "allow", Description: "default rule"}
		if got := p.Rules[len(names)+1]; !reflect.DeepEqual(got, def) {
			t.Errorf("prevention %v: default rule %+v, want %+v", prevention, got, def)
		}
	}
}

// TestValidateEdge: every problem at once, each with its field path,
// value and fix.
func TestValidateEdge(t *testing.T) {
	if err := validateEdge(edgeSpec(), field.NewPath("edge")); err != nil {
		t.Fatalf("production edge refused: %v", err)
	}
	s := edgeSpec()
	s.Name = "shop"
	s.Hostnames = []string{"checkout-payments.prod.example.com", "shop.other.example.com", "a-b.prod.example.com", "a.b.prod.example.com"}
	s.Ingress.Namespace = "Ingress"
	s.Ingress.Service = "traefik_web"
	s.Ingress.HTTPPort = 70000
	s.Ingress.HealthPath = "ping"
	s.RateLimitPerMinute = 10
	s.Tags = platform.Tags{"Env": "prod"}
	want := []string{
		`edge.hostnames[1] "shop.other.example.com": not in the public zone "prod.example.com"; the edge serves only names of the environment's zone`,
		`edge.rateLimitPerMinute 10: must be 100..100000 requests a minute from one client address`,
		`edge.tags["Env"] "Env": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
		`edge.ingress.namespace "Ingress": not a Kubernetes namespace name: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
		`edge.ingress.service "traefik_web": not a Kubernetes Service name: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
		`edge.ingress.httpPort 70000: not a port: use 1..65535, the Service's HTTP port`,
		`edge.ingress.healthPath "ping": not a path a GKE health check requests: start with '/' and use letters, digits and /-._~%!?$&'()*+,;=: only, e.g. "/ping"`,
		`edge.hostnames[3] "a.b.prod.example.com": its A record would be named "shop-edge-a-b", like that of edge.hostnames[2]; rename one of the hosts`,
	}
	err := validateEdge(s, field.NewPath("edge"))
	if err == nil {
		t.Fatal("accepted")
	}
	got := strings.Split(err.Error(), "\n")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestValidateEdgeTooManyNames: one certificate takes 100 names.
func TestValidateEdgeTooManyNames(t *testing.T) {
	s := edgeSpec()
	s.Hostnames = nil
	for i := range 101 {
		s.Hostnames = append(s.Hostnames, "h"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+string(rune('a'+i/26))+".prod.example.com")
	}
	err := validateEdge(s, field.NewPath("edge"))
	if err == nil || !strings.Contains(err.Error(), `edge.hostnames 101: the edge serves at most 100 names, the names one Let's Encrypt certificate takes; split the names across edges`) {
		t.Errorf("101 names: %v", err)
	}
}

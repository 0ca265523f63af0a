package gke_test

import (
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	globalAddressType  = "gcp:compute/globalAddress:GlobalAddress"
	securityPolicyType = "gcp:compute/securityPolicy:SecurityPolicy"
	gatewayType        = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
	httpRouteType      = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
	backendPolicyType  = "kubernetes:networking.gke.io/v1:GCPBackendPolicy"
	healthCheckType    = "kubernetes:networking.gke.io/v1:HealthCheckPolicy"
	certificateType    = "kubernetes:cert-manager.io/v1:Certificate"
	edgeZone           = "projects/" + project + "/managedZones/prod-example-com"
)

// edgeResult is a rendered edge: the snapshot, NewEdge's error and its
// resolved outputs.
type edgeResult struct {
	snap *platformtest.Snapshot
	err  error

	mu                 sync.Mutex
	endpoint, firewall string
}

// edgeSpecFor is production's edge on the prod cluster: two names and a
// wildcard in the zone prod.example.com, in prevention, locked, forwarding
// to Traefik in "ingress".
func edgeSpecFor(out *platform.ClusterOutputs, k8s pulumi.ProviderResource) platform.EdgeSpec {
	return platform.EdgeSpec{
		Name:      "prod",
		Hostnames: []string{"shop.prod.example.com", "prod.example.com", "*.api.prod.example.com"},
		Domain:    "prod.example.com",
		ZoneID:    pulumi.String(edgeZone),
		Cluster:   out,
		Ingress: platform.EdgeOrigin{
			Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080,
			HealthPath: "/ping", Address: pulumi.String("10.20.64.10"), Provider: k8s,
		},
		Prevention:         true,
		RateLimitPerMinute: 600,
		Locked:             true,
		Tags:               platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// edgeUnder registers the cluster's Kubernetes provider "edge-kubernetes"
// and, under a component "edge", the edge of edgeSpecFor edited by
// mutate.
func edgeUnder(ctx *pulumi.Context, b *gke.Backend, out *platform.ClusterOutputs, mutate func(*platform.EdgeSpec)) (*platform.EdgeOutputs, error) {
	var k8s testProvider
	if err := ctx.RegisterResource("pulumi:providers:kubernetes", "edge-kubernetes", pulumi.Map{"kubeconfig": out.Kubeconfig}, &k8s); err != nil {
		return nil, err
	}
	parent := &testComponent{}
	if err := ctx.RegisterComponentResource("plinth:test:Edge", "edge", parent); err != nil {
		return nil, err
	}
	spec := edgeSpecFor(out, &k8s)
	if mutate != nil {
		mutate(&spec)
	}
	return b.NewEdge(ctx, spec, pulumi.Parent(parent))
}

// renderEdge renders the prod cluster and its edge (edgeUnder).
func renderEdge(t *testing.T, mutate func(*platform.EdgeSpec)) *edgeResult {
	t.Helper()
	res := &edgeResult{}
	r := renderStack(t, nil, func(ctx *pulumi.Context, b *gke.Backend, _ platform.ClusterSpec, out *platform.ClusterOutputs, _ *rendered) error {
		edge, err := edgeUnder(ctx, b, out, mutate)
		if err != nil {
			res.err = err
			return nil
		}
		capture := func(o pulumi.StringOutput, dst *string) {
			o.ApplyT(func(v string) string { res.mu.Lock(); defer res.mu.Unlock(); *dst = v; return v })
		}
		capture(edge.Endpoint, &res.endpoint)
		capture(edge.Firewall, &res.firewall)
		return nil
	})
	res.snap = r.snap
	return res
}

func prodEdge(t *testing.T) *edgeResult {
	t.Helper()
	r := renderEdge(t, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r
}

// TestEdgeAddress: the global external IPv4 address, labeled, protected
// and retained when locked, under the edge's component; the endpoint is
// its IP and the firewall the policy's name.
func TestEdgeAddress(t *testing.T) {
	r := prodEdge(t)
	a := find(t, r.snap, globalAddressType, "prod-edge-address")
	expect(t, a, "project", project)
	expect(t, a, "name", "prod-edge-address")
	expect(t, a, "addressType", "EXTERNAL")
	expect(t, a, "ipVersion", "IPV4")
	expect(t, a, "labels", map[string]string{"environment": "prod", "managed-by": "plinth"})
	if !a.Protect || !a.RetainOnDelete {
		t.Errorf("locked edge's address: protect %v, retainOnDelete %v", a.Protect, a.RetainOnDelete)
	}
	if p := r.snap.ByURN(a.Parent); p == nil || p.Name != "edge" {
		t.Errorf("address parent %q, want the edge component", a.Parent)
	}
	if ip, err := netip.ParseAddr(r.endpoint); err != nil || !ip.Is4() {
		t.Errorf("endpoint %q: not an IPv4 address", r.endpoint)
	}
	if r.firewall != "prod-edge-firewall" {
		t.Errorf("firewall %q, want prod-edge-firewall", r.firewall)
	}
}

// TestEdgeUnlocked: an unlocked edge's address can be deleted.
func TestEdgeUnlocked(t *testing.T) {
	r := renderEdge(t, func(s *platform.EdgeSpec) { s.Locked = false })
	if r.err != nil {
		t.Fatal(r.err)
	}
	if a := find(t, r.snap, globalAddressType, "prod-edge-address"); a.Protect || a.RetainOnDelete {
		t.Errorf("unlocked edge's address: protect %v, retainOnDelete %v", a.Protect, a.RetainOnDelete)
	}
}

// TestEdgeFirewall: the Cloud Armor policy denies (403) what each
// preconfigured WAF rule matches in prevention and only previews it in
// detection; it throttles each client address at the spec's rate per 60
// s (429 beyond), allows the rest, and has Adaptive Protection on.
func TestEdgeFirewall(t *testing.T) {
	waf := []string{"sqli", "xss", "lfi", "rfi", "rce", "scannerdetection", "protocolattack", "sessionfixation"}
	for _, prevention := range []bool{true, false} {
		r := renderEdge(t, func(s *platform.EdgeSpec) { s.Prevention = prevention })
		if r.err != nil {
			t.Fatal(r.err)
		}
		p := find(t, r.snap, securityPolicyType, "prod-edge-firewall")
		expect(t, p, "project", project)
		expect(t, p, "name", "prod-edge-firewall")
		expect(t, p, "type", "CLOUD_ARMOR")
		expect(t, p, "adaptiveProtectionConfig.layer7DdosDefenseConfig.enable", true)
		rules := platformtest.Input(t, p, "rules")
		if n := len(asList(rules)); n != len(waf)+2 {
			t.Fatalf("%d rules, want %d", n, len(waf)+2)
		}
		for i, name := range waf {
			rule := platformtest.At(t, rules, i)
			want := "evaluatePreconfiguredWaf('" + name + "-v33-stable', {'sensitivity': 1})"
			if got := platformtest.At(t, rule, "match", "expr", "expression"); got != want {
				t.Errorf("rule %d matches %v, want %s", i, got, want)
			}
			if got := platformtest.At(t, rule, "action"); got != "deny(403)" {
				t.Errorf("rule %s: action %v", name, got)
			}
			if got := platformtest.At(t, rule, "preview"); got != !prevention {
				t.Errorf("prevention %v: rule %s preview %v", prevention, name, got)
			}
			if got := platformtest.At(t, rule, "priority"); got != float64(1000+i) {
				t.Errorf("rule %s: priority %v", name, got)
			}
		}
		rate := platformtest.At(t, rules, len(waf))
		if got := platformtest.At(t, rate, "action"); got != "throttle" {
			t.Errorf("rate limit action %v", got)
		}
		if got := platformtest.At(t, rate, "preview"); got != !prevention {
			t.Errorf("prevention %v: rate limit preview %v", prevention, got)
		}
		if got := platformtest.At(t, rate, "priority"); got != float64(2000) {
			t.Errorf("rate limit priority %v", got)
		}
		opts := platformtest.At(t, rate, "rateLimitOptions")
		for k, want := range map[string]any{"conformAction": "allow", "exceedAction": "deny(429)", "enforceOnKey": "IP"} {
			if got := platformtest.At(t, opts, k); got != want {
				t.Errorf("rate limit %s = %v, want %v", k, got, want)
			}
		}
		if got := platformtest.At(t, opts, "rateLimitThreshold", "count"); got != float64(600) {
			t.Errorf("rate limit count %v, want 600", got)
		}
		if got := platformtest.At(t, opts, "rateLimitThreshold", "intervalSec"); got != float64(60) {
			t.Errorf("rate limit interval %v, want 60", got)
		}
		def := platformtest.At(t, rules, len(waf)+1)
		if platformtest.At(t, def, "action") != "allow" || platformtest.At(t, def, "priority") != float64(2147483647) ||
			platformtest.At(t, def, "preview") != false || !equal(platformtest.At(t, def, "match", "config", "srcIpRanges"), []string{"*"}) {
			t.Errorf("default rule %v", def)
		}
	}
}

// k8sObject finds a Kubernetes object of the edge and checks that it goes
// through the cluster's provider, in the ingress's namespace, named name.
func k8sObject(t *testing.T, snap *platformtest.Snapshot, typ, pulumiName, name string) *platformtest.Resource {
	t.Helper()
	r := find(t, snap, typ, pulumiName)
	if !strings.Contains(r.Provider, "::edge-kubernetes::") {
		t.Errorf("%s %s: provider %q, want the cluster's Kubernetes provider", typ, pulumiName, r.Provider)
	}
	expect(t, r, "metadata.name", name)
	expect(t, r, "metadata.namespace", "ingress")
	return r
}

// TestEdgeGateway: a Gateway of GKE's global external class on the global
// address, with an HTTPS listener on 443 terminating TLS with the
// certificate's Secret and an HTTP listener on 80, both admitting routes
// of the ingress's namespace only.
func TestEdgeGateway(t *testing.T) {
	r := prodEdge(t)
	gw := k8sObject(t, r.snap, gatewayType, "prod-edge-gateway", "prod-edge")
	expect(t, gw, "apiVersion", "gateway.networking.k8s.io/v1")
	expect(t, gw, "kind", "Gateway")
	expect(t, gw, "spec.gatewayClassName", "gke-l7-global-external-managed")
	addr := platformtest.At(t, platformtest.Input(t, gw, "spec.addresses"), 0)
	if !reflect.DeepEqual(addr, map[string]any{"type": "NamedAddress", "value": "prod-edge-address"}) {
		t.Errorf("gateway address %v, want the global address by name", addr)
	}
	listeners := platformtest.Input(t, gw, "spec.listeners")
	same := map[string]any{"namespaces": map[string]any{"from": "Same"}}
	https := map[string]any{
		"name": "https", "protocol": "HTTPS", "port": float64(443), "allowedRoutes": same,
		"tls": map[string]any{"mode": "Terminate", "certificateRefs": []any{map[string]any{"group": "", "kind": "Secret", "name": "prod-edge-tls"}}},
	}
	http := map[string]any{"name": "http", "protocol": "HTTP", "port": float64(80), "allowedRoutes": same}
	if !reflect.DeepEqual(listeners, []any{https, http}) {
		t.Errorf("listeners %v,\nwant %v", listeners, []any{https, http})
	}
}

// TestEdgeCertificate: cert-manager issues the hostnames' certificate from
// the production ClusterIssuer into the Gateway's Secret.
func TestEdgeCertificate(t *testing.T) {
	r := prodEdge(t)
	c := k8sObject(t, r.snap, certificateType, "prod-edge-certificate", "prod-edge")
	expect(t, c, "spec.secretName", "prod-edge-tls")
	expect(t, c, "spec.dnsNames", []string{"shop.prod.example.com", "prod.example.com", "*.api.prod.example.com"})
	expectDeep(t, c, "spec.issuerRef", map[string]any{"name": "letsencrypt-production", "kind": "ClusterIssuer", "group": "cert-manager.io"})
	expect(t, c, "spec.privateKey.algorithm", "ECDSA")
}

// TestEdgeIssuerIsCertManagers: the backend names the ClusterIssuer
// components/certmanager installs.
func TestEdgeIssuerIsCertManagers(t *testing.T) {
	if gke.EdgeIssuer != certmanager.ProductionIssuerName {
		t.Errorf("EdgeIssuer %q, certmanager.ProductionIssuerName %q", gke.EdgeIssuer, certmanager.ProductionIssuerName)
	}
}

// TestEdgeRoutes: HTTP redirects to HTTPS; HTTPS goes to the ingress
// Service's HTTP port; both carry the hostnames.
func TestEdgeRoutes(t *testing.T) {
	r := prodEdge(t)
	hosts := []string{"shop.prod.example.com", "prod.example.com", "*.api.prod.example.com"}

	redirect := k8sObject(t, r.snap, httpRouteType, "prod-edge-redirect", "prod-edge-redirect")
	expectDeep(t, redirect, "spec.parentRefs", []any{map[string]any{"name": "prod-edge", "sectionName": "http"}})
	expect(t, redirect, "spec.hostnames", hosts)
	wantRedirect := []any{map[string]any{"filters": []any{map[string]any{
		"type": "RequestRedirect", "requestRedirect": map[string]any{"scheme": "https", "statusCode": float64(301)},
	}}}}
	if got := platformtest.Input(t, redirect, "spec.rules"); !reflect.DeepEqual(got, wantRedirect) {
		t.Errorf("redirect rules %v, want %v", got, wantRedirect)
	}

	forward := k8sObject(t, r.snap, httpRouteType, "prod-edge-forward", "prod-edge-forward")
	expectDeep(t, forward, "spec.parentRefs", []any{map[string]any{"name": "prod-edge", "sectionName": "https"}})
	expect(t, forward, "spec.hostnames", hosts)
	wantForward := []any{map[string]any{"backendRefs": []any{map[string]any{"name": "traefik", "port": float64(443)}}}}
	if got := platformtest.Input(t, forward, "spec.rules"); !reflect.DeepEqual(got, wantForward) {
		t.Errorf("forward rules %v, want %v", got, wantForward)
	}
}

// TestEdgePolicies: the Cloud Armor policy and the health check apply to
// the ingress Service's backend.
func TestEdgePolicies(t *testing.T) {
	r := prodEdge(t)
	service := map[string]any{"group": "", "kind": "Service", "name": "traefik"}

	bp := k8sObject(t, r.snap, backendPolicyType, "prod-edge-backend-policy", "prod-edge")
	expect(t, bp, "apiVersion", "networking.gke.io/v1")
	expectDeep(t, bp, "spec.targetRef", service)
	expect(t, bp, "spec.default.securityPolicy", "prod-edge-firewall")

	hc := k8sObject(t, r.snap, healthCheckType, "prod-edge-health-check", "prod-edge")
	expectDeep(t, hc, "spec.targetRef", service)
	expectDeep(t, hc, "spec.default.config", map[string]any{
		"type":            "HTTP",
		"httpHealthCheck": map[string]any{"portSpecification": "USE_FIXED_PORT", "port": float64(8080), "requestPath": "/ping"},
	})
}

// TestEdgeRefusal: a spec with problems is refused with every problem at
// once, and nothing of the edge is registered.
func TestEdgeRefusal(t *testing.T) {
	r := renderEdge(t, func(s *platform.EdgeSpec) {
		s.Hostnames = []string{"shop.other.example.com"}
		s.Ingress.HealthPath = "ping"
		s.RateLimitPerMinute = 50
	})
	want := `edge.hostnames[0] "shop.other.example.com": not in the public zone "prod.example.com"; the edge serves only names of the environment's zone
edge.rateLimitPerMinute 50: must be 100..100000 requests a minute from one client address
edge.ingress.healthPath "ping": not a path a GKE health check requests: start with '/' and use letters, digits and /-._~%!?$&'()*+,;=: only, e.g. "/ping"`
	if r.err == nil || r.err.Error() != want {
		t.Fatalf("error\n%v\nwant\n%s", r.err, want)
	}
	for _, typ := range []string{globalAddressType, securityPolicyType, gatewayType, httpRouteType, backendPolicyType, healthCheckType, certificateType} {
		for i := range r.snap.Resources {
			if r.snap.Resources[i].Type == typ {
				t.Errorf("refused edge registered %s %s", typ, r.snap.Resources[i].Name)
			}
		}
	}
}

// TestEdgeRecords: an A record of each hostname to the global address in
// the public zone, named after the host.
func TestEdgeRecords(t *testing.T) {
	r := prodEdge(t)
	for name, fqdn := range map[string]string{
		"prod-edge-shop":         "shop.prod.example.com.",
		"prod-edge-apex":         "prod.example.com.",
		"prod-edge-wildcard-api": "*.api.prod.example.com.",
	} {
		rec := find(t, r.snap, "gcp:dns/recordSet:RecordSet", name)
		expect(t, rec, "name", fqdn)
		expect(t, rec, "type", "A")
		expect(t, rec, "ttl", 300)
		expect(t, rec, "managedZone", "prod-example-com")
		expect(t, rec, "project", project)
		expect(t, rec, "rrdatas", []string{r.endpoint})
		if p := r.snap.ByURN(rec.Parent); p == nil || p.Name != "edge" {
			t.Errorf("record %s parent %q, want the edge component", name, rec.Parent)
		}
	}
}

// expectDeep is expect for nested values: maps and lists as the snapshot
// holds them (map[string]any, []any, numbers as float64).
func expectDeep(t *testing.T, r *platformtest.Resource, path string, want any) {
	t.Helper()
	if got := platformtest.Input(t, r, path); !reflect.DeepEqual(got, want) {
		t.Errorf("%s %s: %s = %#v, want %#v", r.Type, r.Name, path, got, want)
	}
}

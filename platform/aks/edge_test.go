package aks_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	cdnAPI      = "azure-native:cdn:"
	wafType     = "azure-native:network/v20240201:Policy"
	recordSets  = "azure-native:network/v20230701preview:RecordSet"
	edgeZone    = rgScope + "/providers/Microsoft.Network/dnszones/prod.example.com"
	edgeProfile = rgScope + "/providers/Microsoft.Cdn/profiles/prod-edge"
)

// edgeRender is what renderEdge resolved.
type edgeRender struct {
	mu                          sync.Mutex
	err                         error
	endpoint, firewall, nodesRG string
}

// renderEdge renders the prod network and cluster of renderCluster and,
// under a test component "edge", an edge "prod" for shop.prod.example.com
// and api.eu.prod.example.com in front of the Service ingress/traefik,
// published as the Private Link service "prod-edge-link", locked as given
// and in prevention mode, changed by mutate.
func renderEdge(t *testing.T, locked bool, mutate func(*platform.EdgeSpec)) (*platformtest.Snapshot, *edgeRender) {
	t.Helper()
	out := &edgeRender{}
	set := func(p *string) func(string) string {
		return func(v string) string { out.mu.Lock(); defer out.mu.Unlock(); *p = v; return v }
	}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, e := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if e != nil {
			return e
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, e := b.NewNetwork(ctx, netSpec)
		if e != nil {
			return e
		}
		cs := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, e := b.NewCluster(ctx, cs)
		if e != nil {
			return e
		}
		cluster.DiskScope.ApplyT(set(&out.nodesRG))
		k8s, e := kubernetes.NewProvider(ctx, "prod-kubernetes", &kubernetes.ProviderArgs{Kubeconfig: cluster.Kubeconfig})
		if e != nil {
			return e
		}
		parent := &testComponent{}
		if e := ctx.RegisterComponentResource("plinth:test:Edge", "edge", parent); e != nil {
			return e
		}
		s := platform.EdgeSpec{
			Name:      "prod",
			Hostnames: []string{"shop.prod.example.com", "api.eu.prod.example.com"},
			Domain:    "prod.example.com",
			ZoneID:    pulumi.String(edgeZone),
			Cluster:   cluster,
			Network:   cs.Network,
			Ingress: platform.EdgeOrigin{
				Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080, HealthPath: "/ping",
				PrivateLink: platform.EdgePrivateLinkName("prod"), Address: pulumi.String("10.20.64.10"), Provider: k8s,
			},
			Prevention:         true,
			RateLimitPerMinute: 600,
			Locked:             locked,
			Tags:               cs.Tags,
		}
		if mutate != nil {
			mutate(&s)
		}
		o, e := b.NewEdge(ctx, s, pulumi.Parent(parent))
		if e != nil {
			out.err = e
			return nil
		}
		o.Endpoint.ApplyT(set(&out.endpoint))
		o.Firewall.ApplyT(set(&out.firewall))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, out
}

// TestEdge: a Front Door Premium profile and endpoint; an origin group
// probing /ping over HTTP; one origin, the ingress Service's private
// address, reached through the Private Link service of the node resource
// group, in the backend's location, passing the request's host and
// checking the certificate; a managed-certificate custom domain per name;
// an HTTPS route on them only; the outputs.
func TestEdge(t *testing.T) {
	snap, out := renderEdge(t, true, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	expect(t, snap.Find(cdnAPI+"Profile", "prod-edge"), map[string]any{
		"profileName": "prod-edge", "resourceGroupName": "prod-rg", "location": "Global",
		"sku.name": "Premium_AzureFrontDoor", "tags.environment": "prod",
	})
	endpoint := snap.Find(cdnAPI+"AFDEndpoint", "prod-edge")
	expect(t, endpoint, map[string]any{"endpointName": "prod-edge", "profileName": "prod-edge", "location": "Global", "enabledState": "Enabled"})
	expect(t, snap.Find(cdnAPI+"AFDOriginGroup", "prod-edge-origins"), map[string]any{
		"healthProbeSettings.probePath":                   "/ping",
		"healthProbeSettings.probeProtocol":               "Http",
		"healthProbeSettings.probeRequestType":            "GET",
		"healthProbeSettings.probeIntervalInSeconds":      100.0,
		"loadBalancingSettings.sampleSize":                4.0,
		"loadBalancingSettings.successfulSamplesRequired": 3.0,
	})

	if !strings.HasPrefix(out.nodesRG, "/subscriptions/"+sub+"/resourceGroups/MC_") {
		t.Fatalf("node resource group %q", out.nodesRG)
	}
	pls := out.nodesRG + "/providers/Microsoft.Network/privateLinkServices/prod-edge-link"
	origin := snap.Find(cdnAPI+"AFDOrigin", "prod-edge-ingress")
	expect(t, origin, map[string]any{
		"originGroupName": "prod-edge-origins", "httpPort": 8080.0, "httpsPort": 443.0,
		"enforceCertificateNameCheck":                   true,
		"sharedPrivateLinkResource.privateLink.id":      pls,
		"sharedPrivateLinkResource.privateLinkLocation": "westeurope",
		"sharedPrivateLinkResource.requestMessage":      "Azure Front Door of the Plinth edge prod requests access to the ingress",
	})
	if host := platformtest.Input(t, origin, "hostName"); host != "10.20.64.10" {
		t.Errorf("origin host %v; want the ingress's private load-balancer address", host)
	}
	for _, absent := range []string{"originHostHeader", "sharedPrivateLinkResource.groupId"} {
		if _, ok := origin.Input(absent); ok {
			t.Errorf("origin sets %s; the request's host must pass, and a Private Link service has no group ID", absent)
		}
	}

	var domainIDs []any
	for _, d := range []struct{ res, name, host string }{
		{"prod-edge-shop", "shop-prod-example-com", "shop.prod.example.com"},
		{"prod-edge-api-eu", "api-eu-prod-example-com", "api.eu.prod.example.com"},
	} {
		expect(t, snap.Find(cdnAPI+"AFDCustomDomain", d.res), map[string]any{
			"customDomainName": d.name, "hostName": d.host, "azureDnsZone.id": edgeZone,
			"tlsSettings.certificateType": "ManagedCertificate", "tlsSettings.minimumTlsVersion": "TLS12",
		})
		domainIDs = append(domainIDs, map[string]any{"id": edgeProfile + "/customDomains/" + d.name})
	}
	expect(t, snap.Find(cdnAPI+"Route", "prod-edge-route"), map[string]any{
		"endpointName": "prod-edge", "originGroup.id": edgeProfile + "/originGroups/prod-edge-origins",
		"customDomains": domainIDs, "linkToDefaultDomain": "Disabled",
		"supportedProtocols": []any{"Http", "Https"}, "httpsRedirect": "Enabled", "forwardingProtocol": "HttpsOnly",
		"patternsToMatch": []any{"/*"},
	})
	if !strings.HasPrefix(out.endpoint, "prod-edge-") || !strings.HasSuffix(out.endpoint, ".z01.azurefd.net") {
		t.Errorf("Endpoint %q; want the endpoint's host name", out.endpoint)
	}
	if out.firewall != "prodwaf" {
		t.Errorf("Firewall %q; want the WAF policy's name prodwaf", out.firewall)
	}
}

// TestEdgeFirewall: the WAF policy's mode follows Prevention; it takes the
// default and bot manager rule sets and rate-limits each client address;
// the security policy applies it to the custom domains and the endpoint.
func TestEdgeFirewall(t *testing.T) {
	for _, prevention := range []bool{true, false} {
		snap, out := renderEdge(t, false, func(s *platform.EdgeSpec) { s.Prevention = prevention })
		if out.err != nil {
			t.Fatal(out.err)
		}
		mode := map[bool]string{true: "Prevention", false: "Detection"}[prevention]
		expect(t, snap.Find(wafType, "prod-edge-waf"), map[string]any{
			"policyName": "prodwaf", "resourceGroupName": "prod-rg", "location": "Global", "sku.name": "Premium_AzureFrontDoor",
			"policySettings.enabledState": "Enabled", "policySettings.mode": mode, "policySettings.requestBodyCheck": "Enabled",
			"managedRules.managedRuleSets": []any{
				map[string]any{"ruleSetType": "Microsoft_DefaultRuleSet", "ruleSetVersion": "2.1", "ruleSetAction": "Block"},
				map[string]any{"ruleSetType": "Microsoft_BotManagerRuleSet", "ruleSetVersion": "1.1"},
			},
			"customRules.rules": []any{map[string]any{
				"name": "ratelimit", "priority": 100.0, "enabledState": "Enabled", "ruleType": "RateLimitRule",
				"rateLimitDurationInMinutes": 1.0, "rateLimitThreshold": 600.0, "action": "Block",
				"matchConditions": []any{map[string]any{
					"matchVariable": "RemoteAddr", "operator": "IPMatch", "matchValue": []any{"0.0.0.0/0", "::/0"},
				}},
			}},
			"tags.environment": "prod",
		})
		wafID := rgScope + "/providers/Microsoft.Network/frontdoorWebApplicationFirewallPolicies/prodwaf"
		expect(t, snap.Find(cdnAPI+"SecurityPolicy", "prod-edge-security"), map[string]any{
			"parameters.type":         "WebApplicationFirewall",
			"parameters.wafPolicy.id": wafID,
			"parameters.associations": []any{map[string]any{
				"domains": []any{
					map[string]any{"id": edgeProfile + "/customDomains/shop-prod-example-com"},
					map[string]any{"id": edgeProfile + "/customDomains/api-eu-prod-example-com"},
					map[string]any{"id": edgeProfile + "/afdEndpoints/prod-edge"},
				},
				"patternsToMatch": []any{"/*"},
			}},
		})
	}
}

// TestEdgeDNSRecords: per name, the TXT record _dnsauth.<name> of the
// custom domain's validation token and the CNAME of the name to the
// endpoint's host name, in the public zone, written once the route
// serves the name.
func TestEdgeDNSRecords(t *testing.T) {
	snap, out := renderEdge(t, false, nil)
	if out.err != nil {
		t.Fatal(out.err)
	}
	var names []string
	for _, r := range snap.OfType(recordSets) {
		names = append(names, r.Name+" "+platformtest.Input(t, r, "recordType").(string)+" "+platformtest.Input(t, r, "relativeRecordSetName").(string))
		expect(t, r, map[string]any{"zoneName": "prod.example.com", "resourceGroupName": "prod-rg", "ttl": 3600.0})
	}
	want := []string{"prod-api-eu-cname CNAME api.eu", "prod-api-eu-txt TXT _dnsauth.api.eu", "prod-shop-cname CNAME shop", "prod-shop-txt TXT _dnsauth.shop"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("records\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	for _, host := range []string{"shop", "api-eu"} {
		txt := snap.Find(recordSets, "prod-"+host+"-txt")
		token, _ := platformtest.Input(t, txt, "txtRecords.0.value.0").(string)
		if len(token) != 32 {
			t.Errorf("%s: TXT %q; want the custom domain's validation token", txt.Name, token)
		}
		cname := snap.Find(recordSets, "prod-"+host+"-cname")
		expect(t, cname, map[string]any{"cnameRecord.cname": out.endpoint})
		if !slicesContain(cname.DependsOn, "plinth:test:Edge$azure-native:cdn:Route::prod-edge-route") {
			t.Errorf("%s depends on %v; want the route, so the name resolves only once Front Door serves it", cname.Name, cname.DependsOn)
		}
	}
}

func slicesContain(urns []string, suffix string) bool {
	for _, u := range urns {
		if strings.HasSuffix(u, suffix) {
			return true
		}
	}
	return false
}

// TestEdgeLocked: locked, the profile, the endpoint and the custom domains
// are protected and retained, and nothing else; unlocked, nothing is.
func TestEdgeLocked(t *testing.T) {
	kept := map[string]bool{
		cdnAPI + "Profile prod-edge": true, cdnAPI + "AFDEndpoint prod-edge": true,
		cdnAPI + "AFDCustomDomain prod-edge-shop": true, cdnAPI + "AFDCustomDomain prod-edge-api-eu": true,
	}
	for _, locked := range []bool{true, false} {
		snap, out := renderEdge(t, locked, nil)
		if out.err != nil {
			t.Fatal(out.err)
		}
		n := 0
		for _, r := range snap.Resources {
			if !r.Custom || !strings.HasPrefix(r.Type, cdnAPI) && r.Type != wafType && r.Type != recordSets {
				continue
			}
			n++
			want := locked && kept[r.Type+" "+r.Name]
			if r.Protect != want || r.RetainOnDelete != want {
				t.Errorf("locked %v: %s %s protect %v retain %v; want %v", locked, r.Type, r.Name, r.Protect, r.RetainOnDelete, want)
			}
			if property, _ := aks.TagsProperty(r.Type); property != "" {
				if tags, _ := r.Input("tags"); platformtest.StringMap(t, tags)["cost-center"] != "cc-1042" {
					t.Errorf("%s %s: tags %v", r.Type, r.Name, tags)
				}
			}
		}
		if n != 13 {
			t.Errorf("%d edge resources; want the profile, endpoint, origin group, origin, 2 custom domains, route, WAF and security policies and 4 records", n)
		}
	}
}

// TestEdgeRefusalRegistersNothing: a refused spec registers no resource of
// the edge and names every problem.
func TestEdgeRefusalRegistersNothing(t *testing.T) {
	snap, out := renderEdge(t, true, func(s *platform.EdgeSpec) {
		s.Hostnames = []string{"*.shop.prod.example.com", "prod.example.com"}
		s.Ingress.PrivateLink = ""
	})
	if out.err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`edge.hostnames[0] "*.shop.prod.example.com": a wildcard needs a certificate of your own in Key Vault`,
		`edge.hostnames[1] "prod.example.com": the zone's apex cannot be a CNAME to Front Door`,
		"edge.ingress.privateLink: required",
	} {
		if !strings.Contains(out.err.Error(), want) {
			t.Errorf("error\n%v\nwant it to contain\n%s", out.err, want)
		}
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Type, cdnAPI) || r.Type == wafType || r.Type == recordSets {
			t.Errorf("%s %s registered for a refused edge", r.Type, r.Name)
		}
	}
}

package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// edgeSpec is a locked edge "prod" in prevention mode for two names of
// prod.example.com, in front of Traefik's Service published as the Private
// Link service "prod-edge-link".
func edgeSpec() platform.EdgeSpec {
	b := backupSpec()
	return platform.EdgeSpec{
		Name:      "prod",
		Hostnames: []string{"shop.prod.example.com", "api.eu.prod.example.com"},
		Domain:    "prod.example.com",
		ZoneID:    pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Network/dnszones/prod.example.com"),
		Cluster:   b.Cluster,
		Network:   testNetwork(),
		Ingress: platform.EdgeOrigin{
			Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080, HealthPath: "/ping",
			PrivateLink: platform.EdgePrivateLinkName("prod"), Address: pulumi.String("10.20.64.10"),
			Provider: &pulumi.ProviderResourceState{},
		},
		Prevention:         true,
		RateLimitPerMinute: 600,
		Locked:             true,
		Tags:               platform.Tags{"environment": "prod"},
	}
}

func TestPlanEdge(t *testing.T) {
	p, err := planEdge(edgeSpec(), "westeurope")
	if err != nil {
		t.Fatal(err)
	}
	want := edgePlan{
		Profile: "prod-edge", SKU: "Premium_AzureFrontDoor", Endpoint: "prod-edge",
		OriginGroup: "prod-edge-origins", Origin: "prod-edge-ingress", ProbePath: "/ping", HTTPPort: 8080, HTTPSPort: 443,
		PrivateLink: "prod-edge-link", PrivateLinkLocation: "westeurope",
		PrivateLinkRequest: "Azure Front Door of the Plinth edge prod requests access to the ingress",

		Route: "prod-edge-route",
		Domains: []edgeDomainPlan{
			{
				Host: "shop.prod.example.com", Relative: "shop", Resource: "prod-edge-shop", Name: "shop-prod-example-com",
				Validation: "prod-shop-txt", ValidationHost: "_dnsauth.shop", CNAME: "prod-shop-cname",
			},
			{
				Host: "api.eu.prod.example.com", Relative: "api.eu", Resource: "prod-edge-api-eu", Name: "api-eu-prod-example-com",
				Validation: "prod-api-eu-txt", ValidationHost: "_dnsauth.api.eu", CNAME: "prod-api-eu-cname",
			},
		},
		Firewall: "prod-edge-waf", FirewallAz: "prodwaf", Mode: "Prevention", RateLimit: 600,
		SecurityPolicy: "prod-edge-security", Protect: true,
		Tags: map[string]string{"environment": "prod"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan\n%+v\nwant\n%+v", p, want)
	}
	if got := privateLinkServiceID("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope", p.PrivateLink); got !=
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope/providers/Microsoft.Network/privateLinkServices/prod-edge-link" {
		t.Errorf("Private Link service ID %s", got)
	}
}

// Without Prevention the firewall only detects; unlocked, nothing is
// protected.
func TestPlanEdgeDetectionUnlocked(t *testing.T) {
	s := edgeSpec()
	s.Prevention, s.Locked = false, false
	p, err := planEdge(s, "westeurope")
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != "Detection" || p.Protect {
		t.Errorf("mode %s protect %v; want Detection, false", p.Mode, p.Protect)
	}
}

func TestPlanEdgeRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*platform.EdgeSpec)
		want   []string
	}{
		{"contract", func(s *platform.EdgeSpec) {
			s.RateLimitPerMinute = 50
			s.Hostnames = append(s.Hostnames, "shop.example.org")
		}, []string{
			"edge.rateLimitPerMinute 50: must be 100..100000 requests a minute from one client address",
			`edge.hostnames[2] "shop.example.org": not in the public zone "prod.example.com"`,
		}},
		{"no private link", func(s *platform.EdgeSpec) { s.Ingress.PrivateLink = "" }, []string{
			`edge.ingress.privateLink: required: the Private Link service the ingress's internal load balancer is published as (LoadBalancerSpec.PrivateLink), e.g. "prod-edge-link": Front Door reaches the ingress only through it`,
		}},
		{"cluster without outputs", func(s *platform.EdgeSpec) { s.Cluster = &platform.ClusterOutputs{} }, []string{
			"edge.cluster.id: required: the cluster's ARM ID; the edge goes into its resource group",
			"edge.cluster.diskScope: required: the ARM ID of the cluster's node resource group, where AKS creates the ingress's Private Link service",
		}},
		{"wildcard", func(s *platform.EdgeSpec) { s.Hostnames = []string{"*.shop.prod.example.com"} }, []string{
			`edge.hostnames[0] "*.shop.prod.example.com": a wildcard needs a certificate of your own in Key Vault, and Front Door's managed certificates, which the edge uses, are issued for single names only; list each name, e.g. "www.shop.prod.example.com"`,
		}},
		{"apex", func(s *platform.EdgeSpec) { s.Hostnames = []string{"prod.example.com"} }, []string{
			`edge.hostnames[0] "prod.example.com": the zone's apex cannot be a CNAME to Front Door (it needs an alias record, which the edge does not write); serve a name below it, e.g. "www.prod.example.com"`,
		}},
		{"too long for a certificate", func(s *platform.EdgeSpec) {
			s.Hostnames = []string{strings.Repeat("a", 48) + ".prod.example.com"}
		}, []string{
			`edge.hostnames[0] "` + strings.Repeat("a", 48) + `.prod.example.com": is 65 characters; a managed certificate's common name takes at most 64, shorten the name`,
		}},
		{"same resource names", func(s *platform.EdgeSpec) { s.Hostnames = []string{"a.b.prod.example.com", "a-b.prod.example.com"} }, []string{
			`edge.hostnames[1] "a-b.prod.example.com": gives the same resource names as edge.hostnames[0] ("a.b.prod.example.com"); rename one`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := edgeSpec()
			tc.mutate(&s)
			_, err := planEdge(s, "westeurope")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant it to contain\n%s", err, w)
				}
			}
		})
	}
}

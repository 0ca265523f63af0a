package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/cdn/v2"
	waf "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240201"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewEdge creates an environment's public edge on Azure Front Door
// Premium (cdn API 2023-05-01), in the cluster's resource group, in front
// of the internal ingress, which stays internal:
//
//   - a Front Door profile "<name>-edge" (Premium_AzureFrontDoor, location
//     Global) and its endpoint "<name>-edge", whose host name
//     (<name>-edge-<hash>.z01.azurefd.net, the same when the endpoint is
//     recreated in the tenant) is the returned Endpoint;
//   - an origin group "<name>-edge-origins" whose health probe sends an
//     HTTP GET for spec.Ingress.HealthPath every 100 seconds (to the
//     origin's HTTP port), with 3 of 4 samples to succeed, and its one
//     origin "<name>-edge-ingress": the ingress's internal load-balancer
//     address (spec.Ingress.Address), its HTTP and HTTPS ports,
//     reached through Private Link: the Private Link service
//     spec.Ingress.PrivateLink that AKS publishes the internal load
//     balancer as (LoadBalancerAnnotations with LoadBalancerSpec.PrivateLink),
//     /subscriptions/<sub>/resourceGroups/<node resource
//     group>/providers/Microsoft.Network/privateLinkServices/<name>, in
//     the backend's location, without group ID (a Private Link service
//     has none). No origin host header is set, so the request's host
//     reaches the ingress, and Front Door checks the ingress's
//     certificate against it (enforceCertificateNameCheck): the ingress
//     terminates TLS with the environment's wildcard certificate, which
//     must come from a public certificate authority;
//   - per host name a custom domain "<name>-edge-<host relative to the
//     zone>" (Azure name: the host with '-' for '.') with a certificate
//     Front Door issues and renews and TLS 1.2 at least, and in the zone
//     spec.ZoneID, through NewDNSRecord, the TXT record
//     "_dnsauth.<relative host>" of its validation token ("<name>-<relative
//     host>-txt", dots as '-') and, once the route serves it, the CNAME
//     "<relative host>" to the endpoint's host name ("<name>-<relative
//     host>-cname"), both with a TTL of an hour;
//   - a route "<name>-edge-route" for "/*" on the custom domains only
//     (not the endpoint's own azurefd.net name): HTTPS, with HTTP
//     accepted only to redirect it to HTTPS, forwarded to the origin over
//     HTTPS only, without caching;
//   - a WAF policy "<name>-edge-waf" (Azure name "<name without
//     '-'>waf", network API 2024-02-01, location Global,
//     Premium_AzureFrontDoor), enabled, in Prevention mode when
//     spec.Prevention and Detection mode otherwise, inspecting request
//     bodies, with Microsoft_DefaultRuleSet 2.1 (rule set action Block)
//     and Microsoft_BotManagerRuleSet 1.1, and a rate-limit rule
//     "ratelimit" blocking a client address (every IPv4 and IPv6 address
//     matches) above spec.RateLimitPerMinute requests in a minute; its
//     name is the returned Firewall;
//   - a security policy "<name>-edge-security" applying the WAF policy
//     to "/*" of the custom domains and the endpoint.
//
// When spec.Locked, the profile, the endpoint (the CNAME records point
// at its host name) and the custom domains (their certificates and
// validation) are protected and retained on delete. Every child that takes
// tags carries spec.Tags.
//
// One step stays manual: Front Door reaches the Private Link service
// through a private endpoint it creates in a subscription Microsoft
// manages, and that endpoint's connection arrives at the Private Link
// service Pending. Approve it once, after the first deployment:
//
//	az network private-endpoint-connection list --id <Private Link service ID>
//	az network private-endpoint-connection approve --id <the pending connection's ID> \
//	    --description "Plinth edge <name>"
//
// Until then Front Door answers the edge's names with an error. Plinth
// cannot approve it in the same deployment: the connection is named by
// Front Door when it requests it, after the origin is created, so no
// resource of the program can name it beforehand; and the Private Link
// service's auto-approval (azure-pls-auto-approval) lists subscriptions
// whose private endpoints are approved, which needs visibility "*" and
// the subscription of Front Door's managed endpoint, which is
// Microsoft's, not one Plinth knows (the Front Door documentation and
// the azurerm provider both require a manual approval). The connection
// stays approved across deployments; deleting and recreating the origin,
// or the Private Link service (which AKS deletes with the load balancer's
// frontend), asks again.
//
// Nothing is registered when the spec is rejected: the contract's rules
// (EdgeSpec.Validate), no Private Link service, a cluster without its ID
// or node resource group, a wildcard host (Front Door's managed
// certificates cover single names; a wildcard needs a certificate of your
// own in Key Vault, which the edge does not take), the zone's apex (it
// cannot be a CNAME), a host longer than 64 characters (a certificate's
// common name), a record name longer than a logical name, and hosts that
// give the same resource names.
//
// The origin waits for spec.Ingress.Ready (the ingress component): AKS
// publishes the Private Link service it names with the ingress's Service.
func (b *Backend) NewEdge(ctx *pulumi.Context, spec platform.EdgeSpec, opts ...pulumi.ResourceOption) (*platform.EdgeOutputs, error) {
	plan, err := planEdge(spec, b.cfg.Location)
	if err != nil {
		return nil, err
	}
	w := edgeWiring{
		rg:   spec.Cluster.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput),
		tags: pulumi.ToStringMap(plan.Tags),
		opts: opts,
		keep: b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect)),
	}
	profile, err := cdn.NewProfile(ctx, plan.Profile, &cdn.ProfileArgs{
		ProfileName:                  pulumi.String(plan.Profile),
		ResourceGroupName:            w.rg,
		Location:                     pulumi.String(frontDoorLocation),
		Sku:                          cdn.SkuArgs{Name: pulumi.String(plan.SKU)},
		OriginResponseTimeoutSeconds: pulumi.Int(originResponseTimeoutSeconds),
		Tags:                         w.tags,
	}, w.keep...)
	if err != nil {
		return nil, err
	}
	w.profile = profile.Name
	endpoint, err := cdn.NewAFDEndpoint(ctx, plan.Endpoint, &cdn.AFDEndpointArgs{
		EndpointName:                      pulumi.String(plan.Endpoint),
		ProfileName:                       w.profile,
		ResourceGroupName:                 w.rg,
		Location:                          pulumi.String(frontDoorLocation),
		EnabledState:                      pulumi.String(wafEnabled),
		AutoGeneratedDomainNameLabelScope: pulumi.String(endpointNameScope),
		Tags:                              w.tags,
	}, w.keep...)
	if err != nil {
		return nil, err
	}
	group, origin, err := b.newEdgeOrigin(ctx, plan, spec, w)
	if err != nil {
		return nil, err
	}
	domains := cdn.ActivatedResourceReferenceArray{}
	var custom []*cdn.AFDCustomDomain
	for _, d := range plan.Domains {
		cd, err := cdn.NewAFDCustomDomain(ctx, d.Resource, &cdn.AFDCustomDomainArgs{
			CustomDomainName:  pulumi.String(d.Name),
			HostName:          pulumi.String(d.Host),
			ProfileName:       w.profile,
			ResourceGroupName: w.rg,
			AzureDnsZone:      cdn.ResourceReferenceArgs{Id: spec.ZoneID.ToStringOutput().ToStringPtrOutput()},
			TlsSettings: cdn.AFDDomainHttpsParametersArgs{
				CertificateType:   pulumi.String(managedCertificate),
				MinimumTlsVersion: cdn.AfdMinimumTlsVersion(minimumTLS),
			},
		}, w.keep...)
		if err != nil {
			return nil, err
		}
		custom = append(custom, cd)
		domains = append(domains, cdn.ActivatedResourceReferenceArgs{Id: cd.ID().ToStringOutput().ToStringPtrOutput()})
	}
	route, err := cdn.NewRoute(ctx, plan.Route, &cdn.RouteArgs{
		RouteName:           pulumi.String(plan.Route),
		EndpointName:        endpoint.Name,
		ProfileName:         w.profile,
		ResourceGroupName:   w.rg,
		OriginGroup:         cdn.ResourceReferenceArgs{Id: group.ID().ToStringOutput().ToStringPtrOutput()},
		CustomDomains:       domains,
		LinkToDefaultDomain: pulumi.String("Disabled"),
		SupportedProtocols:  pulumi.StringArray{pulumi.String("Http"), pulumi.String("Https")},
		HttpsRedirect:       pulumi.String("Enabled"),
		ForwardingProtocol:  pulumi.String("HttpsOnly"),
		PatternsToMatch:     pulumi.StringArray{pulumi.String("/*")},
		EnabledState:        pulumi.String(wafEnabled),
	}, b.opts(opts, pulumi.DependsOn([]pulumi.Resource{origin}))...)
	if err != nil {
		return nil, err
	}
	policy, err := b.newEdgeFirewall(ctx, plan, w)
	if err != nil {
		return nil, err
	}
	protected := append(cdn.ActivatedResourceReferenceArray{}, domains...)
	protected = append(protected, cdn.ActivatedResourceReferenceArgs{Id: endpoint.ID().ToStringOutput().ToStringPtrOutput()})
	_, err = cdn.NewSecurityPolicy(ctx, plan.SecurityPolicy, &cdn.SecurityPolicyArgs{
		SecurityPolicyName: pulumi.String(plan.SecurityPolicy),
		ProfileName:        w.profile,
		ResourceGroupName:  w.rg,
		Parameters: cdn.SecurityPolicyWebApplicationFirewallParametersArgs{
			Type:      pulumi.String(securityPolicyType),
			WafPolicy: cdn.ResourceReferenceArgs{Id: policy.ID().ToStringOutput().ToStringPtrOutput()},
			Associations: cdn.SecurityPolicyWebApplicationFirewallAssociationArray{
				cdn.SecurityPolicyWebApplicationFirewallAssociationArgs{
					Domains:         protected,
					PatternsToMatch: pulumi.StringArray{pulumi.String("/*")},
				},
			},
		},
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	target := endpoint.HostName.ApplyT(func(h string) string { return h + "." }).(pulumi.StringOutput)
	for k, d := range plan.Domains {
		if err := b.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: d.Validation, Zone: spec.ZoneID, Domain: spec.Domain,
			Host: d.ValidationHost, Type: "TXT", TTLSeconds: edgeRecordTTL,
			Values: pulumi.StringArray{custom[k].ValidationProperties.ValidationToken()},
		}, opts...); err != nil {
			return nil, err
		}
		if err := b.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: d.CNAME, Zone: spec.ZoneID, Domain: spec.Domain,
			Host: d.Relative, Type: "CNAME", TTLSeconds: edgeRecordTTL,
			Values: pulumi.StringArray{target},
		}, append(append([]pulumi.ResourceOption{}, opts...), pulumi.DependsOn([]pulumi.Resource{route}))...); err != nil {
			return nil, err
		}
	}
	return &platform.EdgeOutputs{Endpoint: endpoint.HostName, Firewall: policy.Name}, nil
}

// edgeWiring is what the children of one edge are registered with: the
// cluster's resource group (from its ARM ID), the profile's name, the
// tags, the caller's options and those options with the protection of
// plan.Protect.
type edgeWiring struct {
	rg, profile pulumi.StringOutput
	tags        pulumi.StringMap
	opts, keep  []pulumi.ResourceOption
}

// newEdgeOrigin registers the origin group and its origin: the ingress's
// fixed internal address (spec.Ingress.Address), reached through the
// Private Link service, once the ingress exists.
func (b *Backend) newEdgeOrigin(ctx *pulumi.Context, plan edgePlan, spec platform.EdgeSpec, w edgeWiring) (*cdn.AFDOriginGroup, *cdn.AFDOrigin, error) {
	group, err := cdn.NewAFDOriginGroup(ctx, plan.OriginGroup, &cdn.AFDOriginGroupArgs{
		OriginGroupName:   pulumi.String(plan.OriginGroup),
		ProfileName:       w.profile,
		ResourceGroupName: w.rg,
		HealthProbeSettings: cdn.HealthProbeParametersArgs{
			ProbePath:              pulumi.String(plan.ProbePath),
			ProbeProtocol:          cdn.ProbeProtocolHttp,
			ProbeRequestType:       cdn.HealthProbeRequestTypeGET,
			ProbeIntervalInSeconds: pulumi.Int(probeIntervalSeconds),
		},
		LoadBalancingSettings: cdn.LoadBalancingSettingsParametersArgs{
			SampleSize:                      pulumi.Int(lbSampleSize),
			SuccessfulSamplesRequired:       pulumi.Int(lbSuccessfulSamples),
			AdditionalLatencyInMilliseconds: pulumi.Int(lbAdditionalLatencyMs),
		},
		SessionAffinityState: pulumi.String("Disabled"),
	}, b.opts(w.opts)...)
	if err != nil {
		return nil, nil, err
	}
	pls := spec.Cluster.DiskScope.ApplyT(func(scope string) string {
		return privateLinkServiceID(scope, plan.PrivateLink)
	}).(pulumi.StringOutput)
	origin, err := cdn.NewAFDOrigin(ctx, plan.Origin, &cdn.AFDOriginArgs{
		OriginName:                  pulumi.String(plan.Origin),
		OriginGroupName:             group.Name,
		ProfileName:                 w.profile,
		ResourceGroupName:           w.rg,
		HostName:                    spec.Ingress.Address,
		HttpPort:                    pulumi.Int(plan.HTTPPort),
		HttpsPort:                   pulumi.Int(plan.HTTPSPort),
		Priority:                    pulumi.Int(1),
		Weight:                      pulumi.Int(1000),
		EnabledState:                pulumi.String(wafEnabled),
		EnforceCertificateNameCheck: pulumi.Bool(true),
		SharedPrivateLinkResource: cdn.SharedPrivateLinkResourcePropertiesArgs{
			PrivateLink:         cdn.ResourceReferenceArgs{Id: pls.ToStringPtrOutput()},
			PrivateLinkLocation: pulumi.String(plan.PrivateLinkLocation),
			RequestMessage:      pulumi.String(plan.PrivateLinkRequest),
		},
	}, originOpts(b.opts(w.opts), spec.Ingress.Ready)...)
	return group, origin, err
}

// originOpts are opts and, with the ingress component ready, a dependency
// on it: AKS publishes the Private Link service the origin names when the
// ingress's Service exists.
func originOpts(opts []pulumi.ResourceOption, ready pulumi.Resource) []pulumi.ResourceOption {
	if ready == nil {
		return opts
	}
	return append(opts, pulumi.DependsOn([]pulumi.Resource{ready}))
}

// newEdgeFirewall registers the edge's WAF policy (network API
// 2024-02-01, Microsoft.Network/FrontDoorWebApplicationFirewallPolicies).
func (b *Backend) newEdgeFirewall(ctx *pulumi.Context, plan edgePlan, w edgeWiring) (*waf.Policy, error) {
	return waf.NewPolicy(ctx, plan.Firewall, &waf.PolicyArgs{
		PolicyName:        pulumi.String(plan.FirewallAz),
		ResourceGroupName: w.rg,
		Location:          pulumi.String(frontDoorLocation),
		Sku:               waf.SkuArgs{Name: pulumi.String(plan.SKU)},
		PolicySettings: waf.FrontDoorPolicySettingsArgs{
			EnabledState:     pulumi.String(wafEnabled),
			Mode:             pulumi.String(plan.Mode),
			RequestBodyCheck: pulumi.String(wafEnabled),
		},
		ManagedRules: waf.ManagedRuleSetListArgs{
			ManagedRuleSets: waf.FrontDoorManagedRuleSetArray{
				waf.FrontDoorManagedRuleSetArgs{
					RuleSetType:    pulumi.String(defaultRuleSet),
					RuleSetVersion: pulumi.String(defaultRuleSetVersion),
					RuleSetAction:  pulumi.String(defaultRuleSetAction),
				},
				waf.FrontDoorManagedRuleSetArgs{
					RuleSetType:    pulumi.String(botRuleSet),
					RuleSetVersion: pulumi.String(botRuleSetVersion),
				},
			},
		},
		CustomRules: waf.CustomRuleListArgs{
			Rules: waf.CustomRuleArray{
				waf.CustomRuleArgs{
					Name:                       pulumi.String(rateLimitRuleName),
					Priority:                   pulumi.Int(rateLimitPriority),
					EnabledState:               pulumi.String(wafEnabled),
					RuleType:                   pulumi.String(rateLimitRuleType),
					RateLimitDurationInMinutes: pulumi.Int(rateLimitMinutes),
					RateLimitThreshold:         pulumi.Int(plan.RateLimit),
					MatchConditions: waf.FrontDoorMatchConditionArray{
						waf.FrontDoorMatchConditionArgs{
							MatchVariable: pulumi.String("RemoteAddr"),
							Operator:      pulumi.String("IPMatch"),
							MatchValue:    pulumi.ToStringArray(rateLimitAddresses),
						},
					},
					Action: pulumi.String(rateLimitAction),
				},
			},
		},
		Tags: w.tags,
	}, b.opts(w.opts)...)
}

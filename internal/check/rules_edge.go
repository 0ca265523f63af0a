package check

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/platform/field"
)

// The edge rules read what faces the internet: the Front Door profiles and
// their WAF policies on Azure, the external Gateways and their Cloud Armor
// policies on GCP; and the public DNS zones.

var (
	azureFrontDoor   = kindOf("azure-native:cdn:Profile")
	azureAFDSecurity = kindOf("azure-native:cdn:SecurityPolicy")
	azureWAF         = kindOf("azure-native:network/v20240201:Policy")
	gatewayKind      = kindOf("kubernetes:gateway.networking.k8s.io/v1:Gateway")
	gkeBackendPolicy = kindOf("kubernetes:networking.gke.io/v1:GCPBackendPolicy")
	cloudArmor       = kindOf("gcp:compute/securityPolicy:SecurityPolicy")
	azureZone        = kindOf("azure-native:network/v20230701preview:Zone")
	azureDNSSEC      = kindOf("azure-native:network/v20230701preview:DnssecConfig")
	cloudDNSZone     = kindOf("gcp:dns/managedZone:ManagedZone")
)

// externalGatewayClasses are GKE's GatewayClasses whose load balancer has
// a public address.
var externalGatewayClasses = []string{"gke-l7-global-external-managed", "gke-l7-regional-external-managed", "gke-l7-gxlb"}

func edgeFirewallRule() Rule {
	return Rule{
		ID:       "PLN024",
		Title:    "Production public endpoints behind a blocking web application firewall",
		Severity: SeverityError,
		Rationale: "Issue 21 and the AKS baseline (an Application Gateway WAF v2 in front of an internal ingress): what " +
			"the internet reaches in production passes a web application firewall that blocks what its managed rules " +
			"match and limits each client's rate. A Front Door profile has a WAF policy in Prevention mode for its " +
			"endpoints; a GKE Gateway on an external class has its backends under a Cloud Armor policy whose rules " +
			"are not in preview. A bare public load balancer is PLN006's.",
		Classes: []string{ClassProd},
		Check:   checkEdgeFirewall,
	}
}

func checkEdgeFirewall(t Target) []Finding {
	var out []Finding
	for _, p := range azureFrontDoor.in(t.Snapshot) {
		name := str(p.Inputs, "profileName")
		var secured bool
		for _, sp := range azureAFDSecurity.in(t.Snapshot) {
			if str(sp.Inputs, "profileName") == name && str(sp.Inputs, "parameters", "type") == "WebApplicationFirewall" {
				secured = true
			}
		}
		if !secured {
			out = append(out, note(p, "Front Door profile %q serves the internet without a WAF security policy; associate a WAF policy with its endpoints (the Edge component does)", name))
		}
	}
	for _, w := range azureWAF.in(t.Snapshot) {
		if mode := str(w.Inputs, "policySettings", "mode"); mode != "Prevention" {
			out = append(out, invalid(w, "policySettings.mode", nonEmpty(mode), "the firewall only logs what its rules match; set \"Prevention\" (remove edge.detection)"))
		}
	}
	external := false
	for _, g := range gatewayKind.in(t.Snapshot) {
		if slices.Contains(externalGatewayClasses, str(g.Inputs, "spec", "gatewayClassName")) {
			external = true
			protected := false
			for _, bp := range gkeBackendPolicy.in(t.Snapshot) {
				if str(bp.Inputs, "spec", "default", "securityPolicy") != "" && str(bp.Inputs, "metadata", "namespace") == str(g.Inputs, "metadata", "namespace") {
					protected = true
				}
			}
			if !protected {
				out = append(out, note(g, "an external Gateway whose backends have no Cloud Armor policy; attach one with a GCPBackendPolicy (the Edge component does)"))
			}
		}
	}
	if external {
		for _, p := range cloudArmor.in(t.Snapshot) {
			for i, r := range list(p.Inputs, "rules") {
				if isTrue(r, "preview") && !strings.HasPrefix(str(r, "action"), "allow") {
					out = append(out, invalid(p, field.NewPath("rules").Index(i).Child("preview"), true, "the rule only logs what it matches; production blocks (remove edge.detection)"))
				}
			}
		}
	}
	return out
}

func dnssecRule() Rule {
	return Rule{
		ID:       "PLN025",
		Title:    "Production public zones signed with DNSSEC",
		Severity: SeverityWarning,
		Rationale: "Issue 21: a public zone the stack creates is signed (Azure DNS DNSSEC, Cloud DNS dnssecConfig) so " +
			"that resolvers can tell its answers from forged ones. A warning, not an error: signing takes effect " +
			"only once the parent zone holds the DS records (the DNS component's output dsRecords), which is " +
			"outside the stack, and an adopted zone's signing is its owner's.",
		Classes: []string{ClassProd},
		Check:   checkDNSSEC,
	}
}

func checkDNSSEC(t Target) []Finding {
	var out []Finding
	for _, z := range azureZone.in(t.Snapshot) {
		if str(z.Inputs, "zoneType") == "Private" {
			continue
		}
		signed := false
		for _, d := range azureDNSSEC.in(t.Snapshot) {
			if str(d.Inputs, "zoneName") == str(z.Inputs, "zoneName") {
				signed = true
			}
		}
		if !signed {
			out = append(out, note(z, "public zone %q is not signed; sign it (dns.dnssec) and give the parent zone its DS records", str(z.Inputs, "zoneName")))
		}
	}
	for _, z := range cloudDNSZone.in(t.Snapshot) {
		if str(z.Inputs, "visibility") == "private" {
			continue
		}
		if state := str(z.Inputs, "dnssecConfig", "state"); state != "on" {
			out = append(out, invalid(z, "dnssecConfig.state", nonEmpty(state), "the public zone is not signed; sign it (dns.dnssec) and give the parent zone its DS records"))
		}
	}
	return out
}

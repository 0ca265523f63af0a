package check

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

func init() { fixtures = append(fixtures, edgeFixtures...) }

// edgeFixtures open production's edge: a firewall that only logs, an edge
// without its WAF, a Gateway without Cloud Armor, rules in preview; and an
// unsigned public zone.
var edgeFixtures = []fixture{
	{
		name: "PLN024 Front Door without a blocking WAF", stack: "prod-aks",
		want: []string{
			`PLN024 error prod-aks-edge | Profile prod-aks-edge: Front Door profile "prod-aks-edge" serves the internet without a WAF security policy; associate a WAF policy with its endpoints (the Edge component does)`,
			`PLN024 error prod-aks-edge-waf | Policy prod-aks-edge-waf: policySettings.mode "Detection": the firewall only logs what its rules match; set "Prevention" (remove edge.detection)`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "prod-aks-edge-security")
			set(t, find(t, s, "prod-aks-edge-waf"), "policySettings.mode", "Detection")
		},
	},
	{
		name: "PLN024 a GKE Gateway without Cloud Armor", stack: "prod-gke",
		want: []string{
			`PLN024 error prod-gke-edge-firewall | SecurityPolicy prod-gke-edge-firewall: rules[0].preview true: the rule only logs what it matches; production blocks (remove edge.detection)`,
			`PLN024 error prod-gke-edge-gateway | Gateway prod-gke-edge-gateway: an external Gateway whose backends have no Cloud Armor policy; attach one with a GCPBackendPolicy (the Edge component does)`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "prod-gke-edge-backend-policy")
			set(t, find(t, s, "prod-gke-edge-firewall"), "rules.0.preview", true)
		},
	},
	{
		name: "PLN025 unsigned public zones", stack: "prod-aks",
		want: []string{
			`PLN025 warning prod-aks-zone | Zone prod-aks-zone: public zone "prod-aks.platform.example.com" is not signed; sign it (dns.dnssec) and give the parent zone its DS records`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) { remove(t, s, "prod-aks-dnssec") },
	},
	{
		name: "PLN025 an unsigned Cloud DNS zone", stack: "prod-gke",
		want: []string{
			`PLN025 warning prod-gke-zone | ManagedZone prod-gke-zone: dnssecConfig.state "off": the public zone is not signed; sign it (dns.dnssec) and give the parent zone its DS records`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-zone"), "dnssecConfig.state", "off")
		},
	},
}

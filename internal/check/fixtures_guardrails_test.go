package check

import (
	"slices"
	"testing"

	guardrailpkg "github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/internal/snapshot"
)

func init() { fixtures = append(fixtures, guardrailFixtures...) }

// guardrailFixtures break the workload rules of production: a binding that
// only audits, a missing policy, an unbound one, a binding that selects
// no team namespace, a registry open to all, a Binary Authorization policy
// that admits everything, a namespace below restricted, and no threat
// detection.
var guardrailFixtures = []fixture{
	{
		name: "PLN017 PLN019 PLN020 PLN021 the guardrails weakened", stack: "prod-aks",
		want: []string{
			`PLN017 error prod-aks-guardrails-pods-binding | ValidatingAdmissionPolicyBinding prod-aks-guardrails-pods-binding: spec.validationActions "\"Audit\", \"Warn\"": the rule "privileged" only warns or audits; production denies what breaks it: set [Deny] (guardrails.mode: enforce)`,
			`PLN019 error - | no ValidatingAdmissionPolicy plinth-guardrails-resources: the rule "resources" does not hold in the team namespaces; create the environment's guardrails (environment.Environment.Guardrails)`,
			`PLN020 error prod-aks-guardrails-images-policy | ValidatingAdmissionPolicy prod-aks-guardrails-images-policy: not bound: the rule "image-tag" holds nowhere; bind it to the team namespaces with validationActions [Deny] (the Guardrails component does)`,
			`PLN021 error prod-aks-guardrails-services-binding | ValidatingAdmissionPolicyBinding prod-aks-guardrails-services-binding: spec.matchResources.namespaceSelector: the binding does not select the team namespaces (labeled managed-by: plinth and team); bind it as the Guardrails component does`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-guardrails-pods-binding"), "spec.validationActions", []any{"Audit", "Warn"})
			remove(t, s, "prod-aks-guardrails-resources-policy")
			remove(t, s, "prod-aks-guardrails-resources-binding")
			remove(t, s, "prod-aks-guardrails-images-binding")
			set(t, find(t, s, "prod-aks-guardrails-services-binding"), "spec.matchResources.namespaceSelector", map[string]any{})
		},
	},
	{
		name: "PLN018 an open Azure Container Registry", stack: "prod-aks",
		want: []string{
			`PLN018 error prod-aks-registry | Registry prod-aks-registry: adminUserEnabled true: the admin user is a shared password with push rights; turn it off and grant AcrPush to the CI identities (registry.pushers)`,
			`PLN018 error prod-aks-registry | Registry prod-aks-registry: anonymousPullEnabled true: anyone can pull the platform's images; turn anonymous pull off`,
			`PLN018 error prod-aks-registry | Registry prod-aks-registry: publicNetworkAccess "Enabled": the registry is reachable from the internet; set it to "Disabled" and reach it through its private endpoint (registry.private)`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			r := find(t, s, "prod-aks-registry")
			set(t, r, "adminUserEnabled", true)
			set(t, r, "anonymousPullEnabled", true)
			set(t, r, "publicNetworkAccess", "Enabled")
		},
	},
	{
		name: "PLN018 GKE images from anywhere", stack: "prod-gke",
		want: []string{
			`PLN018 error prod-gke-nodes-default-node-sa | IAMMember prod-gke-nodes-default-node-sa: role "roles/artifactregistry.reader": grants roles/artifactregistry.reader on every repository of the project; grant it on the environment's repository only (RepositoryIamMember)`,
			`PLN018 error prod-gke-binary-authorization | Policy prod-gke-binary-authorization: defaultAdmissionRule.enforcementMode "DRYRUN_AUDIT_LOG_ONLY": only logs what it would refuse; set ENFORCED_BLOCK_AND_AUDIT_LOG (guardrails.mode: enforce)`,
			`PLN018 error prod-gke-binary-authorization | Policy prod-gke-binary-authorization: defaultAdmissionRule.evaluationMode "ALWAYS_ALLOW": admits every image; deny what the allowlist does not name (ALWAYS_DENY), or require attestations`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			p := find(t, s, "prod-gke-binary-authorization")
			set(t, p, "defaultAdmissionRule.evaluationMode", "ALWAYS_ALLOW")
			set(t, p, "defaultAdmissionRule.enforcementMode", "DRYRUN_AUDIT_LOG_ONLY")
			set(t, find(t, s, "prod-gke-nodes-default-node-sa"), "role", "roles/artifactregistry.reader")
		},
	},
	{
		name: "PLN018 GKE without a Binary Authorization policy", stack: "prod-gke",
		want: []string{
			`PLN018 error - | no Binary Authorization policy: the project's default policy admits every image; create the environment's guardrails, whose backend defines it`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) { remove(t, s, "prod-gke-binary-authorization") },
	},
	{
		name: "PLN022 a team namespace at baseline", stack: "prod-gke",
		want: []string{
			`PLN022 warning prod-gke-payments-payments-batch-namespace | Namespace prod-gke-payments-payments-batch-namespace: metadata.labels.pod-security.kubernetes.io/enforce "baseline": team payments's namespace does not enforce the restricted Pod Security Standard; remove podSecurity: baseline once its workloads run as non-root with no added capabilities`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-payments-payments-batch-namespace"), "metadata.labels.[pod-security.kubernetes.io/enforce]", "baseline")
		},
	},
	{
		name: "PLN023 no Defender for Containers", stack: "prod-aks",
		want: []string{
			`PLN023 error prod-aks-aks | ManagedCluster prod-aks-aks: securityProfile.defender.securityMonitoring.enabled: Microsoft Defender for Containers is off; turn it on (the Cluster component does unless aks.disableDefender)`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-aks"), "securityProfile.defender", nil)
		},
	},
	{
		name: "PLN023 GKE security posture off", stack: "prod-gke",
		want: []string{
			`PLN023 error prod-gke-cluster | Cluster prod-gke-cluster: securityPostureConfig.mode "DISABLED": the security posture dashboard is off; set BASIC or ENTERPRISE (the Cluster component does)`,
			`PLN023 error prod-gke-cluster | Cluster prod-gke-cluster: securityPostureConfig.vulnerabilityMode "VULNERABILITY_DISABLED": workload images are not scanned for vulnerabilities; set VULNERABILITY_BASIC or VULNERABILITY_ENTERPRISE`,
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-cluster"), "securityPostureConfig", map[string]any{"mode": "DISABLED", "vulnerabilityMode": "VULNERABILITY_DISABLED"})
		},
	},
}

// TestGuardrailsAreTheComponentsPolicies keeps the rules' policy names
// those of components/guardrails, one rule for each policy it binds.
func TestGuardrailsAreTheComponentsPolicies(t *testing.T) {
	var want []string
	for _, p := range guardrailpkg.Policies(true) {
		want = append(want, p.Name)
	}
	var got []string
	for _, g := range guardrails {
		got = append(got, g.policy)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("rules for policies %v, the component binds %v", got, want)
	}
}

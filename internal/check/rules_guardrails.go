package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// The guardrail rules hold a production stack to the baseline workload
// rules of the team namespaces (docs/components/guardrails.md): one rule
// per guardrail, each reading the admission policy that holds it in the
// cluster, bound to the team namespaces with Deny, and the cloud's own
// controls where they add to it.

var (
	vap         = kindOf("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")
	vapBinding  = kindOf("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")
	azureACR    = kind{"azure-native", "containerregistry", "Registry"}
	gcpBinAuthz = kind{"gcp", "binaryauthorization/policy", "Policy"}
)

// guardrail is one rule of the baseline and the admission policy, named
// as components/guardrails names it, that holds it.
type guardrail struct {
	id, title, rule, policy, why string
	// cloud checks the cloud's own controls of the rule, if any.
	cloud func(t Target) []Finding
}

var guardrails = []guardrail{
	{id: "PLN017", title: "Production refuses privileged pods and host namespaces", rule: "privileged", policy: "plinth-guardrails-pods",
		why: "a privileged container or one in the node's network, PID or IPC namespace owns the node and every pod on it"},
	{id: "PLN018", title: "Production runs images from the platform's registries only", rule: "registries", policy: "plinth-guardrails-registries",
		why: "an image from anywhere is code nobody reviewed or scanned", cloud: checkRegistryControls},
	{id: "PLN019", title: "Production pods request CPU and memory and limit memory", rule: "resources", policy: "plinth-guardrails-resources",
		why: "a pod without requests is scheduled blind and one without a memory limit can starve its node"},
	{id: "PLN020", title: "Production images name a version", rule: "image-tag", policy: "plinth-guardrails-images",
		why: "a latest tag changes under a running workload, and a rollback cannot say what it rolls back to"},
	{id: "PLN021", title: "Production traffic enters through the platform's gateway", rule: "gateway", policy: "plinth-guardrails-services",
		why: "a Service of type LoadBalancer or NodePort opens a team's pods to the network around the gateway, its TLS and its limits"},
}

// guardrailRules returns the rule of each guardrail, the Pod Security rule
// and the threat detection rule.
func guardrailRules() []Rule {
	var out []Rule
	for _, g := range guardrails {
		out = append(out, Rule{
			ID:       g.id,
			Title:    g.title,
			Severity: SeverityError,
			Rationale: fmt.Sprintf("Issue 20: the baseline workload rule %q holds in production (%s). The Guardrails component "+
				"binds the ValidatingAdmissionPolicy %s to the team namespaces with validationActions [Deny].", g.rule, g.why, g.policy),
			Classes: []string{ClassProd},
			Check:   g.check,
		})
	}
	return append(out, podSecurityRule(), threatDetectionRule())
}

// check finds the guardrail's policy and its binding, and checks that the
// binding denies in the team namespaces; then the cloud's controls.
func (g guardrail) check(t Target) []Finding {
	var out []Finding
	var policy *snapshot.Resource
	for _, p := range vap.in(t.Snapshot) {
		if str(p.Inputs, "metadata", "name") == g.policy {
			policy = p
		}
	}
	var binding *snapshot.Resource
	for _, b := range vapBinding.in(t.Snapshot) {
		if str(b.Inputs, "spec", "policyName") == g.policy || str(b.Inputs, "metadata", "name") == g.policy {
			binding = b
		}
	}
	switch {
	case policy == nil:
		out = append(out, Finding{Message: fmt.Sprintf("no ValidatingAdmissionPolicy %s: the rule %q does not hold in the team namespaces; create the environment's guardrails (environment.Environment.Guardrails)", g.policy, g.rule)})
	case binding == nil:
		out = append(out, note(policy, "not bound: the rule %q holds nowhere; bind it to the team namespaces with validationActions [Deny] (the Guardrails component does)", g.rule))
	default:
		if actions := stringList(binding.Inputs, "spec", "validationActions"); !slices.Contains(actions, "Deny") {
			out = append(out, invalid(binding, "spec.validationActions", quoted(actions),
				"the rule %q only warns or audits; production denies what breaks it: set [Deny] (guardrails.mode: enforce)", g.rule))
		}
		if sel := get(binding.Inputs, "spec", "matchResources", "namespaceSelector"); str(sel, "matchLabels", "managed-by") != "plinth" {
			out = append(out, invalid(binding, "spec.matchResources.namespaceSelector", nil,
				"the binding does not select the team namespaces (labeled managed-by: plinth and team); bind it as the Guardrails component does"))
		}
	}
	if g.cloud != nil {
		out = append(out, g.cloud(t)...)
	}
	return out
}

// checkRegistryControls checks the registry and the cloud's image
// controls: an Azure Container Registry without its admin user, anonymous
// pull or public access; GKE nodes that read the environment's
// repository only, and a Binary Authorization policy that admits nothing
// by default and enforces.
func checkRegistryControls(t Target) []Finding {
	var out []Finding
	for _, r := range azureACR.in(t.Snapshot) {
		if isTrue(r.Inputs, "adminUserEnabled") {
			out = append(out, invalid(r, "adminUserEnabled", true, "the admin user is a shared password with push rights; turn it off and grant AcrPush to the CI identities (registry.pushers)"))
		}
		if isTrue(r.Inputs, "anonymousPullEnabled") {
			out = append(out, invalid(r, "anonymousPullEnabled", true, "anyone can pull the platform's images; turn anonymous pull off"))
		}
		if access := str(r.Inputs, "publicNetworkAccess"); access != "Disabled" {
			out = append(out, invalid(r, "publicNetworkAccess", nonEmpty(access), "the registry is reachable from the internet; set it to \"Disabled\" and reach it through its private endpoint (registry.private)"))
		}
	}
	for _, m := range gcpProjectIAM.in(t.Snapshot) {
		if role := str(m.Inputs, "role"); role == "roles/artifactregistry.reader" || role == "roles/artifactregistry.writer" {
			out = append(out, invalid(m, "role", role, "grants %s on every repository of the project; grant it on the environment's repository only (RepositoryIamMember)", role))
		}
	}
	if len(gkeCluster.in(t.Snapshot)) == 0 {
		return out
	}
	policies := gcpBinAuthz.in(t.Snapshot)
	if len(policies) == 0 {
		out = append(out, Finding{Message: "no Binary Authorization policy: the project's default policy admits every image; create the environment's guardrails, whose backend defines it"})
	}
	for _, p := range policies {
		rule := get(p.Inputs, "defaultAdmissionRule")
		if mode := str(rule, "evaluationMode"); mode == "ALWAYS_ALLOW" || mode == "" {
			out = append(out, invalid(p, "defaultAdmissionRule.evaluationMode", nonEmpty(mode), "admits every image; deny what the allowlist does not name (ALWAYS_DENY), or require attestations"))
		}
		if mode := str(rule, "enforcementMode"); mode != "ENFORCED_BLOCK_AND_AUDIT_LOG" {
			out = append(out, invalid(p, "defaultAdmissionRule.enforcementMode", nonEmpty(mode), "only logs what it would refuse; set ENFORCED_BLOCK_AND_AUDIT_LOG (guardrails.mode: enforce)"))
		}
	}
	return out
}

func podSecurityRule() Rule {
	return Rule{
		ID:       "PLN022",
		Title:    "Production team namespaces enforce the restricted Pod Security Standard",
		Severity: SeverityWarning,
		Rationale: "Issue 20: the baseline's Pod Security rule is restricted for team namespaces where that is feasible. " +
			"Enforced guardrails give a team namespace restricted unless it sets podSecurity: baseline; a namespace " +
			"that does is a deliberate choice to review (a workload that needs a capability restricted drops), " +
			"hence a warning.",
		Classes: []string{ClassProd},
		Check:   checkPodSecurity,
	}
}

func checkPodSecurity(t Target) []Finding {
	var out []Finding
	for _, ns := range teamNamespace.in(t.Snapshot) {
		labels := stringMap(get(ns.Inputs, "metadata", "labels"))
		if labels["team"] == "" {
			continue
		}
		if level := labels["pod-security.kubernetes.io/enforce"]; level != "restricted" {
			out = append(out, invalid(ns, "metadata.labels.pod-security.kubernetes.io/enforce", nonEmpty(level),
				"team %s's namespace does not enforce the restricted Pod Security Standard; remove podSecurity: %s once its workloads run as non-root with no added capabilities", labels["team"], nonEmpty(level)))
		}
	}
	return out
}

func threatDetectionRule() Rule {
	return Rule{
		ID:       "PLN023",
		Title:    "Production clusters report threats and image vulnerabilities",
		Severity: SeverityError,
		Rationale: "Issue 20 and the AKS baseline: Microsoft Defender for Containers in an AKS cluster's security " +
			"profile, GKE's security posture with workload vulnerability scanning: the cloud watches the running " +
			"workloads and their images, and reports what it finds.",
		Classes: []string{ClassProd},
		Check:   checkThreatDetection,
	}
}

func checkThreatDetection(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		d := get(c.Inputs, "securityProfile", "defender")
		switch {
		case !isTrue(d, "securityMonitoring", "enabled"):
			out = append(out, invalid(c, "securityProfile.defender.securityMonitoring.enabled", get(d, "securityMonitoring", "enabled"),
				"Microsoft Defender for Containers is off; turn it on (the Cluster component does unless aks.disableDefender)"))
		case str(d, "logAnalyticsWorkspaceResourceId") == "":
			out = append(out, invalid(c, "securityProfile.defender.logAnalyticsWorkspaceResourceId", nil,
				"Defender for Containers has no workspace to report to; name the cluster's Log Analytics workspace"))
		}
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		p := get(c.Inputs, "securityPostureConfig")
		if mode := str(p, "mode"); mode == "" || mode == "DISABLED" {
			out = append(out, invalid(c, "securityPostureConfig.mode", nonEmpty(mode), "the security posture dashboard is off; set BASIC or ENTERPRISE (the Cluster component does)"))
		}
		if v := str(p, "vulnerabilityMode"); v == "" || strings.HasSuffix(v, "DISABLED") {
			out = append(out, invalid(c, "securityPostureConfig.vulnerabilityMode", nonEmpty(v), "workload images are not scanned for vulnerabilities; set VULNERABILITY_BASIC or VULNERABILITY_ENTERPRISE"))
		}
	}
	return out
}

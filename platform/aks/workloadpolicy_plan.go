package aks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/field"
)

// Each built-in definition below was read in the Azure/azure-policy
// repository, built-in-policies/policyDefinitions/Kubernetes/<File>
// (policySetDefinitions/Kubernetes/<File> for an initiative), at commit
// f4a50bacae07ddb096943c597669bcae494a6e29 (April 2026): its name (the GUID), displayName and parameters. Azure serves the
// newest version of a built-in to an assignment that names none; re-check
// the parameters when a definition's major version moves (a parameter an
// assignment passes that the definition no longer has fails the
// deployment with InvalidPolicyParameters).

// Azure Policy assignment settings that are not spec fields.
const (
	// policyEffectDeny and policyEffectAudit are the values of the
	// definitions' "effect" parameter; every definition below accepts
	// both spellings.
	policyEffectDeny, policyEffectAudit = "Deny", "Audit"
	// policyEnforcementDefault lets the effect take place (DoNotEnforce
	// would only report, whatever the effect says).
	policyEnforcementDefault = "Default"
	// maxPolicyAssignmentName is the longest name Azure takes for an
	// assignment below a management group (a cluster's scope).
	maxPolicyAssignmentName = 64
)

// platformNamespaces are the namespaces every assignment excludes
// (the definitions' excludedNamespaces), so that the rules meant for team
// workloads never judge the platform's own services, which run vendor
// charts: the namespaces AKS and the Azure Policy add-on exclude by
// default (kube-system, gatekeeper-system, azure-arc,
// azure-extensions-usage-system), and those of Plinth's services:
// cert-manager (components/certmanager.Namespace), ingress
// (components/ingress.DefaultNamespace), velero (components/backup.Namespace)
// and external-dns (components/dns.ExternalDNSNamespace); and those the
// spec adds (WorkloadPolicySpec.PlatformNamespaces: a custom ingress
// namespace, the service mesh's). The in-cluster guardrails do the same
// the other way round: they bind to the team namespaces only.
var platformNamespaces = []string{
	"kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system",
	"cert-manager", "ingress", "velero", "external-dns",
}

// policyDefinition is a built-in Azure Policy definition (or initiative)
// that reports, and with Enforce denies, breaches of a WorkloadRule.
type policyDefinition struct {
	// Rule is the rule it holds; Key names its assignment,
	// "<name>-<key>".
	Rule platform.WorkloadRule
	Key  string
	// GUID and DisplayName are the definition's name and display name;
	// Set marks an initiative (policySetDefinitions). File is the
	// definition's file in github.com/Azure/azure-policy.
	GUID, DisplayName string
	Set               bool
	File              string
	// Params are the definition's own parameters, beside effect and
	// excludedNamespaces, which every definition here takes.
	Params map[string]any
	// ImageRegex passes the spec's registries as the parameter
	// allowedContainerImagesRegex (imagesRegex).
	ImageRegex bool
	// Fix is the non-compliance message: what to change.
	Fix string
	// AuditOnly, when set, keeps the assignment's effect Audit with
	// Enforce too, and says why: the in-cluster policy decides.
	AuditOnly string
}

// id is the definition's ARM ID.
func (d policyDefinition) id() string {
	kind := "policyDefinitions"
	if d.Set {
		kind = "policySetDefinitions"
	}
	return "/providers/Microsoft.Authorization/" + kind + "/" + d.GUID
}

// control names the definition in WorkloadControl.Control.
func (d policyDefinition) control() string {
	return fmt.Sprintf("Azure Policy %s (%s)", d.GUID, d.DisplayName)
}

// workloadPolicyDefinitions are the built-in definitions Plinth assigns,
// in the order of platform.WorkloadRules. Each was read in
// github.com/Azure/azure-policy (see File); the parameters given are the
// definition's own names.
var workloadPolicyDefinitions = []policyDefinition{
	{
		Rule: platform.RulePrivileged, Key: "no-privileged",
		GUID: "95edb821-ddaf-4404-9732-666045e056b4", DisplayName: "Kubernetes cluster should not allow privileged containers",
		File: "ContainerNoPrivilege.json",
		Fix:  "Remove securityContext.privileged from the pod's containers.",
	},
	{
		// Version 6 covers hostNetwork beside hostPID and hostIPC, so the
		// host network definition (82985f06, which also restricts host
		// ports: a Pod Security concern) is not assigned for this rule.
		Rule: platform.RulePrivileged, Key: "no-host-namespaces",
		GUID: "47a1ee2f-2a2a-4576-bf2a-e0e36709c2b8", DisplayName: "Kubernetes cluster containers should not share host namespaces",
		File: "BlockHostNamespace.json",
		Fix:  "Remove hostNetwork, hostPID and hostIPC from the pod spec.",
	},
	{
		// An empty list of paths allows no hostPath volume at all.
		Rule: platform.RulePrivileged, Key: "no-host-paths",
		GUID: "098fc59e-46c7-4d99-9b16-64990e543d75", DisplayName: "Kubernetes cluster pod hostPath volumes should only use allowed host paths",
		File:   "AllowedHostPaths.json",
		Params: map[string]any{"allowedHostPaths": map[string]any{"paths": []any{}}},
		Fix:    "Replace hostPath volumes with a PersistentVolumeClaim, an emptyDir or a projected volume.",
	},
	{
		// forcePrivilegeEscalationToBeFalse: an unset
		// allowPrivilegeEscalation allows escalation, and the guardrails
		// refuse it as the restricted Pod Security Standard does.
		Rule: platform.RulePrivileged, Key: "no-privilege-escalation",
		GUID: "1c6e92c9-99f0-4e55-9cf2-0c234dc48f99", DisplayName: "Kubernetes clusters should not allow container privilege escalation",
		File:   "ContainerNoPrivilegeEscalation.json",
		Params: map[string]any{"forcePrivilegeEscalationToBeFalse": true},
		Fix:    "Set securityContext.allowPrivilegeEscalation: false on every container.",
	},
	{
		Rule: platform.RuleRegistries, Key: "allowed-images",
		GUID: "febd0533-8e55-448f-b837-bd0e06f16469", DisplayName: "Kubernetes cluster containers should only use allowed images",
		File: "ContainerAllowedImages.json", ImageRegex: true,
		Fix: "Use images from the environment's registries only; push the image to the environment's registry.",
	},
	{
		// Requests only: see workloadRuleGaps for the memory limit.
		Rule: platform.RuleResources, Key: "resource-requests",
		GUID: "03a4ecdb-0684-4039-be91-2762979e1bc8", DisplayName: "Kubernetes cluster containers CPU and memory resource requests must be defined",
		File: "ContainerResourceRequests.json",
		Fix:  "Set resources.requests.cpu and resources.requests.memory on every container, or give the namespace a LimitRange with defaults.",
	},
	{
		Rule: platform.RuleImageTag, Key: "no-latest-tag",
		GUID: "021f8078-41a0-40e6-81b6-c6597da9f3ee", DisplayName: "Kubernetes cluster container images should not include latest image tag",
		File: "ImagesDoNotUseLatest.json",
		Fix:  "Name a version in every image: a tag other than latest (image:1.4.2) or a digest (image@sha256:...).",
	},
	{
		// Public load balancers only: see workloadRuleGaps.
		Rule: platform.RuleGateway, Key: "internal-load-balancers",
		GUID: "3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e", DisplayName: "Kubernetes clusters should use internal load balancers",
		File: "LoadbalancerNoPublicIPs.json",
		Fix:  "Expose the service through the platform's gateway: a ClusterIP Service and an HTTPRoute (or Ingress), not type LoadBalancer.",
	},
	{
		// The restricted standard: capabilities drop ALL and add back
		// NET_BIND_SERVICE at most (the initiative's defaults are the
		// baseline's list).
		Rule: platform.RulePodSecurity, Key: "pod-security-restricted",
		GUID: "42b8ef37-b724-4e24-bbc8-7a7708edfe00", DisplayName: "Kubernetes cluster pod security restricted standards for Linux-based workloads",
		Set: true, File: "PSPRestrictedStandard.json",
		Params: map[string]any{"allowedCapabilities": []any{"NET_BIND_SERVICE"}, "requiredDropCapabilities": []any{"ALL"}},
		Fix:    "Meet the restricted Pod Security Standard: run as non-root, drop ALL capabilities, a RuntimeDefault seccomp profile, no privilege escalation, only the allowed volume types.",
		AuditOnly: "a team namespace may keep the baseline standard (its access package's podSecurity: baseline), which its Pod Security admission label enforces; " +
			"the initiative cannot see that choice, so it reports and the namespace's label decides",
	},
}

// workloadRuleGaps are the rules, or the parts of them, that no built-in
// definition checks as the baseline means them, with the reason: the
// in-cluster admission policies (components/guardrails) alone hold them.
var workloadRuleGaps = map[platform.WorkloadRule]string{
	platform.RuleResources: "the memory limit: the only built-in on limits " +
		"(e345eecc-fa47-480f-9e88-67dcc122b164, CPU and memory resource limits should not exceed the specified limits) " +
		"also demands a CPU limit and a maximum, which the baseline does not",
	platform.RuleImageTag: "an image without a tag or digest (implicitly latest): the definition's template " +
		"is not published with it, so whether it flags one is not known; no built-in requires a digest",
	platform.RuleGateway: "NodePort Services and internal LoadBalancer Services: no built-in restricts Service types; " +
		"the definition denies only load balancers with a public address",
}

// workloadPolicyPlan is the cloud-side shape of a WorkloadPolicySpec on
// Azure: one policy assignment per built-in definition, scoped to the
// cluster.
type workloadPolicyPlan struct {
	// Effect is the assignments' effect parameter, Deny with Enforce and
	// Audit otherwise; ControlEffect the same as WorkloadControl.Effect.
	Effect, ControlEffect string
	// EnforcementMode is always Default: the effect decides.
	EnforcementMode string
	// ExcludedNamespaces are platformNamespaces, then the spec's
	// PlatformNamespaces not among them.
	ExcludedNamespaces []string
	Assignments        []policyAssignmentPlan
}

// policyAssignmentPlan is one policy assignment.
type policyAssignmentPlan struct {
	// Name is the assignment's Pulumi and Azure name, "<name>-<key>".
	Name string
	// Definition is what it assigns.
	Definition policyDefinition
	// DisplayName, Description and Message (the non-compliance message)
	// say what it holds and what to fix.
	DisplayName, Description, Message string
	// Params are every parameter but allowedContainerImagesRegex, which
	// comes from the registries' outputs (Definition.ImageRegex).
	Params map[string]any
	// Effect is the plan's, or Audit for a Definition.AuditOnly;
	// ControlEffect the same as WorkloadControl.Effect.
	Effect, ControlEffect string
}

// planWorkloadPolicy checks what Azure needs beyond the contract's checks
// (WorkloadPolicySpec.Validate against aksfacts.Facts, which refuses
// attestors with the facts' reason) and plans the assignments. Nothing is
// registered when it fails.
func planWorkloadPolicy(spec platform.WorkloadPolicySpec) (workloadPolicyPlan, error) {
	path := field.NewPath("workloadPolicy")
	errs := spec.Validate(path, aksfacts.Facts)
	if spec.Cluster != nil && spec.Cluster.ID.OutputState == nil {
		errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID, the scope of every policy assignment"))
	}
	if longest := platform.ChildName(spec.Name, longestPolicyKey()); len(longest) > maxPolicyAssignmentName {
		errs.Addf(path.Child("name"), spec.Name, "gives the policy assignment name %q, longer than Azure's %d characters; use a shorter name", longest, maxPolicyAssignmentName)
	}
	if err := errs.Err(); err != nil {
		return workloadPolicyPlan{}, err
	}
	p := workloadPolicyPlan{
		Effect: policyEffectAudit, ControlEffect: "audit",
		EnforcementMode:    policyEnforcementDefault,
		ExcludedNamespaces: slices.Clone(platformNamespaces),
	}
	for _, ns := range spec.PlatformNamespaces {
		if !slices.Contains(p.ExcludedNamespaces, ns) {
			p.ExcludedNamespaces = append(p.ExcludedNamespaces, ns)
		}
	}
	if spec.Enforce {
		p.Effect, p.ControlEffect = policyEffectDeny, "deny"
	}
	for _, d := range workloadPolicyDefinitions {
		effect, controlEffect := p.Effect, p.ControlEffect
		if d.AuditOnly != "" {
			effect, controlEffect = policyEffectAudit, "audit"
		}
		params := map[string]any{
			"effect":             effect,
			"excludedNamespaces": toAny(p.ExcludedNamespaces),
		}
		for k, v := range d.Params {
			params[k] = v
		}
		p.Assignments = append(p.Assignments, policyAssignmentPlan{
			Name:        platform.ChildName(spec.Name, d.Key),
			Definition:  d,
			DisplayName: fmt.Sprintf("Plinth %s: %s", spec.Name, d.DisplayName),
			Description: fmt.Sprintf("Plinth workload rule %q on this cluster's team namespaces (platform namespaces excluded: %s). "+
				"The cluster's admission policies (guardrails) hold the rule too; this reports its compliance in Azure Policy. Managed by Plinth.",
				d.Rule, strings.Join(p.ExcludedNamespaces, ", ")),
			Message:       fmt.Sprintf("Plinth workload rule %q: %s", d.Rule, d.Fix),
			Params:        params,
			Effect:        effect,
			ControlEffect: controlEffect,
		})
	}
	return p, nil
}

// longestPolicyKey returns the longest Key of workloadPolicyDefinitions.
func longestPolicyKey() string {
	longest := ""
	for _, d := range workloadPolicyDefinitions {
		if len(d.Key) > len(longest) {
			longest = d.Key
		}
	}
	return longest
}

// controls returns the plan's controls, in the order of
// platform.WorkloadRules (workloadPolicyDefinitions' order).
func (p workloadPolicyPlan) controls() []platform.WorkloadControl {
	out := make([]platform.WorkloadControl, 0, len(p.Assignments))
	for _, a := range p.Assignments {
		out = append(out, platform.WorkloadControl{Rule: a.Definition.Rule, Control: a.Definition.control(), Effect: a.ControlEffect})
	}
	return out
}

// imagesRegex returns the allowedContainerImagesRegex that admits exactly
// the images under prefixes: ^(<prefix>|...).+$ with each prefix's
// metacharacters (the dots of a host name) escaped. A prefix that does
// not end in "/" is an error, as RegistrySpec's outputs always do: a
// prefix "myregistry.azurecr.io" would admit "myregistry.azurecr.io.evil.com/x".
func imagesRegex(prefixes, injected []string) (string, error) {
	quoted := make([]string, 0, len(prefixes)+len(injected))
	for i, p := range prefixes {
		if !strings.HasSuffix(p, "/") || len(p) < 2 {
			return "", fmt.Errorf("workloadPolicy.registries[%d] %q: not an image prefix; end it with \"/\", e.g. \"myregistry.azurecr.io/\" (RegistryOutputs.Prefix)", i, p)
		}
		quoted = append(quoted, regexp.QuoteMeta(p))
	}
	// An injected image's pattern ("cr.l5d.io/linkerd/proxy:*") is the
	// prefix before its '*' (WorkloadPolicySpec.Validate checked its form).
	for _, img := range injected {
		quoted = append(quoted, regexp.QuoteMeta(strings.TrimSuffix(img, "*")))
	}
	return "^(" + strings.Join(quoted, "|") + ").+$", nil
}

// toAny returns ss as a []any, the shape of a JSON array parameter.
func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

package platform

import (
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
)

// WorkloadRule names one rule of the baseline the team namespaces hold to,
// with the same meaning on every cloud (docs/components/guardrails.md).
type WorkloadRule string

// The baseline's rules.
const (
	// RulePrivileged: no privileged container, no host namespace
	// (network, PID, IPC), no hostPath volume, no privilege escalation.
	RulePrivileged WorkloadRule = "privileged"
	// RuleRegistries: images only from the platform's registries.
	RuleRegistries WorkloadRule = "registries"
	// RuleResources: CPU and memory requests and a memory limit on every
	// container.
	RuleResources WorkloadRule = "resources"
	// RuleImageTag: every image names a version other than "latest".
	RuleImageTag WorkloadRule = "image-tag"
	// RuleGateway: traffic enters through the platform's gateway, so no
	// Service of type LoadBalancer or NodePort.
	RuleGateway WorkloadRule = "gateway"
	// RulePodSecurity: the restricted Pod Security Standard.
	RulePodSecurity WorkloadRule = "pod-security"
)

// WorkloadRules lists the baseline's rules.
var WorkloadRules = []WorkloadRule{RulePrivileged, RuleRegistries, RuleResources, RuleImageTag, RuleGateway, RulePodSecurity}

// WorkloadPolicySpec describes the cloud's own controls over what an
// environment's cluster runs, beside the in-cluster admission policies of
// the guardrails: Azure Policy assignments of built-in AKS definitions,
// scoped to the cluster; a Binary Authorization policy on GKE.
type WorkloadPolicySpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster the controls cover.
	Cluster *ClusterOutputs
	// Enforce makes the controls deny what breaks a rule (staging and
	// production); otherwise they audit it.
	Enforce bool
	// Registries are the image prefixes teams may pull from, each ending
	// in "/": the environment's registry (RegistryOutputs.Prefix) and
	// those the environment allows beside it.
	Registries []pulumi.StringInput
	// SystemImages are the images of the platform's own services, as
	// "<registry>/<path>" name patterns with an optional trailing "*" or
	// ":*" (any tag of one image): "quay.io/jetstack/cert-manager-*",
	// "docker.io/traefik:*". A control that covers the whole cluster
	// (Binary Authorization) admits them too.
	SystemImages []string
	// InjectedImages are images the platform adds to the teams' own pods,
	// written as SystemImages are: the service mesh's proxy, injected into
	// every pod of a meshed namespace. A control over the team
	// namespaces admits them beside Registries.
	InjectedImages []string
	// PlatformNamespaces are namespaces of the platform's own services
	// beyond those every backend knows (a custom ingress namespace, the
	// service mesh's), which a control over the team namespaces leaves out
	// (AKS: each assignment's excludedNamespaces).
	PlatformNamespaces []string
	// Attestors are the attestors whose attestation every image outside
	// SystemImages needs, where the cloud verifies attestations
	// (CloudFacts.ImageAttestation): Binary Authorization attestor
	// resource names, "projects/<project>/attestors/<name>".
	Attestors []string
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// WorkloadControl is one control of the cloud over a WorkloadRule.
type WorkloadControl struct {
	// Rule is the rule the control holds.
	Rule WorkloadRule
	// Control names it, e.g. "Azure Policy 95edb821-ddaf-4404-9732-666045e056b4
	// (Kubernetes cluster should not allow privileged containers)".
	Control string
	// Effect is what it does with a breach: "deny" or "audit".
	Effect string
}

// WorkloadPolicyOutputs is what a WorkloadPolicyBackend returns.
type WorkloadPolicyOutputs struct {
	// Controls are the controls created, in the order of WorkloadRules.
	Controls []WorkloadControl
}

// WorkloadPolicyBackend creates the cloud's controls over what a cluster
// runs. The in-cluster admission policies (components/guardrails) hold
// every WorkloadRule on every cloud; these add the cloud's own view: its
// compliance reports, and the image checks the cloud makes for the whole
// cluster.
type WorkloadPolicyBackend interface {
	Backend
	NewWorkloadPolicy(ctx *pulumi.Context, spec WorkloadPolicySpec, opts ...pulumi.ResourceOption) (*WorkloadPolicyOutputs, error)
}

// Validate checks what every WorkloadPolicyBackend needs of spec before it
// registers anything, and returns every problem at once under path: the
// logical name, the cluster, a registry at least, no unset registry, each
// system image a name pattern with a registry host, and attestors only
// where facts says the cloud verifies them, each in its form.
func (s WorkloadPolicySpec) Validate(path field.Path, facts CloudFacts) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if s.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster the controls cover"))
	}
	if len(s.Registries) == 0 {
		errs.Add(field.Required(path.Child("registries"), "the image prefixes teams may pull from: the environment's registry at least"))
	}
	for i, r := range s.Registries {
		if r == nil {
			errs.Add(field.Required(path.Child("registries").Index(i), "an image prefix, e.g. the registry's RegistryOutputs.Prefix"))
		}
	}
	for _, l := range []struct {
		name   string
		images []string
	}{{"systemImages", s.SystemImages}, {"injectedImages", s.InjectedImages}} {
		for i, img := range l.images {
			host, rest, _ := strings.Cut(img, "/")
			name := strings.TrimSuffix(strings.TrimSuffix(img, "*"), ":")
			if !strings.Contains(host, ".") || rest == "" || strings.ContainsAny(name, " :@*") {
				errs.Addf(path.Child(l.name).Index(i), img, "not an image name pattern: write \"<registry host>/<path>\", then an optional trailing '*' or ':*' (any tag), e.g. \"quay.io/jetstack/cert-manager-*\" or \"docker.io/traefik:*\"")
			}
		}
	}
	for i, a := range s.Attestors {
		p := path.Child("attestors").Index(i)
		if j := slices.Index(s.Attestors[:i], a); j >= 0 {
			errs.Addf(p, a, "repeats %s; list each attestor once", path.Child("attestors").Index(j))
			continue
		}
		switch {
		case !facts.ImageAttestation.Supported:
			errs.Addf(p, a, "%s", facts.ImageAttestation.Why)
		case !facts.ImageAttestation.Attestors.Check(a):
			errs.Addf(p, a, "not %s, e.g. %q", facts.ImageAttestation.Attestors.Want, facts.ImageAttestation.Attestors.Example)
		}
	}
	return errs
}

// ImageAttestation is whether a cloud verifies image attestations at
// admission, and the form of its attestors.
type ImageAttestation struct {
	// Supported reports whether it does; Why says why not, when it does
	// not, and what to do instead.
	Supported bool
	Why       string
	// Attestors is the form of an attestor's name.
	Attestors IDFormat
}

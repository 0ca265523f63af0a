package gke

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// Binary Authorization settings of the project's policy.
const (
	// globalPolicyEnabled evaluates Google's global policy first, which
	// admits the images GKE itself runs (its system images): the project
	// policy needs to list only the platform's own.
	globalPolicyEnabled = "ENABLE"
	// evaluateDeny refuses every image no allowlist pattern admits;
	// evaluateAttested admits one when every attestor has attested it.
	evaluateDeny     = "ALWAYS_DENY"
	evaluateAttested = "REQUIRE_ATTESTATION"
	// enforceBlock refuses the pod and logs it; enforceDryRun admits it
	// and logs what would have been refused.
	enforceBlock  = "ENFORCED_BLOCK_AND_AUDIT_LOG"
	enforceDryRun = "DRYRUN_AUDIT_LOG_ONLY"
	// registrySubtree ends the allowlist pattern of a registry prefix:
	// Binary Authorization's trailing "**" matches every image under it,
	// in nested paths too ("*" would stop at the next "/").
	registrySubtree = "**"
)

// workloadPolicyPlan is the cloud-side shape of a WorkloadPolicySpec on
// GCP, the project's Binary Authorization policy, computed without Pulumi
// so that it can be table-tested.
type workloadPolicyPlan struct {
	// Name is the policy's Pulumi name, "<name>-binary-authorization";
	// Project the backend's project, whose policy it is.
	Name, Project, Description string
	// GlobalPolicy is globalPolicyEnabled.
	GlobalPolicy string
	// SystemPatterns are the allowlist patterns known as plain values:
	// spec.SystemImages, as given.
	SystemPatterns []string
	// AllowRegistries adds each spec.Registries prefix + "**" to the
	// allowlist (registryPatterns), when there are no attestors: the
	// registries' images are then admitted by name.
	AllowRegistries bool
	// EvaluationMode is the default admission rule's: evaluateDeny without
	// attestors, evaluateAttested with them; Attestors its
	// requireAttestationsBy.
	EvaluationMode string
	Attestors      []string
	// EnforcementMode is enforceBlock with spec.Enforce, enforceDryRun
	// otherwise.
	EnforcementMode string
	// Protect is pulumi.Protect and Retain pulumi.RetainOnDelete, both
	// spec.Enforce: see NewWorkloadPolicy.
	Protect, Retain bool
	// Control is the control the policy holds.
	Control platform.WorkloadControl
}

// validateWorkloadPolicy checks spec as every backend does
// (WorkloadPolicySpec.Validate with GCP's facts), and returns every
// problem at once, before anything is registered. The registries are
// outputs; registryPatterns checks them once they resolve.
func validateWorkloadPolicy(spec platform.WorkloadPolicySpec, path field.Path) error {
	return spec.Validate(path, gkefacts.Facts).Err()
}

// planWorkloadPolicy maps a validated spec to the Binary Authorization
// policy of cfg's project.
func planWorkloadPolicy(cfg Config, spec platform.WorkloadPolicySpec) workloadPolicyPlan {
	p := workloadPolicyPlan{
		Name:            platform.ChildName(spec.Name, "binary-authorization"),
		Project:         cfg.Project,
		Description:     "Plinth guardrails " + spec.Name + ": images only from the environment's registries and the platform's system images",
		GlobalPolicy:    globalPolicyEnabled,
		SystemPatterns:  systemPatterns(spec),
		AllowRegistries: len(spec.Attestors) == 0,
		EvaluationMode:  evaluateDeny,
		EnforcementMode: enforceDryRun,
		Protect:         spec.Enforce,
		Retain:          spec.Enforce,
	}
	what := "admits only images under the allowlisted registries and the platform's system images, and Google's own through the global policy"
	if len(spec.Attestors) > 0 {
		p.EvaluationMode = evaluateAttested
		p.Attestors = append([]string{}, spec.Attestors...)
		p.Description = "Plinth guardrails " + spec.Name + ": images attested by " + strings.Join(spec.Attestors, ", ") + ", and the platform's system images"
		what = "admits only images attested by " + strings.Join(spec.Attestors, ", ") + ", the platform's system images, and Google's own through the global policy"
	}
	effect := "audit"
	if spec.Enforce {
		p.EnforcementMode, effect = enforceBlock, "deny"
	}
	p.Control = platform.WorkloadControl{
		Rule:    platform.RuleRegistries,
		Control: fmt.Sprintf("Binary Authorization policy of project %s (%s; %s)", cfg.Project, what, p.EnforcementMode),
		Effect:  effect,
	}
	return p
}

// systemPatterns are spec's SystemImages and then its InjectedImages not
// among them: the whole cluster's policy admits both by name, attested or
// not (the mesh's proxy is injected into the teams' pods).
func systemPatterns(spec platform.WorkloadPolicySpec) []string {
	out := append([]string{}, spec.SystemImages...)
	for _, img := range spec.InjectedImages {
		if !slices.Contains(out, img) {
			out = append(out, img)
		}
	}
	return out
}

// admissionPatterns returns the policy's allowlist: p's system patterns,
// then, when p allows the registries by name, registryPatterns of
// registries (the resolved spec.Registries, checked under path).
func admissionPatterns(p workloadPolicyPlan, registries []string, path field.Path) ([]string, error) {
	out := append([]string{}, p.SystemPatterns...)
	if !p.AllowRegistries {
		return out, nil
	}
	more, err := registryPatterns(registries, path)
	if err != nil {
		return nil, err
	}
	return append(out, more...), nil
}

// registryPatterns returns the allowlist pattern of each registry prefix,
// prefix + "**", and refuses a prefix that would admit more than one
// registry's images: one without a registry host ("<host>/..." with a
// '.'), or not ending in "/" ("gcr.io/acme**" would admit
// "gcr.io/acme-other/...").
func registryPatterns(registries []string, path field.Path) ([]string, error) {
	var (
		errs field.List
		out  []string
	)
	for i, r := range registries {
		host, _, _ := strings.Cut(r, "/")
		if !strings.Contains(host, ".") || !strings.HasSuffix(r, "/") || strings.ContainsAny(r, " *@") {
			errs.Addf(path.Index(i), r, "not a registry prefix: write \"<registry host>/<path>/\", ending in '/', without wildcards or digests, e.g. \"europe-west1-docker.pkg.dev/acme-prod/registry/\" (the registry's RegistryOutputs.Prefix)")
			continue
		}
		out = append(out, r+registrySubtree)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

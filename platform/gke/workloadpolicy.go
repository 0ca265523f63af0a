package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/binaryauthorization"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewWorkloadPolicy sets the Binary Authorization policy of the backend's
// project, "<name>-binary-authorization". A project has one policy, and
// it covers every cluster of the project whose Binary Authorization
// evaluation mode is PROJECT_SINGLETON_POLICY_ENFORCE (NewCluster's with
// GKEClusterSpec.BinaryAuthorization; a cluster without it is not
// checked). The project is the environment's own
// (docs/adr/0004-gcp-environment-isolation.md), so the policy covers the
// environment's cluster and no other environment's. The policy:
//
//   - evaluates Google's global policy (globalPolicyEvaluationMode
//     ENABLE), which admits the images GKE itself runs;
//   - allowlists spec.SystemImages as given (the platform's own services,
//     helm.SystemImages), and, without spec.Attestors, each of
//     spec.Registries followed by "**", which admits every image under
//     the prefix, in nested paths too; a resolved registry that is not a
//     prefix ending in "/" fails the update, as it would admit other
//     registries' images;
//   - refuses everything else: without attestors the default rule is
//     ALWAYS_DENY; with them it is REQUIRE_ATTESTATION by spec.Attestors,
//     so that the registries' images are admitted only once every
//     attestor has attested them (the system images stay allowlisted).
//     The API takes requireAttestationsBy only with REQUIRE_ATTESTATION,
//     so no policy is both;
//   - enforces with spec.Enforce (ENFORCED_BLOCK_AND_AUDIT_LOG: the pod
//     is refused and the refusal logged), and otherwise only audits
//     (DRYRUN_AUDIT_LOG_ONLY: the pod runs, and Cloud Audit Logs record
//     what would have been refused).
//
// Destroy: deleting a Binary Authorization policy does not delete it, it
// resets the project to Google's default policy, which admits every
// image. The backend never does that silently where the policy refuses
// anything: with spec.Enforce the policy is retained when it leaves the
// stack (pulumi.RetainOnDelete), so that `pulumi destroy`, or a rename
// that replaces the resource, leaves the project refusing what it
// refused, and protected, so that `pulumi destroy` stops at it until
// someone runs `pulumi state unprotect` on it. Without spec.Enforce the
// policy only logs (dry run), which Google's default does not, and it is
// neither: a destroyed development environment leaves nothing behind. To open a project again, import Google's default
// policy (gcloud container binauthz policy import) or delete the project.
//
// Enabling binaryauthorization.googleapis.com is the project owner's,
// like the project's other APIs (NewCluster needs it too). spec.Tags go
// nowhere: the policy takes no labels.
//
// Controls: one, for platform.RuleRegistries, whose effect is "deny" with
// spec.Enforce and "audit" otherwise. Everything is validated first
// (WorkloadPolicySpec.Validate with GCP's facts), and every problem is
// reported at once, before anything is registered.
func (b *Backend) NewWorkloadPolicy(ctx *pulumi.Context, spec platform.WorkloadPolicySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadPolicyOutputs, error) {
	path := field.NewPath("guardrails")
	if err := validateWorkloadPolicy(spec, path); err != nil {
		return nil, err
	}
	plan := planWorkloadPolicy(b.cfg, spec)

	registries := make([]any, len(spec.Registries))
	for i, r := range spec.Registries {
		registries[i] = r
	}
	patterns := pulumi.All(registries...).ApplyT(func(vs []any) ([]binaryauthorization.PolicyAdmissionWhitelistPattern, error) {
		resolved := make([]string, len(vs))
		for i, v := range vs {
			resolved[i], _ = v.(string)
		}
		names, err := admissionPatterns(plan, resolved, path.Child("registries"))
		if err != nil {
			return nil, err
		}
		out := make([]binaryauthorization.PolicyAdmissionWhitelistPattern, len(names))
		for i, n := range names {
			out[i] = binaryauthorization.PolicyAdmissionWhitelistPattern{NamePattern: n}
		}
		return out, nil
	}).(binaryauthorization.PolicyAdmissionWhitelistPatternArrayOutput)

	rule := &binaryauthorization.PolicyDefaultAdmissionRuleArgs{
		EvaluationMode:  pulumi.String(plan.EvaluationMode),
		EnforcementMode: pulumi.String(plan.EnforcementMode),
	}
	if len(plan.Attestors) > 0 {
		rule.RequireAttestationsBies = pulumi.ToStringArray(plan.Attestors)
	}
	if _, err := binaryauthorization.NewPolicy(ctx, plan.Name, &binaryauthorization.PolicyArgs{
		Project:                    pulumi.String(plan.Project),
		Description:                pulumi.String(plan.Description),
		GlobalPolicyEvaluationMode: pulumi.String(plan.GlobalPolicy),
		AdmissionWhitelistPatterns: patterns,
		DefaultAdmissionRule:       rule,
	}, b.retained(opts, plan.Retain, pulumi.Protect(plan.Protect))...); err != nil {
		return nil, err
	}
	return &platform.WorkloadPolicyOutputs{Controls: []platform.WorkloadControl{plan.Control}}, nil
}

package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewWorkloadPolicy creates the cloud's controls over what an AKS
// cluster runs: Azure Policy assignments of built-in AKS definitions, one
// per definition of workloadPolicyDefinitions, scoped to exactly the
// cluster (spec.Cluster.ID, never its resource group or subscription).
//
// The design: the in-cluster ValidatingAdmissionPolicies of the guardrails
// (components/guardrails) hold every WorkloadRule, alike on every cloud;
// these assignments add Azure's own view of the same rules, their
// compliance in Azure Policy, and with
// spec.Enforce a second refusal by the Azure Policy add-on (Gatekeeper):
//
//   - effect Deny when spec.Enforce, Audit otherwise; enforcement mode
//     Default, so the effect takes place;
//   - excludedNamespaces are the platform's namespaces (platformNamespaces:
//     the add-on's defaults and cert-manager, ingress, velero), so that
//     rules meant for team workloads never judge the platform's services;
//   - the registries rule admits images under spec.Registries only
//     (allowedContainerImagesRegex ^(<prefix>|...).+$, dots escaped);
//   - each has a display name, a description and a non-compliance message
//     that says what to fix; "<name>-<key>" is its Pulumi and Azure name.
//
// What no built-in checks as the baseline means it stays with the
// admission policies alone (workloadRuleGaps): the memory limit, an
// image without a tag, NodePort and internal LoadBalancer Services.
//
// The cluster needs the Azure Policy add-on (AKSClusterSpec.AzurePolicy)
// for the assignments to reach it; without it Azure reports the cluster as
// not evaluated. spec.Attestors are refused: AKS verifies no image
// attestations at admission (aksfacts.Facts.ImageAttestation). Assigning
// policies needs Microsoft.Authorization/policyAssignments/write on the
// cluster (Resource Policy Contributor or Owner) for whoever runs
// `pulumi up`. The returned Controls list each assignment, in the order
// of platform.WorkloadRules.
func (b *Backend) NewWorkloadPolicy(ctx *pulumi.Context, spec platform.WorkloadPolicySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadPolicyOutputs, error) {
	plan, err := planWorkloadPolicy(spec)
	if err != nil {
		return nil, err
	}
	registries := make([]any, len(spec.Registries))
	for i, r := range spec.Registries {
		registries[i] = r
	}
	regex := pulumi.All(registries...).ApplyT(func(v []any) (string, error) {
		prefixes := make([]string, len(v))
		for i, p := range v {
			prefixes[i] = p.(string)
		}
		return imagesRegex(prefixes, spec.InjectedImages)
	}).(pulumi.StringOutput)

	for _, a := range plan.Assignments {
		params := authorization.ParameterValuesValueMap{}
		for k, v := range a.Params {
			params[k] = authorization.ParameterValuesValueArgs{Value: pulumi.Any(v)}
		}
		if a.Definition.ImageRegex {
			params["allowedContainerImagesRegex"] = authorization.ParameterValuesValueArgs{Value: regex}
		}
		if _, err := authorization.NewPolicyAssignment(ctx, a.Name, &authorization.PolicyAssignmentArgs{
			PolicyAssignmentName: pulumi.String(a.Name),
			Scope:                spec.Cluster.ID,
			PolicyDefinitionId:   pulumi.String(a.Definition.id()),
			DisplayName:          pulumi.String(a.DisplayName),
			Description:          pulumi.String(a.Description),
			EnforcementMode:      pulumi.String(plan.EnforcementMode),
			NonComplianceMessages: authorization.NonComplianceMessageArray{
				authorization.NonComplianceMessageArgs{Message: pulumi.String(a.Message)},
			},
			Parameters: params,
		}, b.opts(opts)...); err != nil {
			return nil, err
		}
	}
	return &platform.WorkloadPolicyOutputs{Controls: plan.controls()}, nil
}

package admission

import (
	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// Reason is the HTTP reason of a validation that sets none: Forbidden.
const Reason = "Forbidden"

// Policy is one ValidatingAdmissionPolicy and its binding, as plain data:
// what a component creates, and what its tests and docs read.
type Policy struct {
	// Role names the Pulumi children: "<name>-<role>-policy" and
	// "<name>-<role>-binding".
	Role string
	// Name is the policy's and the binding's name in the cluster.
	Name string
	// Rules are the requests the policy sees (matchConstraints).
	Rules []Rule
	// MatchConditions narrow them (all must hold).
	MatchConditions []NamedExpression
	// Variables are CEL variables for Validations.
	Variables []NamedExpression
	// Validations must all hold, or the request is refused.
	Validations []Validation
	// Holds is the rule of the workload baseline the policy holds, where
	// it holds one (the guardrails); "" otherwise.
	Holds platform.WorkloadRule
}

// Rule is one resource rule of a policy's matchConstraints: namespaced
// resources of every API version of the groups.
type Rule struct {
	APIGroups, Resources, Operations []string
}

// NamedExpression is a named CEL expression: a match condition or a
// variable.
type NamedExpression struct {
	Name, Expression string
}

// Validation is one CEL validation of a policy.
type Validation struct {
	// Rule is the short name of the rule the validation enforces, where a
	// page lists rules (docs/components/guardrails.md); "" otherwise.
	Rule string
	// Expression must be true for the request to pass.
	Expression string
	// Message is shown when it is false; MessageExpression, when set and
	// it evaluates, replaces it.
	Message, MessageExpression string
	// Reason is the HTTP reason of a refusal. Unset: Reason (Forbidden).
	Reason string
}

// ParamKind is the kind of a policy's parameters; nil for a policy
// without parameters.
type ParamKind struct{ APIVersion, Kind string }

// Args is the ValidatingAdmissionPolicy of p, labeled labels: a request
// the policy cannot judge (an error in an expression) fails
// (failurePolicy Fail); params, when set, is the kind of its parameters.
func (p Policy) Args(labels map[string]string, params *ParamKind) *admissionv1.ValidatingAdmissionPolicyArgs {
	var rules admissionv1.NamedRuleWithOperationsArray
	for _, r := range p.Rules {
		rules = append(rules, admissionv1.NamedRuleWithOperationsArgs{
			ApiGroups:   pulumi.ToStringArray(r.APIGroups),
			ApiVersions: pulumi.ToStringArray([]string{"*"}),
			Resources:   pulumi.ToStringArray(r.Resources),
			Operations:  pulumi.ToStringArray(r.Operations),
			Scope:       pulumi.String("Namespaced"),
		})
	}
	var conditions admissionv1.MatchConditionArray
	for _, c := range p.MatchConditions {
		conditions = append(conditions, admissionv1.MatchConditionArgs{Name: pulumi.String(c.Name), Expression: pulumi.String(c.Expression)})
	}
	var variables admissionv1.VariableArray
	for _, v := range p.Variables {
		variables = append(variables, admissionv1.VariableArgs{Name: pulumi.String(v.Name), Expression: pulumi.String(v.Expression)})
	}
	var validations admissionv1.ValidationArray
	for _, v := range p.Validations {
		reason := v.Reason
		if reason == "" {
			reason = Reason
		}
		va := admissionv1.ValidationArgs{Expression: pulumi.String(v.Expression), Message: pulumi.String(v.Message), Reason: pulumi.String(reason)}
		if v.MessageExpression != "" {
			va.MessageExpression = pulumi.String(v.MessageExpression)
		}
		validations = append(validations, va)
	}
	spec := &admissionv1.ValidatingAdmissionPolicySpecArgs{
		FailurePolicy:    pulumi.String("Fail"),
		MatchConstraints: &admissionv1.MatchResourcesArgs{ResourceRules: rules},
		MatchConditions:  conditions,
		Validations:      validations,
	}
	if params != nil {
		spec.ParamKind = &admissionv1.ParamKindArgs{ApiVersion: pulumi.String(params.APIVersion), Kind: pulumi.String(params.Kind)}
	}
	if len(variables) > 0 {
		spec.Variables = variables
	}
	return &admissionv1.ValidatingAdmissionPolicyArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: pulumi.ToStringMap(labels)},
		Spec:     spec,
	}
}

// New registers p (Args with params) as "<name>-<role>-policy" and its
// binding "<name>-<role>-binding", of the same name in the cluster and
// labeled labels, whose spec binding returns for the policy's name.
func (p Policy) New(ctx *pulumi.Context, name string, labels map[string]string, params *ParamKind,
	binding func(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs, opts ...pulumi.ResourceOption) error {
	vap, err := admissionv1.NewValidatingAdmissionPolicy(ctx, platform.ChildName(name, p.Role+"-policy"), p.Args(labels, params), opts...)
	if err != nil {
		return err
	}
	_, err = admissionv1.NewValidatingAdmissionPolicyBinding(ctx, platform.ChildName(name, p.Role+"-binding"), &admissionv1.ValidatingAdmissionPolicyBindingArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(p.Name), Labels: pulumi.ToStringMap(labels)},
		Spec:     binding(vap.Metadata.Name().Elem()),
	}, opts...)
	return err
}

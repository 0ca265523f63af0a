package accesspackage

import (
	"strconv"
	"strings"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/admission"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Tenancy inside the cluster: three ValidatingAdmissionPolicies, created
// once by the catalog, hold every team to its own namespaces. Each is
// bound once (a ValidatingAdmissionPolicyBinding of the same name) to the
// team namespaces (TenancyNamespaceSelector) and reads its parameters from
// the ConfigMap TenancyParamsName in the namespace of the request, which
// every AccessPackage writes into each of its namespaces (TenancyParams).
// They judge only requests made by the team (the by-team match condition):
// a user in one of the team's level groups, or a service account of one of
// the team's namespaces. Controllers, the identity that runs Pulumi,
// break-glass and the namespace controller that empties a deleted
// namespace are never in those groups, so their requests pass untouched.
// Kubernetes has served the policies' API (admissionregistration.k8s.io/v1)
// since 1.30 (MinKubernetesVersion).

// Names of the tenancy policies and their parameters.
const (
	// BindingsPolicyName refuses a team's RoleBinding that names a subject
	// outside the team: only the team's level groups and service accounts
	// of the team's namespaces may be bound.
	BindingsPolicyName = "plinth-tenancy-bindings"
	// ProtectPolicyName refuses a team's create, change or delete of an
	// object named "plinth-*" (ProtectedPrefix) among the kinds Plinth
	// creates in team namespaces: the quota, the limit range, the network
	// policies, the role bindings and the tenancy parameters.
	ProtectPolicyName = "plinth-tenancy-protect"
	// HostnamesPolicyName refuses a team's HTTPRoute, GRPCRoute, TLSRoute
	// or Ingress whose hostnames are not the team's (Args.Hostnames), a
	// route or Ingress rule without hostnames (it would take every name),
	// an Ingress default backend, and Traefik's IngressRoutes (their
	// hostnames are free-form rules the policy cannot read).
	HostnamesPolicyName = "plinth-tenancy-hostnames"

	// TenancyParamsName is the ConfigMap in each team namespace the
	// policies read: the team, its level groups, its namespaces and its
	// hostnames (TenancyParams).
	TenancyParamsName = "plinth-tenancy"
	// ProtectedPrefix starts the names of Plinth's objects in a team
	// namespace; a team may not create, change or delete objects so named
	// among the kinds Plinth creates there.
	ProtectedPrefix = "plinth-"

	// MinKubernetesVersion is the oldest Kubernetes minor the tenancy
	// policies run on: admissionregistration.k8s.io/v1
	// ValidatingAdmissionPolicy is GA in 1.30.
	MinKubernetesVersion = "1.30"
)

// Keys of the tenancy parameters (TenancyParams). Lists are joined with
// ",", which no group ID, namespace or hostname contains.
const (
	ParamTeam       = "team"
	ParamGroups     = "groups"
	ParamNamespaces = "namespaces"
	ParamHostnames  = "hostnames"
)

// TenancyParams returns the data of the ConfigMap TenancyParamsName of each
// of a team's namespaces: the team's name, the Kubernetes subjects of its
// level groups (platform.AccessGroup.Subject, in level order), its
// namespaces and its hostnames. An empty hostnames value allows none.
func TenancyParams(team string, groups, namespaces, hostnames []string) map[string]string {
	return map[string]string{
		ParamTeam:       team,
		ParamGroups:     strings.Join(groups, ","),
		ParamNamespaces: strings.Join(namespaces, ","),
		ParamHostnames:  strings.Join(hostnames, ","),
	}
}

// TenancyPolicy is one ValidatingAdmissionPolicy and its binding, as plain
// data: what NewCatalog creates, and what tests and docs read. Every
// tenancy policy has the by-team match condition first.
type TenancyPolicy = admission.Policy

// AdmissionRule is one resource rule of a policy's matchConstraints: every
// API version of the groups.
type AdmissionRule = admission.Rule

// NamedExpression is a named CEL expression: a match condition or a
// variable.
type NamedExpression = admission.NamedExpression

// Validation is one CEL validation of a policy; the tenancy policies'
// Reason is Forbidden.
type Validation = admission.Validation

// byTeamExpr is true for a request made by the team whose parameters
// the policy reads: a member of one of its level groups, or a service
// account of one of its namespaces (group system:serviceaccounts:<ns>).
// Nobody else's request is judged: not the deployer's, not a
// controller's, not the namespace controller's
// (system:serviceaccount:kube-system:namespace-controller, whose groups
// are system:serviceaccounts and system:serviceaccounts:kube-system), so
// deleting a team's namespaces never waits on a policy.
const byTeamExpr = `has(request.userInfo.groups) && request.userInfo.groups.exists(g, ` +
	`g in params.data.` + ParamGroups + `.split(',') || ` +
	`params.data.` + ParamNamespaces + `.split(',').exists(ns, g == 'system:serviceaccounts:' + ns))`

// byTeam is the first match condition of every tenancy policy.
var byTeam = NamedExpression{Name: "by-team", Expression: byTeamExpr}

// allowedHostExpr is the CEL of HostnameAllowed for the CEL string
// expression host, against the variable allowed (the team's hostnames).
func allowedHostExpr(host string) string {
	return `variables.allowed.exists(a, a == ` + host + ` || (a.startsWith('*.') && ` + host + `.endsWith(a.substring(1))))`
}

// forbidden is the reason of every tenancy validation.
const forbidden = admission.Reason

// TenancyPolicies returns the three tenancy policies: BindingsPolicyName,
// ProtectPolicyName and HostnamesPolicyName.
func TenancyPolicies() []TenancyPolicy {
	return []TenancyPolicy{bindingsPolicy(), protectPolicy(), hostnamesPolicy()}
}

func bindingsPolicy() TenancyPolicy {
	return TenancyPolicy{
		Role: "tenancy-bindings",
		Name: BindingsPolicyName,
		Rules: []AdmissionRule{{
			APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"rolebindings"}, Operations: []string{"CREATE", "UPDATE"},
		}},
		MatchConditions: []NamedExpression{byTeam},
		Variables: []NamedExpression{
			{Name: "groups", Expression: `params.data.` + ParamGroups + `.split(',')`},
			{Name: "namespaces", Expression: `params.data.` + ParamNamespaces + `.split(',')`},
		},
		Validations: []Validation{{
			// A ServiceAccount subject without a namespace is one of the
			// binding's own namespace, a team namespace.
			Expression: `!has(object.subjects) || object.subjects.all(s, ` +
				`(s.kind == 'Group' && s.name in variables.groups) || ` +
				`(s.kind == 'ServiceAccount' && (!has(s.namespace) || s.namespace == '' || s.namespace in variables.namespaces)))`,
			Message: "a team's RoleBinding names only the team's level groups and service accounts of the team's namespaces; people get access by requesting a level of the team's access package, which expires",
			MessageExpression: `'RoleBinding ' + object.metadata.name + ': in the namespaces of team ' + params.data.` + ParamTeam +
				` + ' a RoleBinding names only the level groups of the team (' + params.data.` + ParamGroups +
				` + ') and service accounts of its namespaces (' + params.data.` + ParamNamespaces +
				` + '); users and other groups get access by requesting a level of an access package, which expires'`,
			Reason: forbidden,
		}},
	}
}

func protectPolicy() TenancyPolicy {
	all := []string{"CREATE", "UPDATE", "DELETE"}
	return TenancyPolicy{
		Role: "tenancy-protect",
		Name: ProtectPolicyName,
		Rules: []AdmissionRule{
			{APIGroups: []string{""}, Resources: []string{"resourcequotas", "limitranges", "configmaps"}, Operations: all},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"networkpolicies"}, Operations: all},
			{APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"rolebindings"}, Operations: all},
		},
		MatchConditions: []NamedExpression{byTeam, {
			Name: "plinth-object",
			// request.name is empty on a create that asks the server to
			// generate the name; the prefix asked for is then the one.
			Expression: `(has(request.name) && request.name.startsWith('` + ProtectedPrefix + `')) || ` +
				`(request.operation == 'CREATE' && has(object.metadata.generateName) && object.metadata.generateName.startsWith('` + ProtectedPrefix + `'))`,
		}},
		Validations: []Validation{{
			Expression: "false",
			Message: `names starting with "` + ProtectedPrefix + `" in a team namespace are Plinth's (its quota, limit range, network policies, role bindings and tenancy parameters): ` +
				`a team cannot create, change or delete them; add objects of your own beside them, and ask the platform team to change Plinth's`,
			MessageExpression: `request.kind.kind + ' ' + (has(request.name) ? request.name : object.metadata.generateName) + ` +
				`': names starting with "` + ProtectedPrefix + `" in the namespaces of team ' + params.data.` + ParamTeam + ` + ' are Plinth objects: ` +
				`the team cannot create, change or delete them; add objects of your own beside them, and ask the platform team to change these'`,
			Reason: forbidden,
		}},
	}
}

func hostnamesPolicy() TenancyPolicy {
	createUpdate := []string{"CREATE", "UPDATE"}
	notRoute := `!variables.isRoute || `
	notIngress := `!variables.isIngress || `
	theirs := `' of team ' + params.data.` + ParamTeam + ` + ' (' + (params.data.` + ParamHostnames + ` == '' ? 'none: set the hostnames of its access package' : params.data.` + ParamHostnames + `) + ')'`
	return TenancyPolicy{
		Role: "tenancy-hostnames",
		Name: HostnamesPolicyName,
		Rules: []AdmissionRule{
			{APIGroups: []string{"gateway.networking.k8s.io"}, Resources: []string{"httproutes", "grpcroutes", "tlsroutes"}, Operations: createUpdate},
			{APIGroups: []string{"networking.k8s.io"}, Resources: []string{"ingresses"}, Operations: createUpdate},
			{APIGroups: []string{"traefik.io"}, Resources: []string{"ingressroutes", "ingressroutetcps", "ingressrouteudps"}, Operations: createUpdate},
		},
		MatchConditions: []NamedExpression{byTeam},
		Variables: []NamedExpression{
			{Name: "allowed", Expression: `params.data.` + ParamHostnames + `.split(',').filter(a, a != '')`},
			{Name: "isRoute", Expression: `request.resource.group == 'gateway.networking.k8s.io'`},
			{Name: "isIngress", Expression: `request.resource.group == 'networking.k8s.io'`},
		},
		Validations: []Validation{
			{
				Expression: `request.resource.group != 'traefik.io'`,
				Message:    "Traefik IngressRoutes name their hostnames in free-form rules that the platform cannot hold to the team's hostnames; use an HTTPRoute on the shared Gateway, or an Ingress",
				Reason:     forbidden,
			},
			{
				Expression: notRoute + `(has(object.spec.hostnames) && size(object.spec.hostnames) > 0)`,
				Message:    "a route without spec.hostnames takes every hostname of the Gateway's listener; list the team's hostnames in spec.hostnames",
				Reason:     forbidden,
			},
			{
				Expression: notRoute + `!has(object.spec.hostnames) || object.spec.hostnames.all(h, ` + allowedHostExpr("h") + `)`,
				Message:    "spec.hostnames lists a hostname that is not the team's; use the hostnames of the team's access package",
				MessageExpression: `'spec.hostnames ' + object.spec.hostnames.filter(h, !` + allowedHostExpr("h") + `).join(', ') + ` +
					`': not hostnames' + ` + theirs,
				Reason: forbidden,
			},
			{
				Expression: notIngress + `!has(object.spec.defaultBackend)`,
				Message:    "an Ingress default backend takes every hostname; write rules with the team's hostnames instead",
				Reason:     forbidden,
			},
			{
				Expression: notIngress + `!has(object.spec.rules) || object.spec.rules.all(r, has(r.host) && ` + allowedHostExpr("r.host") + `)`,
				Message:    "every Ingress rule names a host, one of the team's hostnames; a rule without a host takes every hostname",
				MessageExpression: `'spec.rules[].host ' + object.spec.rules.map(r, has(r.host) ? r.host : '(none)').filter(h, !` + allowedHostExpr("h") + `).join(', ') + ` +
					`': every rule names one of the hostnames' + ` + theirs,
				Reason: forbidden,
			},
			{
				Expression: notIngress + `!has(object.spec.tls) || object.spec.tls.all(t, !has(t.hosts) || t.hosts.all(h, ` + allowedHostExpr("h") + `))`,
				Message:    "spec.tls[].hosts lists a hostname that is not the team's; use the hostnames of the team's access package",
				Reason:     forbidden,
			},
		},
	}
}

// TenancyNamespaceSelector selects the namespaces the tenancy bindings
// apply to: the team namespaces, labeled "team" and "managed-by: plinth"
// by their AccessPackage. Teams cannot change a namespace's labels (the
// admin role has no rights on namespaces). A selected namespace without
// the parameters (TenancyParamsName) is left alone.
func TenancyNamespaceSelector() *metav1.LabelSelectorArgs {
	return &metav1.LabelSelectorArgs{
		MatchLabels: pulumi.StringMap{"managed-by": pulumi.String(platform.ManagedBy)},
		MatchExpressions: metav1.LabelSelectorRequirementArray{metav1.LabelSelectorRequirementArgs{
			Key: pulumi.String("team"), Operator: pulumi.String("Exists"),
		}},
	}
}

// tenancyParams is the kind of the tenancy policies' parameters: the
// ConfigMap TenancyParamsName of the request's namespace.
var tenancyParams = &admission.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}

// tenancyBinding binds a policy to the team namespaces, with the
// parameters of the request's namespace, denying what it refuses. Without
// parameters in the namespace (before the AccessPackage wrote them, or
// after a deleted namespace lost them) the binding allows the request:
// nothing can then hang a namespace's deletion.
func tenancyBinding(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs {
	return &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
		PolicyName: policy,
		ParamRef: &admissionv1.ParamRefArgs{
			Name:                    pulumi.String(TenancyParamsName),
			ParameterNotFoundAction: pulumi.String("Allow"),
		},
		MatchResources:    &admissionv1.MatchResourcesArgs{NamespaceSelector: TenancyNamespaceSelector()},
		ValidationActions: pulumi.ToStringArray([]string{"Deny"}),
	}
}

// newTenancyPolicies creates the tenancy policies and their bindings,
// children of c through the cluster's provider.
func newTenancyPolicies(ctx *pulumi.Context, c *Catalog, name string, labels map[string]string, provider pulumi.ProviderResource) error {
	opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(provider)}
	for _, p := range TenancyPolicies() {
		if err := p.New(ctx, name, labels, tenancyParams, tenancyBinding, opts...); err != nil {
			return err
		}
	}
	return nil
}

// checkKubernetesVersion refuses a cluster older than
// MinKubernetesVersion; a version it cannot read is the cluster's to
// report.
func checkKubernetesVersion(p field.Path, version string) *field.Error {
	minor := func(v string) (int, bool) {
		major, m, ok := strings.Cut(v, ".")
		n, err := strconv.Atoi(m)
		return n, ok && major == "1" && err == nil
	}
	have, ok := minor(version)
	want, _ := minor(MinKubernetesVersion)
	if ok && have < want {
		return field.Invalid(p, version, "the cluster runs Kubernetes %s; the tenancy policies that hold teams to their namespaces need ValidatingAdmissionPolicy (Kubernetes %s or later): upgrade the cluster first", version, MinKubernetesVersion)
	}
	return nil
}

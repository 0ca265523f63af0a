package guardrails

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/admission"
	"github.com/plinth-dev/plinth/platform"
)

// The policies' and bindings' names in the cluster.
const (
	// PodsPolicyName refuses privileged containers, host namespaces,
	// hostPath volumes and containers that may escalate privileges.
	PodsPolicyName = "plinth-guardrails-pods"
	// ResourcesPolicyName refuses a Pod whose containers lack a CPU or
	// memory request or a memory limit.
	ResourcesPolicyName = "plinth-guardrails-resources"
	// ImagesPolicyName refuses images tagged "latest" or neither tagged
	// nor pinned by digest.
	ImagesPolicyName = "plinth-guardrails-images"
	// RegistriesPolicyName refuses images from outside the platform's
	// registries: the environment's registry and Args.AllowedRegistries;
	// it is bound when there is one at least.
	RegistriesPolicyName = "plinth-guardrails-registries"
	// ServicesPolicyName refuses Services of type LoadBalancer or
	// NodePort.
	ServicesPolicyName = "plinth-guardrails-services"
)

// Policy is one ValidatingAdmissionPolicy and its binding, as plain data:
// what New creates, and what tests and docs read.
type Policy = admission.Policy

// Rule is one resource rule of matchConstraints, for every API version of
// the groups.
type Rule = admission.Rule

// NamedExpression is a named CEL expression: a match condition or a
// variable.
type NamedExpression = admission.NamedExpression

// Validation is one CEL validation: one rule of the baseline, named by its
// Rule as docs/components/guardrails.md lists it, e.g. "privileged".
type Validation = admission.Validation

// Reason is the HTTP reason of every validation.
const Reason = admission.Reason

var createUpdate = []string{"CREATE", "UPDATE"}

// workloadRules are Pods and the pod templates of the workload kinds:
// checking the templates refuses a bad Deployment when it is applied,
// instead of leaving its ReplicaSet failing to create pods; checking Pods
// catches bare pods and every other controller.
var workloadRules = []Rule{
	{APIGroups: []string{""}, Resources: []string{"pods"}, Operations: createUpdate},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets", "replicasets"}, Operations: createUpdate},
	{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Operations: createUpdate},
}

// specChanged is every policy's match condition: a create, or an update
// that changes the spec. Objects made before a rule existed can still be
// labeled, scaled, annotated and finalized.
var specChanged = NamedExpression{
	Name:       "spec-changed",
	Expression: `request.operation == 'CREATE' || !has(oldObject.spec) || object.spec != oldObject.spec`,
}

// podSpecVars are the variables of the policies over workloads: the pod
// spec of a Pod, of a CronJob's job template, or of any other workload's
// template, and its containers and init containers.
var podSpecVars = []NamedExpression{
	{Name: "podSpec", Expression: `request.kind.kind == 'Pod' ? object.spec : ` +
		`(request.kind.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)`},
	{Name: "containers", Expression: `variables.podSpec.containers + ` +
		`(has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])`},
}

// subject names the object in messages: its name, or its generateName
// with "*" (a ReplicaSet's pods are named by the server).
const subject = `request.kind.kind + ' ' + (has(object.metadata.name) && object.metadata.name != '' ? object.metadata.name : ` +
	`(has(object.metadata.generateName) ? object.metadata.generateName + '*' : ''))`

// containerRule is a validation that every container satisfies ok (a CEL
// expression over c), whose message expression names the containers that
// do not.
func containerRule(rule, ok, message string) Validation {
	return Validation{
		Rule:       rule,
		Expression: `variables.containers.all(c, ` + ok + `)`,
		Message:    message,
		MessageExpression: subject + ` + ': containers ' + variables.containers.filter(c, !(` + ok + `)).map(c, c.name).join(', ') + ': ` +
			strings.ReplaceAll(message, `'`, `\'`) + `'`,
	}
}

// Policies returns the policies New binds: PodsPolicyName,
// ResourcesPolicyName, ImagesPolicyName, RegistriesPolicyName when
// registries is true (the environment admits images from listed
// registries only), and ServicesPolicyName.
func Policies(registries bool) []Policy {
	out := []Policy{podsPolicy(), resourcesPolicy(), imagesPolicy()}
	if registries {
		out = append(out, registriesPolicy())
	}
	return append(out, servicesPolicy())
}

func podsPolicy() Policy {
	return Policy{
		Role: "guardrails-pods", Name: PodsPolicyName, Holds: platform.RulePrivileged,
		Rules:           workloadRules,
		MatchConditions: []NamedExpression{specChanged},
		Variables:       podSpecVars,
		Validations: []Validation{
			containerRule("privileged",
				`!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false`,
				"privileged containers are not allowed in team namespaces; remove securityContext.privileged"),
			{
				Rule: "host-namespaces",
				Expression: `!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && ` +
					`!(has(variables.podSpec.hostPID) && variables.podSpec.hostPID) && ` +
					`!(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC)`,
				Message: "pods in team namespaces do not share the node's network, process or IPC namespace; remove hostNetwork, hostPID and hostIPC",
			},
			{
				Rule:       "host-path",
				Expression: `!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))`,
				Message:    "hostPath volumes are not allowed in team namespaces; use a PersistentVolumeClaim, an emptyDir or a projected volume",
				MessageExpression: subject + ` + ': hostPath volumes ' + variables.podSpec.volumes.filter(v, has(v.hostPath)).map(v, v.name).join(', ') + ` +
					`': hostPath volumes are not allowed in team namespaces; use a PersistentVolumeClaim, an emptyDir or a projected volume'`,
			},
			containerRule("privilege-escalation",
				`has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false`,
				"every container sets securityContext.allowPrivilegeEscalation: false (unset allows escalation)"),
		},
	}
}

func resourcesPolicy() Policy {
	// Pods only: the namespace's LimitRange fills unset requests and
	// limits before validation, so a template that relies on it is fine,
	// and the Pod is what the scheduler sees.
	return Policy{
		Role: "guardrails-resources", Name: ResourcesPolicyName, Holds: platform.RuleResources,
		Rules:           workloadRules[:1],
		MatchConditions: []NamedExpression{specChanged},
		Variables:       podSpecVars,
		Validations: []Validation{
			containerRule("requests",
				`has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests`,
				"every container requests cpu and memory (resources.requests), or the namespace's LimitRange gives defaults"),
			containerRule("memory-limit",
				`has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits`,
				"every container has a memory limit (resources.limits.memory), or the namespace's LimitRange gives one"),
		},
	}
}

// pinnedExpr is true for an image with a digest, or with a tag (a ':'
// after the last '/', so a registry's port is not one) other than
// "latest".
const pinnedExpr = `c.image.contains('@') || (c.image.lastIndexOf(':') > c.image.lastIndexOf('/') && !c.image.endsWith(':latest'))`

func imagesPolicy() Policy {
	return Policy{
		Role: "guardrails-images", Name: ImagesPolicyName, Holds: platform.RuleImageTag,
		Rules:           workloadRules,
		MatchConditions: []NamedExpression{specChanged},
		Variables:       podSpecVars,
		Validations: []Validation{
			containerRule("image-tag", pinnedExpr,
				"every image names a version: a tag other than latest (image:1.4.2) or a digest (image@sha256:...)"),
		},
	}
}

// The registries policy's parameters: the ConfigMap RegistriesParamsName
// in RegistriesParamsNamespace, whose key RegistriesKey lists the allowed
// prefixes separated by ','. A parameter, not a literal in the policy,
// because the environment's registry's prefix is known only once the
// registry exists (Azure Container Registry names are global, and made
// from the resource group); team namespace admins cannot write it.
const (
	// RegistriesParamsName names the ConfigMap.
	RegistriesParamsName = "plinth-guardrails-registries"
	// RegistriesParamsNamespace is its namespace.
	RegistriesParamsNamespace = "kube-system"
	// RegistriesKey is its key.
	RegistriesKey = "registries"
)

// registriesParams is the kind of the registries policy's parameters.
var registriesParams = &admission.ParamKind{APIVersion: "v1", Kind: "ConfigMap"}

func registriesPolicy() Policy {
	p := Policy{
		Role: "guardrails-registries", Name: RegistriesPolicyName, Holds: platform.RuleRegistries,
		Rules:           workloadRules,
		MatchConditions: []NamedExpression{specChanged},
		Variables: append(append([]NamedExpression(nil), podSpecVars...),
			NamedExpression{Name: "registries", Expression: `params.data.` + RegistriesKey + `.split(',')`}),
	}
	const ok = `variables.registries.exists(r, r != '' && c.image.startsWith(r))`
	const message = "images come only from the platform's registries"
	p.Validations = []Validation{{
		Rule:       "registry",
		Expression: `variables.containers.all(c, ` + ok + `)`,
		Message:    message + " (ConfigMap " + RegistriesParamsNamespace + "/" + RegistriesParamsName + ")",
		MessageExpression: subject + ` + ': containers ' + variables.containers.filter(c, !(` + ok + `)).map(c, c.name).join(', ') + ` +
			`': ` + strings.ReplaceAll(message, `'`, `\'`) + `: ' + params.data.` + RegistriesKey,
	}}
	return p
}

func servicesPolicy() Policy {
	return Policy{
		Role: "guardrails-services", Name: ServicesPolicyName, Holds: platform.RuleGateway,
		Rules:           []Rule{{APIGroups: []string{""}, Resources: []string{"services"}, Operations: createUpdate}},
		MatchConditions: []NamedExpression{specChanged},
		Validations: []Validation{{
			Rule:       "service-type",
			Expression: `!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])`,
			Message:    "traffic enters team namespaces through the platform's gateway: use a ClusterIP Service and an HTTPRoute (or Ingress), not type LoadBalancer or NodePort",
			MessageExpression: `'Service ' + object.metadata.name + ': type ' + object.spec.type + ` +
				`' is not allowed in team namespaces: traffic enters through the platform\'s gateway; use a ClusterIP Service and an HTTPRoute (or Ingress)'`,
		}},
	}
}

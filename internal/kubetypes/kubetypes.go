package kubetypes

import rt "github.com/plinth-dev/plinth/platform/resourcetype"

// pulumiKubernetes is the source of the package's replace rules.
const pulumiKubernetes = "pulumi-kubernetes v4.33: an object is identified by its namespace and name"

// packageRules apply to every Kubernetes type: a change of an object's
// namespace or name deletes it and creates another (pulumi-kubernetes
// plans a replacement). A Helm release is named by its own name and
// namespace inputs.
var packageRules = []rt.Replace{
	rt.Replaced("metadata.name", pulumiKubernetes),
	rt.Replaced("metadata.namespace", pulumiKubernetes),
	rt.Replaced("name", pulumiKubernetes+" (a Helm release's name)"),
	rt.Replaced("namespace", pulumiKubernetes+" (a Helm release's namespace)"),
}

// PackageRules are the rules every Kubernetes type shares, for the
// registries of other Kubernetes types (platform/gke/gketypes lists the
// Gateway objects of the GKE edge).
var PackageRules = packageRules

// Registry holds every Kubernetes type the components register.
var Registry = rt.NewRegistry(rt.WithPackageRules("kubernetes", packageRules,
	rt.Type{Token: "pulumi:providers:kubernetes"},
	rt.Type{Token: "kubernetes:azmonitoring.coreos.com/v1:PodMonitor", MockID: namespaced},
	rt.Type{Token: "kubernetes:cert-manager.io/v1:Certificate", MockID: namespaced},
	rt.Type{Token: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", MockID: clusterScoped},
	rt.Type{Token: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", MockID: clusterScoped},
	rt.Type{Token: "kubernetes:cert-manager.io/v1:ClusterIssuer", MockID: clusterScoped},
	// The access packages' tenancy parameters (accesspackage.TenancyParamsName).
	rt.Type{Token: "kubernetes:core/v1:ConfigMap", MockID: namespaced},
	rt.Type{Token: "kubernetes:core/v1:LimitRange", MockID: namespaced},
	// Deleting a namespace deletes everything in it, volumes included.
	rt.Type{Token: "kubernetes:core/v1:Namespace", Stateful: true, MockID: clusterScoped},
	rt.Type{Token: "kubernetes:core/v1:ResourceQuota", MockID: namespaced},
	// The teams' secrets readers (components/secrets).
	rt.Type{Token: "kubernetes:core/v1:ServiceAccount", MockID: namespaced},
	// internal/helm's ReleaseType.
	rt.Type{Token: "kubernetes:helm.sh/v3:Release", MockID: rt.ID("helmRelease")},
	rt.Type{Token: "kubernetes:monitoring.googleapis.com/v1:PodMonitoring", MockID: namespaced},
	rt.Type{Token: "kubernetes:networking.k8s.io/v1:NetworkPolicy", MockID: namespaced},
	rt.Type{Token: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", MockID: namespaced},
	// The service mesh (components/mesh): trust-manager's Bundle of the
	// trust anchors, and the meshed team namespaces' authorization.
	rt.Type{Token: "kubernetes:trust.cert-manager.io/v1alpha1:Bundle", MockID: clusterScoped},
	// The mesh's patch of the ingress controller's pod template.
	rt.Type{Token: "kubernetes:apps/v1:DeploymentPatch", MockID: namespaced},
	rt.Type{Token: "kubernetes:policy.linkerd.io/v1beta3:Server", MockID: namespaced},
	rt.Type{Token: "kubernetes:policy.linkerd.io/v1alpha1:AuthorizationPolicy", MockID: namespaced},
	rt.Type{Token: "kubernetes:policy.linkerd.io/v1alpha1:MeshTLSAuthentication", MockID: namespaced},
	rt.Type{Token: "kubernetes:policy.linkerd.io/v1alpha1:NetworkAuthentication", MockID: namespaced},
)...)

// Workloads holds the types application stacks on a platform create,
// which internal/mockcloud answers for their offline renders:
// examples/app-namespace's deployment, disruption budget, service,
// ingress and SecretProviderClass (a workload's own service account is
// in Registry, for the teams' secrets readers).
var Workloads = rt.NewRegistry(rt.WithPackageRules("kubernetes", packageRules,
	rt.Type{Token: "kubernetes:apps/v1:Deployment", MockID: namespaced},
	rt.Type{Token: "kubernetes:core/v1:Service", MockID: namespaced},
	rt.Type{Token: "kubernetes:networking.k8s.io/v1:Ingress", MockID: namespaced},
	rt.Type{Token: "kubernetes:policy/v1:PodDisruptionBudget", MockID: namespaced},
	// The Secrets Store CSI driver's class naming a team's secrets
	// (docs/adr/0006-secrets-to-pods.md).
	rt.Type{Token: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", MockID: namespaced},
)...)

// The IDs the Kubernetes provider gives objects: "<namespace>/<name>" for
// namespaced ones, "<name>" for cluster-scoped ones.
var (
	namespaced    = rt.ID("namespaced")
	clusterScoped = rt.ID("clusterScoped")
)

package accesspackage

import (
	"slices"

	"strconv"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
)

// Names of the objects Plinth creates in every team namespace. They are
// fixed so that they can be found, and recognized as Plinth's, in any
// namespace.
const (
	// QuotaName is the ResourceQuota.
	QuotaName = "plinth-quota"
	// LimitsName is the LimitRange.
	LimitsName = "plinth-limits"
	// DefaultDenyPolicyName denies all ingress and egress of every pod.
	DefaultDenyPolicyName = "plinth-default-deny"
	// SameNamespacePolicyName allows traffic between the namespace's pods.
	SameNamespacePolicyName = "plinth-allow-same-namespace"
	// IngressPolicyName allows traffic from the ingress controller's
	// namespace.
	IngressPolicyName = "plinth-allow-ingress-controller"
	// DNSPolicyName allows DNS queries to the cluster DNS (kube-dns in
	// kube-system, UDP and TCP 53).
	DNSPolicyName = "plinth-allow-dns"
	// RoleBindingPrefix starts each level's RoleBinding: "plinth-<level>".
	RoleBindingPrefix = "plinth-"
	// MeshPolicyName, in a meshed namespace, allows its proxies to call
	// the mesh's control plane, and the metrics collectors to scrape them.
	MeshPolicyName = "plinth-allow-mesh"
	// MeshServerPrefix starts the name of each meshed port's Server
	// ("plinth-<port>"); MeshAdminServerName is the proxies' admin port's.
	MeshServerPrefix    = "plinth-"
	MeshAdminServerName = "plinth-proxy-admin"
	// MeshClientsName is the MeshTLSAuthentication of the namespace's own
	// pods and the ingress controller, and the AuthorizationPolicy that
	// admits them to every Server of the namespace.
	MeshClientsName = "plinth-namespace-and-ingress"
	// MeshCollectorsName is the NetworkAuthentication of the pod range,
	// and the AuthorizationPolicy that admits it to the proxies' admin
	// port, whose /metrics the managed Prometheus scrapes.
	MeshCollectorsName = "plinth-metrics-collectors"
	// MeshMonitorName is the pod monitor of the namespace's proxies.
	MeshMonitorName = "plinth-mesh-proxies"
)

// kubernetes creates the team's namespaces and everything in them, and
// returns the namespaces' names as outputs.
func (r *resolved) kubernetes(ctx *pulumi.Context, c *AccessPackage, provider pulumi.ProviderResource, meshReady pulumi.Resource) (pulumi.StringArray, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(provider)}
	var names pulumi.StringArray
	for _, ns := range r.Namespaces {
		child := func(role string) string { return platform.ChildName(r.name, ns.Name+"-"+role) }
		labels := platform.Tags(r.labels).Merge(podSecurity(ns.PodSecurity))
		var annotations pulumi.StringMap
		if ns.Mesh != nil {
			// Linkerd injects its proxy into every pod created after
			// this, and the mesh denies what no policy below admits.
			annotations = pulumi.StringMap{
				"linkerd.io/inject":                        pulumi.String("enabled"),
				"config.linkerd.io/default-inbound-policy": pulumi.String("deny"),
			}
		}
		// A team's namespace holds its workloads and volumes: production
		// protects it, and keeps it when the team leaves the stack.
		nsOpts := opts
		if r.cat.production {
			nsOpts = append(slices.Clone(opts), pulumi.Protect(true), pulumi.RetainOnDelete(true))
		}
		n, err := corev1.NewNamespace(ctx, child("namespace"), &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ns.Name), Labels: pulumi.ToStringMap(labels), Annotations: annotations},
		}, nsOpts...)
		if err != nil {
			return nil, err
		}
		name := n.Metadata.Name().Elem()
		names = append(names, name)
		meta := func(object string) *metav1.ObjectMetaArgs {
			return &metav1.ObjectMetaArgs{Name: pulumi.String(object), Namespace: name, Labels: pulumi.ToStringMap(r.labels)}
		}

		if _, err := corev1.NewResourceQuota(ctx, child("quota"), &corev1.ResourceQuotaArgs{
			Metadata: meta(QuotaName),
			Spec:     &corev1.ResourceQuotaSpecArgs{Hard: pulumi.ToStringMap(ns.Quota.hard())},
		}, opts...); err != nil {
			return nil, err
		}

		if _, err := corev1.NewLimitRange(ctx, child("limits"), &corev1.LimitRangeArgs{
			Metadata: meta(LimitsName),
			Spec:     &corev1.LimitRangeSpecArgs{Limits: corev1.LimitRangeItemArray{ns.Limits.item()}},
		}, opts...); err != nil {
			return nil, err
		}

		policies := r.networkPolicies()
		if ns.Mesh != nil {
			policies = append(policies, r.meshNetworkPolicy())
		}
		for _, p := range policies {
			if _, err := networkingv1.NewNetworkPolicy(ctx, child(p.role), &networkingv1.NetworkPolicyArgs{
				Metadata: meta(p.name),
				Spec:     p.spec,
			}, opts...); err != nil {
				return nil, err
			}
		}

		if ns.Mesh != nil {
			if err := r.meshPolicies(ctx, child, meta, ns, meshReady, opts); err != nil {
				return nil, err
			}
		}

		if _, err := corev1.NewConfigMap(ctx, child("tenancy"), &corev1.ConfigMapArgs{
			Metadata: meta(TenancyParamsName),
			Data:     r.tenancyParams(c),
		}, opts...); err != nil {
			return nil, err
		}

		for _, l := range r.Levels {
			if _, err := rbacv1.NewRoleBinding(ctx, child(l.Name), &rbacv1.RoleBindingArgs{
				Metadata: meta(RoleBindingPrefix + l.Name),
				RoleRef:  roleRef(l.Role),
				Subjects: groupSubject(c.Groups[l.Name]),
			}, opts...); err != nil {
				return nil, err
			}
		}
	}
	return names, nil
}

// tenancyParams is the data of the tenancy parameters (TenancyParams),
// once the level groups' subjects are known.
func (r *resolved) tenancyParams(c *AccessPackage) pulumi.StringMapOutput {
	var subjects []any
	for _, l := range r.Levels {
		subjects = append(subjects, c.Groups[l.Name].Subject)
	}
	var namespaces []string
	for _, ns := range r.Namespaces {
		namespaces = append(namespaces, ns.Name)
	}
	return pulumi.All(subjects...).ApplyT(func(v []any) map[string]string {
		groups := make([]string, len(v))
		for i, s := range v {
			groups[i] = s.(string)
		}
		return TenancyParams(r.Team, groups, namespaces, r.Hostnames)
	}).(pulumi.StringMapOutput)
}

// podSecurity labels a namespace with its Pod Security Standard: enforced,
// and warned and audited against restricted.
func podSecurity(level string) map[string]string {
	return map[string]string{
		"pod-security.kubernetes.io/enforce": level,
		"pod-security.kubernetes.io/warn":    PodSecurityRestricted,
		"pod-security.kubernetes.io/audit":   PodSecurityRestricted,
	}
}

// hard is the quota's spec.hard.
func (q Quota) hard() map[string]string {
	return map[string]string{
		"requests.cpu":           q.CPU,
		"requests.memory":        q.Memory,
		"limits.memory":          q.MemoryLimit,
		"pods":                   strconv.Itoa(q.Pods),
		"persistentvolumeclaims": strconv.Itoa(q.PersistentVolumeClaims),
		"requests.storage":       q.Storage,
		"services.loadbalancers": strconv.Itoa(q.LoadBalancers),
		"services.nodeports":     strconv.Itoa(q.NodePorts),
	}
}

// item is the LimitRange's one Container item.
func (l Limits) item() corev1.LimitRangeItemArgs {
	limits := map[string]string{"memory": l.MemoryLimit}
	if l.CPULimit != "" {
		limits["cpu"] = l.CPULimit
	}
	return corev1.LimitRangeItemArgs{
		Type:           pulumi.String("Container"),
		DefaultRequest: pulumi.ToStringMap(map[string]string{"cpu": l.CPURequest, "memory": l.MemoryRequest}),
		Default:        pulumi.ToStringMap(limits),
	}
}

// networkPolicy is one NetworkPolicy of every team namespace.
type networkPolicy struct {
	role, name string
	spec       *networkingv1.NetworkPolicySpecArgs
}

// networkPolicies deny all traffic of the namespace's pods, then allow
// traffic within the namespace, from the ingress controller's namespace,
// and DNS queries to the cluster DNS. Policies add up: a team adds its own
// egress (to databases, cloud APIs) as further policies.
func (r *resolved) networkPolicies() []networkPolicy {
	all := &metav1.LabelSelectorArgs{}
	byName := func(ns string) *metav1.LabelSelectorArgs {
		return &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(ns)}}
	}
	samePods := networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{PodSelector: all}}
	port := func(protocol string) networkingv1.NetworkPolicyPortArgs {
		return networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String(protocol), Port: pulumi.Int(53)}
	}
	return []networkPolicy{
		{"default-deny", DefaultDenyPolicyName, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all,
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
		}},
		{"allow-same-namespace", SameNamespacePolicyName, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all,
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress", "Egress"}),
			Ingress:     networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{From: samePods}},
			Egress:      networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{To: samePods}},
		}},
		{"allow-ingress-controller", IngressPolicyName, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all,
			PolicyTypes: pulumi.ToStringArray([]string{"Ingress"}),
			Ingress: networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
				From: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: byName(r.IngressNamespace)}},
			}},
		}},
		{"allow-dns", DNSPolicyName, &networkingv1.NetworkPolicySpecArgs{
			PodSelector: all,
			PolicyTypes: pulumi.ToStringArray([]string{"Egress"}),
			Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
				To: networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{
					NamespaceSelector: byName("kube-system"),
					PodSelector:       &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"k8s-app": pulumi.String("kube-dns")}},
				}},
				Ports: networkingv1.NetworkPolicyPortArray{port("UDP"), port("TCP")},
			}},
		}},
	}
}

// meshNetworkPolicy lets a meshed namespace's proxies call the mesh's
// control plane (identity, destination, policy), and the managed
// Prometheus's collectors scrape their admin port.
func (r *resolved) meshNetworkPolicy() networkPolicy {
	all := &metav1.LabelSelectorArgs{}
	byName := func(ns string) *metav1.LabelSelectorArgs {
		return &metav1.LabelSelectorArgs{MatchLabels: pulumi.StringMap{"kubernetes.io/metadata.name": pulumi.String(ns)}}
	}
	tcp := func(port int) networkingv1.NetworkPolicyPortArgs {
		return networkingv1.NetworkPolicyPortArgs{Protocol: pulumi.String("TCP"), Port: pulumi.Int(port)}
	}
	spec := &networkingv1.NetworkPolicySpecArgs{
		PodSelector: all,
		PolicyTypes: pulumi.ToStringArray([]string{"Egress"}),
		Egress: networkingv1.NetworkPolicyEgressRuleArray{networkingv1.NetworkPolicyEgressRuleArgs{
			To:    networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: byName(r.cat.Mesh.Namespace)}},
			Ports: networkingv1.NetworkPolicyPortArray{tcp(mesh.IdentityPort), tcp(mesh.DestinationPort), tcp(mesh.PolicyPort)},
		}},
	}
	if collectors := r.cat.cloud.MetricsCollectors; collectors != "" && r.cat.monitor.Kind != "" {
		spec.PolicyTypes = pulumi.ToStringArray([]string{"Ingress", "Egress"})
		spec.Ingress = networkingv1.NetworkPolicyIngressRuleArray{networkingv1.NetworkPolicyIngressRuleArgs{
			From:  networkingv1.NetworkPolicyPeerArray{networkingv1.NetworkPolicyPeerArgs{NamespaceSelector: byName(collectors)}},
			Ports: networkingv1.NetworkPolicyPortArray{tcp(mesh.ProxyAdminPort)},
		}}
	}
	return networkPolicy{"allow-mesh", MeshPolicyName, spec}
}

// meshPolicies creates a meshed namespace's mesh authorization, which
// matches its network policies: a Server for each of its ports and the
// proxies' admin port, all admitting the namespace's own pods and the
// ingress controller by their mesh identities, the admin port also the
// pod range the collectors scrape from; and the proxies' pod monitor.
func (r *resolved) meshPolicies(ctx *pulumi.Context, child func(string) string, meta func(string) *metav1.ObjectMetaArgs, ns Namespace, ready pulumi.Resource, opts []pulumi.ResourceOption) error {
	m := r.cat.Mesh
	if ready != nil {
		opts = append(slices.Clone(opts), pulumi.DependsOn([]pulumi.Resource{ready}))
	}
	object := func(role, kind, version, name string, spec map[string]any) error {
		_, err := apiextensions.NewCustomResource(ctx, child(role), &apiextensions.CustomResourceArgs{
			ApiVersion:  pulumi.String("policy.linkerd.io/" + version),
			Kind:        pulumi.String(kind),
			Metadata:    meta(name),
			OtherFields: kubernetes.UntypedArgs{"spec": spec},
		}, opts...)
		return err
	}
	server := func(port, proxyProtocol string) map[string]any {
		spec := map[string]any{"podSelector": map[string]any{}, "port": port}
		if proxyProtocol != "" {
			spec["proxyProtocol"] = proxyProtocol
		}
		return spec
	}
	for _, port := range ns.Mesh.Ports {
		if err := object("mesh-port-"+port, "Server", "v1beta3", MeshServerPrefix+port, server(port, "")); err != nil {
			return err
		}
	}
	if err := object("mesh-server-admin", "Server", "v1beta3", MeshAdminServerName, server(mesh.ProxyAdminPortName, "HTTP/1")); err != nil {
		return err
	}
	if err := object("mesh-clients", "MeshTLSAuthentication", "v1alpha1", MeshClientsName, map[string]any{
		"identityRefs": []any{
			map[string]any{"kind": "Namespace", "name": ns.Name},
			map[string]any{"kind": "ServiceAccount", "name": m.IngressServiceAccount, "namespace": r.IngressNamespace},
		},
	}); err != nil {
		return err
	}
	if err := object("mesh-authorization", "AuthorizationPolicy", "v1alpha1", MeshClientsName, map[string]any{
		"targetRef": map[string]any{"kind": "Namespace", "name": ns.Name},
		"requiredAuthenticationRefs": []any{
			map[string]any{"group": "policy.linkerd.io", "kind": "MeshTLSAuthentication", "name": MeshClientsName},
		},
	}); err != nil {
		return err
	}
	if r.cat.monitor.Kind == "" || r.cat.podCIDR == "" {
		return nil
	}
	if err := object("mesh-collectors", "NetworkAuthentication", "v1alpha1", MeshCollectorsName, map[string]any{
		"networks": []any{map[string]any{"cidr": r.cat.podCIDR}},
	}); err != nil {
		return err
	}
	if err := object("mesh-metrics", "AuthorizationPolicy", "v1alpha1", MeshCollectorsName, map[string]any{
		"targetRef": map[string]any{"group": "policy.linkerd.io", "kind": "Server", "name": MeshAdminServerName},
		"requiredAuthenticationRefs": []any{
			map[string]any{"group": "policy.linkerd.io", "kind": "NetworkAuthentication", "name": MeshCollectorsName},
		},
	}); err != nil {
		return err
	}
	_, err := scrape.PodMonitor(ctx, child("mesh-metrics-monitor"), MeshMonitorName, r.cat.monitor, scrape.Target{
		Namespace: ns.Name, Selector: map[string]string{"linkerd.io/control-plane-ns": m.Namespace},
		Port: mesh.ProxyAdminPortName, Path: "/metrics", Labels: r.labels,
	}, opts...)
	return err
}

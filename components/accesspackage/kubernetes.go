package accesspackage

import (
	"slices"

	"strconv"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
)

// kubernetes creates the team's namespaces and everything in them, and
// returns the namespaces' names as outputs.
func (r *resolved) kubernetes(ctx *pulumi.Context, c *AccessPackage, provider pulumi.ProviderResource) (pulumi.StringArray, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(provider)}
	var names pulumi.StringArray
	for _, ns := range r.Namespaces {
		child := func(role string) string { return platform.ChildName(r.name, ns.Name+"-"+role) }
		labels := platform.Tags(r.labels).Merge(podSecurity(ns.PodSecurity))
		// A team's namespace holds its workloads and volumes: production
		// protects it, and keeps it when the team leaves the stack.
		nsOpts := opts
		if r.cat.production {
			nsOpts = append(slices.Clone(opts), pulumi.Protect(true), pulumi.RetainOnDelete(true))
		}
		n, err := corev1.NewNamespace(ctx, child("namespace"), &corev1.NamespaceArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(ns.Name), Labels: pulumi.ToStringMap(labels)},
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

		for _, p := range r.networkPolicies() {
			if _, err := networkingv1.NewNetworkPolicy(ctx, child(p.role), &networkingv1.NetworkPolicyArgs{
				Metadata: meta(p.name),
				Spec:     p.spec,
			}, opts...); err != nil {
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

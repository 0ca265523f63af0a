package mockcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// kubernetesShapes answers the pulumi-kubernetes types Plinth creates, and
// the workload types application stacks on a platform create
// (examples/app-namespace). The ID is what the provider uses:
// "<namespace>/<name>" for namespaced objects, "<name>" for cluster-scoped
// ones. Keep it sorted by type.
var kubernetesShapes = map[string]shape{
	"kubernetes:apps/v1:Deployment":                              namespaced,
	"kubernetes:autoscaling/v2:HorizontalPodAutoscaler":          namespaced,
	"kubernetes:cert-manager.io/v1:Certificate":                  namespaced,
	"kubernetes:cert-manager.io/v1:ClusterIssuer":                clusterScoped,
	"kubernetes:core/v1:ConfigMap":                               namespaced,
	"kubernetes:core/v1:LimitRange":                              namespaced,
	"kubernetes:core/v1:Namespace":                               clusterScoped,
	"kubernetes:core/v1:ResourceQuota":                           namespaced,
	"kubernetes:core/v1:Service":                                 namespaced,
	"kubernetes:core/v1:ServiceAccount":                          namespaced,
	"kubernetes:helm.sh/v3:Release":                              helmRelease,
	"kubernetes:networking.k8s.io/v1:Ingress":                    namespaced,
	"kubernetes:networking.k8s.io/v1:NetworkPolicy":              namespaced,
	"kubernetes:policy/v1:PodDisruptionBudget":                   namespaced,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRole":        clusterScoped,
	"kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": clusterScoped,
	"kubernetes:rbac.authorization.k8s.io/v1:Role":               namespaced,
	"kubernetes:rbac.authorization.k8s.io/v1:RoleBinding":        namespaced,
}

// kubernetesReads answers reads of live objects (pulumi Get functions): the
// ingress controller's Service, whose load-balancer address the cloud
// assigns.
var kubernetesReads = map[string]func(id string, c *call){
	"kubernetes:core/v1:Service": func(id string, c *call) {
		c.set("status", map[string]any{
			"loadBalancer": map[string]any{
				"ingress": []any{map[string]any{"ip": ipFrom(10, id)}},
			},
		})
	},
}

// metadata returns metadata.name and metadata.namespace, failing when the
// name is missing: the provider would auto-name the object with a random
// suffix, which snapshots must not contain.
func metadata(c *call) (name, namespace string, err error) {
	md, ok := c.in["metadata"]
	if ok && md.IsOutput() {
		md = md.OutputValue().Element
	}
	if !ok || !md.IsObject() {
		return "", "", fmt.Errorf("input \"metadata\" is not set; Plinth names every Kubernetes object explicitly")
	}
	sub := &call{in: md.ObjectValue(), out: resource.PropertyMap{}}
	name, err = sub.need("name")
	return name, sub.str("namespace"), err
}

func clusterScoped(c *call) (string, error) {
	name, _, err := metadata(c)
	return name, err
}

func namespaced(c *call) (string, error) {
	name, ns, err := metadata(c)
	if err != nil {
		return "", err
	}
	if ns == "" {
		return "", fmt.Errorf("input \"metadata.namespace\" is not set; Plinth never relies on the provider's default namespace")
	}
	return ns + "/" + name, nil
}

// helmRelease answers a helm/v3.Release with the status Helm reports after
// a first install.
func helmRelease(c *call) (string, error) {
	v, err := c.needs("name", "namespace", "chart", "version")
	if err != nil {
		return "", err
	}
	name, ns, chart, version := v[0], v[1], v[2], v[3]
	c.set("status", map[string]any{
		"name": name, "namespace": ns, "chart": chart, "version": version,
		"appVersion": version, "status": "deployed", "revision": 1,
	})
	return ns + "/" + name, nil
}

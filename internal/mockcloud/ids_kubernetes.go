package mockcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// kubernetesShapes are the ID shapes of pulumi-kubernetes types
// (internal/kubetypes names them): the ID the provider uses,
// "<namespace>/<name>" for namespaced objects, "<name>" for cluster-scoped
// ones, and a Helm release's.
var kubernetesShapes = map[string]shapeKind{
	"clusterScoped": fixed(clusterScoped),
	"helmRelease":   fixed(helmRelease),
	"namespaced":    fixed(namespaced),
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

package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/internal/typeregistry"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// call is one resource registration or invoke being answered: its inputs, the
// outputs to fill and the inputs of the explicit provider it uses.
type call struct {
	name     string
	in, out  resource.PropertyMap
	provider resource.PropertyMap
}

// str returns the string input key, or "" when it is missing or unknown.
func (c *call) str(key string) string {
	v, ok := c.in[resource.PropertyKey(key)]
	if !ok {
		return ""
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsOutput() {
		v = v.OutputValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// need returns the string input key or fails: a program that leaves a name
// to the provider's auto-naming would get a random suffix, which snapshots
// must not contain.
func (c *call) need(key string) (string, error) {
	if s := c.str(key); s != "" {
		return s, nil
	}
	return "", fmt.Errorf("input %q is not set; Plinth sets every cloud name explicitly", key)
}

// needs returns the string inputs keys, in order, or the error of the
// first one that is missing.
func (c *call) needs(keys ...string) ([]string, error) {
	out := make([]string, len(keys))
	for i, k := range keys {
		v, err := c.need(k)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (c *call) set(key string, v any) {
	c.out[resource.PropertyKey(key)] = resource.NewPropertyValue(v)
}

// fromProvider returns the string key of the provider's inputs, or the
// input of the same name on the resource, which wins.
func (c *call) fromProvider(key string) string {
	if s := c.str(key); s != "" {
		return s
	}
	if v, ok := c.provider[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// shape computes a resource's ID and fills its computed outputs.
type shape func(c *call) (string, error)

// shapeKind is one ID shape a registry entry can name (its
// resourcetype.MockID): how many parameters it takes, and how it builds
// the shape from them.
type shapeKind struct {
	args  int
	build func(args []string) shape
}

// fixed is a shape without parameters.
func fixed(s shape) shapeKind { return shapeKind{build: func([]string) shape { return s }} }

// shapeKinds are the ID shapes by name: the union of the per-cloud tables
// in ids_azure.go, ids_azure_automation.go, ids_azure_frontdoor.go, ids_gcp.go,
// ids_gcp_observability.go, ids_kubernetes.go and ids_fake.go.
var shapeKinds = merge(azureShapes, automationShapes, frontDoorShapes, gcpShapes, observabilityShapes, registryShapes, kubernetesShapes, fakeShapes)

// shapes answers each resource type of the registries
// (internal/typeregistry) with the ID the cloud would return, built from
// the shape its entry names; shapeErrors holds the entries that name no
// shape of shapeKinds, or give it the wrong number of parameters. Providers
// name none: NewResource answers them all alike.
var shapes, shapeErrors = buildShapes(typeregistry.All.Types())

func buildShapes(types []resourcetype.Type) (map[string]shape, map[string]error) {
	out, errs := map[string]shape{}, map[string]error{}
	for _, t := range types {
		id := t.MockID
		if id.Shape == "" {
			continue
		}
		kind, ok := shapeKinds[id.Shape]
		switch {
		case !ok:
			errs[t.Token] = fmt.Errorf("its registry entry names the mock ID shape %q, which mockcloud does not have", id.Shape)
		case len(id.Args) != kind.args:
			errs[t.Token] = fmt.Errorf("its registry entry gives the mock ID shape %q %d parameters; it takes %d", id.Shape, len(id.Args), kind.args)
		default:
			out[t.Token] = kind.build(id.Args)
		}
	}
	return out, errs
}

// merge joins tables that must not overlap.
func merge[V any](tables ...map[string]V) map[string]V {
	out := map[string]V{}
	for _, t := range tables {
		for k, v := range t {
			if _, dup := out[k]; dup {
				panic("mockcloud: " + k + " answered twice")
			}
			out[k] = v
		}
	}
	return out
}

func withOutputs(s shape, fill func(c *call)) shape {
	return func(c *call) (string, error) {
		id, err := s(c)
		if err == nil {
			fill(c)
		}
		return id, err
	}
}

// armPrefix returns "/subscriptions/<sub>/resourceGroups/<rg>".
func armPrefix(c *call) (string, error) {
	sub := c.fromProvider("subscriptionId")
	if sub == "" {
		return "", fmt.Errorf("no subscriptionId on the resource's provider; create resources with the backend's explicit provider")
	}
	rg, err := c.need("resourceGroupName")
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", sub, rg), nil
}

func resourceGroup(c *call) (string, error) {
	sub := c.fromProvider("subscriptionId")
	rg, err := c.need("resourceGroupName")
	if err != nil {
		return "", err
	}
	c.set("name", rg)
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", sub, rg), nil
}

// arm shapes a top-level ARM resource:
// /subscriptions/<sub>/resourceGroups/<rg>/providers/<namespace/type>/<name>.
func arm(typePath, nameKey string) shape {
	return func(c *call) (string, error) {
		prefix, err := armPrefix(c)
		if err != nil {
			return "", err
		}
		name, err := c.need(nameKey)
		if err != nil {
			return "", err
		}
		c.set("name", name)
		return fmt.Sprintf("%s/providers/%s/%s", prefix, typePath, name), nil
	}
}

// armChild shapes a child ARM resource such as a subnet:
// .../providers/<namespace/type>/<parent>/<childType>/<name>.
func armChild(typePath, parentKey, childType, nameKey string) shape {
	return func(c *call) (string, error) {
		prefix, err := armPrefix(c)
		if err != nil {
			return "", err
		}
		in, err := c.needs(parentKey, nameKey)
		if err != nil {
			return "", err
		}
		parent, name := in[0], in[1]
		c.set("name", name)
		return fmt.Sprintf("%s/providers/%s/%s/%s/%s", prefix, typePath, parent, childType, name), nil
	}
}

const gcpAPI = "https://www.googleapis.com/compute/v1/"

func gcpProject(c *call) (string, error) {
	if p := c.fromProvider("project"); p != "" {
		return p, nil
	}
	return "", fmt.Errorf("no project on the resource or its provider; create resources with the backend's explicit provider")
}

// gcpGlobal shapes projects/<p>/global/<collection>/<name>.
func gcpGlobal(collection string) shape {
	return func(c *call) (string, error) {
		project, err := gcpProject(c)
		if err != nil {
			return "", err
		}
		name, err := c.need("name")
		if err != nil {
			return "", err
		}
		id := fmt.Sprintf("projects/%s/global/%s/%s", project, collection, name)
		c.set("project", project)
		c.set("selfLink", gcpAPI+id)
		return id, nil
	}
}

// gcpRegional shapes projects/<p>/regions/<r>/<collection>/<name>.
func gcpRegional(collection string) shape {
	return func(c *call) (string, error) {
		project, err := gcpProject(c)
		if err != nil {
			return "", err
		}
		region := c.fromProvider("region")
		if region == "" {
			return "", fmt.Errorf("no region on the resource or its provider")
		}
		name, err := c.need("name")
		if err != nil {
			return "", err
		}
		id := fmt.Sprintf("projects/%s/regions/%s/%s/%s", project, region, collection, name)
		c.set("project", project)
		c.set("region", region)
		c.set("selfLink", gcpAPI+id)
		return id, nil
	}
}

// routerNat is "<project>/<region>/<router>/<name>", as the provider reports it.
func routerNat(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	region := c.fromProvider("region")
	in, err := c.needs("router", "name")
	if err != nil {
		return "", err
	}
	return strings.Join([]string{project, region, in[0], in[1]}, "/"), nil
}

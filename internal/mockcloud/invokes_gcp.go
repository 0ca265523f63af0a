package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// gcpInvokes answers pulumi-gcp functions. Keep it sorted by token.
var gcpInvokes = map[string]invoke{
	// The resource name of the group with the given email, as a group the
	// stack created gets it (cloudIdentityGroup).
	"gcp:cloudidentity/getGroupLookup:getGroupLookup": func(c *call) (resource.PropertyMap, error) {
		email, ok := stringOf(c.object("groupKey"), "id")
		if !ok {
			return nil, fmt.Errorf("getGroupLookup: groupKey.id is not set")
		}
		name := cloudIdentityGroupName(email)
		return resource.NewPropertyMapFromMap(map[string]any{
			"groupKey": map[string]any{"id": email},
			"id":       name,
			"name":     name,
		}), nil
	},
	// The DNSSEC keys of a managed zone (ids_gcp_dns.go).
	"gcp:dns/getKeys:getKeys": dnsKeys,
	"gcp:organizations/getClientConfig:getClientConfig": func(c *call) (resource.PropertyMap, error) {
		return resource.NewPropertyMapFromMap(map[string]any{
			"accessToken": "[secret]",
			"id":          "projects/" + c.fromProvider("project"),
			"project":     c.fromProvider("project"),
			"region":      c.fromProvider("region"),
		}), nil
	},
	"gcp:organizations/getProject:getProject": func(c *call) (resource.PropertyMap, error) {
		project := c.fromProvider("projectId")
		if project == "" {
			project = c.fromProvider("project")
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id":        "projects/" + project,
			"name":      project,
			"number":    projectNumber(project),
			"projectId": project,
		}), nil
	},
	// The projects a Resource Manager filter lists. The mock cloud is set
	// up as Plinth documents: a project asked for by id is there, with the
	// labels the filter asks for ("id:<project> labels.<key>:<value>", as
	// the GKE backend's project claim asks).
	"gcp:projects/getProject:getProject": func(c *call) (resource.PropertyMap, error) {
		filter := c.str("filter")
		var project string
		labels := map[string]any{}
		for _, term := range strings.Fields(filter) {
			key, value, ok := strings.Cut(term, ":")
			switch {
			case !ok:
				return nil, fmt.Errorf("getProject: filter term %q is not key:value", term)
			case key == "id":
				project = value
			case strings.HasPrefix(key, "labels."):
				labels[strings.TrimPrefix(key, "labels.")] = value
			default:
				return nil, fmt.Errorf("getProject: the mock answers filters on id and labels, not %q", key)
			}
		}
		if project == "" {
			return nil, fmt.Errorf("getProject: filter %q names no project id", filter)
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"filter": filter,
			"id":     filter,
			"projects": []any{map[string]any{
				"createTime":     "2026-01-05T09:00:00Z",
				"labels":         labels,
				"lifecycleState": "ACTIVE",
				"name":           project,
				"number":         projectNumber(project),
				"parent":         map[string]any{},
				"projectId":      project,
			}},
		}), nil
	},
}

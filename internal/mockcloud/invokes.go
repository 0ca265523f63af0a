package mockcloud

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// invoke answers one function call.
type invoke func(c *call) (resource.PropertyMap, error)

// invokes answers each function (data source) the backends call. Keep it
// sorted by token.
var invokes = map[string]invoke{
	"azure-native:authorization:getClientConfig": func(c *call) (resource.PropertyMap, error) {
		sub := c.fromProvider("subscriptionId")
		return resource.NewPropertyMapFromMap(map[string]any{
			"clientId":       uuidFrom("deployer-client", sub),
			"objectId":       uuidFrom("deployer-object", sub),
			"subscriptionId": sub,
			"tenantId":       c.fromProvider("tenantId"),
		}), nil
	},
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
}

// projectNumber returns a stable 12-digit project number for a project ID.
func projectNumber(project string) string {
	id := uuidFrom("project-number", project)
	digits := make([]byte, 0, 12)
	for i := 0; len(digits) < 12 && i < len(id); i++ {
		if c := id[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	for len(digits) < 12 {
		digits = append(digits, '7')
	}
	if digits[0] == '0' {
		digits[0] = '1'
	}
	return string(digits)
}

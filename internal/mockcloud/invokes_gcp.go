package mockcloud

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// gcpInvokes answers pulumi-gcp functions. Keep it sorted by token.
var gcpInvokes = map[string]invoke{
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

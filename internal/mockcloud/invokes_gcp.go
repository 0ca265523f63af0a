package mockcloud

import (
	"fmt"

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

package mockcloud

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// azureInvokes answers azure-native functions. Keep it sorted by token.
var azureInvokes = map[string]invoke{
	"azure-native:authorization:getClientConfig": func(c *call) (resource.PropertyMap, error) {
		sub := c.fromProvider("subscriptionId")
		return resource.NewPropertyMapFromMap(map[string]any{
			"clientId":       uuidFrom("deployer-client", sub),
			"objectId":       uuidFrom("deployer-object", sub),
			"subscriptionId": sub,
			"tenantId":       c.fromProvider("tenantId"),
		}), nil
	},
}

package mockcloud

import "fmt"

// azureShapes answers the azure-native types. Keep it sorted by type.
var azureShapes = map[string]shape{
	"azure-native:network/v20240501:FlowLog":              armChild("Microsoft.Network/networkWatchers", "networkWatcherName", "flowLogs", "flowLogName"),
	"azure-native:network/v20240501:NatGateway":           arm("Microsoft.Network/natGateways", "natGatewayName"),
	"azure-native:network/v20240501:NetworkSecurityGroup": arm("Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName"),
	"azure-native:network/v20240501:PublicIPAddress": withOutputs(arm("Microsoft.Network/publicIPAddresses", "publicIpAddressName"), func(c *call) {
		c.set("ipAddress", ipFrom(20, c.str("publicIpAddressName")))
	}),
	"azure-native:network/v20240501:Subnet":         armChild("Microsoft.Network/virtualNetworks", "virtualNetworkName", "subnets", "subnetName"),
	"azure-native:network/v20240501:VirtualNetwork": arm("Microsoft.Network/virtualNetworks", "virtualNetworkName"),
	"azure-native:resources:ResourceGroup":          resourceGroup,
	"azure-native:storage:StorageAccount": withOutputs(arm("Microsoft.Storage/storageAccounts", "accountName"), func(c *call) {
		c.set("primaryEndpoints", map[string]any{"blob": fmt.Sprintf("https://%s.blob.core.windows.net/", c.str("accountName"))})
	}),
}

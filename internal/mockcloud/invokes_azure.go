package mockcloud

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

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
	"azure-native:containerservice/v20241001:listManagedClusterUserCredentials": listManagedClusterUserCredentials,
}

// The Entra ID applications an AKS exec kubeconfig names: the AKS AAD
// server application (the token audience) and the Azure CLI's public
// client kubelogin signs in with.
const (
	aksServerAppID    = "6dae42f8-4368-4678-94ff-3960e28e3630"
	aksKubeloginAppID = "80faf920-1908-4b52-b5ef-a8e7bedfc67a"
)

// listManagedClusterUserCredentials answers as AKS does for an Entra ID
// cluster asked for format "exec": one kubeconfig named clusterUser whose
// user runs kubelogin and holds no certificate, key or token. The server
// is the public FQDN the ManagedCluster shape gives a cluster whose
// dnsPrefix is its name, as Plinth sets it. Any other format fails: Plinth
// never asks for one.
func listManagedClusterUserCredentials(c *call) (resource.PropertyMap, error) {
	rg, err := c.need("resourceGroupName")
	if err != nil {
		return nil, err
	}
	name, err := c.need("resourceName")
	if err != nil {
		return nil, err
	}
	if f := c.str("format"); f != "exec" {
		return nil, fmt.Errorf("format %q: only \"exec\" (kubelogin) kubeconfigs are answered; Plinth never asks for another", f)
	}
	sub, location := c.fromProvider("subscriptionId"), c.fromProvider("location")
	id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ContainerService/managedClusters/%s", sub, rg, name)
	user := fmt.Sprintf("clusterUser_%s_%s", rg, name)
	ca := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nmockcloud cluster CA of " + id + "\n-----END CERTIFICATE-----\n"))
	kubeconfig := fmt.Sprintf(`apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: %[1]s
    server: https://%[2]s:443
  name: %[3]s
contexts:
- context:
    cluster: %[3]s
    user: %[4]s
  name: %[3]s
current-context: %[3]s
kind: Config
preferences: {}
users:
- name: %[4]s
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - %[5]s
      - --client-id
      - %[6]s
      - --tenant-id
      - %[7]s
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: |2

        kubelogin is not installed which is required to connect to AAD enabled cluster.

        To learn more, please go to https://aka.ms/aks/kubelogin
      provideClusterInfo: false
`, ca, aksFQDN(name, id, location), name, user, aksServerAppID, aksKubeloginAppID, tenant(c))
	return resource.NewPropertyMapFromMap(map[string]any{
		"kubeconfigs": []any{
			map[string]any{"name": "clusterUser", "value": base64.StdEncoding.EncodeToString([]byte(kubeconfig))},
		},
	}), nil
}

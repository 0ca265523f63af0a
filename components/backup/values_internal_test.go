package backup

import "testing"

func TestAzurePluginSettingsFile(t *testing.T) {
	for scope, want := range map[string]string{
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod_prod-aks_westeurope": "AZURE_SUBSCRIPTION_ID=5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a\n" +
			"AZURE_RESOURCE_GROUP=MC_prod_prod-aks_westeurope\nAZURE_CLOUD_NAME=AzurePublicCloud\n",
		"/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg": "AZURE_SUBSCRIPTION_ID=s\nAZURE_RESOURCE_GROUP=rg\nAZURE_CLOUD_NAME=AzurePublicCloud\n",
		// Not a resource group's ID: no disks lines.
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d": "AZURE_CLOUD_NAME=AzurePublicCloud\n",
		"fake://disks/prod-cluster": "AZURE_CLOUD_NAME=AzurePublicCloud\n",
		"":                          "AZURE_CLOUD_NAME=AzurePublicCloud\n",
	} {
		if got := azurePluginSettings(scope); got != want {
			t.Errorf("azurePluginSettings(%q) = %q, want %q", scope, got, want)
		}
	}
}

package aksfacts_test

import (
	"testing"

	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
)

// The Azure plugin's volume snapshotter reads the disks' subscription and
// resource group only from its settings file; the settings name them when
// the cluster's disk scope is a resource group's ARM ID, and otherwise only
// the cloud.
func TestVeleroPluginSettings(t *testing.T) {
	settings := aksfacts.Facts.Velero.Settings
	if settings == nil {
		t.Fatal("Azure's Velero plugin has no settings function; the volume snapshotter fails without its settings file")
	}
	for scope, want := range map[string]string{
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod_prod-aks_westeurope": "AZURE_SUBSCRIPTION_ID=5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a\n" +
			"AZURE_RESOURCE_GROUP=MC_prod_prod-aks_westeurope\nAZURE_CLOUD_NAME=AzurePublicCloud\n",
		"/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg": "AZURE_SUBSCRIPTION_ID=s\nAZURE_RESOURCE_GROUP=rg\nAZURE_CLOUD_NAME=AzurePublicCloud\n",
		// Not a resource group's ID: no disks lines.
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d": "AZURE_CLOUD_NAME=AzurePublicCloud\n",
		"fake://disks/prod-cluster": "AZURE_CLOUD_NAME=AzurePublicCloud\n",
		"":                          "AZURE_CLOUD_NAME=AzurePublicCloud\n",
	} {
		if got := settings(scope); got != want {
			t.Errorf("Velero.Settings(%q) = %q, want %q", scope, got, want)
		}
	}
	if got := aksfacts.Facts.Velero.SettingsVariable; got != "AZURE_CREDENTIALS_FILE" {
		t.Errorf("Velero.SettingsVariable = %q; the Azure plugin reads its settings file from AZURE_CREDENTIALS_FILE", got)
	}
}

func TestDNSZoneIDCheck(t *testing.T) {
	const id = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/dev.example.com"
	check := aksfacts.Facts.DNSZoneID.Check
	notAnID := "not an Azure DNS zone resource ID; use the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone> (a private DNS zone cannot answer public ACME challenges)"
	for _, tc := range []struct {
		name, id, zone, want string
	}{
		{"the zone's ID", id, "dev.example.com", ""},
		{"ARM IDs are case-insensitive", "/SUBSCRIPTIONS/s/RESOURCEGROUPS/dns-rg/PROVIDERS/microsoft.network/DNSZones/Dev.Example.com", "dev.example.com", ""},
		{"zone name not known to be valid", id, "", ""},
		{"another zone's ID", id, "prod.example.com",
			`names the zone "dev.example.com", but dnsZone.name is "prod.example.com"; pass the ID of the zone you name`},
		{"a private zone", "/subscriptions/s/resourceGroups/dns-rg/providers/Microsoft.Network/privateDnsZones/dev.example.com", "dev.example.com", notAnID},
		{"not an ARM ID", "dev.example.com", "dev.example.com", notAnID},
		{"a resource group's ID", "/subscriptions/s/resourceGroups/dns-rg", "", notAnID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := check(tc.id, tc.zone); got != tc.want {
				t.Errorf("DNSZoneID.Check(%q, %q) = %q, want %q", tc.id, tc.zone, got, tc.want)
			}
		})
	}
}

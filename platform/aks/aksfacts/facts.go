package aksfacts

import (
	"fmt"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/format"
)

func init() { platform.RegisterCloud(Facts) }

// Facts are Azure's facts.
var Facts = platform.CloudFacts{
	Cloud:   platform.CloudAzure,
	Name:    "Azure",
	Service: "AKS",

	// The backup storage of environment <name> is the logical name
	// "<name>-backup", at most platform.MaxNameLength characters.
	MaxEnvironmentName:   platform.MaxNameLength - len("-backup"),
	EnvironmentNameLimit: `its backup storage is named "<name>-backup", a logical name of at most 24 characters`,

	// Zones are numbered alike in every region with availability zones.
	Zones:          platform.Zones{Names: []string{"1", "2", "3"}, Default: []string{"1", "2", "3"}},
	MachineType:    "Standard_D4ds_v5",
	DevMachineType: "Standard_D2ds_v5",
	// AKS accepts a planned maintenance window of at least four hours.
	MinWindowHours: 4,
	// AKS upgrades only a running cluster.
	UpgradesStoppedClusters: false,
	ClusterOptions:          "aks",
	AdminGroups: platform.IDFormat{
		Valid: func(id string) bool { return format.UUID(id) && id == strings.ToLower(id) },
		Want:  "an Entra group object ID (a lowercase UUID)",
	},
	// aadProfile.adminGroupObjectIDs: AKS binds cluster-admin to them.
	AdminGroupsAreClusterAdmin: true,

	Groups:     platform.IDFormat{Valid: format.UUID, Want: "an Entra group object ID", Example: exampleObjectID},
	Principals: platform.IDFormat{Valid: format.UUID, Want: "an Entra object ID", Example: exampleObjectID},
	// Entra access package assignments expire after whole days.
	AccessUnit:        24 * time.Hour,
	AccessUnitRule:    "must be whole days, at least 24h: Entra access package assignments expire after whole days",
	MaxApprovalStages: 3, // Entra entitlement management
	AccessReviews:     true,
	// An access package assigns time-bound membership of any Entra group.
	TeamExistingGroups: true,
	FlowLogRetention:   true,
	DNS01:              platform.DNS01AzureDNS,
	DNSZoneID:          platform.ZoneIDFormat{Check: checkZoneID, Want: zoneIDWant},
	// Azure Monitor managed Prometheus reads prometheus-operator's
	// PodMonitor under its own API group.
	PodMonitor: platform.PodMonitorKind{APIVersion: "azmonitoring.coreos.com/v1", Kind: "PodMonitor", Endpoints: "podMetricsEndpoints"},
	// The managed Prometheus's collectors (ama-metrics) run in kube-system.
	MetricsCollectors: "kube-system",
	// AKS names nodes aks-<pool>-<id>-vmss<instance>.
	NodePoolNodes: func(_, pool string) string { return "aks-" + pool + "-.*" },
	// Azure Monitor managed Prometheus collects kube-state-metrics' node
	// series (kube_node_status_condition, kube_node_info) by default.
	Nodes: platform.NodeQueries{
		NotReady: `kube_node_status_condition{condition="Ready",status="true",` + platform.ClusterSelector + `} == 0`,
		Count: func(nodes string) string {
			return fmt.Sprintf(`count(kube_node_info{node=~%q,%s})`, nodes, platform.ClusterSelector)
		},
	},
	// An action group's short name, the sender of its e-mails and SMS,
	// is at most 12 characters: the backend cuts the receiver's name.
	ReceiverShortName: 12,
	Velero:            platform.Velero{Provider: "azure", Plugin: helm.VeleroPluginAzure, Settings: pluginSettings, SettingsVariable: "AZURE_CREDENTIALS_FILE"},
	// The backup storage account has public network access disabled and
	// a private endpoint in this subnet (aks.Backend.NewBackupStorage).
	BackupStorageSubnet: platform.SubnetPrivateEndpoints,
	// A private Key Vault is reached through its private endpoint.
	SecretStoreSubnet: platform.SubnetPrivateEndpoints,
	// A private Azure Container Registry is reached through its private
	// endpoint.
	RegistrySubnet: platform.SubnetPrivateEndpoints,
	Pushers:        platform.IDFormat{Valid: format.UUID, Want: "the Entra object ID of a service principal or managed identity", Example: exampleObjectID},
	// AKS has no admission check of image signatures that Plinth can
	// configure without a preview feature (Image Integrity).
	ImageAttestation: platform.ImageAttestation{
		Why: "AKS verifies no image attestations at admission without a preview feature; remove attestors, and keep images to the environment's registry, whose pushers are your CI identities",
	},
}

const exampleObjectID = "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"

const zoneIDWant = "the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>"

// checkZoneID says why id is not the resource ID of the public DNS zone
// named zone.
func checkZoneID(id, zone string) string {
	z, ok := format.ParseAzureDNSZoneID(id)
	switch {
	case !ok:
		return "not an Azure DNS zone resource ID; use " + zoneIDWant + " (a private DNS zone cannot answer public ACME challenges)"
	case zone != "" && !strings.EqualFold(z.Name, zone):
		return "names the zone \"" + z.Name + "\", but dnsZone.name is \"" + zone + "\"; pass the ID of the zone you name"
	}
	return ""
}

// pluginSettings returns the settings file of Velero's Azure plugin for a
// cluster whose disks are in diskScope (the AKS node resource group's ARM
// ID): the subscription and resource group of the disks, and the cloud.
// The plugin's volume snapshotter reads these only from the file its
// settings variable names, never from the VolumeSnapshotLocation, and
// fails without them; the file holds no key or secret (the identity comes
// from workload identity). A scope that is not an ARM ID (the fake
// backend's) leaves the disks' lines out.
func pluginSettings(diskScope string) string {
	lines := ""
	parts := strings.Split(strings.TrimPrefix(diskScope, "/"), "/")
	if len(parts) == 4 && strings.EqualFold(parts[0], "subscriptions") && strings.EqualFold(parts[2], "resourceGroups") && parts[1] != "" && parts[3] != "" {
		lines = "AZURE_SUBSCRIPTION_ID=" + parts[1] + "\nAZURE_RESOURCE_GROUP=" + parts[3] + "\n"
	}
	return lines + "AZURE_CLOUD_NAME=AzurePublicCloud\n"
}

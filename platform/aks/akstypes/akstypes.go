package akstypes

import (
	"strings"

	rt "github.com/plinth-dev/plinth/platform/resourcetype"
)

// API-versioned modules: the backend pins these API versions.
const (
	automation = "azure-native:automation/v20231101:"
	// containerregistry is the preview API that sets anonymousPullEnabled
	// (platform/aks/registry.go).
	containerregistry = "azure-native:containerregistry/v20241101preview:"
	containerservice  = "azure-native:containerservice/v20241001:"
	network           = "azure-native:network/v20240501:"
	privatedns        = "azure-native:network/v20240601:"
	// frontDoorWAF is the Front Door WAF policy's API (the edge's
	// firewall, platform/aks/edge.go): the network module's only package
	// of it with Premium's managed rule set actions.
	frontDoorWAF = "azure-native:network/v20240201:"
)

// dns is the first API of public DNS zones with DNSSEC
// (platform/aks/dns.go).
const dns = "azure-native:network/v20230701preview:"

// Sources of the replace rules. Plinth pins azure-native v2.90; re-check
// the rules when the pin moves (see ManagedCluster's networkProfile).
const (
	// anForce is pulumi-azure-native provider/pkg/gen/replacement.go,
	// forceNewMap:
	// https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/gen/replacement.go
	anForce = "[an-force] azure-native replacement.go forceNewMap"
	// anPath: azure-native marks every URL path parameter of a resource's
	// PUT as willReplaceOnChanges ("Changes to this property will trigger
	// replacement" in https://www.pulumi.com/registry/packages/azure-native/),
	// e.g. resourceGroupName, resourceName.
	anPath = "[an-path] a URL path parameter of the resource's PUT"
	// anMut: azure-native also replaces on properties whose
	// x-ms-mutability lacks "update"; ARM common-types
	// TrackedResource.location is [read, create].
	anMut = "[an-mut] x-ms-mutability without update"
	// aksPool is https://learn.microsoft.com/azure/aks/manage-node-pools#limitations
	// and terraform-provider-azurerm internal/services/containers/
	// kubernetes_cluster_node_pool_resource.go: cycleNodePoolProperties
	// and ForceNew fields (the API cannot change them on an existing pool).
	aksPool = "[aks-pool] AKS node pool limitations; azurerm kubernetes_cluster_node_pool_resource.go"
	// aksMC is terraform-provider-azurerm internal/services/containers/
	// kubernetes_cluster_resource.go: ForceNew / ForceNewIfChange.
	aksMC = "[aks-mc] azurerm kubernetes_cluster_resource.go"
	// azSA is terraform-provider-azurerm internal/services/storage/
	// storage_account_resource.go and storage_container_resource.go.
	azSA = "[az-sa] azurerm storage_account_resource.go, storage_container_resource.go"
	// azPE is terraform-provider-azurerm internal/services/network/
	// private_endpoint_resource.go and internal/services/privatedns/
	// private_dns_zone_virtual_network_link_resource.go: ForceNew fields.
	azPE = "[az-pe] azurerm private_endpoint_resource.go, private_dns_zone_virtual_network_link_resource.go"
	// azKV is terraform-provider-azurerm internal/services/keyvault/
	// key_vault_resource.go and
	// https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview:
	// the soft delete retention is set once, and purge protection, once
	// on, cannot be turned off.
	azKV = "[az-kv] azurerm key_vault_resource.go; Key Vault soft-delete overview"
	// azFD is terraform-provider-azurerm internal/services/cdn/
	// cdn_frontdoor_*_resource.go: ForceNew fields of Front Door
	// (Standard/Premium) profiles, custom domains and WAF policies.
	azFD = "[az-fd] azurerm cdn_frontdoor_*_resource.go"
)

// Registry holds every type the AKS backend registers.
var Registry = rt.NewRegistry(rt.WithPackageRules("azure-native", []rt.Replace{
	// resourceGroupName is in the URL of every resource-group-scoped
	// azure-native resource.
	rt.Replaced("resourceGroupName", anPath),
}, types...)...)

// types are the backend's types, providers first, then sorted by token.
// Stateful types hold data or everything inside them.
var types = []rt.Type{
	{Token: "pulumi:providers:azure-native"},
	{Token: "pulumi:providers:azuread"},

	{
		// Registered by type token: this project cannot download the
		// alertsmanagement SDK module (platform/aks/observability_types.go).
		Token: "azure-native:alertsmanagement:PrometheusRuleGroup", Tags: "tags",
		MockID:   rt.ID("prometheusRuleGroup"),
		Replaces: []rt.Replace{rt.Replaced("ruleGroupName", anPath), rt.Replaced("location", anMut)},
	},

	{
		Token:  "azure-native:authorization:ManagementLockByScope",
		MockID: rt.ID("managementLock"),
		Replaces: []rt.Replace{
			rt.Replaced("lockName", anPath), rt.Replaced("scope", anPath),
		},
	},
	{
		// An extension resource on its scope, as a role assignment.
		Token:  "azure-native:authorization:PolicyAssignment",
		MockID: rt.ID("extensionAt", "scope", "Microsoft.Authorization/policyAssignments", "policyAssignmentName"),
		Replaces: []rt.Replace{
			rt.Replaced("policyAssignmentName", anPath), rt.Replaced("scope", anPath),
		},
	},
	{
		// An extension resource: its URL is <scope>/providers/.../<name>.
		Token:  "azure-native:authorization:RoleAssignment",
		MockID: rt.ID("roleAssignment"),
		Replaces: []rt.Replace{
			rt.Replaced("roleAssignmentName", anPath), rt.Replaced("scope", anPath),
			rt.Replaced("principalId", anMut+": create-only"),
			rt.Replaced("roleDefinitionId", anMut+": create-only; ARM refuses RoleAssignmentUpdateNotPermitted"),
		},
	},
	{
		Token:  "azure-native:authorization:RoleDefinition",
		MockID: rt.ID("roleDefinition"),
		Replaces: []rt.Replace{
			rt.Replaced("roleDefinitionId", anPath), rt.Replaced("scope", anPath),
		},
	},

	{Token: automation + "AutomationAccount", Tags: "tags", MockID: rt.ID("automationAccount")},
	{Token: automation + "JobSchedule", MockID: rt.ID("jobSchedule")},
	{Token: automation + "Runbook", Tags: "tags", MockID: rt.ID("runbook")},
	{Token: automation + "Schedule", MockID: rt.ID("automationSchedule")},

	// The edge (platform/aks/edge.go): Azure Front Door Premium, cdn API
	// 2023-05-01. Every child is named in its profile's URL.
	{
		Token: "azure-native:cdn:AFDCustomDomain", Stateful: true,
		MockID: rt.ID("afdCustomDomain"),
		// A custom domain holds its validation and managed certificate.
		Replaces: []rt.Replace{
			rt.Replaced("customDomainName", anPath), rt.Replaced("profileName", anPath),
			rt.Refused("hostName", azFD+": host_name"),
		},
	},
	{
		Token: "azure-native:cdn:AFDEndpoint", Tags: "tags",
		MockID: rt.ID("afdEndpoint"),
		Replaces: []rt.Replace{
			rt.Replaced("endpointName", anPath), rt.Replaced("profileName", anPath), rt.Replaced("location", anMut),
		},
	},
	{
		Token:  "azure-native:cdn:AFDOrigin",
		MockID: rt.ID("afdOrigin"),
		Replaces: []rt.Replace{
			rt.Replaced("originName", anPath), rt.Replaced("originGroupName", anPath), rt.Replaced("profileName", anPath),
		},
	},
	{
		Token:    "azure-native:cdn:AFDOriginGroup",
		MockID:   rt.ID("armChild", "Microsoft.Cdn/profiles", "profileName", "originGroups", "originGroupName"),
		Replaces: []rt.Replace{rt.Replaced("originGroupName", anPath), rt.Replaced("profileName", anPath)},
	},
	{
		// The Front Door profile: everything of the edge is inside it.
		Token: "azure-native:cdn:Profile", Stateful: true, Tags: "tags",
		MockID: rt.ID("arm", "Microsoft.Cdn/profiles", "profileName"),
		Replaces: []rt.Replace{
			rt.Replaced("profileName", anPath), rt.Replaced("location", anMut),
			rt.Refused("sku.name", azFD+": sku_name"),
		},
	},
	{
		Token:  "azure-native:cdn:Route",
		MockID: rt.ID("afdRoute"),
		Replaces: []rt.Replace{
			rt.Replaced("routeName", anPath), rt.Replaced("endpointName", anPath), rt.Replaced("profileName", anPath),
		},
	},
	{
		Token:    "azure-native:cdn:SecurityPolicy",
		MockID:   rt.ID("armChild", "Microsoft.Cdn/profiles", "profileName", "securityPolicies", "securityPolicyName"),
		Replaces: []rt.Replace{rt.Replaced("securityPolicyName", anPath), rt.Replaced("profileName", anPath)},
	},

	{
		// The environment's container registry: it holds the images a
		// rollback needs.
		Token: containerregistry + "Registry", Stateful: true, Tags: "tags",
		MockID:   rt.ID("arm", "Microsoft.ContainerRegistry/registries", "registryName"),
		Replaces: []rt.Replace{rt.Replaced("registryName", anPath), rt.Replaced("location", anMut)},
	},

	{
		Token: containerservice + "AgentPool", Stateful: true, Tags: "tags",
		MockID: rt.ID("armChild", "Microsoft.ContainerService/managedClusters", "resourceName", "agentPools", "agentPoolName"),
		Replaces: []rt.Replace{
			rt.Replaced("agentPoolName", anPath),
			rt.Replaced("resourceName", anPath+": the cluster's name"),
			rt.Replaced("vmSize", anForce+" (pulumi-azure-native PR #3655); "+aksPool),
			rt.Replaced("gpuInstanceProfile", anForce+" (pulumi-azure-native PR #3655)"),
			// cycleNodePoolProperties: the pool must be recreated.
			rt.Refused("availabilityZones", aksPool),
			rt.Refused("creationData", aksPool),
			rt.Refused("enableEncryptionAtHost", aksPool),
			rt.Refused("enableFIPS", aksPool),
			rt.Refused("enableNodePublicIP", aksPool),
			rt.Refused("enableUltraSSD", aksPool),
			rt.Refused("kubeletConfig", aksPool),
			rt.Refused("kubeletDiskType", aksPool),
			rt.Refused("linuxOSConfig", aksPool),
			rt.Refused("maxPods", aksPool),
			rt.Refused("osDiskSizeGB", aksPool),
			rt.Refused("osDiskType", aksPool),
			rt.Refused("podSubnetID", aksPool),
			rt.Refused("vnetSubnetID", aksPool),
			// ForceNew in azurerm.
			rt.Refused("capacityReservationGroupID", aksPool),
			rt.Refused("hostGroupID", aksPool),
			rt.Refused("nodePublicIPPrefixID", aksPool),
			rt.Refused("osType", aksPool),
			rt.Refused("proximityPlacementGroupID", aksPool),
			rt.Refused("scaleSetEvictionPolicy", aksPool),
			rt.Refused("scaleSetPriority", aksPool),
			rt.Refused("spotMaxPrice", aksPool),
			// Only Ubuntu <-> AzureLinux migrates in place.
			rt.Refused("osSKU", aksPool).If(osSKUNotMigratable),
		},
	},
	{
		Token:  containerservice + "MaintenanceConfiguration",
		MockID: rt.ID("armChild", "Microsoft.ContainerService/managedClusters", "resourceName", "maintenanceConfigurations", "configName"),
	},
	{
		Token: containerservice + "ManagedCluster", Stateful: true, Tags: "tags",
		MockID: rt.ID("managedCluster"),
		Replaces: []rt.Replace{
			rt.Replaced("resourceName", anPath),
			rt.Replaced("location", anForce),
			rt.Replaced("dnsPrefix", anForce+`; API: "cannot be updated once the Managed Cluster has been created"`),
			rt.Replaced("fqdnSubdomain", anForce),
			rt.Replaced("diskEncryptionSetID", anForce),
			rt.Replaced("nodeResourceGroup", anForce),
			rt.Replaced("linuxProfile", anForce),
			rt.Replaced("windowsProfile", anForce),
			// In v2.x the whole networkProfile is force-new; v3.21+ narrows
			// it to podCidr, serviceCidr(s), dnsServiceIP, networkPlugin,
			// networkPluginMode, networkDataplane, networkPolicy,
			// networkMode and outboundType (pulumi-azure-native#4756, PR
			// #4771).
			rt.Replaced("networkProfile", anForce+" (v2.x: the whole block)"),
			rt.Refused("apiServerAccessProfile.enablePrivateCluster", aksMC+": private_cluster_enabled"),
			rt.Refused("apiServerAccessProfile.privateDNSZone", aksMC+": private_dns_zone_id"),
			rt.Refused("enableRBAC", aksMC+": role_based_access_control_enabled"),
			rt.Refused("oidcIssuerProfile.enabled", aksMC+": the API cannot disable the OIDC issuer").If(rt.TurnedOff),
		},
	},

	{
		// The Prometheus alerts' action groups, and Service Health alerts.
		Token: "azure-native:insights:ActionGroup", Tags: "tags",
		MockID:   rt.ID("actionGroup"),
		Replaces: []rt.Replace{rt.Replaced("actionGroupName", anPath), rt.Replaced("location", anMut)},
	},
	{
		Token: "azure-native:insights:ActivityLogAlert", Tags: "tags",
		MockID:   rt.ID("arm", "Microsoft.Insights/activityLogAlerts", "activityLogAlertName"),
		Replaces: []rt.Replace{rt.Replaced("activityLogAlertName", anPath), rt.Replaced("location", anMut)},
	},
	{
		Token: "azure-native:insights:DataCollectionEndpoint", Tags: "tags",
		MockID:   rt.ID("arm", "Microsoft.Insights/dataCollectionEndpoints", "dataCollectionEndpointName"),
		Replaces: []rt.Replace{rt.Replaced("dataCollectionEndpointName", anPath), rt.Replaced("location", anMut)},
	},
	{Token: "azure-native:insights:DataCollectionRule", Tags: "tags", MockID: rt.ID("arm", "Microsoft.Insights/dataCollectionRules", "dataCollectionRuleName")},
	{Token: "azure-native:insights:DataCollectionRuleAssociation", MockID: rt.ID("extension", "Microsoft.Insights/dataCollectionRuleAssociations", "associationName")},
	{Token: "azure-native:insights:DiagnosticSetting", MockID: rt.ID("extension", "Microsoft.Insights/diagnosticSettings", "name")},

	{
		// The cluster's KMS key, in a vault of its own (keyvault:Vault):
		// the key that wraps the data keys of every Secret in etcd.
		Token: "azure-native:keyvault:Key", Stateful: true, Tags: "tags",
		MockID: rt.ID("keyVaultKey"),
		Replaces: []rt.Replace{
			rt.Replaced("keyName", anPath), rt.Replaced("vaultName", anPath),
			// ARM's PUT "creates the first version of a new key if it does
			// not exist ... does not update existing keys": a changed
			// rotation policy, size or type never reaches the key.
			rt.Refused("properties", "[akv-key] Key Vault ARM API, Keys - Create If Not Exist"),
		},
	},

	{
		// A team's vault of the secret store: it holds the team's secrets.
		Token: "azure-native:keyvault:Vault", Stateful: true, Tags: "tags",
		MockID: rt.ID("arm", "Microsoft.KeyVault/vaults", "vaultName"),
		Replaces: []rt.Replace{
			rt.Replaced("vaultName", anPath), rt.Replaced("location", anMut),
			rt.Refused("properties.softDeleteRetentionInDays", azKV+": soft_delete_retention_days is set once"),
			rt.Refused("properties.enablePurgeProtection", azKV+": purge protection cannot be turned off").If(rt.TurnedOff),
			rt.Refused("properties.enableSoftDelete", azKV+": soft delete cannot be turned off").If(rt.TurnedOff),
		},
	},

	{
		Token:  "azure-native:managedidentity:FederatedIdentityCredential",
		MockID: rt.ID("armChild", "Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName", "federatedIdentityCredentials", "federatedIdentityCredentialResourceName"),
		Replaces: []rt.Replace{
			rt.Replaced("resourceName", anPath), rt.Replaced("federatedIdentityCredentialResourceName", anPath),
		},
	},
	{
		Token: "azure-native:managedidentity:UserAssignedIdentity", Tags: "tags",
		MockID: rt.ID("userAssignedIdentity"),
		Replaces: []rt.Replace{
			rt.Replaced("resourceName", anPath), rt.Replaced("location", anMut),
		},
	},

	{
		// The zone's DNSSEC configuration (Azure names it "default"): the
		// parent's DS records match its key signing key.
		Token:    dns + "DnssecConfig",
		MockID:   rt.ID("dnssecConfig"),
		Replaces: []rt.Replace{rt.Replaced("zoneName", anPath)},
	},
	{
		Token:  dns + "RecordSet",
		MockID: rt.ID("dnsRecordSet", "Microsoft.Network/dnszones", "zoneName"),
		Replaces: []rt.Replace{
			rt.Replaced("zoneName", anPath), rt.Replaced("relativeRecordSetName", anPath), rt.Replaced("recordType", anPath),
		},
	},
	{
		// An environment's public DNS zone: it holds every record in it,
		// and the parent zone delegates to its name servers.
		Token: dns + "Zone", Stateful: true, Tags: "tags",
		MockID:   rt.ID("dnsZone"),
		Replaces: []rt.Replace{rt.Replaced("zoneName", anPath), rt.Replaced("location", anMut)},
	},

	{
		// The edge's WAF policy (Microsoft.Network/
		// FrontDoorWebApplicationFirewallPolicies).
		Token: frontDoorWAF + "Policy", Tags: "tags",
		MockID: rt.ID("frontDoorWAFPolicy"),
		Replaces: []rt.Replace{
			rt.Replaced("policyName", anPath),
			rt.Refused("sku.name", azFD+": sku_name"),
		},
	},
	{Token: network + "FlowLog", Tags: "tags", MockID: rt.ID("armChild", "Microsoft.Network/networkWatchers", "networkWatcherName", "flowLogs", "flowLogName")},
	{Token: network + "NatGateway", Tags: "tags", MockID: rt.ID("arm", "Microsoft.Network/natGateways", "natGatewayName")},
	{Token: network + "NetworkSecurityGroup", Tags: "tags", MockID: rt.ID("arm", "Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName")},
	{
		// The backup storage's DNS record in its private zone.
		Token:  network + "PrivateDnsZoneGroup",
		MockID: rt.ID("armChild", "Microsoft.Network/privateEndpoints", "privateEndpointName", "privateDnsZoneGroups", "privateDnsZoneGroupName"),
		Replaces: []rt.Replace{
			rt.Replaced("privateEndpointName", anPath), rt.Replaced("privateDnsZoneGroupName", anPath),
		},
	},
	{
		// The backup storage account's private endpoint.
		Token: network + "PrivateEndpoint", Tags: "tags",
		MockID: rt.ID("arm", "Microsoft.Network/privateEndpoints", "privateEndpointName"),
		Replaces: []rt.Replace{
			rt.Replaced("privateEndpointName", anPath), rt.Replaced("location", anMut),
			rt.Refused("subnet", azPE+": subnet_id"),
			rt.Refused("customNetworkInterfaceName", azPE+": custom_network_interface_name"),
			rt.Refused("privateLinkServiceConnections", azPE+": private_service_connection"),
		},
	},
	{Token: network + "PublicIPAddress", Tags: "tags", MockID: rt.ID("publicIPAddress")},
	{
		Token: network + "Subnet", Stateful: true,
		MockID: rt.ID("armChild", "Microsoft.Network/virtualNetworks", "virtualNetworkName", "subnets", "subnetName"),
		// [an-force] lists no other force-new property for Subnet.
		Replaces: []rt.Replace{
			rt.Replaced("subnetName", anPath), rt.Replaced("virtualNetworkName", anPath),
		},
	},
	{
		Token: network + "VirtualNetwork", Stateful: true, Tags: "tags",
		MockID: rt.ID("arm", "Microsoft.Network/virtualNetworks", "virtualNetworkName"),
		Replaces: []rt.Replace{
			rt.Replaced("virtualNetworkName", anPath), rt.Replaced("location", anForce),
		},
	},
	{
		Token:  privatedns + "PrivateRecordSet",
		MockID: rt.ID("dnsRecordSet", "Microsoft.Network/privateDnsZones", "privateZoneName"),
		Replaces: []rt.Replace{
			rt.Replaced("privateZoneName", anPath), rt.Replaced("relativeRecordSetName", anPath), rt.Replaced("recordType", anPath),
		},
	},
	{
		// privatelink.blob.core.windows.net: it holds the records of the
		// backup storage's private endpoint.
		Token: privatedns + "PrivateZone", Stateful: true, Tags: "tags",
		MockID:   rt.ID("arm", "Microsoft.Network/privateDnsZones", "privateZoneName"),
		Replaces: []rt.Replace{rt.Replaced("privateZoneName", anPath), rt.Replaced("location", anMut)},
	},
	{
		Token: privatedns + "VirtualNetworkLink", Tags: "tags",
		MockID: rt.ID("armChild", "Microsoft.Network/privateDnsZones", "privateZoneName", "virtualNetworkLinks", "virtualNetworkLinkName"),
		Replaces: []rt.Replace{
			rt.Replaced("privateZoneName", anPath), rt.Replaced("virtualNetworkLinkName", anPath),
			rt.Replaced("location", anMut),
			rt.Refused("virtualNetwork", azPE+": virtual_network_id"),
		},
	},

	{
		// Registered by type token: this project cannot download the
		// monitor SDK module (platform/aks/observability_types.go). It
		// holds the cluster's metrics.
		Token: "azure-native:monitor:AzureMonitorWorkspace", Stateful: true, Tags: "tags",
		MockID:   rt.ID("azureMonitorWorkspace"),
		Replaces: []rt.Replace{rt.Replaced("azureMonitorWorkspaceName", anPath), rt.Replaced("location", anMut)},
	},

	{Token: "azure-native:operationalinsights:Workspace", Stateful: true, Tags: "tags", MockID: rt.ID("logAnalyticsWorkspace")},

	{
		Token: "azure-native:resources:ResourceGroup", Stateful: true, Tags: "tags",
		MockID: rt.ID("resourceGroup"),
		// resourceGroupName is the package rule.
		Replaces: []rt.Replace{rt.Replaced("location", anForce)},
	},

	{
		Token: "azure-native:storage:BlobContainer", Stateful: true,
		MockID: rt.ID("blobContainer"),
		// [an-force] lists no other force-new property for BlobContainer.
		Replaces: []rt.Replace{
			rt.Replaced("accountName", anPath),
			rt.Replaced("containerName", anPath),
			rt.Refused("defaultEncryptionScope", azSA+": default_encryption_scope"),
			rt.Refused("denyEncryptionScopeOverride", azSA+": encryption_scope_override_enabled"),
		},
	},
	{Token: "azure-native:storage:BlobServiceProperties", MockID: rt.ID("blobServiceProperties")},
	{Token: "azure-native:storage:ManagementPolicy", MockID: rt.ID("storageManagementPolicy")},
	{
		Token: "azure-native:storage:StorageAccount", Stateful: true, Tags: "tags",
		MockID: rt.ID("storageAccount"),
		Replaces: []rt.Replace{
			rt.Replaced("accountName", anPath),
			rt.Replaced("location", anForce),
			rt.Replaced("isHnsEnabled", anForce),
			// account_kind: only an upgrade to StorageV2 (or from Storage)
			// happens in place.
			rt.Refused("kind", azSA+": account_kind").If(storageKindNotUpgradable),
			// account_tier is ForceNew, and account_replication_type cannot
			// move between zonal and non-zonal redundancy in place.
			rt.Refused("sku.name", azSA+": account_tier, account_replication_type").If(storageSkuNotConvertible),
			rt.Refused("dnsEndpointType", azSA+": dns_endpoint_type"),
			rt.Refused("enableNfsV3", azSA+": nfsv3_enabled"),
			rt.Refused("encryption.requireInfrastructureEncryption", azSA+": infrastructure_encryption_enabled"),
			rt.Refused("encryption.services.queue.keyType", azSA+": queue_encryption_key_type"),
			rt.Refused("encryption.services.table.keyType", azSA+": table_encryption_key_type"),
		},
	},

	// Entra ID (pulumi-azuread v5). IDs are what the provider reports:
	// object IDs (UUIDs) for groups, catalogs, access packages and
	// policies, and compound IDs for the associations.
	{Token: "azuread:index/accessPackage:AccessPackage", MockID: rt.ID("accessPackage")},
	{Token: "azuread:index/accessPackageAssignmentPolicy:AccessPackageAssignmentPolicy", MockID: rt.ID("accessPackageAssignmentPolicy")},
	{Token: "azuread:index/accessPackageCatalog:AccessPackageCatalog", MockID: rt.ID("accessPackageCatalog")},
	{Token: "azuread:index/accessPackageResourceCatalogAssociation:AccessPackageResourceCatalogAssociation", MockID: rt.ID("catalogResourceAssociation")},
	{Token: "azuread:index/accessPackageResourcePackageAssociation:AccessPackageResourcePackageAssociation", MockID: rt.ID("packageResourceAssociation")},
	{
		// A directory group holds its members, who are not in the stack:
		// recreating one empties it and drops every assignment to it.
		Token: "azuread:index/group:Group", Stateful: true,
		MockID: rt.ID("entraGroup"),
	},
}

// osSKUNotMigratable is true unless both SKUs are Ubuntu or AzureLinux
// variants, between which AKS migrates a pool in place.
func osSKUNotMigratable(old, new any) bool {
	return !migratableOSSKU(old) || !migratableOSSKU(new)
}

func migratableOSSKU(v any) bool {
	s, ok := v.(string)
	return ok && (strings.HasPrefix(s, "Ubuntu") || strings.HasPrefix(s, "AzureLinux"))
}

// storageKindNotUpgradable is true unless the account is upgraded to
// StorageV2 or from a general-purpose v1 ("Storage") account.
func storageKindNotUpgradable(old, new any) bool {
	return old != "Storage" && new != "StorageV2"
}

// storageSkuNotConvertible is true when a storage SKU such as
// "Standard_GRS" changes tier (Standard/Premium) or moves between zonal
// (ZRS, GZRS, RAGZRS) and non-zonal (LRS, GRS, RAGRS) redundancy.
func storageSkuNotConvertible(old, new any) bool {
	o, okOld := old.(string)
	n, okNew := new.(string)
	if !okOld || !okNew {
		return true
	}
	oTier, oRep, _ := strings.Cut(o, "_")
	nTier, nRep, _ := strings.Cut(n, "_")
	return oTier != nTier || strings.Contains(oRep, "ZRS") != strings.Contains(nRep, "ZRS")
}

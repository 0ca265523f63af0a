package diff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// The backup storage's private endpoint, its DNS zone group, the private
// DNS zone and the zone's VNet link.
const (
	anEndpoint  = "azure-native:network/v20240501:PrivateEndpoint"
	anZoneGroup = "azure-native:network/v20240501:PrivateDnsZoneGroup"
	anZone      = "azure-native:network/v20240601:PrivateZone"
	anZoneLink  = "azure-native:network/v20240601:VirtualNetworkLink"
	// anVault is a team's vault of the AKS secret store.
	anVault = "azure-native:keyvault:Vault"
)

// DNS zones and record sets (NewDNSZones, NewDNSRecord).
const (
	anDNSZone       = "azure-native:network/v20230701preview:Zone"
	anDNSSEC        = "azure-native:network/v20230701preview:DnssecConfig"
	anRecord        = "azure-native:network/v20230701preview:RecordSet"
	anPrivateRecord = "azure-native:network/v20240601:PrivateRecordSet"
	gcpDNSZone      = "gcp:dns/managedZone:ManagedZone"
	gcpRecord       = "gcp:dns/recordSet:RecordSet"
)

const (
	anCluster  = "azure-native:containerservice/v20241001:ManagedCluster"
	anPool     = "azure-native:containerservice/v20241001:AgentPool"
	anVNet     = "azure-native:network/v20240501:VirtualNetwork"
	anSubnet   = "azure-native:network/v20240501:Subnet"
	anAccount  = "azure-native:storage:StorageAccount"
	anBlob     = "azure-native:storage:BlobContainer"
	anGroup    = "azure-native:resources:ResourceGroup"
	anIdentity = "azure-native:managedidentity:UserAssignedIdentity"
	gkeCluster = "gcp:container/cluster:Cluster"
	gkePool    = "gcp:container/nodePool:NodePool"
	gcpNetwork = "gcp:compute/network:Network"
	gcpSubnet  = "gcp:compute/subnetwork:Subnetwork"
	gcpBucket  = "gcp:storage/bucket:Bucket"
	gcpAccount = "gcp:serviceaccount/account:Account"
)

// replaceCase is one change: its type, path and values, and whether it
// forces replacement (and if so, whether the API refuses it in place).
type replaceCase struct {
	typ, path string
	old, new  any
	want      bool
	refused   bool
}

// yes and no build cases whose values do not matter.
func yes(typ, path string) replaceCase {
	return replaceCase{typ: typ, path: path, old: "a", new: "b", want: true}
}
func refused(typ, path string) replaceCase {
	return replaceCase{typ: typ, path: path, old: "a", new: "b", want: true, refused: true}
}
func no(typ, path string) replaceCase { return replaceCase{typ: typ, path: path, old: "a", new: "b"} }

func replaceCases() []replaceCase {
	cases := []replaceCase{
		// Package rules.
		yes(anIdentity, "resourceGroupName"),
		yes("azure-native:insights:DataCollectionRule", "resourceGroupName"),
		yes(gcpAccount, "project"),
		yes("gcp:projects/iAMMember:IAMMember", "project"),
		no("kubernetes:core/v1:Namespace", "project"),

		// AKS cluster.
		yes(anCluster, "resourceName"),
		yes(anCluster, "location"),
		yes(anCluster, "dnsPrefix"),
		yes(anCluster, "fqdnSubdomain"),
		yes(anCluster, "diskEncryptionSetID"),
		yes(anCluster, "nodeResourceGroup"),
		yes(anCluster, "linuxProfile.ssh.publicKeys[0].keyData"),
		yes(anCluster, "windowsProfile.adminUsername"),
		yes(anCluster, "networkProfile.networkPolicy"),
		yes(anCluster, "networkProfile.podCidr"),
		yes(anCluster, "networkProfile"),
		refused(anCluster, "apiServerAccessProfile.enablePrivateCluster"),
		refused(anCluster, "apiServerAccessProfile.privateDNSZone"),
		refused(anCluster, "enableRBAC"),
		{typ: anCluster, path: "oidcIssuerProfile.enabled", old: true, new: false, want: true, refused: true},
		{typ: anCluster, path: "oidcIssuerProfile.enabled", old: false, new: true},
		no(anCluster, "kubernetesVersion"),
		no(anCluster, "agentPoolProfiles[0].vmSize"),
		no(anCluster, "apiServerAccessProfile.authorizedIPRanges"),
		no(anCluster, "tags.owner"),

		// AKS node pool.
		yes(anPool, "agentPoolName"),
		yes(anPool, "resourceName"),
		yes(anPool, "vmSize"),
		yes(anPool, "gpuInstanceProfile"),
		refused(anPool, "availabilityZones"),
		refused(anPool, "availabilityZones[2]"),
		refused(anPool, "creationData.sourceResourceId"),
		refused(anPool, "enableEncryptionAtHost"),
		refused(anPool, "enableFIPS"),
		refused(anPool, "enableNodePublicIP"),
		refused(anPool, "enableUltraSSD"),
		refused(anPool, "kubeletConfig.podMaxPids"),
		refused(anPool, "kubeletDiskType"),
		refused(anPool, "linuxOSConfig.swapFileSizeMB"),
		refused(anPool, "maxPods"),
		refused(anPool, "osDiskSizeGB"),
		refused(anPool, "osDiskType"),
		refused(anPool, "podSubnetID"),
		refused(anPool, "vnetSubnetID"),
		refused(anPool, "capacityReservationGroupID"),
		refused(anPool, "hostGroupID"),
		refused(anPool, "nodePublicIPPrefixID"),
		refused(anPool, "osType"),
		refused(anPool, "proximityPlacementGroupID"),
		refused(anPool, "scaleSetEvictionPolicy"),
		refused(anPool, "scaleSetPriority"),
		refused(anPool, "spotMaxPrice"),
		{typ: anPool, path: "osSKU", old: "Ubuntu", new: "AzureLinux"},
		{typ: anPool, path: "osSKU", old: "AzureLinux", new: "Windows2022", want: true, refused: true},
		no(anPool, "count"),
		no(anPool, "maxCount"),
		no(anPool, "mode"),
		no(anPool, "nodeLabels.team"),
		no(anPool, "nodeTaints[0]"),
		no(anPool, "upgradeSettings.maxSurge"),
		no(anPool, "orchestratorVersion"),

		// Networks.
		yes(anVNet, "virtualNetworkName"),
		yes(anVNet, "location"),
		no(anVNet, "addressSpace.addressPrefixes"),
		yes(anSubnet, "subnetName"),
		yes(anSubnet, "virtualNetworkName"),
		no(anSubnet, "addressPrefix"),
		no(anSubnet, "natGateway.id"),

		// The backup storage's private endpoint and its DNS.
		yes(anEndpoint, "privateEndpointName"),
		yes(anEndpoint, "location"),
		refused(anEndpoint, "subnet.id"),
		refused(anEndpoint, "customNetworkInterfaceName"),
		refused(anEndpoint, "privateLinkServiceConnections[0].groupIds[0]"),
		no(anEndpoint, "tags.owner"),
		yes(anZoneGroup, "privateEndpointName"),
		yes(anZoneGroup, "privateDnsZoneGroupName"),
		no(anZoneGroup, "privateDnsZoneConfigs[0].privateDnsZoneId"),
		yes(anZone, "privateZoneName"),
		yes(anZone, "location"),
		no(anZone, "tags.owner"),
		yes(anZoneLink, "privateZoneName"),
		yes(anZoneLink, "virtualNetworkLinkName"),
		yes(anZoneLink, "location"),
		refused(anZoneLink, "virtualNetwork.id"),
		no(anZoneLink, "registrationEnabled"),

		// A team's Key Vault of the secret store.
		yes(anVault, "vaultName"),
		yes(anVault, "location"),
		refused(anVault, "properties.softDeleteRetentionInDays"),
		{typ: anVault, path: "properties.enablePurgeProtection", old: true, new: false, want: true, refused: true},
		{typ: anVault, path: "properties.enablePurgeProtection", old: false, new: true},
		{typ: anVault, path: "properties.enableSoftDelete", old: true, new: false, want: true, refused: true},
		no(anVault, "properties.networkAcls.defaultAction"),
		no(anVault, "properties.publicNetworkAccess"),
		no(anVault, "tags.owner"),

		// A cluster's KMS key (its vault is anVault): ARM never changes a
		// key once created.
		yes("azure-native:authorization:PolicyAssignment", "policyAssignmentName"),
		yes("azure-native:authorization:PolicyAssignment", "scope"),
		yes("azure-native:containerregistry:Registry", "registryName"),
		yes("azure-native:containerregistry:Registry", "location"),
		yes("azure-native:keyvault:Key", "keyName"),
		yes("azure-native:keyvault:Key", "vaultName"),
		refused("azure-native:keyvault:Key", "properties.rotationPolicy"),
		no("azure-native:keyvault:Key", "tags.owner"),

		// Storage.
		yes(anAccount, "accountName"),
		yes(anAccount, "location"),
		yes(anAccount, "isHnsEnabled"),
		{typ: anAccount, path: "kind", old: "StorageV2", new: "BlobStorage", want: true, refused: true},
		{typ: anAccount, path: "kind", old: "BlobStorage", new: "StorageV2"},
		{typ: anAccount, path: "kind", old: "Storage", new: "FileStorage"},
		{typ: anAccount, path: "sku.name", old: "Standard_GRS", new: "Standard_GZRS", want: true, refused: true},
		{typ: anAccount, path: "sku.name", old: "Standard_LRS", new: "Premium_LRS", want: true, refused: true},
		{typ: anAccount, path: "sku.name", old: "Standard_LRS", new: "Standard_RAGRS"},
		{typ: anAccount, path: "sku.name", old: "Standard_ZRS", new: "Standard_GZRS"},
		refused(anAccount, "dnsEndpointType"),
		refused(anAccount, "enableNfsV3"),
		refused(anAccount, "encryption.requireInfrastructureEncryption"),
		refused(anAccount, "encryption.services.queue.keyType"),
		refused(anAccount, "encryption.services.table.keyType"),
		no(anAccount, "encryption.services.blob.enabled"),
		no(anAccount, "minimumTlsVersion"),
		no(anAccount, "allowBlobPublicAccess"),
		yes(anBlob, "accountName"),
		yes(anBlob, "containerName"),
		refused(anBlob, "defaultEncryptionScope"),
		refused(anBlob, "denyEncryptionScopeOverride"),
		no(anBlob, "publicAccess"),

		// Resource group, identity.
		yes(anGroup, "location"),
		yes(anGroup, "resourceGroupName"),
		no(anGroup, "tags.class"),
		yes(anIdentity, "resourceName"),
		yes(anIdentity, "location"),
		no(anIdentity, "tags.owner"),

		// Extension resources: their scope and name are their ID.
		yes("azure-native:authorization:RoleAssignment", "scope"),
		yes("azure-native:authorization:RoleAssignment", "roleAssignmentName"),
		yes("azure-native:authorization:RoleAssignment", "principalId"),
		yes("azure-native:authorization:RoleAssignment", "roleDefinitionId"),
		no("azure-native:authorization:RoleAssignment", "description"),
		yes("azure-native:authorization:RoleDefinition", "roleDefinitionId"),
		yes("azure-native:authorization:RoleDefinition", "scope"),
		no("azure-native:authorization:RoleDefinition", "permissions[0].actions[1]"),
		yes("azure-native:authorization:ManagementLockByScope", "lockName"),
		yes("azure-native:authorization:ManagementLockByScope", "scope"),
		no("azure-native:authorization:ManagementLockByScope", "notes"),
		yes("azure-native:managedidentity:FederatedIdentityCredential", "resourceName"),
		yes("azure-native:managedidentity:FederatedIdentityCredential", "federatedIdentityCredentialResourceName"),
		no("azure-native:managedidentity:FederatedIdentityCredential", "subject"),

		// Azure Monitor (the AKS NewObservability): names and locations
		// replace; rules, receivers and conditions change in place.
		yes("azure-native:monitor:AzureMonitorWorkspace", "azureMonitorWorkspaceName"),
		yes("azure-native:monitor:AzureMonitorWorkspace", "location"),
		no("azure-native:monitor:AzureMonitorWorkspace", "publicNetworkAccess"),
		yes("azure-native:insights:DataCollectionEndpoint", "dataCollectionEndpointName"),
		yes("azure-native:insights:DataCollectionEndpoint", "location"),
		yes("azure-native:alertsmanagement:PrometheusRuleGroup", "ruleGroupName"),
		yes("azure-native:alertsmanagement:PrometheusRuleGroup", "location"),
		no("azure-native:alertsmanagement:PrometheusRuleGroup", "rules[0].expression"),
		yes("azure-native:insights:ActionGroup", "actionGroupName"),
		yes("azure-native:insights:ActionGroup", "location"),
		no("azure-native:insights:ActionGroup", "emailReceivers[0].emailAddress"),
		yes("azure-native:insights:ActivityLogAlert", "activityLogAlertName"),
		yes("azure-native:insights:ActivityLogAlert", "location"),
		no("azure-native:insights:ActivityLogAlert", "actions.actionGroups[0].actionGroupId"),

		// The AKS edge (NewEdge): Front Door's children are named in their
		// profile's URL; a custom domain's host, and the profile's and WAF
		// policy's tier, cannot change in place; rules, routes and
		// origins change in place.
		yes("azure-native:cdn:Profile", "profileName"),
		yes("azure-native:cdn:Profile", "location"),
		refused("azure-native:cdn:Profile", "sku.name"),
		no("azure-native:cdn:Profile", "originResponseTimeoutSeconds"),
		yes("azure-native:cdn:AFDEndpoint", "endpointName"),
		yes("azure-native:cdn:AFDEndpoint", "profileName"),
		yes("azure-native:cdn:AFDEndpoint", "location"),
		no("azure-native:cdn:AFDEndpoint", "enabledState"),
		yes("azure-native:cdn:AFDOriginGroup", "originGroupName"),
		yes("azure-native:cdn:AFDOriginGroup", "profileName"),
		no("azure-native:cdn:AFDOriginGroup", "healthProbeSettings.probePath"),
		yes("azure-native:cdn:AFDOrigin", "originName"),
		yes("azure-native:cdn:AFDOrigin", "originGroupName"),
		yes("azure-native:cdn:AFDOrigin", "profileName"),
		no("azure-native:cdn:AFDOrigin", "hostName"),
		no("azure-native:cdn:AFDOrigin", "sharedPrivateLinkResource.privateLink.id"),
		yes("azure-native:cdn:AFDCustomDomain", "customDomainName"),
		yes("azure-native:cdn:AFDCustomDomain", "profileName"),
		refused("azure-native:cdn:AFDCustomDomain", "hostName"),
		no("azure-native:cdn:AFDCustomDomain", "tlsSettings.minimumTlsVersion"),
		yes("azure-native:cdn:Route", "routeName"),
		yes("azure-native:cdn:Route", "endpointName"),
		yes("azure-native:cdn:Route", "profileName"),
		no("azure-native:cdn:Route", "customDomains[0].id"),
		yes("azure-native:cdn:SecurityPolicy", "securityPolicyName"),
		yes("azure-native:cdn:SecurityPolicy", "profileName"),
		no("azure-native:cdn:SecurityPolicy", "parameters.associations[0].domains[0].id"),
		yes("azure-native:network/v20240201:Policy", "policyName"),
		refused("azure-native:network/v20240201:Policy", "sku.name"),
		no("azure-native:network/v20240201:Policy", "policySettings.mode"),
		no("azure-native:network/v20240201:Policy", "customRules.rules[0].rateLimitThreshold"),

		// Kubernetes objects and Helm releases are named by namespace and name.
		yes("kubernetes:core/v1:Namespace", "metadata.name"),
		yes("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "metadata.namespace"),
		no("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "metadata.labels.team"),
		yes("kubernetes:helm.sh/v3:Release", "name"),
		yes("kubernetes:helm.sh/v3:Release", "namespace"),
		no("kubernetes:helm.sh/v3:Release", "version"),

		// GKE cluster.
		yes(gkeCluster, "name"),
		yes(gkeCluster, "location"),
		yes(gkeCluster, "description"),
		yes(gkeCluster, "network"),
		yes(gkeCluster, "subnetwork"),
		yes(gkeCluster, "networkingMode"),
		yes(gkeCluster, "datapathProvider"),
		yes(gkeCluster, "defaultMaxPodsPerNode"),
		yes(gkeCluster, "clusterIpv4Cidr"),
		yes(gkeCluster, "enableAutopilot"),
		yes(gkeCluster, "enableKubernetesAlpha"),
		yes(gkeCluster, "enableMultiNetworking"),
		yes(gkeCluster, "enableTpu"),
		yes(gkeCluster, "initialNodeCount"),
		yes(gkeCluster, "nodePools[0].name"),
		yes(gkeCluster, "confidentialNodes.enabled"),
		yes(gkeCluster, "masterAuth.clientCertificateConfig.issueClientCertificate"),
		yes(gkeCluster, "clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey"),
		yes(gkeCluster, "ipAllocationPolicy.clusterIpv4CidrBlock"),
		yes(gkeCluster, "ipAllocationPolicy.clusterSecondaryRangeName"),
		yes(gkeCluster, "ipAllocationPolicy.podCidrOverprovisionConfig.disabled"),
		yes(gkeCluster, "ipAllocationPolicy.servicesIpv4CidrBlock"),
		yes(gkeCluster, "ipAllocationPolicy.servicesSecondaryRangeName"),
		yes(gkeCluster, "ipAllocationPolicy.stackType"),
		yes(gkeCluster, "privateClusterConfig.enablePrivateNodes"),
		yes(gkeCluster, "privateClusterConfig.masterIpv4CidrBlock"),
		yes(gkeCluster, "privateClusterConfig.privateEndpointSubnetwork"),
		no(gkeCluster, "privateClusterConfig.enablePrivateEndpoint"),
		no(gkeCluster, "ipAllocationPolicy.additionalPodRangesConfig.podRangeNames[0]"),
		no(gkeCluster, "minMasterVersion"),
		no(gkeCluster, "releaseChannel.channel"),
		no(gkeCluster, "resourceLabels.owner"),
		no(gkeCluster, "masterAuthorizedNetworksConfig.cidrBlocks[0].cidrBlock"),

		// GKE node pool.
		yes(gkePool, "name"),
		yes(gkePool, "namePrefix"),
		yes(gkePool, "cluster"),
		yes(gkePool, "location"),
		yes(gkePool, "initialNodeCount"),
		yes(gkePool, "maxPodsPerNode"),
		yes(gkePool, "placementPolicy.type"),
		yes(gkePool, "queuedProvisioning.enabled"),
		yes(gkePool, "networkConfig.additionalNodeNetworkConfigs[0].network"),
		yes(gkePool, "networkConfig.additionalPodNetworkConfigs[0].subnetwork"),
		yes(gkePool, "networkConfig.createPodRange"),
		yes(gkePool, "networkConfig.podCidrOverprovisionConfig.disabled"),
		yes(gkePool, "networkConfig.podIpv4CidrBlock"),
		yes(gkePool, "networkConfig.podRange"),
		no(gkePool, "networkConfig.enablePrivateNodes"),
		no(gkePool, "nodeConfig.machineType"),
		no(gkePool, "nodeConfig.diskSizeGb"),
		no(gkePool, "nodeConfig.diskType"),
		no(gkePool, "nodeConfig.imageType"),
		no(gkePool, "nodeConfig.labels.team"),
		no(gkePool, "nodeConfig.resourceLabels.owner"),
		no(gkePool, "nodeConfig.taints[0].value"),
		no(gkePool, "nodeLocations[0]"),
		no(gkePool, "autoscaling.totalMaxNodeCount"),
		no(gkePool, "upgradeSettings.maxSurge"),

		// GCP network, subnetwork, bucket, service account.
		yes(gcpNetwork, "name"),
		yes(gcpNetwork, "autoCreateSubnetworks"),
		yes(gcpNetwork, "description"),
		yes(gcpNetwork, "enableUlaInternalIpv6"),
		yes(gcpNetwork, "internalIpv6Range"),
		yes(gcpNetwork, "mtu"),
		no(gcpNetwork, "routingMode"),
		yes(gcpSubnet, "name"),
		yes(gcpSubnet, "network"),
		yes(gcpSubnet, "region"),
		yes(gcpSubnet, "description"),
		yes(gcpSubnet, "purpose"),
		yes(gcpSubnet, "externalIpv6Prefix"),
		{typ: gcpSubnet, path: "ipCidrRange", old: "10.40.0.0/18", new: "10.40.0.0/19", want: true},
		{typ: gcpSubnet, path: "ipCidrRange", old: "10.40.0.0/18", new: "10.41.0.0/18", want: true},
		{typ: gcpSubnet, path: "ipCidrRange", old: "10.40.0.0/18", new: snapshot.UnknownValue, want: true},
		{typ: gcpSubnet, path: "ipCidrRange", old: "10.40.0.0/18", new: "10.40.0.0/16"},
		no(gcpSubnet, "secondaryIpRanges[0].ipCidrRange"),
		no(gcpSubnet, "logConfig.flowSampling"),
		no(gcpSubnet, "privateIpGoogleAccess"),
		yes(gcpBucket, "name"),
		yes(gcpBucket, "location"),
		yes(gcpBucket, "enableObjectRetention"),
		yes(gcpBucket, "customPlacementConfig.dataLocations[1]"),
		no(gcpBucket, "storageClass"),
		no(gcpBucket, "versioning.enabled"),
		no(gcpBucket, "lifecycleRules[0].condition.age"),
		// Cloud Logging and Monitoring (NewObservability).
		yes("gcp:logging/projectBucketConfig:ProjectBucketConfig", "bucketId"),
		yes("gcp:logging/projectBucketConfig:ProjectBucketConfig", "location"),
		no("gcp:logging/projectBucketConfig:ProjectBucketConfig", "retentionDays"),
		yes("gcp:logging/projectSink:ProjectSink", "name"),
		no("gcp:logging/projectSink:ProjectSink", "filter"),
		no("gcp:logging/projectSink:ProjectSink", "destination"),
		yes("gcp:logging/projectExclusion:ProjectExclusion", "name"),
		no("gcp:logging/projectExclusion:ProjectExclusion", "filter"),
		no("gcp:monitoring/alertPolicy:AlertPolicy", "conditions[0].conditionPrometheusQueryLanguage.query"),
		no("gcp:monitoring/notificationChannel:NotificationChannel", "labels.email_address"),
		// The edge (NewEdge): its global address, its Cloud Armor policy,
		// whose rules change in place, and its objects in the cluster.
		yes("gcp:compute/globalAddress:GlobalAddress", "name"),
		yes("gcp:compute/globalAddress:GlobalAddress", "addressType"),
		yes("gcp:compute/globalAddress:GlobalAddress", "ipVersion"),
		yes("gcp:compute/globalAddress:GlobalAddress", "description"),
		yes("gcp:compute/globalAddress:GlobalAddress", "project"),
		yes("gcp:compute/globalAddress:GlobalAddress", "address"),
		yes("gcp:compute/globalAddress:GlobalAddress", "network"),
		yes("gcp:compute/globalAddress:GlobalAddress", "prefixLength"),
		yes("gcp:compute/globalAddress:GlobalAddress", "purpose"),
		no("gcp:compute/globalAddress:GlobalAddress", "labels.environment"),
		yes("gcp:compute/securityPolicy:SecurityPolicy", "name"),
		yes("gcp:compute/securityPolicy:SecurityPolicy", "type"),
		no("gcp:compute/securityPolicy:SecurityPolicy", "rules[0].preview"),
		no("gcp:compute/securityPolicy:SecurityPolicy", "rules[8].rateLimitOptions.rateLimitThreshold.count"),
		no("gcp:compute/securityPolicy:SecurityPolicy", "adaptiveProtectionConfig.layer7DdosDefenseConfig.enable"),
		yes("kubernetes:gateway.networking.k8s.io/v1:Gateway", "metadata.name"),
		yes("kubernetes:gateway.networking.k8s.io/v1:Gateway", "metadata.namespace"),
		no("kubernetes:gateway.networking.k8s.io/v1:Gateway", "spec.listeners[0].tls.certificateRefs[0].name"),
		yes("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "metadata.name"),
		no("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "spec.hostnames[1]"),
		yes("kubernetes:networking.gke.io/v1:GCPBackendPolicy", "metadata.namespace"),
		no("kubernetes:networking.gke.io/v1:GCPBackendPolicy", "spec.default.securityPolicy"),
		yes("kubernetes:networking.gke.io/v1:HealthCheckPolicy", "metadata.name"),
		no("kubernetes:networking.gke.io/v1:HealthCheckPolicy", "spec.default.config.httpHealthCheck.requestPath"),
		// DNS zones and records (NewDNSZones, NewDNSRecord).
		yes(anDNSZone, "zoneName"),
		yes(anDNSZone, "location"),
		yes(anDNSZone, "resourceGroupName"),
		no(anDNSZone, "tags.owner"),
		yes(anDNSSEC, "zoneName"),
		yes(anDNSSEC, "resourceGroupName"),
		yes(anRecord, "zoneName"),
		yes(anRecord, "relativeRecordSetName"),
		yes(anRecord, "recordType"),
		no(anRecord, "ttl"),
		no(anRecord, "aRecords[0].ipv4Address"),
		no(anRecord, "txtRecords[0].value[0]"),
		yes(anPrivateRecord, "privateZoneName"),
		yes(anPrivateRecord, "relativeRecordSetName"),
		yes(anPrivateRecord, "recordType"),
		no(anPrivateRecord, "cnameRecord.cname"),
		no(anPrivateRecord, "ttl"),
		yes(gcpDNSZone, "name"),
		yes(gcpDNSZone, "dnsName"),
		yes(gcpDNSZone, "visibility"),
		yes(gcpDNSZone, "reverseLookup"),
		yes(gcpDNSZone, "serviceDirectoryConfig.namespace.namespaceUrl"),
		yes(gcpDNSZone, "project"),
		no(gcpDNSZone, "dnssecConfig.state"),
		no(gcpDNSZone, "description"),
		no(gcpDNSZone, "privateVisibilityConfig.networks[0].networkUrl"),
		no(gcpDNSZone, "labels.environment"),
		yes(gcpRecord, "managedZone"),
		yes(gcpRecord, "name"),
		yes(gcpRecord, "type"),
		no(gcpRecord, "rrdatas[0]"),
		no(gcpRecord, "ttl"),
		// Types no registry lists have no rules: Plinth creates no DNS
		// response policy.
		no("gcp:dns/responsePolicy:ResponsePolicy", "responsePolicyName"),
		yes(gcpAccount, "accountId"),
		no(gcpAccount, "displayName"),
		no(gcpAccount, "description"),

		// The JIT Groups policy: a new policy is a new secret version; the
		// secret itself stays, labels change in place.
		yes("gcp:artifactregistry/repository:Repository", "repositoryId"),
		yes("gcp:artifactregistry/repository:Repository", "location"),
		yes("gcp:artifactregistry/repository:Repository", "format"),
		yes("gcp:artifactregistry/repository:Repository", "mode"),
		yes("gcp:artifactregistry/repository:Repository", "kmsKeyName"),
		yes("gcp:projects/service:Service", "service"),
		yes("gcp:secretmanager/secret:Secret", "secretId"),
		yes("gcp:secretmanager/secret:Secret", "replication"),
		no("gcp:secretmanager/secret:Secret", "labels"),
		yes("gcp:secretmanager/secretVersion:SecretVersion", "secretData"),
		yes("gcp:secretmanager/secretVersion:SecretVersion", "secret"),

		// A cluster's Cloud KMS key ring and key.
		yes("gcp:kms/keyRing:KeyRing", "name"),
		yes("gcp:kms/keyRing:KeyRing", "location"),
		yes("gcp:kms/cryptoKey:CryptoKey", "name"),
		yes("gcp:kms/cryptoKey:CryptoKey", "keyRing"),
		yes("gcp:kms/cryptoKey:CryptoKey", "purpose"),
		yes("gcp:kms/cryptoKey:CryptoKey", "skipInitialVersionCreation"),
		yes("gcp:kms/cryptoKey:CryptoKey", "importOnly"),
		yes("gcp:kms/cryptoKey:CryptoKey", "cryptoKeyBackend"),
		yes("gcp:kms/cryptoKey:CryptoKey", "versionTemplate.protectionLevel"),
		no("gcp:kms/cryptoKey:CryptoKey", "rotationPeriod"),
		no("gcp:kms/cryptoKey:CryptoKey", "versionTemplate.algorithm"),
		no("gcp:kms/cryptoKey:CryptoKey", "labels"),

		// A change to a whole block replaces when the block holds an entry.
		yes(gkePool, "nodeConfig"),
		refused(anPool, "creationData"),
	}
	// The node configuration GKE clusters and node pools share.
	for _, typ := range []string{gkeCluster, gkePool} {
		for _, path := range []string{
			"nodeConfig.advancedMachineFeatures.threadsPerCore",
			"nodeConfig.bootDiskKmsKey",
			"nodeConfig.confidentialNodes.enabled",
			"nodeConfig.enableConfidentialStorage",
			"nodeConfig.ephemeralStorageLocalSsdConfig.localSsdCount",
			"nodeConfig.guestAccelerators[0].type",
			"nodeConfig.gvnic.enabled",
			"nodeConfig.hostMaintenancePolicy.maintenanceInterval",
			"nodeConfig.localNvmeSsdBlockConfig.localSsdCount",
			"nodeConfig.localSsdCount",
			"nodeConfig.metadata.disable-legacy-endpoints",
			"nodeConfig.minCpuPlatform",
			"nodeConfig.nodeGroup",
			"nodeConfig.oauthScopes[0]",
			"nodeConfig.preemptible",
			"nodeConfig.reservationAffinity.consumeReservationType",
			"nodeConfig.secondaryBootDisks[0].diskImage",
			"nodeConfig.serviceAccount",
			"nodeConfig.shieldedInstanceConfig.enableSecureBoot",
			"nodeConfig.soleTenantConfig.nodeAffinities[0].key",
			"nodeConfig.spot",
		} {
			cases = append(cases, yes(typ, path))
		}
	}
	return cases
}

func TestReplaceTable(t *testing.T) {
	for _, tc := range replaceCases() {
		rule, got := replacementFor(tc.typ, mustParsePath(tc.path), tc.old, tc.new)
		if got != tc.want || rule.refused != tc.refused {
			t.Errorf("%s %s (%v → %v): forces replacement %v (refused %v), want %v (refused %v)",
				tc.typ, tc.path, tc.old, tc.new, got, rule.refused, tc.want, tc.refused)
		}
	}
}

// TestEveryReplaceRuleIsTested checks that each rule of the registries
// makes at least one case of TestReplaceTable force replacement, so a rule
// cannot be added (or mistyped) without a test. A rule every type of a
// package shares (resourcetype.WithPackageRules) needs one case in the
// package; any other, one case of its type.
func TestEveryReplaceRuleIsTested(t *testing.T) {
	shared := packageRules()
	key := func(token string, r resourcetype.Replace) string {
		if pkg := packageOf(token); shared[pkg][ruleID(r)] {
			return pkg + " " + r.Path
		}
		return token + " " + r.Path
	}
	hit := map[string]bool{}
	for _, tc := range replaceCases() {
		typ, ok := typeregistry.All.LookupAnyVersion(tc.typ)
		if !ok || !tc.want {
			continue
		}
		path := mustParsePath(tc.path)
		for _, r := range typ.Replaces {
			if overlaps(path, mustParsePath(r.Path)) && (r.When == nil || r.When(tc.old, tc.new)) {
				hit[key(typ.Token, r)] = true
			}
		}
	}
	for _, typ := range typeregistry.All.Types() {
		for _, r := range typ.Replaces {
			if id := key(typ.Token, r); !hit[id] {
				t.Errorf("replace rule %s has no case that forces replacement", id)
				hit[id] = true // once
			}
		}
	}
}

// packageRules returns, per package, the rules (ruleID) that every
// registered type of the package has.
func packageRules() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, typ := range typeregistry.All.Types() {
		if strings.HasPrefix(typ.Token, "pulumi:providers:") {
			continue
		}
		own := map[string]bool{}
		for _, r := range typ.Replaces {
			own[ruleID(r)] = true
		}
		pkg := packageOf(typ.Token)
		common, seen := out[pkg]
		if !seen {
			out[pkg] = own
			continue
		}
		for id := range common {
			if !own[id] {
				delete(common, id)
			}
		}
	}
	return out
}

// ruleID identifies a rule by its path, kind and source.
func ruleID(r resourcetype.Replace) string {
	return fmt.Sprintf("%s %v %s", r.Path, r.Refused, r.Source)
}

// packageOf returns the package of a type token: "azure-native" for
// "azure-native:network:Subnet".
func packageOf(typ string) string {
	pkg, _, _ := strings.Cut(typ, ":")
	return pkg
}

// TestReplaceTableNamesRealInputs checks table paths against the inputs the
// provider SDKs really send, as recorded in the committed snapshots: a
// misspelled path (osDiskSizeGb for osDiskSizeGB) would never match.
func TestReplaceTableNamesRealInputs(t *testing.T) {
	want := map[string][]string{
		anCluster: {"resourceName", "location", "dnsPrefix", "networkProfile", "resourceGroupName",
			"apiServerAccessProfile.enablePrivateCluster", "enableRBAC", "oidcIssuerProfile.enabled"},
		anPool: {"agentPoolName", "resourceName", "vmSize", "availabilityZones", "osDiskSizeGB", "osDiskType",
			"osSKU", "osType", "scaleSetPriority", "vnetSubnetID"},
		anVNet:     {"virtualNetworkName", "location"},
		anSubnet:   {"subnetName", "virtualNetworkName"},
		anAccount:  {"accountName", "location", "kind", "sku.name"},
		anBlob:     {"accountName", "containerName"},
		anGroup:    {"location", "resourceGroupName"},
		anIdentity: {"resourceName", "location"},
		gkeCluster: {"name", "location", "description", "network", "subnetwork", "networkingMode", "datapathProvider",
			"initialNodeCount", "ipAllocationPolicy.clusterSecondaryRangeName", "ipAllocationPolicy.stackType",
			"privateClusterConfig.enablePrivateNodes", "privateClusterConfig.masterIpv4CidrBlock", "project",
			"nodeConfig.oauthScopes", "nodeConfig.serviceAccount", "nodeConfig.shieldedInstanceConfig"},
		gkePool: {"name", "cluster", "location", "initialNodeCount", "nodeConfig.spot", "nodeConfig.oauthScopes",
			"nodeConfig.serviceAccount", "nodeConfig.shieldedInstanceConfig"},
		gcpNetwork: {"name", "autoCreateSubnetworks", "description"},
		gcpSubnet:  {"name", "network", "region", "purpose", "ipCidrRange"},
		gcpBucket:  {"name", "location"},
		gcpAccount: {"accountId", "project"},
	}
	resources := map[string][]snapshot.Resource{}
	for _, stack := range []string{"prod-aks", "prod-gke"} {
		s := readSnapshot(t, stack)
		for _, r := range s.Resources {
			resources[resourcetype.BaseType(r.Type)] = append(resources[resourcetype.BaseType(r.Type)], r)
		}
	}
	for typ, paths := range want {
		rs := resources[resourcetype.BaseType(typ)]
		if len(rs) == 0 {
			t.Errorf("no %s in the committed snapshots", typ)
			continue
		}
		for _, path := range paths {
			if !inTable(typ, mustParsePath(path)) {
				t.Errorf("%s %s: not in the replace table", typ, path)
			}
			if _, ok := rs[0].Input(path); !ok {
				t.Errorf("%s %s: no such input on %s", typ, path, rs[0].Name)
			}
		}
	}
}

// inTable reports whether some entry for typ covers path, whatever its
// condition.
func inTable(typ string, path []step) bool {
	for _, r := range rulesOf(typ) {
		if overlaps(path, r.path) {
			return true
		}
	}
	return false
}

func readSnapshot(t *testing.T, stack string) *snapshot.Snapshot {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "stacks", "snapshots", stack+".json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // read-only file
	s, err := snapshot.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

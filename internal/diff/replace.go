package diff

import (
	"net/netip"
	"slices"
	"strings"
)

// This file is the curated table of input paths whose change cannot be
// applied in place, for the types Plinth creates. It is read by
// replacementFor and nothing else.
//
// Two kinds of entry:
//
//   - replaces: the Pulumi provider itself plans a delete and a create
//     (azure-native "willReplaceOnChanges", terraform-bridged "ForceNew").
//   - refuses: the provider plans an in-place update, but the cloud API
//     rejects it; the deployment fails until the resource is replaced (by
//     hand, or with the replaceOnChanges option). Sources are the Azure
//     documentation and the azurerm provider, which recreates the resource
//     for these properties because the API leaves no other way.
//
// Versions: Plinth pins azure-native v2.90 and pulumi-gcp v7.38, which
// bridges terraform-provider-google(-beta) v5.42. Entries follow those
// versions; re-check them when the pins move (see the notes on
// ManagedCluster.networkProfile and GKE nodeConfig below).
//
// Paths are Pulumi property paths over the inputs, matched by prefix: an
// entry "networkProfile" covers "networkProfile.podCidr"; "[*]" matches
// any list index.
//
// Sources, referred to below by their tag:
//
//	[an-force]  pulumi-azure-native provider/pkg/gen/replacement.go, forceNewMap
//	            https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/gen/replacement.go
//	[an-path]   azure-native marks every URL path parameter of a resource's PUT as
//	            willReplaceOnChanges ("Changes to this property will trigger
//	            replacement" in the registry docs), e.g. resourceGroupName,
//	            resourceName: https://www.pulumi.com/registry/packages/azure-native/
//	[an-mut]    azure-native also replaces on properties whose x-ms-mutability lacks
//	            "update"; ARM common-types TrackedResource.location is [read, create].
//	[aks-pool]  https://learn.microsoft.com/azure/aks/manage-node-pools#limitations and
//	            terraform-provider-azurerm internal/services/containers/
//	            kubernetes_cluster_node_pool_resource.go: cycleNodePoolProperties and
//	            ForceNew fields (the API cannot change them on an existing pool).
//	[aks-mc]    terraform-provider-azurerm internal/services/containers/
//	            kubernetes_cluster_resource.go: ForceNew / ForceNewIfChange.
//	[az-sa]     terraform-provider-azurerm internal/services/storage/
//	            storage_account_resource.go and storage_container_resource.go.
//	[tf-google] terraform-provider-google v5.42.0, the ForceNew fields (and
//	            CustomizeDiff ForceNewIfChange) of the file named with the entry,
//	            under google/services/; pulumi-gcp renames snake_case to camelCase
//	            and pluralizes lists (guest_accelerator -> guestAccelerators).

// replaceRule is one input path whose change cannot be applied in place.
type replaceRule struct {
	path []step
	// refused is true when the provider would update in place and the cloud
	// API rejects it, false when the provider plans the replacement itself.
	refused bool
	// when, if set, limits the rule to the changes it returns true for; it
	// gets the old and new values at the changed path.
	when func(old, new any) bool
}

func replaces(path string) replaceRule { return replaceRule{path: mustParsePath(path)} }
func refuses(path string) replaceRule  { return replaceRule{path: mustParsePath(path), refused: true} }

func replacesWhen(path string, when func(old, new any) bool) replaceRule {
	return replaceRule{path: mustParsePath(path), when: when}
}

func refusesWhen(path string, when func(old, new any) bool) replaceRule {
	return replaceRule{path: mustParsePath(path), refused: true, when: when}
}

// packageRules apply to every resource of a package.
var packageRules = map[string][]replaceRule{
	// A Kubernetes object is identified by its namespace and name: a change
	// of either deletes it and creates another (pulumi-kubernetes plans a
	// replacement). A Helm release is named by its own name and namespace.
	"kubernetes": {replaces("metadata.name"), replaces("metadata.namespace"), replaces("name"), replaces("namespace")},
	// [an-path] resourceGroupName is in the URL of every resource-group-scoped
	// azure-native resource.
	"azure-native": {replaces("resourceGroupName")},
	// [tf-google] every google resource Plinth creates has project ForceNew.
	"gcp": {replaces("project")},
}

// typeRules are keyed by type token; azure-native tokens without their API
// version (see baseType).
var typeRules = map[string][]replaceRule{
	"azure-native:containerservice:ManagedCluster": {
		replaces("resourceName"),        // [an-path]
		replaces("location"),            // [an-force]
		replaces("dnsPrefix"),           // [an-force]; API: "cannot be updated once the Managed Cluster has been created"
		replaces("fqdnSubdomain"),       // [an-force]
		replaces("diskEncryptionSetID"), // [an-force]
		replaces("nodeResourceGroup"),   // [an-force]
		replaces("linuxProfile"),        // [an-force]
		replaces("windowsProfile"),      // [an-force]
		// [an-force] in v2.x the whole networkProfile is force-new; v3.21+
		// narrows it to podCidr, serviceCidr(s), dnsServiceIP, networkPlugin,
		// networkPluginMode, networkDataplane, networkPolicy, networkMode and
		// outboundType (pulumi-azure-native#4756, PR #4771).
		replaces("networkProfile"),
		refuses("apiServerAccessProfile.enablePrivateCluster"), // [aks-mc] private_cluster_enabled
		refuses("apiServerAccessProfile.privateDNSZone"),       // [aks-mc] private_dns_zone_id
		refuses("enableRBAC"),                                  // [aks-mc] role_based_access_control_enabled
		refusesWhen("oidcIssuerProfile.enabled", turnedOff),    // [aks-mc] the API cannot disable the OIDC issuer
	},
	"azure-native:containerservice:AgentPool": {
		replaces("agentPoolName"),      // [an-path]
		replaces("resourceName"),       // [an-path] the cluster's name
		replaces("vmSize"),             // [an-force] pulumi-azure-native PR #3655; [aks-pool]
		replaces("gpuInstanceProfile"), // [an-force] pulumi-azure-native PR #3655
		// [aks-pool] cycleNodePoolProperties: the pool must be recreated.
		refuses("availabilityZones"),
		refuses("creationData"),
		refuses("enableEncryptionAtHost"),
		refuses("enableFIPS"),
		refuses("enableNodePublicIP"),
		refuses("enableUltraSSD"),
		refuses("kubeletConfig"),
		refuses("kubeletDiskType"),
		refuses("linuxOSConfig"),
		refuses("maxPods"),
		refuses("osDiskSizeGB"),
		refuses("osDiskType"),
		refuses("podSubnetID"),
		refuses("vnetSubnetID"),
		// [aks-pool] ForceNew in azurerm.
		refuses("capacityReservationGroupID"),
		refuses("hostGroupID"),
		refuses("nodePublicIPPrefixID"),
		refuses("osType"),
		refuses("proximityPlacementGroupID"),
		refuses("scaleSetEvictionPolicy"),
		refuses("scaleSetPriority"),
		refuses("spotMaxPrice"),
		// [aks-pool] only Ubuntu <-> AzureLinux migrates in place.
		refusesWhen("osSKU", osSKUNotMigratable),
	},
	"azure-native:network:VirtualNetwork": {
		replaces("virtualNetworkName"), // [an-path]
		replaces("location"),           // [an-force]
	},
	"azure-native:network:Subnet": {
		// [an-force] lists no other force-new property for Subnet.
		replaces("subnetName"),         // [an-path]
		replaces("virtualNetworkName"), // [an-path]
	},
	"azure-native:storage:StorageAccount": {
		replaces("accountName"),  // [an-path]
		replaces("location"),     // [an-force]
		replaces("isHnsEnabled"), // [an-force]
		// [az-sa] account_kind: only an upgrade to StorageV2 (or from
		// Storage) happens in place.
		refusesWhen("kind", storageKindNotUpgradable),
		// [az-sa] account_tier is ForceNew, and account_replication_type
		// cannot move between zonal and non-zonal redundancy in place.
		refusesWhen("sku.name", storageSkuNotConvertible),
		refuses("dnsEndpointType"),                            // [az-sa] dns_endpoint_type
		refuses("enableNfsV3"),                                // [az-sa] nfsv3_enabled
		refuses("encryption.requireInfrastructureEncryption"), // [az-sa] infrastructure_encryption_enabled
		refuses("encryption.services.queue.keyType"),          // [az-sa] queue_encryption_key_type
		refuses("encryption.services.table.keyType"),          // [az-sa] table_encryption_key_type
	},
	"azure-native:storage:BlobContainer": {
		// [an-force] lists no other force-new property for BlobContainer.
		replaces("accountName"),                // [an-path]
		replaces("containerName"),              // [an-path]
		refuses("defaultEncryptionScope"),      // [az-sa] default_encryption_scope
		refuses("denyEncryptionScopeOverride"), // [az-sa] encryption_scope_override_enabled
	},
	"azure-native:resources:ResourceGroup": {
		replaces("location"), // [an-force]; resourceGroupName is a package rule
	},
	"azure-native:network:Zone": {
		replaces("zoneName"), // [an-path]
		replaces("location"), // [an-mut]
	},
	"azure-native:network:RecordSet": {
		replaces("zoneName"),              // [an-path]
		replaces("relativeRecordSetName"), // [an-path]
		replaces("recordType"),            // [an-path]
	},
	"azure-native:managedidentity:UserAssignedIdentity": {
		replaces("resourceName"), // [an-path]
		replaces("location"),     // [an-mut]
	},
	// [an-path] the URL of an extension resource is <scope>/providers/.../<name>.
	"azure-native:authorization:RoleAssignment": {
		replaces("roleAssignmentName"), replaces("scope"),
		replaces("principalId"),      // [an-mut] create-only
		replaces("roleDefinitionId"), // [an-mut] create-only: ARM refuses RoleAssignmentUpdateNotPermitted
	},
	"azure-native:authorization:RoleDefinition": {
		replaces("roleDefinitionId"), replaces("scope"), // [an-path]
	},
	"azure-native:authorization:ManagementLockByScope": {
		replaces("lockName"), replaces("scope"), // [an-path]
	},
	"azure-native:managedidentity:FederatedIdentityCredential": {
		replaces("resourceName"), replaces("federatedIdentityCredentialResourceName"), // [an-path]
	},

	// [tf-google] container/resource_container_cluster.go
	"gcp:container/cluster:Cluster": append([]replaceRule{
		replaces("name"),
		replaces("location"),
		replaces("description"),
		replaces("network"),
		replaces("subnetwork"),
		replaces("networkingMode"),
		replaces("datapathProvider"),
		replaces("defaultMaxPodsPerNode"),
		replaces("clusterIpv4Cidr"),
		replaces("enableAutopilot"),
		replaces("enableKubernetesAlpha"),
		replaces("enableMultiNetworking"),
		replaces("enableTpu"),
		replaces("initialNodeCount"),
		replaces("nodePools"),
		replaces("confidentialNodes"),
		replaces("masterAuth.clientCertificateConfig"),
		replaces("clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey"),
		replaces("ipAllocationPolicy.clusterIpv4CidrBlock"),
		replaces("ipAllocationPolicy.clusterSecondaryRangeName"),
		replaces("ipAllocationPolicy.podCidrOverprovisionConfig"),
		replaces("ipAllocationPolicy.servicesIpv4CidrBlock"),
		replaces("ipAllocationPolicy.servicesSecondaryRangeName"),
		replaces("ipAllocationPolicy.stackType"),
		// enablePrivateEndpoint is updatable in v5.42; these are not.
		replaces("privateClusterConfig.enablePrivateNodes"),
		replaces("privateClusterConfig.masterIpv4CidrBlock"),
		replaces("privateClusterConfig.privateEndpointSubnetwork"),
	}, gkeNodeConfigRules...),

	// [tf-google] container/resource_container_node_pool.go
	"gcp:container/nodePool:NodePool": append([]replaceRule{
		replaces("name"),
		replaces("namePrefix"),
		replaces("cluster"),
		replaces("location"),
		replaces("initialNodeCount"),
		replaces("maxPodsPerNode"),
		replaces("placementPolicy"),
		replaces("queuedProvisioning"),
		replaces("networkConfig.additionalNodeNetworkConfigs"),
		replaces("networkConfig.additionalPodNetworkConfigs"),
		replaces("networkConfig.createPodRange"),
		replaces("networkConfig.podCidrOverprovisionConfig"),
		replaces("networkConfig.podIpv4CidrBlock"),
		replaces("networkConfig.podRange"),
	}, gkeNodeConfigRules...),

	// [tf-google] compute/resource_compute_network.go
	"gcp:compute/network:Network": {
		replaces("name"),
		replaces("autoCreateSubnetworks"),
		replaces("description"),
		replaces("enableUlaInternalIpv6"),
		replaces("internalIpv6Range"),
		replaces("mtu"),
	},
	// [tf-google] compute/resource_compute_subnetwork.go
	"gcp:compute/subnetwork:Subnetwork": {
		replaces("name"),
		replaces("network"),
		replaces("region"),
		replaces("description"),
		replaces("purpose"),
		replaces("externalIpv6Prefix"),
		// ForceNewIfChange(IsShrinkageIpCidr): widening is an update.
		replacesWhen("ipCidrRange", cidrNotWidened),
	},
	// [tf-google] storage/resource_storage_bucket.go
	"gcp:storage/bucket:Bucket": {
		replaces("name"),
		replaces("location"),
		replaces("enableObjectRetention"),
		replaces("customPlacementConfig.dataLocations"),
	},
	// [tf-google] dns/resource_dns_managed_zone.go
	"gcp:dns/managedZone:ManagedZone": {
		replaces("name"),
		replaces("dnsName"),
		replaces("visibility"),
	},
	// [tf-google] dns/resource_dns_record_set.go
	"gcp:dns/recordSet:RecordSet": {
		replaces("managedZone"),
		replaces("name"),
	},
	// [tf-google] resourcemanager/resource_google_service_account.go
	"gcp:serviceaccount/account:Account": {
		replaces("accountId"),
	},
}

// gkeNodeConfigRules are the ForceNew fields of the node configuration block
// GKE clusters and node pools share ([tf-google] container/node_config.go).
// machineType, diskSizeGb and diskType are not among them: since v5 the
// provider updates them in place, and GKE recreates the nodes one surge at a
// time.
var gkeNodeConfigRules = []replaceRule{
	replaces("nodeConfig.advancedMachineFeatures"),
	replaces("nodeConfig.bootDiskKmsKey"),
	replaces("nodeConfig.confidentialNodes"),
	replaces("nodeConfig.enableConfidentialStorage"),
	replaces("nodeConfig.ephemeralStorageLocalSsdConfig"),
	replaces("nodeConfig.guestAccelerators"),
	replaces("nodeConfig.gvnic"),
	replaces("nodeConfig.hostMaintenancePolicy"),
	replaces("nodeConfig.localNvmeSsdBlockConfig"),
	replaces("nodeConfig.localSsdCount"),
	replaces("nodeConfig.metadata"),
	replaces("nodeConfig.minCpuPlatform"),
	replaces("nodeConfig.nodeGroup"),
	replaces("nodeConfig.oauthScopes"),
	replaces("nodeConfig.preemptible"),
	replaces("nodeConfig.reservationAffinity"),
	replaces("nodeConfig.secondaryBootDisks"),
	replaces("nodeConfig.serviceAccount"),
	replaces("nodeConfig.shieldedInstanceConfig"),
	replaces("nodeConfig.soleTenantConfig"),
	replaces("nodeConfig.spot"),
}

// replacementFor returns the rule that makes a change at path of a resource
// of type typ unappliable in place, if any.
func replacementFor(typ string, path []step, old, new any) (replaceRule, bool) {
	for _, r := range slices.Concat(packageRules[packageOf(typ)], typeRules[baseType(typ)]) {
		if !overlaps(path, r.path) {
			continue
		}
		if r.when != nil && !r.when(old, new) {
			continue
		}
		return r, true
	}
	return replaceRule{}, false
}

// packageOf returns the package of a type token: "azure-native" for
// "azure-native:network:Subnet".
func packageOf(typ string) string {
	pkg, _, _ := strings.Cut(typ, ":")
	return pkg
}

// baseType drops the API version from an azure-native type token, so
// "azure-native:network/v20240501:Subnet" reads "azure-native:network:Subnet".
// The provider ignores API versions when it decides replacements ([an-force]).
// Other tokens are returned unchanged.
func baseType(typ string) string {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "azure-native" {
		return typ
	}
	module, version, ok := strings.Cut(parts[1], "/")
	if !ok || !strings.HasPrefix(version, "v") {
		return typ
	}
	return parts[0] + ":" + module + ":" + parts[2]
}

// The conditions below get the old and new values at the changed path. A
// value they cannot read (absent, [unknown], another type) counts as
// unappliable: the reviewer should look rather than miss it.

// cidrNotWidened is true unless the new range contains the whole old one.
func cidrNotWidened(old, new any) bool {
	o, okOld := prefixOf(old)
	n, okNew := prefixOf(new)
	if !okOld || !okNew {
		return true
	}
	return n.Bits() > o.Bits() || !n.Contains(o.Addr())
}

func prefixOf(v any) (netip.Prefix, bool) {
	s, ok := v.(string)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	return p.Masked(), true
}

// turnedOff is true when a setting goes from true to anything else.
func turnedOff(old, new any) bool {
	return old == true && new != true
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

// storageSkuNotConvertible is true when a storage SKU such as "Standard_GRS"
// changes tier (Standard/Premium) or moves between zonal (ZRS, GZRS, RAGZRS)
// and non-zonal (LRS, GRS, RAGRS) redundancy.
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

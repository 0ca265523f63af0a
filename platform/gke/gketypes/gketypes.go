package gketypes

import (
	"net/netip"

	"github.com/plinth-dev/plinth/internal/kubetypes"
	rt "github.com/plinth-dev/plinth/platform/resourcetype"
)

// tfGoogle is the source of every replace rule here: terraform-provider-google
// v5.42.0 (which pulumi-gcp v7.38 bridges), the ForceNew fields (and
// CustomizeDiff ForceNewIfChange) of the file named with the rule, under
// google/services/; pulumi-gcp renames snake_case to camelCase and
// pluralizes lists (guest_accelerator -> guestAccelerators). Re-check the
// rules when the pin moves.
const tfGoogle = "[tf-google] terraform-provider-google v5.42.0 "

// Sources by file.
const (
	tfCluster    = tfGoogle + "container/resource_container_cluster.go"
	tfNodePool   = tfGoogle + "container/resource_container_node_pool.go"
	tfNodeConfig = tfGoogle + "container/node_config.go"
	tfNetwork    = tfGoogle + "compute/resource_compute_network.go"
	tfSubnetwork = tfGoogle + "compute/resource_compute_subnetwork.go"
	tfBucket     = tfGoogle + "storage/resource_storage_bucket.go"
	tfAccount    = tfGoogle + "resourcemanager/resource_google_service_account.go"
	// The Secret Manager secret's and version's ForceNew fields besides
	// project.
	tfSecret        = tfGoogle + "secretmanager/resource_secret_manager_secret.go"
	tfSecretVersion = tfGoogle + "secretmanager/resource_secret_manager_secret_version.go"
	// The log bucket's, sink's and exclusion's ForceNew fields besides
	// project.
	tfBucketConfig = tfGoogle + "logging/resource_logging_project_bucket_config.go"
	tfSink         = tfGoogle + "logging/resource_logging_sink.go"
	tfExclusion    = tfGoogle + "logging/resource_logging_exclusion.go"
)

// Registry holds every type the GKE backend registers.
var Registry = rt.NewRegistry(rt.WithPackageRules("kubernetes", kubetypes.PackageRules, rt.WithPackageRules("gcp", []rt.Replace{
	// Every google resource Plinth creates has project ForceNew.
	rt.Replaced("project", tfGoogle+"(project is ForceNew on every resource)"),
}, types...)...)...)

// types are the backend's types, the provider first, then sorted by
// token. Stateful types hold data or everything inside them.
var types = []rt.Type{
	{Token: "pulumi:providers:gcp"},

	{
		// A repository holds the environment's images: deleting it
		// deletes them, and a rollback needs them.
		Token: "gcp:artifactregistry/repository:Repository", Stateful: true, Tags: "labels",
		MockID: rt.ID("artifactRegistryRepository"),
		Replaces: replacedBy(tfGoogle+"artifactregistry/resource_artifact_registry_repository.go",
			"repositoryId", "location", "format", "mode", "kmsKeyName"),
	},
	{Token: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember", MockID: rt.ID("iamMember", "repository", "")},
	{
		// The project's one Binary Authorization policy: deleting it
		// resets the project to Google's default policy, which admits
		// every image (NewWorkloadPolicy retains it). It holds no data.
		Token:  "gcp:binaryauthorization/policy:Policy",
		MockID: rt.ID("binaryAuthorizationPolicy"),
	},
	{
		// A directory group holds its members, who are not in the stack:
		// recreating one empties it and drops every assignment to it. Its
		// labels say what kind of group it is
		// ("cloudidentity.googleapis.com/groups.discussion_forum",
		// "...security"); the API rejects any other key, so it takes no
		// tags.
		Token: "gcp:cloudidentity/group:Group", Stateful: true,
		MockID: rt.ID("cloudIdentityGroup"),
	},
	{Token: "gcp:cloudidentity/groupMembership:GroupMembership", MockID: rt.ID("cloudIdentityMembership")},
	{Token: "gcp:cloudscheduler/job:Job", MockID: rt.ID("gcpLocated", "jobs", "ENABLED")},
	{Token: "gcp:compute/address:Address", Tags: "labels", MockID: rt.ID("gcpAddress")},
	{Token: "gcp:compute/firewall:Firewall", MockID: rt.ID("gcpGlobal", "firewalls")},
	{
		// The edge's public address: the public names and whoever allows
		// the edge point at its IP, which a new address would change
		// (NewEdge retains it when Locked). Only its labels change in
		// place.
		Token: "gcp:compute/globalAddress:GlobalAddress", Stateful: true, Tags: "labels",
		MockID: rt.ID("gcpGlobalAddress"),
		Replaces: replacedBy(tfGoogle+"compute/resource_compute_global_address.go",
			"name", "address", "addressType", "description", "ipVersion", "network", "prefixLength", "purpose"),
	},
	{
		Token: "gcp:compute/network:Network", Stateful: true,
		MockID: rt.ID("gcpGlobal", "networks"),
		Replaces: []rt.Replace{
			rt.Replaced("name", tfNetwork),
			rt.Replaced("autoCreateSubnetworks", tfNetwork),
			rt.Replaced("description", tfNetwork),
			rt.Replaced("enableUlaInternalIpv6", tfNetwork),
			rt.Replaced("internalIpv6Range", tfNetwork),
			rt.Replaced("mtu", tfNetwork),
		},
	},
	{Token: "gcp:compute/router:Router", MockID: rt.ID("gcpRegional", "routers")},
	{Token: "gcp:compute/routerNat:RouterNat", MockID: rt.ID("routerNat")},
	{
		// The edge's Cloud Armor policy; its rules change in place. It
		// takes no labels in pulumi-gcp v7.38.
		Token:    "gcp:compute/securityPolicy:SecurityPolicy",
		MockID:   rt.ID("gcpGlobal", "securityPolicies"),
		Replaces: replacedBy(tfGoogle+"compute/resource_compute_security_policy.go", "name", "type"),
	},
	{
		Token: "gcp:compute/subnetwork:Subnetwork", Stateful: true,
		MockID: rt.ID("gcpRegional", "subnetworks"),
		Replaces: []rt.Replace{
			rt.Replaced("name", tfSubnetwork),
			rt.Replaced("network", tfSubnetwork),
			rt.Replaced("region", tfSubnetwork),
			rt.Replaced("description", tfSubnetwork),
			rt.Replaced("purpose", tfSubnetwork),
			rt.Replaced("externalIpv6Prefix", tfSubnetwork),
			// ForceNewIfChange(IsShrinkageIpCidr): widening is an update.
			rt.Replaced("ipCidrRange", tfSubnetwork+" ForceNewIfChange(IsShrinkageIpCidr)").If(cidrNotWidened),
		},
	},
	{
		Token: "gcp:container/cluster:Cluster", Stateful: true, Tags: "resourceLabels",
		MockID: rt.ID("gkeCluster"),
		Replaces: append(replacedBy(tfCluster,
			"name",
			"location",
			"description",
			"network",
			"subnetwork",
			"networkingMode",
			"datapathProvider",
			"defaultMaxPodsPerNode",
			"clusterIpv4Cidr",
			"enableAutopilot",
			"enableKubernetesAlpha",
			"enableMultiNetworking",
			"enableTpu",
			"initialNodeCount",
			"nodePools",
			"confidentialNodes",
			"masterAuth.clientCertificateConfig",
			"clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey",
			"ipAllocationPolicy.clusterIpv4CidrBlock",
			"ipAllocationPolicy.clusterSecondaryRangeName",
			"ipAllocationPolicy.podCidrOverprovisionConfig",
			"ipAllocationPolicy.servicesIpv4CidrBlock",
			"ipAllocationPolicy.servicesSecondaryRangeName",
			"ipAllocationPolicy.stackType",
			// enablePrivateEndpoint is updatable in v5.42; these are not.
			"privateClusterConfig.enablePrivateNodes",
			"privateClusterConfig.masterIpv4CidrBlock",
			"privateClusterConfig.privateEndpointSubnetwork",
		), nodeConfigRules...),
	},
	{
		// Its labels go on the nodes' VMs: nodeConfig.resourceLabels (the
		// NodeConfig's labels are Kubernetes node labels, not GCP labels).
		Token: "gcp:container/nodePool:NodePool", Stateful: true, Tags: "nodeConfig.resourceLabels",
		MockID: rt.ID("gkeNodePool"),
		Replaces: append(replacedBy(tfNodePool,
			"name",
			"namePrefix",
			"cluster",
			"location",
			"initialNodeCount",
			"maxPodsPerNode",
			"placementPolicy",
			"queuedProvisioning",
			"networkConfig.additionalNodeNetworkConfigs",
			"networkConfig.additionalPodNetworkConfigs",
			"networkConfig.createPodRange",
			"networkConfig.podCidrOverprovisionConfig",
			"networkConfig.podIpv4CidrBlock",
			"networkConfig.podRange",
		), nodeConfigRules...),
	},
	{Token: "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember", MockID: rt.ID("dnsZoneIamMember")},
	{
		// An environment's public or private zone: it holds every record
		// in it, and the parent zone delegates to its name servers.
		Token: "gcp:dns/managedZone:ManagedZone", Stateful: true, Tags: "labels",
		MockID: rt.ID("cloudDNSManagedZone"),
		Replaces: replacedBy(tfGoogle+"dns/resource_dns_managed_zone.go",
			"name", "dnsName", "visibility", "reverseLookup", "serviceDirectoryConfig"),
	},
	{
		Token:    "gcp:dns/recordSet:RecordSet",
		MockID:   rt.ID("cloudDNSRecordSet"),
		Replaces: replacedBy(tfGoogle+"dns/resource_dns_record_set.go", "managedZone", "name", "type"),
	},
	{
		// A plan holds its backups: deleting it deletes them.
		Token: "gcp:gkebackup/backupPlan:BackupPlan", Stateful: true, Tags: "labels",
		MockID: rt.ID("gkeBackupPlan"),
	},
	{
		// The key that encrypts a cluster's Secrets (application-layer
		// secrets encryption): destroying it destroys its versions, and
		// every Secret encrypted with them is lost. Cloud KMS never
		// deletes a key itself.
		Token: "gcp:kms/cryptoKey:CryptoKey", Stateful: true, Tags: "labels",
		MockID: rt.ID("kmsCryptoKey"),
		Replaces: replacedBy(tfGoogle+"kms/resource_kms_crypto_key.go",
			"name", "keyRing", "purpose", "skipInitialVersionCreation", "importOnly", "cryptoKeyBackend",
			"versionTemplate.protectionLevel"),
	},
	{Token: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", MockID: rt.ID("iamMember", "cryptoKeyId", "")},
	{
		// A key ring holds the cluster's key; Cloud KMS cannot delete key
		// rings, and its name is taken for good.
		Token: "gcp:kms/keyRing:KeyRing", Stateful: true,
		MockID:   rt.ID("kmsKeyRing"),
		Replaces: replacedBy(tfGoogle+"kms/resource_kms_key_ring.go", "name", "location"),
	},
	{
		// A log bucket holds the cluster's logs for their retention:
		// deleting one deletes them (after 7 days in which it can be
		// undeleted), and its ID cannot be reused meanwhile.
		Token: "gcp:logging/projectBucketConfig:ProjectBucketConfig", Stateful: true,
		MockID:   rt.ID("logBucket"),
		Replaces: replacedBy(tfBucketConfig, "bucketId", "location"),
	},
	{
		Token:    "gcp:logging/projectExclusion:ProjectExclusion",
		MockID:   rt.ID("gcpProjectChild", "exclusions"),
		Replaces: replacedBy(tfExclusion, "name"),
	},
	{
		Token:    "gcp:logging/projectSink:ProjectSink",
		MockID:   rt.ID("logSink"),
		Replaces: replacedBy(tfSink, "name"),
	},
	// Alert policies and notification channels take labels as userLabels:
	// a channel's labels are its configuration (email_address, url).
	{Token: "gcp:monitoring/alertPolicy:AlertPolicy", Tags: "userLabels", MockID: rt.ID("gcpNumbered", "alertPolicies")},
	{Token: "gcp:monitoring/notificationChannel:NotificationChannel", Tags: "userLabels", MockID: rt.ID("gcpNumbered", "notificationChannels")},
	{Token: "gcp:privilegedaccessmanager/entitlement:entitlement", MockID: rt.ID("pamEntitlement")},
	{Token: "gcp:projects/iAMCustomRole:IAMCustomRole", MockID: rt.ID("projectCustomRole")},
	{Token: "gcp:projects/iAMMember:IAMMember", MockID: rt.ID("iamMember", "project", "")},
	{
		// An API enabled on the project (the Container Scanning API),
		// left on when it leaves the stack.
		Token:    "gcp:projects/service:Service",
		MockID:   rt.ID("projectService"),
		Replaces: replacedBy(tfGoogle+"resourcemanager/resource_google_project_service.go", "service"),
	},
	{
		// The environment's JIT Groups policy: derived from the stack, so
		// not stateful.
		Token: "gcp:secretmanager/secret:Secret", Tags: "labels",
		MockID:   rt.ID("secretManagerSecret"),
		Replaces: replacedBy(tfSecret, "secretId", "replication"),
	},
	{Token: "gcp:secretmanager/secretIamMember:SecretIamMember", MockID: rt.ID("iamMember", "secretId", "")},
	{
		// A new policy is a new version: the old one stays, disabled
		// when deleted from the stack.
		Token:    "gcp:secretmanager/secretVersion:SecretVersion",
		MockID:   rt.ID("secretManagerVersion"),
		Replaces: replacedBy(tfSecretVersion, "secret", "secretData"),
	},
	{
		Token:    "gcp:serviceaccount/account:Account",
		MockID:   rt.ID("serviceAccount"),
		Replaces: []rt.Replace{rt.Replaced("accountId", tfAccount)},
	},
	{Token: "gcp:serviceaccount/iAMMember:IAMMember", MockID: rt.ID("iamMember", "serviceAccountId", "")},
	{
		Token: "gcp:storage/bucket:Bucket", Stateful: true, Tags: "labels",
		MockID: rt.ID("storageBucket"),
		Replaces: replacedBy(tfBucket,
			"name",
			"location",
			"enableObjectRetention",
			"customPlacementConfig.dataLocations",
		),
	},
	{Token: "gcp:storage/bucketIAMMember:BucketIAMMember", MockID: rt.ID("iamMember", "bucket", "b/")},
	{Token: "gcp:workflows/workflow:Workflow", Tags: "labels", MockID: rt.ID("gcpLocated", "workflows", "ACTIVE")},

	// The edge's objects in the cluster (NewEdge), custom resources of
	// the Gateway API and of GKE's Gateway controller; the edge's
	// certificate is cert-manager's, in internal/kubetypes. Kubernetes
	// objects take no tags.
	{Token: "kubernetes:gateway.networking.k8s.io/v1:Gateway", MockID: rt.ID("namespaced")},
	{Token: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", MockID: rt.ID("namespaced")},
	{Token: "kubernetes:networking.gke.io/v1:GCPBackendPolicy", MockID: rt.ID("namespaced")},
	{Token: "kubernetes:networking.gke.io/v1:HealthCheckPolicy", MockID: rt.ID("namespaced")},
}

// nodeConfigRules are the ForceNew fields of the node configuration block
// GKE clusters and node pools share. machineType, diskSizeGb and diskType
// are not among them: since v5 the provider updates them in place, and GKE
// recreates the nodes one surge at a time.
var nodeConfigRules = replacedBy(tfNodeConfig,
	"nodeConfig.advancedMachineFeatures",
	"nodeConfig.bootDiskKmsKey",
	"nodeConfig.confidentialNodes",
	"nodeConfig.enableConfidentialStorage",
	"nodeConfig.ephemeralStorageLocalSsdConfig",
	"nodeConfig.guestAccelerators",
	"nodeConfig.gvnic",
	"nodeConfig.hostMaintenancePolicy",
	"nodeConfig.localNvmeSsdBlockConfig",
	"nodeConfig.localSsdCount",
	"nodeConfig.metadata",
	"nodeConfig.minCpuPlatform",
	"nodeConfig.nodeGroup",
	"nodeConfig.oauthScopes",
	"nodeConfig.preemptible",
	"nodeConfig.reservationAffinity",
	"nodeConfig.secondaryBootDisks",
	"nodeConfig.serviceAccount",
	"nodeConfig.shieldedInstanceConfig",
	"nodeConfig.soleTenantConfig",
	"nodeConfig.spot",
)

// replacedBy returns one Replaced rule per path, all from source.
func replacedBy(source string, paths ...string) []rt.Replace {
	out := make([]rt.Replace, len(paths))
	for i, p := range paths {
		out[i] = rt.Replaced(p, source)
	}
	return out
}

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

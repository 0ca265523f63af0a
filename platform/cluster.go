package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// UpgradeChannel says how the control plane and nodes follow Kubernetes
// releases. Backends map it to AKS auto-upgrade channels and GKE release
// channels.
type UpgradeChannel string

// The upgrade channels.
const (
	// ChannelRapid takes new minors first (AKS rapid, GKE RAPID).
	ChannelRapid UpgradeChannel = "rapid"
	// ChannelRegular follows new minors after they have matured (AKS
	// stable, the latest patch of the previous minor; GKE REGULAR).
	ChannelRegular UpgradeChannel = "regular"
	// ChannelStable changes minors least often: AKS patch (patches of the
	// pinned minor only; minor upgrades are deliberate), GKE STABLE.
	ChannelStable UpgradeChannel = "stable"
	// ChannelNone turns automatic minor upgrades off; patches still come
	// through maintenance windows where the cloud forces them.
	ChannelNone UpgradeChannel = "none"
)

// UpgradeChannels lists the valid channels.
var UpgradeChannels = []UpgradeChannel{ChannelRapid, ChannelRegular, ChannelStable, ChannelNone}

// Tier is the control plane's availability tier.
type Tier string

// The tiers.
const (
	// TierStandard has a financially backed uptime SLA (AKS Standard; GKE
	// regional control plane).
	TierStandard Tier = "standard"
	// TierFree has no SLA (AKS Free; GKE zonal control plane).
	TierFree Tier = "free"
)

// TaintEffect is a Kubernetes taint effect.
type TaintEffect string

// The taint effects.
const (
	NoSchedule       TaintEffect = "NoSchedule"
	PreferNoSchedule TaintEffect = "PreferNoSchedule"
	NoExecute        TaintEffect = "NoExecute"
)

// Taint is a Kubernetes node taint.
type Taint struct {
	Key, Value string
	Effect     TaintEffect
}

// String renders the taint as "key=value:Effect", as AKS and kubectl write it.
func (t Taint) String() string { return t.Key + "=" + t.Value + ":" + string(t.Effect) }

// NodePoolSpec is one node pool. Every field is set.
type NodePoolSpec struct {
	// Name is the pool's cloud name: 1-12 lowercase letters and digits.
	// It never changes for the life of the pool: renaming replaces it.
	Name string
	// System marks the pool that runs cluster add-ons (tainted
	// CriticalAddonsOnly=true:NoSchedule).
	System bool
	// MachineType is the cloud's VM size (e.g. "Standard_D4ds_v5",
	// "e2-standard-4").
	MachineType string
	// MinCount and MaxCount bound the autoscaler, counted over all zones
	// on both clouds.
	MinCount, MaxCount int
	// Zones the pool spreads over: "1".."3" on Azure, "a".."f" suffixes on
	// GCP (backends qualify them with the region).
	Zones []string
	// Labels and Taints go on every node.
	Labels map[string]string
	Taints []Taint
	// Spot runs the pool on preemptible capacity.
	Spot bool
	// DiskSizeGB is the OS disk size.
	DiskSizeGB int
	// MaxSurge is how many extra nodes an upgrade adds, e.g. "33%".
	MaxSurge string
}

// MaintenanceWindow is a weekly window for upgrades, in UTC.
type MaintenanceWindow struct {
	// Day is the weekday, "Monday".."Sunday".
	Day string
	// StartHour is 0..23 UTC.
	StartHour int
	// DurationHours is 4..24.
	DurationHours int
}

// ClusterSpec is the resolved, validated description of a cluster that
// components/cluster hands to a ClusterBackend. Every field is set.
type ClusterSpec struct {
	// Name is the component's logical name.
	Name string
	// KubernetesVersion is the minor version, e.g. "1.33".
	KubernetesVersion string
	// Network is the network the cluster lives in.
	Network ClusterNetwork
	// Pools holds the system pool first, then the user pools. Each is a
	// separate cloud resource where the cloud allows it.
	Pools []NodePoolSpec
	// PrivateAPI makes the API server reachable only from the network.
	PrivateAPI bool
	// AuthorizedCIDRs may reach a public API server; empty when PrivateAPI.
	AuthorizedCIDRs []string
	// Channel and Window govern upgrades.
	Channel UpgradeChannel
	Window  MaintenanceWindow
	// Tier is the control plane's availability tier.
	Tier Tier
	// Monitoring turns on the cloud's managed metrics and logs;
	// LogRetentionDays applies where the backend owns the log store.
	Monitoring       bool
	LogRetentionDays int
	// DeletionProtection makes the cloud refuse to delete the cluster.
	DeletionProtection bool
	// SecretsEncryption encrypts Kubernetes Secrets in etcd with a key of
	// the cloud's key management service (envelope encryption: the API
	// server's data keys are wrapped by it); nil leaves them under the
	// cloud's own at-rest encryption only. AKS: KMS etcd encryption with a
	// key in a Key Vault of the cluster's; GKE: application-layer secrets
	// encryption with a Cloud KMS key. With Retain the key and what holds
	// it are protected and retained on delete.
	SecretsEncryption *SecretsEncryptionSpec
	// Retain keeps the stateful children in the cloud when they leave the
	// stack or the stack is destroyed (pulumi.RetainOnDelete): the cluster,
	// its node pools and, on AKS, its log workspace. Production clusters
	// are retained.
	Retain bool
	// AdminGroups are directory groups: on AKS Entra group object IDs that
	// get cluster admin through Azure RBAC; on GKE the one Google Groups for
	// RBAC security group (gke-security-groups@<domain>), whose member
	// groups RoleBindings can then name (the binding itself is not created
	// by the backend).
	AdminGroups []string
	// AKS holds the settings that exist on AKS only; set when the backend
	// is AKS, zero otherwise.
	AKS AKSClusterSpec
	// GKE holds the settings that exist on GKE only; set when the backend
	// is GKE, zero otherwise.
	GKE GKEClusterSpec
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// SecretsEncryptionSpec is how a cluster's Secrets are encrypted at rest
// with a cloud key.
type SecretsEncryptionSpec struct {
	// KeyRotationDays is how often the cloud makes a new version of the
	// key: Key Vault's rotation policy (timeAfterCreate), Cloud KMS's
	// rotationPeriod. 7..730.
	KeyRotationDays int
}

// AKSClusterSpec holds AKS-only cluster settings.
type AKSClusterSpec struct {
	// ImageCleanerIntervalHours is how often Image Cleaner removes unused,
	// vulnerable images from nodes.
	ImageCleanerIntervalHours int
	// SecretRotationInterval is how often the Key Vault secrets provider
	// re-reads mounted secrets, e.g. "2m".
	SecretRotationInterval string
	// AzurePolicy turns the Azure Policy add-on on.
	AzurePolicy bool
	// Defender turns Microsoft Defender for Containers on in the cluster's
	// security profile: its sensor reports runtime threats and the
	// images' vulnerabilities to the cluster's Log Analytics workspace, so
	// the cluster must be monitored. The subscription's Defender for
	// Containers plan is the subscription owner's to switch on.
	Defender bool
}

// GKEClusterSpec holds GKE-only cluster settings.
type GKEClusterSpec struct {
	// BinaryAuthorization enforces the project's Binary Authorization
	// policy on every image.
	BinaryAuthorization bool
	// SecurityPosture is the security posture dashboard's tier: "BASIC" or
	// "ENTERPRISE".
	SecurityPosture string
	// BackupAgent turns on the Backup for GKE agent add-on, which
	// ManagedBackupBackend needs.
	BackupAgent bool
}

// ClusterNetwork is the network a cluster is placed in: its resolved spec
// (ranges and subnets by role) and the outputs of its cloud resources.
type ClusterNetwork struct {
	Spec    NetworkSpec
	Outputs NetworkOutputs
}

// ClusterOutputs is what a ClusterBackend returns.
type ClusterOutputs struct {
	// Name and ID identify the cluster in its cloud.
	Name, ID pulumi.StringOutput
	// Endpoint is the API server URL.
	Endpoint pulumi.StringOutput
	// OIDCIssuerURL is the service-account token issuer workload identity
	// federates with.
	OIDCIssuerURL pulumi.StringOutput
	// Kubeconfig is exec-based (kubelogin on AKS, gke-gcloud-auth-plugin on
	// GKE), holds no static credential, and is always a secret.
	Kubeconfig pulumi.StringOutput
	// ControlPlanePrincipalID is the identity the control plane acts as
	// (AKS user-assigned identity principal ID; the GKE service agent is
	// Google-managed and this is empty).
	ControlPlanePrincipalID pulumi.StringOutput
	// NodeIdentity is what nodes act as: the kubelet identity's principal
	// ID on AKS, the node service account email on GKE. Workloads never
	// use it.
	NodeIdentity pulumi.StringOutput
	// WorkloadIdentityPool is what workload identity binds to: the OIDC
	// issuer URL on AKS, "<project>.svc.id.goog" on GKE.
	WorkloadIdentityPool pulumi.StringOutput
	// DiskScope is where the cloud keeps the nodes' disks and persistent
	// volumes, the scope of GrantDiskSnapshotOperator: the ARM ID of the
	// AKS node resource group; the project ID on GKE.
	DiskScope pulumi.StringOutput
}

// ClusterBackend creates a Kubernetes cluster.
//
// NewCluster must follow the same rules as every capability
// (docs/contract.md): children parented by opts, named ChildName(spec.Name,
// role), the backend's explicit provider, tags on everything that takes
// them, and the kubeconfig marked secret.
type ClusterBackend interface {
	Backend
	NewCluster(ctx *pulumi.Context, spec ClusterSpec, opts ...pulumi.ResourceOption) (*ClusterOutputs, error)
}

package platform

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VolumeBackup says how a backup captures persistent volumes.
type VolumeBackup string

// The volume backup modes.
const (
	// VolumeSnapshots takes cloud disk snapshots (Velero volume snapshot
	// locations; Backup for GKE volume data).
	VolumeSnapshots VolumeBackup = "snapshots"
	// VolumeFileSystem copies volume contents file by file into the backup
	// storage (Velero's node agent); for volumes snapshots cannot take.
	VolumeFileSystem VolumeBackup = "filesystem"
	// VolumeNone backs up Kubernetes objects only.
	VolumeNone VolumeBackup = "none"
)

// VolumeBackups lists the valid volume backup modes.
var VolumeBackups = []VolumeBackup{VolumeSnapshots, VolumeFileSystem, VolumeNone}

// BackupSchedule is one recurring backup. Every field is set.
type BackupSchedule struct {
	// Name identifies the schedule: 1-63 lowercase letters, digits and '-'.
	Name string
	// Cron is a five-field cron expression in UTC, e.g. "0 1 * * *".
	Cron string
	// TTL is how long each backup is kept.
	TTL time.Duration
	// IncludedNamespaces limits the backup to these namespaces; empty means
	// all. ExcludedNamespaces are left out.
	IncludedNamespaces, ExcludedNamespaces []string
	// Volumes says how persistent volumes are captured.
	Volumes VolumeBackup
}

// BackupStorageSpec describes where a cluster's backups are kept.
type BackupStorageSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster whose backups the storage holds.
	Cluster *ClusterOutputs
	// Network is the cluster's network, its spec and outputs (what
	// cluster.Host's ClusterSpec().Network holds). A backend whose storage
	// is reached only through a private endpoint
	// (CloudFacts.BackupStorageSubnet) places the endpoint in the subnet of
	// that role and makes the storage's name resolve to it inside the
	// network (Azure: a private DNS zone linked to Network.Outputs.ID);
	// backends whose storage has no private endpoint ignore it.
	Network ClusterNetwork
	// GeoRedundant replicates the storage to a second region (Azure GRS, a
	// GCS multi-region of the region's continent); otherwise it is
	// zone-redundant (Azure ZRS, a regional bucket).
	GeoRedundant bool
	// SoftDeleteDays is how long deleted backups stay recoverable, 7..90.
	SoftDeleteDays int
	// Locked protects the storage against deletion: pulumi.Protect and
	// pulumi.RetainOnDelete on the account, container and bucket (and
	// where the backend keeps snapshots, and the private endpoint and DNS
	// records the storage is reached through) and, on Azure, a
	// CanNotDelete management lock.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// VeleroLocations are the configs of Velero's BackupStorageLocation and
// VolumeSnapshotLocation for one cloud plugin.
type VeleroLocations struct {
	// Backup is the BackupStorageLocation's config map.
	Backup pulumi.StringMap
	// Snapshot is the VolumeSnapshotLocation's config map.
	Snapshot pulumi.StringMap
}

// BackupStorageOutputs is what a BackupStorageBackend returns.
type BackupStorageOutputs struct {
	// VeleroProvider names the Velero object-store and snapshot plugin the
	// storage is for: the cloud's CloudFacts.Velero.Provider ("azure",
	// "gcp"). The Backup component refuses storage whose provider differs
	// from the one it was resolved for; empty (the fake backend) names
	// none.
	VeleroProvider string
	// Bucket is the blob container (Azure) or bucket (GCP) backups go to.
	Bucket pulumi.StringOutput
	// Grants are the rights the backup workload needs, each at exactly its
	// scope: object storage on the container or bucket, disk snapshots
	// where the cluster's disks are.
	Grants []Grant
	// Locations returns the Velero location configs for a Velero server
	// that runs as identity.
	Locations func(identity *WorkloadIdentity) VeleroLocations
}

// BackupStorageBackend creates backup storage for a cluster: a storage
// account and private container on Azure, a bucket on GCP, with
// versioning, soft delete, no public access and no shared keys where the
// Velero plugin allows it. Where the cloud's storage takes a private
// endpoint (CloudFacts.BackupStorageSubnet), the storage is reachable only
// through one in the cluster's network: its public endpoint refuses every
// request.
type BackupStorageBackend interface {
	Backend
	NewBackupStorage(ctx *pulumi.Context, spec BackupStorageSpec, opts ...pulumi.ResourceOption) (*BackupStorageOutputs, error)
}

// ManagedBackupSpec describes the cloud's own cluster backup service (Backup
// for GKE) for one cluster.
type ManagedBackupSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster to back up. Its backup agent must be on.
	Cluster *ClusterOutputs
	// Schedules are the recurring backups; each becomes one backup plan.
	Schedules []BackupSchedule
	// Locked keeps backups from being deleted before their TTL, and the
	// plans, which hold them, from being deleted: pulumi.Protect and
	// pulumi.RetainOnDelete.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// ManagedBackupBackend creates the cloud's managed cluster backup. Only the
// GKE backend has one (Backup for GKE); AKS Backup needs the azure-native
// dataprotection SDK, which Plinth cannot yet use.
type ManagedBackupBackend interface {
	Backend
	NewManagedBackup(ctx *pulumi.Context, spec ManagedBackupSpec, opts ...pulumi.ResourceOption) error
}

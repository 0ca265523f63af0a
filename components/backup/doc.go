// Package backup is Plinth's Backup component: Velero with the cloud's
// pinned plugin on workload identity (no static keys), backup storage from
// the backend, and typed schedules; on GKE, optionally Backup for GKE beside
// or instead of Velero.
//
// Args.Resolve checks everything against the target's cloud facts (the
// Velero plugin, Backup for GKE) and registers nothing. New then asks the
// backend for the storage (an Azure storage account and
// private container, or a GCS bucket, with versioning and soft delete;
// production storage is locked), gives Velero's service account
// (velero/velero-server) a workload identity with exactly the rights the
// storage asks for (object storage on the container or bucket, disk
// snapshots where the cluster's disks are), and installs the Velero chart
// into the cluster with one BackupStorageLocation, one
// VolumeSnapshotLocation and one Velero Schedule per schedule.
//
// Velero's server runs exactly one replica: it has no leader election, and
// two servers would run every schedule twice and race over backups. It is
// the one Plinth workload that does not get the two-replica default.
//
// docs/components/backup.md describes the arguments, what each backend
// creates and the restore runbook.
package backup

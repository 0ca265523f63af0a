package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/gkebackup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewManagedBackup creates Backup for GKE backup plans for spec.Cluster, one
// per schedule, named "<name>-<schedule>" in the backend's region:
//
//   - backupSchedule.cronSchedule is the schedule's Cron (UTC);
//   - retentionPolicy.backupRetainDays is its TTL in days (a whole number
//     of days, 1..365); when spec.Locked, backupDeleteLockDays is the TTL
//     too, capped at the API's 90 days, so that no backup can be deleted
//     before then; the retention policy is never locked, which would be
//     irreversible;
//   - backupConfig: Kubernetes secrets are included (a restore without them
//     is rarely usable); volume data when Volumes is snapshots (Backup for
//     GKE has no file-system copy, so filesystem is rejected); the
//     schedule's IncludedNamespaces, or all namespaces when it names none.
//     ExcludedNamespaces are rejected: pulumi-gcp v7.38.0's BackupPlan has
//     no field for them;
//   - spec.Tags as labels;
//   - when spec.Locked, pulumi.Protect and pulumi.RetainOnDelete: a plan
//     holds its backups, and deleting it deletes them.
//
// The cluster must run the Backup for GKE agent (GKEClusterSpec.BackupAgent)
// and the project must have the gkebackup.googleapis.com API enabled;
// neither can be read from spec, and plans fail at deploy time without them.
// Backups are encrypted with Google-managed keys.
func (b *Backend) NewManagedBackup(ctx *pulumi.Context, spec platform.ManagedBackupSpec, opts ...pulumi.ResourceOption) error {
	if err := validateManagedBackupSpec(spec, field.NewPath("managedBackup")); err != nil {
		return err
	}
	for _, p := range planManagedBackup(spec) {
		config := &gkebackup.BackupPlanBackupConfigArgs{
			IncludeSecrets:    pulumi.Bool(true),
			IncludeVolumeData: pulumi.Bool(p.VolumeData),
		}
		if p.Namespaces != nil {
			config.SelectedNamespaces = &gkebackup.BackupPlanBackupConfigSelectedNamespacesArgs{Namespaces: pulumi.ToStringArray(p.Namespaces)}
		} else {
			config.AllNamespaces = pulumi.Bool(true)
		}
		// The lock is always set, 0 when unlocked, so that unlocking
		// reaches the plan: the provider keeps a value left out.
		retention := &gkebackup.BackupPlanRetentionPolicyArgs{
			BackupRetainDays:     pulumi.Int(p.RetainDays),
			BackupDeleteLockDays: pulumi.Int(p.LockDays),
		}
		if _, err := gkebackup.NewBackupPlan(ctx, p.Name, &gkebackup.BackupPlanArgs{
			Name:            pulumi.String(p.Name),
			Project:         pulumi.String(b.cfg.Project),
			Location:        pulumi.String(b.cfg.Region),
			Cluster:         spec.Cluster.ID,
			Description:     pulumi.String(p.Description),
			BackupSchedule:  &gkebackup.BackupPlanBackupScheduleArgs{CronSchedule: pulumi.String(p.Cron)},
			RetentionPolicy: retention,
			BackupConfig:    config,
			Labels:          pulumi.ToStringMap(p.Labels),
		}, b.retained(opts, p.Protect, pulumi.Protect(p.Protect))...); err != nil {
			return err
		}
	}
	return nil
}

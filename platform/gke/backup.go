package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewBackupStorage creates the GCS bucket a cluster's Velero backups go to,
// "<project>-<name>-backups" (Pulumi name "<name>-bucket"):
//
//   - in the backend's region, or, when spec.GeoRedundant, in the
//     multi-region of the region's continent (ASIA, EU or US; regions
//     elsewhere are rejected);
//   - uniform bucket-level access (IAM only, no ACLs) and public access
//     prevention enforced, so that no object can ever be public;
//   - object versioning, and soft delete for spec.SoftDeleteDays: an
//     overwritten or deleted object stays as a noncurrent version for
//     SoftDeleteDays (then a lifecycle rule deletes it, so that versions do
//     not pile up as Velero expires backups), and a deleted object or
//     version stays restorable for SoftDeleteDays more;
//   - forceDestroy off: deleting the bucket fails while it holds objects;
//   - spec.Tags as labels;
//   - pulumi.Protect and pulumi.RetainOnDelete when spec.Locked, so that no
//     `pulumi up` or `destroy` deletes it, and a bucket that leaves the
//     stack stays in GCS.
//
// The bucket is reachable only with IAM rights, from anywhere: GCS has no
// private endpoint for one bucket, so spec.Network is not used. Velero
// reaches it from the cluster's private nodes through Private Google
// Access (on for every subnet NewNetwork creates), on Google's network and
// not through the NAT. Restricting the bucket to requests from the VPC as
// well needs a VPC Service Controls perimeter around the project, an
// organization-level policy Plinth does not create
// (docs/components/backup.md).
//
// Locked sets no bucket retention policy on purpose. Locking one is
// irreversible: the policy can never be shortened or removed, no object
// can be deleted before it ages out and so neither can the bucket, whatever
// the backups' TTLs become. An unlocked one protects nothing an admin
// cannot undo, and one longer than a schedule's TTL makes Velero's deletion
// of expired backups fail. Soft delete, versioning and Protect guard
// against loss without either.
//
// The outputs name the bucket, the grants the Velero server's identity
// needs (GrantObjectStorageWriter on exactly this bucket,
// GrantDiskSnapshotOperator on spec.Cluster.DiskScope, the cluster's
// project) and Velero's location configs: the BackupStorageLocation gets
// serviceAccount, the identity's Google service account, which
// velero-plugin-for-gcp signs download URLs as under workload identity;
// the VolumeSnapshotLocation gets project and volumeProject (the disk
// scope) and snapshotLocation (the bucket's region or multi-region, in
// lower case), so that snapshots stay where the backups are.
func (b *Backend) NewBackupStorage(ctx *pulumi.Context, spec platform.BackupStorageSpec, opts ...pulumi.ResourceOption) (*platform.BackupStorageOutputs, error) {
	if err := validateBackupStorageSpec(b.cfg, spec, field.NewPath("backupStorage")); err != nil {
		return nil, err
	}
	plan := planBackupStorage(b.cfg, spec)

	bucket, err := storage.NewBucket(ctx, plan.Name, &storage.BucketArgs{
		Name:                     pulumi.String(plan.BucketName),
		Project:                  pulumi.String(b.cfg.Project),
		Location:                 pulumi.String(plan.Location),
		StorageClass:             pulumi.String("STANDARD"),
		UniformBucketLevelAccess: pulumi.Bool(plan.UniformAccess),
		PublicAccessPrevention:   pulumi.String(plan.PublicAccessPrevention),
		Versioning:               &storage.BucketVersioningArgs{Enabled: pulumi.Bool(true)},
		SoftDeletePolicy:         &storage.BucketSoftDeletePolicyArgs{RetentionDurationSeconds: pulumi.Int(plan.SoftDeleteSeconds)},
		LifecycleRules: storage.BucketLifecycleRuleArray{
			&storage.BucketLifecycleRuleArgs{
				Action: &storage.BucketLifecycleRuleActionArgs{Type: pulumi.String("Delete")},
				Condition: &storage.BucketLifecycleRuleConditionArgs{
					DaysSinceNoncurrentTime: pulumi.Int(plan.NoncurrentDays),
					WithState:               pulumi.String("ARCHIVED"),
				},
			},
		},
		ForceDestroy: pulumi.Bool(false),
		Labels:       pulumi.ToStringMap(plan.Labels),
	}, b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))...)
	if err != nil {
		return nil, err
	}

	diskScope := spec.Cluster.DiskScope
	return &platform.BackupStorageOutputs{
		VeleroProvider: VeleroProvider,
		Bucket:         bucket.Name,
		Grants: []platform.Grant{
			{Role: platform.GrantObjectStorageWriter, Scope: bucket.Name},
			{Role: platform.GrantDiskSnapshotOperator, Scope: diskScope},
		},
		Locations: func(identity *platform.WorkloadIdentity) platform.VeleroLocations {
			return platform.VeleroLocations{
				Backup: pulumi.StringMap{"serviceAccount": identity.ClientID},
				Snapshot: pulumi.StringMap{
					"project":          diskScope,
					"volumeProject":    diskScope,
					"snapshotLocation": pulumi.String(plan.SnapshotLocation),
				},
			}
		},
	}, nil
}

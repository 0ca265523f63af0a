package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewBackupStorage creates Velero's backup storage:
//
//   - in the cluster's resource group, a StorageV2 account,
//     zone-redundant (Standard_ZRS) or geo-redundant (Standard_GRS), HTTPS
//     and TLS 1.2 only, with no public blob access, no shared keys
//     (account keys and SAS) and no cross-tenant replication: only Entra
//     ID principals with a data role reach the blobs;
//   - blob service properties: versioning, blob and container soft delete
//     for spec.SoftDeleteDays, and a lifecycle rule that deletes previous
//     versions spec.SoftDeleteDays days after they were written (they then
//     stay soft-deleted as long), so that the versions of the blobs Velero
//     deletes do not pile up;
//   - one private container, "velero";
//   - when spec.Locked: pulumi.Protect and pulumi.RetainOnDelete on the
//     account, the container, the lock and the snapshot group, and a
//     CanNotDelete management lock on the account, so that neither Pulumi
//     nor anyone in the portal or CLI deletes the backups, and a storage
//     that leaves the stack stays in Azure. Neither this lock nor the network's lock on
//     the cluster's group (NetworkSpec.Locked) stops Velero deleting
//     expired backups: management locks block control-plane deletes only,
//     and Velero deletes blobs through the data plane. Production storage
//     is always Locked, so the lock is lifted only to decommission the
//     storage: `pulumi state unprotect` on the lock, the account, the
//     container and the snapshot group, then remove the storage from the
//     stack;
//   - a resource group of its own for Velero's disk snapshots,
//     "<name>-snapshots-rg", in the backend's location, with the spec's
//     tags and never a management lock.
//
// Snapshots live neither in the node resource group, which AKS deletes
// with the cluster (a restore into a new cluster needs them), nor in the
// cluster's resource group, which a Locked network puts under a
// CanNotDelete lock (NetworkSpec.Locked): Azure applies a group's lock to
// everything created in it later, so Velero could not delete the
// snapshots of expired backups. Their own group therefore never carries a
// management lock; when Locked, pulumi.Protect keeps Pulumi from deleting
// it and the snapshots in it.
//
// Velero's Azure plugin works without shared keys when its
// BackupStorageLocation sets useAAD: it authenticates with the workload
// identity Azure injects into its pod. Its grants are Storage Blob Data
// Contributor on exactly the container and the disk-snapshot custom role on
// exactly the cluster's node resource group (ClusterOutputs.DiskScope,
// where the disks are) and the snapshot group;
// give them to Velero's workload identity with NewWorkloadIdentity, which
// adds the right to get user delegation keys on the account, for the
// signed download URLs of `velero backup logs` and `describe --details`.
//
// The account is reachable only privately. Its public network access is
// disabled and its firewall denies everything with no exception for
// trusted Azure services (see networkDefaultDeny: nothing needs one). A
// private endpoint "<name>-blob-endpoint" for the blob service takes an
// address in the network's private-endpoints subnet
// (spec.Network.Outputs.Subnets), and the private DNS zone
// privatelink.blob.core.windows.net, "<name>-blob-dns" in the cluster's
// resource group, linked to the cluster's VNet ("<name>-blob-dns-link"),
// holds the endpoint's A record through the endpoint's DNS zone group
// ("<name>-blob-dns-group"). Inside the VNet, the account's usual name
// <account>.blob.core.windows.net then resolves to the private address,
// so Velero's location needs no other URL; outside it, every data-plane
// request is refused, from a laptop too (docs/operations/
// restore-from-backup.md says how an operator reads backups). Pulumi is
// not affected: it manages the account, the blob service, the lifecycle
// policy and the container through ARM, to which network rules do not
// apply. Velero's location waits for the zone group and the link, so that
// Velero starts once the name resolves. When spec.Locked, the endpoint,
// the zone, the link and the zone group are protected and retained like
// the account: without them the retained account is unreachable.
//
// One VNet resolves through one zone of a name: a VNet linked to another
// privatelink.blob.core.windows.net zone (an organization's central DNS
// hub) cannot take this link; Plinth does not support central zones yet.
func (b *Backend) NewBackupStorage(ctx *pulumi.Context, spec platform.BackupStorageSpec, opts ...pulumi.ResourceOption) (*platform.BackupStorageOutputs, error) {
	plan, err := planBackupStorage(spec)
	if err != nil {
		return nil, err
	}
	sub := b.cfg.SubscriptionID
	tags := pulumi.ToStringMap(plan.Tags)
	rg := spec.Cluster.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	accountName := rg.ApplyT(func(rg string) (string, error) {
		return backupAccountName(sub, rg, spec.Name)
	}).(pulumi.StringOutput)

	account, err := b.newBackupAccount(ctx, plan, accountName, rg, tags, opts)
	if err != nil {
		return nil, err
	}
	if err := b.newBackupBlobService(ctx, plan, account.Name, rg, opts); err != nil {
		return nil, err
	}
	container, err := b.newBackupContainer(ctx, plan, account, rg, opts)
	if err != nil {
		return nil, err
	}
	reachable, err := b.newBackupEndpoint(ctx, plan, spec.Network.Outputs, account, rg, tags, opts)
	if err != nil {
		return nil, err
	}
	snapshots, err := resources.NewResourceGroup(ctx, plan.SnapshotGroup, &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(plan.SnapshotGroup),
		Location:          pulumi.String(b.cfg.Location),
		Tags:              tags,
	}, b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))...)
	if err != nil {
		return nil, err
	}
	return backupOutputs(sub, rg, account, container, snapshots, spec.Cluster.DiskScope, reachable), nil
}

// newBackupAccount registers the storage account, named accountName in the
// cluster's resource group rg, with the plan's access settings.
func (b *Backend) newBackupAccount(ctx *pulumi.Context, plan backupPlan, accountName, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*storage.StorageAccount, error) {
	return storage.NewStorageAccount(ctx, plan.Account, &storage.StorageAccountArgs{
		AccountName:            accountName,
		ResourceGroupName:      rg,
		Location:               pulumi.String(b.cfg.Location),
		Kind:                   pulumi.String(string(storage.KindStorageV2)),
		Sku:                    &storage.SkuArgs{Name: pulumi.String(plan.SKU)},
		MinimumTlsVersion:      pulumi.String(plan.MinimumTLS),
		EnableHttpsTrafficOnly: pulumi.Bool(plan.HTTPSOnly),
		AllowBlobPublicAccess:  pulumi.Bool(plan.PublicBlobAccess),
		// No account keys and no SAS: Velero's Azure plugin reads and
		// writes with Entra ID (BackupStorageLocation useAAD: "true")
		// through its workload identity, so nothing needs a key.
		AllowSharedKeyAccess:         pulumi.Bool(plan.SharedKeyAccess),
		DefaultToOAuthAuthentication: pulumi.Bool(!plan.SharedKeyAccess),
		AllowCrossTenantReplication:  pulumi.Bool(plan.CrossTenantReplication),
		// Reachable only through the private endpoint (newBackupEndpoint).
		PublicNetworkAccess: pulumi.String(plan.PublicNetworkAccess),
		NetworkRuleSet: &storage.NetworkRuleSetArgs{
			DefaultAction: storage.DefaultAction(plan.NetworkDefaultAction),
			Bypass:        pulumi.String(plan.NetworkBypass),
		},
		Tags: tags,
	}, b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))...)
}

// newBackupEndpoint registers the account's private endpoint in the
// network's private-endpoints subnet, the private DNS zone linked to the
// network's VNet and the endpoint's DNS zone group, which writes the
// endpoint's A record into the zone; all protected and retained when the
// plan is. It returns an output that resolves once the zone group and the
// link exist, when the account's name resolves to the endpoint inside the
// VNet.
func (b *Backend) newBackupEndpoint(ctx *pulumi.Context, plan backupPlan, net platform.NetworkOutputs, account *storage.StorageAccount, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	ep := plan.Endpoint.endpoint()
	keep := b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))
	endpoint, err := b.newPrivateEndpoint(ctx, ep, net.Subnets[plan.Endpoint.Subnet].ID, account.ID().ToStringOutput(), rg, tags, keep)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	zone, link, err := b.newPrivateZone(ctx, plan.Endpoint.zone(), net.ID, rg, tags, keep)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	group, err := b.newZoneGroup(ctx, ep, endpoint, zone.ID().ToStringOutput(), rg, keep)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.All(group.ID(), link.ID()).ApplyT(func(ids []any) string {
		return string(ids[0].(pulumi.ID)) + " " + string(ids[1].(pulumi.ID))
	}).(pulumi.StringOutput), nil
}

// newBackupBlobService registers the account's blob service properties
// (versioning, blob and container soft delete) and the lifecycle rule that
// deletes previous versions.
func (b *Backend) newBackupBlobService(ctx *pulumi.Context, plan backupPlan, account, rg pulumi.StringOutput, opts []pulumi.ResourceOption) error {
	_, err := storage.NewBlobServiceProperties(ctx, plan.BlobService, &storage.BlobServicePropertiesArgs{
		AccountName:       account,
		ResourceGroupName: rg,
		BlobServicesName:  pulumi.String(blobServiceName),
		DeleteRetentionPolicy: &storage.DeleteRetentionPolicyArgs{
			Enabled: pulumi.Bool(true),
			Days:    pulumi.Int(plan.SoftDeleteDays),
		},
		ContainerDeleteRetentionPolicy: &storage.DeleteRetentionPolicyArgs{
			Enabled: pulumi.Bool(true),
			Days:    pulumi.Int(plan.SoftDeleteDays),
		},
		IsVersioningEnabled: pulumi.Bool(plan.Versioning),
	}, b.opts(opts)...)
	if err != nil {
		return err
	}

	// Versioning keeps every blob Velero overwrites or deletes (expired
	// backups, Kopia's compacted packs); without this rule they would be
	// kept, and billed, forever.
	_, err = storage.NewManagementPolicy(ctx, plan.Lifecycle, &storage.ManagementPolicyArgs{
		AccountName:          account,
		ResourceGroupName:    rg,
		ManagementPolicyName: pulumi.String(managementPolicyName),
		Policy: &storage.ManagementPolicySchemaArgs{
			Rules: storage.ManagementPolicyRuleArray{
				storage.ManagementPolicyRuleArgs{
					Name:    pulumi.String(versionCleanupRule),
					Enabled: pulumi.Bool(true),
					Type:    pulumi.String("Lifecycle"),
					Definition: storage.ManagementPolicyDefinitionArgs{
						Filters: &storage.ManagementPolicyFilterArgs{BlobTypes: pulumi.StringArray{pulumi.String("blockBlob")}},
						Actions: storage.ManagementPolicyActionArgs{
							Version: &storage.ManagementPolicyVersionArgs{
								Delete: &storage.DateAfterCreationArgs{DaysAfterCreationGreaterThan: pulumi.Float64(float64(plan.VersionRetentionDays))},
							},
						},
					},
				},
			},
		},
	}, b.opts(opts)...)
	return err
}

// newBackupContainer registers the private container backups go to and,
// when the plan is Locked, the management lock on the account.
func (b *Backend) newBackupContainer(ctx *pulumi.Context, plan backupPlan, account *storage.StorageAccount, rg pulumi.StringOutput, opts []pulumi.ResourceOption) (*storage.BlobContainer, error) {
	container, err := storage.NewBlobContainer(ctx, plan.Container, &storage.BlobContainerArgs{
		AccountName:       account.Name,
		ResourceGroupName: rg,
		ContainerName:     pulumi.String(plan.ContainerName),
		PublicAccess:      storage.PublicAccess(plan.PublicAccess),
	}, b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))...)
	if err != nil {
		return nil, err
	}
	if plan.Locked {
		// pulumi.Protect stops only Pulumi; the lock also stops the
		// portal, the CLI and the deletion of the resource group. The lock
		// is protected too, so that a destroy cannot remove it and then
		// stop at the protected account, leaving the backups unlocked.
		_, err = authorization.NewManagementLockByScope(ctx, plan.Lock, &authorization.ManagementLockByScopeArgs{
			Scope:    account.ID().ToStringOutput(),
			LockName: pulumi.String(plan.LockName),
			Level:    pulumi.String(plan.LockLevel),
			Notes:    pulumi.String(plan.LockNotes),
			// Retained with the account it locks.
		}, b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))...)
		if err != nil {
			return nil, err
		}
	}
	return container, nil
}

// backupOutputs are what NewBackupStorage returns: the container, the
// grants Velero's identity needs (each on exactly its scope) and Velero's
// location configs for the account in subscription sub and group rg.
func backupOutputs(sub string, rg pulumi.StringOutput, account *storage.StorageAccount, container *storage.BlobContainer, snapshots *resources.ResourceGroup, diskScope, reachable pulumi.StringOutput) *platform.BackupStorageOutputs {
	// The group's own outputs, not names built from the plan: the role
	// definition's assignable scope and the assignment wait for the group.
	snapshotGroupID := snapshots.ID().ToStringOutput()
	// The account's usual blob URL, which resolves to the private endpoint
	// inside the VNet once the endpoint's DNS record and the zone's link
	// exist (reachable): Velero's release waits for them.
	blobEndpoint := pulumi.All(account.PrimaryEndpoints.Blob(), reachable).ApplyT(func(xs []any) string {
		return xs[0].(string)
	}).(pulumi.StringOutput)
	return &platform.BackupStorageOutputs{
		VeleroProvider: veleroProvider,
		Bucket:         container.Name,
		Grants: []platform.Grant{
			// <account>/blobServices/default/containers/velero: the
			// container, not the account.
			{Role: platform.GrantObjectStorageWriter, Scope: container.ID().ToStringOutput()},
			// Disks live in the node resource group: Velero reads them
			// there and creates restored disks there.
			{Role: platform.GrantDiskSnapshotOperator, Scope: diskScope},
			// Snapshots are written to, read from and deleted in their
			// own group. Velero needs nothing on the cluster's group: the
			// storage account there is reached through the container
			// grant (data plane), which the account's and the network's
			// management locks do not block.
			{Role: platform.GrantDiskSnapshotOperator, Scope: snapshotGroupID},
		},
		// Velero's Azure plugin finds its credentials in the environment
		// the workload identity webhook sets (AZURE_CLIENT_ID, ...), so the
		// configs do not name the identity.
		Locations: func(*platform.WorkloadIdentity) platform.VeleroLocations {
			return platform.VeleroLocations{
				Backup: pulumi.StringMap{
					"resourceGroup":     rg,
					"storageAccount":    account.Name,
					"subscriptionId":    pulumi.String(sub),
					"useAAD":            pulumi.String("true"),
					"storageAccountURI": blobEndpoint,
				},
				// subscriptionId and resourceGroup are where snapshots are
				// written: the snapshot group, in the backend's
				// subscription. The disks' own group comes from the
				// plugin's AZURE_RESOURCE_GROUP.
				Snapshot: pulumi.StringMap{
					"subscriptionId": pulumi.String(sub),
					"resourceGroup":  snapshots.Name,
					"incremental":    pulumi.String("true"),
				},
			}
		},
	}
}

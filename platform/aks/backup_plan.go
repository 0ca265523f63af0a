package aks

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Backup storage settings that are not spec fields: each is what Velero's
// Azure plugin (velero-plugin-for-microsoft-azure) needs or the secure
// choice with no alternative a stack would pick.
const (
	// veleroProvider names Velero's Azure object-store and snapshot
	// plugin.
	veleroProvider = "azure"
	// backupContainerName is the one blob container backups go to.
	backupContainerName = "velero"
	// backupAccountPurpose prefixes the storage account's Azure name (see
	// storageAccountName).
	backupAccountPurpose = "bk"
	// blobServiceName and managementPolicyName are the only names Azure
	// accepts for an account's blob service and lifecycle policy.
	blobServiceName      = "default"
	managementPolicyName = "default"
	// versionCleanupRule names the lifecycle rule that deletes previous
	// blob versions.
	versionCleanupRule = "delete-previous-versions"
	// backupLockLevel lets the account and its containers be read and
	// changed but not deleted. Blobs stay deletable through the data
	// plane: Velero deletes expired backups.
	backupLockLevel = "CanNotDelete"
	// minSoftDeleteDays and maxSoftDeleteDays are Azure's limits for blob
	// and container soft delete.
	minSoftDeleteDays, maxSoftDeleteDays = 1, 365
)

// storageAccountNamePattern is what Azure accepts as a storage account
// name: 3-24 lowercase letters and digits.
var storageAccountNamePattern = regexp.MustCompile(`^[a-z0-9]{3,24}$`)

// backupPlan is the cloud-side shape of a BackupStorageSpec on Azure:
// every name and setting, computed without Pulumi so it can be
// table-tested. The storage account's Azure name is not in it: it depends
// on the cluster's resource group, an output (see backupAccountName).
type backupPlan struct {
	// Account, BlobService, Lifecycle, Container and Lock are the Pulumi
	// names of the children.
	Account, BlobService, Lifecycle, Container, Lock string
	// SnapshotGroup is both the Pulumi and the Azure name of the resource
	// group Velero writes disk snapshots to (see NewBackupStorage). Azure
	// takes 1-90 letters, digits, '-', '_', '.', '(' and ')', unique in
	// the subscription; a valid logical name (at most
	// platform.MaxNameLength lowercase letters, digits and '-') plus
	// "-snapshots-rg" always fits, as the network's "<name>-rg" does.
	SnapshotGroup string
	// SKU is Standard_ZRS, or Standard_GRS when geo-redundant.
	SKU string
	// MinimumTLS, HTTPSOnly, PublicBlobAccess, SharedKeyAccess and
	// CrossTenantReplication are the account's access settings.
	MinimumTLS             string
	HTTPSOnly              bool
	PublicBlobAccess       bool
	SharedKeyAccess        bool
	CrossTenantReplication bool
	// SoftDeleteDays keeps deleted blobs, versions and containers
	// recoverable; Versioning keeps overwritten and deleted blobs as
	// previous versions, which the lifecycle rule deletes
	// VersionRetentionDays after they were written.
	SoftDeleteDays       int
	Versioning           bool
	VersionRetentionDays int
	// ContainerName is the container's Azure name; PublicAccess its
	// public access level.
	ContainerName, PublicAccess string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the account,
	// the container, the lock and the snapshot group; Locked adds the
	// management lock on the account. The snapshot group never gets a
	// management lock.
	Protect, Locked bool
	// LockName, LockLevel and LockNotes describe the lock.
	LockName, LockLevel, LockNotes string
	Tags                           map[string]string
}

// planBackupStorage checks what Azure needs beyond the resolved spec and
// plans the storage. Nothing is registered when it fails.
func planBackupStorage(spec platform.BackupStorageSpec) (backupPlan, error) {
	path := field.NewPath("backupStorage")
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), spec.Name))
	switch {
	case spec.Cluster == nil:
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster whose backups the storage holds"))
	case spec.Cluster.ID.OutputState == nil:
		errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID; the storage goes into its resource group"))
	case spec.Cluster.DiskScope.OutputState == nil:
		errs.Add(field.Required(path.Child("cluster").Child("diskScope"), "the ARM ID of the cluster's node resource group; create the cluster with this backend"))
	}
	if d := spec.SoftDeleteDays; d < minSoftDeleteDays || d > maxSoftDeleteDays {
		errs.Addf(path.Child("softDeleteDays"), d, "Azure keeps soft-deleted blobs and containers %d to %d days", minSoftDeleteDays, maxSoftDeleteDays)
	}
	if err := errs.Err(); err != nil {
		return backupPlan{}, err
	}
	n := spec.Name
	p := backupPlan{
		Account:                platform.ChildName(n, "storage"),
		BlobService:            platform.ChildName(n, "blob-service"),
		Lifecycle:              platform.ChildName(n, "lifecycle"),
		Container:              platform.ChildName(n, "container"),
		Lock:                   platform.ChildName(n, "storage-lock"),
		SnapshotGroup:          platform.ChildName(n, "snapshots-rg"),
		SKU:                    "Standard_ZRS",
		MinimumTLS:             "TLS1_2",
		HTTPSOnly:              true,
		PublicBlobAccess:       false,
		SharedKeyAccess:        false,
		CrossTenantReplication: false,
		SoftDeleteDays:         spec.SoftDeleteDays,
		Versioning:             true,
		VersionRetentionDays:   spec.SoftDeleteDays,
		ContainerName:          backupContainerName,
		PublicAccess:           string(storage.PublicAccessNone),
		Protect:                spec.Locked,
		Locked:                 spec.Locked,
		Tags:                   spec.Tags.Merge(),
	}
	if spec.GeoRedundant {
		p.SKU = "Standard_GRS"
	}
	if spec.Locked {
		p.LockName = p.Lock
		p.LockLevel = backupLockLevel
		p.LockNotes = fmt.Sprintf("Velero backups of Plinth backup storage %q: deleting this account deletes every backup. "+
			"Production storage is always Locked: lift this lock only to decommission the storage, through the stack: "+
			"pulumi state unprotect on this lock, the account, the container and the snapshot group, then remove the storage from the stack; never by hand.", n)
	}
	return p, nil
}

// backupAccountName is the storage account's Azure name: "bk", the logical
// name without hyphens and 8 hex characters of a hash of the subscription,
// resource group and name (storageAccountName), so it is globally unique
// and never changes unless those do. It fails when the result is not a
// valid account name.
func backupAccountName(subscriptionID, resourceGroup, name string) (string, error) {
	account := storageAccountName(backupAccountPurpose, name, subscriptionID, resourceGroup)
	if !storageAccountNamePattern.MatchString(account) {
		return "", field.Invalid(field.NewPath("backupStorage").Child("name"), name,
			"gives the storage account name %q; Azure takes 3-24 lowercase letters and digits", account)
	}
	return account, nil
}

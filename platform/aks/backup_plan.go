package aks

import (
	"fmt"
	"regexp"
	"strings"

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

	// publicNetworkAccessDisabled refuses every request to the account's
	// public endpoint, whatever its network rules say; only private
	// endpoints reach it.
	publicNetworkAccessDisabled = "Disabled"
	// networkDefaultDeny and networkBypassNone are the account's firewall:
	// deny, with no exception for "trusted" Azure services. Nothing Plinth
	// or Velero does needs one: Velero reaches the blobs from the cluster
	// through the private endpoint, and Pulumi manages the account, its
	// blob service, lifecycle policy and container through ARM (the
	// control plane), which network rules do not apply to. They only
	// matter if someone enables public network access again: the account
	// then still admits nobody.
	networkDefaultDeny = "Deny"
	networkBypassNone  = "None"
	// blobSubresource is the private endpoint's target sub-resource
	// (group ID): the account's blob service, the only one Velero uses.
	blobSubresource = "blob"
	// blobPrivateZone is the private DNS zone Azure resolves a blob
	// endpoint's privatelink CNAME in (<account>.blob.core.windows.net is
	// a CNAME to <account>.privatelink.blob.core.windows.net once the
	// account has a private endpoint). Azure's public cloud; sovereign
	// clouds use other suffixes, which Plinth does not support yet.
	blobPrivateZone = "privatelink.blob.core.windows.net"
	// privateZoneLocation is the only location Azure accepts for private
	// DNS zones and their links.
	privateZoneLocation = "global"
	// zoneGroupName is the private endpoint's DNS zone group; Azure's
	// tools name the one group of an endpoint "default".
	zoneGroupName = "default"
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
	// the container, the lock, the snapshot group and what the account is
	// reached through (the private endpoint, its DNS zone group, the
	// private DNS zone and its VNet link); Locked adds the management lock
	// on the account. The snapshot group never gets a management lock.
	Protect, Locked bool
	// LockName, LockLevel and LockNotes describe the lock.
	LockName, LockLevel, LockNotes string
	Tags                           map[string]string

	// PublicNetworkAccess, NetworkDefaultAction and NetworkBypass close
	// the account's public endpoint (see publicNetworkAccessDisabled).
	PublicNetworkAccess, NetworkDefaultAction, NetworkBypass string
	// Endpoint is the private endpoint through which the account is
	// reached: in the network's EndpointSubnet subnet.
	Endpoint endpointPlan
}

// endpointPlan is the private endpoint of the backup storage account and
// the DNS records that make the account's blob name resolve to it inside
// the cluster's network.
type endpointPlan struct {
	// Name is the endpoint's Pulumi and Azure name, "<name>-blob-endpoint";
	// NIC the name of the network interface Azure creates for it, and
	// Connection the name of its connection to the account.
	Name, NIC, Connection string
	// Subresource is the account's sub-resource the endpoint reaches:
	// "blob".
	Subresource string
	// Subnet is the role of the subnet the endpoint's address comes from.
	Subnet platform.SubnetRole
	// Zone is the Pulumi name of the private DNS zone ZoneName
	// ("privatelink.blob.core.windows.net"), in the cluster's resource
	// group; ZoneLocation its location ("global").
	Zone, ZoneName, ZoneLocation string
	// Link is the Pulumi and Azure name of the zone's link to the cluster's
	// VNet; AutoRegistration is off (the zone holds only the endpoint's
	// records).
	Link             string
	AutoRegistration bool
	// ZoneGroup is the Pulumi name of the endpoint's DNS zone group, which
	// keeps the endpoint's A record in the zone; ZoneGroupName its Azure
	// name and ZoneConfig the name of its one zone config.
	ZoneGroup, ZoneGroupName, ZoneConfig string
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
	errs.Add(checkEndpointNetwork(path.Child("network"), spec.Network)...)
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
		PublicNetworkAccess:    publicNetworkAccessDisabled,
		NetworkDefaultAction:   networkDefaultDeny,
		NetworkBypass:          networkBypassNone,
		Endpoint: endpointPlan{
			Name:          platform.ChildName(n, "blob-endpoint"),
			NIC:           platform.ChildName(n, "blob-endpoint-nic"),
			Connection:    platform.ChildName(n, "blob"),
			Subresource:   blobSubresource,
			Subnet:        platform.SubnetPrivateEndpoints,
			Zone:          platform.ChildName(n, "blob-dns"),
			ZoneName:      blobPrivateZone,
			ZoneLocation:  privateZoneLocation,
			Link:          platform.ChildName(n, "blob-dns-link"),
			ZoneGroup:     platform.ChildName(n, "blob-dns-group"),
			ZoneGroupName: zoneGroupName,
			ZoneConfig:    strings.ReplaceAll(blobPrivateZone, ".", "-"),
		},
	}
	if spec.GeoRedundant {
		p.SKU = "Standard_GRS"
	}
	if spec.Locked {
		p.LockName = p.Lock
		p.LockLevel = backupLockLevel
		p.LockNotes = fmt.Sprintf("Velero backups of Plinth backup storage %q: deleting this account deletes every backup. "+
			"Production storage is always Locked: lift this lock only to decommission the storage, through the stack: "+
			"pulumi state unprotect on this lock and every other child of the storage, then remove the storage from the stack; never by hand.", n)
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

// checkEndpointNetwork checks that net, the cluster's network, has what
// the private endpoint needs: the private-endpoints subnet in its spec and
// the outputs of that subnet and of the VNet. The Backup component refuses
// a network without the subnet when it resolves
// (CloudFacts.BackupStorageSubnet); this catches a caller that builds the
// spec by hand.
func checkEndpointNetwork(path field.Path, net platform.ClusterNetwork) []*field.Error {
	return checkPrivateEndpointNetwork(path, net, "the storage account has no public access and is reached through a private endpoint there; "+
		"pass the cluster's network (cluster.Host's ClusterSpec().Network), whose layout has one by default")
}

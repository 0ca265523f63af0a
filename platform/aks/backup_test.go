package aks_test

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	storageAPI = "azure-native:storage:"
	// nodeRG is the node resource group AKS names by default for prod-aks in
	// prod-rg, westeurope.
	nodeRG = "/subscriptions/" + sub + "/resourceGroups/MC_prod-rg_prod-aks_westeurope"
	// snapshotRG is the resource group the backup storage "backups"
	// creates for Velero's disk snapshots.
	snapshotRG     = "/subscriptions/" + sub + "/resourceGroups/backups-snapshots-rg"
	resourceGroups = "azure-native:resources:ResourceGroup"
)

var backupAccount = regexp.MustCompile(`^bkbackups[0-9a-f]{8}$`)

// backupRender is what renderBackup resolved.
type backupRender struct {
	*rendered
	provider string
	backup   map[string]string
	snapshot map[string]string
}

// renderBackup renders the "prod" network and cluster of renderCluster, a
// backup storage "backups" for the cluster (spec changed by mutate) under a
// test component, and Velero's workload identity "velero" with the
// storage's grants.
func renderBackup(t *testing.T, mutate func(*platform.BackupStorageSpec)) (*platformtest.Snapshot, *backupRender) {
	t.Helper()
	return renderBackupOn(t, false, mutate)
}

// renderBackupOn is renderBackup on a network that is Locked as given, as
// production networks are.
func renderBackupOn(t *testing.T, lockedNetwork bool, mutate func(*platform.BackupStorageSpec)) (*platformtest.Snapshot, *backupRender) {
	t.Helper()
	out := &backupRender{rendered: &rendered{values: map[string]string{}}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		netSpec := platformtest.NetworkSpecs()[1]
		netSpec.Locked = lockedNetwork
		net, err := b.NewNetwork(ctx, netSpec)
		if err != nil {
			return err
		}
		spec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, err := b.NewCluster(ctx, spec)
		if err != nil {
			return err
		}
		out.capture("diskScope", cluster.DiskScope)

		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Backup", "backups", parent); err != nil {
			return err
		}
		storageSpec := platform.BackupStorageSpec{
			Name: "backups", Cluster: cluster, Network: spec.Network, SoftDeleteDays: 14,
			Tags: platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"},
		}
		if mutate != nil {
			mutate(&storageSpec)
		}
		storage, err := b.NewBackupStorage(ctx, storageSpec, pulumi.Parent(parent))
		if err != nil {
			return err
		}
		out.provider = storage.VeleroProvider
		out.capture("bucket", storage.Bucket)
		for i, g := range storage.Grants {
			out.capture(fmt.Sprintf("grant/%s/%d", g.Role, i), g.Scope.ToStringOutput())
		}
		velero, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: cluster, Namespace: "velero", ServiceAccount: "velero",
			Grants: storage.Grants, Tags: storageSpec.Tags,
		})
		if err != nil {
			return err
		}
		out.capture("veleroPrincipal", velero.PrincipalID)
		locs := storage.Locations(velero)
		locs.Backup.ToStringMapOutput().ApplyT(func(m map[string]string) map[string]string {
			out.mu.Lock()
			defer out.mu.Unlock()
			out.backup = m
			return m
		})
		locs.Snapshot.ToStringMapOutput().ApplyT(func(m map[string]string) map[string]string {
			out.mu.Lock()
			defer out.mu.Unlock()
			out.snapshot = m
			return m
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, out
}

func TestClusterDiskScopeIsTheNodeResourceGroup(t *testing.T) {
	_, out := renderBackup(t, nil)
	if got := out.get(t, "diskScope"); got != nodeRG {
		t.Errorf("disk scope %s, want the node resource group %s", got, nodeRG)
	}
}

func TestBackupStorageAccount(t *testing.T) {
	snap, _ := renderBackup(t, nil)
	account := snap.Find(storageAPI+"StorageAccount", "backups-storage")
	expect(t, account, map[string]any{
		"resourceGroupName":            "prod-rg", // the cluster's group
		"location":                     "westeurope",
		"kind":                         "StorageV2",
		"sku.name":                     "Standard_ZRS",
		"minimumTlsVersion":            "TLS1_2",
		"enableHttpsTrafficOnly":       true,
		"allowBlobPublicAccess":        false,
		"allowSharedKeyAccess":         false,
		"defaultToOAuthAuthentication": true,
		"allowCrossTenantReplication":  false,
		"tags":                         map[string]any{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"},
	})
	if name := platformtest.Input(t, account, "accountName").(string); !backupAccount.MatchString(name) {
		t.Errorf("account name %q, want bk + name + 8 hex", name)
	}

	geo, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.GeoRedundant = true })
	expect(t, geo.Find(storageAPI+"StorageAccount", "backups-storage"), map[string]any{"sku.name": "Standard_GRS"})
}

func TestBackupBlobServiceAndContainer(t *testing.T) {
	snap, out := renderBackup(t, func(s *platform.BackupStorageSpec) { s.SoftDeleteDays = 30 })
	accountName := platformtest.Input(t, snap.Find(storageAPI+"StorageAccount", "backups-storage"), "accountName")
	expect(t, snap.Find(storageAPI+"BlobServiceProperties", "backups-blob-service"), map[string]any{
		"accountName":                            accountName,
		"resourceGroupName":                      "prod-rg",
		"blobServicesName":                       "default",
		"deleteRetentionPolicy.enabled":          true,
		"deleteRetentionPolicy.days":             30.0,
		"containerDeleteRetentionPolicy.enabled": true,
		"containerDeleteRetentionPolicy.days":    30.0,
		"isVersioningEnabled":                    true,
	})
	expect(t, snap.Find(storageAPI+"ManagementPolicy", "backups-lifecycle"), map[string]any{
		"accountName":          accountName,
		"managementPolicyName": "default",
		"policy.rules": []any{map[string]any{
			"name":    "delete-previous-versions",
			"enabled": true,
			"type":    "Lifecycle",
			"definition": map[string]any{
				"filters": map[string]any{"blobTypes": []any{"blockBlob"}},
				"actions": map[string]any{"version": map[string]any{"delete": map[string]any{"daysAfterCreationGreaterThan": 30.0}}},
			},
		}},
	})
	containers := snap.OfType(storageAPI + "BlobContainer")
	if len(containers) != 1 {
		t.Fatalf("%d containers, want one", len(containers))
	}
	expect(t, containers[0], map[string]any{
		"accountName":       accountName,
		"resourceGroupName": "prod-rg",
		"containerName":     "velero",
		"publicAccess":      "None",
	})
	if got := out.get(t, "bucket"); got != "velero" {
		t.Errorf("bucket %q, want the container's name velero", got)
	}
}

func TestBackupStorageLock(t *testing.T) {
	unlocked, _ := renderBackup(t, nil)
	if locks := unlocked.OfType("azure-native:authorization:ManagementLockByScope"); len(locks) != 0 {
		t.Errorf("unlocked storage has %d management locks", len(locks))
	}
	for _, r := range unlocked.Resources {
		if r.Protect {
			t.Errorf("unlocked storage: %s %s is protected", r.Type, r.Name)
		}
	}

	locked, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.Locked = true })
	account := locked.Find(storageAPI+"StorageAccount", "backups-storage")
	accountID := rgScope + "/providers/Microsoft.Storage/storageAccounts/" + platformtest.Input(t, account, "accountName").(string)
	locks := locked.OfType("azure-native:authorization:ManagementLockByScope")
	if len(locks) != 1 {
		t.Fatalf("locked storage has %d management locks, want one", len(locks))
	}
	lock := locks[0]
	expect(t, lock, map[string]any{
		"scope":    accountID,
		"level":    "CanNotDelete",
		"lockName": "backups-storage-lock",
	})
	if notes := platformtest.Input(t, lock, "notes").(string); !strings.Contains(notes, "Locked") {
		t.Errorf("lock notes do not say how to remove it: %s", notes)
	}
	protected := map[string]bool{}
	for _, r := range locked.Resources {
		if r.Protect {
			protected[r.Type+" "+r.Name] = true
		}
	}
	want := map[string]bool{
		storageAPI + "StorageAccount backups-storage":                           true,
		storageAPI + "BlobContainer backups-container":                          true,
		"azure-native:authorization:ManagementLockByScope backups-storage-lock": true,
		resourceGroups + " backups-snapshots-rg":                                true,
		// What the account is reached through: without it a retained
		// account is unreachable.
		privateEndpoints + " backups-blob-endpoint": true,
		zoneGroups + " backups-blob-dns-group":      true,
		privateZones + " backups-blob-dns":          true,
		vnetLinks + " backups-blob-dns-link":        true,
	}
	if !maps.Equal(protected, want) {
		t.Errorf("protected %v, want exactly %v", protected, want)
	}
	// Production storage also stays in Azure when it leaves the stack:
	// every protected child is retained on delete, and nothing else is.
	for _, r := range locked.Resources {
		if r.Custom && r.RetainOnDelete != r.Protect && strings.HasPrefix(r.Name, "backups-") {
			t.Errorf("%s %s: protect %v but retainOnDelete %v", r.Type, r.Name, r.Protect, r.RetainOnDelete)
		}
	}
	for _, r := range unlocked.Resources {
		if r.RetainOnDelete && strings.HasPrefix(r.Name, "backups-") {
			t.Errorf("unlocked storage: %s %s is retained on delete", r.Type, r.Name)
		}
	}
}

// Private endpoint types of the backup storage.
const (
	privateEndpoints = "azure-native:network/v20240501:PrivateEndpoint"
	zoneGroups       = "azure-native:network/v20240501:PrivateDnsZoneGroup"
	privateZones     = "azure-native:network/v20240601:PrivateZone"
	vnetLinks        = "azure-native:network/v20240601:VirtualNetworkLink"
	// blobZoneID is the ARM ID of the storage's private DNS zone.
	blobZoneID = rgScope + "/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"
)

// TestBackupStorageIsReachableOnlyPrivately: the account refuses public
// network access and every request its firewall sees; one private endpoint
// for its blob service takes an address in exactly the network's
// private-endpoints subnet; the private DNS zone for blob endpoints is
// linked to exactly the cluster's VNet and holds the endpoint's record
// through the endpoint's zone group. Everything is a child of the calling
// component.
func TestBackupStorageIsReachableOnlyPrivately(t *testing.T) {
	tags := map[string]any{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"}
	snap, _ := renderBackup(t, nil)
	parent := snap.Find("plinth:test:Backup", "backups")
	account := snap.Find(storageAPI+"StorageAccount", "backups-storage")
	expect(t, account, map[string]any{
		"publicNetworkAccess":          "Disabled",
		"networkRuleSet.defaultAction": "Deny",
		"networkRuleSet.bypass":        "None",
		"allowBlobPublicAccess":        false,
	})
	for _, rules := range []string{"networkRuleSet.ipRules", "networkRuleSet.virtualNetworkRules", "networkRuleSet.resourceAccessRules"} {
		if v, ok := account.Input(rules); ok {
			t.Errorf("the account's firewall admits %s %v; it admits nothing", rules, v)
		}
	}
	accountID := rgScope + "/providers/Microsoft.Storage/storageAccounts/" + platformtest.Input(t, account, "accountName").(string)

	only := func(typ string) *platformtest.Resource {
		t.Helper()
		rs := snap.OfType(typ)
		if len(rs) != 1 {
			t.Fatalf("%d resources of %s, want one", len(rs), typ)
		}
		if rs[0].Parent != parent.URN {
			t.Errorf("%s %s is not parented to the calling component (C1): parent %q", rs[0].Type, rs[0].Name, rs[0].Parent)
		}
		return rs[0]
	}
	endpoint := only(privateEndpoints)
	expect(t, endpoint, map[string]any{
		"privateEndpointName":        "backups-blob-endpoint",
		"resourceGroupName":          "prod-rg",
		"location":                   "westeurope",
		"subnet.id":                  vnetID + "/subnets/private-endpoints",
		"customNetworkInterfaceName": "backups-blob-endpoint-nic",
		"privateLinkServiceConnections": []any{map[string]any{
			"name":                 "backups-blob",
			"privateLinkServiceId": accountID,
			"groupIds":             []any{"blob"},
		}},
		"tags": tags,
	})
	if endpoint.Name != "backups-blob-endpoint" {
		t.Errorf("endpoint named %q, want backups-blob-endpoint", endpoint.Name)
	}
	zone := only(privateZones)
	expect(t, zone, map[string]any{
		"privateZoneName":   "privatelink.blob.core.windows.net",
		"resourceGroupName": "prod-rg",
		"location":          "global",
		"tags":              tags,
	})
	link := only(vnetLinks)
	expect(t, link, map[string]any{
		"virtualNetworkLinkName": "backups-blob-dns-link",
		"privateZoneName":        "privatelink.blob.core.windows.net",
		"resourceGroupName":      "prod-rg",
		"location":               "global",
		"virtualNetwork.id":      vnetID,
		"registrationEnabled":    false,
		"tags":                   tags,
	})
	group := only(zoneGroups)
	expect(t, group, map[string]any{
		"privateDnsZoneGroupName": "default",
		"privateEndpointName":     "backups-blob-endpoint",
		"resourceGroupName":       "prod-rg",
		"privateDnsZoneConfigs": []any{map[string]any{
			"name":             "privatelink-blob-core-windows-net",
			"privateDnsZoneId": blobZoneID,
		}},
	})
	// The record goes into this zone, for this endpoint: the group waits
	// for both.
	for _, dep := range []string{endpoint.URN, zone.URN} {
		if !slices.Contains(group.DependsOn, dep) {
			t.Errorf("the zone group does not wait for %s: dependsOn %v", dep, group.DependsOn)
		}
	}
}

// TestBackupStorageWithoutEndpointSubnetRegistersNothing: a network
// without a private-endpoints subnet is refused before anything is
// registered, rather than leaving the account without a way in or with a
// public one.
func TestBackupStorageWithoutEndpointSubnetRegistersNothing(t *testing.T) {
	var got error
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		bare := platformtest.NetworkSpecs()[2]
		net, err := b.NewNetwork(ctx, bare)
		if err != nil {
			return err
		}
		cluster := &platform.ClusterOutputs{
			ID:        pulumi.String(rgScope + "/providers/Microsoft.ContainerService/managedClusters/prod-aks").ToStringOutput(),
			DiskScope: pulumi.String(nodeRG).ToStringOutput(),
		}
		_, got = b.NewBackupStorage(ctx, platform.BackupStorageSpec{
			Name: "backups", Cluster: cluster, Network: platform.ClusterNetwork{Spec: bare, Outputs: *net}, SoftDeleteDays: 14,
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || !strings.HasPrefix(got.Error(), `backupStorage.network.spec.subnets: required: a subnet with role "private-endpoints"`) {
		t.Errorf("error %v, want backupStorage.network.spec.subnets required", got)
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "backups-") {
			t.Errorf("%s %s registered for rejected backup storage", r.Type, r.Name)
		}
	}
}

// TestBackupGrantsAreExactlyScoped asks for both grants through
// NewWorkloadIdentity, as the Backup component does: blob data on exactly
// the container, disk snapshots through the custom role on exactly the
// node resource group.
func TestBackupGrantsAreExactlyScoped(t *testing.T) {
	snap, out := renderBackup(t, nil)
	account := platformtest.Input(t, snap.Find(storageAPI+"StorageAccount", "backups-storage"), "accountName").(string)
	container := rgScope + "/providers/Microsoft.Storage/storageAccounts/" + account + "/blobServices/default/containers/velero"
	if got := out.get(t, "grant/"+string(platform.GrantObjectStorageWriter)+"/0"); got != container {
		t.Errorf("object storage grant at %s, want the container %s", got, container)
	}
	if got := out.get(t, "grant/"+string(platform.GrantDiskSnapshotOperator)+"/1"); got != nodeRG {
		t.Errorf("disk snapshot grant at %s, want the node resource group %s", got, nodeRG)
	}
	// Snapshots are kept in a group of their own, which outlives the node
	// resource group and carries no lock.
	if got := out.get(t, "grant/"+string(platform.GrantDiskSnapshotOperator)+"/2"); got != snapshotRG {
		t.Errorf("second disk snapshot grant at %s, want the snapshot group %s", got, snapshotRG)
	}
	principal := out.get(t, "veleroPrincipal")
	expect(t, snap.Find("azure-native:authorization:RoleAssignment", "velero-object-storage-writer-1"), map[string]any{
		"scope":            container,
		"roleDefinitionId": storageBlobDataContributor,
		"principalId":      principal,
		"principalType":    "ServicePrincipal",
	})

	def := snap.Find("azure-native:authorization:RoleDefinition", "velero-disk-snapshot-operator-1-role")
	guidName := platformtest.Input(t, def, "roleDefinitionId").(string)
	if !guid.MatchString(guidName) {
		t.Errorf("role definition name %q is not a GUID", guidName)
	}
	expect(t, def, map[string]any{
		"scope":            "/subscriptions/" + sub,
		"assignableScopes": []any{nodeRG},
		"roleName":         "Plinth Disk Snapshot Operator (" + guidName + ")",
		"roleType":         "CustomRole",
		"permissions": []any{map[string]any{"actions": []any{
			"Microsoft.Compute/disks/read",
			"Microsoft.Compute/disks/write",
			"Microsoft.Compute/disks/beginGetAccess/action",
			"Microsoft.Compute/disks/endGetAccess/action",
			"Microsoft.Compute/snapshots/read",
			"Microsoft.Compute/snapshots/write",
			"Microsoft.Compute/snapshots/delete",
		}}},
	})
	ra := snap.Find("azure-native:authorization:RoleAssignment", "velero-disk-snapshot-operator-1")
	expect(t, ra, map[string]any{
		"scope":            nodeRG,
		"roleDefinitionId": roleDefs + guidName,
		"principalId":      principal,
		"principalType":    "ServicePrincipal",
	})
	if !slices.Contains(ra.DependsOn, def.URN) {
		t.Errorf("the assignment does not wait for its role definition: dependsOn %v", ra.DependsOn)
	}
	// Signing download URLs (velero backup logs, describe --details)
	// without shared keys needs a user delegation key, which ARM grants on
	// the account only: a role with that one action, on exactly the account.
	accountID := strings.TrimSuffix(container, "/blobServices/default/containers/velero")
	keyDef := snap.Find("azure-native:authorization:RoleDefinition", "velero-object-storage-writer-1-delegation-key-role")
	keyGUID := platformtest.Input(t, keyDef, "roleDefinitionId").(string)
	expect(t, keyDef, map[string]any{
		"scope":            "/subscriptions/" + sub,
		"assignableScopes": []any{accountID},
		"roleName":         "Plinth Blob User Delegation Key Issuer (" + keyGUID + ")",
		"permissions": []any{map[string]any{"actions": []any{
			"Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
		}}},
	})
	expect(t, snap.Find("azure-native:authorization:RoleAssignment", "velero-object-storage-writer-1-delegation-key"), map[string]any{
		"scope":            accountID,
		"roleDefinitionId": roleDefs + keyGUID,
		"principalId":      principal,
	})
	if keyGUID == guidName {
		t.Error("the two custom roles share a definition")
	}
	// The snapshot group's role can only be defined once the group exists.
	snapDef := snap.Find("azure-native:authorization:RoleDefinition", "velero-disk-snapshot-operator-2-role")
	expect(t, snapDef, map[string]any{"assignableScopes": []any{snapshotRG}})
	if group := snap.Find(resourceGroups, "backups-snapshots-rg"); !slices.Contains(snapDef.DependsOn, group.URN) {
		t.Errorf("the snapshot group's role definition does not wait for the group: dependsOn %v", snapDef.DependsOn)
	}

	// Velero gets these rights and nothing else.
	var velero []string
	for _, r := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, r, "principalId") == principal {
			velero = append(velero, r.Name+" "+platformtest.Input(t, r, "scope").(string))
		}
	}
	if want := []string{
		"velero-disk-snapshot-operator-1 " + nodeRG,
		"velero-disk-snapshot-operator-2 " + snapshotRG,
		"velero-object-storage-writer-1 " + container,
		"velero-object-storage-writer-1-delegation-key " + accountID,
	}; !reflect.DeepEqual(velero, want) {
		t.Errorf("Velero's role assignments\n%q\nwant exactly\n%q", velero, want)
	}
}

func TestVeleroLocations(t *testing.T) {
	snap, out := renderBackup(t, nil)
	account := platformtest.Input(t, snap.Find(storageAPI+"StorageAccount", "backups-storage"), "accountName").(string)
	if out.provider != "azure" {
		t.Errorf("Velero provider %q, want azure", out.provider)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if want := map[string]string{
		"resourceGroup":     "prod-rg",
		"storageAccount":    account,
		"subscriptionId":    sub,
		"useAAD":            "true",
		"storageAccountURI": "https://" + account + ".blob.core.windows.net/",
	}; !maps.Equal(out.backup, want) {
		t.Errorf("backup location config\n%v\nwant\n%v", out.backup, want)
	}
	if want := map[string]string{
		"subscriptionId": sub,
		"resourceGroup":  "backups-snapshots-rg",
		"incremental":    "true",
	}; !maps.Equal(out.snapshot, want) {
		t.Errorf("snapshot location config\n%v\nwant\n%v", out.snapshot, want)
	}
}

func TestBackupChildrenAreParentedNamedAndUseTheProvider(t *testing.T) {
	snap, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.Locked = true })
	parent := snap.Find("plinth:test:Backup", "backups")
	const provider = "urn:pulumi:prod-aks::plinth::pulumi:providers:azure-native::azure::"
	seen := 0
	for _, r := range snap.Resources {
		if r.Parent != parent.URN {
			continue
		}
		seen++
		if !strings.HasPrefix(r.Name, "backups-") {
			t.Errorf("%s %s: name does not derive from backups (C2)", r.Type, r.Name)
		}
		if !strings.HasPrefix(r.Provider, provider) {
			t.Errorf("%s %s: provider %q, want the backend's explicit provider (C3)", r.Type, r.Name, r.Provider)
		}
	}
	if seen != 10 {
		t.Errorf("%d children of the backup storage, want account, blob service, lifecycle policy, container, lock, snapshot group, "+
			"private endpoint, its DNS zone group, the private DNS zone and its VNet link", seen)
	}
	for _, typ := range []string{"StorageAccount", "BlobServiceProperties", "ManagementPolicy", "BlobContainer"} {
		for _, r := range snap.OfType(storageAPI + typ) {
			if strings.HasPrefix(r.Name, "backups-") && r.Parent != parent.URN {
				t.Errorf("%s %s is not parented to the calling component (C1)", r.Type, r.Name)
			}
		}
	}
}

// TestBackupSnapshotGroup: Velero's snapshots get a resource group of their
// own, tagged, protected exactly when the storage is Locked, and never
// under a management lock, not even on a Locked network (whose lock covers
// the cluster's group), so that Velero can delete expired snapshots.
func TestBackupSnapshotGroup(t *testing.T) {
	tags := map[string]any{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"}
	unlocked, _ := renderBackup(t, nil)
	group := unlocked.Find(resourceGroups, "backups-snapshots-rg")
	if group == nil {
		t.Fatal("no resource group backups-snapshots-rg")
	}
	expect(t, group, map[string]any{
		"resourceGroupName": "backups-snapshots-rg",
		"location":          "westeurope",
		"tags":              tags,
	})
	if group.Protect {
		t.Error("the snapshot group of unlocked storage is protected")
	}
	if group.Parent != unlocked.Find("plinth:test:Backup", "backups").URN {
		t.Errorf("the snapshot group is not parented to the calling component (C1): parent %q", group.Parent)
	}

	locked, out := renderBackupOn(t, true, func(s *platform.BackupStorageSpec) { s.Locked = true })
	group = locked.Find(resourceGroups, "backups-snapshots-rg")
	if group == nil || !group.Protect {
		t.Fatalf("the snapshot group of Locked storage is missing or not protected: %+v", group)
	}
	expect(t, group, map[string]any{"tags": tags})
	var scopes []string
	for _, lock := range locked.OfType(lockType) {
		scope := platformtest.Input(t, lock, "scope").(string)
		scopes = append(scopes, scope)
		if scope == snapshotRG || strings.HasPrefix(snapshotRG, scope+"/") {
			t.Errorf("lock %s at %s covers the snapshot group; Velero could not delete expired snapshots", lock.Name, scope)
		}
	}
	// The render holds the locks this test is about: the network's on the
	// cluster's group and the storage's on the account.
	if !slices.Contains(scopes, rgScope) || len(scopes) != 2 {
		t.Errorf("locks at %q, want the network's at %s and the account's", scopes, rgScope)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if got := out.snapshot["resourceGroup"]; got != "backups-snapshots-rg" {
		t.Errorf("Velero writes snapshots to %q, want backups-snapshots-rg", got)
	}
}

func TestBackupStorageWithoutClusterRegistersNothing(t *testing.T) {
	var got error
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		_, got = b.NewBackupStorage(ctx, platform.BackupStorageSpec{Name: "backups", SoftDeleteDays: 14})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Both missing inputs, at once.
	if want := "backupStorage.cluster: required: the outputs of the cluster whose backups the storage holds\n" +
		`backupStorage.network.spec.subnets: required: a subnet with role "private-endpoints": the storage account has no public access and is reached through a private endpoint there; ` +
		"pass the cluster's network (cluster.Host's ClusterSpec().Network), whose layout has one by default"; got == nil || got.Error() != want {
		t.Errorf("error %v,\nwant %s", got, want)
	}
	for _, r := range snap.Resources {
		if !strings.HasPrefix(r.Type, "pulumi:providers:") {
			t.Errorf("%s %s registered for rejected backup storage", r.Type, r.Name)
		}
	}
}

func TestBackupRenderIsDeterministic(t *testing.T) {
	render := func() []byte {
		snap, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.Locked = true })
		data, err := snap.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if a, b := render(), render(); !bytes.Equal(a, b) {
		t.Error("two renders of the same backup storage differ (C6)")
	}
}

package aks

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// testVNet is the ARM ID of the VNet backupSpec's network outputs name.
const testVNet = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Network/virtualNetworks/prod-vnet"

func backupSpec() platform.BackupStorageSpec {
	return platform.BackupStorageSpec{
		Name: "backups",
		Cluster: &platform.ClusterOutputs{
			ID:        pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks").ToStringOutput(),
			DiskScope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope").ToStringOutput(),
		},
		Network:        testNetwork(),
		SoftDeleteDays: 14,
		Tags:           platform.Tags{"environment": "prod"},
	}
}

// testNetwork is a network with the default layout's three subnets and
// their outputs.
func testNetwork() platform.ClusterNetwork {
	net := platform.ClusterNetwork{
		Spec: platform.NetworkSpec{Name: "prod", Subnets: []platform.SubnetSpec{
			{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"},
			{Role: platform.SubnetIngress, CIDR: "10.20.64.0/21"},
			{Role: platform.SubnetPrivateEndpoints, CIDR: "10.20.72.0/21"},
		}},
		Outputs: platform.NetworkOutputs{
			ID:      pulumi.String(testVNet).ToStringOutput(),
			Subnets: map[platform.SubnetRole]platform.SubnetOutputs{},
		},
	}
	for _, sn := range net.Spec.Subnets {
		net.Outputs.Subnets[sn.Role] = platform.SubnetOutputs{
			ID:   pulumi.String(testVNet + "/subnets/" + string(sn.Role)).ToStringOutput(),
			Name: pulumi.String(string(sn.Role)).ToStringOutput(),
		}
	}
	return net
}

func TestPlanBackupStorage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		spec   func(s *platform.BackupStorageSpec)
		verify func(t *testing.T, p backupPlan)
	}{
		{
			name: "zone-redundant, unlocked",
			verify: func(t *testing.T, p backupPlan) {
				if p.Account != "backups-storage" || p.BlobService != "backups-blob-service" || p.Lifecycle != "backups-lifecycle" ||
					p.Container != "backups-container" || p.Lock != "backups-storage-lock" {
					t.Errorf("child names %q %q %q %q %q", p.Account, p.BlobService, p.Lifecycle, p.Container, p.Lock)
				}
				if p.SnapshotGroup != "backups-snapshots-rg" {
					t.Errorf("snapshot group %q, want backups-snapshots-rg", p.SnapshotGroup)
				}
				if p.SKU != "Standard_ZRS" {
					t.Errorf("SKU %q, want Standard_ZRS", p.SKU)
				}
				if p.MinimumTLS != "TLS1_2" || !p.HTTPSOnly || p.PublicBlobAccess || p.SharedKeyAccess || p.CrossTenantReplication {
					t.Errorf("access: TLS %q, HTTPS only %v, public blob access %v, shared keys %v, cross-tenant replication %v",
						p.MinimumTLS, p.HTTPSOnly, p.PublicBlobAccess, p.SharedKeyAccess, p.CrossTenantReplication)
				}
				if p.SoftDeleteDays != 14 || !p.Versioning || p.VersionRetentionDays != 14 {
					t.Errorf("soft delete %d days, versioning %v, versions kept %d days", p.SoftDeleteDays, p.Versioning, p.VersionRetentionDays)
				}
				if p.ContainerName != "velero" || p.PublicAccess != "None" {
					t.Errorf("container %q, public access %q; want a private \"velero\"", p.ContainerName, p.PublicAccess)
				}
				if p.Protect || p.Locked || p.LockName != "" || p.LockLevel != "" {
					t.Errorf("unlocked storage: protect %v, locked %v, lock %q %q", p.Protect, p.Locked, p.LockName, p.LockLevel)
				}
				if p.Tags["environment"] != "prod" {
					t.Errorf("tags %v", p.Tags)
				}
				// Reachable only privately, in every class.
				if p.PublicNetworkAccess != "Disabled" || p.NetworkDefaultAction != "Deny" || p.NetworkBypass != "None" {
					t.Errorf("network access: public %q, default action %q, bypass %q; want Disabled, Deny, None",
						p.PublicNetworkAccess, p.NetworkDefaultAction, p.NetworkBypass)
				}
				if want := (endpointPlan{
					Name:          "backups-blob-endpoint",
					NIC:           "backups-blob-endpoint-nic",
					Connection:    "backups-blob",
					Subresource:   "blob",
					Subnet:        platform.SubnetPrivateEndpoints,
					Zone:          "backups-blob-dns",
					ZoneName:      "privatelink.blob.core.windows.net",
					ZoneLocation:  "global",
					Link:          "backups-blob-dns-link",
					ZoneGroup:     "backups-blob-dns-group",
					ZoneGroupName: "default",
					ZoneConfig:    "privatelink-blob-core-windows-net",
				}); p.Endpoint != want {
					t.Errorf("private endpoint\n%+v\nwant\n%+v", p.Endpoint, want)
				}
			},
		},
		{
			name: "geo-redundant",
			spec: func(s *platform.BackupStorageSpec) { s.GeoRedundant = true },
			verify: func(t *testing.T, p backupPlan) {
				if p.SKU != "Standard_GRS" {
					t.Errorf("SKU %q, want Standard_GRS", p.SKU)
				}
			},
		},
		{
			name: "locked",
			spec: func(s *platform.BackupStorageSpec) { s.Locked = true; s.SoftDeleteDays = 90 },
			verify: func(t *testing.T, p backupPlan) {
				if !p.Protect || !p.Locked || p.LockName != "backups-storage-lock" || p.LockLevel != "CanNotDelete" {
					t.Errorf("locked storage: protect %v, locked %v, lock %q %q", p.Protect, p.Locked, p.LockName, p.LockLevel)
				}
				if len(p.LockNotes) > 512 {
					t.Errorf("lock notes have %d characters, ARM takes 512: %s", len(p.LockNotes), p.LockNotes)
				}
				// Production never sets Locked to false: the notes say the
				// one way the lock goes.
				for _, say := range []string{"always Locked", "only to decommission", "pulumi state unprotect", "remove the storage from the stack", "never by hand"} {
					if !strings.Contains(p.LockNotes, say) {
						t.Errorf("lock notes do not say %q: %s", say, p.LockNotes)
					}
				}
				if strings.Contains(p.LockNotes, "Locked to false") {
					t.Errorf("lock notes suggest setting Locked to false, which leaves the protected lock in place: %s", p.LockNotes)
				}
				if p.SoftDeleteDays != 90 || p.VersionRetentionDays != 90 {
					t.Errorf("soft delete %d, versions %d; want 90", p.SoftDeleteDays, p.VersionRetentionDays)
				}
				// Locked changes nothing about how the storage is reached.
				if p.PublicNetworkAccess != "Disabled" || p.NetworkDefaultAction != "Deny" || p.Endpoint.Subnet != platform.SubnetPrivateEndpoints {
					t.Errorf("locked storage: public %q, default action %q, endpoint subnet %q", p.PublicNetworkAccess, p.NetworkDefaultAction, p.Endpoint.Subnet)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := backupSpec()
			if tc.spec != nil {
				tc.spec(&s)
			}
			p, err := planBackupStorage(s)
			if err != nil {
				t.Fatal(err)
			}
			tc.verify(t, p)
		})
	}
}

// TestPlanBackupSnapshotGroupFitsAzure holds every valid logical name, the
// longest included, to Azure's resource group name rules: 1-90 letters,
// digits, '-', '_', '.', '(' and ')', not ending in '.'.
func TestPlanBackupSnapshotGroupFitsAzure(t *testing.T) {
	azureGroup := regexp.MustCompile(`^[-\w.()]{0,89}[-\w()]$`)
	longest := strings.Repeat("a", platform.MaxNameLength-2) + "-9"
	for _, name := range []string{"b", "prod-aks-backup", longest} {
		s := backupSpec()
		s.Name = name
		p, err := planBackupStorage(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := name + "-snapshots-rg"; p.SnapshotGroup != want || !azureGroup.MatchString(p.SnapshotGroup) {
			t.Errorf("name %q: snapshot group %q (%d characters), want %q within Azure's 90", name, p.SnapshotGroup, len(p.SnapshotGroup), want)
		}
	}
}

func TestPlanBackupStorageRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec func(s *platform.BackupStorageSpec)
		want []string
	}{
		{"no cluster", func(s *platform.BackupStorageSpec) { s.Cluster = nil }, []string{
			"backupStorage.cluster: required: the outputs of the cluster whose backups the storage holds",
		}},
		{"cluster without disk scope", func(s *platform.BackupStorageSpec) { s.Cluster.DiskScope = pulumi.StringOutput{} }, []string{
			"backupStorage.cluster.diskScope: required:",
		}},
		{"soft delete out of Azure's range", func(s *platform.BackupStorageSpec) { s.SoftDeleteDays = 0 }, []string{
			"backupStorage.softDeleteDays 0: Azure keeps soft-deleted blobs and containers 1 to 365 days",
		}},
		{"network without a private-endpoints subnet", func(s *platform.BackupStorageSpec) {
			s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
		}, []string{
			`backupStorage.network.spec.subnets: required: a subnet with role "private-endpoints": the storage account has no public access and is reached through a private endpoint there; ` +
				"pass the cluster's network (cluster.Host's ClusterSpec().Network), whose layout has one by default",
		}},
		{"no network at all", func(s *platform.BackupStorageSpec) { s.Network = platform.ClusterNetwork{} }, []string{
			`backupStorage.network.spec.subnets: required: a subnet with role "private-endpoints"`,
		}},
		{"network without outputs", func(s *platform.BackupStorageSpec) { s.Network.Outputs = platform.NetworkOutputs{} }, []string{
			`backupStorage.network.outputs.subnets["private-endpoints"]: required: the subnet's ARM ID, where the private endpoint goes`,
			"backupStorage.network.outputs.id: required: the VNet's ARM ID, which the private DNS zone is linked to",
		}},
		{"everything at once", func(s *platform.BackupStorageSpec) { s.Name = "Backups"; s.Cluster = nil; s.SoftDeleteDays = 400 }, []string{
			`backupStorage.name "Backups": use lowercase letters`,
			"backupStorage.cluster: required",
			"backupStorage.softDeleteDays 400:",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := backupSpec()
			c := *s.Cluster
			s.Cluster = &c
			tc.spec(&s)
			_, err := planBackupStorage(s)
			for _, want := range tc.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v, want one containing %q", err, want)
				}
			}
		})
	}
}

func TestBackupAccountName(t *testing.T) {
	const sub = "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"
	a, err := backupAccountName(sub, "prod-rg", "backups")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^bkbackups[0-9a-f]{8}$`).MatchString(a) {
		t.Errorf("account name %q, want bk + name + 8 hex", a)
	}
	if again, _ := backupAccountName(sub, "prod-rg", "backups"); again != a {
		t.Errorf("not deterministic: %q then %q", a, again)
	}
	for what, other := range map[string]string{
		"subscription":   must(backupAccountName("0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", "prod-rg", "backups")),
		"resource group": must(backupAccountName(sub, "dr-rg", "backups")),
		"name":           must(backupAccountName(sub, "prod-rg", "backups2")),
	} {
		if other == a {
			t.Errorf("another %s gives the same globally unique name %q", what, a)
		}
	}
	// The flow-log account of a network of the same name never collides.
	if fl := storageAccountName("fl", "backups", sub, "prod-rg"); fl == a {
		t.Errorf("flow-log and backup accounts share the name %q", a)
	}
	long, err := backupAccountName(sub, "prod-rg", "a-very-long-backup-name1")
	if err != nil || len(long) != 24 || !regexp.MustCompile(`^[a-z0-9]+$`).MatchString(long) {
		t.Errorf("long name %q (%d characters), %v; want 24 lowercase letters and digits", long, len(long), err)
	}
	if _, err := backupAccountName(sub, "prod-rg", "Backups_X"); err == nil || !strings.Contains(err.Error(), `backupStorage.name "Backups_X": gives the storage account name`) {
		t.Errorf("invalid name accepted: %v", err)
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func identitySpec() platform.WorkloadIdentitySpec {
	zone := pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.com")
	return platform.WorkloadIdentitySpec{
		Name:           "cert-manager",
		Namespace:      "cert-manager",
		ServiceAccount: "cert-manager",
		Grants: []platform.Grant{
			{Role: platform.GrantDNSZoneContributor, Scope: zone},
			{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/backups/blobServices/default/containers/velero")},
			{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.org")},
		},
		Tags: platform.Tags{"environment": "prod"},
	}
}

func TestPlanIdentity(t *testing.T) {
	p, err := planIdentity(identitySpec())
	if err != nil {
		t.Fatal(err)
	}
	want := identityPlan{
		Identity:   "cert-manager-identity",
		Federation: "cert-manager-federation",
		Subject:    "system:serviceaccount:cert-manager:cert-manager",
		Audiences:  []string{"api://AzureADTokenExchange"},
		Grants: []grantPlan{
			{Resource: "cert-manager-dns-zone-contributor-1", Role: roleDNSZoneContributor, Index: 0},
			{Resource: "cert-manager-object-storage-writer-1", Role: roleStorageBlobDataContributor, Index: 1, KeyIssuer: &keyIssuerPlan{
				Resource: "cert-manager-object-storage-writer-1-delegation-key", Definition: "cert-manager-object-storage-writer-1-delegation-key-role",
			}},
			{Resource: "cert-manager-dns-zone-contributor-2", Role: roleDNSZoneContributor, Index: 2},
		},
		Tags: map[string]string{"environment": "prod"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", p, want)
	}
}

func TestPlanIdentityRejectsUnknownGrants(t *testing.T) {
	s := identitySpec()
	s.Grants[1].Role = "owner"
	s.Grants[2].Scope = nil
	_, err := planIdentity(s)
	for _, want := range []string{
		`workloadIdentity.grants[1].role "owner": AKS maps only`,
		`workloadIdentity.grants[2].scope: required`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
}

func TestPlanIdentityDiskSnapshotGrantIsACustomRole(t *testing.T) {
	s := identitySpec()
	s.Name = "velero"
	s.Grants = []platform.Grant{
		{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Storage/storageAccounts/bk/blobServices/default/containers/velero")},
		{Role: platform.GrantDiskSnapshotOperator, Scope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope")},
		{Role: platform.GrantDiskSnapshotOperator, Scope: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_dr-rg_dr-aks_northeurope")},
	}
	p, err := planIdentity(s)
	if err != nil {
		t.Fatal(err)
	}
	custom := roleDiskSnapshotOperator
	want := []grantPlan{
		{Resource: "velero-object-storage-writer-1", Role: roleStorageBlobDataContributor, Index: 0, KeyIssuer: &keyIssuerPlan{
			Resource: "velero-object-storage-writer-1-delegation-key", Definition: "velero-object-storage-writer-1-delegation-key-role",
		}},
		{Resource: "velero-disk-snapshot-operator-1", Custom: &custom, Definition: "velero-disk-snapshot-operator-1-role", Index: 1},
		{Resource: "velero-disk-snapshot-operator-2", Custom: &custom, Definition: "velero-disk-snapshot-operator-2-role", Index: 2},
	}
	if !reflect.DeepEqual(p.Grants, want) {
		t.Errorf("grants:\n%+v\nwant\n%+v", p.Grants, want)
	}
	// Each grant has its own definition: changing one never touches the
	// other's.
	if p.Grants[1].Custom == p.Grants[2].Custom {
		t.Error("two grants share one custom role value")
	}
}

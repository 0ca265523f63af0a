package aks

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

func TestRoleDefinitionIDs(t *testing.T) {
	// The GUIDs of Microsoft's built-in roles, as listed in the project's
	// platform baseline and Microsoft's built-in role reference.
	for role, want := range map[roleDefinition]string{
		roleNetworkContributor:         "4d97b98b-1d4f-4787-a291-c67834d212e7",
		roleManagedIdentityOperator:    "f1a07417-d97a-45cb-824c-7a7467783830",
		roleDNSZoneContributor:         "befefa01-2a29-4197-83a8-272ff33ce314",
		roleStorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
	} {
		if string(role) != want {
			t.Errorf("role %s, want %s", role, want)
		}
	}
	got := roleNetworkContributor.id("5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a")
	if want := "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7"; got != want {
		t.Errorf("id = %s, want %s", got, want)
	}
	for _, g := range platform.GrantRoles {
		_, builtIn := grantRoles[g]
		_, custom := customRoles[g]
		if builtIn == custom {
			t.Errorf("grant role %q: built-in %v, custom %v; want exactly one Azure role", g, builtIn, custom)
		}
	}
	if grantRoles[platform.GrantDNSZoneContributor] != roleDNSZoneContributor || grantRoles[platform.GrantObjectStorageWriter] != roleStorageBlobDataContributor {
		t.Errorf("grant roles = %v", grantRoles)
	}
}

var v5 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestRoleAssignmentName(t *testing.T) {
	const (
		scope     = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Network/virtualNetworks/prod-vnet/subnets/nodes"
		principal = "9d7c1e2a-4b3f-5a6e-8d9c-0b1a2f3e4d5c"
	)
	role := roleNetworkContributor.id("5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a")
	name := roleAssignmentName(scope, role, principal)
	if !v5.MatchString(name) {
		t.Errorf("%s is not a version-5 UUID", name)
	}
	if name != roleAssignmentName(scope, role, principal) {
		t.Error("not deterministic")
	}
	// ARM compares IDs case-insensitively; so does the name.
	if name != roleAssignmentName("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourcegroups/PROD-RG/providers/Microsoft.Network/virtualNetworks/prod-vnet/subnets/nodes", role, principal) {
		t.Error("name depends on the case of the scope")
	}
	for what, other := range map[string]string{
		"scope":     roleAssignmentName(scope[:len(scope)-len("nodes")]+"ingress", role, principal),
		"role":      roleAssignmentName(scope, roleManagedIdentityOperator.id("5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"), principal),
		"principal": roleAssignmentName(scope, role, "9d7c1e2a-4b3f-5a6e-8d9c-0b1a2f3e4d5d"),
	} {
		if other == name {
			t.Errorf("a different %s gives the same name", what)
		}
	}
	// The RFC 9562 algorithm (URL namespace), checked against
	// github.com/google/uuid's NewSHA1.
	if got, want := roleAssignmentName("/subscriptions/x", "/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/y", "z"), "1fed5c25-ff53-5c36-825d-0c15cb352700"; got != want {
		t.Errorf("name = %s, want %s", got, want)
	}
}

// TestDiskSnapshotOperatorActions pins the custom role to exactly what
// Velero's Azure plugin needs for volume snapshots
// (github.com/vmware-tanzu/velero-plugin-for-microsoft-azure, "minimum
// permissions"): nothing more, no wildcards, no data actions.
func TestDiskSnapshotOperatorActions(t *testing.T) {
	if got := customRoles[platform.GrantDiskSnapshotOperator]; !reflect.DeepEqual(got, roleDiskSnapshotOperator) {
		t.Fatalf("disk snapshot grant maps to %+v", got)
	}
	want := []string{
		"Microsoft.Compute/disks/read",
		"Microsoft.Compute/disks/write",
		"Microsoft.Compute/disks/beginGetAccess/action",
		"Microsoft.Compute/disks/endGetAccess/action",
		"Microsoft.Compute/snapshots/read",
		"Microsoft.Compute/snapshots/write",
		"Microsoft.Compute/snapshots/delete",
	}
	if !reflect.DeepEqual(roleDiskSnapshotOperator.Actions, want) {
		t.Errorf("actions\n%q\nwant exactly\n%q", roleDiskSnapshotOperator.Actions, want)
	}
	for _, a := range roleDiskSnapshotOperator.Actions {
		if strings.Contains(a, "*") {
			t.Errorf("action %q is a wildcard", a)
		}
	}
}

func TestCustomRoleDefinitionName(t *testing.T) {
	const (
		scope     = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope"
		principal = "9d7c1e2a-4b3f-5a6e-8d9c-0b1a2f3e4d5c"
		role      = string(platform.GrantDiskSnapshotOperator)
	)
	name := customRoleDefinitionName(scope, role, principal)
	if !v5.MatchString(name) {
		t.Errorf("%s is not a version-5 UUID", name)
	}
	if name != customRoleDefinitionName(strings.ToUpper(scope), role, principal) {
		t.Error("name depends on the case of the scope")
	}
	for what, other := range map[string]string{
		"scope":     customRoleDefinitionName(scope+"x", role, principal),
		"principal": customRoleDefinitionName(scope, role, "9d7c1e2a-4b3f-5a6e-8d9c-0b1a2f3e4d5d"),
		"role":      customRoleDefinitionName(scope, "other", principal),
		// Never the name of an assignment of the same triple.
		"kind": roleAssignmentName(scope, role, principal),
	} {
		if other == name {
			t.Errorf("a different %s gives the same name", what)
		}
	}
}

func TestSubscriptionFromID(t *testing.T) {
	for id, want := range map[string]string{
		"/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/MC_prod-rg_prod-aks_westeurope": "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a",
		"/subscriptions/abc": "abc",
	} {
		if got, err := subscriptionFromID(id); err != nil || got != want {
			t.Errorf("subscriptionFromID(%q) = %q, %v; want %q", id, got, err, want)
		}
		if got, err := subscriptionScope(id); err != nil || got != "/subscriptions/"+want {
			t.Errorf("subscriptionScope(%q) = %q, %v", id, got, err)
		}
	}
	for _, id := range []string{"", "MC_prod", "/resourceGroups/x", "/subscriptions/"} {
		if _, err := subscriptionFromID(id); err == nil {
			t.Errorf("subscriptionFromID(%q) did not fail", id)
		}
	}
}

// TestUserDelegationKeyIssuerActions pins the role object storage grants
// add on the storage account to the one action that issues user delegation
// keys: no data action, nothing else on the account.
func TestUserDelegationKeyIssuerActions(t *testing.T) {
	want := []string{"Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"}
	if !reflect.DeepEqual(roleUserDelegationKeyIssuer.Actions, want) {
		t.Errorf("actions %q, want exactly %q", roleUserDelegationKeyIssuer.Actions, want)
	}
	if roleUserDelegationKeyIssuer.Key == roleDiskSnapshotOperator.Key {
		t.Error("two custom roles share a key; their definitions' GUIDs would collide")
	}
}

func TestStorageAccountOf(t *testing.T) {
	const account = "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/prod-rg/providers/Microsoft.Storage/storageAccounts/bkbackups1a2b3c4d"
	for id, want := range map[string]string{
		account + "/blobServices/default/containers/velero": account,
		account: account,
		strings.ToLower(account) + "/BlobServices/default/containers/velero": strings.ToLower(account),
	} {
		if got, err := storageAccountOf(id); err != nil || got != want {
			t.Errorf("storageAccountOf(%q) = %q, %v; want %q", id, got, err, want)
		}
	}
	if _, err := storageAccountOf("/subscriptions/x/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.com"); err == nil {
		t.Error("a DNS zone ID was taken for a storage account")
	}
}

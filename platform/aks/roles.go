package aks

import (
	"crypto/sha1"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// roleDefinition is the GUID of an Azure built-in role. Each was checked
// against Microsoft's list of built-in roles
// (learn.microsoft.com/azure/role-based-access-control/built-in-roles) and
// the project's platform baseline; a wrong GUID fails only at deploy time.
type roleDefinition string

// The built-in roles Plinth assigns.
const (
	// roleNetworkContributor manages networks (Microsoft.Network/*). The
	// cluster's control-plane identity gets it on each subnet it places
	// nodes or internal load balancers in.
	roleNetworkContributor roleDefinition = "4d97b98b-1d4f-4787-a291-c67834d212e7"
	// roleManagedIdentityOperator reads and assigns a user-assigned
	// identity. The control-plane identity needs it on the kubelet identity
	// to attach it to the node scale sets.
	roleManagedIdentityOperator roleDefinition = "f1a07417-d97a-45cb-824c-7a7467783830"
	// roleDNSZoneContributor manages the record sets of a DNS zone
	// (platform.GrantDNSZoneContributor).
	roleDNSZoneContributor roleDefinition = "befefa01-2a29-4197-83a8-272ff33ce314"
	// roleStorageBlobDataContributor reads, writes and deletes blobs
	// (platform.GrantObjectStorageWriter).
	roleStorageBlobDataContributor roleDefinition = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"

	// roleKeyVaultSecretsUser reads secret contents (secrets/getSecret,
	// secrets/readMetadata) and nothing else: a team's workload identity
	// gets it on exactly the team's vault (NewSecretStore).
	roleKeyVaultSecretsUser roleDefinition = "4633458b-17de-408a-b874-0445c86b69e6"
	// roleKeyVaultSecretsOfficer creates, reads, changes, deletes and
	// recovers the secrets of a vault, and cannot change access to it: a
	// team's writer groups get it on exactly the team's vault.
	roleKeyVaultSecretsOfficer roleDefinition = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"

	// roleAcrPull pulls images and other artifacts from a container
	// registry, and nothing else: the cluster's kubelet identity gets it
	// on exactly the environment's registry (NewRegistry).
	roleAcrPull roleDefinition = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	// roleAcrPush pushes and pulls artifacts of a container registry, and
	// cannot delete them nor change the registry: each CI identity of
	// RegistrySpec.Pushers gets it on exactly the environment's registry.
	roleAcrPush roleDefinition = "8311e382-0749-4cb8-b61a-304f252e45ec"

	// The AKS roles of access packages (NewAccessPackage). The RBAC roles
	// grant Kubernetes rights through Azure RBAC for Kubernetes
	// authorization; assigned at <clusterId>/namespaces/<ns> they hold in
	// that namespace only.

	// roleAKSRBACReader reads most objects in a namespace, not Secrets,
	// Roles or RoleBindings (platform.AccessView).
	roleAKSRBACReader roleDefinition = "7f6c6a51-bcf8-42ba-9220-52d62157d7db"
	// roleAKSRBACWriter reads and writes most objects in a namespace, not
	// Roles or RoleBindings (platform.AccessEdit).
	roleAKSRBACWriter roleDefinition = "a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb"
	// roleAKSRBACAdmin manages everything in a namespace, including Roles
	// and RoleBindings, but not its ResourceQuotas nor the namespace itself
	// (platform.AccessAdmin).
	roleAKSRBACAdmin roleDefinition = "3498e952-d568-435e-9b2c-8d77e338d7f7"
	// roleAKSRBACClusterAdmin manages every object of the cluster
	// (platform.AccessClusterAdmin, break-glass only).
	roleAKSRBACClusterAdmin roleDefinition = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
	// roleAKSClusterUser lets a principal fetch the cluster's user
	// kubeconfig (listClusterUserCredential) and nothing else: with Entra
	// ID and Azure RBAC that kubeconfig carries no Kubernetes rights of its
	// own.
	roleAKSClusterUser roleDefinition = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"
)

// grantRoles maps each platform grant that a built-in role covers to the
// narrowest built-in role. The others are in customRoles.
var grantRoles = map[platform.GrantRole]roleDefinition{
	platform.GrantDNSZoneContributor:  roleDNSZoneContributor,
	platform.GrantObjectStorageWriter: roleStorageBlobDataContributor,
}

// customRole is a role Plinth defines itself because no built-in role is
// narrow enough. Each assignment of it gets a role definition of its own,
// whose only assignable scope is the scope of that assignment.
type customRole struct {
	// Key identifies the role in its definitions' GUIDs (see
	// customRoleDefinitionName).
	Key string
	// Name prefixes the role's display name. Display names are unique in
	// the Entra tenant, so the definition's GUID is appended.
	Name string
	// Description says what the role is for.
	Description string
	// Actions are the control-plane operations it allows, and nothing
	// else: no wildcards, no data actions.
	Actions []string
}

// roleDiskSnapshotOperator is what Velero's Azure plugin
// (velero-plugin-for-microsoft-azure) needs for volume snapshots: read the
// persistent volumes' managed disks, create disks from snapshots on restore
// (disks/write), export and import disk contents (begin/endGetAccess), and
// create, read and delete snapshots. No built-in role holds just these;
// Contributor, the other option Velero's guide gives, is far broader.
var roleDiskSnapshotOperator = customRole{
	Key:         string(platform.GrantDiskSnapshotOperator),
	Name:        "Plinth Disk Snapshot Operator",
	Description: "Velero volume snapshots: reads and writes managed disks and creates, reads and deletes disk snapshots in one resource group. Managed by Plinth.",
	Actions: []string{
		"Microsoft.Compute/disks/read",
		"Microsoft.Compute/disks/write",
		"Microsoft.Compute/disks/beginGetAccess/action",
		"Microsoft.Compute/disks/endGetAccess/action",
		"Microsoft.Compute/snapshots/read",
		"Microsoft.Compute/snapshots/write",
		"Microsoft.Compute/snapshots/delete",
	},
}

// roleUserDelegationKeyIssuer lets a principal get a user delegation key
// for the blob service of one storage account, and nothing else. Velero's
// Azure plugin with useAAD signs the URLs of `velero backup logs`,
// `describe --details` and `download` with such a key (a user delegation
// SAS), since the account has no shared keys. ARM authorizes the key at the
// storage account or above only, so the Storage Blob Data Contributor
// assignment on a container does not cover it. The key grants no data
// access of its own: a SAS signed with it allows at most what the signer's
// own roles allow.
var roleUserDelegationKeyIssuer = customRole{
	Key:         "user-delegation-key-issuer",
	Name:        "Plinth Blob User Delegation Key Issuer",
	Description: "Gets user delegation keys for one storage account's blob service, to sign SAS URLs limited to the signer's own blob access. Managed by Plinth.",
	Actions: []string{
		"Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
	},
}

// customRoles maps the platform grants no built-in role covers narrowly
// enough to the role Plinth defines for them.
var customRoles = map[platform.GrantRole]customRole{
	platform.GrantDiskSnapshotOperator: roleDiskSnapshotOperator,
}

// id returns the role definition's full ARM ID in the subscription:
// /subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>.
func (r roleDefinition) id(subscriptionID string) string {
	return fmt.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscriptionID, string(r))
}

// roleAssignmentNamespace is the namespace of Plinth's role assignment
// names: the RFC 9562 URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
var roleAssignmentNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// roleAssignmentName returns the name of a role assignment: a name-based
// (version 5, SHA-1) UUID of its scope, role definition ID and principal ID,
// compared case-insensitively as ARM does. The same assignment always gets
// the same name, so a re-deploy never fails with
// RoleAssignmentUpdateNotPermitted nor creates a duplicate, and a change of
// scope, role or principal gives a new name that can be created before the
// old assignment is deleted.
func roleAssignmentName(scope, roleDefinitionID, principalID string) string {
	return nameUUID(scope + "|" + roleDefinitionID + "|" + principalID)
}

// customRoleDefinitionName returns the GUID of the custom role definition
// that grants role to principal at scope: a name-based UUID like
// roleAssignmentName's, of a different input, so that the definition
// belongs to exactly one grant. Two grants of the role (other identities or
// other scopes) get definitions of their own, never one shared by two
// stacks; a change of scope or principal gives a new definition that is
// created before the old one is deleted.
func customRoleDefinitionName(scope, role, principalID string) string {
	return nameUUID("custom-role|" + scope + "|" + role + "|" + principalID)
}

// nameUUID returns the version 5 UUID of s, lowercased, in
// roleAssignmentNamespace.
func nameUUID(s string) string {
	h := sha1.New() // version 5 UUIDs are defined on SHA-1; nothing here is secret
	h.Write(roleAssignmentNamespace[:])
	h.Write([]byte(strings.ToLower(s)))
	sum := h.Sum(nil)
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// assignRole gives principal the role at exactly scope. name is the Pulumi
// name; the Azure name derives from scope, role and principal.
func (b *Backend) assignRole(ctx *pulumi.Context, name string, role roleDefinition, scope, principal pulumi.StringInput, opts []pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	return b.assign(ctx, name, pulumi.String(role.id(b.cfg.SubscriptionID)), scope, principal, opts)
}

// assignCustomRole defines role for this one grant and gives principal
// that definition at exactly scope. name is the role assignment's Pulumi
// name (see grantPlan); definition the role definition's.
//
// The definition is created in the subscription of scope, and the
// assignment references it by its subscription-level ID
// (/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>),
// the form ARM expects for custom roles. Its only assignable scope is
// scope, so it cannot be assigned anywhere else. Creating it needs
// Microsoft.Authorization/roleDefinitions/write on the subscription (Owner
// or User Access Administrator there) for whoever runs `pulumi up`.
func (b *Backend) assignCustomRole(ctx *pulumi.Context, name, definition string, role customRole, scope, principal pulumi.StringInput, opts []pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	guid := pulumi.All(scope, principal).ApplyT(func(v []any) string {
		return customRoleDefinitionName(v[0].(string), role.Key, v[1].(string))
	}).(pulumi.StringOutput)
	subscription := scope.ToStringOutput().ApplyT(subscriptionScope).(pulumi.StringOutput)
	def, err := authorization.NewRoleDefinition(ctx, definition, &authorization.RoleDefinitionArgs{
		RoleDefinitionId: guid,
		Scope:            subscription,
		RoleName:         pulumi.Sprintf("%s (%s)", role.Name, guid),
		Description:      pulumi.String(role.Description),
		RoleType:         pulumi.String("CustomRole"),
		Permissions: authorization.PermissionArray{
			authorization.PermissionArgs{Actions: pulumi.ToStringArray(role.Actions)},
		},
		AssignableScopes: pulumi.StringArray{scope},
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	roleID := pulumi.Sprintf("%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscription, guid)
	return b.assign(ctx, name, roleID, scope, principal, opts, pulumi.DependsOn([]pulumi.Resource{def}))
}

// subscriptionScope returns "/subscriptions/<sub>" of an ARM ID.
func subscriptionScope(id string) (string, error) {
	sub, err := subscriptionFromID(id)
	return "/subscriptions/" + sub, err
}

// subscriptionFromID returns the subscription of an ARM ID
// (/subscriptions/<sub>/...).
func subscriptionFromID(id string) (string, error) {
	parts := strings.Split(strings.TrimPrefix(id, "/"), "/")
	if len(parts) >= 2 && strings.EqualFold(parts[0], "subscriptions") && parts[1] != "" {
		return parts[1], nil
	}
	return "", fmt.Errorf("%q is not an ARM ID (/subscriptions/<sub>/...)", id)
}

// storageAccountOf returns the storage account of a blob container's ARM ID
// (<account>/blobServices/default/containers/<name>), or the ID itself
// when it is a storage account's.
func storageAccountOf(id string) (string, error) {
	lower := strings.ToLower(id)
	if !strings.Contains(lower, "/providers/microsoft.storage/storageaccounts/") {
		return "", fmt.Errorf("%q is not the ARM ID of a storage account or blob container", id)
	}
	if i := strings.Index(lower, "/blobservices/"); i >= 0 {
		return id[:i], nil
	}
	return id, nil
}

// assign gives principal the role definition roleID at exactly scope. more
// are options for this assignment only.
func (b *Backend) assign(ctx *pulumi.Context, name string, roleID, scope, principal pulumi.StringInput, opts []pulumi.ResourceOption, more ...pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	assignmentName := pulumi.All(scope, principal, roleID).ApplyT(func(v []any) string {
		return roleAssignmentName(v[0].(string), v[2].(string), v[1].(string))
	}).(pulumi.StringOutput)
	return authorization.NewRoleAssignment(ctx, name, &authorization.RoleAssignmentArgs{
		RoleAssignmentName: assignmentName,
		Scope:              scope,
		RoleDefinitionId:   roleID,
		PrincipalId:        principal,
		// A managed identity is a service principal. Saying so lets ARM
		// skip the directory lookup that fails for a principal created
		// seconds earlier (PrincipalNotFound while Entra ID replicates).
		PrincipalType: pulumi.String("ServicePrincipal"),
	}, b.opts(opts, more...)...)
}

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
)

// grantRoles maps each platform grant to the narrowest built-in role.
var grantRoles = map[platform.GrantRole]roleDefinition{
	platform.GrantDNSZoneContributor:  roleDNSZoneContributor,
	platform.GrantObjectStorageWriter: roleStorageBlobDataContributor,
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
	h := sha1.New() // version 5 UUIDs are defined on SHA-1; nothing here is secret
	h.Write(roleAssignmentNamespace[:])
	h.Write([]byte(strings.ToLower(scope + "|" + roleDefinitionID + "|" + principalID)))
	sum := h.Sum(nil)
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// assignRole gives principal the role at exactly scope. name is the Pulumi
// name; the Azure name derives from scope, role and principal.
func (b *Backend) assignRole(ctx *pulumi.Context, name string, role roleDefinition, scope, principal pulumi.StringInput, opts []pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	roleID := role.id(b.cfg.SubscriptionID)
	assignmentName := pulumi.All(scope, principal).ApplyT(func(v []any) string {
		return roleAssignmentName(v[0].(string), roleID, v[1].(string))
	}).(pulumi.StringOutput)
	return authorization.NewRoleAssignment(ctx, name, &authorization.RoleAssignmentArgs{
		RoleAssignmentName: assignmentName,
		Scope:              scope,
		RoleDefinitionId:   pulumi.String(roleID),
		PrincipalId:        principal,
		// A managed identity is a service principal. Saying so lets ARM
		// skip the directory lookup that fails for a principal created
		// seconds earlier (PrincipalNotFound while Entra ID replicates).
		PrincipalType: pulumi.String("ServicePrincipal"),
	}, b.opts(opts)...)
}

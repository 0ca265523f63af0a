package aks

import (
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewWorkloadIdentity gives the Kubernetes service account
// spec.Namespace/spec.ServiceAccount an Entra identity of its own: a
// user-assigned managed identity in the cluster's resource group, a
// federated credential that trusts the cluster's OIDC issuer for exactly
// that service account, and one role assignment per grant at exactly the
// grant's scope. GrantDiskSnapshotOperator has no narrow built-in role:
// each such grant gets a custom role definition of its own
// (roleDiskSnapshotOperator), assignable only at the grant's scope, normally
// the cluster's node resource group (ClusterOutputs.DiskScope). Each
// GrantObjectStorageWriter also gets, on the storage account of its
// container, a custom role that only issues user delegation keys
// (roleUserDelegationKeyIssuer): without shared keys, that is how the
// workload signs download URLs to the blobs it can read. The node
// (kubelet) identity is never used, so a second identity on the nodes (for
// example the monitoring agent's) cannot break the workload.
//
// The workload needs the returned service-account annotation
// (azure.workload.identity/client-id) and pod label
// (azure.workload.identity/use: "true").
func (b *Backend) NewWorkloadIdentity(ctx *pulumi.Context, spec platform.WorkloadIdentitySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadIdentity, error) {
	if spec.Cluster == nil {
		return nil, field.Required(field.NewPath("workloadIdentity").Child("cluster"), "the outputs of the cluster the workload runs in")
	}
	plan, err := planIdentity(spec)
	if err != nil {
		return nil, err
	}
	n := spec.Name
	rg := spec.Cluster.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)

	identity, err := b.newUserAssignedIdentity(ctx, plan.Identity, rg, pulumi.ToStringMap(plan.Tags), opts)
	if err != nil {
		return nil, err
	}
	_, err = managedidentity.NewFederatedIdentityCredential(ctx, platform.ChildName(n, "federation"), &managedidentity.FederatedIdentityCredentialArgs{
		FederatedIdentityCredentialResourceName: pulumi.String(plan.Federation),
		ResourceName:                            identity.Name,
		ResourceGroupName:                       rg,
		Issuer:                                  spec.Cluster.OIDCIssuerURL,
		Subject:                                 pulumi.String(plan.Subject),
		Audiences:                               pulumi.ToStringArray(plan.Audiences),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	for _, g := range plan.Grants {
		scope := spec.Grants[g.Index].Scope
		if g.Custom != nil {
			_, err = b.assignCustomRole(ctx, g.Resource, g.Definition, *g.Custom, scope, identity.PrincipalId, opts)
		} else {
			_, err = b.assignRole(ctx, g.Resource, g.Role, scope, identity.PrincipalId, opts)
		}
		if err != nil {
			return nil, err
		}
		if k := g.KeyIssuer; k != nil {
			account := scope.ToStringOutput().ApplyT(storageAccountOf).(pulumi.StringOutput)
			if _, err := b.assignCustomRole(ctx, k.Resource, k.Definition, roleUserDelegationKeyIssuer, account, identity.PrincipalId, opts); err != nil {
				return nil, err
			}
		}
	}
	return &platform.WorkloadIdentity{
		ServiceAccountAnnotations: pulumi.StringMap{clientIDAnnotation: identity.ClientId}.ToStringMapOutput(),
		PodLabels:                 map[string]string{useLabel: "true"},
		ClientID:                  identity.ClientId,
		PrincipalID:               identity.PrincipalId,
	}, nil
}

// newUserAssignedIdentity registers a user-assigned managed identity in
// resource group rg and the backend's location, under its Azure name name
// (also its Pulumi name).
func (b *Backend) newUserAssignedIdentity(ctx *pulumi.Context, name string, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) (*managedidentity.UserAssignedIdentity, error) {
	return managedidentity.NewUserAssignedIdentity(ctx, name, &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(name),
		ResourceGroupName: rg,
		Location:          pulumi.String(b.cfg.Location),
		Tags:              tags,
	}, b.opts(opts)...)
}

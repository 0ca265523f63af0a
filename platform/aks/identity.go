package aks

import (
	"fmt"

	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Entra workload identity constants (azure.github.io/azure-workload-identity).
const (
	// workloadIdentityAudience is the audience AKS-issued service-account
	// tokens are exchanged with Entra ID for.
	workloadIdentityAudience = "api://AzureADTokenExchange"
	// clientIDAnnotation goes on the Kubernetes service account.
	clientIDAnnotation = "azure.workload.identity/client-id"
	// useLabel goes on the pods; the webhook injects the token only into
	// labeled pods.
	useLabel = "azure.workload.identity/use"
)

// identityPlan is the cloud-side shape of a WorkloadIdentitySpec on Azure.
type identityPlan struct {
	// Identity is the user-assigned identity's Azure name; Federation the
	// federated credential's.
	Identity, Federation string
	// Subject and Audiences are what the federated credential trusts,
	// together with the cluster's OIDC issuer (an output, so not planned).
	Subject   string
	Audiences []string
	Grants    []grantPlan
	Tags      map[string]string
}

type grantPlan struct {
	// Resource is the role assignment's Pulumi name: "<name>-<role>-<k>",
	// k counting the grants of the same role from 1, so that adding a grant
	// never renames an existing one.
	Resource string
	Role     roleDefinition
	// Index is the grant's position in the spec (its scope).
	Index int
}

func planIdentity(spec platform.WorkloadIdentitySpec) (identityPlan, error) {
	n := spec.Name
	p := identityPlan{
		Identity:   platform.ChildName(n, "identity"),
		Federation: platform.ChildName(n, "federation"),
		Subject:    spec.Subject(),
		Audiences:  []string{workloadIdentityAudience},
		Tags:       spec.Tags.Merge(),
	}
	var errs field.List
	seen := map[platform.GrantRole]int{}
	for i, g := range spec.Grants {
		role, ok := grantRoles[g.Role]
		if !ok {
			errs.Addf(field.NewPath("workloadIdentity").Child("grants").Index(i).Child("role"), string(g.Role), "AKS maps only %v", platform.GrantRoles)
			continue
		}
		if g.Scope == nil {
			errs.Add(field.Required(field.NewPath("workloadIdentity").Child("grants").Index(i).Child("scope"), "the ARM ID of the resource the grant is on"))
			continue
		}
		seen[g.Role]++
		p.Grants = append(p.Grants, grantPlan{
			Resource: platform.ChildName(n, fmt.Sprintf("%s-%d", g.Role, seen[g.Role])),
			Role:     role,
			Index:    i,
		})
	}
	return p, errs.Err()
}

// NewWorkloadIdentity gives the Kubernetes service account
// spec.Namespace/spec.ServiceAccount an Entra identity of its own: a
// user-assigned managed identity in the cluster's resource group, a
// federated credential that trusts the cluster's OIDC issuer for exactly
// that service account, and one role assignment per grant at exactly the
// grant's scope. The node (kubelet) identity is never used, so a second
// identity on the nodes (for example the monitoring agent's) cannot break
// the workload.
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

	identity, err := managedidentity.NewUserAssignedIdentity(ctx, platform.ChildName(n, "identity"), &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(plan.Identity),
		ResourceGroupName: rg,
		Location:          pulumi.String(b.cfg.Location),
		Tags:              pulumi.ToStringMap(plan.Tags),
	}, b.opts(opts)...)
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
		if _, err := b.assignRole(ctx, g.Resource, g.Role, spec.Grants[g.Index].Scope, identity.PrincipalId, opts); err != nil {
			return nil, err
		}
	}
	return &platform.WorkloadIdentity{
		ServiceAccountAnnotations: pulumi.StringMap{clientIDAnnotation: identity.ClientId}.ToStringMapOutput(),
		PodLabels:                 map[string]string{useLabel: "true"},
		ClientID:                  identity.ClientId,
		PrincipalID:               identity.PrincipalId,
	}, nil
}

package aks

import (
	"fmt"

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
	// Role is the built-in role; empty when Custom is set.
	Role roleDefinition
	// Custom is the role Plinth defines for grants no built-in role covers
	// narrowly enough; Definition is then its role definition's Pulumi
	// name, "<Resource>-role".
	Custom     *customRole
	Definition string
	// KeyIssuer, for object storage grants, is the user delegation key
	// right on the container's storage account (roleUserDelegationKeyIssuer).
	KeyIssuer *keyIssuerPlan
	// Index is the grant's position in the spec (its scope).
	Index int
}

// keyIssuerPlan names the role assignment ("<grant>-delegation-key") and
// role definition ("<grant>-delegation-key-role") that let the identity
// sign user delegation SAS URLs for the storage account of an object
// storage grant.
type keyIssuerPlan struct {
	Resource, Definition string
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
		role, builtIn := grantRoles[g.Role]
		custom, isCustom := customRoles[g.Role]
		if !builtIn && !isCustom {
			errs.Addf(field.NewPath("workloadIdentity").Child("grants").Index(i).Child("role"), string(g.Role), "AKS maps only %v", platform.GrantRoles)
			continue
		}
		if g.Scope == nil {
			errs.Add(field.Required(field.NewPath("workloadIdentity").Child("grants").Index(i).Child("scope"), "the ARM ID of the resource the grant is on"))
			continue
		}
		seen[g.Role]++
		gp := grantPlan{
			Resource: platform.ChildName(n, fmt.Sprintf("%s-%d", g.Role, seen[g.Role])),
			Role:     role,
			Index:    i,
		}
		if isCustom {
			gp.Custom = &custom
			gp.Definition = gp.Resource + "-role"
		}
		if g.Role == platform.GrantObjectStorageWriter {
			gp.KeyIssuer = &keyIssuerPlan{Resource: gp.Resource + "-delegation-key", Definition: gp.Resource + "-delegation-key-role"}
		}
		p.Grants = append(p.Grants, gp)
	}
	return p, errs.Err()
}

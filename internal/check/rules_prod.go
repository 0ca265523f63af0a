package check

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
)

func productionLocksRule() Rule {
	return Rule{
		ID:       "PLN009",
		Title:    "Production stateful resources protected, retained and locked",
		Severity: SeverityError,
		Rationale: "Write-up lesson: \"use resource locks when possible\". Baseline: CanNotDelete locks on production " +
			"resource groups, deletionProtection on production GKE clusters. Every stateful cloud resource (Stateful " +
			"in its backend's registry: the cluster, node pools, network, backup storage and plans, logs, directory " +
			"groups) and every team namespace is " +
			"protected and retained on delete: Pulumi's protect stops a destroy or a replacing change in the " +
			"engine, retainOnDelete keeps it in the cloud when it leaves the stack, and the cloud's lock or " +
			"deletion protection stops everyone else.",
		Classes: []string{ClassProd},
		Check:   checkProductionLocks,
	}
}

// statefulCloud reports whether r is a resource production must keep:
// a cloud resource (azure-native, gcp) or a directory group (Entra ID,
// Cloud Identity: it holds its members) whose registry marks its type
// Stateful, or a team's namespace (labeled team, created by an access
// package: it holds the team's workloads and volumes). The platform's own
// namespaces (velero, cert-manager, ingress) hold only what their charts
// put there and are not checked.
func statefulCloud(r *snapshot.Resource) bool {
	if !r.Custom {
		return false
	}
	if teamNamespace.is(r.Type) {
		return str(r.Inputs, "metadata", "labels", "team") != ""
	}
	if pkg := packageOf(r.Type); pkg != "azure-native" && pkg != "gcp" && pkg != "azuread" {
		return false
	}
	typ, ok := typeregistry.All.LookupAnyVersion(r.Type)
	return ok && typ.Stateful
}

func checkProductionLocks(t Target) []Finding {
	s := t.Snapshot
	var out []Finding
	for i := range s.Resources {
		r := &s.Resources[i]
		if !statefulCloud(r) {
			continue
		}
		if !r.Protect {
			out = append(out, unprotected(r))
		}
		if !r.RetainOnDelete {
			out = append(out, note(r, "not retained on delete in production, so a change that drops it from the stack, or a destroy, deletes it in the cloud; "+
				"production components retain their stateful resources (pulumi.RetainOnDelete): create it through them, or retain it where you create it"))
		}
	}
	for _, rg := range clusterResourceGroups(s) {
		anchor := resourceGroup(s, rg.name)
		if anchor != nil && !anchor.Protect {
			out = append(out, unprotected(anchor))
		}
		if anchor == nil {
			anchor = rg.holder
		}
		if !hasLock(s, "/resourceGroups/"+rg.name) {
			out = append(out, note(anchor, "no CanNotDelete lock on resource group %q, so anyone with rights in Azure can delete it with the cluster "+
				"and network in it; set lock: true in the environment (a ManagementLockByScope with level CanNotDelete at the group's scope)", rg.name))
		}
	}
	for _, c := range gkeCluster.in(s) {
		// The provider's default is true, so only an explicit false is open.
		if v, ok := get(c.Inputs, "deletionProtection").(bool); ok && !v {
			out = append(out, invalid(c, "deletionProtection", false,
				"GCP deletes the cluster on any request; set it to true (remove cluster.allowDeletion)"))
		}
	}
	return out
}

func unprotected(r *snapshot.Resource) Finding {
	return note(r, "not protected in production, so a destroy or a replacing change deletes it; "+
		"set protect: true in the environment (pulumi.Protect)")
}

// heldGroup is a resource group that holds the cluster or its network.
type heldGroup struct {
	name   string
	holder *snapshot.Resource
}

// clusterResourceGroups returns the resource groups of the AKS clusters and
// virtual networks, each once.
func clusterResourceGroups(s *snapshot.Snapshot) []heldGroup {
	var out []heldGroup
	for _, r := range append(aksCluster.in(s), azureVNet.in(s)...) {
		name := str(r.Inputs, "resourceGroupName")
		seen := false
		for _, g := range out {
			seen = seen || strings.EqualFold(g.name, name)
		}
		if name != "" && !seen {
			out = append(out, heldGroup{name, r})
		}
	}
	return out
}

// resourceGroup returns the ResourceGroup resource of the given name.
func resourceGroup(s *snapshot.Snapshot, name string) *snapshot.Resource {
	for _, r := range azureRG.in(s) {
		if strings.EqualFold(str(r.Inputs, "resourceGroupName"), name) {
			return r
		}
	}
	return nil
}

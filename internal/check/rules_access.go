package check

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/field"
)

func subnetRightsRule() Rule {
	return Rule{
		ID:       "PLN007",
		Title:    "Cluster identity has Network Contributor on its subnets (AKS)",
		Severity: SeverityError,
		Rationale: "Write-up lesson: private ingress got no internal IP because the cluster's identity lacked rights " +
			"on the subnet (resource-group scope was not enough in reported cases). Baseline fix: Network " +
			"Contributor for the control-plane identity on exactly every subnet the cluster places nodes or load " +
			"balancers in.",
		Classes: allClasses,
		Check:   checkSubnetRights,
	}
}

// networkContributor is the ID of Azure's built-in Network Contributor role.
const networkContributor = "4d97b98b-1d4f-4787-a291-c67834d212e7"

func checkSubnetRights(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		out = append(out, checkClusterSubnetRights(t.Snapshot, c)...)
	}
	return out
}

func checkClusterSubnetRights(s *snapshot.Snapshot, c *snapshot.Resource) []Finding {
	subnets := clusterSubnets(s, c)
	if len(subnets) == 0 {
		return nil // AKS manages the network itself.
	}
	if typ := str(c.Inputs, "identity", "type"); typ != "UserAssigned" {
		return []Finding{invalid(c, "identity.type", nonEmpty(typ),
			"the control plane's identity is not user-assigned, so its rights on the subnets cannot be granted before the cluster exists; "+
				"use a user-assigned control-plane identity with Network Contributor on the nodes and ingress subnets")}
	}
	ids := userAssignedIdentities(c)
	if len(ids) != 1 {
		return []Finding{invalid(c, "identity.userAssignedIdentities", strings.Join(ids, ", "),
			"name exactly one control-plane identity")}
	}
	identity := identityByID(s, ids[0])
	if identity == nil {
		return []Finding{invalid(c, "identity.userAssignedIdentities[0]", ids[0],
			"the control-plane identity is not in this stack, so its rights on the subnets cannot be checked; create it and its role assignments in the stack")}
	}
	granted := principalAssignments(s, identity)
	var out []Finding
	for _, sub := range subnets {
		ok := slices.ContainsFunc(granted, func(ra *snapshot.Resource) bool {
			return roleID(str(ra.Inputs, "roleDefinitionId")) == networkContributor && sameARM(str(ra.Inputs, "scope"), sub.id)
		})
		if !ok {
			out = append(out, note(c, "the control-plane identity %s has no Network Contributor role assignment at exactly the %s subnet %s, "+
				"so AKS cannot place %s there; add a role assignment of Network Contributor (%s) for the identity with exactly that scope",
				identity.Name, sub.role, sub.id, sub.places, networkContributor))
		}
	}
	return out
}

// clusterSubnet is a subnet an AKS cluster places nodes or load balancers in.
type clusterSubnet struct{ id, role, places string }

// clusterSubnets returns the subnets of an AKS cluster: each pool's
// vnetSubnetID, and the subnet its internal ingress load balancer names
// (in the nodes' virtual network).
func clusterSubnets(s *snapshot.Snapshot, c *snapshot.Resource) []clusterSubnet {
	var out []clusterSubnet
	add := func(id, role, places string) {
		if id != "" && !slices.ContainsFunc(out, func(x clusterSubnet) bool { return sameARM(x.id, id) }) {
			out = append(out, clusterSubnet{id, role, places})
		}
	}
	for _, p := range list(c.Inputs, "agentPoolProfiles") {
		add(str(p, "vnetSubnetID"), "nodes", "nodes")
	}
	for _, p := range agentPoolsOf(s, c) {
		add(str(p.Inputs, "vnetSubnetID"), "nodes", "nodes")
	}
	if len(out) == 0 {
		return nil
	}
	vnet, _, found := strings.Cut(out[0].id, "/subnets/")
	if !found {
		return out
	}
	for _, rel := range ingressReleases(s) {
		a, _ := serviceAnnotations(rel)
		if a[azureInternal] == "true" && a[azureInternalSubnet] != "" {
			add(vnet+"/subnets/"+a[azureInternalSubnet], "ingress", "the internal ingress load balancer")
		}
	}
	return out
}

// userAssignedIdentities returns the identity IDs of a ManagedCluster,
// written as a list or as the keys of a map depending on the SDK.
func userAssignedIdentities(c *snapshot.Resource) []string {
	v := get(c.Inputs, "identity", "userAssignedIdentities")
	if m, ok := v.(map[string]any); ok {
		return sortedKeys(m)
	}
	return stringList(v)
}

// identityByID returns the UserAssignedIdentity with the given Azure ID.
func identityByID(s *snapshot.Snapshot, id string) *snapshot.Resource {
	for _, r := range azureIdentity.in(s) {
		if sameARM(armSuffix(id), armID(str(r.Inputs, "resourceGroupName"), "Microsoft.ManagedIdentity/userAssignedIdentities", str(r.Inputs, "resourceName"))) {
			return r
		}
	}
	return nil
}

// principalAssignments returns the role assignments granted to an
// identity. Outputs are not in the snapshot, so an assignment is the
// identity's when it depends on the identity and is not scoped to it (its
// principal ID comes from the identity), or when it names a principal ID
// such an assignment names.
func principalAssignments(s *snapshot.Snapshot, identity *snapshot.Resource) []*snapshot.Resource {
	own := armID(str(identity.Inputs, "resourceGroupName"), "Microsoft.ManagedIdentity/userAssignedIdentities", str(identity.Inputs, "resourceName"))
	all := azureRoleAssn.in(s)
	var principals []string
	for _, ra := range all {
		if dependsOn(ra, identity.URN) && !sameARM(armSuffix(str(ra.Inputs, "scope")), own) {
			principals = append(principals, str(ra.Inputs, "principalId"))
		}
	}
	var out []*snapshot.Resource
	for _, ra := range all {
		if p := str(ra.Inputs, "principalId"); p != "" && slices.Contains(principals, p) {
			out = append(out, ra)
		}
	}
	return out
}

// roleID returns the GUID at the end of a role definition ID, lowercased.
func roleID(roleDefinitionID string) string {
	return strings.ToLower(roleDefinitionID[strings.LastIndex(roleDefinitionID, "/")+1:])
}

func leastPrivilegeRule() Rule {
	return Rule{
		ID:       "PLN011",
		Title:    "No broad grants",
		Severity: SeverityError,
		Rationale: "Write-up lessons: full access privileges were dropped for access packages, and deployer identities " +
			"should not have access to every subscription and resource. So: no Owner, Contributor, User Access " +
			"Administrator or RBAC Administrator assignment and none at subscription scope or above, no custom " +
			"role with every action or with role-assignment rights, no roles/owner or roles/editor on GCP and no " +
			"role-granting GCP role (projectIamAdmin, securityAdmin) without a condition limiting what it grants, and no " +
			"ClusterRoleBinding to cluster-admin. In production, nobody holds cluster-admin at all times: no AKS " +
			"admin groups, and the cluster-wide admin roles (AKS Cluster Admin, RBAC Cluster Admin, RBAC Admin " +
			"above a namespace; roles/container.admin, roles/container.clusterAdmin) only through a time-bound " +
			"grant (the access catalog's break-glass level).",
		Classes: allClasses,
		Check:   checkLeastPrivilege,
	}
}

// broadRoles are Azure built-in roles that can change everything in scope,
// or grant themselves any right.
var broadRoles = map[string]string{
	"8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
	"b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
	"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
	"f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}

// broadActions are custom-role actions that grant everything, or the
// right to assign roles and so everything.
var broadActions = []string{
	"*",
	"microsoft.authorization/*",
	"microsoft.authorization/roleassignments/*",
	"microsoft.authorization/roleassignments/write",
}

// gcpBasicRoles are GCP's basic roles, which hold nearly every permission.
var gcpBasicRoles = []string{"roles/owner", "roles/editor"}

// gcpGrantingRoles are GCP roles whose holder can grant any role on its
// scope, and so every right, unless an IAM condition limits the roles they
// may grant (iam.googleapis.com/modifiedGrantsByRole).
var gcpGrantingRoles = []string{
	"roles/resourcemanager.projectIamAdmin",
	"roles/resourcemanager.folderIamAdmin",
	"roles/resourcemanager.organizationAdmin",
	"roles/iam.securityAdmin",
}

// grantsLimited reports whether an IAM condition limits the roles its
// binding lets the holder grant.
func grantsLimited(expression string) bool {
	return strings.Contains(expression, "iam.googleapis.com/modifiedGrantsByRole") && strings.Contains(expression, "hasOnly(")
}

func checkLeastPrivilege(t Target) []Finding {
	s := t.Snapshot
	var out []Finding
	for _, ra := range azureRoleAssn.in(s) {
		def := str(ra.Inputs, "roleDefinitionId")
		if name, broad := broadRoles[roleID(def)]; broad {
			out = append(out, invalid(ra, "roleDefinitionId", def,
				"grants %s, which can change or delete everything in scope; grant a narrower built-in or custom role", name))
		}
		if scope := str(ra.Inputs, "scope"); aboveResourceGroup(scope) {
			out = append(out, invalid(ra, "scope", scope,
				"the assignment reaches every resource of a subscription or more; assign at the narrowest scope the job needs (a resource group, a resource, a namespace)"))
		}
	}
	for _, rd := range azureRoleDef.in(s) {
		for i, perm := range list(rd.Inputs, "permissions") {
			for j, action := range stringList(perm, "actions") {
				if slices.Contains(broadActions, strings.ToLower(action)) {
					out = append(out, invalid(rd, field.NewPath("permissions").Index(i).Child("actions").Index(j), action,
						"the custom role grants every action or the right to assign roles; list only the actions the job needs"))
				}
			}
		}
	}
	for i := range s.Resources {
		r := &s.Resources[i]
		if packageOf(r.Type) != "gcp" {
			continue
		}
		role := str(r.Inputs, "role")
		if slices.Contains(gcpBasicRoles, role) {
			out = append(out, invalid(r, "role", role,
				"the basic role holds nearly every permission in its scope; grant predefined or custom roles that cover the job"))
		}
		if slices.Contains(gcpGrantingRoles, role) && !grantsLimited(str(r.Inputs, "condition", "expression")) {
			out = append(out, invalid(r, "role", role,
				"its holder can grant any role, and so every right, on its scope; add a condition that limits the roles it may grant: api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([<the roles>])"))
		}
	}
	for _, e := range gcpEntitlement.in(s) {
		for i, b := range list(e.Inputs, "privilegedAccess", "gcpIamAccess", "roleBindings") {
			if role := str(b, "role"); slices.Contains(gcpBasicRoles, role) {
				out = append(out, invalid(e, field.NewPath("privilegedAccess").Child("gcpIamAccess").Child("roleBindings").Index(i).Child("role"), role,
					"even time-bound, the basic role holds nearly every permission in the project; grant a predefined role that covers the task"))
			}
		}
	}
	if t.Class == ClassProd {
		out = append(out, standingAdmins(s)...)
	}
	for _, b := range clusterRoleBinding.in(s) {
		if str(b.Inputs, "roleRef", "kind") == "ClusterRole" && str(b.Inputs, "roleRef", "name") == "cluster-admin" {
			out = append(out, invalid(b, "roleRef.name", "cluster-admin",
				"binds full control of every namespace and of RBAC itself; bind a narrower ClusterRole, or RoleBindings in the namespaces needed "+
					"(production's cluster-admin is break-glass, through the access catalog)"))
		}
	}
	return out
}

// aboveResourceGroup reports whether an Azure scope is a subscription, a
// management group or the root.
func aboveResourceGroup(scope string) bool {
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	switch {
	case scope == "" || strings.Contains(scope, "[unknown]"):
		return false
	case strings.Trim(scope, "/") == "":
		return true
	case strings.EqualFold(parts[0], "subscriptions"):
		return len(parts) <= 2
	case strings.EqualFold(parts[0], "providers") && len(parts) > 1:
		return strings.EqualFold(parts[1], "Microsoft.Management")
	}
	return false
}

// aksAdminRoles are the Azure built-in roles that hold cluster-admin on an
// AKS cluster, or admin of every namespace, when assigned at the cluster
// or above.
var aksAdminRoles = map[string]string{
	"0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8": "Azure Kubernetes Service Cluster Admin Role",
	"b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
	"3498e952-d568-435e-9b2c-8d77e338d7f7": "Azure Kubernetes Service RBAC Admin",
}

// gkeAdminRoles are the predefined GCP roles that administer the project's
// clusters: roles/container.admin holds every Kubernetes permission in
// them, roles/container.clusterAdmin manages the clusters themselves.
var gkeAdminRoles = []string{"roles/container.admin", "roles/container.clusterAdmin"}

// standingAdmins returns a production stack's standing cluster-admin paths:
// AKS admin groups (aadProfile.adminGroupObjectIDs), AKS admin role
// assignments at the cluster or above to a principal whose membership is
// not time-bound, and GKE admin roles granted outside a Privileged Access
// Manager entitlement. ClusterRoleBindings to cluster-admin are findings in
// every class (checkLeastPrivilege).
func standingAdmins(s *snapshot.Snapshot) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(s) {
		if groups := stringList(c.Inputs, "aadProfile", "adminGroupObjectIDs"); len(groups) > 0 {
			out = append(out, invalid(c, "aadProfile.adminGroupObjectIDs", strings.Join(groups, ","),
				"members of these groups hold cluster-admin at all times; remove cluster.adminGroups and give the administrators the access catalog's break-glass level, which is approved and expires"))
		}
	}
	timeBound := accessPackageGroups(s)
	for _, ra := range azureRoleAssn.in(s) {
		def, scope := str(ra.Inputs, "roleDefinitionId"), str(ra.Inputs, "scope")
		name, admin := aksAdminRoles[roleID(def)]
		if !admin || strings.Contains(strings.ToLower(scope), "/namespaces/") || slices.Contains(timeBound, str(ra.Inputs, "principalId")) {
			continue
		}
		out = append(out, invalid(ra, "roleDefinitionId", def,
			"grants %s at %s to principal %s at all times, a standing cluster-admin; grant it to the group of an access package level (the access catalog's break-glass level), whose members are approved and expire",
			name, scope, str(ra.Inputs, "principalId")))
	}
	for i := range s.Resources {
		r := &s.Resources[i]
		if packageOf(r.Type) != "gcp" || gcpEntitlement.is(r.Type) {
			continue
		}
		if role := str(r.Inputs, "role"); slices.Contains(gkeAdminRoles, role) {
			out = append(out, invalid(r, "role", role,
				"administers the project's clusters at all times, a standing cluster-admin; grant it only through a Privileged Access Manager entitlement (the access catalog's break-glass level), which is approved and expires"))
		}
	}
	return out
}

// accessPackageGroups returns the Entra groups whose members come and go
// through an access package: the origin of a catalog resource that a
// package grants membership of. Their role assignments are time-bound.
func accessPackageGroups(s *snapshot.Snapshot) []string {
	var packaged []string
	for _, r := range entraPackageResource.in(s) {
		packaged = append(packaged, str(r.Inputs, "catalogResourceAssociationId"))
	}
	var out []string
	for _, r := range entraCatalogResource.in(s) {
		origin := str(r.Inputs, "resourceOriginId")
		if origin != "" && slices.Contains(packaged, str(r.Inputs, "catalogId")+"/"+origin) {
			out = append(out, origin)
		}
	}
	return out
}

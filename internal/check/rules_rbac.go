package check

import (
	"strconv"
	"strings"
)

// roleBinding is a namespaced Kubernetes RoleBinding: the teams' access.
var roleBinding = kindOf("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")

func groupRBACRule() Rule {
	return Rule{
		ID:       "PLN012",
		Title:    "Group RoleBindings match someone (GKE: Google Groups for RBAC)",
		Severity: SeverityError,
		Rationale: "Security review of issue 17: dev-gke bound every team's namespace roles to Google groups while " +
			"its cluster had no Google Groups for RBAC (authenticatorGroupsConfig), so GKE never told the API " +
			"server about group membership and team access matched nobody. A cluster whose RoleBindings name " +
			"groups names its gke-security-groups@<domain> group, in every class.",
		Classes: allClasses,
		Check:   checkGroupRBAC,
	}
}

// checkGroupRBAC finds the GKE clusters without a Google Groups for RBAC
// security group in a stack whose RoleBindings name groups. Kubernetes'
// own groups ("system:...") need no directory and are left out.
func checkGroupRBAC(t Target) []Finding {
	s := t.Snapshot
	var bound []string
	for _, b := range roleBinding.in(s) {
		for _, sub := range list(b.Inputs, "subjects") {
			if str(sub, "kind") == "Group" && !strings.HasPrefix(str(sub, "name"), "system:") {
				bound = append(bound, b.Name+" ("+str(sub, "name")+")")
				break
			}
		}
	}
	if len(bound) == 0 {
		return nil
	}
	var out []Finding
	for _, c := range gkeCluster.in(s) {
		if str(c.Inputs, "authenticatorGroupsConfig", "securityGroup") != "" {
			continue
		}
		out = append(out, invalid(c, "authenticatorGroupsConfig.securityGroup", nil,
			"the cluster has no Google Groups for RBAC, so GKE never passes group membership to Kubernetes and no RoleBinding to a group matches anyone (%s: %s); "+
				"set cluster.adminGroups to [\"gke-security-groups@<your domain>\"], the group the teams' groups are members of",
			Plural(len(bound), "RoleBinding"), examples(bound)))
	}
	return out
}

// examples lists the first three of names, and how many more there are.
func examples(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:3], ", ") + ", and " + strconv.Itoa(len(names)-3) + " more"
}

package check

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/field"
)

// The cluster rules read the cluster resource itself: an AKS ManagedCluster
// or a GKE Cluster, and their node pools.

func apiServerRule() Rule {
	return Rule{
		ID:       "PLN001",
		Title:    "API server private or limited to authorized ranges",
		Severity: SeverityError,
		Rationale: "Baseline, AKS and GKE: a private cluster or authorizedIPRanges (AKS), privateClusterConfig " +
			"with a private endpoint or masterAuthorizedNetworksConfig (GKE). A public API server is attacked " +
			"by the whole internet the moment a credential or a CVE leaks.",
		Classes: allClasses,
		Check:   checkAPIServer,
	}
}

func checkAPIServer(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		access := get(c.Inputs, "apiServerAccessProfile")
		if isTrue(access, "enablePrivateCluster") {
			continue
		}
		ranges := stringList(access, "authorizedIPRanges")
		if len(ranges) == 0 {
			out = append(out, invalid(c, "apiServerAccessProfile.enablePrivateCluster", get(access, "enablePrivateCluster"),
				"the API server is public and authorizedIPRanges is empty, so every address can reach it; "+
					"set enablePrivateCluster true, or list the networks of operators and CI in authorizedIPRanges"))
			continue
		}
		for i, cidr := range ranges {
			if openCIDR(cidr) {
				out = append(out, invalid(c, field.NewPath("apiServerAccessProfile").Child("authorizedIPRanges").Index(i), cidr,
					"admits every address; list only the networks of operators and CI, or set enablePrivateCluster true"))
			}
		}
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		if isTrue(c.Inputs, "privateClusterConfig", "enablePrivateEndpoint") {
			continue
		}
		authorized := get(c.Inputs, "masterAuthorizedNetworksConfig")
		blocks := list(authorized, "cidrBlocks")
		if len(blocks) == 0 {
			out = append(out, invalid(c, "privateClusterConfig.enablePrivateEndpoint", get(c.Inputs, "privateClusterConfig", "enablePrivateEndpoint"),
				"the API server endpoint is public and masterAuthorizedNetworksConfig lists no cidrBlocks, so every address can reach it; "+
					"set enablePrivateEndpoint true, or list the networks of operators and CI in masterAuthorizedNetworksConfig.cidrBlocks"))
			continue
		}
		for i, b := range blocks {
			if cidr := str(b, "cidrBlock"); openCIDR(cidr) {
				out = append(out, invalid(c, field.NewPath("masterAuthorizedNetworksConfig").Child("cidrBlocks").Index(i).Child("cidrBlock"), cidr,
					"admits every address; list only the networks of operators and CI, or set privateClusterConfig.enablePrivateEndpoint true"))
			}
		}
		if isTrue(authorized, "gcpPublicCidrsAccessEnabled") {
			out = append(out, invalid(c, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true,
				"admits every public address of Google Cloud, any customer's VM included; set it to false"))
		}
	}
	return out
}

func workloadIdentityRule() Rule {
	return Rule{
		ID:       "PLN002",
		Title:    "Workload identity on",
		Severity: SeverityError,
		Rationale: "Write-up lesson: cert-manager broke when enabling Log Analytics added a second identity to the " +
			"nodes, because it used the node identity. Baseline: oidcIssuerProfile and " +
			"securityProfile.workloadIdentity on AKS; workloadIdentityConfig.workloadPool and node pools on " +
			"GKE_METADATA on GKE, so that every workload has an identity of its own.",
		Classes: allClasses,
		Check:   checkWorkloadIdentity,
	}
}

func checkWorkloadIdentity(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		if !isTrue(c.Inputs, "securityProfile", "workloadIdentity", "enabled") {
			out = append(out, invalid(c, "securityProfile.workloadIdentity.enabled", get(c.Inputs, "securityProfile", "workloadIdentity", "enabled"),
				"workload identity is off, so workloads fall back to the node's identities or to secrets; "+
					"set it to true so that cert-manager, Velero and every workload use an identity of their own"))
		}
		if !isTrue(c.Inputs, "oidcIssuerProfile", "enabled") {
			out = append(out, invalid(c, "oidcIssuerProfile.enabled", get(c.Inputs, "oidcIssuerProfile", "enabled"),
				"the OIDC issuer is off, so no federated identity credential can trust the cluster's service-account tokens; set it to true"))
		}
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		switch pool := str(c.Inputs, "workloadIdentityConfig", "workloadPool"); {
		case pool == "":
			out = append(out, invalid(c, "workloadIdentityConfig.workloadPool", nil,
				"workload identity is off, so pods act as the node service account; set it to \"<project>.svc.id.goog\""))
		case !strings.HasSuffix(pool, ".svc.id.goog"):
			out = append(out, invalid(c, "workloadIdentityConfig.workloadPool", pool,
				"is not a workload identity pool; set it to \"<project>.svc.id.goog\""))
		}
	}
	for _, np := range gkeNodePool.in(t.Snapshot) {
		if mode := str(np.Inputs, "nodeConfig", "workloadMetadataConfig", "mode"); mode != "GKE_METADATA" {
			out = append(out, invalid(np, "nodeConfig.workloadMetadataConfig.mode", nonEmpty(mode),
				"pods on this pool can read the node service account's credentials from the metadata server; set it to \"GKE_METADATA\""))
		}
	}
	return out
}

func localAccountsRule() Rule {
	return Rule{
		ID:       "PLN003",
		Title:    "Local accounts off",
		Severity: SeverityError,
		Rationale: "Baseline: disableLocalAccounts on AKS, kubeconfigs through kubelogin and never admin credentials; " +
			"no client certificate and no basic authentication on GKE. Static credentials bypass Entra ID or IAM, " +
			"cannot be revoked per person, and survive people leaving.",
		Classes: allClasses,
		Check:   checkLocalAccounts,
	}
}

func checkLocalAccounts(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		if !isTrue(c.Inputs, "disableLocalAccounts") {
			out = append(out, invalid(c, "disableLocalAccounts", get(c.Inputs, "disableLocalAccounts"),
				"the cluster hands out static admin credentials that bypass Entra ID and Azure RBAC; set it to true and sign in through kubelogin"))
		}
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		auth := get(c.Inputs, "masterAuth")
		if isTrue(auth, "clientCertificateConfig", "issueClientCertificate") {
			out = append(out, invalid(c, "masterAuth.clientCertificateConfig.issueClientCertificate", true,
				"the cluster issues a client certificate that bypasses IAM and cannot be revoked; set it to false"))
		}
		for _, k := range []string{"username", "password"} {
			if v := str(auth, k); v != "" {
				out = append(out, invalid(c, field.NewPath("masterAuth").Child(k), v,
					"basic authentication bypasses IAM; remove masterAuth.username and masterAuth.password"))
			}
		}
	}
	return out
}

func nodePoolsRule() Rule {
	return Rule{
		ID:       "PLN004",
		Title:    "Node pools are separate resources",
		Severity: SeverityError,
		Rationale: "Baseline and Pulumi pitfalls: on AKS only the system pool stays inline (mode System) and user pools " +
			"are AgentPool resources, because editing inline pools puts every pool into scaling and can replace " +
			"them; on GKE the default pool is removed and pools are NodePool resources, whose replace-on-change " +
			"fields then touch one pool and not the cluster.",
		Classes: allClasses,
		Check:   checkNodePools,
	}
}

func checkNodePools(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		out = append(out, checkAKSPools(t.Snapshot, c)...)
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		if !isTrue(c.Inputs, "removeDefaultNodePool") {
			out = append(out, invalid(c, "removeDefaultNodePool", get(c.Inputs, "removeDefaultNodePool"),
				"the default node pool stays part of the cluster, where changing it can replace the cluster; "+
					"set it to true and declare every pool as a NodePool resource"))
		}
		if inline := list(c.Inputs, "nodePools"); len(inline) > 0 {
			out = append(out, invalid(c, "nodePools", poolNames(inline),
				"pools declared inline change only through the cluster; declare each as a NodePool resource"))
		}
		if len(nodePoolsOf(t.Snapshot, c)) == 0 {
			out = append(out, note(c, "no NodePool resource belongs to this cluster; declare the system and workload pools "+
				"as NodePool resources with cluster %q", str(c.Inputs, "name")))
		}
	}
	return out
}

func checkAKSPools(s *snapshot.Snapshot, c *snapshot.Resource) []Finding {
	var out []Finding
	switch inline := list(c.Inputs, "agentPoolProfiles"); {
	case len(inline) == 0:
		out = append(out, invalid(c, "agentPoolProfiles", nil,
			"holds no pool; keep exactly the system pool inline, with mode \"System\""))
	case len(inline) > 1:
		out = append(out, invalid(c, "agentPoolProfiles", poolNames(inline),
			"holds %d pools; keep only the system pool inline and declare every other pool as an AgentPool resource, "+
				"because editing inline pools puts all of them into scaling and can replace them", len(inline)))
	default:
		if mode := str(inline[0], "mode"); mode != "System" {
			out = append(out, invalid(c, "agentPoolProfiles[0].mode", nonEmpty(mode),
				"the inline pool must be the system pool; set mode \"System\" and run workloads on AgentPool resources"))
		}
	}
	hasUser := false
	for _, p := range agentPoolsOf(s, c) {
		// An AgentPool without a mode is a User pool (the API's default).
		if mode := str(p.Inputs, "mode"); mode == "User" || mode == "" {
			hasUser = true
		}
	}
	if !hasUser {
		out = append(out, note(c, "no AgentPool resource with mode \"User\" belongs to this cluster; declare the workload pools "+
			"as AgentPool resources with resourceName %q so that they change without touching the system pool", str(c.Inputs, "resourceName")))
	}
	return out
}

// agentPoolsOf returns the AgentPool resources of an AKS cluster.
func agentPoolsOf(s *snapshot.Snapshot, c *snapshot.Resource) []*snapshot.Resource {
	var out []*snapshot.Resource
	for _, p := range aksAgentPool.in(s) {
		if str(p.Inputs, "resourceName") == str(c.Inputs, "resourceName") &&
			strings.EqualFold(str(p.Inputs, "resourceGroupName"), str(c.Inputs, "resourceGroupName")) {
			out = append(out, p)
		}
	}
	return out
}

// nodePoolsOf returns the NodePool resources of a GKE cluster; a pool
// names its cluster by name or by ID.
func nodePoolsOf(s *snapshot.Snapshot, c *snapshot.Resource) []*snapshot.Resource {
	name := str(c.Inputs, "name")
	var out []*snapshot.Resource
	for _, p := range gkeNodePool.in(s) {
		if cl := str(p.Inputs, "cluster"); name != "" && (cl == name || strings.HasSuffix(cl, "/clusters/"+name)) {
			out = append(out, p)
		}
	}
	return out
}

// poolNames lists the names of inline pools for a message.
func poolNames(pools []any) string {
	names := make([]string, len(pools))
	for i, p := range pools {
		names[i] = str(p, "name")
	}
	return strings.Join(names, ", ")
}

// nonEmpty is s, or nil for "" so that a message says the input is
// missing rather than showing an empty value.
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

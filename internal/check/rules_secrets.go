package check

import (
	"regexp"
	"strings"
)

var (
	azureVault     = kindOf("azure-native:keyvault:Vault")
	gcpProjectIAM  = kindOf("gcp:projects/iAMMember:IAMMember")
	clusterParent  = "plinth:components:Cluster"
	vaultScopeExpr = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.KeyVault/vaults/[^/]+(/secrets/[^/]+)?$`)
	// secretsCondition is the one IAM condition that confines a Secret
	// Manager grant to a team's secrets: their names start with
	// "<team>-" in the project (by its number).
	secretsCondition = regexp.MustCompile(`^resource\.name\.startsWith\("projects/[0-9]+/secrets/[a-z][a-z0-9-]*-"\)$`)
)

// keyVaultSecretRoles are the Azure built-in roles on Key Vault secrets a
// team's identity or writers hold.
var keyVaultSecretRoles = map[string]string{
	"4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
	"b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer",
}

// secretManagerRole reports whether role reads or changes Secret Manager
// secrets: the predefined roles and Plinth's custom writer role.
func secretManagerRole(role string) bool {
	return strings.HasPrefix(role, "roles/secretmanager.") || strings.HasSuffix(role, ".secretWriter")
}

func secretStoresRule() Rule {
	return Rule{
		ID:       "PLN015",
		Title:    "Production secret stores private and purge-protected",
		Severity: SeverityError,
		Rationale: "Issue 19 and the AKS baseline: a production Key Vault that holds the teams' secrets is reached only " +
			"through its private endpoint, and purge protection keeps a deleted vault and its secrets recoverable " +
			"for their soft-delete days, so that neither a mistake nor an attacker with delete rights destroys them. " +
			"The cluster's KMS key vault holds a key, not secrets, and AKS reaches it on its public endpoint " +
			"(docs/components/cluster.md); purge protection is checked on it too.",
		Classes: []string{ClassProd},
		Check:   checkSecretStores,
	}
}

func checkSecretStores(t Target) []Finding {
	var out []Finding
	for _, v := range azureVault.in(t.Snapshot) {
		if !isTrue(v.Inputs, "properties", "enablePurgeProtection") {
			out = append(out, invalid(v, "properties.enablePurgeProtection", get(v.Inputs, "properties", "enablePurgeProtection"),
				"a deleted vault and its secrets can be purged at once; turn purge protection on (the Secrets component does)"))
		}
		if strings.Contains(v.Parent, clusterParent) {
			continue // the KMS key's vault (see Rationale)
		}
		if access := str(v.Inputs, "properties", "publicNetworkAccess"); access != "Disabled" {
			out = append(out, invalid(v, "properties.publicNetworkAccess", access,
				"the vault's secrets are reachable from the internet by anyone with a credential; set it to \"Disabled\" and reach the vault through its private endpoint (secrets.private)"))
		}
	}
	return out
}

func teamSecretsRule() Rule {
	return Rule{
		ID:       "PLN016",
		Title:    "A team's secrets grants stay on the team's secrets",
		Severity: SeverityError,
		Rationale: "Issue 19: each team's identity reads its own secrets and nothing else, and only the team's admin " +
			"level writes them. On Azure a Key Vault secrets role is granted on one vault (the team's) or one " +
			"secret; on GCP a Secret Manager role on the project carries the condition that names the team's " +
			"prefix, resource.name.startsWith(\"projects/<number>/secrets/<team>-\").",
		Classes: allClasses,
		Check:   checkTeamSecrets,
	}
}

func checkTeamSecrets(t Target) []Finding {
	var out []Finding
	for _, ra := range azureRoleAssn.in(t.Snapshot) {
		name, ok := keyVaultSecretRoles[roleID(str(ra.Inputs, "roleDefinitionId"))]
		if !ok {
			continue
		}
		if scope := str(ra.Inputs, "scope"); !vaultScopeExpr.MatchString(scope) && !strings.Contains(scope, "[unknown]") {
			out = append(out, invalid(ra, "scope", scope,
				"grants %s on more than one Key Vault, so a team's identity reads other teams' secrets; assign it on the team's vault only", name))
		}
	}
	for _, m := range gcpProjectIAM.in(t.Snapshot) {
		role := str(m.Inputs, "role")
		if !secretManagerRole(role) {
			continue
		}
		if expr := str(m.Inputs, "condition", "expression"); !secretsCondition.MatchString(expr) {
			out = append(out, invalid(m, "condition.expression", expr,
				"grants %s on every secret of the project; condition it on the team's secrets: resource.name.startsWith(\"projects/<project number>/secrets/<team>-\")", role))
		}
	}
	return out
}

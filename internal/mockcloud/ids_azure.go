package mockcloud

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/plinth-dev/plinth/platform/format"
)

// azureShapes are the ID shapes of azure-native and azuread types
// (platform/aks/akstypes names them). Keep it sorted by name.
var azureShapes = map[string]shapeKind{
	// Entra ID (pulumi-azuread v5). IDs are what the provider reports:
	// object IDs (UUIDs) for groups, catalogs, access packages and
	// policies, and compound IDs for the associations.
	"accessPackage":                 fixed(accessPackage),
	"accessPackageAssignmentPolicy": fixed(accessPackageAssignmentPolicy),
	"accessPackageCatalog":          fixed(accessPackageCatalog),
	// actionGroup, azureMonitorWorkspace, prometheusRuleGroup: see
	// ids_azure_monitor.go.
	"actionGroup": fixed(actionGroup),
	// arm(typePath, nameKey) and armChild(typePath, parentKey, childType,
	// nameKey): see their functions.
	"arm":                   {2, func(a []string) shape { return arm(a[0], a[1]) }},
	"armChild":              {4, func(a []string) shape { return armChild(a[0], a[1], a[2], a[3]) }},
	"azureMonitorWorkspace": fixed(azureMonitorWorkspace),
	"blobContainer":         fixed(blobContainer),
	"blobServiceProperties": fixed(storageAccountChild("blobServices", "blobServicesName", func(c *call) {
		c.set("type", "Microsoft.Storage/storageAccounts/blobServices")
	})),
	"catalogResourceAssociation": fixed(catalogResourceAssociation),
	// dnsRecordSet(typePath, zoneKey), dnsZone, dnssecConfig: see
	// ids_azure_dns.go.
	"dnsRecordSet": {2, func(a []string) shape { return dnsRecordSet(a[0], a[1]) }},
	"dnsZone":      fixed(dnsZone),
	"dnssecConfig": fixed(dnssecConfig),
	"entraGroup":   fixed(entraGroup),
	// extension(typePath, nameKey): an extension resource on the input
	// resourceUri.
	"extension": {2, func(a []string) shape { return extension(a[0], a[1]) }},
	// extensionAt(targetKey, typePath, nameKey): an extension resource on
	// the input targetKey (a policy assignment's scope).
	"extensionAt": {3, func(a []string) shape { return extensionAt(a[0], a[1], a[2]) }},
	// keyVaultKey: see ids_azure_keyvault.go.
	"keyVaultKey": fixed(keyVaultKey),
	"logAnalyticsWorkspace": fixed(withOutputs(arm("Microsoft.OperationalInsights/workspaces", "workspaceName"), func(c *call) {
		c.set("customerId", uuidFrom("workspace-customer", c.str("workspaceName")))
	})),
	"managedCluster":             fixed(withOutputs(arm("Microsoft.ContainerService/managedClusters", "resourceName"), managedClusterOutputs)),
	"managementLock":             fixed(managementLock),
	"packageResourceAssociation": fixed(packageResourceAssociation),
	"prometheusRuleGroup":        fixed(prometheusRuleGroup),
	"publicIPAddress": fixed(withOutputs(arm("Microsoft.Network/publicIPAddresses", "publicIpAddressName"), func(c *call) {
		c.set("ipAddress", ipFrom(20, c.str("publicIpAddressName")))
	})),
	"resourceGroup":  fixed(resourceGroup),
	"roleAssignment": fixed(roleAssignment),
	"roleDefinition": fixed(roleDefinition),
	"storageAccount": fixed(storageAccount),
	"storageManagementPolicy": fixed(storageAccountChild("managementPolicies", "managementPolicyName", func(c *call) {
		c.set("type", "Microsoft.Storage/storageAccounts/managementPolicies")
		c.set("lastModifiedTime", "2026-01-01T00:00:00.0000000Z")
	})),
	"userAssignedIdentity": fixed(userAssignedIdentity),
}

var (
	// storageAccountPattern is what Azure accepts as a storage account
	// name (StorageAccountNameInvalid otherwise).
	storageAccountPattern = regexp.MustCompile(`^[a-z0-9]{3,24}$`)
	// blobContainerPattern is what Azure accepts as a container name: 3-63
	// lowercase letters, digits and single '-' between them.
	blobContainerPattern = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])+$`)
	// roleDefinitionPattern is a subscription-level built-in role
	// definition ID.
	roleDefinitionPattern = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/providers/Microsoft\.Authorization/roleDefinitions/[0-9a-fA-F-]{36}$`)
)

// extension shapes an extension resource, one that lives on another
// resource: <resourceUri>/providers/<namespace/type>/<name>.
func extension(typePath, nameKey string) shape {
	return extensionAt("resourceUri", typePath, nameKey)
}

// extensionAt shapes an extension resource whose target is the input
// targetKey: <target>/providers/<namespace/type>/<name>.
func extensionAt(targetKey, typePath, nameKey string) shape {
	return func(c *call) (string, error) {
		target, err := c.need(targetKey)
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(target, "/subscriptions/") {
			return "", fmt.Errorf("%s %q is not an ARM ID", targetKey, target)
		}
		name, err := c.need(nameKey)
		if err != nil {
			return "", err
		}
		c.set("name", name)
		return fmt.Sprintf("%s/providers/%s/%s", target, typePath, name), nil
	}
}

// roleAssignment answers as ARM does, which rejects an assignment whose
// name is not a GUID, whose scope is not a resource ID or whose role
// definition is not a role definition ID: <scope>/providers/
// Microsoft.Authorization/roleAssignments/<name>.
func roleAssignment(c *call) (string, error) {
	name, err := c.need("roleAssignmentName")
	if err != nil {
		return "", err
	}
	if !format.UUID(name) {
		return "", fmt.Errorf("roleAssignmentName %q is not a GUID", name)
	}
	scope, err := c.need("scope")
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(scope, "/subscriptions/") {
		return "", fmt.Errorf("scope %q is not an ARM ID", scope)
	}
	if role := c.str("roleDefinitionId"); !roleDefinitionPattern.MatchString(role) {
		return "", fmt.Errorf("roleDefinitionId %q is not /subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>", role)
	}
	if principal := c.str("principalId"); !format.UUID(principal) {
		return "", fmt.Errorf("principalId %q is not a GUID", principal)
	}
	c.set("name", name)
	return scope + "/providers/Microsoft.Authorization/roleAssignments/" + name, nil
}

// roleDefinition answers as ARM does for a custom role: the definition's
// name must be a GUID, its scope a subscription (or below), and it needs a
// role name, permissions and assignable scopes in the same subscription.
// The ID is <scope>/providers/Microsoft.Authorization/roleDefinitions/<name>;
// created at a subscription, as Plinth does, that is the subscription-level
// ID role assignments reference.
func roleDefinition(c *call) (string, error) {
	name, err := c.need("roleDefinitionId")
	if err != nil {
		return "", err
	}
	if !format.UUID(name) {
		return "", fmt.Errorf("roleDefinitionId %q is not a GUID", name)
	}
	scope, err := c.need("scope")
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(scope, "/subscriptions/") {
		return "", fmt.Errorf("scope %q is not an ARM ID", scope)
	}
	if _, err := c.need("roleName"); err != nil {
		return "", err
	}
	if len(arrayIn(c.in, "permissions")) == 0 {
		return "", fmt.Errorf("no permissions")
	}
	sub := strings.SplitN(strings.TrimPrefix(scope, "/"), "/", 3)[1]
	assignable := stringsIn(c.in, "assignableScopes")
	if len(assignable) == 0 {
		return "", fmt.Errorf("no assignableScopes")
	}
	for _, a := range assignable {
		if !strings.HasPrefix(strings.ToLower(a), strings.ToLower("/subscriptions/"+sub)) {
			return "", fmt.Errorf("assignable scope %q is outside the definition's subscription %s", a, sub)
		}
	}
	c.set("name", name)
	c.set("type", "Microsoft.Authorization/roleDefinitions")
	return scope + "/providers/Microsoft.Authorization/roleDefinitions/" + name, nil
}

// managementLock answers a lock on any ARM scope:
// <scope>/providers/Microsoft.Authorization/locks/<lockName>. ARM refuses
// a level other than CanNotDelete and ReadOnly, and notes longer than 512
// characters.
func managementLock(c *call) (string, error) {
	id, err := extensionAt("scope", "Microsoft.Authorization/locks", "lockName")(c)
	if err != nil {
		return "", err
	}
	if level := c.str("level"); level != "CanNotDelete" && level != "ReadOnly" {
		return "", fmt.Errorf("level %q is not CanNotDelete or ReadOnly", level)
	}
	if notes := c.str("notes"); len(notes) > 512 {
		return "", fmt.Errorf("notes are %d characters; ARM takes at most 512", len(notes))
	}
	c.set("type", "Microsoft.Authorization/locks")
	return id, nil
}

// storageAccount answers as Azure does: the account name must be 3-24
// lowercase letters and digits, and the account's endpoints derive from it.
func storageAccount(c *call) (string, error) {
	id, err := arm("Microsoft.Storage/storageAccounts", "accountName")(c)
	if err != nil {
		return "", err
	}
	name := c.str("accountName")
	if !storageAccountPattern.MatchString(name) {
		return "", fmt.Errorf("accountName %q is not 3-24 lowercase letters and digits", name)
	}
	c.set("primaryEndpoints", map[string]any{
		"blob":  fmt.Sprintf("https://%s.blob.core.windows.net/", name),
		"dfs":   fmt.Sprintf("https://%s.dfs.core.windows.net/", name),
		"file":  fmt.Sprintf("https://%s.file.core.windows.net/", name),
		"queue": fmt.Sprintf("https://%s.queue.core.windows.net/", name),
		"table": fmt.Sprintf("https://%s.table.core.windows.net/", name),
	})
	c.set("provisioningState", "Succeeded")
	return id, nil
}

// storageAccountChild shapes a singleton child of a storage account, whose
// only valid name is "default" (blob service, lifecycle management
// policy): .../storageAccounts/<account>/<childType>/default.
func storageAccountChild(childType, nameKey string, fill func(c *call)) shape {
	return withOutputs(func(c *call) (string, error) {
		id, err := armChild("Microsoft.Storage/storageAccounts", "accountName", childType, nameKey)(c)
		if err == nil && c.str(nameKey) != "default" {
			return "", fmt.Errorf("%s %q: Azure accepts only \"default\"", nameKey, c.str(nameKey))
		}
		return id, err
	}, fill)
}

// blobContainer answers with the container's ARM ID,
// .../storageAccounts/<account>/blobServices/default/containers/<name>, the
// scope of a container-level role assignment.
func blobContainer(c *call) (string, error) {
	prefix, err := armPrefix(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("accountName", "containerName")
	if err != nil {
		return "", err
	}
	if !blobContainerPattern.MatchString(in[1]) || len(in[1]) < 3 || len(in[1]) > 63 {
		return "", fmt.Errorf("containerName %q is not 3-63 lowercase letters, digits and single '-'", in[1])
	}
	c.set("name", in[1])
	c.set("type", "Microsoft.Storage/storageAccounts/blobServices/containers")
	return fmt.Sprintf("%s/providers/Microsoft.Storage/storageAccounts/%s/blobServices/default/containers/%s", prefix, in[0], in[1]), nil
}

// identityPrincipal and identityClient are the principal (object) ID and
// client ID Entra ID gives the user-assigned identity with the given ARM ID.
func identityPrincipal(id string) string { return uuidFrom("identity-principal", strings.ToLower(id)) }
func identityClient(id string) string    { return uuidFrom("identity-client", strings.ToLower(id)) }

// tenant returns the tenant of the resource's provider, or one derived from
// the subscription when the provider sets none (Azure always has one).
func tenant(c *call) string {
	if t := c.fromProvider("tenantId"); t != "" {
		return t
	}
	return uuidFrom("tenant", c.fromProvider("subscriptionId"))
}

func userAssignedIdentity(c *call) (string, error) {
	id, err := arm("Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName")(c)
	if err != nil {
		return "", err
	}
	c.set("principalId", identityPrincipal(id))
	c.set("clientId", identityClient(id))
	c.set("tenantId", tenant(c))
	c.set("type", "Microsoft.ManagedIdentity/userAssignedIdentities")
	return id, nil
}

// aksFQDN is the public API server FQDN AKS gives a cluster:
// <dnsPrefix>-<8 hex>.hcp.<location>.azmk8s.io.
func aksFQDN(dnsPrefix, clusterID, location string) string {
	return fmt.Sprintf("%s-%s.hcp.%s.azmk8s.io", dnsPrefix, aksHash(clusterID), location)
}

func aksHash(clusterID string) string {
	return strings.ReplaceAll(uuidFrom("aks-fqdn", strings.ToLower(clusterID)), "-", "")[:8]
}

// managedClusterOutputs fills what AKS computes: FQDNs, the OIDC issuer
// URL, the identity block with the user-assigned identities' IDs, the node
// resource group and the state.
func managedClusterOutputs(c *call) {
	id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.ContainerService/managedClusters/%s",
		c.fromProvider("subscriptionId"), c.str("resourceGroupName"), c.str("resourceName"))
	location := c.fromProvider("location")
	prefix := c.str("dnsPrefix")
	if prefix == "" {
		prefix = c.str("resourceName")
	}
	c.set("fqdn", aksFQDN(prefix, id, location))
	c.set("azurePortalFQDN", fmt.Sprintf("%s-%s.portal.hcp.%s.azmk8s.io", prefix, aksHash(id), location))
	if boolIn(objectIn(c.in, "apiServerAccessProfile"), "enablePrivateCluster") {
		c.set("privateFQDN", fmt.Sprintf("%s-%s.%s.privatelink.%s.azmk8s.io", prefix, aksHash(id), uuidFrom("aks-private", id), location))
	}
	tenantID := c.fromProvider("tenantId")
	if t := strIn(objectIn(c.in, "aadProfile"), "tenantID"); t != "" {
		tenantID = t
	}
	if oidc := objectIn(c.in, "oidcIssuerProfile"); boolIn(oidc, "enabled") {
		out := oidc.Copy()
		out["issuerURL"] = resource.NewStringProperty(fmt.Sprintf("https://%s.oic.prod-aks.azure.com/%s/%s/", location, tenantID, uuidFrom("oidc-issuer", id)))
		c.out["oidcIssuerProfile"] = resource.NewObjectProperty(out)
	}
	// The provider takes user-assigned identities as a list of IDs and
	// reports them as a map of ID to principal and client IDs.
	if identity := objectIn(c.in, "identity"); identity != nil {
		assigned := map[string]any{}
		for _, uid := range stringsIn(identity, "userAssignedIdentities") {
			assigned[uid] = map[string]any{"principalId": identityPrincipal(uid), "clientId": identityClient(uid)}
		}
		c.set("identity", map[string]any{
			"type":                   strIn(identity, "type"),
			"tenantId":               tenantID,
			"userAssignedIdentities": assigned,
		})
	}
	if c.str("nodeResourceGroup") == "" {
		c.set("nodeResourceGroup", fmt.Sprintf("MC_%s_%s_%s", c.str("resourceGroupName"), c.str("resourceName"), location))
	}
	c.set("provisioningState", "Succeeded")
	c.set("powerState", map[string]any{"code": "Running"})
}

// unwrap returns the plain value inside secrets and outputs.
func unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// objectIn returns the object at key, or nil.
func objectIn(pm resource.PropertyMap, key string) resource.PropertyMap {
	if pm == nil {
		return nil
	}
	if v, ok := pm[resource.PropertyKey(key)]; ok {
		if v = unwrap(v); v.IsObject() {
			return v.ObjectValue()
		}
	}
	return nil
}

func strIn(pm resource.PropertyMap, key string) string {
	if pm == nil {
		return ""
	}
	if v, ok := pm[resource.PropertyKey(key)]; ok {
		if v = unwrap(v); v.IsString() {
			return v.StringValue()
		}
	}
	return ""
}

func boolIn(pm resource.PropertyMap, key string) bool {
	if pm == nil {
		return false
	}
	if v, ok := pm[resource.PropertyKey(key)]; ok {
		if v = unwrap(v); v.IsBool() {
			return v.BoolValue()
		}
	}
	return false
}

// arrayIn returns the array at key, or nil.
func arrayIn(pm resource.PropertyMap, key string) []resource.PropertyValue {
	if pm == nil {
		return nil
	}
	if v, ok := pm[resource.PropertyKey(key)]; ok {
		if v = unwrap(v); v.IsArray() {
			return v.ArrayValue()
		}
	}
	return nil
}

func stringsIn(pm resource.PropertyMap, key string) []string {
	if pm == nil {
		return nil
	}
	v, ok := pm[resource.PropertyKey(key)]
	if !ok {
		return nil
	}
	if v = unwrap(v); !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e = unwrap(e); e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// entraTenant returns the tenant of an Entra ID resource's provider, and
// fails when it has none: only the backend's explicit azuread provider
// sets it.
func entraTenant(c *call) (string, error) {
	t := c.fromProvider("tenantId")
	if !format.UUID(t) {
		return "", fmt.Errorf("no tenantId on the resource's azuread provider; create Entra ID resources with the backend's explicit azuread provider")
	}
	return t, nil
}

// needUUID returns the string input key, which must be a UUID (an Entra
// object ID).
func needUUID(c *call, key string) (string, error) {
	v, err := c.need(key)
	if err != nil {
		return "", err
	}
	if !format.UUID(v) {
		return "", fmt.Errorf("%s %q is not an object ID (a UUID)", key, v)
	}
	return v, nil
}

// entraGroup answers as the azuread provider does for a group: its ID is
// the group's object ID, derived here from the tenant and display name.
// Graph refuses a group that is neither a security nor a mail-enabled
// group, and needs a mail nickname, which the provider would otherwise
// make up at random (snapshots must not hold random values).
func entraGroup(c *call) (string, error) {
	tenantID, err := entraTenant(c)
	if err != nil {
		return "", err
	}
	name, err := c.need("displayName")
	if err != nil {
		return "", err
	}
	nickname, err := c.need("mailNickname")
	if err != nil {
		return "", err
	}
	if len(nickname) > 64 || strings.ContainsAny(nickname, "@()\\[]\";:<>, ") {
		return "", fmt.Errorf("mailNickname %q: Entra ID takes at most 64 characters without @()\\[]\";:<>, or spaces", nickname)
	}
	if !boolIn(c.in, "securityEnabled") && !boolIn(c.in, "mailEnabled") {
		return "", fmt.Errorf("neither securityEnabled nor mailEnabled is set")
	}
	id := uuidFrom("entra-group", tenantID, name)
	c.set("objectId", id)
	return id, nil
}

// accessPackageCatalog answers with the catalog's ID, derived from the
// tenant and display name. The provider requires a description.
func accessPackageCatalog(c *call) (string, error) {
	tenantID, err := entraTenant(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("displayName", "description")
	if err != nil {
		return "", err
	}
	return uuidFrom("access-package-catalog", tenantID, in[0]), nil
}

// accessPackage answers with the access package's ID, derived from its
// catalog and display name.
func accessPackage(c *call) (string, error) {
	if _, err := entraTenant(c); err != nil {
		return "", err
	}
	catalog, err := needUUID(c, "catalogId")
	if err != nil {
		return "", err
	}
	in, err := c.needs("displayName", "description")
	if err != nil {
		return "", err
	}
	return uuidFrom("access-package", catalog, in[0]), nil
}

// entraOriginSystems are the resource types a catalog takes.
var entraOriginSystems = map[string]bool{"AadGroup": true, "AadApplication": true, "SharePointOnline": true}

// catalogResourceAssociation answers as the provider does:
// "<catalogId>/<originId>".
func catalogResourceAssociation(c *call) (string, error) {
	if _, err := entraTenant(c); err != nil {
		return "", err
	}
	catalog, err := needUUID(c, "catalogId")
	if err != nil {
		return "", err
	}
	origin, err := needUUID(c, "resourceOriginId")
	if err != nil {
		return "", err
	}
	if system := c.str("resourceOriginSystem"); !entraOriginSystems[system] {
		return "", fmt.Errorf("resourceOriginSystem %q is not AadGroup, AadApplication or SharePointOnline", system)
	}
	return catalog + "/" + origin, nil
}

// packageResourceAssociation answers as the provider does:
// "<accessPackageId>/<resourceRoleScopeId>/<originId>/<accessType>", the
// role scope's ID being "<roleId>_<scopeId>" as Graph reports it. The
// catalog association must be one the catalogResourceAssociation shape
// answered.
func packageResourceAssociation(c *call) (string, error) {
	if _, err := entraTenant(c); err != nil {
		return "", err
	}
	pkg, err := needUUID(c, "accessPackageId")
	if err != nil {
		return "", err
	}
	assoc, err := c.need("catalogResourceAssociationId")
	if err != nil {
		return "", err
	}
	catalog, origin, ok := strings.Cut(assoc, "/")
	if !ok || !format.UUID(catalog) || !format.UUID(origin) {
		return "", fmt.Errorf("catalogResourceAssociationId %q is not <catalogId>/<originId>", assoc)
	}
	accessType := c.str("accessType")
	switch accessType {
	case "":
		accessType = "Member"
	case "Member", "Owner":
	default:
		return "", fmt.Errorf("accessType %q is not Member or Owner", accessType)
	}
	scope := uuidFrom("access-package-role", pkg, origin, accessType) + "_" + uuidFrom("access-package-scope", catalog, origin)
	return strings.Join([]string{pkg, scope, origin, accessType}, "/"), nil
}

// entraSubjectTypes are the subject types of a user set.
var entraSubjectTypes = map[string]bool{
	"singleUser": true, "groupMembers": true, "connectedOrganizationMembers": true,
	"requestorManager": true, "internalSponsors": true, "externalSponsors": true,
}

// checkUserSets checks the user sets at key of pm: known subject types,
// and an object ID for users and groups.
func checkUserSets(pm resource.PropertyMap, key string) (int, error) {
	sets := arrayIn(pm, key)
	for i, v := range sets {
		if v = unwrap(v); !v.IsObject() {
			return 0, fmt.Errorf("%s[%d] is not an object", key, i)
		}
		set := unwrap(v).ObjectValue()
		typ := strIn(set, "subjectType")
		if !entraSubjectTypes[typ] {
			return 0, fmt.Errorf("%s[%d].subjectType %q is not a subject type", key, i, typ)
		}
		if id := strIn(set, "objectId"); (typ == "singleUser" || typ == "groupMembers") && !format.UUID(id) {
			return 0, fmt.Errorf("%s[%d].objectId %q is not an object ID", key, i, id)
		}
	}
	return len(sets), nil
}

// numberIn returns the number at key, or 0.
func numberIn(pm resource.PropertyMap, key string) float64 {
	if pm == nil {
		return 0
	}
	if v, ok := pm[resource.PropertyKey(key)]; ok {
		if v = unwrap(v); v.IsNumber() {
			return v.NumberValue()
		}
	}
	return 0
}

// accessPackageAssignmentPolicy answers with the policy's ID, derived from
// its access package and display name, after the checks the provider and
// Graph make: durationInDays 0-3660 and not with expirationDate; known
// requestor scopes and subject types; an approval stage with approvers
// whenever approval is required; and, when a review is enabled, its
// duration, recurrence and timeout behavior, and reviewers when reviewers
// review.
func accessPackageAssignmentPolicy(c *call) (string, error) {
	if _, err := entraTenant(c); err != nil {
		return "", err
	}
	pkg, err := needUUID(c, "accessPackageId")
	if err != nil {
		return "", err
	}
	in, err := c.needs("displayName", "description")
	if err != nil {
		return "", err
	}
	if d := numberIn(c.in, "durationInDays"); d < 0 || d > 3660 || d != float64(int(d)) {
		return "", fmt.Errorf("durationInDays %v is not a whole number from 0 to 3660", d)
	} else if d > 0 && c.str("expirationDate") != "" {
		return "", fmt.Errorf("durationInDays and expirationDate conflict")
	}
	if rs := objectIn(c.in, "requestorSettings"); rs != nil {
		switch scope := strIn(rs, "scopeType"); scope {
		case "", "AllConfiguredConnectedOrganizationSubjects", "AllExistingConnectedOrganizationSubjects", "AllExistingDirectoryMemberUsers",
			"AllExistingDirectorySubjects", "AllExternalSubjects", "NoSubjects", "SpecificConnectedOrganizationSubjects":
		case "SpecificDirectorySubjects":
			if n, err := checkUserSets(rs, "requestors"); err != nil {
				return "", fmt.Errorf("requestorSettings: %w", err)
			} else if n == 0 {
				return "", fmt.Errorf("requestorSettings: SpecificDirectorySubjects without requestors")
			}
		default:
			return "", fmt.Errorf("requestorSettings.scopeType %q is not a requestor scope", scope)
		}
	}
	if as := objectIn(c.in, "approvalSettings"); as != nil {
		stages := arrayIn(as, "approvalStages")
		if boolIn(as, "approvalRequired") && len(stages) == 0 {
			return "", fmt.Errorf("approvalSettings: approval required without an approval stage")
		}
		for i, v := range stages {
			stage := unwrap(v).ObjectValue()
			if numberIn(stage, "approvalTimeoutInDays") < 1 {
				return "", fmt.Errorf("approvalSettings.approvalStages[%d]: approvalTimeoutInDays is required", i)
			}
			if n, err := checkUserSets(stage, "primaryApprovers"); err != nil {
				return "", fmt.Errorf("approvalSettings.approvalStages[%d]: %w", i, err)
			} else if n == 0 {
				return "", fmt.Errorf("approvalSettings.approvalStages[%d]: no primary approvers", i)
			}
		}
	}
	if rv := objectIn(c.in, "assignmentReviewSettings"); boolIn(rv, "enabled") {
		if numberIn(rv, "durationInDays") < 1 || strIn(rv, "reviewFrequency") == "" || strIn(rv, "accessReviewTimeoutBehavior") == "" {
			return "", fmt.Errorf("assignmentReviewSettings: durationInDays, reviewFrequency and accessReviewTimeoutBehavior must be set when review is enabled")
		}
		switch f := strIn(rv, "reviewFrequency"); f {
		case "weekly", "monthly", "quarterly", "halfyearly", "annual":
		default:
			return "", fmt.Errorf("assignmentReviewSettings.reviewFrequency %q is not weekly, monthly, quarterly, halfyearly or annual", f)
		}
		switch b := strIn(rv, "accessReviewTimeoutBehavior"); b {
		case "keepAccess", "removeAccess", "acceptAccessRecommendation":
		default:
			return "", fmt.Errorf("assignmentReviewSettings.accessReviewTimeoutBehavior %q is not keepAccess, removeAccess or acceptAccessRecommendation", b)
		}
		n, err := checkUserSets(rv, "reviewers")
		if err != nil {
			return "", fmt.Errorf("assignmentReviewSettings: %w", err)
		}
		switch t := strIn(rv, "reviewType"); {
		case t != "Manager" && t != "Reviewers" && t != "Self":
			return "", fmt.Errorf("assignmentReviewSettings.reviewType %q is not Manager, Reviewers or Self", t)
		case t == "Reviewers" && n == 0:
			return "", fmt.Errorf("assignmentReviewSettings: reviewType Reviewers without reviewers")
		}
	}
	return uuidFrom("access-package-assignment-policy", pkg, in[0]), nil
}

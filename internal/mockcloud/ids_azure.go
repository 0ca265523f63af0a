package mockcloud

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// aksAPI is the type prefix of the AKS resources (API 2024-10-01).
const aksAPI = "azure-native:containerservice/v20241001:"

// azureShapes answers the azure-native types. Keep it sorted by type.
var azureShapes = map[string]shape{
	"azure-native:authorization:ManagementLockByScope":    managementLock,
	"azure-native:authorization:RoleAssignment":           roleAssignment,
	"azure-native:authorization:RoleDefinition":           roleDefinition,
	aksAPI + "AgentPool":                                  armChild("Microsoft.ContainerService/managedClusters", "resourceName", "agentPools", "agentPoolName"),
	aksAPI + "MaintenanceConfiguration":                   armChild("Microsoft.ContainerService/managedClusters", "resourceName", "maintenanceConfigurations", "configName"),
	aksAPI + "ManagedCluster":                             withOutputs(arm("Microsoft.ContainerService/managedClusters", "resourceName"), managedClusterOutputs),
	"azure-native:insights:DataCollectionRule":            arm("Microsoft.Insights/dataCollectionRules", "dataCollectionRuleName"),
	"azure-native:insights:DataCollectionRuleAssociation": extension("Microsoft.Insights/dataCollectionRuleAssociations", "associationName"),
	"azure-native:insights:DiagnosticSetting":             extension("Microsoft.Insights/diagnosticSettings", "name"),
	"azure-native:managedidentity:FederatedIdentityCredential": armChild("Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName",
		"federatedIdentityCredentials", "federatedIdentityCredentialResourceName"),
	"azure-native:managedidentity:UserAssignedIdentity":   userAssignedIdentity,
	"azure-native:network/v20240501:FlowLog":              armChild("Microsoft.Network/networkWatchers", "networkWatcherName", "flowLogs", "flowLogName"),
	"azure-native:network/v20240501:NatGateway":           arm("Microsoft.Network/natGateways", "natGatewayName"),
	"azure-native:network/v20240501:NetworkSecurityGroup": arm("Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName"),
	"azure-native:network/v20240501:PublicIPAddress": withOutputs(arm("Microsoft.Network/publicIPAddresses", "publicIpAddressName"), func(c *call) {
		c.set("ipAddress", ipFrom(20, c.str("publicIpAddressName")))
	}),
	"azure-native:network/v20240501:Subnet":         armChild("Microsoft.Network/virtualNetworks", "virtualNetworkName", "subnets", "subnetName"),
	"azure-native:network/v20240501:VirtualNetwork": arm("Microsoft.Network/virtualNetworks", "virtualNetworkName"),
	"azure-native:operationalinsights:Workspace": withOutputs(arm("Microsoft.OperationalInsights/workspaces", "workspaceName"), func(c *call) {
		c.set("customerId", uuidFrom("workspace-customer", c.str("workspaceName")))
	}),
	"azure-native:resources:ResourceGroup": resourceGroup,
	"azure-native:storage:BlobContainer":   blobContainer,
	"azure-native:storage:BlobServiceProperties": storageAccountChild("blobServices", "blobServicesName", func(c *call) {
		c.set("type", "Microsoft.Storage/storageAccounts/blobServices")
	}),
	"azure-native:storage:ManagementPolicy": storageAccountChild("managementPolicies", "managementPolicyName", func(c *call) {
		c.set("type", "Microsoft.Storage/storageAccounts/managementPolicies")
		c.set("lastModifiedTime", "2026-01-01T00:00:00.0000000Z")
	}),
	"azure-native:storage:StorageAccount": storageAccount,
}

var (
	// storageAccountPattern is what Azure accepts as a storage account
	// name (StorageAccountNameInvalid otherwise).
	storageAccountPattern = regexp.MustCompile(`^[a-z0-9]{3,24}$`)
	// blobContainerPattern is what Azure accepts as a container name: 3-63
	// lowercase letters, digits and single '-' between them.
	blobContainerPattern = regexp.MustCompile(`^[a-z0-9](-?[a-z0-9])+$`)
	guidPattern          = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
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
	if !guidPattern.MatchString(name) {
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
	if principal := c.str("principalId"); !guidPattern.MatchString(principal) {
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
	if !guidPattern.MatchString(name) {
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

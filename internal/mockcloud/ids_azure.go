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
	"azure-native:authorization:RoleAssignment":           roleAssignment,
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
	"azure-native:storage:StorageAccount": withOutputs(arm("Microsoft.Storage/storageAccounts", "accountName"), func(c *call) {
		c.set("primaryEndpoints", map[string]any{"blob": fmt.Sprintf("https://%s.blob.core.windows.net/", c.str("accountName"))})
	}),
}

var (
	guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// roleDefinitionPattern is a subscription-level built-in role
	// definition ID.
	roleDefinitionPattern = regexp.MustCompile(`^/subscriptions/[0-9a-fA-F-]{36}/providers/Microsoft\.Authorization/roleDefinitions/[0-9a-fA-F-]{36}$`)
)

// extension shapes an extension resource, one that lives on another
// resource: <resourceUri>/providers/<namespace/type>/<name>.
func extension(typePath, nameKey string) shape {
	return func(c *call) (string, error) {
		target, err := c.need("resourceUri")
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(target, "/subscriptions/") {
			return "", fmt.Errorf("resourceUri %q is not an ARM ID", target)
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

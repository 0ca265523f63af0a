package aks

import (
	"reflect"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	automation "github.com/pulumi/pulumi-azure-native-sdk/automation/v2/v20231101"
	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-azuread/sdk/v5/go/azuread"
)

// argsType is what every SDK Args struct is: a Pulumi input whose element
// type is the plain struct the provider receives, with `pulumi:"..."`
// field tags naming the input properties.
type argsType interface {
	ElementType() reflect.Type
}

// registeredTypes maps the type token of every resource this backend
// registers, providers included, to the zero value of its SDK Args. Add a
// type here when the backend starts registering it: the package's tests
// fail on a registered type that is missing.
var registeredTypes = map[string]argsType{
	"pulumi:providers:azure-native": azurenative.ProviderArgs{},
	"pulumi:providers:azuread":      azuread.ProviderArgs{},

	"azure-native:authorization:ManagementLockByScope": authorization.ManagementLockByScopeArgs{},
	"azure-native:authorization:RoleAssignment":        authorization.RoleAssignmentArgs{},
	"azure-native:authorization:RoleDefinition":        authorization.RoleDefinitionArgs{},

	"azure-native:automation/v20231101:AutomationAccount": automation.AutomationAccountArgs{},
	"azure-native:automation/v20231101:JobSchedule":       automation.JobScheduleArgs{},
	"azure-native:automation/v20231101:Runbook":           automation.RunbookArgs{},
	"azure-native:automation/v20231101:Schedule":          automation.ScheduleArgs{},

	"azure-native:containerservice/v20241001:AgentPool":                containerservice.AgentPoolArgs{},
	"azure-native:containerservice/v20241001:MaintenanceConfiguration": containerservice.MaintenanceConfigurationArgs{},
	"azure-native:containerservice/v20241001:ManagedCluster":           containerservice.ManagedClusterArgs{},

	"azure-native:insights:DataCollectionRule":            insights.DataCollectionRuleArgs{},
	"azure-native:insights:DataCollectionRuleAssociation": insights.DataCollectionRuleAssociationArgs{},
	"azure-native:insights:DiagnosticSetting":             insights.DiagnosticSettingArgs{},

	"azure-native:managedidentity:FederatedIdentityCredential": managedidentity.FederatedIdentityCredentialArgs{},
	"azure-native:managedidentity:UserAssignedIdentity":        managedidentity.UserAssignedIdentityArgs{},

	"azure-native:network/v20240501:FlowLog":              network.FlowLogArgs{},
	"azure-native:network/v20240501:NatGateway":           network.NatGatewayArgs{},
	"azure-native:network/v20240501:NetworkSecurityGroup": network.NetworkSecurityGroupArgs{},
	"azure-native:network/v20240501:PublicIPAddress":      network.PublicIPAddressArgs{},
	"azure-native:network/v20240501:Subnet":               network.SubnetArgs{},
	"azure-native:network/v20240501:VirtualNetwork":       network.VirtualNetworkArgs{},

	"azure-native:operationalinsights:Workspace": operationalinsights.WorkspaceArgs{},

	"azure-native:resources:ResourceGroup": resources.ResourceGroupArgs{},

	"azure-native:storage:BlobContainer":         storage.BlobContainerArgs{},
	"azure-native:storage:BlobServiceProperties": storage.BlobServicePropertiesArgs{},
	"azure-native:storage:ManagementPolicy":      storage.ManagementPolicyArgs{},
	"azure-native:storage:StorageAccount":        storage.StorageAccountArgs{},

	"azuread:index/accessPackage:AccessPackage":                                                     azuread.AccessPackageArgs{},
	"azuread:index/accessPackageAssignmentPolicy:AccessPackageAssignmentPolicy":                     azuread.AccessPackageAssignmentPolicyArgs{},
	"azuread:index/accessPackageCatalog:AccessPackageCatalog":                                       azuread.AccessPackageCatalogArgs{},
	"azuread:index/accessPackageResourceCatalogAssociation:AccessPackageResourceCatalogAssociation": azuread.AccessPackageResourceCatalogAssociationArgs{},
	"azuread:index/accessPackageResourcePackageAssociation:AccessPackageResourcePackageAssociation": azuread.AccessPackageResourcePackageAssociationArgs{},
	"azuread:index/group:Group": azuread.GroupArgs{},
}

// tagsProperties is registeredTypes with each Args read once, by
// reflection, into the property that carries its tags.
var tagsProperties = sync.OnceValue(func() map[string]string {
	out := make(map[string]string, len(registeredTypes))
	for token, args := range registeredTypes {
		out[token] = tagsPropertyOf(args.ElementType())
	}
	return out
})

// tagsPropertyOf returns the input property of a plain Args struct that
// carries key/value tags: that of its Tags field when the field is a map
// of strings, "" otherwise. A Tags field of another shape (a list of
// labels, as some Entra ID objects have) is not where Plinth's tags go.
func tagsPropertyOf(t reflect.Type) string {
	f, ok := t.FieldByName("Tags")
	if !ok || f.Type != reflect.TypeFor[map[string]string]() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
	return name
}

// TagsProperty returns the input property that carries tags for a resource
// type the AKS backend registers ("tags"), "" when the type accepts none,
// and known=false for a type this backend does not register (the table
// then needs the type).
//
// The answers are read from the SDKs' Args types, so they follow the SDK
// versions in go.mod. A test that walks every resource of a snapshot can
// check that each taggable resource carries the required tags.
func TagsProperty(typeToken string) (property string, known bool) {
	property, known = tagsProperties()[typeToken]
	return property, known
}

package aks_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	automation "github.com/pulumi/pulumi-azure-native-sdk/automation/v2/v20231101"
	"github.com/pulumi/pulumi-azure-native-sdk/cdn/v2"
	containerregistry "github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2/v20241101preview"
	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	dns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20230701preview"
	frontdoorwaf "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240201"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240501"
	privatedns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240601"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi-azuread/sdk/v5/go/azuread"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/aks/akstypes"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// TestRegistryListsExactlyTheRegisteredTypes renders every capability of
// the backend (a locked network, a cluster with monitoring, workload
// identities, locked backup storage, access packages, a power schedule,
// observability, the secret store, a private, locked registry and a
// locked edge)
// and checks the registry (akstypes) against it: every registered type is
// in it, carrying the spec's tags where it takes tags and no tags where it
// takes none, and every type in it is registered by some render.
func TestRegistryListsExactlyTheRegisteredTypes(t *testing.T) {
	backupSnap, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.Locked = true })
	clusterSnap, _ := renderKMSCluster(t, true) // with its KMS vault and key
	accessSnap, _ := renderAccess(t, nil)
	powerSnap, _ := renderPower(t, nil)
	observabilitySnap, _ := renderObservability(t, nil)
	secretsSnap, _ := renderSecrets(t, true, true, nil)
	registrySnap, _ := renderRegistry(t, true, true, nil)
	policySnap, _, err := renderWorkloadPolicy(t, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	edgeSnap, edge := renderEdge(t, true, nil)
	if edge.err != nil {
		t.Fatal(edge.err)
	}
	dnsSnap, _, err := renderDNS(t, nil, func(out *platform.DNSZonesOutputs) []platform.DNSRecordSpec {
		return []platform.DNSRecordSpec{{Name: "ingress", Zone: out.PrivateZoneID, Domain: "internal.prod.example.com", Private: true,
			Host: "ingress", Type: "A", Values: pulumi.ToStringArray([]string{"10.20.1.10"}), TTLSeconds: 300}}
	})
	if err != nil {
		t.Fatal(err)
	}
	snaps := []*platformtest.Snapshot{renderNetworkLock(t, true, ""), clusterSnap, backupSnap, accessSnap, powerSnap, observabilitySnap, secretsSnap, registrySnap, policySnap, edgeSnap}
	snaps = append(snaps, dnsSnap) // the DNS zones (signed, private, locked) and a private record

	registered := map[string]bool{}
	for _, snap := range snaps {
		for i := range snap.Resources {
			r := &snap.Resources[i]
			if !r.Custom || r.Type == "pulumi:providers:kubernetes" {
				continue // the tests' components, and the edge test's cluster provider
			}
			registered[r.Type] = true
			property, known := aks.TagsProperty(r.Type)
			if !known {
				t.Errorf("%s %s: not in the registry; add it to platform/aks/akstypes", r.Type, r.Name)
				continue
			}
			tags, tagged := r.Input("tags")
			switch {
			case property == "" && tagged:
				t.Errorf("%s %s has tags %v, but the registry says the type takes none", r.Type, r.Name, tags)
			case property != "" && strings.HasPrefix(r.Type, "pulumi:providers:"):
				t.Errorf("%s: a provider with tags %q", r.Type, property)
			case property != "" && !tagged:
				t.Errorf("%s %s: no %s input, though the type takes tags (C7)", r.Type, r.Name, property)
			}
		}
	}
	for _, typ := range akstypes.Registry.Tokens() {
		if !registered[typ] {
			t.Errorf("the registry lists %s, which no test render registers: a typo, or a type the backend no longer uses", typ)
		}
	}
}

// typedArgs is the inputs struct of a type the backend registers by type
// token (aks.TypedArgs), in the place of an SDK's Args.
type typedArgs struct{ t reflect.Type }

func (a typedArgs) ElementType() reflect.Type { return a.t }

// sdkArgs maps each type of the registry to the zero value of its SDK
// Args, whose Tags field says whether the type takes tags, or to its typed
// inputs where the backend registers it by type token.
var sdkArgs = map[string]interface{ ElementType() reflect.Type }{
	"azure-native:alertsmanagement:PrometheusRuleGroup": typedArgs{aks.TypedArgs["azure-native:alertsmanagement:PrometheusRuleGroup"]},
	"azure-native:monitor:AzureMonitorWorkspace":        typedArgs{aks.TypedArgs["azure-native:monitor:AzureMonitorWorkspace"]},

	"pulumi:providers:azure-native": azurenative.ProviderArgs{},
	"pulumi:providers:azuread":      azuread.ProviderArgs{},

	"azure-native:authorization:ManagementLockByScope": authorization.ManagementLockByScopeArgs{},
	"azure-native:authorization:PolicyAssignment":      authorization.PolicyAssignmentArgs{},
	"azure-native:authorization:RoleAssignment":        authorization.RoleAssignmentArgs{},
	"azure-native:authorization:RoleDefinition":        authorization.RoleDefinitionArgs{},

	"azure-native:automation/v20231101:AutomationAccount": automation.AutomationAccountArgs{},
	"azure-native:automation/v20231101:JobSchedule":       automation.JobScheduleArgs{},
	"azure-native:automation/v20231101:Runbook":           automation.RunbookArgs{},
	"azure-native:automation/v20231101:Schedule":          automation.ScheduleArgs{},

	"azure-native:cdn:AFDCustomDomain": cdn.AFDCustomDomainArgs{},
	"azure-native:cdn:AFDEndpoint":     cdn.AFDEndpointArgs{},
	"azure-native:cdn:AFDOrigin":       cdn.AFDOriginArgs{},
	"azure-native:cdn:AFDOriginGroup":  cdn.AFDOriginGroupArgs{},
	"azure-native:cdn:Profile":         cdn.ProfileArgs{},
	"azure-native:cdn:Route":           cdn.RouteArgs{},
	"azure-native:cdn:SecurityPolicy":  cdn.SecurityPolicyArgs{},

	"azure-native:containerregistry/v20241101preview:Registry": containerregistry.RegistryArgs{},

	"azure-native:containerservice/v20241001:AgentPool":                containerservice.AgentPoolArgs{},
	"azure-native:containerservice/v20241001:MaintenanceConfiguration": containerservice.MaintenanceConfigurationArgs{},
	"azure-native:containerservice/v20241001:ManagedCluster":           containerservice.ManagedClusterArgs{},

	"azure-native:insights:ActionGroup":                   insights.ActionGroupArgs{},
	"azure-native:insights:ActivityLogAlert":              insights.ActivityLogAlertArgs{},
	"azure-native:insights:DataCollectionEndpoint":        insights.DataCollectionEndpointArgs{},
	"azure-native:insights:DataCollectionRule":            insights.DataCollectionRuleArgs{},
	"azure-native:insights:DataCollectionRuleAssociation": insights.DataCollectionRuleAssociationArgs{},
	"azure-native:insights:DiagnosticSetting":             insights.DiagnosticSettingArgs{},

	"azure-native:keyvault:Key":   keyvault.KeyArgs{},
	"azure-native:keyvault:Vault": keyvault.VaultArgs{},

	"azure-native:managedidentity:FederatedIdentityCredential": managedidentity.FederatedIdentityCredentialArgs{},
	"azure-native:managedidentity:UserAssignedIdentity":        managedidentity.UserAssignedIdentityArgs{},

	// The DNS zones (NewDNSZones, NewDNSRecord).
	"azure-native:network/v20230701preview:DnssecConfig": dns.DnssecConfigArgs{},
	"azure-native:network/v20230701preview:RecordSet":    dns.RecordSetArgs{},
	"azure-native:network/v20230701preview:Zone":         dns.ZoneArgs{},

	"azure-native:network/v20240201:Policy":               frontdoorwaf.PolicyArgs{},
	"azure-native:network/v20240501:FlowLog":              network.FlowLogArgs{},
	"azure-native:network/v20240501:NatGateway":           network.NatGatewayArgs{},
	"azure-native:network/v20240501:NetworkSecurityGroup": network.NetworkSecurityGroupArgs{},
	"azure-native:network/v20240501:PrivateDnsZoneGroup":  network.PrivateDnsZoneGroupArgs{},
	"azure-native:network/v20240501:PrivateEndpoint":      network.PrivateEndpointArgs{},
	"azure-native:network/v20240501:PublicIPAddress":      network.PublicIPAddressArgs{},
	"azure-native:network/v20240501:Subnet":               network.SubnetArgs{},
	"azure-native:network/v20240501:VirtualNetwork":       network.VirtualNetworkArgs{},
	"azure-native:network/v20240601:PrivateRecordSet":     privatedns.PrivateRecordSetArgs{},
	"azure-native:network/v20240601:PrivateZone":          privatedns.PrivateZoneArgs{},
	"azure-native:network/v20240601:VirtualNetworkLink":   privatedns.VirtualNetworkLinkArgs{},

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

// TestRegistryTagsFollowTheSDK checks each type's Tags in the registry
// against its SDK Args: "tags" exactly when the Args have a Tags field of
// key/value strings. A Tags field of another shape (a list of labels, as
// some Entra ID objects have) is not where Plinth's tags go.
func TestRegistryTagsFollowTheSDK(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(sdkArgs)), akstypes.Registry.Tokens(); !slices.Equal(got, want) {
		t.Fatalf("sdkArgs has %v,\nthe registry %v", got, want)
	}
	for token, args := range sdkArgs {
		want := ""
		if f, ok := args.ElementType().FieldByName("Tags"); ok && f.Type == reflect.TypeFor[map[string]string]() {
			want, _, _ = strings.Cut(f.Tag.Get("pulumi"), ",")
		}
		if got, _ := aks.TagsProperty(token); got != want {
			t.Errorf("%s: the registry says tags %q, the SDK's Args %q", token, got, want)
		}
	}
}

func TestTagsProperty(t *testing.T) {
	for _, tc := range []struct {
		typ, property string
		known         bool
	}{
		{"azure-native:resources:ResourceGroup", "tags", true},
		{"azure-native:containerservice/v20241001:ManagedCluster", "tags", true},
		{"azure-native:automation/v20231101:AutomationAccount", "tags", true},
		{"azure-native:authorization:RoleAssignment", "", true},
		{"azure-native:network/v20240501:Subnet", "", true},
		{"azure-native:automation/v20231101:Schedule", "", true},
		{"azuread:index/group:Group", "", true},
		{"pulumi:providers:azure-native", "", true},
		{"azure-native:network/v20230901:VirtualNetwork", "", false}, // another API version
		{"gcp:compute/network:Network", "", false},
		{"", "", false},
	} {
		property, known := aks.TagsProperty(tc.typ)
		if property != tc.property || known != tc.known {
			t.Errorf("TagsProperty(%q) = %q, %v; want %q, %v", tc.typ, property, known, tc.property, tc.known)
		}
	}
}

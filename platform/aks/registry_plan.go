package aks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/field"
)

// Azure Container Registry settings that are not spec fields.
const (
	// registryPurpose prefixes a registry's Azure name (see registryName).
	registryPurpose = "cr"
	// registrySKU is the only tier with private endpoints, zone
	// redundancy and the retention policy for untagged manifests.
	registrySKU = "Premium"
	// registryZoneRedundancy spreads the registry's data over the
	// region's availability zones (set at creation; Premium only).
	registryZoneRedundancy = "Enabled"
	// registrySubresource is a private endpoint's target sub-resource
	// (group ID) for a container registry: the login server and the
	// regional data endpoints.
	registrySubresource = "registry"
	// registryPrivateZone is the private DNS zone Azure resolves a
	// registry's privatelink CNAMEs in (<name>.azurecr.io and
	// <name>.<region>.data.azurecr.io are CNAMEs to their privatelink
	// names once the registry has a private endpoint). Azure's public
	// cloud only, as blobPrivateZone.
	registryPrivateZone = "privatelink.azurecr.io"
	// registryDNSSuffix ends a registry's login server in Azure's public
	// cloud.
	registryDNSSuffix = ".azurecr.io"
	// policyEnabled and policyDisabled are the statuses of a registry
	// policy (retention, export).
	policyEnabled, policyDisabled = "enabled", "disabled"
	// networkBypassAzureServices lets trusted Azure services through a
	// private registry's network rules: Microsoft Defender for Containers
	// pulls the images from the registry to scan them for
	// vulnerabilities, and is such a service; without the bypass a
	// registry without public access is never scanned. It admits no one
	// else, and a trusted service still needs a role on the registry.
	networkBypassAzureServices = "AzureServices"
)

// registryNamePattern is what Azure accepts as a registry name: 5-50
// letters and digits (registryName writes lowercase only, as the login
// server is).
var registryNamePattern = regexp.MustCompile(`^[a-z0-9]{5,50}$`)

// registryPlan is the cloud-side shape of a RegistrySpec on Azure: every
// name and setting, computed without Pulumi so it can be table-tested.
// The registry's Azure name is not in it: it depends on the cluster's
// resource group, an output (see registryName).
type registryPlan struct {
	// Registry is the registry's Pulumi name, "<name>-registry".
	Registry string
	// SKU, ZoneRedundancy: Premium, zone redundant.
	SKU, ZoneRedundancy string
	// AdminUser and AnonymousPull are always off: every pull and push
	// authenticates with Entra ID and is authorized by a role assignment.
	AdminUser, AnonymousPull bool
	// RetentionStatus and RetentionDays are the retention policy of
	// untagged manifests: enabled for RetentionDays when
	// spec.UntaggedRetentionDays > 0, disabled (and 0 days) otherwise.
	RetentionStatus string
	RetentionDays   int
	// PublicNetworkAccess, ExportStatus and NetworkBypass are the
	// registry's network settings: Disabled, disabled, AzureServices for
	// a private registry (see networkBypassAzureServices); Enabled,
	// enabled, AzureServices otherwise.
	PublicNetworkAccess, ExportStatus, NetworkBypass string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the registry
	// and what it is reached through (endpoint, zone group, the zone and
	// its link): spec.Locked.
	Protect bool
	// Zone and Endpoint are the private DNS zone, its link to the VNet,
	// and the registry's private endpoint; nil unless private.
	Zone     *privateZonePlan
	Endpoint *privateEndpointPlan
	// EndpointSubnet is the role of the subnet the endpoint takes its
	// address from.
	EndpointSubnet platform.SubnetRole
	// Puller is the Pulumi name of the nodes' AcrPull assignment on the
	// registry, PullRole that role.
	Puller   string
	PullRole roleDefinition
	// Pushers are the Pulumi names of the pushers' AcrPush assignments on
	// the registry, in spec order; PushRole that role.
	Pushers  []string
	PushRole roleDefinition
	Tags     map[string]string
}

// planRegistry checks what Azure needs beyond the contract's checks
// (RegistrySpec.Validate against aksfacts.Facts) and plans the registry.
// Nothing is registered when it fails.
func planRegistry(spec platform.RegistrySpec) (registryPlan, error) {
	path := field.NewPath("registry")
	errs := spec.Validate(path, aksfacts.Facts)
	if spec.Cluster != nil {
		if spec.Cluster.ID.OutputState == nil {
			errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID; the registry goes into its resource group"))
		}
		if spec.Cluster.NodeIdentity.OutputState == nil {
			errs.Add(field.Required(path.Child("cluster").Child("nodeIdentity"), "the object ID of the cluster's kubelet identity, which gets AcrPull on the registry; pass the outputs the cluster backend returned"))
		}
	}
	if spec.Private {
		errs.Add(checkPrivateEndpointNetwork(path.Child("network"), spec.Network,
			"the registry has no public access and is reached through a private endpoint there; "+
				"pass the cluster's network, whose layout has one by default, or make the registry public (outside production only)")...)
	}
	if err := errs.Err(); err != nil {
		return registryPlan{}, err
	}
	n := spec.Name
	p := registryPlan{
		Registry:            platform.ChildName(n, "registry"),
		SKU:                 registrySKU,
		ZoneRedundancy:      registryZoneRedundancy,
		RetentionStatus:     policyDisabled,
		PublicNetworkAccess: publicNetworkAccessEnabled,
		ExportStatus:        policyEnabled,
		NetworkBypass:       networkBypassAzureServices,
		Protect:             spec.Locked,
		Puller:              platform.ChildName(n, "acr-pull"),
		PullRole:            roleAcrPull,
		PushRole:            roleAcrPush,
		Tags:                spec.Tags.Merge(),
	}
	if d := spec.UntaggedRetentionDays; d > 0 {
		p.RetentionStatus, p.RetentionDays = policyEnabled, d
	}
	// Each pusher's grant is named after the pusher, not its position:
	// removing one pusher must not replace the others' grants (a
	// replacement of one would create its new assignment before deleting
	// the old, under the same assignment name as another's).
	for _, pusher := range spec.Pushers {
		p.Pushers = append(p.Pushers, platform.ChildName(n, "acr-push-"+strings.ToLower(pusher)))
	}
	if spec.Private {
		// Azure refuses an enabled export policy on a registry without
		// public access; disabled, no one copies images out with
		// `az acr import` or export pipelines either.
		p.PublicNetworkAccess, p.ExportStatus = publicNetworkAccessDisabled, policyDisabled
		p.EndpointSubnet = platform.SubnetPrivateEndpoints
		p.Zone = &privateZonePlan{
			Zone:         platform.ChildName(n, "registry-dns"),
			ZoneName:     registryPrivateZone,
			ZoneLocation: privateZoneLocation,
			Link:         platform.ChildName(n, "registry-dns-link"),
		}
		p.Endpoint = &privateEndpointPlan{
			Name:          platform.ChildName(n, "registry-endpoint"),
			NIC:           platform.ChildName(n, "registry-endpoint-nic"),
			Connection:    platform.ChildName(n, "registry"),
			Subresource:   registrySubresource,
			ZoneGroup:     platform.ChildName(n, "registry-dns-group"),
			ZoneGroupName: zoneGroupName,
			ZoneConfig:    strings.ReplaceAll(registryPrivateZone, ".", "-"),
		}
	}
	return p, nil
}

// registryName is a registry's Azure name: "cr", the registry's logical
// name without hyphens (cut to fit) and 8 hex characters of a hash of the
// subscription, the resource group and the logical name
// (storageAccountName), so that it is globally unique, as registry names
// must be, and never changes unless those do. It is 10-24 lowercase
// letters and digits, within Azure's 5-50; a name outside
// registryNamePattern is an error rather than a failed deployment.
func registryName(subscriptionID, resourceGroup, name string) (string, error) {
	n := storageAccountName(registryPurpose, name, subscriptionID, resourceGroup)
	if !registryNamePattern.MatchString(n) {
		return "", fmt.Errorf("registry.name %q: gives the Azure registry name %q, not 5-50 lowercase letters and digits; use a logical name of lowercase letters, digits and '-'", name, n)
	}
	return n, nil
}

// registryPrefix is the prefix of every image in the registry named name,
// its login server as Azure's public cloud gives it (properties.loginServer,
// <name>.azurecr.io) followed by "/".
func registryPrefix(name string) string {
	return name + registryDNSSuffix + "/"
}

package aks

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Key Vault settings that are not spec fields.
const (
	// vaultPurpose prefixes a team vault's Azure name (see vaultName).
	vaultPurpose = "kv"
	// vaultSKU and vaultFamily: the standard tier (software-protected
	// keys); secrets cost the same in both tiers.
	vaultSKU, vaultFamily = "standard", "A"
	// vaultSubresource is a private endpoint's target sub-resource
	// (group ID) for Key Vault.
	vaultSubresource = "vault"
	// vaultPrivateZone is the private DNS zone Azure resolves a vault's
	// privatelink CNAME in (<vault>.vault.azure.net is a CNAME to
	// <vault>.privatelink.vaultcore.azure.net once it has a private
	// endpoint). Azure's public cloud only, as blobPrivateZone.
	vaultPrivateZone = "privatelink.vaultcore.azure.net"
	// vaultDNSSuffix ends a vault's URI in Azure's public cloud.
	vaultDNSSuffix = ".vault.azure.net"
	// publicNetworkAccessEnabled admits requests to the vault's public
	// endpoint (a store that is not Private); networkDefaultAllow lets
	// them through its firewall.
	publicNetworkAccessEnabled = "Enabled"
	networkDefaultAllow        = "Allow"
	// vaultLockLevel lets a vault be read and changed, and its secrets be
	// written and deleted (management locks do not apply to the data
	// plane), but not the vault be deleted.
	vaultLockLevel = "CanNotDelete"
)

// vaultNamePattern is what Azure accepts as a vault name: 3-24 letters,
// digits and '-', starting with a letter and ending with a letter or
// digit (and no "--", which vaultName never gives: it writes no '-').
var vaultNamePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$`)

// secretStorePlan is the cloud-side shape of a SecretStoreSpec on Azure:
// every name and setting, computed without Pulumi so it can be
// table-tested. The vaults' Azure names are not in it: they depend on the
// cluster's resource group, an output (see vaultName).
type secretStorePlan struct {
	// TenantID is the Entra tenant the vaults authenticate requests
	// against (Config.TenantID).
	TenantID string
	// SKU and Family are the vaults' pricing tier.
	SKU, Family string
	// RBAC is enableRbacAuthorization: data access only through Azure
	// role assignments, never access policies (none are set).
	RBAC bool
	// PurgeProtection keeps a deleted vault's or secret's data until
	// SoftDeleteDays have passed, whoever asks; it cannot be turned off.
	PurgeProtection bool
	SoftDeleteDays  int
	// PublicNetworkAccess, NetworkDefaultAction and NetworkBypass are the
	// vaults' network settings: Disabled, Deny, None for a private store;
	// Enabled, Allow, None otherwise.
	PublicNetworkAccess, NetworkDefaultAction, NetworkBypass string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the vaults,
	// their locks and what they are reached through (endpoints, zone
	// groups, the zone and its link); Locked adds a CanNotDelete lock on
	// each vault.
	Protect, Locked bool
	// Zone is the private DNS zone shared by the teams' endpoints and its
	// VNet link; nil unless the store is private.
	Zone *privateZonePlan
	// EndpointSubnet is the role of the subnet the teams' endpoints take
	// their addresses from.
	EndpointSubnet platform.SubnetRole
	Teams          []secretTeamPlan
	Tags           map[string]string
}

// secretTeamPlan is one team's vault, identity and grants.
type secretTeamPlan struct {
	// Team is the team's name; Index its position in the spec.
	Team  string
	Index int
	// Vault is the vault's Pulumi name, "<name>-<team>-vault".
	Vault string
	// Lock, LockName and LockNotes describe the vault's CanNotDelete
	// lock; empty unless the store is Locked.
	Lock, LockName, LockNotes string
	// Identity is the logical name of the team's workload identity
	// (NewWorkloadIdentity): "<name>-<team>", so its children are
	// "<name>-<team>-identity" and "<name>-<team>-federation".
	Identity string
	// Reader is the Pulumi name of the identity's Key Vault Secrets User
	// assignment on the vault, ReaderRole that role.
	Reader     string
	ReaderRole roleDefinition
	// Writers are the Pulumi names of the writer groups' Key Vault
	// Secrets Officer assignments on the vault, in spec order;
	// WriterRole that role.
	Writers    []string
	WriterRole roleDefinition
	// Endpoint is the vault's private endpoint; nil unless private.
	Endpoint *privateEndpointPlan
}

// planSecretStore checks what Azure needs beyond the contract's checks
// (SecretStoreSpec.Validate) and plans the store. Nothing is registered
// when it fails.
func planSecretStore(cfg Config, spec platform.SecretStoreSpec) (secretStorePlan, error) {
	path := field.NewPath("secretStore")
	errs := spec.Validate(path)
	if cfg.TenantID == "" {
		errs.Add(field.Required(field.NewPath("aks").Child("tenantID"), "Key Vaults authenticate requests against the Entra ID tenant; set it (az account show --query tenantId)"))
	}
	if spec.Cluster != nil && spec.Cluster.ID.OutputState == nil {
		errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID; the vaults go into its resource group"))
	}
	if spec.Private {
		errs.Add(checkPrivateEndpointNetwork(path.Child("network"), spec.Network,
			"the store's vaults have no public access and are reached through private endpoints there; "+
				"pass the cluster's network, whose layout has one by default, or make the store public (outside production only)")...)
	}
	if err := errs.Err(); err != nil {
		return secretStorePlan{}, err
	}
	n := spec.Name
	p := secretStorePlan{
		TenantID:             cfg.TenantID,
		SKU:                  vaultSKU,
		Family:               vaultFamily,
		RBAC:                 true,
		PurgeProtection:      true,
		SoftDeleteDays:       spec.SoftDeleteDays,
		PublicNetworkAccess:  publicNetworkAccessEnabled,
		NetworkDefaultAction: networkDefaultAllow,
		NetworkBypass:        networkBypassNone,
		Protect:              spec.Locked,
		Locked:               spec.Locked,
		Tags:                 spec.Tags.Merge(),
	}
	if spec.Private {
		p.PublicNetworkAccess = publicNetworkAccessDisabled
		p.NetworkDefaultAction = networkDefaultDeny
		p.EndpointSubnet = platform.SubnetPrivateEndpoints
		p.Zone = &privateZonePlan{
			Zone:         platform.ChildName(n, "vault-dns"),
			ZoneName:     vaultPrivateZone,
			ZoneLocation: privateZoneLocation,
			Link:         platform.ChildName(n, "vault-dns-link"),
		}
	}
	for i, t := range spec.Teams {
		tn := platform.ChildName(n, t.Team)
		tp := secretTeamPlan{
			Team:       t.Team,
			Index:      i,
			Vault:      platform.ChildName(tn, "vault"),
			Identity:   tn,
			Reader:     platform.ChildName(tn, "secrets-user"),
			ReaderRole: roleKeyVaultSecretsUser,
			WriterRole: roleKeyVaultSecretsOfficer,
		}
		for k := range t.Writers {
			tp.Writers = append(tp.Writers, platform.ChildName(tn, fmt.Sprintf("secrets-officer-%d", k+1)))
		}
		if spec.Locked {
			tp.Lock = platform.ChildName(tn, "vault-lock")
			tp.LockName = tp.Lock
			tp.LockNotes = fmt.Sprintf("Secrets of team %s in Plinth secret store %q: deleting this vault deletes them. "+
				"Production stores are always Locked: lift this lock only to decommission the store, through the stack "+
				"(pulumi state unprotect on this lock and the vault, then remove the store); never by hand.", t.Team, n)
		}
		if spec.Private {
			tp.Endpoint = &privateEndpointPlan{
				Name:          platform.ChildName(tn, "vault-endpoint"),
				NIC:           platform.ChildName(tn, "vault-endpoint-nic"),
				Connection:    platform.ChildName(tn, "vault"),
				Subresource:   vaultSubresource,
				ZoneGroup:     platform.ChildName(tn, "vault-dns-group"),
				ZoneGroupName: zoneGroupName,
				ZoneConfig:    strings.ReplaceAll(vaultPrivateZone, ".", "-"),
			}
		}
		p.Teams = append(p.Teams, tp)
	}
	return p, nil
}

// vaultName is a team vault's Azure name: "kv", the team's name without
// hyphens (cut to fit) and 8 hex characters of a hash of the subscription,
// the resource group, the store's logical name and the team
// (storageAccountName), so that it is globally unique, as Key Vault names
// must be, and never changes unless those do. Azure takes 3-24 letters,
// digits and '-' starting with a letter; this is 11-24 lowercase letters
// and digits starting with "kv". A deleted vault keeps its name for
// SoftDeleteDays (purge protection), so a store removed and created again
// in the same resource group within that time must recover its vaults
// rather than create them.
func vaultName(subscriptionID, resourceGroup, store, team string) string {
	return storageAccountName(vaultPurpose, team, subscriptionID, resourceGroup, store)
}

// vaultURI is the URI of the vault named name, as Azure's public cloud
// gives it (properties.vaultUri): https://<name>.vault.azure.net/.
func vaultURI(name string) string {
	return "https://" + name + vaultDNSSuffix + "/"
}

// checkPrivateEndpointNetwork checks that net, the cluster's network, has
// what a private endpoint needs: the private-endpoints subnet in its spec
// and the outputs of that subnet and of the VNet. why says what is reached
// there and how to fix a missing subnet.
func checkPrivateEndpointNetwork(path field.Path, net platform.ClusterNetwork, why string) []*field.Error {
	role := platform.SubnetPrivateEndpoints
	if _, ok := net.Spec.Subnet(role); !ok {
		return []*field.Error{field.Required(path.Child("spec").Child("subnets"), "a subnet with role %q: %s", role, why)}
	}
	var errs []*field.Error
	if sn, ok := net.Outputs.Subnets[role]; !ok || sn.ID.OutputState == nil {
		errs = append(errs, field.Required(path.Child("outputs").Child("subnets").Key(string(role)),
			"the subnet's ARM ID, where the private endpoint goes; pass the outputs the network backend returned"))
	}
	if net.Outputs.ID.OutputState == nil {
		errs = append(errs, field.Required(path.Child("outputs").Child("id"),
			"the VNet's ARM ID, which the private DNS zone is linked to; pass the outputs the network backend returned"))
	}
	return errs
}

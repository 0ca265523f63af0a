package aks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/plinth-dev/plinth/platform"
)

// networkPlan is the cloud-side shape of a NetworkSpec on Azure: every name
// and setting, computed without Pulumi so it can be table-tested.
type networkPlan struct {
	// ResourceGroup is the group everything lands in; CreateResourceGroup
	// says whether the network creates it.
	ResourceGroup       string
	CreateResourceGroup bool
	VNet                string
	AddressSpace        string
	Subnets             []subnetPlan
	NAT                 *natPlan
	FlowLog             *flowLogPlan
	// Lock is the CanNotDelete lock on the resource group; nil unless the
	// spec is Locked.
	Lock *lockPlan
	// Retain is pulumi.RetainOnDelete on the stateful children: the
	// resource group the backend creates, the VNet, the subnets and the
	// flow logs' storage account (spec.Retain).
	Retain bool
	Tags   map[string]string
}

// lockPlan is a management lock: its Pulumi and Azure name, its level and
// the notes that tell whoever meets it why it is there and how it goes.
type lockPlan struct {
	Name, Level, Notes string
}

type subnetPlan struct {
	Role platform.SubnetRole
	// Name is the subnet's Azure name, as load-balancer annotations
	// reference it; it is the role itself.
	Name string
	CIDR string
	NSG  string
	// NAT attaches the NAT gateway (node subnet only).
	NAT bool
	// PrivateEndpointPolicies is "Enabled" on the private-endpoint subnet so
	// that its NSG applies to private endpoints, "Disabled" elsewhere.
	PrivateEndpointPolicies string
}

type natPlan struct {
	Name        string
	PublicIPs   []string
	IdleTimeout int
	// IPZones are the zones of the public IPs: zone-redundant addresses on a
	// regional (non-zonal) NAT gateway, which no single zone outage takes down.
	IPZones []string
}

type flowLogPlan struct {
	Name string
	// StorageAccount is the account's Azure name: globally unique, 3-24
	// lowercase letters and digits.
	StorageAccount string
	RetentionDays  int
	WatcherGroup   string
	WatcherName    string
}

// resourceGroupLockLevel lets everything in a locked resource group be read
// and changed but not deleted.
const resourceGroupLockLevel = "CanNotDelete"

func planNetwork(cfg Config, spec platform.NetworkSpec) networkPlan {
	n := spec.Name
	p := networkPlan{
		ResourceGroup: cfg.ResourceGroupName,
		VNet:          platform.ChildName(n, "vnet"),
		AddressSpace:  spec.AddressSpace,
		Retain:        spec.Retain,
		Tags:          spec.Tags.Merge(),
	}
	if p.ResourceGroup == "" {
		p.ResourceGroup, p.CreateResourceGroup = platform.ChildName(n, "rg"), true
	}
	for _, sn := range spec.Subnets {
		sp := subnetPlan{
			Role:                    sn.Role,
			Name:                    string(sn.Role),
			CIDR:                    sn.CIDR,
			NSG:                     platform.ChildName(n, string(sn.Role)+"-nsg"),
			NAT:                     spec.NAT.Enabled && sn.Role == platform.SubnetNodes,
			PrivateEndpointPolicies: "Disabled",
		}
		if sn.Role == platform.SubnetPrivateEndpoints {
			sp.PrivateEndpointPolicies = "Enabled"
		}
		p.Subnets = append(p.Subnets, sp)
	}
	if spec.NAT.Enabled {
		nat := &natPlan{Name: platform.ChildName(n, "nat"), IdleTimeout: spec.NAT.IdleTimeoutMinutes, IPZones: cfg.Zones}
		for i := range spec.NAT.IPCount {
			nat.PublicIPs = append(nat.PublicIPs, platform.ChildName(n, fmt.Sprintf("nat-ip-%d", i+1)))
		}
		p.NAT = nat
	}
	if spec.Locked {
		p.Lock = &lockPlan{
			Name:  platform.ChildName(n, "rg-lock"),
			Level: resourceGroupLockLevel,
			Notes: fmt.Sprintf("Plinth network %q: this group holds the network and the AKS cluster that shares it. "+
				"Deleting the cluster, the VNet or a node pool here needs this lock lifted first, through the stack: "+
				"set Locked to false, run pulumi state unprotect on the lock %s, then pulumi up; never remove it by hand.", n, platform.ChildName(n, "rg-lock")),
		}
	}
	if spec.FlowLogs.Enabled {
		p.FlowLog = &flowLogPlan{
			Name:           platform.ChildName(n, "flowlog"),
			StorageAccount: storageAccountName("fl", n, cfg.SubscriptionID, p.ResourceGroup),
			RetentionDays:  spec.FlowLogs.RetentionDays,
			WatcherGroup:   cfg.NetworkWatcherResourceGroup,
			WatcherName:    cfg.NetworkWatcherName,
		}
	}
	return p
}

// storageAccountName derives a globally unique, stable storage account name:
// the purpose, the logical name without hyphens (cut to fit) and 8 hex
// characters of a hash of the subscription, resource group and name. It
// never changes unless those do.
func storageAccountName(purpose, name string, scope ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(append(scope, purpose, name), "/")))
	suffix := hex.EncodeToString(sum[:])[:8]
	base := strings.ReplaceAll(name, "-", "")
	if room := 24 - len(purpose) - len(suffix); len(base) > room {
		base = base[:room]
	}
	return purpose + base + suffix
}

package aks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Settings every AKS cluster and node pool gets. They are not spec fields:
// each is the production choice of the AKS baseline and none has a sane
// alternative a stack would pick.
const (
	// nodeOSUpgradeChannel keeps node images current (OS patches, weekly)
	// independently of the Kubernetes upgrade channel.
	nodeOSUpgradeChannel = "NodeImage"
	// osSKU is the node OS: Azure Linux, Microsoft's minimal container
	// host.
	osSKU = "AzureLinux"
	// osDiskType puts the OS disk on the VM's local storage: faster node
	// start and reimage, no managed-disk cost. The pool's DiskSizeGB must
	// fit the VM size's cache or temporary disk.
	osDiskType = "Ephemeral"
	// drainTimeoutMinutes is how long an upgrade waits for one node's pods
	// to be evicted (PodDisruptionBudgets respected) before it fails.
	drainTimeoutMinutes = 30
	// nodeSoakMinutes is how long an upgrade waits after each upgraded
	// node before it moves on, so that a bad node image shows before the
	// whole pool has it.
	nodeSoakMinutes = 10
	// maintenanceUTCOffset: spec windows are in UTC.
	maintenanceUTCOffset = "+00:00"
	// kubeconfigFormat asks AKS for an exec (kubelogin) kubeconfig, never
	// one with a static credential.
	kubeconfigFormat = "exec"
	// containerInsightsStream is the stream Container Insights sends.
	containerInsightsStream = "Microsoft-ContainerInsights-Group-Default"
	// containerInsightsAssociation is the name Azure Monitor and the
	// portal expect for the cluster's Container Insights association.
	containerInsightsAssociation = "ContainerInsightsExtension"
)

// Pool taints and labels.
const (
	// criticalAddonsTaint keeps everything but critical add-ons off system
	// pools.
	criticalAddonsTaint = "CriticalAddonsOnly=true:NoSchedule"
	// spotTaint, spotLabelKey and spotLabelValue are what AKS puts on every
	// Spot pool itself. Plinth writes them explicitly so that the pool's
	// inputs match what AKS reports and no update shows a perpetual diff.
	spotTaint      = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"
	spotLabelKey   = "kubernetes.azure.com/scalesetpriority"
	spotLabelValue = "spot"
)

// auditLogCategories are the cluster's diagnostic log categories sent to
// the workspace: the API server's audit log without read-only requests
// (kube-audit-admin, far cheaper than kube-audit) and the Entra ID
// authentication webhook (guard).
var auditLogCategories = []string{"kube-audit-admin", "guard"}

// upgradeChannels maps the platform's channels to AKS auto-upgrade
// channels. AKS channels are none, patch, stable, rapid and node-image;
// none of them is GKE's STABLE, so the mapping is:
//
//   - rapid → "rapid": the latest patch of the latest supported minor.
//   - regular → "stable": the latest patch of minor N-1, AKS's
//     recommended channel and the nearest to GKE REGULAR.
//   - stable → "patch": patches of the pinned KubernetesVersion only. This
//     takes minors later than any channel, because it never takes one:
//     the stack moves the minor by changing KubernetesVersion.
//   - none → "none": no automatic Kubernetes upgrades (node images still
//     follow nodeOSUpgradeChannel).
var upgradeChannels = map[platform.UpgradeChannel]string{
	platform.ChannelRapid:   "rapid",
	platform.ChannelRegular: "stable",
	platform.ChannelStable:  "patch",
	platform.ChannelNone:    "none",
}

// tierSKUs maps the platform's tiers to the AKS SKU tier (SKU name Base).
var tierSKUs = map[platform.Tier]string{
	platform.TierStandard: "Standard",
	platform.TierFree:     "Free",
}

// clusterPlan is the cloud-side shape of a ClusterSpec on AKS: every name
// and setting, computed without Pulumi so it can be table-tested.
type clusterPlan struct {
	// Cluster is the managed cluster's Azure name; DNSPrefix, the first
	// label of its API server FQDNs, is the same.
	Cluster, DNSPrefix string
	// ResourceGroup is Config.ResourceGroupName, or "" when the group is
	// read from the network's ARM ID (the cluster joins its network's
	// group).
	ResourceGroup string
	// ControlPlaneIdentity and KubeletIdentity name the two user-assigned
	// identities.
	ControlPlaneIdentity, KubeletIdentity string
	KubernetesVersion                     string
	// UpgradeChannel is the AKS auto-upgrade channel (see upgradeChannels).
	// ChannelTakesMinors says it moves the minor itself: KubernetesVersion
	// is then only the version the cluster is created with, and later
	// differences are ignored rather than fought.
	UpgradeChannel       string
	ChannelTakesMinors   bool
	NodeOSUpgradeChannel string
	SKUName, SKUTier     string
	// TenantID and AdminGroups configure Entra ID integration and Azure
	// RBAC.
	TenantID    string
	AdminGroups []string
	// Network profile (Azure CNI overlay with Cilium).
	PodCIDR, ServiceCIDR, DNSServiceIP, OutboundType string
	// NetworkContributorOn lists the subnet roles the control-plane
	// identity gets Network Contributor on: where nodes and internal load
	// balancers live.
	NetworkContributorOn []platform.SubnetRole
	PrivateAPI           bool
	AuthorizedIPRanges   []string
	// AzurePolicy turns the Azure Policy add-on on. The Key Vault CSI
	// driver is always on and polls for new secret versions every
	// SecretRotationInterval; Image Cleaner, always on, removes unused
	// images from the nodes every ImageCleanerIntervalHours.
	AzurePolicy               bool
	SecretRotationInterval    string
	ImageCleanerIntervalHours int
	// Defender turns Microsoft Defender for Containers' sensor on in the
	// security profile (securityProfile.defender), reporting to the
	// cluster's Log Analytics workspace (Monitoring.Workspace), which a
	// Defender cluster therefore needs (checkCluster).
	Defender bool
	// Pools holds the system pool (inline) first, then the user pools
	// (AgentPool resources).
	Pools       []poolPlan
	Maintenance []maintenancePlan
	// Monitoring is nil when monitoring is off.
	Monitoring *monitoringPlan
	// KMS is the key vault and key that encrypt Secrets in etcd; nil when
	// spec.SecretsEncryption is.
	KMS  *kmsPlan
	Tags map[string]string
}

type poolPlan struct {
	// Inline marks the system pool: it is part of the ManagedCluster (see
	// NewCluster for why it cannot be an AgentPool of its own).
	Inline bool
	// Resource is the Pulumi name of the pool's AgentPool,
	// "<name>-pool-<pool>" ("" for the inline system pool); Name its Azure
	// name, the spec pool's name.
	Resource, Name string
	// Mode is "System" or "User".
	Mode   string
	VMSize string
	// Count is the node count at creation; the autoscaler owns it after
	// that (changes to it are ignored).
	Count, MinCount, MaxCount int
	Zones                     []string
	Labels                    map[string]string
	Taints                    []string
	OSSKU, OSDiskType         string
	OSDiskSizeGB              int
	// Priority is "Regular" or "Spot". Spot pools also set EvictionPolicy
	// and SpotMaxPrice (-1: pay up to the on-demand price, never evicted
	// for price).
	Priority       string
	EvictionPolicy string
	SpotMaxPrice   *float64
	// Upgrade is nil on Spot pools: AKS rejects maxSurge on them ("Spot
	// pools can't set max surge"), so their spec MaxSurge is not used.
	Upgrade *upgradePlan
}

type upgradePlan struct {
	MaxSurge                         string
	DrainTimeoutMinutes, SoakMinutes int
}

type maintenancePlan struct {
	// Resource is the Pulumi name; Config the fixed AKS configuration name.
	Resource, Config string
	Day              string
	StartTime        string
	DurationHours    int
	UTCOffset        string
	IntervalWeeks    int
}

type monitoringPlan struct {
	// Workspace is the Log Analytics workspace's Azure name.
	Workspace     string
	RetentionDays int
	// DataCollectionRule routes Container Insights (AAD auth) into the
	// workspace.
	DataCollectionRule string
	// DiagnosticSetting sends AuditLogs to the workspace.
	DiagnosticSetting string
	AuditLogs         []string
}

func planCluster(cfg Config, spec platform.ClusterSpec) clusterPlan {
	n := spec.Name
	cluster := platform.ChildName(n, "aks")
	p := clusterPlan{
		Cluster:              cluster,
		DNSPrefix:            cluster,
		ResourceGroup:        cfg.ResourceGroupName,
		ControlPlaneIdentity: platform.ChildName(n, "control-plane-identity"),
		KubeletIdentity:      platform.ChildName(n, "kubelet-identity"),
		KubernetesVersion:    spec.KubernetesVersion,
		UpgradeChannel:       upgradeChannels[spec.Channel],
		ChannelTakesMinors:   spec.Channel == platform.ChannelRapid || spec.Channel == platform.ChannelRegular,
		NodeOSUpgradeChannel: nodeOSUpgradeChannel,
		SKUName:              "Base",
		SKUTier:              tierSKUs[spec.Tier],
		TenantID:             cfg.TenantID,
		AdminGroups:          slices.Clone(spec.AdminGroups),
		PodCIDR:              spec.Network.Spec.PodCIDR,
		ServiceCIDR:          spec.Network.Spec.ServiceCIDR,
		DNSServiceIP:         dnsServiceIP(spec.Network.Spec.ServiceCIDR),
		OutboundType:         "loadBalancer",
		PrivateAPI:           spec.PrivateAPI,
		Tags:                 spec.Tags.Merge(),

		AzurePolicy:               spec.AKS.AzurePolicy,
		Defender:                  spec.AKS.Defender,
		SecretRotationInterval:    spec.AKS.SecretRotationInterval,
		ImageCleanerIntervalHours: spec.AKS.ImageCleanerIntervalHours,
		KMS:                       planKMS(spec),
	}
	if spec.Network.Spec.NAT.Enabled {
		p.OutboundType = "userAssignedNATGateway"
	}
	for _, role := range []platform.SubnetRole{platform.SubnetNodes, platform.SubnetIngress} {
		if _, ok := spec.Network.Spec.Subnet(role); ok {
			p.NetworkContributorOn = append(p.NetworkContributorOn, role)
		}
	}
	if !spec.PrivateAPI {
		p.AuthorizedIPRanges = slices.Clone(spec.AuthorizedCIDRs)
	}
	for i, pool := range spec.Pools {
		p.Pools = append(p.Pools, planPool(n, pool, i == 0))
	}
	for _, m := range []struct{ role, config string }{
		{"auto-upgrade-schedule", "aksManagedAutoUpgradeSchedule"},
		{"node-os-upgrade-schedule", "aksManagedNodeOSUpgradeSchedule"},
	} {
		p.Maintenance = append(p.Maintenance, maintenancePlan{
			Resource:      platform.ChildName(n, m.role),
			Config:        m.config,
			Day:           spec.Window.Day,
			StartTime:     fmt.Sprintf("%02d:00", spec.Window.StartHour),
			DurationHours: spec.Window.DurationHours,
			UTCOffset:     maintenanceUTCOffset,
			IntervalWeeks: 1,
		})
	}
	if spec.Monitoring {
		p.Monitoring = &monitoringPlan{
			Workspace:          platform.ChildName(n, "logs"),
			RetentionDays:      spec.LogRetentionDays,
			DataCollectionRule: platform.ChildName(n, "container-insights"),
			DiagnosticSetting:  platform.ChildName(n, "audit-logs"),
			AuditLogs:          slices.Clone(auditLogCategories),
		}
	}
	return p
}

// planPool plans one pool; inline is the first (system) pool, which the
// cluster is created with.
func planPool(n string, pool platform.NodePoolSpec, inline bool) poolPlan {
	p := poolPlan{
		Resource:     platform.ChildName(n, "pool-"+pool.Name),
		Name:         pool.Name,
		Mode:         "User",
		VMSize:       pool.MachineType,
		Count:        pool.MinCount,
		MinCount:     pool.MinCount,
		MaxCount:     pool.MaxCount,
		Zones:        slices.Clone(pool.Zones),
		Labels:       map[string]string{},
		OSSKU:        osSKU,
		OSDiskType:   osDiskType,
		OSDiskSizeGB: pool.DiskSizeGB,
		Priority:     "Regular",
		Upgrade:      &upgradePlan{MaxSurge: pool.MaxSurge, DrainTimeoutMinutes: drainTimeoutMinutes, SoakMinutes: nodeSoakMinutes},
	}
	for k, v := range pool.Labels {
		p.Labels[k] = v
	}
	if inline {
		p.Inline, p.Resource = true, ""
	}
	if pool.System {
		p.Mode = "System"
		p.Taints = append(p.Taints, criticalAddonsTaint)
	}
	for _, t := range pool.Taints {
		if s := t.String(); !slices.Contains(p.Taints, s) {
			p.Taints = append(p.Taints, s)
		}
	}
	if pool.Spot {
		p.Priority, p.EvictionPolicy = "Spot", "Delete"
		price := -1.0
		p.SpotMaxPrice = &price
		p.Labels[spotLabelKey] = spotLabelValue
		if !slices.Contains(p.Taints, spotTaint) {
			p.Taints = append(p.Taints, spotTaint)
		}
		p.Upgrade = nil
	}
	return p
}

// dnsServiceIP is the cluster DNS service's address: the service range's
// base address plus 10 (e.g. 100.68.0.10), as AKS does by default. It is ""
// when cidr does not parse or is too small; checkCluster reports that.
func dnsServiceIP(cidr string) string {
	prefix, err := netip.ParsePrefix(cidr)
	if err != nil || !prefix.Addr().Is4() {
		return ""
	}
	a := prefix.Masked().Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += 10
	ip := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	if !prefix.Contains(ip) {
		return ""
	}
	return ip.String()
}

// checkCluster reports what AKS needs beyond the validated spec. Nothing is
// registered when it fails.
func checkCluster(cfg Config, spec platform.ClusterSpec) error {
	var errs field.List
	if cfg.TenantID == "" {
		errs.Add(field.Required(field.NewPath("aks").Child("tenantID"), "clusters need the Entra ID tenant for Azure RBAC (az account show --query tenantId)"))
	}
	path := field.NewPath("cluster")
	if spec.AKS.ImageCleanerIntervalHours <= 0 || spec.AKS.SecretRotationInterval == "" {
		errs.Add(field.Required(path.Child("aks"), "the AKS settings are unset; resolve the spec with components/cluster"))
	}
	if _, ok := upgradeChannels[spec.Channel]; !ok {
		errs.Addf(path.Child("channel"), string(spec.Channel), "AKS maps only %v", platform.UpgradeChannels)
	}
	if _, ok := tierSKUs[spec.Tier]; !ok {
		errs.Addf(path.Child("tier"), string(spec.Tier), "AKS maps only %q and %q", platform.TierStandard, platform.TierFree)
	}
	switch {
	case len(spec.Pools) == 0:
		errs.Add(field.Required(path.Child("pools"), "AKS creates a cluster with its system pool"))
	case !spec.Pools[0].System:
		errs.Addf(path.Child("pools").Index(0).Child("system"), false, "the first pool must be the system pool; AKS creates the cluster with it")
	case spec.Pools[0].Spot:
		errs.Addf(path.Child("pools").Index(0).Child("spot"), true, "AKS cannot run the system pool on Spot capacity")
	}
	if _, ok := spec.Network.Outputs.Subnets[platform.SubnetNodes]; !ok {
		errs.Add(field.Required(path.Child("network").Child("outputs").Child("subnets").Key(string(platform.SubnetNodes)), "the cluster places its nodes in the network's nodes subnet"))
	}
	for _, role := range planCluster(cfg, spec).NetworkContributorOn {
		if _, ok := spec.Network.Outputs.Subnets[role]; !ok && role != platform.SubnetNodes {
			errs.Add(field.Required(path.Child("network").Child("outputs").Child("subnets").Key(string(role)), "the network spec has this subnet but its outputs do not"))
		}
	}
	if spec.AKS.Defender && !spec.Monitoring {
		errs.Addf(path.Child("aks").Child("defender"), true, "Defender for Containers reports to the cluster's Log Analytics workspace, and an unmonitored cluster has none; turn monitoring on, or Defender off")
	}
	errs.Add(checkKMS(path, spec)...)
	if dnsServiceIP(spec.Network.Spec.ServiceCIDR) == "" {
		errs.Addf(path.Child("network").Child("spec").Child("serviceCIDR"), spec.Network.Spec.ServiceCIDR, "need an IPv4 range with at least 16 addresses for the cluster DNS service")
	}
	return errs.Err()
}

// resourceGroupFromID returns the resource group of an ARM ID
// (/subscriptions/<sub>/resourceGroups/<rg>/...).
func resourceGroupFromID(id string) (string, error) {
	parts := strings.Split(strings.TrimPrefix(id, "/"), "/")
	if len(parts) >= 4 && strings.EqualFold(parts[0], "subscriptions") && strings.EqualFold(parts[2], "resourceGroups") && parts[3] != "" {
		return parts[3], nil
	}
	return "", fmt.Errorf("%q is not an ARM resource ID (/subscriptions/<sub>/resourceGroups/<group>/...)", id)
}

package aks

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	// Pools holds the system pool (inline) first, then the user pools
	// (AgentPool resources).
	Pools       []poolPlan
	Maintenance []maintenancePlan
	// Monitoring is nil when monitoring is off.
	Monitoring *monitoringPlan
	Tags       map[string]string
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

// NewCluster creates an AKS cluster for spec in the network's resource group
// (or Config.ResourceGroupName):
//
//   - a user-assigned control-plane identity and a separate kubelet identity;
//     the control-plane identity gets Managed Identity Operator on the
//     kubelet identity and Network Contributor on exactly the nodes and
//     ingress subnets (never the resource group), so that internal load
//     balancers get their private address;
//   - the managed cluster (API 2024-10-01): Entra ID with Azure RBAC and no
//     local accounts, OIDC issuer and workload identity, Azure CNI overlay
//     with Cilium, private API server or authorized ranges with run-command
//     off, auto-upgrade channels, Azure Policy, the Key Vault CSI driver
//     with rotation and Image Cleaner;
//   - the system pool inline in the cluster, and one AgentPool per user pool
//     (see below), each created after the previous one;
//   - the auto-upgrade and node OS maintenance windows;
//   - with Monitoring: a Log Analytics workspace, Container Insights with
//     Entra ID auth (add-on and data collection rule), managed Prometheus
//     metrics, and the audit and guard logs as diagnostic settings.
//
// The kubeconfig comes from listManagedClusterUserCredentials in exec
// format, never the admin credentials, and is a secret. It holds no
// credential: it runs kubelogin, which must be installed on every machine
// that runs `pulumi up` with Kubernetes resources on this cluster (laptops
// and CI). kubelogin reads the environment variable AAD_LOGIN_METHOD to
// choose how it signs in: "azurecli" on a laptop after az login,
// "workloadidentity" in CI with OIDC federation, "msi" on a VM or agent with
// a managed identity.
//
// The system pool cannot be an AgentPool of its own: AKS creates a cluster
// only with a system pool inline, and azure-native refuses to create a
// resource that already exists ("cannot create already existing resource";
// every Create reads the resource first), so an AgentPool of the same name
// would fail on the first deploy. The system pool is therefore managed by
// the ManagedCluster: its edits are cluster updates, visible in the preview
// like any other. The cluster ignores the pool counts (the autoscaler owns
// them); user pools are AgentPool resources, so adding, changing or removing
// one never touches the cluster.
//
// spec.DeletionProtection has no effect on AKS: a managed cluster has no
// deletion-protection flag. Protect it with pulumi.Protect (production
// stacks do) and a CanNotDelete management lock on its resource group;
// Plinth does not create that lock yet.
//
// Managed Prometheus (azureMonitorProfile.metrics) is switched on, but its
// Azure Monitor workspace and data collection rules are not created here:
// the azure-native monitor module cannot be used by this project yet.
func (b *Backend) NewCluster(ctx *pulumi.Context, spec platform.ClusterSpec, opts ...pulumi.ResourceOption) (*platform.ClusterOutputs, error) {
	if err := checkCluster(b.cfg, spec); err != nil {
		return nil, err
	}
	plan := planCluster(b.cfg, spec)
	n := spec.Name
	tags := pulumi.ToStringMap(plan.Tags)
	location := pulumi.String(b.cfg.Location)

	rg := pulumi.String(plan.ResourceGroup).ToStringOutput()
	if plan.ResourceGroup == "" {
		rg = spec.Network.Outputs.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	}

	controlPlane, err := managedidentity.NewUserAssignedIdentity(ctx, platform.ChildName(n, "control-plane-identity"), &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(plan.ControlPlaneIdentity),
		ResourceGroupName: rg,
		Location:          location,
		Tags:              tags,
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	kubelet, err := managedidentity.NewUserAssignedIdentity(ctx, platform.ChildName(n, "kubelet-identity"), &managedidentity.UserAssignedIdentityArgs{
		ResourceName:      pulumi.String(plan.KubeletIdentity),
		ResourceGroupName: rg,
		Location:          location,
		Tags:              tags,
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}

	// The control plane attaches the kubelet identity to the node scale
	// sets, and manages load balancers and NICs in the subnets. Each right
	// is on exactly the resource it is for.
	var grants []pulumi.Resource
	operator, err := b.assignRole(ctx, platform.ChildName(n, "control-plane-identity-operator"), roleManagedIdentityOperator,
		kubelet.ID().ToStringOutput(), controlPlane.PrincipalId, opts)
	if err != nil {
		return nil, err
	}
	grants = append(grants, operator)
	for _, role := range plan.NetworkContributorOn {
		ra, err := b.assignRole(ctx, platform.ChildName(n, "control-plane-"+string(role)+"-network-contributor"), roleNetworkContributor,
			spec.Network.Outputs.Subnets[role].ID, controlPlane.PrincipalId, opts)
		if err != nil {
			return nil, err
		}
		grants = append(grants, ra)
	}

	var workspace *operationalinsights.Workspace
	if m := plan.Monitoring; m != nil {
		workspace, err = operationalinsights.NewWorkspace(ctx, platform.ChildName(n, "logs"), &operationalinsights.WorkspaceArgs{
			WorkspaceName:     pulumi.String(m.Workspace),
			ResourceGroupName: rg,
			Location:          location,
			Sku:               &operationalinsights.WorkspaceSkuArgs{Name: pulumi.String("PerGB2018")},
			RetentionInDays:   pulumi.Int(m.RetentionDays),
			Tags:              tags,
		}, b.opts(opts)...)
		if err != nil {
			return nil, err
		}
	}

	nodeSubnet := spec.Network.Outputs.Subnets[platform.SubnetNodes].ID
	system := plan.Pools[0]
	addons := containerservice.ManagedClusterAddonProfileMap{
		"azurepolicy": containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(spec.AKS.AzurePolicy)},
		"azureKeyvaultSecretsProvider": containerservice.ManagedClusterAddonProfileArgs{
			Enabled: pulumi.Bool(true),
			Config: pulumi.StringMap{
				"enableSecretRotation": pulumi.String("true"),
				"rotationPollInterval": pulumi.String(spec.AKS.SecretRotationInterval),
			},
		},
	}
	if workspace != nil {
		// Container Insights with Entra ID auth: no workspace key on the
		// nodes.
		addons["omsagent"] = containerservice.ManagedClusterAddonProfileArgs{
			Enabled: pulumi.Bool(true),
			Config: pulumi.StringMap{
				"logAnalyticsWorkspaceResourceID": workspace.ID().ToStringOutput(),
				"useAADAuth":                      pulumi.String("true"),
			},
		}
	}
	clusterArgs := &containerservice.ManagedClusterArgs{
		ResourceName:      pulumi.String(plan.Cluster),
		ResourceGroupName: rg,
		Location:          location,
		DnsPrefix:         pulumi.String(plan.DNSPrefix),
		KubernetesVersion: pulumi.String(plan.KubernetesVersion),
		Sku:               &containerservice.ManagedClusterSKUArgs{Name: pulumi.String(plan.SKUName), Tier: pulumi.String(plan.SKUTier)},
		Identity: &containerservice.ManagedClusterIdentityArgs{
			Type:                   containerservice.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{controlPlane.ID().ToStringOutput()},
		},
		IdentityProfile: containerservice.UserAssignedIdentityMap{
			"kubeletidentity": containerservice.UserAssignedIdentityArgs{
				ResourceId: kubelet.ID().ToStringOutput().ToStringPtrOutput(),
				ClientId:   kubelet.ClientId.ToStringPtrOutput(),
				ObjectId:   kubelet.PrincipalId.ToStringPtrOutput(),
			},
		},
		EnableRBAC:           pulumi.Bool(true),
		DisableLocalAccounts: pulumi.Bool(true),
		AadProfile: &containerservice.ManagedClusterAADProfileArgs{
			Managed:             pulumi.Bool(true),
			EnableAzureRBAC:     pulumi.Bool(true),
			TenantID:            pulumi.String(plan.TenantID),
			AdminGroupObjectIDs: pulumi.ToStringArray(plan.AdminGroups),
		},
		OidcIssuerProfile: &containerservice.ManagedClusterOIDCIssuerProfileArgs{Enabled: pulumi.Bool(true)},
		SecurityProfile: &containerservice.ManagedClusterSecurityProfileArgs{
			WorkloadIdentity: &containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
			ImageCleaner: &containerservice.ManagedClusterSecurityProfileImageCleanerArgs{
				Enabled:       pulumi.Bool(true),
				IntervalHours: pulumi.Int(spec.AKS.ImageCleanerIntervalHours),
			},
		},
		NetworkProfile: &containerservice.ContainerServiceNetworkProfileArgs{
			NetworkPlugin:     pulumi.String("azure"),
			NetworkPluginMode: pulumi.String("overlay"),
			NetworkDataplane:  pulumi.String("cilium"),
			NetworkPolicy:     pulumi.String("cilium"),
			PodCidr:           pulumi.String(plan.PodCIDR),
			ServiceCidr:       pulumi.String(plan.ServiceCIDR),
			DnsServiceIP:      pulumi.String(plan.DNSServiceIP),
			OutboundType:      pulumi.String(plan.OutboundType),
			LoadBalancerSku:   pulumi.String("standard"),
		},
		ApiServerAccessProfile: &containerservice.ManagedClusterAPIServerAccessProfileArgs{
			EnablePrivateCluster: pulumi.Bool(plan.PrivateAPI),
			AuthorizedIPRanges:   pulumi.ToStringArray(plan.AuthorizedIPRanges),
			DisableRunCommand:    pulumi.Bool(true),
		},
		AutoUpgradeProfile: &containerservice.ManagedClusterAutoUpgradeProfileArgs{
			UpgradeChannel:       pulumi.String(plan.UpgradeChannel),
			NodeOSUpgradeChannel: pulumi.String(plan.NodeOSUpgradeChannel),
		},
		AddonProfiles: addons,
		// Only the system pool: AKS creates a cluster with it, and a pool
		// added to this list later would be refused (user pools are
		// AgentPools).
		AgentPoolProfiles: containerservice.ManagedClusterAgentPoolProfileArray{inlinePool(system, nodeSubnet, tags)},
		Tags:              tags,
	}
	if workspace != nil {
		clusterArgs.AzureMonitorProfile = &containerservice.ManagedClusterAzureMonitorProfileArgs{
			Metrics: &containerservice.ManagedClusterAzureMonitorProfileMetricsArgs{Enabled: pulumi.Bool(true)},
		}
	}
	// The autoscaler owns the node counts.
	ignore := []string{"agentPoolProfiles[*].count"}
	if plan.ChannelTakesMinors {
		// The channel moves the minor; fighting it would try a downgrade.
		ignore = append(ignore, "kubernetesVersion")
	}
	cluster, err := containerservice.NewManagedCluster(ctx, platform.ChildName(n, "aks"), clusterArgs,
		b.opts(opts, pulumi.DependsOn(grants), pulumi.IgnoreChanges(ignore))...)
	if err != nil {
		return nil, err
	}

	// One pool at a time: AKS refuses a pool operation while another runs
	// on the same cluster.
	var previous pulumi.Resource = cluster
	for _, pool := range plan.Pools {
		if pool.Inline {
			continue
		}
		ap, err := containerservice.NewAgentPool(ctx, pool.Resource, agentPoolArgs(pool, cluster.Name, rg, nodeSubnet, tags),
			b.opts(opts,
				pulumi.DependsOn([]pulumi.Resource{previous}),
				// The autoscaler owns the count.
				pulumi.IgnoreChanges([]string{"count"}),
				// Pools go with the cluster; no need to drain them one
				// by one when it is deleted.
				pulumi.DeletedWith(cluster),
			)...)
		if err != nil {
			return nil, err
		}
		previous = ap
	}

	for _, m := range plan.Maintenance {
		_, err := containerservice.NewMaintenanceConfiguration(ctx, m.Resource, &containerservice.MaintenanceConfigurationArgs{
			ConfigName:        pulumi.String(m.Config),
			ResourceName:      cluster.Name,
			ResourceGroupName: rg,
			MaintenanceWindow: &containerservice.MaintenanceWindowArgs{
				DurationHours: pulumi.Int(m.DurationHours),
				StartTime:     pulumi.String(m.StartTime),
				UtcOffset:     pulumi.String(m.UTCOffset),
				Schedule: &containerservice.ScheduleArgs{
					Weekly: &containerservice.WeeklyScheduleArgs{
						DayOfWeek:     pulumi.String(m.Day),
						IntervalWeeks: pulumi.Int(m.IntervalWeeks),
					},
				},
			},
		}, b.opts(opts, pulumi.DeletedWith(cluster))...)
		if err != nil {
			return nil, err
		}
	}

	if plan.Monitoring != nil {
		if err := b.newClusterMonitoring(ctx, n, plan.Monitoring, cluster, workspace, rg, tags, opts); err != nil {
			return nil, err
		}
	}

	issuer := cluster.OidcIssuerProfile.IssuerURL().Elem()
	return &platform.ClusterOutputs{
		Name: cluster.Name,
		ID:   cluster.ID().ToStringOutput(),
		Endpoint: pulumi.All(cluster.PrivateFQDN, cluster.Fqdn).ApplyT(func(v []any) string {
			host := v[0].(string)
			if host == "" {
				host = v[1].(string)
			}
			return "https://" + host + ":443"
		}).(pulumi.StringOutput),
		OIDCIssuerURL:           issuer,
		Kubeconfig:              b.kubeconfig(ctx, cluster, rg),
		ControlPlanePrincipalID: controlPlane.PrincipalId,
		NodeIdentity:            kubelet.PrincipalId,
		WorkloadIdentityPool:    issuer,
		// AKS keeps the nodes' disks and the persistent volumes' managed
		// disks in its node resource group (MC_<group>_<cluster>_<location>
		// unless set), so disk snapshots are granted there.
		DiskScope: pulumi.Sprintf("/subscriptions/%s/resourceGroups/%s", b.cfg.SubscriptionID, cluster.NodeResourceGroup.Elem()),
	}, nil
}

// inlinePool is the system pool as the cluster's agentPoolProfiles holds
// it. It sets the same fields as agentPoolArgs, so every pool is configured
// alike.
func inlinePool(p poolPlan, subnet pulumi.StringOutput, tags pulumi.StringMap) containerservice.ManagedClusterAgentPoolProfileArgs {
	args := containerservice.ManagedClusterAgentPoolProfileArgs{
		Name:              pulumi.String(p.Name),
		Mode:              pulumi.String(p.Mode),
		Type:              pulumi.String("VirtualMachineScaleSets"),
		VmSize:            pulumi.String(p.VMSize),
		OsType:            pulumi.String("Linux"),
		OsSKU:             pulumi.String(p.OSSKU),
		OsDiskType:        pulumi.String(p.OSDiskType),
		OsDiskSizeGB:      pulumi.Int(p.OSDiskSizeGB),
		Count:             pulumi.Int(p.Count),
		EnableAutoScaling: pulumi.Bool(true),
		MinCount:          pulumi.Int(p.MinCount),
		MaxCount:          pulumi.Int(p.MaxCount),
		AvailabilityZones: pulumi.ToStringArray(p.Zones),
		VnetSubnetID:      subnet.ToStringPtrOutput(),
		NodeLabels:        pulumi.ToStringMap(p.Labels),
		NodeTaints:        pulumi.ToStringArray(p.Taints),
		ScaleSetPriority:  pulumi.String(p.Priority),
		Tags:              tags,
	}
	if p.Upgrade != nil {
		args.UpgradeSettings = upgradeSettings(p.Upgrade)
	}
	return args
}

func agentPoolArgs(p poolPlan, cluster, rg, subnet pulumi.StringOutput, tags pulumi.StringMap) *containerservice.AgentPoolArgs {
	args := &containerservice.AgentPoolArgs{
		AgentPoolName:     pulumi.String(p.Name),
		ResourceName:      cluster,
		ResourceGroupName: rg,
		Mode:              pulumi.String(p.Mode),
		Type:              pulumi.String("VirtualMachineScaleSets"),
		VmSize:            pulumi.String(p.VMSize),
		OsType:            pulumi.String("Linux"),
		OsSKU:             pulumi.String(p.OSSKU),
		OsDiskType:        pulumi.String(p.OSDiskType),
		OsDiskSizeGB:      pulumi.Int(p.OSDiskSizeGB),
		Count:             pulumi.Int(p.Count),
		EnableAutoScaling: pulumi.Bool(true),
		MinCount:          pulumi.Int(p.MinCount),
		MaxCount:          pulumi.Int(p.MaxCount),
		AvailabilityZones: pulumi.ToStringArray(p.Zones),
		VnetSubnetID:      subnet.ToStringPtrOutput(),
		NodeLabels:        pulumi.ToStringMap(p.Labels),
		NodeTaints:        pulumi.ToStringArray(p.Taints),
		ScaleSetPriority:  pulumi.String(p.Priority),
		Tags:              tags,
	}
	if p.Upgrade != nil {
		args.UpgradeSettings = upgradeSettings(p.Upgrade)
	}
	if p.Priority == "Spot" {
		args.ScaleSetEvictionPolicy = pulumi.String(p.EvictionPolicy)
		args.SpotMaxPrice = pulumi.Float64(*p.SpotMaxPrice)
	}
	return args
}

func upgradeSettings(u *upgradePlan) *containerservice.AgentPoolUpgradeSettingsArgs {
	return &containerservice.AgentPoolUpgradeSettingsArgs{
		MaxSurge:                  pulumi.String(u.MaxSurge),
		DrainTimeoutInMinutes:     pulumi.Int(u.DrainTimeoutMinutes),
		NodeSoakDurationInMinutes: pulumi.Int(u.SoakMinutes),
	}
}

// newClusterMonitoring wires Container Insights (Entra ID auth) and the
// audit logs into the workspace.
func (b *Backend) newClusterMonitoring(ctx *pulumi.Context, n string, m *monitoringPlan, cluster *containerservice.ManagedCluster, workspace *operationalinsights.Workspace, rg pulumi.StringOutput, tags pulumi.StringMap, opts []pulumi.ResourceOption) error {
	// With useAADAuth the monitoring agent sends through a data collection
	// rule associated with the cluster; the add-on alone collects nothing.
	dcr, err := insights.NewDataCollectionRule(ctx, platform.ChildName(n, "container-insights"), &insights.DataCollectionRuleArgs{
		DataCollectionRuleName: pulumi.String(m.DataCollectionRule),
		ResourceGroupName:      rg,
		Location:               pulumi.String(b.cfg.Location),
		Kind:                   pulumi.String("Linux"),
		DataSources: &insights.DataCollectionRuleDataSourcesArgs{
			Extensions: insights.ExtensionDataSourceArray{
				insights.ExtensionDataSourceArgs{
					Name:          pulumi.String("ContainerInsightsExtension"),
					ExtensionName: pulumi.String("ContainerInsights"),
					Streams:       pulumi.StringArray{pulumi.String(containerInsightsStream)},
					ExtensionSettings: pulumi.Map{
						"dataCollectionSettings": pulumi.Map{
							"interval":               pulumi.String("1m"),
							"namespaceFilteringMode": pulumi.String("Off"),
							"enableContainerLogV2":   pulumi.Bool(true),
						},
					},
				},
			},
		},
		Destinations: &insights.DataCollectionRuleDestinationsArgs{
			LogAnalytics: insights.LogAnalyticsDestinationArray{
				insights.LogAnalyticsDestinationArgs{
					Name:                pulumi.String("workspace"),
					WorkspaceResourceId: workspace.ID().ToStringOutput().ToStringPtrOutput(),
				},
			},
		},
		DataFlows: insights.DataFlowArray{
			insights.DataFlowArgs{
				Streams:      pulumi.StringArray{pulumi.String(containerInsightsStream)},
				Destinations: pulumi.StringArray{pulumi.String("workspace")},
			},
		},
		Tags: tags,
	}, b.opts(opts)...)
	if err != nil {
		return err
	}
	clusterID := cluster.ID().ToStringOutput()
	_, err = insights.NewDataCollectionRuleAssociation(ctx, platform.ChildName(n, "container-insights-association"), &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String(containerInsightsAssociation),
		ResourceUri:          clusterID,
		DataCollectionRuleId: dcr.ID().ToStringOutput().ToStringPtrOutput(),
	}, b.opts(opts)...)
	if err != nil {
		return err
	}

	logs := insights.LogSettingsArray{}
	for _, category := range m.AuditLogs {
		logs = append(logs, insights.LogSettingsArgs{Category: pulumi.String(category), Enabled: pulumi.Bool(true)})
	}
	// Diagnostic settings outlive the resource they are on in Azure, so
	// this one is deleted explicitly, never assumed gone with the cluster.
	_, err = insights.NewDiagnosticSetting(ctx, platform.ChildName(n, "audit-logs"), &insights.DiagnosticSettingArgs{
		Name:        pulumi.String(m.DiagnosticSetting),
		ResourceUri: clusterID,
		WorkspaceId: workspace.ID().ToStringOutput().ToStringPtrOutput(),
		// Resource-specific tables (AKSAudit, AKSAuditAdmin, ...), cheaper
		// and faster to query than AzureDiagnostics.
		LogAnalyticsDestinationType: pulumi.String("Dedicated"),
		Logs:                        logs,
	}, b.opts(opts)...)
	return err
}

// kubeconfig returns the cluster user's exec kubeconfig, decoded and
// secret.
func (b *Backend) kubeconfig(ctx *pulumi.Context, cluster *containerservice.ManagedCluster, rg pulumi.StringOutput) pulumi.StringOutput {
	creds := containerservice.ListManagedClusterUserCredentialsOutput(ctx, containerservice.ListManagedClusterUserCredentialsOutputArgs{
		ResourceGroupName: rg,
		ResourceName:      cluster.Name,
		Format:            pulumi.String(kubeconfigFormat),
	}, pulumi.Provider(b.provider))
	decoded := creds.Kubeconfigs().ApplyT(func(configs []containerservice.CredentialResultResponse) (string, error) {
		if len(configs) == 0 {
			return "", errors.New("listManagedClusterUserCredentials returned no kubeconfig")
		}
		raw, err := base64.StdEncoding.DecodeString(configs[0].Value)
		if err != nil {
			return "", fmt.Errorf("kubeconfig %q is not base64: %w", configs[0].Name, err)
		}
		return string(raw), nil
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(decoded).(pulumi.StringOutput)
}

package aks

import (
	"encoding/base64"
	"errors"
	"fmt"

	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	"github.com/pulumi/pulumi-azure-native-sdk/insights/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi-azure-native-sdk/operationalinsights/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

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
//   - with spec.SecretsEncryption, KMS etcd encryption: a key vault
//     "kms<name><hash>" (RBAC authorization, purge protection, soft delete
//     for 90 days) holding the RSA key "kubernetes-secrets" with a rotation
//     policy, Key Vault Crypto User for the control-plane identity on
//     exactly that vault (before the cluster), and the cluster's
//     securityProfile.azureKeyVaultKms naming the key's current version.
//     The vault's endpoint is public and RBAC guards the key (see
//     kmsNetworkAccess); protected and retained with spec.Retain;
//   - with spec.AKS.Defender, Microsoft Defender for Containers' sensor
//     (securityProfile.defender with security monitoring on), reporting to
//     the cluster's Log Analytics workspace: a Defender cluster must be
//     monitored (cluster.aks.defender is refused otherwise). The
//     subscription's Defender for Containers plan is not switched on here;
//     that is the subscription owner's;
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
// Managed Prometheus (azureMonitorProfile.metrics) is switched on; its
// Azure Monitor workspace and data collection rule are not created here but
// by NewObservability, which associates them with the cluster.
func (b *Backend) NewCluster(ctx *pulumi.Context, spec platform.ClusterSpec, opts ...pulumi.ResourceOption) (*platform.ClusterOutputs, error) {
	if err := checkCluster(b.cfg, spec); err != nil {
		return nil, err
	}
	plan := planCluster(b.cfg, spec)
	c := clusterWiring{
		name:       spec.Name,
		rg:         pulumi.String(plan.ResourceGroup).ToStringOutput(),
		location:   pulumi.String(b.cfg.Location),
		tags:       pulumi.ToStringMap(plan.Tags),
		nodeSubnet: spec.Network.Outputs.Subnets[platform.SubnetNodes].ID,
		opts:       opts,
		retain:     spec.Retain,
	}
	if plan.ResourceGroup == "" {
		c.rg = spec.Network.Outputs.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	}

	ids, err := b.newClusterIdentities(ctx, c, plan, spec.Network.Outputs.Subnets)
	if err != nil {
		return nil, err
	}
	kms, err := b.newClusterKMS(ctx, c, plan.KMS, ids.controlPlane)
	if err != nil {
		return nil, err
	}
	if kms != nil {
		// The KMS plugin must be able to use the key when AKS turns it on.
		ids.grants = append(ids.grants, kms.grant)
	}
	workspace, err := b.newLogWorkspace(ctx, c, plan.Monitoring)
	if err != nil {
		return nil, err
	}
	// The autoscaler owns the node counts.
	ignore := []string{"agentPoolProfiles[*].count"}
	if plan.ChannelTakesMinors {
		// The channel moves the minor; fighting it would try a downgrade.
		ignore = append(ignore, "kubernetesVersion")
	}
	cluster, err := containerservice.NewManagedCluster(ctx, platform.ChildName(c.name, "aks"), managedClusterArgs(plan, c, ids, workspace, kms),
		b.retained(opts, c.retain, pulumi.DependsOn(ids.grants), pulumi.IgnoreChanges(ignore))...)
	if err != nil {
		return nil, err
	}
	if err := b.newUserPools(ctx, c, plan.Pools, cluster); err != nil {
		return nil, err
	}
	if err := b.newMaintenanceConfigurations(ctx, c, plan.Maintenance, cluster); err != nil {
		return nil, err
	}
	if plan.Monitoring != nil {
		if err := b.newClusterMonitoring(ctx, c, plan.Monitoring, cluster, workspace); err != nil {
			return nil, err
		}
	}
	return b.clusterOutputs(ctx, cluster, c.rg, ids), nil
}

// clusterWiring is what every child of one cluster is registered with:
// the logical name the children are named after, the resource group (an
// output when it is read from the network's ARM ID), the location, the
// tags, the node subnet's ID and the caller's options.
type clusterWiring struct {
	name       string
	rg         pulumi.StringOutput
	location   pulumi.StringInput
	tags       pulumi.StringMap
	nodeSubnet pulumi.StringOutput
	opts       []pulumi.ResourceOption
	// retain is spec.Retain: RetainOnDelete on the cluster, its user
	// pools and its log workspace.
	retain bool
}

// clusterIdentities are the cluster's two user-assigned identities and the
// control plane's role assignments, which the cluster waits for.
type clusterIdentities struct {
	controlPlane, kubelet *managedidentity.UserAssignedIdentity
	grants                []pulumi.Resource
}

// newClusterIdentities registers the control-plane and kubelet identities
// and the control plane's rights: Managed Identity Operator on the kubelet
// identity and Network Contributor on each subnet in
// plan.NetworkContributorOn.
func (b *Backend) newClusterIdentities(ctx *pulumi.Context, c clusterWiring, plan clusterPlan, subnets map[platform.SubnetRole]platform.SubnetOutputs) (clusterIdentities, error) {
	var ids clusterIdentities
	var err error
	ids.controlPlane, err = b.newUserAssignedIdentity(ctx, plan.ControlPlaneIdentity, c.rg, c.tags, c.opts)
	if err != nil {
		return ids, err
	}
	ids.kubelet, err = b.newUserAssignedIdentity(ctx, plan.KubeletIdentity, c.rg, c.tags, c.opts)
	if err != nil {
		return ids, err
	}

	// The control plane attaches the kubelet identity to the node scale
	// sets, and manages load balancers and NICs in the subnets. Each right
	// is on exactly the resource it is for.
	operator, err := b.assignRole(ctx, platform.ChildName(c.name, "control-plane-identity-operator"), roleManagedIdentityOperator,
		ids.kubelet.ID().ToStringOutput(), ids.controlPlane.PrincipalId, c.opts)
	if err != nil {
		return ids, err
	}
	ids.grants = append(ids.grants, operator)
	for _, role := range plan.NetworkContributorOn {
		ra, err := b.assignRole(ctx, platform.ChildName(c.name, "control-plane-"+string(role)+"-network-contributor"), roleNetworkContributor,
			subnets[role].ID, ids.controlPlane.PrincipalId, c.opts)
		if err != nil {
			return ids, err
		}
		ids.grants = append(ids.grants, ra)
	}
	return ids, nil
}

// newLogWorkspace registers the Log Analytics workspace of a monitored
// cluster, or nothing (nil) when m is nil: monitoring is off.
func (b *Backend) newLogWorkspace(ctx *pulumi.Context, c clusterWiring, m *monitoringPlan) (*operationalinsights.Workspace, error) {
	if m == nil {
		return nil, nil
	}
	return operationalinsights.NewWorkspace(ctx, platform.ChildName(c.name, "logs"), &operationalinsights.WorkspaceArgs{
		WorkspaceName:     pulumi.String(m.Workspace),
		ResourceGroupName: c.rg,
		Location:          c.location,
		Sku:               &operationalinsights.WorkspaceSkuArgs{Name: pulumi.String("PerGB2018")},
		RetentionInDays:   pulumi.Int(m.RetentionDays),
		Tags:              c.tags,
	}, b.retained(c.opts, c.retain)...)
}

// managedClusterArgs wires the plan, the identities, the workspace (nil
// without monitoring) and the KMS key (nil without Secrets encryption) into
// the managed cluster's arguments.
func managedClusterArgs(plan clusterPlan, c clusterWiring, ids clusterIdentities, workspace *operationalinsights.Workspace, kms *clusterKMS) *containerservice.ManagedClusterArgs {
	securityProfile := &containerservice.ManagedClusterSecurityProfileArgs{
		WorkloadIdentity: &containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs{Enabled: pulumi.Bool(true)},
		ImageCleaner: &containerservice.ManagedClusterSecurityProfileImageCleanerArgs{
			Enabled:       pulumi.Bool(true),
			IntervalHours: pulumi.Int(plan.ImageCleanerIntervalHours),
		},
	}
	if plan.Defender {
		// Defender for Containers' sensor (a DaemonSet AKS manages) sends
		// runtime events and the nodes' images to Defender for Cloud
		// through the cluster's own workspace; checkCluster refuses a
		// Defender cluster without one, so workspace is set here.
		securityProfile.Defender = &containerservice.ManagedClusterSecurityProfileDefenderArgs{
			LogAnalyticsWorkspaceResourceId: workspace.ID().ToStringOutput().ToStringPtrOutput(),
			SecurityMonitoring:              &containerservice.ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs{Enabled: pulumi.Bool(true)},
		}
	}
	if kms != nil {
		// The key's current version: AKS's KMS plugin uses exactly the
		// version named here. After Key Vault rotates the key, a refresh
		// reads the new version and the next update moves the cluster to
		// it (docs/operations/rotating-a-key.md). No keyVaultResourceId:
		// AKS takes it only with "Private" network access.
		securityProfile.AzureKeyVaultKms = &containerservice.AzureKeyVaultKmsArgs{
			Enabled:               pulumi.Bool(true),
			KeyId:                 kms.key.KeyUriWithVersion.ToStringPtrOutput(),
			KeyVaultNetworkAccess: pulumi.String(plan.KMS.NetworkAccess),
		}
	}
	args := &containerservice.ManagedClusterArgs{
		ResourceName:      pulumi.String(plan.Cluster),
		ResourceGroupName: c.rg,
		Location:          c.location,
		DnsPrefix:         pulumi.String(plan.DNSPrefix),
		KubernetesVersion: pulumi.String(plan.KubernetesVersion),
		Sku:               &containerservice.ManagedClusterSKUArgs{Name: pulumi.String(plan.SKUName), Tier: pulumi.String(plan.SKUTier)},
		Identity: &containerservice.ManagedClusterIdentityArgs{
			Type:                   containerservice.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{ids.controlPlane.ID().ToStringOutput()},
		},
		IdentityProfile: containerservice.UserAssignedIdentityMap{
			"kubeletidentity": containerservice.UserAssignedIdentityArgs{
				ResourceId: ids.kubelet.ID().ToStringOutput().ToStringPtrOutput(),
				ClientId:   ids.kubelet.ClientId.ToStringPtrOutput(),
				ObjectId:   ids.kubelet.PrincipalId.ToStringPtrOutput(),
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
		SecurityProfile:   securityProfile,
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
		AddonProfiles: addonProfiles(plan, workspace),
		// Only the system pool: AKS creates a cluster with it, and a pool
		// added to this list later would be refused (user pools are
		// AgentPools).
		AgentPoolProfiles: containerservice.ManagedClusterAgentPoolProfileArray{inlinePool(plan.Pools[0], c.nodeSubnet, c.tags)},
		Tags:              c.tags,
	}
	if workspace != nil {
		args.AzureMonitorProfile = &containerservice.ManagedClusterAzureMonitorProfileArgs{
			Metrics: &containerservice.ManagedClusterAzureMonitorProfileMetricsArgs{Enabled: pulumi.Bool(true)},
		}
	}
	return args
}

// addonProfiles are the cluster's add-ons: Azure Policy as planned, the Key
// Vault CSI driver with rotation, and with a workspace Container Insights.
func addonProfiles(plan clusterPlan, workspace *operationalinsights.Workspace) containerservice.ManagedClusterAddonProfileMap {
	addons := containerservice.ManagedClusterAddonProfileMap{
		"azurepolicy": containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(plan.AzurePolicy)},
		"azureKeyvaultSecretsProvider": containerservice.ManagedClusterAddonProfileArgs{
			Enabled: pulumi.Bool(true),
			Config: pulumi.StringMap{
				"enableSecretRotation": pulumi.String("true"),
				"rotationPollInterval": pulumi.String(plan.SecretRotationInterval),
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
	return addons
}

// newUserPools registers an AgentPool for each pool but the inline system
// pool, each after the previous one: AKS refuses a pool operation while
// another runs on the same cluster.
func (b *Backend) newUserPools(ctx *pulumi.Context, c clusterWiring, pools []poolPlan, cluster *containerservice.ManagedCluster) error {
	var previous pulumi.Resource = cluster
	for _, pool := range pools {
		if pool.Inline {
			continue
		}
		ap, err := containerservice.NewAgentPool(ctx, pool.Resource, agentPoolArgs(pool, cluster.Name, c.rg, c.nodeSubnet, c.tags),
			b.retained(c.opts, c.retain,
				pulumi.DependsOn([]pulumi.Resource{previous}),
				// The autoscaler owns the count.
				pulumi.IgnoreChanges([]string{"count"}),
				// Pools go with the cluster; no need to drain them one
				// by one when it is deleted.
				pulumi.DeletedWith(cluster),
			)...)
		if err != nil {
			return err
		}
		previous = ap
	}
	return nil
}

// newMaintenanceConfigurations registers the cluster's weekly maintenance
// windows (auto-upgrade and node OS).
func (b *Backend) newMaintenanceConfigurations(ctx *pulumi.Context, c clusterWiring, windows []maintenancePlan, cluster *containerservice.ManagedCluster) error {
	for _, m := range windows {
		_, err := containerservice.NewMaintenanceConfiguration(ctx, m.Resource, &containerservice.MaintenanceConfigurationArgs{
			ConfigName:        pulumi.String(m.Config),
			ResourceName:      cluster.Name,
			ResourceGroupName: c.rg,
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
		}, b.opts(c.opts, pulumi.DeletedWith(cluster))...)
		if err != nil {
			return err
		}
	}
	return nil
}

// clusterOutputs are what NewCluster returns: the cluster's name, ID,
// endpoint (the private FQDN when there is one), OIDC issuer, exec
// kubeconfig, identities and disk scope.
func (b *Backend) clusterOutputs(ctx *pulumi.Context, cluster *containerservice.ManagedCluster, rg pulumi.StringOutput, ids clusterIdentities) *platform.ClusterOutputs {
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
		ControlPlanePrincipalID: ids.controlPlane.PrincipalId,
		NodeIdentity:            ids.kubelet.PrincipalId,
		WorkloadIdentityPool:    issuer,
		// AKS keeps the nodes' disks and the persistent volumes' managed
		// disks in its node resource group (MC_<group>_<cluster>_<location>
		// unless set), so disk snapshots are granted there.
		DiskScope: pulumi.Sprintf("/subscriptions/%s/resourceGroups/%s", b.cfg.SubscriptionID, cluster.NodeResourceGroup.Elem()),
	}
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

// agentPoolArgs is a user pool as an AgentPool of cluster holds it: the
// fields of inlinePool, and the eviction policy and price of a Spot pool.
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

// upgradeSettings is a pool's surge upgrade: max surge, drain timeout and
// soak time per node.
func upgradeSettings(u *upgradePlan) *containerservice.AgentPoolUpgradeSettingsArgs {
	return &containerservice.AgentPoolUpgradeSettingsArgs{
		MaxSurge:                  pulumi.String(u.MaxSurge),
		DrainTimeoutInMinutes:     pulumi.Int(u.DrainTimeoutMinutes),
		NodeSoakDurationInMinutes: pulumi.Int(u.SoakMinutes),
	}
}

// newClusterMonitoring wires Container Insights (Entra ID auth) and the
// audit logs into the workspace.
func (b *Backend) newClusterMonitoring(ctx *pulumi.Context, c clusterWiring, m *monitoringPlan, cluster *containerservice.ManagedCluster, workspace *operationalinsights.Workspace) error {
	// With useAADAuth the monitoring agent sends through a data collection
	// rule associated with the cluster; the add-on alone collects nothing.
	dcr, err := insights.NewDataCollectionRule(ctx, platform.ChildName(c.name, "container-insights"), &insights.DataCollectionRuleArgs{
		DataCollectionRuleName: pulumi.String(m.DataCollectionRule),
		ResourceGroupName:      c.rg,
		Location:               c.location,
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
		Tags: c.tags,
	}, b.opts(c.opts)...)
	if err != nil {
		return err
	}
	clusterID := cluster.ID().ToStringOutput()
	_, err = insights.NewDataCollectionRuleAssociation(ctx, platform.ChildName(c.name, "container-insights-association"), &insights.DataCollectionRuleAssociationArgs{
		AssociationName:      pulumi.String(containerInsightsAssociation),
		ResourceUri:          clusterID,
		DataCollectionRuleId: dcr.ID().ToStringOutput().ToStringPtrOutput(),
	}, b.opts(c.opts)...)
	if err != nil {
		return err
	}

	logs := insights.LogSettingsArray{}
	for _, category := range m.AuditLogs {
		logs = append(logs, insights.LogSettingsArgs{Category: pulumi.String(category), Enabled: pulumi.Bool(true)})
	}
	// Diagnostic settings outlive the resource they are on in Azure, so
	// this one is deleted explicitly, never assumed gone with the cluster.
	_, err = insights.NewDiagnosticSetting(ctx, platform.ChildName(c.name, "audit-logs"), &insights.DiagnosticSettingArgs{
		Name:        pulumi.String(m.DiagnosticSetting),
		ResourceUri: clusterID,
		WorkspaceId: workspace.ID().ToStringOutput().ToStringPtrOutput(),
		// Resource-specific tables (AKSAudit, AKSAuditAdmin, ...), cheaper
		// and faster to query than AzureDiagnostics.
		LogAnalyticsDestinationType: pulumi.String("Dedicated"),
		Logs:                        logs,
	}, b.opts(c.opts)...)
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

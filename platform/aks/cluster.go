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

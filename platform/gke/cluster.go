package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// AuthPlugin is the kubectl credential plugin the kubeconfig of a GKE
// cluster runs. It must be installed wherever the kubeconfig is used,
// including the machine that runs `pulumi up` for cluster services:
// `gcloud components install gke-gcloud-auth-plugin` on laptops, the
// google-cloud-cli-gke-gcloud-auth-plugin package on Debian-based CI images.
const AuthPlugin = "gke-gcloud-auth-plugin"

// NewCluster creates a GKE Standard cluster for spec:
//
//   - a node service account "<name>-nodes" with only
//     roles/container.defaultNodeServiceAccount on the project (the nodes
//     pull images from the environment's repository, which NewRegistry
//     lets them read; no project-wide roles/artifactregistry.reader);
//   - the cluster "<name>-cluster": regional (location = region) on the
//     standard tier, zonal (the system pool's first zone) on the free tier;
//     private nodes, and a private endpoint when spec.PrivateAPI, with master
//     authorized networks (the whole network when private; spec's CIDRs when
//     public; none, so open to every address, when public without CIDRs);
//     VPC-native on the network's pod and service secondary ranges;
//     Dataplane V2, shielded nodes, workload identity
//     ("<project>.svc.id.goog"), the release channel (rapid, regular and
//     stable map to RAPID, REGULAR and STABLE; none to UNSPECIFIED, no
//     channel), managed Prometheus with the control plane's, kube state
//     metrics', kubelet's and cAdvisor's packages, and control-plane logs,
//     when spec.Monitoring (system components only otherwise), security posture,
//     Binary Authorization (project policy), the Gateway API, GKE subsetting
//     for internal load balancers, cost allocation, VPA, NodeLocal DNSCache
//     and Google Groups for RBAC (spec.AdminGroups[0], which must be
//     gke-security-groups@<domain>); the Backup for GKE agent add-on when
//     spec.GKE.BackupAgent;
//   - with spec.SecretsEncryption, application-layer secrets encryption:
//     a Cloud KMS key ring "<name>-kms-keyring" in the region and a key
//     "<name>-kms-key" (ENCRYPT_DECRYPT, rotated every KeyRotationDays),
//     roles/cloudkms.cryptoKeyEncrypterDecrypter on that key only for the
//     project's GKE service agent
//     (service-<project number>@container-engine-robot.iam.gserviceaccount.com),
//     and the cluster's databaseEncryption (ENCRYPTED with the key), after
//     the grant; the key ring and key are protected and retained with
//     spec.Retain;
//   - one NodePool per spec pool, named as in the spec.
//
// The maintenance window recurs weekly on spec.Window.Day from
// spec.Window.StartHour UTC; GKE needs 48 hours of maintenance availability
// in any 32 days, so windows shorter than 12 hours are rejected before
// anything is registered.
//
// The cluster's default node pool is created (one node per zone, as the
// GKE API requires a pool at creation) and removed at once. It runs as the
// node service account, never as the Compute Engine default service
// account, which hardened projects disable or strip of its roles (and which
// holds Editor where they do not). Changes to that temporary
// pool's settings (nodeConfig, initialNodeCount) are ignored: both force a
// new cluster.
//
// Pool sizes: spec MinCount and MaxCount count nodes over all zones, and
// map to the autoscaler's total limits (totalMinNodeCount,
// totalMaxNodeCount) with the BALANCED location policy (ANY for spot pools,
// which GKE documents as reducing preemption risk). Each zone starts
// with ceil(MinCount/zones) nodes; initialNodeCount and nodeCount are
// ignored after creation so that no `up` fights the autoscaler or replaces
// the pool. Upgrades surge: maxSurge is MaxSurge nodes, or MaxSurge percent
// of the per-zone maximum ceil(MaxCount/zones), rounded up and at least 1;
// maxUnavailable is 0.
//
// Outputs: Endpoint is "https://<endpoint>" (the private address when
// spec.PrivateAPI); OIDCIssuerURL the cluster's issuer,
// https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<n>;
// Kubeconfig runs AuthPlugin and is a secret; ControlPlanePrincipalID is
// empty, because the GKE control plane acts as a Google-managed service
// agent Plinth grants nothing to; NodeIdentity is the node service account's
// email; WorkloadIdentityPool is "<project>.svc.id.goog", known only once
// the cluster exists (the pool is created with the project's first such
// cluster, and bindings to it fail before); DiskScope is the project ID:
// GKE keeps the nodes' disks and persistent volumes as Compute Engine disks
// of the cluster's project.
func (b *Backend) NewCluster(ctx *pulumi.Context, spec platform.ClusterSpec, opts ...pulumi.ResourceOption) (*platform.ClusterOutputs, error) {
	if err := validateClusterSpec(b.cfg, spec, field.NewPath("cluster")); err != nil {
		return nil, err
	}
	plan := planCluster(b.cfg, spec)
	labels := pulumi.ToStringMap(plan.Labels)
	project := pulumi.String(b.cfg.Project)

	sa, err := serviceaccount.NewAccount(ctx, plan.NodeSA.Name, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(plan.NodeSA.AccountID),
		DisplayName: pulumi.String(plan.NodeSA.DisplayName),
		Description: pulumi.String("Least-privilege identity of the nodes of GKE cluster " + plan.Name + "; workloads use workload identity, never this account."),
		Project:     project,
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	member := pulumi.Sprintf("serviceAccount:%s", sa.Email)
	var grants []pulumi.Resource
	for _, r := range plan.NodeSA.Roles {
		m, err := projects.NewIAMMember(ctx, r.Name, &projects.IAMMemberArgs{
			Project: project,
			Role:    pulumi.String(r.Role),
			Member:  member,
		}, b.opts(opts)...)
		if err != nil {
			return nil, err
		}
		grants = append(grants, m)
	}

	kms, err := b.newClusterKMS(ctx, plan.KMS, labels, opts)
	if err != nil {
		return nil, err
	}
	args := b.clusterArgs(spec, plan, sa, labels)
	if kms != nil {
		// GKE checks that its service agent may use the key when the
		// cluster is created or updated.
		grants = append(grants, kms.grant)
		args.DatabaseEncryption = &container.ClusterDatabaseEncryptionArgs{
			State:   pulumi.String(databaseEncrypted),
			KeyName: kms.key.ID().ToStringOutput().ToStringPtrOutput(),
		}
	}
	cluster, err := container.NewCluster(ctx, plan.Name, args, b.retained(opts, spec.Retain,
		// Nodes register only once their service account holds its roles.
		pulumi.DependsOn(grants),
		pulumi.IgnoreChanges([]string{"nodeConfig", "initialNodeCount"}),
	)...)
	if err != nil {
		return nil, err
	}

	for _, pp := range plan.Pools {
		if _, err := container.NewNodePool(ctx, pp.ResourceName, poolArgs(b.cfg, plan, pp, cluster, sa), b.retained(opts, spec.Retain,
			pulumi.IgnoreChanges([]string{"initialNodeCount", "nodeCount"}),
		)...); err != nil {
			return nil, err
		}
	}

	kubeconfig := pulumi.All(cluster.Endpoint, cluster.MasterAuth.ClusterCaCertificate()).ApplyT(func(v []any) string {
		ca, _ := v[1].(*string)
		if ca == nil {
			ca = new(string)
		}
		return renderKubeconfig(plan.Context, "https://"+v[0].(string), *ca)
	}).(pulumi.StringOutput)

	return &platform.ClusterOutputs{
		Name:                    cluster.Name,
		ID:                      cluster.ID().ToStringOutput(),
		Endpoint:                pulumi.Sprintf("https://%s", cluster.Endpoint),
		OIDCIssuerURL:           pulumi.Sprintf("https://container.googleapis.com/v1/projects/%s/locations/%s/clusters/%s", b.cfg.Project, plan.Location, cluster.Name),
		Kubeconfig:              pulumi.ToSecret(kubeconfig).(pulumi.StringOutput),
		ControlPlanePrincipalID: pulumi.String("").ToStringOutput(),
		NodeIdentity:            sa.Email,
		WorkloadIdentityPool: cluster.ID().ApplyT(func(pulumi.ID) string {
			return plan.WorkloadPool
		}).(pulumi.StringOutput),
		// The project, known once the cluster (and so its disks) exists.
		DiskScope: cluster.ID().ApplyT(func(pulumi.ID) string {
			return b.cfg.Project
		}).(pulumi.StringOutput),
	}, nil
}

// clusterArgs wires the plan, the node service account and the network's
// outputs into the cluster's arguments.
func (b *Backend) clusterArgs(spec platform.ClusterSpec, plan clusterPlan, sa *serviceaccount.Account, labels pulumi.StringMap) *container.ClusterArgs {
	args := &container.ClusterArgs{
		Name:           pulumi.String(plan.Name),
		Project:        pulumi.String(b.cfg.Project),
		Location:       pulumi.String(plan.Location),
		Description:    pulumi.String(plan.Description),
		Network:        spec.Network.Outputs.ID,
		Subnetwork:     spec.Network.Outputs.Subnets[platform.SubnetNodes].ID,
		NetworkingMode: pulumi.String("VPC_NATIVE"),
		IpAllocationPolicy: &container.ClusterIpAllocationPolicyArgs{
			ClusterSecondaryRangeName:  pulumi.String(plan.PodRangeName),
			ServicesSecondaryRangeName: pulumi.String(plan.ServiceRangeName),
			StackType:                  pulumi.String("IPV4"),
		},
		DatapathProvider:      pulumi.String(datapathProvider),
		EnableL4IlbSubsetting: pulumi.Bool(true),

		// The default pool exists only while the cluster is created.
		RemoveDefaultNodePool: pulumi.Bool(true),
		InitialNodeCount:      pulumi.Int(1),
		NodeConfig:            defaultPoolNodeConfig(sa, labels),

		ReleaseChannel:   &container.ClusterReleaseChannelArgs{Channel: pulumi.String(plan.ReleaseChannel)},
		MinMasterVersion: pulumi.String(plan.MinMasterVersion),
		MaintenancePolicy: &container.ClusterMaintenancePolicyArgs{
			RecurringWindow: &container.ClusterMaintenancePolicyRecurringWindowArgs{
				StartTime:  pulumi.String(plan.Maintenance.Start),
				EndTime:    pulumi.String(plan.Maintenance.End),
				Recurrence: pulumi.String(plan.Maintenance.Recurrence),
			},
		},

		PrivateClusterConfig: &container.ClusterPrivateClusterConfigArgs{
			EnablePrivateNodes:    pulumi.Bool(true),
			EnablePrivateEndpoint: pulumi.Bool(plan.PrivateEndpoint),
			MasterIpv4CidrBlock:   pulumi.String(plan.MasterCIDR),
		},
		MasterAuth: &container.ClusterMasterAuthArgs{
			ClientCertificateConfig: &container.ClusterMasterAuthClientCertificateConfigArgs{IssueClientCertificate: pulumi.Bool(false)},
		},
		WorkloadIdentityConfig: &container.ClusterWorkloadIdentityConfigArgs{WorkloadPool: pulumi.String(plan.WorkloadPool)},
		// The Secret Manager add-on: the Secrets Store CSI driver with
		// Google's provider, through which pods mount their team's secrets
		// (docs/adr/0006-secrets-to-pods.md).
		SecretManagerConfig: &container.ClusterSecretManagerConfigArgs{Enabled: pulumi.Bool(true)},
		EnableShieldedNodes: pulumi.Bool(true),
		SecurityPostureConfig: &container.ClusterSecurityPostureConfigArgs{
			Mode:              pulumi.String(plan.SecurityPosture),
			VulnerabilityMode: pulumi.String(plan.VulnerabilityMode),
		},
		BinaryAuthorization: &container.ClusterBinaryAuthorizationArgs{EvaluationMode: pulumi.String(plan.BinaryAuthorization)},

		MonitoringConfig: &container.ClusterMonitoringConfigArgs{
			EnableComponents:  pulumi.ToStringArray(plan.MonitoringComponents),
			ManagedPrometheus: &container.ClusterMonitoringConfigManagedPrometheusArgs{Enabled: pulumi.Bool(plan.ManagedPrometheus)},
		},
		LoggingConfig: &container.ClusterLoggingConfigArgs{EnableComponents: pulumi.ToStringArray(plan.LoggingComponents)},

		AddonsConfig:           clusterAddons(plan),
		VerticalPodAutoscaling: &container.ClusterVerticalPodAutoscalingArgs{Enabled: pulumi.Bool(true)},
		GatewayApiConfig:       &container.ClusterGatewayApiConfigArgs{Channel: pulumi.String("CHANNEL_STANDARD")},
		CostManagementConfig:   &container.ClusterCostManagementConfigArgs{Enabled: pulumi.Bool(true)},

		DeletionProtection: pulumi.Bool(plan.DeletionProtection),
		ResourceLabels:     labels,
	}
	if plan.AuthorizedNetworks != nil {
		args.MasterAuthorizedNetworksConfig = masterAuthorizedNetworks(plan.AuthorizedNetworks)
	}
	if plan.SecurityGroup != "" {
		args.AuthenticatorGroupsConfig = &container.ClusterAuthenticatorGroupsConfigArgs{SecurityGroup: pulumi.String(plan.SecurityGroup)}
	}
	return args
}

// defaultPoolNodeConfig is the node configuration of the default pool,
// which exists only while the cluster is created: hardened like every
// pool, and running as the node service account sa.
func defaultPoolNodeConfig(sa *serviceaccount.Account, labels pulumi.StringMap) *container.ClusterNodeConfigArgs {
	return &container.ClusterNodeConfigArgs{
		ServiceAccount: sa.Email,
		OauthScopes:    pulumi.ToStringArray([]string{nodeOAuthScope}),
		ImageType:      pulumi.String(nodeImageType),
		DiskType:       pulumi.String(nodeDiskType),
		ShieldedInstanceConfig: &container.ClusterNodeConfigShieldedInstanceConfigArgs{
			EnableSecureBoot:          pulumi.Bool(true),
			EnableIntegrityMonitoring: pulumi.Bool(true),
		},
		WorkloadMetadataConfig: &container.ClusterNodeConfigWorkloadMetadataConfigArgs{Mode: pulumi.String(workloadMetadataMode)},
		ResourceLabels:         labels,
	}
}

// clusterAddons are the cluster's add-ons: HTTP load balancing, the
// horizontal pod autoscaler, the persistent disk CSI driver, NodeLocal
// DNSCache, and the Backup for GKE agent when the plan asks for it.
func clusterAddons(plan clusterPlan) *container.ClusterAddonsConfigArgs {
	addons := &container.ClusterAddonsConfigArgs{
		HttpLoadBalancing:                &container.ClusterAddonsConfigHttpLoadBalancingArgs{Disabled: pulumi.Bool(false)},
		HorizontalPodAutoscaling:         &container.ClusterAddonsConfigHorizontalPodAutoscalingArgs{Disabled: pulumi.Bool(false)},
		GcePersistentDiskCsiDriverConfig: &container.ClusterAddonsConfigGcePersistentDiskCsiDriverConfigArgs{Enabled: pulumi.Bool(true)},
		DnsCacheConfig:                   &container.ClusterAddonsConfigDnsCacheConfigArgs{Enabled: pulumi.Bool(true)},
	}
	// The Backup for GKE agent is declared only when asked for, so clusters
	// without it keep the inputs they had. The provider keeps the add-on's
	// live state when the block is absent: turning BackupAgent off again
	// leaves the agent running until it is disabled in the cloud.
	if plan.BackupAgent {
		addons.GkeBackupAgentConfig = &container.ClusterAddonsConfigGkeBackupAgentConfigArgs{Enabled: pulumi.Bool(true)}
	}
	return addons
}

// masterAuthorizedNetworks is the cluster's master authorized networks
// config: only the given CIDR blocks, never Google Cloud's public ranges.
func masterAuthorizedNetworks(networks []authorizedNetwork) *container.ClusterMasterAuthorizedNetworksConfigArgs {
	var blocks container.ClusterMasterAuthorizedNetworksConfigCidrBlockArray
	for _, n := range networks {
		blocks = append(blocks, &container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs{
			CidrBlock:   pulumi.String(n.CIDR),
			DisplayName: pulumi.String(n.DisplayName),
		})
	}
	return &container.ClusterMasterAuthorizedNetworksConfigArgs{
		CidrBlocks:                  blocks,
		GcpPublicCidrsAccessEnabled: pulumi.Bool(false),
	}
}

// poolArgs wires a pool's plan, the cluster and the node service account
// into the node pool's arguments.
func poolArgs(cfg Config, plan clusterPlan, pp poolPlan, cluster *container.Cluster, sa *serviceaccount.Account) *container.NodePoolArgs {
	var taints container.NodePoolNodeConfigTaintArray
	for _, t := range pp.Taints {
		taints = append(taints, &container.NodePoolNodeConfigTaintArgs{
			Key: pulumi.String(t.Key), Value: pulumi.String(t.Value), Effect: pulumi.String(t.Effect),
		})
	}
	args := &container.NodePoolArgs{
		Name:             pulumi.String(pp.Name),
		Project:          pulumi.String(cfg.Project),
		Cluster:          cluster.Name,
		Location:         pulumi.String(plan.Location),
		InitialNodeCount: pulumi.Int(pp.InitialPerZone),
		Autoscaling: &container.NodePoolAutoscalingArgs{
			TotalMinNodeCount: pulumi.Int(pp.TotalMin),
			TotalMaxNodeCount: pulumi.Int(pp.TotalMax),
			LocationPolicy:    pulumi.String(pp.LocationPolicy),
		},
		Management: &container.NodePoolManagementArgs{
			AutoRepair:  pulumi.Bool(true),
			AutoUpgrade: pulumi.Bool(true),
		},
		UpgradeSettings: &container.NodePoolUpgradeSettingsArgs{
			Strategy:       pulumi.String("SURGE"),
			MaxSurge:       pulumi.Int(pp.MaxSurge),
			MaxUnavailable: pulumi.Int(0),
		},
		NodeConfig: &container.NodePoolNodeConfigArgs{
			MachineType:    pulumi.String(pp.MachineType),
			DiskSizeGb:     pulumi.Int(pp.DiskSizeGB),
			DiskType:       pulumi.String(nodeDiskType),
			ImageType:      pulumi.String(nodeImageType),
			ServiceAccount: sa.Email,
			OauthScopes:    pulumi.ToStringArray([]string{nodeOAuthScope}),
			WorkloadMetadataConfig: &container.NodePoolNodeConfigWorkloadMetadataConfigArgs{
				Mode: pulumi.String(workloadMetadataMode),
			},
			ShieldedInstanceConfig: &container.NodePoolNodeConfigShieldedInstanceConfigArgs{
				EnableSecureBoot:          pulumi.Bool(true),
				EnableIntegrityMonitoring: pulumi.Bool(true),
			},
			Labels:         pulumi.ToStringMap(pp.Labels),
			ResourceLabels: pulumi.ToStringMap(pp.ResourceLabels),
			Taints:         taints,
			Spot:           pulumi.Bool(pp.Spot),
		},
	}
	if len(pp.Locations) > 0 {
		args.NodeLocations = pulumi.ToStringArray(pp.Locations)
	}
	return args
}

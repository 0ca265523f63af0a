package aks_test

import (
	"bytes"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	tenant     = "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"
	adminGroup = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	aksAPI     = "azure-native:containerservice/v20241001:"
	roleDefs   = "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/"
	zoneID     = "/subscriptions/" + sub + "/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.com"
	clusterID  = rgScope + "/providers/Microsoft.ContainerService/managedClusters/prod-aks"
	vnetID     = rgScope + "/providers/Microsoft.Network/virtualNetworks/prod-vnet"
	identities = rgScope + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"

	networkContributor         = roleDefs + "4d97b98b-1d4f-4787-a291-c67834d212e7"
	managedIdentityOperator    = roleDefs + "f1a07417-d97a-45cb-824c-7a7467783830"
	dnsZoneContributor         = roleDefs + "befefa01-2a29-4197-83a8-272ff33ce314"
	storageBlobDataContributor = roleDefs + "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
)

var guid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

type testComponent struct{ pulumi.ResourceState }

// rendered holds the resolved outputs of renderCluster.
type rendered struct {
	mu               sync.Mutex
	values           map[string]string
	kubeconfigSecret bool
	annotations      map[string]string
	podLabels        map[string]string
}

func (r *rendered) capture(key string, o pulumi.StringOutput) {
	o.ApplyT(func(v string) string {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.values[key] = v
		return v
	})
}

// get returns the captured value of key. An output that no resource
// produced (pulumi.String(...).ToStringOutput(), an existing group's ID)
// is not awaited by the render, so its apply may still be on its way when
// the render returns: get waits for it, up to a deadline.
func (r *rendered) get(t *testing.T, key string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		v, ok := r.values[key]
		r.mu.Unlock()
		switch {
		case ok && v != "":
			return v
		case time.Now().After(deadline):
			t.Fatalf("output %s not resolved", key)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testClusterSpec is a production cluster in network: a system pool, a
// user pool and a Spot pool, private API server, monitoring on.
func testClusterSpec(network platform.ClusterNetwork) platform.ClusterSpec {
	zones := []string{"1", "2", "3"}
	return platform.ClusterSpec{
		Name:              "prod",
		KubernetesVersion: "1.33",
		Network:           network,
		Pools: []platform.NodePoolSpec{
			{Name: "system", System: true, MachineType: "Standard_D4ds_v5", MinCount: 3, MaxCount: 6, Zones: zones, DiskSizeGB: 128, MaxSurge: "33%"},
			{Name: "apps", MachineType: "Standard_D8ds_v5", MinCount: 2, MaxCount: 20, Zones: zones, Labels: map[string]string{"workload": "apps"}, DiskSizeGB: 128, MaxSurge: "33%"},
			{Name: "batch", MachineType: "Standard_D8ds_v5", MinCount: 0, MaxCount: 10, Zones: zones, Spot: true, DiskSizeGB: 128, MaxSurge: "1"},
		},
		PrivateAPI:       true,
		Channel:          platform.ChannelRegular,
		Window:           platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 4},
		Tier:             platform.TierStandard,
		Monitoring:       true,
		LogRetentionDays: 90,
		AKS:              platform.AKSClusterSpec{ImageCleanerIntervalHours: 168, SecretRotationInterval: "2m", AzurePolicy: true},
		AdminGroups:      []string{adminGroup},
		Tags:             platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"},
	}
}

// renderCluster renders, each under its own test component, the
// conformance suite's "prod" network (so subnet IDs are the backend's own),
// a cluster of testClusterSpec in it (changed by mutate) and a cert-manager
// workload identity with DNS Zone Contributor on zoneID.
func renderCluster(t *testing.T, mutate func(*platform.ClusterSpec)) (*platformtest.Snapshot, *rendered) {
	t.Helper()
	r := &rendered{values: map[string]string{}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		netSpec := platformtest.NetworkSpecs()[1]
		netParent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Network", netSpec.Name, netParent); err != nil {
			return err
		}
		net, err := b.NewNetwork(ctx, netSpec, pulumi.Parent(netParent))
		if err != nil {
			return err
		}
		for role, sn := range net.Subnets {
			r.capture("subnet/"+string(role), sn.ID)
		}

		spec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		if mutate != nil {
			mutate(&spec)
		}
		clusterParent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Cluster", spec.Name, clusterParent); err != nil {
			return err
		}
		cluster, err := b.NewCluster(ctx, spec, pulumi.Parent(clusterParent))
		if err != nil {
			return err
		}
		for key, o := range map[string]pulumi.StringOutput{
			"name": cluster.Name, "id": cluster.ID, "endpoint": cluster.Endpoint, "issuer": cluster.OIDCIssuerURL,
			"kubeconfig": cluster.Kubeconfig, "controlPlane": cluster.ControlPlanePrincipalID,
			"node": cluster.NodeIdentity, "pool": cluster.WorkloadIdentityPool,
		} {
			r.capture(key, o)
		}

		idParent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:WorkloadIdentity", "cert-manager", idParent); err != nil {
			return err
		}
		wi, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name:           "cert-manager",
			Cluster:        cluster,
			Namespace:      "cert-manager",
			ServiceAccount: "cert-manager",
			Grants:         []platform.Grant{{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String(zoneID)}},
			Tags:           spec.Tags,
		}, pulumi.Parent(idParent))
		if err != nil {
			return err
		}
		r.capture("clientID", wi.ClientID)
		r.capture("principalID", wi.PrincipalID)
		wi.ServiceAccountAnnotations.ApplyT(func(m map[string]string) map[string]string {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.annotations = m
			return m
		})
		r.podLabels = wi.PodLabels
		r.kubeconfigSecret = pulumi.IsSecret(cluster.Kubeconfig)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, r
}

// expect checks inputs of r at dotted paths.
func expect(t *testing.T, r *platformtest.Resource, want map[string]any) {
	t.Helper()
	for path, w := range want {
		if got := platformtest.Input(t, r, path); !reflect.DeepEqual(got, w) {
			t.Errorf("%s %s: %s = %#v, want %#v", r.Type, r.Name, path, got, w)
		}
	}
}

func TestClusterConformance(t *testing.T) {
	// The system pool stays inline (AKS creates a cluster only with it, and
	// azure-native cannot adopt it as an AgentPool); C12 asks only user
	// pools to be resources of their own (see TestSystemPoolIsInline).
	platformtest.ClusterConformance(t, func(ctx *pulumi.Context) (platformtest.ClusterTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	})
}

func TestClusterChildrenAreParentedNamedAndUseTheProvider(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	const provider = "urn:pulumi:prod-aks::plinth::pulumi:providers:azure-native::azure::"
	parents := map[string]string{}
	for _, c := range snap.Resources {
		if !c.Custom {
			parents[c.URN] = c.Name
		}
	}
	seen := 0
	for _, r := range snap.Resources {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		seen++
		parent, ok := parents[r.Parent]
		if !ok {
			t.Errorf("%s %s: parent %q is not a test component (C1)", r.Type, r.Name, r.Parent)
			continue
		}
		if !strings.HasPrefix(r.Name, parent+"-") {
			t.Errorf("%s %s: name does not derive from %q (C2)", r.Type, r.Name, parent)
		}
		if !strings.HasPrefix(r.Provider, provider) {
			t.Errorf("%s %s: provider %q, want the backend's explicit provider (C3)", r.Type, r.Name, r.Provider)
		}
	}
	if seen < 30 {
		t.Errorf("checked only %d resources", seen)
	}
}

// TestControlPlaneIsNetworkContributorOnEachSubnet guards against the
// private-ingress incident: the control-plane identity needs Network
// Contributor on exactly the subnets holding nodes and internal load
// balancers; resource-group scope was not enough.
func TestControlPlaneIsNetworkContributorOnEachSubnet(t *testing.T) {
	snap, out := renderCluster(t, nil)
	principal := out.get(t, "controlPlane")
	if !guid.MatchString(principal) {
		t.Fatalf("control-plane principal %q is not a GUID", principal)
	}
	for _, role := range []string{"nodes", "ingress"} {
		subnet := out.get(t, "subnet/"+role)
		if want := vnetID + "/subnets/" + role; subnet != want {
			t.Fatalf("%s subnet ID %s, want %s", role, subnet, want)
		}
		ra := snap.Find("azure-native:authorization:RoleAssignment", "prod-control-plane-"+role+"-network-contributor")
		expect(t, ra, map[string]any{
			"scope":            subnet,
			"roleDefinitionId": networkContributor,
			"principalId":      principal,
			"principalType":    "ServicePrincipal",
		})
	}
	var scopes []string
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, ra, "roleDefinitionId") == networkContributor {
			scopes = append(scopes, platformtest.Input(t, ra, "scope").(string))
		}
		if scope := platformtest.Input(t, ra, "scope"); scope == rgScope || scope == vnetID {
			t.Errorf("%s is scoped to %s; grant on the subnet only", ra.Name, scope)
		}
	}
	if want := []string{vnetID + "/subnets/ingress", vnetID + "/subnets/nodes"}; !reflect.DeepEqual(scopes, want) {
		t.Errorf("network contributor scopes %v, want exactly %v", scopes, want)
	}
	// The private-endpoints subnet holds neither nodes nor load balancers.
	if ra := snap.Find("azure-native:authorization:RoleAssignment", "prod-control-plane-private-endpoints-network-contributor"); ra != nil {
		t.Error("control plane has rights on the private-endpoints subnet")
	}
}

func TestControlPlaneOperatesTheKubeletIdentity(t *testing.T) {
	snap, out := renderCluster(t, nil)
	ra := snap.Find("azure-native:authorization:RoleAssignment", "prod-control-plane-identity-operator")
	expect(t, ra, map[string]any{
		"scope":            identities + "prod-kubelet-identity",
		"roleDefinitionId": managedIdentityOperator,
		"principalId":      out.get(t, "controlPlane"),
		"principalType":    "ServicePrincipal",
	})
	cluster := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if strings.HasPrefix(ra.Name, "prod-") && !slices.Contains(cluster.DependsOn, ra.URN) {
			t.Errorf("the cluster does not wait for %s", ra.Name)
		}
	}
}

func TestRoleAssignmentNamesAreDeterministicGUIDs(t *testing.T) {
	names := func() map[string]string {
		snap, _ := renderCluster(t, nil)
		out := map[string]string{}
		for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
			out[ra.Name] = platformtest.Input(t, ra, "roleAssignmentName").(string)
		}
		return out
	}
	first, second := names(), names()
	if len(first) != 4 {
		t.Errorf("%d role assignments, want 4: %v", len(first), first)
	}
	if !reflect.DeepEqual(first, second) {
		t.Errorf("names differ between renders:\n%v\n%v", first, second)
	}
	unique := map[string]bool{}
	for res, name := range first {
		if !guid.MatchString(name) || unique[name] {
			t.Errorf("%s: name %q is not a unique GUID", res, name)
		}
		unique[name] = true
	}
}

func TestManagedClusterSettings(t *testing.T) {
	snap, out := renderCluster(t, nil)
	c := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	expect(t, c, map[string]any{
		"resourceName":      "prod-aks",
		"resourceGroupName": "prod-rg",
		"location":          "westeurope",
		"dnsPrefix":         "prod-aks",
		"kubernetesVersion": "1.33",
		"sku.name":          "Base",
		"sku.tier":          "Standard",
		// Identity
		"identity.type":                              "UserAssigned",
		"identity.userAssignedIdentities":            []any{identities + "prod-control-plane-identity"},
		"identityProfile.kubeletidentity.resourceId": identities + "prod-kubelet-identity",
		"identityProfile.kubeletidentity.objectId":   out.get(t, "node"),
		"enableRBAC":                                 true,
		"disableLocalAccounts":                       true,
		"aadProfile.managed":                         true,
		"aadProfile.enableAzureRBAC":                 true,
		"aadProfile.tenantID":                        tenant,
		"aadProfile.adminGroupObjectIDs":             []any{adminGroup},
		"oidcIssuerProfile.enabled":                  true,
		"securityProfile.workloadIdentity.enabled":   true,
		"securityProfile.imageCleaner.enabled":       true,
		"securityProfile.imageCleaner.intervalHours": 168.0,
		// Network
		"networkProfile.networkPlugin":     "azure",
		"networkProfile.networkPluginMode": "overlay",
		"networkProfile.networkDataplane":  "cilium",
		"networkProfile.networkPolicy":     "cilium",
		"networkProfile.podCidr":           "100.64.0.0/14",
		"networkProfile.serviceCidr":       "100.68.0.0/16",
		"networkProfile.dnsServiceIP":      "100.68.0.10",
		"networkProfile.outboundType":      "userAssignedNATGateway",
		"networkProfile.loadBalancerSku":   "standard",
		// API server
		"apiServerAccessProfile.enablePrivateCluster": true,
		"apiServerAccessProfile.authorizedIPRanges":   []any{},
		"apiServerAccessProfile.disableRunCommand":    true,
		// Upgrades
		"autoUpgradeProfile.upgradeChannel":       "stable",
		"autoUpgradeProfile.nodeOSUpgradeChannel": "NodeImage",
		// Add-ons
		"addonProfiles.azurepolicy.enabled":                                      true,
		"addonProfiles.azureKeyvaultSecretsProvider.enabled":                     true,
		"addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation": "true",
		"addonProfiles.azureKeyvaultSecretsProvider.config.rotationPollInterval": "2m",
		"addonProfiles.omsagent.enabled":                                         true,
		"addonProfiles.omsagent.config.useAADAuth":                               "true",
		"addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID":          rgScope + "/providers/Microsoft.OperationalInsights/workspaces/prod-logs",
		"azureMonitorProfile.metrics.enabled":                                    true,
		"tags.environment":                                                       "prod",
	})
	if !guid.MatchString(platformtest.Input(t, c, "identityProfile.kubeletidentity.clientId").(string)) {
		t.Error("kubelet identity client ID is not a GUID")
	}
	// The regular channel (AKS stable) moves the minor itself.
	if !slices.Contains(c.IgnoreChanges, "kubernetesVersion") {
		t.Errorf("cluster ignoreChanges %v lacks kubernetesVersion", c.IgnoreChanges)
	}
}

// TestSystemPoolIsInline: AKS creates a cluster only with its system pool
// inline, and azure-native cannot create an AgentPool that already exists,
// so the cluster owns the system pool and only user pools are AgentPools.
func TestSystemPoolIsInline(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	c := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	expect(t, c, map[string]any{
		"agentPoolProfiles.0.name":                                      "system",
		"agentPoolProfiles.0.mode":                                      "System",
		"agentPoolProfiles.0.type":                                      "VirtualMachineScaleSets",
		"agentPoolProfiles.0.vmSize":                                    "Standard_D4ds_v5",
		"agentPoolProfiles.0.vnetSubnetID":                              vnetID + "/subnets/nodes",
		"agentPoolProfiles.0.enableAutoScaling":                         true,
		"agentPoolProfiles.0.count":                                     3.0,
		"agentPoolProfiles.0.minCount":                                  3.0,
		"agentPoolProfiles.0.maxCount":                                  6.0,
		"agentPoolProfiles.0.availabilityZones":                         []any{"1", "2", "3"},
		"agentPoolProfiles.0.nodeTaints":                                []any{"CriticalAddonsOnly=true:NoSchedule"},
		"agentPoolProfiles.0.osType":                                    "Linux",
		"agentPoolProfiles.0.osSKU":                                     "AzureLinux",
		"agentPoolProfiles.0.osDiskType":                                "Ephemeral",
		"agentPoolProfiles.0.osDiskSizeGB":                              128.0,
		"agentPoolProfiles.0.scaleSetPriority":                          "Regular",
		"agentPoolProfiles.0.upgradeSettings.maxSurge":                  "33%",
		"agentPoolProfiles.0.upgradeSettings.drainTimeoutInMinutes":     30.0,
		"agentPoolProfiles.0.upgradeSettings.nodeSoakDurationInMinutes": 10.0,
	})
	if pools := platformtest.Input(t, c, "agentPoolProfiles").([]any); len(pools) != 1 {
		t.Errorf("%d inline pools, want only the system pool", len(pools))
	}
	if snap.Find(aksAPI+"AgentPool", "prod-pool-system") != nil {
		t.Error("the system pool has an AgentPool too; its create would fail on the existing inline pool")
	}
	// The autoscaler owns the count; the rest of the pool is managed.
	if !slices.Contains(c.IgnoreChanges, "agentPoolProfiles[*].count") || slices.Contains(c.IgnoreChanges, "agentPoolProfiles") {
		t.Errorf("cluster ignoreChanges %v, want agentPoolProfiles[*].count and not the whole list", c.IgnoreChanges)
	}
}

func TestAgentPools(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	pools := snap.OfType(aksAPI + "AgentPool")
	if len(pools) != 2 {
		t.Fatalf("%d agent pools, want one per user pool", len(pools))
	}
	for _, p := range pools {
		expect(t, p, map[string]any{
			"resourceName":      "prod-aks",
			"resourceGroupName": "prod-rg",
			"vnetSubnetID":      vnetID + "/subnets/nodes",
			"enableAutoScaling": true,
			"availabilityZones": []any{"1", "2", "3"},
			"osType":            "Linux",
			"osSKU":             "AzureLinux",
			"osDiskType":        "Ephemeral",
			"osDiskSizeGB":      128.0,
			"type":              "VirtualMachineScaleSets",
		})
		if !reflect.DeepEqual(p.IgnoreChanges, []string{"count"}) {
			t.Errorf("%s ignoreChanges %v, want [count]: the autoscaler owns it", p.Name, p.IgnoreChanges)
		}
	}
	apps := snap.Find(aksAPI+"AgentPool", "prod-pool-apps")
	expect(t, apps, map[string]any{
		"agentPoolName":                         "apps",
		"mode":                                  "User",
		"vmSize":                                "Standard_D8ds_v5",
		"count":                                 2.0,
		"minCount":                              2.0,
		"maxCount":                              20.0,
		"nodeLabels":                            map[string]any{"workload": "apps"},
		"nodeTaints":                            []any{},
		"scaleSetPriority":                      "Regular",
		"upgradeSettings.maxSurge":              "33%",
		"upgradeSettings.drainTimeoutInMinutes": 30.0,
		"upgradeSettings.nodeSoakDurationInMinutes": 10.0,
	})
	spot := snap.Find(aksAPI+"AgentPool", "prod-pool-batch")
	expect(t, spot, map[string]any{
		"mode":                   "User",
		"scaleSetPriority":       "Spot",
		"scaleSetEvictionPolicy": "Delete",
		"spotMaxPrice":           -1.0,
		"nodeTaints":             []any{"kubernetes.azure.com/scalesetpriority=spot:NoSchedule"},
		"nodeLabels":             map[string]any{"kubernetes.azure.com/scalesetpriority": "spot"},
	})
	if _, ok := spot.Input("upgradeSettings"); ok {
		t.Error("Spot pool has upgradeSettings; AKS rejects max surge on Spot pools")
	}
	// One pool operation at a time, after the cluster.
	if !slices.Contains(apps.DependsOn, snap.Find(aksAPI+"ManagedCluster", "prod-aks").URN) || !slices.Contains(spot.DependsOn, apps.URN) {
		t.Errorf("pools are not created one after another: apps %v, batch %v", apps.DependsOn, spot.DependsOn)
	}
}

func TestMaintenanceWindows(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	for name, config := range map[string]string{
		"prod-auto-upgrade-schedule":    "aksManagedAutoUpgradeSchedule",
		"prod-node-os-upgrade-schedule": "aksManagedNodeOSUpgradeSchedule",
	} {
		expect(t, snap.Find(aksAPI+"MaintenanceConfiguration", name), map[string]any{
			"configName":                                      config,
			"resourceName":                                    "prod-aks",
			"resourceGroupName":                               "prod-rg",
			"maintenanceWindow.durationHours":                 4.0,
			"maintenanceWindow.startTime":                     "02:00",
			"maintenanceWindow.utcOffset":                     "+00:00",
			"maintenanceWindow.schedule.weekly.dayOfWeek":     "Sunday",
			"maintenanceWindow.schedule.weekly.intervalWeeks": 1.0,
		})
	}
}

func TestMonitoring(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	workspace := rgScope + "/providers/Microsoft.OperationalInsights/workspaces/prod-logs"
	expect(t, snap.Find("azure-native:operationalinsights:Workspace", "prod-logs"), map[string]any{
		"workspaceName":     "prod-logs",
		"resourceGroupName": "prod-rg",
		"retentionInDays":   90.0,
		"sku.name":          "PerGB2018",
	})
	expect(t, snap.Find("azure-native:insights:DiagnosticSetting", "prod-audit-logs"), map[string]any{
		"name":                        "prod-audit-logs",
		"resourceUri":                 clusterID,
		"workspaceId":                 workspace,
		"logAnalyticsDestinationType": "Dedicated",
		"logs": []any{
			map[string]any{"category": "kube-audit-admin", "enabled": true},
			map[string]any{"category": "guard", "enabled": true},
		},
	})
	dcr := snap.Find("azure-native:insights:DataCollectionRule", "prod-container-insights")
	expect(t, dcr, map[string]any{
		"dataCollectionRuleName":                          "prod-container-insights",
		"destinations.logAnalytics.0.workspaceResourceId": workspace,
		"dataSources.extensions.0.extensionName":          "ContainerInsights",
		"dataSources.extensions.0.streams":                []any{"Microsoft-ContainerInsights-Group-Default"},
		"dataFlows.0.streams":                             []any{"Microsoft-ContainerInsights-Group-Default"},
		"dataFlows.0.destinations":                        []any{platformtest.Input(t, dcr, "destinations.logAnalytics.0.name")},
	})
	expect(t, snap.Find("azure-native:insights:DataCollectionRuleAssociation", "prod-container-insights-association"), map[string]any{
		"associationName":      "ContainerInsightsExtension",
		"resourceUri":          clusterID,
		"dataCollectionRuleId": rgScope + "/providers/Microsoft.Insights/dataCollectionRules/prod-container-insights",
	})

	off, _ := renderCluster(t, func(s *platform.ClusterSpec) { s.Monitoring = false })
	for _, typ := range []string{"azure-native:operationalinsights:Workspace", "azure-native:insights:DiagnosticSetting", "azure-native:insights:DataCollectionRule", "azure-native:insights:DataCollectionRuleAssociation"} {
		if n := len(off.OfType(typ)); n != 0 {
			t.Errorf("monitoring off: %d %s", n, typ)
		}
	}
	c := off.Find(aksAPI+"ManagedCluster", "prod-aks")
	if _, ok := c.Input("addonProfiles.omsagent"); ok {
		t.Error("monitoring off: omsagent add-on configured")
	}
	if _, ok := c.Input("azureMonitorProfile"); ok {
		t.Error("monitoring off: azureMonitorProfile set")
	}
}

// TestDefender: a Defender cluster's security profile turns Defender for
// Containers' security monitoring on and reports to the cluster's own Log
// Analytics workspace; a cluster without Defender has no defender block.
func TestDefender(t *testing.T) {
	snap, _ := renderCluster(t, func(s *platform.ClusterSpec) { s.AKS.Defender = true })
	expect(t, snap.Find(aksAPI+"ManagedCluster", "prod-aks"), map[string]any{
		"securityProfile.defender": map[string]any{
			"logAnalyticsWorkspaceResourceId": rgScope + "/providers/Microsoft.OperationalInsights/workspaces/prod-logs",
			"securityMonitoring":              map[string]any{"enabled": true},
		},
	})
	off, _ := renderCluster(t, nil)
	if v, ok := off.Find(aksAPI+"ManagedCluster", "prod-aks").Input("securityProfile.defender"); ok {
		t.Errorf("a cluster without Defender has securityProfile.defender %v", v)
	}
}

func TestClusterOutputs(t *testing.T) {
	_, out := renderCluster(t, nil)
	if got := out.get(t, "name"); got != "prod-aks" {
		t.Errorf("name %s", got)
	}
	if got := out.get(t, "id"); got != clusterID {
		t.Errorf("id %s, want %s", got, clusterID)
	}
	issuer := out.get(t, "issuer")
	if !regexp.MustCompile(`^https://westeurope\.oic\.prod-aks\.azure\.com/` + tenant + `/[0-9a-f-]{36}/$`).MatchString(issuer) {
		t.Errorf("issuer %s", issuer)
	}
	if got := out.get(t, "pool"); got != issuer {
		t.Errorf("workload identity pool %s, want the issuer %s", got, issuer)
	}
	// Private cluster: the API server is reached at its private FQDN.
	if got := out.get(t, "endpoint"); !regexp.MustCompile(`^https://prod-aks-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.westeurope\.azmk8s\.io:443$`).MatchString(got) {
		t.Errorf("endpoint %s, want the private FQDN", got)
	}
	for _, key := range []string{"controlPlane", "node"} {
		if got := out.get(t, key); !guid.MatchString(got) {
			t.Errorf("%s principal %q is not a GUID", key, got)
		}
	}
	if out.get(t, "controlPlane") == out.get(t, "node") {
		t.Error("control plane and nodes share an identity")
	}
}

func TestKubeconfigIsExecBasedAndSecret(t *testing.T) {
	_, out := renderCluster(t, nil)
	if !out.kubeconfigSecret {
		t.Error("kubeconfig is not secret (C9)")
	}
	kc := out.get(t, "kubeconfig")
	if !strings.Contains(kc, "command: kubelogin") || !strings.Contains(kc, "server: https://prod-aks-") {
		t.Errorf("kubeconfig does not run kubelogin against the cluster:\n%s", kc)
	}
	for _, line := range strings.Split(kc, "\n") {
		key, _, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch key {
		case "client-certificate-data", "client-key-data", "client-certificate", "client-key", "token", "password", "username":
			t.Errorf("kubeconfig holds a static credential: %s", line)
		}
	}
}

func TestPublicAPIServer(t *testing.T) {
	snap, out := renderCluster(t, func(s *platform.ClusterSpec) {
		s.PrivateAPI = false
		s.AuthorizedCIDRs = []string{"203.0.113.0/24", "198.51.100.7/32"}
		s.Tier = platform.TierFree
		s.Channel = platform.ChannelStable
	})
	c := snap.Find(aksAPI+"ManagedCluster", "prod-aks")
	expect(t, c, map[string]any{
		"apiServerAccessProfile.enablePrivateCluster": false,
		"apiServerAccessProfile.authorizedIPRanges":   []any{"203.0.113.0/24", "198.51.100.7/32"},
		"sku.tier":                          "Free",
		"autoUpgradeProfile.upgradeChannel": "patch",
	})
	// The patch channel stays on the pinned minor: its version is managed.
	if slices.Contains(c.IgnoreChanges, "kubernetesVersion") {
		t.Errorf("ignoreChanges %v: the patch channel keeps kubernetesVersion managed", c.IgnoreChanges)
	}
	endpoint := out.get(t, "endpoint")
	if !regexp.MustCompile(`^https://prod-aks-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io:443$`).MatchString(endpoint) {
		t.Errorf("endpoint %s, want the public FQDN", endpoint)
	}
	if kc := out.get(t, "kubeconfig"); !strings.Contains(kc, "server: "+endpoint+"\n") {
		t.Errorf("kubeconfig server is not %s:\n%s", endpoint, kc)
	}
}

func TestWorkloadIdentity(t *testing.T) {
	snap, out := renderCluster(t, nil)
	expect(t, snap.Find("azure-native:managedidentity:UserAssignedIdentity", "cert-manager-identity"), map[string]any{
		"resourceName":      "cert-manager-identity",
		"resourceGroupName": "prod-rg", // the cluster's group
		"location":          "westeurope",
	})
	expect(t, snap.Find("azure-native:managedidentity:FederatedIdentityCredential", "cert-manager-federation"), map[string]any{
		"federatedIdentityCredentialResourceName": "cert-manager-federation",
		"resourceName":      "cert-manager-identity",
		"resourceGroupName": "prod-rg",
		"issuer":            out.get(t, "issuer"),
		"subject":           "system:serviceaccount:cert-manager:cert-manager",
		"audiences":         []any{"api://AzureADTokenExchange"},
	})
	expect(t, snap.Find("azure-native:authorization:RoleAssignment", "cert-manager-dns-zone-contributor-1"), map[string]any{
		"scope":            zoneID,
		"roleDefinitionId": dnsZoneContributor,
		"principalId":      out.get(t, "principalID"),
		"principalType":    "ServicePrincipal",
	})
	clientID := out.get(t, "clientID")
	if !guid.MatchString(clientID) || clientID == out.get(t, "principalID") {
		t.Errorf("client ID %q, principal ID %q", clientID, out.get(t, "principalID"))
	}
	if want := map[string]string{"azure.workload.identity/client-id": clientID}; !reflect.DeepEqual(out.annotations, want) {
		t.Errorf("annotations %v, want %v", out.annotations, want)
	}
	if want := map[string]string{"azure.workload.identity/use": "true"}; !reflect.DeepEqual(out.podLabels, want) {
		t.Errorf("pod labels %v, want %v", out.podLabels, want)
	}
	// The workload never gets the node identity.
	for _, ra := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, ra, "principalId") == out.get(t, "node") {
			t.Errorf("%s grants the node identity", ra.Name)
		}
	}
}

func TestWorkloadIdentityGrantsEachScopeExactly(t *testing.T) {
	const container = "/subscriptions/" + sub + "/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/backups/blobServices/default/containers/velero"
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if err != nil {
			return err
		}
		cluster := &platform.ClusterOutputs{
			ID:            pulumi.String(clusterID).ToStringOutput(),
			OIDCIssuerURL: pulumi.String("https://westeurope.oic.prod-aks.azure.com/" + tenant + "/6f1d2c3b-4a5e-5f6a-8b7c-9d0e1f2a3b4c/").ToStringOutput(),
		}
		_, err = b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: cluster, Namespace: "velero", ServiceAccount: "velero",
			Grants: []platform.Grant{
				{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String(container)},
				{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String(zoneID)},
			},
			Tags: platform.Tags{"environment": "prod"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, snap.Find("azure-native:authorization:RoleAssignment", "velero-object-storage-writer-1"), map[string]any{
		"scope":            container,
		"roleDefinitionId": storageBlobDataContributor,
	})
	expect(t, snap.Find("azure-native:authorization:RoleAssignment", "velero-dns-zone-contributor-1"), map[string]any{
		"scope":            zoneID,
		"roleDefinitionId": dnsZoneContributor,
	})
	expect(t, snap.Find("azure-native:managedidentity:FederatedIdentityCredential", "velero-federation"), map[string]any{
		"subject": "system:serviceaccount:velero:velero",
	})
}

// clusterTaggable and untaggable together list every Azure type a cluster
// and a workload identity create.
var (
	clusterTaggable = map[string]bool{
		"azure-native:managedidentity:UserAssignedIdentity": true,
		"azure-native:operationalinsights:Workspace":        true,
		"azure-native:insights:DataCollectionRule":          true,
		aksAPI + "ManagedCluster":                           true,
		aksAPI + "AgentPool":                                true,
	}
	untaggable = map[string]bool{
		netAPI + "Subnet": true,
		"azure-native:authorization:RoleAssignment":                true,
		"azure-native:managedidentity:FederatedIdentityCredential": true,
		"azure-native:insights:DiagnosticSetting":                  true,
		"azure-native:insights:DataCollectionRuleAssociation":      true,
		aksAPI + "MaintenanceConfiguration":                        true,
	}
)

func TestClusterTagsOnEveryTaggableResource(t *testing.T) {
	snap, _ := renderCluster(t, nil)
	seen := map[string]int{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || untaggable[r.Type] {
			continue
		}
		if !taggable[r.Type] && !clusterTaggable[r.Type] {
			t.Errorf("%s: unknown whether it takes tags; add it to a taggable or the untaggable table", r.Type)
			continue
		}
		seen[r.Type]++
		for key, want := range map[string]string{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-1042"} {
			if got, _ := r.Input("tags." + key); got != want {
				t.Errorf("%s %s: tag %s = %v, want %s", r.Type, r.Name, key, got, want)
			}
		}
	}
	for typ := range clusterTaggable {
		if seen[typ] == 0 {
			t.Errorf("no %s checked", typ)
		}
	}
	// The inline system pool carries the tags too.
	if got, _ := snap.Find(aksAPI+"ManagedCluster", "prod-aks").Input("agentPoolProfiles.0.tags.environment"); got != "prod" {
		t.Errorf("inline system pool tags: environment = %v", got)
	}
}

func TestClusterRejectedRegistersNothing(t *testing.T) {
	var got error
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, Location: "westeurope"}) // no tenant
		if err != nil {
			return err
		}
		net, err := b.NewNetwork(ctx, platformtest.NetworkSpecs()[1])
		if err != nil {
			return err
		}
		_, got = b.NewCluster(ctx, testClusterSpec(platform.ClusterNetwork{Spec: platformtest.NetworkSpecs()[1], Outputs: *net}))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || !strings.Contains(got.Error(), "aks.tenantID: required") {
		t.Errorf("error %v, want aks.tenantID required", got)
	}
	for _, r := range snap.Resources {
		if !strings.HasPrefix(r.Type, netAPI) && !strings.HasPrefix(r.Type, "pulumi:providers:") && r.Type != "azure-native:resources:ResourceGroup" && r.Type != "azure-native:storage:StorageAccount" {
			t.Errorf("%s %s registered for a rejected cluster", r.Type, r.Name)
		}
	}
}

func TestClusterRenderIsDeterministic(t *testing.T) {
	render := func() []byte {
		snap, _ := renderCluster(t, nil)
		data, err := snap.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if a, b := render(), render(); !bytes.Equal(a, b) {
		t.Error("two renders of the same spec differ (C6)")
	}
}

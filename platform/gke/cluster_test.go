package gke_test

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	nodeSA       = "prod-nodes@" + project + ".iam.gserviceaccount.com"
	clusterID    = "projects/" + project + "/locations/europe-west1/clusters/prod-cluster"
	workloadPool = project + ".svc.id.goog"
	securityGrp  = "gke-security-groups@acme.example"
)

// testComponent stands in for the calling component (components/cluster).
type testComponent struct{ pulumi.ResourceState }

type testProvider struct{ pulumi.ProviderResourceState }

// rendered is a rendered stack and the resolved outputs of its cluster (and
// workload identity, when asked for).
type rendered struct {
	snap *platformtest.Snapshot

	mu                                       sync.Mutex
	name, id, endpoint, issuer, kubeconfig   string
	controlPlane, nodeIdentity, workloadPool string
	diskScope                                string
	annotations                              map[string]string
	clientID, principalID                    string
	podLabels                                map[string]string
	clusterErr                               error
}

func (r *rendered) capture(o pulumi.StringOutput, dst *string) {
	o.ApplyT(func(v string) string {
		r.mu.Lock()
		defer r.mu.Unlock()
		*dst = v
		return v
	})
}

// clusterSpec is a production-like spec on a network created through the
// gke backend, so that every ID in it is what GCP would return.
func clusterSpec(net *network.Network) platform.ClusterSpec {
	return platform.ClusterSpec{
		Name:              "prod",
		KubernetesVersion: "1.33",
		Network: platform.ClusterNetwork{
			Spec: net.Spec,
			Outputs: platform.NetworkOutputs{
				ID: net.ID, Name: net.Name, Subnets: net.Subnets, EgressIPs: net.EgressIPs,
				PodRangeName: net.PodRangeName, ServiceRangeName: net.ServiceRangeName,
			},
		},
		Pools: []platform.NodePoolSpec{
			{
				Name: "system", System: true, MachineType: "e2-standard-4", MinCount: 3, MaxCount: 6,
				Zones: []string{"b", "c", "d"}, Labels: map[string]string{}, DiskSizeGB: 128, MaxSurge: "33%",
				Taints: []platform.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}},
			},
			{
				Name: "apps", MachineType: "n2-standard-8", MinCount: 1, MaxCount: 10,
				Zones: []string{"b", "c", "d"}, Labels: map[string]string{"workload": "apps"}, DiskSizeGB: 200, MaxSurge: "33%",
			},
		},
		PrivateAPI:         true,
		Channel:            platform.ChannelStable,
		Window:             platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 12},
		Tier:               platform.TierStandard,
		Monitoring:         true,
		LogRetentionDays:   30,
		DeletionProtection: true,
		GKE:                platform.GKEClusterSpec{BinaryAuthorization: true, SecurityPosture: "BASIC"},
		AdminGroups:        []string{securityGrp},
		Tags:               platform.Tags{"environment": "prod", "managed-by": "plinth", "team": "platform"},
	}
}

// renderCluster renders the prod network and a cluster on it under a test
// component "prod", then, with identity, cert-manager's workload identity
// under a component "cert-manager". mutate edits the cluster spec.
func renderCluster(t *testing.T, mutate func(*platform.ClusterSpec), identity bool) *rendered {
	t.Helper()
	var then afterCluster
	if identity {
		then = certManagerIdentity
	}
	return renderStack(t, mutate, then)
}

// afterCluster registers more under the rendered cluster: it gets the
// backend, the cluster's spec and outputs, and the result to capture into.
type afterCluster func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs, r *rendered) error

// renderStack renders the prod network and a cluster on it under a test
// component "prod", then runs then (when not nil) with the cluster's
// outputs. mutate edits the cluster spec.
func renderStack(t *testing.T, mutate func(*platform.ClusterSpec), then afterCluster) *rendered {
	t.Helper()
	r := &rendered{}
	snap, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		net, err := newNetwork(ctx, b, "prod", network.Args{
			AddressSpace: "10.30.0.0/16",
			NAT:          network.NAT{IPCount: 2},
			Tags:         map[string]string{"environment": "prod", "managed-by": "plinth"},
		})
		if err != nil {
			return err
		}
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Cluster", "prod", parent); err != nil {
			return err
		}
		spec := clusterSpec(net)
		if mutate != nil {
			mutate(&spec)
		}
		out, err := b.NewCluster(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			r.clusterErr = err
			return nil
		}
		r.capture(out.Name, &r.name)
		r.capture(out.ID, &r.id)
		r.capture(out.Endpoint, &r.endpoint)
		r.capture(out.OIDCIssuerURL, &r.issuer)
		r.capture(out.Kubeconfig, &r.kubeconfig)
		r.capture(out.ControlPlanePrincipalID, &r.controlPlane)
		r.capture(out.NodeIdentity, &r.nodeIdentity)
		r.capture(out.WorkloadIdentityPool, &r.workloadPool)
		r.capture(out.DiskScope, &r.diskScope)
		// What a Kubernetes provider receives shows whether the kubeconfig
		// stays secret.
		var k8s testProvider
		if err := ctx.RegisterResource("pulumi:providers:kubernetes", "prod-kubernetes", pulumi.Map{"kubeconfig": out.Kubeconfig}, &k8s, pulumi.Parent(parent)); err != nil {
			return err
		}
		if then == nil {
			return nil
		}
		return then(ctx, b, spec, out, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	r.snap = snap
	return r
}

// certManagerIdentity registers cert-manager's workload identity under a
// component "cert-manager", with a DNS and an object storage grant.
func certManagerIdentity(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs, r *rendered) error {
	wiParent := &testComponent{}
	if err := ctx.RegisterComponentResource("plinth:test:WorkloadIdentity", "cert-manager", wiParent); err != nil {
		return err
	}
	wi, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
		Name:           "cert-manager",
		Cluster:        out,
		Namespace:      "cert-manager",
		ServiceAccount: "cert-manager",
		Grants: []platform.Grant{
			{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String("projects/acme-dns-prod/managedZones/dev-acme-example")},
			{Role: platform.GrantObjectStorageWriter, Scope: pulumi.String("acme-prod-backups")},
		},
		Tags: spec.Tags,
	}, pulumi.Parent(wiParent))
	if err != nil {
		return err
	}
	r.captureIdentity(wi)
	return nil
}

// captureIdentity records the identity's outputs in r.
func (r *rendered) captureIdentity(wi *platform.WorkloadIdentity) {
	r.podLabels = wi.PodLabels
	r.capture(wi.ClientID, &r.clientID)
	r.capture(wi.PrincipalID, &r.principalID)
	wi.ServiceAccountAnnotations.ApplyT(func(v map[string]string) map[string]string {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.annotations = v
		return v
	})
}

func prodCluster(t *testing.T) *rendered {
	t.Helper()
	r := renderCluster(t, nil, false)
	if r.clusterErr != nil {
		t.Fatal(r.clusterErr)
	}
	return r
}

func find(t *testing.T, snap *platformtest.Snapshot, typ, name string) *platformtest.Resource {
	t.Helper()
	r := snap.Find(typ, name)
	if r == nil {
		t.Fatalf("%s %s not registered", typ, name)
	}
	return r
}

func expect(t *testing.T, r *platformtest.Resource, path string, want any) {
	t.Helper()
	if got := platformtest.Input(t, r, path); !equal(got, want) {
		t.Errorf("%s %s: %s = %#v, want %#v", r.Type, r.Name, path, got, want)
	}
}

func equal(got, want any) bool {
	switch w := want.(type) {
	case int:
		return got == float64(w)
	case []string:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if g[i] != w[i] {
				return false
			}
		}
		return true
	case map[string]string:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if g[k] != v {
				return false
			}
		}
		return true
	}
	return got == want
}

const clusterType = "gcp:container/cluster:Cluster"
const poolType = "gcp:container/nodePool:NodePool"

func TestNoDefaultNodePool(t *testing.T) {
	snap := prodCluster(t).snap
	c := find(t, snap, clusterType, "prod-cluster")
	expect(t, c, "removeDefaultNodePool", true)
	expect(t, c, "initialNodeCount", 1)
	if _, ok := c.Input("nodePools"); ok {
		t.Error("the cluster declares inline node pools; every pool must be a separate NodePool")
	}
	// The temporary default pool runs as the node service account, not the
	// Compute Engine default one; its settings force a new cluster, so
	// changes to them are ignored.
	expect(t, c, "nodeConfig.serviceAccount", nodeSA)
	expect(t, c, "nodeConfig.workloadMetadataConfig.mode", "GKE_METADATA")
	if !slices.Contains(c.IgnoreChanges, "nodeConfig") || !slices.Contains(c.IgnoreChanges, "initialNodeCount") {
		t.Errorf("cluster ignoreChanges = %v, want nodeConfig and initialNodeCount", c.IgnoreChanges)
	}
}

func TestNodePools(t *testing.T) {
	snap := prodCluster(t).snap
	pools := snap.OfType(poolType)
	if len(pools) != 2 {
		t.Fatalf("%d node pools, want one NodePool per spec pool (system, apps)", len(pools))
	}
	zones := []string{"europe-west1-b", "europe-west1-c", "europe-west1-d"}
	want := map[string]struct {
		cloudName       string
		min, max, surge int
		machine         string
		labels          map[string]string
		taints          int
	}{
		"prod-system": {"system", 3, 6, 1, "e2-standard-4", map[string]string{}, 1},
		"prod-apps":   {"apps", 1, 10, 2, "n2-standard-8", map[string]string{"workload": "apps"}, 0},
	}
	for _, p := range pools {
		w, ok := want[p.Name]
		if !ok {
			t.Errorf("unexpected node pool %s", p.Name)
			continue
		}
		expect(t, p, "name", w.cloudName)
		expect(t, p, "cluster", "prod-cluster")
		expect(t, p, "location", "europe-west1")
		expect(t, p, "nodeLocations", zones)
		expect(t, p, "autoscaling.totalMinNodeCount", w.min)
		expect(t, p, "autoscaling.totalMaxNodeCount", w.max)
		expect(t, p, "autoscaling.locationPolicy", "BALANCED")
		if _, ok := p.Input("autoscaling.minNodeCount"); ok {
			t.Errorf("%s mixes per-zone and total limits", p.Name)
		}
		expect(t, p, "management.autoRepair", true)
		expect(t, p, "management.autoUpgrade", true)
		expect(t, p, "upgradeSettings.strategy", "SURGE")
		expect(t, p, "upgradeSettings.maxSurge", w.surge)
		expect(t, p, "upgradeSettings.maxUnavailable", 0)
		expect(t, p, "nodeConfig.machineType", w.machine)
		expect(t, p, "nodeConfig.imageType", "COS_CONTAINERD")
		expect(t, p, "nodeConfig.diskType", "pd-balanced")
		expect(t, p, "nodeConfig.workloadMetadataConfig.mode", "GKE_METADATA")
		expect(t, p, "nodeConfig.serviceAccount", nodeSA)
		expect(t, p, "nodeConfig.oauthScopes", []string{"https://www.googleapis.com/auth/cloud-platform"})
		expect(t, p, "nodeConfig.shieldedInstanceConfig.enableSecureBoot", true)
		expect(t, p, "nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", true)
		expect(t, p, "nodeConfig.labels", w.labels)
		expect(t, p, "nodeConfig.spot", false)
		if taints, _ := p.Input("nodeConfig.taints"); len(asList(taints)) != w.taints {
			t.Errorf("%s taints = %v", p.Name, taints)
		}
		if !slices.Equal(p.IgnoreChanges, []string{"initialNodeCount", "nodeCount"}) {
			t.Errorf("%s ignoreChanges = %v, want initialNodeCount and nodeCount (the autoscaler owns the size)", p.Name, p.IgnoreChanges)
		}
		if _, ok := p.Input("version"); ok {
			t.Errorf("%s pins a node version; auto-upgrade follows the release channel", p.Name)
		}
	}
	sys := find(t, snap, poolType, "prod-system")
	expect(t, sys, "nodeConfig.taints.0.key", "CriticalAddonsOnly")
	expect(t, sys, "nodeConfig.taints.0.value", "true")
	expect(t, sys, "nodeConfig.taints.0.effect", "NO_SCHEDULE")
}

func asList(v any) []any { l, _ := v.([]any); return l }

// Nothing runs as the Compute Engine default service account.
func TestNoComputeDefaultServiceAccount(t *testing.T) {
	snap := prodCluster(t).snap
	for _, r := range append(snap.OfType(clusterType), snap.OfType(poolType)...) {
		sa, _ := r.Input("nodeConfig.serviceAccount")
		if sa != nodeSA {
			t.Errorf("%s %s runs as %v, want the node service account %s", r.Type, r.Name, sa, nodeSA)
		}
	}
	data, err := snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "-compute@developer.gserviceaccount.com") {
		t.Error("the snapshot names the Compute Engine default service account")
	}
}

func TestNodeServiceAccountRoles(t *testing.T) {
	snap := prodCluster(t).snap
	sa := find(t, snap, "gcp:serviceaccount/account:Account", "prod-nodes")
	expect(t, sa, "accountId", "prod-nodes")
	expect(t, sa, "project", project)

	members := snap.OfType("gcp:projects/iAMMember:IAMMember")
	var roles []string
	for _, m := range members {
		expect(t, m, "project", project)
		expect(t, m, "member", "serviceAccount:"+nodeSA)
		roles = append(roles, platformtest.Input(t, m, "role").(string))
	}
	slices.Sort(roles)
	// No project-wide roles/artifactregistry.reader: the nodes pull from
	// the environment's repository only, which grants it (NewRegistry).
	if want := []string{"roles/container.defaultNodeServiceAccount"}; !slices.Equal(roles, want) {
		t.Errorf("node service account roles = %v, want exactly %v", roles, want)
	}
	// Nodes come up only once their identity has its roles.
	c := find(t, snap, clusterType, "prod-cluster")
	for _, m := range members {
		if !slices.Contains(c.DependsOn, m.URN) {
			t.Errorf("cluster does not depend on %s", m.Name)
		}
	}
}

func TestPrivateCluster(t *testing.T) {
	r := prodCluster(t)
	c := find(t, r.snap, clusterType, "prod-cluster")
	expect(t, c, "privateClusterConfig.enablePrivateNodes", true)
	expect(t, c, "privateClusterConfig.enablePrivateEndpoint", true)
	expect(t, c, "privateClusterConfig.masterIpv4CidrBlock", gke.DefaultMasterCIDR)
	expect(t, c, "masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock", "10.30.0.0/16")
	expect(t, c, "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", false)
	if blocks := asList(platformtest.Input(t, c, "masterAuthorizedNetworksConfig.cidrBlocks")); len(blocks) != 1 {
		t.Errorf("authorized networks = %v, want the network only", blocks)
	}
	if r.endpoint != "https://172.16.0.2" {
		t.Errorf("endpoint %q, want the private address in the master range", r.endpoint)
	}
}

func TestPublicClusterWithAuthorizedNetworks(t *testing.T) {
	r := renderCluster(t, func(s *platform.ClusterSpec) {
		s.PrivateAPI = false
		s.AuthorizedCIDRs = []string{"203.0.113.0/24"}
	}, false)
	c := find(t, r.snap, clusterType, "prod-cluster")
	expect(t, c, "privateClusterConfig.enablePrivateNodes", true)
	expect(t, c, "privateClusterConfig.enablePrivateEndpoint", false)
	expect(t, c, "masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock", "203.0.113.0/24")
	if !regexp.MustCompile(`^https://34\.\d+\.\d+\.\d+$`).MatchString(r.endpoint) {
		t.Errorf("endpoint %q, want the public address", r.endpoint)
	}
}

func TestClusterNetworking(t *testing.T) {
	snap := prodCluster(t).snap
	c := find(t, snap, clusterType, "prod-cluster")
	expect(t, c, "network", "projects/"+project+"/global/networks/prod-vpc")
	expect(t, c, "subnetwork", "projects/"+project+"/regions/europe-west1/subnetworks/prod-nodes")
	expect(t, c, "networkingMode", "VPC_NATIVE")
	// The range names are the network's, read from its node subnet.
	nodes := find(t, snap, "gcp:compute/subnetwork:Subnetwork", "prod-nodes")
	expect(t, c, "ipAllocationPolicy.clusterSecondaryRangeName", platformtest.Input(t, nodes, "secondaryIpRanges.0.rangeName"))
	expect(t, c, "ipAllocationPolicy.servicesSecondaryRangeName", platformtest.Input(t, nodes, "secondaryIpRanges.1.rangeName"))
	expect(t, c, "ipAllocationPolicy.clusterSecondaryRangeName", "prod-pods")
	expect(t, c, "ipAllocationPolicy.servicesSecondaryRangeName", "prod-services")
	expect(t, c, "datapathProvider", "ADVANCED_DATAPATH")
	expect(t, c, "enableL4IlbSubsetting", true)
}

func TestClusterSecurityAndOperations(t *testing.T) {
	snap := prodCluster(t).snap
	c := find(t, snap, clusterType, "prod-cluster")
	for path, want := range map[string]any{
		"name":                                "prod-cluster",
		"project":                             project,
		"location":                            "europe-west1",
		"workloadIdentityConfig.workloadPool": workloadPool,
		"secretManagerConfig.enabled":         true,
		"enableShieldedNodes":                 true,
		"deletionProtection":                  true,
		"releaseChannel.channel":              "STABLE",
		"minMasterVersion":                    "1.33",
		"maintenancePolicy.recurringWindow.recurrence":              "FREQ=WEEKLY;BYDAY=SU",
		"maintenancePolicy.recurringWindow.startTime":               "2024-01-07T02:00:00Z",
		"maintenancePolicy.recurringWindow.endTime":                 "2024-01-07T14:00:00Z",
		"masterAuth.clientCertificateConfig.issueClientCertificate": false,
		"securityPostureConfig.mode":                                "BASIC",
		"securityPostureConfig.vulnerabilityMode":                   "VULNERABILITY_BASIC",
		"binaryAuthorization.evaluationMode":                        "PROJECT_SINGLETON_POLICY_ENFORCE",
		"gatewayApiConfig.channel":                                  "CHANNEL_STANDARD",
		"costManagementConfig.enabled":                              true,
		"authenticatorGroupsConfig.securityGroup":                   securityGrp,
		"verticalPodAutoscaling.enabled":                            true,
		"addonsConfig.httpLoadBalancing.disabled":                   false,
		"addonsConfig.horizontalPodAutoscaling.disabled":            false,
		"addonsConfig.gcePersistentDiskCsiDriverConfig.enabled":     true,
		"addonsConfig.dnsCacheConfig.enabled":                       true,
		"monitoringConfig.managedPrometheus.enabled":                true,
		"monitoringConfig.enableComponents":                         []string{"SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER", "STORAGE", "POD", "DEPLOYMENT", "STATEFULSET", "DAEMONSET", "HPA", "KUBELET", "CADVISOR"},
		"loggingConfig.enableComponents":                            []string{"SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"},
	} {
		expect(t, c, path, want)
	}
}

func TestClusterOptOuts(t *testing.T) {
	r := renderCluster(t, func(s *platform.ClusterSpec) {
		s.DeletionProtection = false
		s.Monitoring = false
		s.AdminGroups = nil
		s.Tier = platform.TierFree
		s.Channel = platform.ChannelNone
	}, false)
	c := find(t, r.snap, clusterType, "prod-cluster")
	expect(t, c, "deletionProtection", false)
	expect(t, c, "monitoringConfig.managedPrometheus.enabled", false)
	expect(t, c, "monitoringConfig.enableComponents", []string{"SYSTEM_COMPONENTS"})
	expect(t, c, "loggingConfig.enableComponents", []string{"SYSTEM_COMPONENTS"})
	expect(t, c, "releaseChannel.channel", "UNSPECIFIED")
	if _, ok := c.Input("authenticatorGroupsConfig"); ok {
		t.Error("security group set without admin groups")
	}
	// Free tier: a zonal cluster in the system pool's first zone.
	expect(t, c, "location", "europe-west1-b")
	for _, p := range r.snap.OfType(poolType) {
		expect(t, p, "location", "europe-west1-b")
	}
	if r.id != "projects/"+project+"/locations/europe-west1-b/clusters/prod-cluster" {
		t.Errorf("zonal cluster ID %q", r.id)
	}
}

// The Backup for GKE agent is on only when the spec asks for it; otherwise
// the cluster declares no gkeBackupAgentConfig at all, as before.
func TestBackupAgentAddon(t *testing.T) {
	off := find(t, prodCluster(t).snap, clusterType, "prod-cluster")
	if v, ok := off.Input("addonsConfig.gkeBackupAgentConfig"); ok {
		t.Errorf("gkeBackupAgentConfig = %v without BackupAgent; want it absent", v)
	}
	on := renderCluster(t, func(s *platform.ClusterSpec) { s.GKE.BackupAgent = true }, false)
	c := find(t, on.snap, clusterType, "prod-cluster")
	expect(t, c, "addonsConfig.gkeBackupAgentConfig.enabled", true)
	// The other add-ons stay as they were.
	expect(t, c, "addonsConfig.gcePersistentDiskCsiDriverConfig.enabled", true)
	expect(t, c, "addonsConfig.dnsCacheConfig.enabled", true)
}

func TestKubeconfig(t *testing.T) {
	r := prodCluster(t)
	k8s := find(t, r.snap, "pulumi:providers:kubernetes", "prod-kubernetes")
	expect(t, k8s, "kubeconfig", snapshot.SecretValue)
	for _, want := range []string{
		"server: https://172.16.0.2\n",
		"command: gke-gcloud-auth-plugin\n",
		"apiVersion: client.authentication.k8s.io/v1beta1\n",
		"provideClusterInfo: true\n",
		"current-context: gke_" + project + "_europe-west1_prod-cluster\n",
		"certificate-authority-data: ",
	} {
		if !strings.Contains(r.kubeconfig, want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, r.kubeconfig)
		}
	}
	for _, banned := range []string{"token", "client-certificate-data", "client-key-data", "password"} {
		if strings.Contains(r.kubeconfig, banned) {
			t.Errorf("kubeconfig holds a static credential (%s)", banned)
		}
	}
	data, err := r.snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "gke-gcloud-auth-plugin") {
		t.Error("the kubeconfig's plain text is in the snapshot")
	}
}

func TestClusterOutputs(t *testing.T) {
	r := prodCluster(t)
	for name, got := range map[string][2]string{
		"Name":                    {r.name, "prod-cluster"},
		"ID":                      {r.id, clusterID},
		"OIDCIssuerURL":           {r.issuer, "https://container.googleapis.com/v1/" + clusterID},
		"ControlPlanePrincipalID": {r.controlPlane, ""},
		"NodeIdentity":            {r.nodeIdentity, nodeSA},
		"WorkloadIdentityPool":    {r.workloadPool, workloadPool},
		"DiskScope":               {r.diskScope, project},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
}

// Every child is under the calling component, named "prod-<role>", and uses
// the backend's explicit provider (contract rules C1-C3).
func TestClusterChildren(t *testing.T) {
	snap := prodCluster(t).snap
	var parent string
	for _, r := range snap.Resources {
		if r.Type == "plinth:test:Cluster" {
			parent = r.URN
		}
	}
	children := 0
	for _, r := range snap.Resources {
		if r.Parent != parent || r.Type == "pulumi:providers:kubernetes" {
			continue
		}
		children++
		if !strings.HasPrefix(r.Name, "prod-") {
			t.Errorf("C2: %s is named %q", r.Type, r.Name)
		}
		if !strings.Contains(r.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s %s uses provider %q", r.Type, r.Name, r.Provider)
		}
	}
	// Node service account, its one role, the cluster and two pools.
	if children != 5 {
		t.Errorf("C1: %d children under the component, want 5", children)
	}
}

func TestRejectedClusterRegistersNothing(t *testing.T) {
	r := renderCluster(t, func(s *platform.ClusterSpec) {
		s.AdminGroups = []string{securityGrp, "admins@acme.example"}
	}, false)
	if r.clusterErr == nil || !strings.Contains(r.clusterErr.Error(), "cluster.adminGroups") {
		t.Fatalf("error = %v, want one about cluster.adminGroups", r.clusterErr)
	}
	for _, res := range r.snap.Resources {
		if strings.HasPrefix(res.Type, "gcp:container") || strings.HasPrefix(res.Type, "gcp:serviceaccount") || strings.HasPrefix(res.Type, "gcp:projects") {
			t.Errorf("%s %s registered for a rejected spec", res.Type, res.Name)
		}
	}
}

// labelsOn says where each GCP type Plinth creates takes labels; the other
// types have none in the API.
var labelsOn = map[string][]string{
	"gcp:compute/address:Address": {"labels"},
	clusterType:                   {"resourceLabels", "nodeConfig.resourceLabels"},
	poolType:                      {"nodeConfig.resourceLabels"},
	bucketType:                    {"labels"},
	backupPlanType:                {"labels"},
}

var noLabels = map[string]bool{
	"gcp:compute/network:Network":                             true,
	"gcp:compute/subnetwork:Subnetwork":                       true,
	"gcp:compute/firewall:Firewall":                           true,
	"gcp:compute/router:Router":                               true,
	"gcp:compute/routerNat:RouterNat":                         true,
	"gcp:serviceaccount/account:Account":                      true,
	"gcp:projects/iAMCustomRole:IAMCustomRole":                true,
	"gcp:projects/iAMMember:IAMMember":                        true,
	"gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember": true,
	"gcp:serviceaccount/iAMMember:IAMMember":                  true,
	"gcp:storage/bucketIAMMember:BucketIAMMember":             true,
}

func TestClusterLabels(t *testing.T) {
	snap := renderCluster(t, nil, true).snap
	want := map[string]string{"environment": "prod", "managed-by": "plinth", "team": "platform"}
	checked := map[string]int{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || noLabels[r.Type] {
			continue
		}
		paths, ok := labelsOn[r.Type]
		if !ok {
			t.Errorf("%s: unknown whether it takes labels; add it to a table", r.Type)
			continue
		}
		if r.Type == "gcp:compute/address:Address" {
			continue // network labels, checked by the network tests
		}
		for _, p := range paths {
			expect(t, r, p, want)
		}
		checked[r.Type]++
	}
	if checked[clusterType] != 1 || checked[poolType] != 2 {
		t.Errorf("checked %v, want the cluster and both pools", checked)
	}
}

func TestClusterConformance(t *testing.T) {
	platformtest.ClusterConformance(t, func(ctx *pulumi.Context) (platformtest.ClusterTestBackend, error) {
		return newBackend(ctx)
	})
}

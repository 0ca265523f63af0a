package platformtest

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// ClusterTestBackend is what the cluster suite needs: the network
// capability to place the cluster in, and the cluster and workload identity
// capabilities under test.
type ClusterTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.WorkloadIdentityBackend
}

// NewClusterBackend creates the backend under test inside a Pulumi program.
type NewClusterBackend func(ctx *pulumi.Context) (ClusterTestBackend, error)

// clusterZones and clusterMachines are valid zones and machine sizes per
// cloud for the suite's specs.
var (
	clusterZones = map[platform.Cloud][]string{
		platform.CloudAzure: {"1", "2", "3"},
		platform.CloudGCP:   {"b", "c", "d"},
		platform.CloudFake:  {"1", "2", "3"},
	}
	clusterMachines = map[platform.Cloud]string{
		platform.CloudAzure: "Standard_D4ds_v5",
		platform.CloudGCP:   "e2-standard-4",
		platform.CloudFake:  "fake-4x16",
	}
)

// ClusterSpec returns the production-like cluster the suite creates on the
// given cloud in the given network: a tainted three-zone system pool, a user
// pool and a spot pool, a private API server, the stable channel.
func ClusterSpec(cloud platform.Cloud, name string, network platform.ClusterNetwork) platform.ClusterSpec {
	zones := clusterZones[cloud]
	pool := func(n string, min, max int) platform.NodePoolSpec {
		return platform.NodePoolSpec{
			Name: n, MachineType: clusterMachines[cloud], MinCount: min, MaxCount: max,
			Zones: append([]string(nil), zones...), Labels: map[string]string{"pool": n},
			DiskSizeGB: 128, MaxSurge: "33%",
		}
	}
	system := pool("system", 3, 6)
	system.System = true
	system.Taints = []platform.Taint{{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}}
	apps := pool("apps", 2, 20)
	batch := pool("batch", 0, 10)
	batch.Spot = true
	batch.Taints = []platform.Taint{{Key: "workload", Value: "batch", Effect: platform.NoSchedule}}
	return platform.ClusterSpec{
		Name:               name,
		KubernetesVersion:  "1.33",
		Network:            network,
		Pools:              []platform.NodePoolSpec{system, apps, batch},
		PrivateAPI:         true,
		Channel:            platform.ChannelStable,
		Window:             platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 12},
		Tier:               platform.TierStandard,
		Monitoring:         true,
		LogRetentionDays:   30,
		DeletionProtection: true,
		AKS:                platform.AKSClusterSpec{ImageCleanerIntervalHours: 168, SecretRotationInterval: "2m", AzurePolicy: true},
		GKE:                platform.GKEClusterSpec{BinaryAuthorization: true, SecurityPosture: "BASIC"},
		Tags:               platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

type clusterResult struct {
	mu                                  sync.Mutex
	name, id, endpoint, issuer, kubecfg string
	nodeIdentity                        string
	kubecfgSecret                       bool
	annotations                         map[string]string
	clientID, principalID               string
	podLabels                           map[string]string
	subject                             string
}

func (r *clusterResult) set(dst *string) func(string) string {
	return func(v string) string {
		r.mu.Lock()
		*dst = v
		r.mu.Unlock()
		return v
	}
}

// ClusterConformance runs the cluster and workload identity rules of
// docs/contract.md against a backend: the structural rules C1-C3 on every
// child, a secret exec-based kubeconfig (C9), complete outputs, a pool per
// spec pool, and a workload identity that gets its grant at exactly the
// given scope and never the node identity.
func ClusterConformance(t *testing.T, newBackend NewClusterBackend) {
	t.Helper()
	res := &clusterResult{}
	var scope string
	snap, err := renderOnCluster(newBackend, func(ctx *pulumi.Context, b ClusterTestBackend, sc *suiteCluster) error {
		spec, out := sc.spec, sc.outputs
		res.kubecfgSecret = pulumi.IsSecret(out.Kubeconfig)
		out.Name.ApplyT(res.set(&res.name))
		out.ID.ApplyT(res.set(&res.id))
		out.Endpoint.ApplyT(res.set(&res.endpoint))
		out.OIDCIssuerURL.ApplyT(res.set(&res.issuer))
		out.NodeIdentity.ApplyT(res.set(&res.nodeIdentity))
		pulumi.Unsecret(out.Kubeconfig).(pulumi.StringOutput).ApplyT(res.set(&res.kubecfg))

		scope = scopeFor(b.Cloud())
		wiSpec := platform.WorkloadIdentitySpec{
			Name: "certs", Cluster: out, Namespace: "cert-manager", ServiceAccount: "cert-manager",
			Grants: []platform.Grant{{Role: platform.GrantDNSZoneContributor, Scope: pulumi.String(scope)}},
			Tags:   spec.Tags,
		}
		res.subject = wiSpec.Subject()
		wp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, wiSpec.Name, wp); err != nil {
			return err
		}
		wi, err := b.NewWorkloadIdentity(ctx, wiSpec, pulumi.Parent(wp))
		if err != nil {
			return err
		}
		res.podLabels = wi.PodLabels
		wi.ClientID.ApplyT(res.set(&res.clientID))
		wi.PrincipalID.ApplyT(res.set(&res.principalID))
		wi.ServiceAccountAnnotations.ApplyT(func(m map[string]string) map[string]string {
			res.mu.Lock()
			res.annotations = m
			res.mu.Unlock()
			return m
		})
		return nil
	})
	if err != nil {
		t.Fatalf("cluster suite: %v", err)
	}
	checkChildren(t, snap)

	res.mu.Lock()
	defer res.mu.Unlock()
	if res.name == "" || res.id == "" {
		t.Errorf("C4: cluster name %q and ID %q must be set", res.name, res.id)
	}
	if !strings.HasPrefix(res.endpoint, "https://") || !strings.HasPrefix(res.issuer, "https://") {
		t.Errorf("C4: endpoint %q and OIDC issuer %q must be https URLs", res.endpoint, res.issuer)
	}
	if !res.kubecfgSecret {
		t.Error("C9: the kubeconfig output is not marked secret")
	}
	if !strings.Contains(res.kubecfg, "exec:") {
		t.Errorf("C9: the kubeconfig must authenticate through an exec plugin:\n%s", res.kubecfg)
	}
	for _, static := range []string{"client-key-data", "client-certificate-data", "token:", "password:"} {
		if strings.Contains(res.kubecfg, static) {
			t.Errorf("C9: the kubeconfig holds a static credential (%s)", static)
		}
	}
	data, err := snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if res.kubecfg != "" && strings.Contains(string(data), res.kubecfg) {
		t.Error("C9: the kubeconfig appears in plain text among resource inputs")
	}

	// User pools are separate resources on every cloud (inline pool edits
	// trigger scaling storms and replacements). The system pool may be
	// inline where the cloud creates a cluster only with one (AKS).
	spec := ClusterSpec(platform.CloudFake, "prod", platform.ClusterNetwork{})
	for _, p := range spec.Pools {
		if p.System {
			continue
		}
		found := false
		for _, r := range snap.Resources {
			if r.Custom && strings.HasPrefix(r.Name, "prod-") && strings.HasSuffix(r.Name, "-"+p.Name) {
				found = true
			}
		}
		if !found {
			t.Errorf("C12: no resource for user pool %q; each user pool is its own resource named \"prod-<...>-%s\"", p.Name, p.Name)
		}
	}

	if len(res.annotations) == 0 || res.clientID == "" {
		t.Errorf("C13: workload identity annotations %v and client ID %q must be set", res.annotations, res.clientID)
	}
	if res.clientID == res.nodeIdentity || res.principalID == res.nodeIdentity {
		t.Error("C13: the workload identity is the node identity; workloads never use node identities")
	}
	grants := 0
	for _, r := range snap.Resources {
		if !strings.HasPrefix(r.Name, "certs-") {
			continue
		}
		if holdsScope(&r, scope) {
			grants++
		}
	}
	if grants == 0 {
		t.Errorf("C13: no child of the workload identity holds the grant scope %q as an input", scope)
	}
	if !strings.Contains(string(data), res.subject) && !strings.Contains(string(data), "[cert-manager/cert-manager]") {
		t.Errorf("C13: the service account (subject %q, or [cert-manager/cert-manager] in a GKE workload identity member) appears nowhere; the identity must be bound to it", res.subject)
	}
}

// holdsScope reports whether r names scope in its inputs: as one input,
// or, for a Cloud DNS managed zone (projects/<project>/managedZones/<zone>,
// whose IAM binding takes the two parts apart), as its project and
// managedZone inputs.
func holdsScope(r *Resource, scope string) bool {
	for _, v := range r.Inputs {
		if v == scope {
			return true
		}
	}
	project, _ := r.Inputs["project"].(string)
	zone, _ := r.Inputs["managedZone"].(string)
	return project != "" && zone != "" && "projects/"+project+"/managedZones/"+zone == scope
}

// scopeFor returns a DNS zone scope in the shape the cloud uses for
// GrantDNSZoneContributor.
func scopeFor(cloud platform.Cloud) string {
	switch cloud {
	case platform.CloudAzure:
		return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/dnszones/prod.example.com"
	case platform.CloudGCP:
		return "projects/acme-dns-prod/managedZones/prod-example-com"
	}
	return "fake://dns-zones/prod.example.com"
}

// suiteCluster is what the cluster-level suites build on: the network
// "prodnet" (NetworkSpecs()[1]) and the cluster "prod" on it, each under a
// component of its own, through b.
type suiteCluster struct {
	network platform.ClusterNetwork
	spec    platform.ClusterSpec
	outputs *platform.ClusterOutputs
}

// clusterBackend is what the backend of every suite that builds on the
// suites' cluster implements.
type clusterBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
}

// renderOnCluster renders, in the stack "conformance" and through the
// backend newBackend makes, the suites' network and cluster (each of
// mutate changing the cluster's spec first), then body with them.
func renderOnCluster[B clusterBackend](newBackend func(*pulumi.Context) (B, error), body func(ctx *pulumi.Context, b B, sc *suiteCluster) error, mutate ...func(*platform.ClusterSpec)) (*Snapshot, error) {
	return Render("conformance", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		sc, err := newSuiteCluster(ctx, b, mutate...)
		if err != nil {
			return err
		}
		return body(ctx, b, sc)
	})
}

// newSuiteCluster creates the suites' network and cluster through b; each
// of mutate changes the cluster's spec first.
func newSuiteCluster(ctx *pulumi.Context, b clusterBackend, mutate ...func(*platform.ClusterSpec)) (*suiteCluster, error) {
	netSpec := NetworkSpecs()[1]
	netSpec.Name = "prodnet"
	np := &parent{}
	if err := ctx.RegisterComponentResource(parentType, netSpec.Name, np); err != nil {
		return nil, err
	}
	netOut, err := b.NewNetwork(ctx, netSpec, pulumi.Parent(np))
	if err != nil {
		return nil, err
	}
	network := platform.ClusterNetwork{Spec: netSpec, Outputs: *netOut}
	spec := ClusterSpec(b.Cloud(), "prod", network)
	for _, m := range mutate {
		m(&spec)
	}
	cp := &parent{}
	if err := ctx.RegisterComponentResource(parentType, spec.Name, cp); err != nil {
		return nil, err
	}
	out, err := b.NewCluster(ctx, spec, pulumi.Parent(cp))
	if err != nil {
		return nil, err
	}
	return &suiteCluster{network: network, spec: spec, outputs: out}, nil
}

package platformtest

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// ServicesTestBackend is what the cluster-services suite needs: a network
// and cluster to serve, and the capabilities cluster services use.
type ServicesTestBackend interface {
	ClusterTestBackend
	platform.LoadBalancerBackend
	platform.BackupStorageBackend
}

// NewServicesBackend creates the backend under test inside a Pulumi program.
type NewServicesBackend func(ctx *pulumi.Context) (ServicesTestBackend, error)

type servicesResult struct {
	mu                 sync.Mutex
	internal, public   map[string]string
	ingressSubnet      string
	diskScope          string
	bucket             string
	grantScopes        map[platform.GrantRole][]string
	backupLoc, snapLoc map[string]string
	provider           string
}

// resolve records m in dst once known. It joins m with anchor, a resource
// output, because the program waits only for outputs that descend from a
// registration: a map of constants alone might never be awaited.
func (r *servicesResult) resolve(anchor pulumi.StringOutput, m pulumi.StringMapInput, dst *map[string]string) {
	pulumi.All(anchor, m).ApplyT(func(xs []any) map[string]string {
		v := xs[1].(map[string]string)
		r.mu.Lock()
		*dst = v
		r.mu.Unlock()
		return v
	})
}

// renderServices renders the suite's network and cluster, and when
// withServices, the load-balancer annotations and a backup storage
// (locked or not) for the cluster.
func renderServices(newBackend NewServicesBackend, withServices, locked bool, res *servicesResult) (*Snapshot, error) {
	return renderOnCluster(newBackend, func(ctx *pulumi.Context, b ServicesTestBackend, sc *suiteCluster) error {
		if !withServices {
			return nil
		}
		network, spec, cluster := sc.network, sc.spec, sc.outputs

		network.Outputs.Subnets[platform.SubnetIngress].Name.ApplyT(func(s string) string {
			res.mu.Lock()
			res.ingressSubnet = s
			res.mu.Unlock()
			return s
		})
		cluster.DiskScope.ApplyT(func(s string) string {
			res.mu.Lock()
			res.diskScope = s
			res.mu.Unlock()
			return s
		})
		res.resolve(cluster.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network}), &res.internal)
		res.resolve(cluster.ID, b.LoadBalancerAnnotations(platform.LoadBalancerSpec{Network: network, Public: true}), &res.public)

		bp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, "backups", bp); err != nil {
			return err
		}
		storage, err := b.NewBackupStorage(ctx, platform.BackupStorageSpec{
			Name: "backups", Cluster: cluster, Network: network, SoftDeleteDays: 14, Locked: locked, Tags: spec.Tags,
		}, pulumi.Parent(bp))
		if err != nil {
			return err
		}
		res.provider = storage.VeleroProvider
		res.grantScopes = map[platform.GrantRole][]string{}
		for _, g := range storage.Grants {
			g.Scope.ToStringOutput().ApplyT(func(s string) string {
				res.mu.Lock()
				res.grantScopes[g.Role] = append(res.grantScopes[g.Role], s)
				res.mu.Unlock()
				return s
			})
		}
		storage.Bucket.ApplyT(func(s string) string {
			res.mu.Lock()
			res.bucket = s
			res.mu.Unlock()
			return s
		})
		identity := &platform.WorkloadIdentity{
			ServiceAccountAnnotations: pulumi.StringMap{}.ToStringMapOutput(),
			ClientID:                  pulumi.String("velero@example.test").ToStringOutput(),
			PrincipalID:               pulumi.String("00000000-0000-0000-0000-00000000beef").ToStringOutput(),
		}
		locs := storage.Locations(identity)
		res.resolve(cluster.ID, locs.Backup, &res.backupLoc)
		res.resolve(cluster.ID, locs.Snapshot, &res.snapLoc)
		return nil
	})
}

// ServicesConformance runs the cluster-services rules of docs/contract.md
// against a backend: load-balancer annotations are internal by default,
// name the ingress subnet and register nothing (C14); backup storage
// follows C1-C3, asks for object storage on its bucket and disk snapshots
// at the cluster's disk scope (and where snapshots are kept), nothing else,
// and is protected exactly when locked (C15).
func ServicesConformance(t *testing.T, newBackend NewServicesBackend) {
	t.Helper()
	base, err := renderServices(newBackend, false, false, &servicesResult{})
	if err != nil {
		t.Fatalf("services suite: %v", err)
	}
	res := &servicesResult{}
	snap, err := renderServices(newBackend, true, true, res)
	if err != nil {
		t.Fatalf("services suite: %v", err)
	}
	checkChildren(t, snap)

	res.mu.Lock()
	defer res.mu.Unlock()

	// C14: annotations.
	if res.internal == nil || res.public == nil {
		t.Fatal("C14: the load-balancer annotations never resolved")
	}
	if res.ingressSubnet == "" {
		t.Fatal("C14: the network's ingress subnet has no name")
	}
	if !slices.Contains(slices.Collect(maps.Values(res.internal)), res.ingressSubnet) {
		t.Errorf("C14: the internal load balancer's annotations %v do not name the ingress subnet %q", res.internal, res.ingressSubnet)
	}
	if slices.Contains(slices.Collect(maps.Values(res.public)), res.ingressSubnet) {
		t.Errorf("C14: the public load balancer's annotations %v name the ingress subnet %q", res.public, res.ingressSubnet)
	}
	if maps.Equal(res.internal, res.public) {
		t.Errorf("C14: internal and public load balancers get the same annotations %v", res.internal)
	}
	storageChildren := 0
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "backups-") {
			storageChildren++
		}
	}
	if got, want := len(snap.Resources)-storageChildren-1, len(base.Resources); got != want {
		t.Errorf("C14: LoadBalancerAnnotations registered resources (%d besides the backup storage, %d without the services)", got, want)
	}

	// C15: backup storage.
	if res.diskScope == "" {
		t.Error("C4: the cluster's DiskScope is empty")
	}
	if res.bucket == "" {
		t.Error("C15: the backup storage's bucket is empty")
	}
	if got := res.grantScopes[platform.GrantDiskSnapshotOperator]; !slices.Contains(got, res.diskScope) || len(got) > 2 {
		t.Errorf("C15: disk snapshot grants at %v; want one at the cluster's disk scope %q and at most one where snapshots are kept", got, res.diskScope)
	}
	if got := res.grantScopes[platform.GrantObjectStorageWriter]; len(got) != 1 || got[0] == "" || !strings.Contains(got[0], res.bucket) {
		t.Errorf("C15: object storage grants at %v; want exactly one, at the bucket %q", got, res.bucket)
	}
	if len(res.grantScopes) != 2 {
		t.Errorf("C15: backup storage asks for %v; want object storage and disk snapshots only", res.grantScopes)
	}
	if len(res.backupLoc) == 0 || len(res.snapLoc) == 0 {
		t.Errorf("C15: Velero location configs must be set: backup %v, snapshot %v", res.backupLoc, res.snapLoc)
	}
	protected := 0
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "backups-") && r.Custom && r.Protect {
			protected++
		}
	}
	if protected == 0 {
		t.Error("C15: locked backup storage has no protected resource")
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "backups-") && r.Custom && r.Protect && !r.RetainOnDelete {
			t.Errorf("C15: %s %s of locked backup storage is protected but not retained on delete", r.Type, r.Name)
		}
	}
	unlocked, err := renderServices(newBackend, true, false, &servicesResult{})
	if err != nil {
		t.Fatalf("services suite: %v", err)
	}
	for _, r := range unlocked.Resources {
		if strings.HasPrefix(r.Name, "backups-") && r.Protect {
			t.Errorf("C15: %s %s is protected although the storage is not locked", r.Type, r.Name)
		}
	}
}

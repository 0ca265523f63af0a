package gke_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/gkebackup"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	bucketType       = "gcp:storage/bucket:Bucket"
	backupPlanType   = "gcp:gkebackup/backupPlan:BackupPlan"
	customRoleType   = "gcp:projects/iAMCustomRole:IAMCustomRole"
	projectIAMType   = "gcp:projects/iAMMember:IAMMember"
	accountIAMType   = "gcp:serviceaccount/iAMMember:IAMMember"
	bucketIAMType    = "gcp:storage/bucketIAMMember:BucketIAMMember"
	veleroBucket     = project + "-velero-backups"
	veleroSA         = "velero-wi@" + project + ".iam.gserviceaccount.com"
	veleroSnapRole   = "projects/" + project + "/roles/plinth.velero.diskSnapshotOperator"
	veleroSignerRole = "projects/" + project + "/roles/plinth.velero.urlSigner"
)

// backupStorageSpec is production-like backup storage for the cluster out.
func backupStorageSpec(out *platform.ClusterOutputs) platform.BackupStorageSpec {
	return platform.BackupStorageSpec{
		Name:           "velero",
		Cluster:        out,
		SoftDeleteDays: 14,
		Locked:         true,
		Tags:           platform.Tags{"environment": "prod", "managed-by": "plinth", "team": "platform"},
	}
}

// storageResult holds the resolved outputs of NewBackupStorage and of the
// Velero identity given its grants.
type storageResult struct {
	mu               sync.Mutex
	err              error
	provider, bucket string
	grants           []string // "<role> <scope>"
	backup, snapshot map[string]string
}

// renderBackupStorage renders the prod cluster, then backup storage
// "velero" under a component "velero-storage" and, unless the storage is
// rejected, Velero's workload identity with the storage's grants under a
// component "velero". mutate edits the storage spec.
func renderBackupStorage(t *testing.T, mutate func(*platform.BackupStorageSpec)) (*rendered, *storageResult) {
	t.Helper()
	res := &storageResult{}
	r := renderStack(t, nil, func(ctx *pulumi.Context, b *gke.Backend, _ platform.ClusterSpec, out *platform.ClusterOutputs, r *rendered) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:BackupStorage", "velero-storage", parent); err != nil {
			return err
		}
		spec := backupStorageSpec(out)
		if mutate != nil {
			mutate(&spec)
		}
		st, err := b.NewBackupStorage(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			res.err = err
			return nil
		}
		res.provider = st.VeleroProvider
		st.Bucket.ApplyT(func(v string) string { res.mu.Lock(); res.bucket = v; res.mu.Unlock(); return v })
		for _, g := range st.Grants {
			role := string(g.Role)
			g.Scope.ToStringOutput().ApplyT(func(v string) string {
				res.mu.Lock()
				res.grants = append(res.grants, role+" "+v)
				res.mu.Unlock()
				return v
			})
		}

		wiParent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:WorkloadIdentity", "velero", wiParent); err != nil {
			return err
		}
		wi, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: out, Namespace: "velero", ServiceAccount: "velero",
			Grants: st.Grants, Tags: spec.Tags,
		}, pulumi.Parent(wiParent))
		if err != nil {
			return err
		}
		r.captureIdentity(wi)
		loc := st.Locations(wi)
		loc.Backup.ToStringMapOutput().ApplyT(func(v map[string]string) map[string]string {
			res.mu.Lock()
			res.backup = v
			res.mu.Unlock()
			return v
		})
		loc.Snapshot.ToStringMapOutput().ApplyT(func(v map[string]string) map[string]string {
			res.mu.Lock()
			res.snapshot = v
			res.mu.Unlock()
			return v
		})
		return nil
	})
	if res.err == nil && res.bucket == "" {
		t.Fatal("backup storage rendered no bucket name")
	}
	return r, res
}

func TestBackupBucket(t *testing.T) {
	r, _ := renderBackupStorage(t, nil)
	b := find(t, r.snap, bucketType, "velero-bucket")
	for path, want := range map[string]any{
		"name":                     veleroBucket,
		"project":                  project,
		"location":                 "EUROPE-WEST1",
		"storageClass":             "STANDARD",
		"uniformBucketLevelAccess": true,
		"publicAccessPrevention":   "enforced",
		"versioning.enabled":       true,
		"softDeletePolicy.retentionDurationSeconds": 14 * 86400,
		"forceDestroy": false,
		"labels":       map[string]string{"environment": "prod", "managed-by": "plinth", "team": "platform"},
		// Noncurrent versions go once they have been kept as long as soft
		// delete keeps deleted objects.
		"lifecycleRules.0.action.type":                       "Delete",
		"lifecycleRules.0.condition.daysSinceNoncurrentTime": 14,
		"lifecycleRules.0.condition.withState":               "ARCHIVED",
	} {
		expect(t, b, path, want)
	}
	if rules := asList(platformtest.Input(t, b, "lifecycleRules")); len(rules) != 1 {
		t.Errorf("lifecycle rules %v, want only the noncurrent-version cleanup", rules)
	}
	// Locked: protected against deletion, but no (irreversible) retention
	// policy lock and no retention policy at all.
	if !b.Protect || !b.RetainOnDelete {
		t.Errorf("a locked bucket: protect %v, retainOnDelete %v; want both", b.Protect, b.RetainOnDelete)
	}
	if v, ok := b.Input("retentionPolicy"); ok {
		t.Errorf("retentionPolicy = %v; Locked must not set one", v)
	}
	for _, banned := range []string{"autoclass", "website", "cors", "requesterPays", "defaultEventBasedHold", "enableObjectRetention"} {
		if v, ok := b.Input(banned); ok {
			t.Errorf("%s = %v set on the backup bucket", banned, v)
		}
	}
}

// TestVeleroReachesTheBucketPrivately: GCS has no private endpoint per
// bucket; what the cloud allows holds instead. No object can be public
// (uniform access, public access prevention), and Velero, on the cluster's
// private nodes, reaches GCS through Private Google Access on the nodes'
// subnet rather than through the NAT.
func TestVeleroReachesTheBucketPrivately(t *testing.T) {
	r, _ := renderBackupStorage(t, nil)
	b := find(t, r.snap, bucketType, "velero-bucket")
	expect(t, b, "uniformBucketLevelAccess", true)
	expect(t, b, "publicAccessPrevention", "enforced")
	c := find(t, r.snap, clusterType, "prod-cluster")
	expect(t, c, "privateClusterConfig.enablePrivateNodes", true)
	subnet := platformtest.Input(t, c, "subnetwork").(string)
	var nodes *platformtest.Resource
	for _, sn := range r.snap.OfType("gcp:compute/subnetwork:Subnetwork") {
		if strings.HasSuffix(subnet, "/subnetworks/"+platformtest.Input(t, sn, "name").(string)) {
			nodes = sn
		}
	}
	if nodes == nil {
		t.Fatalf("no subnetwork of the network is the cluster's %s", subnet)
	}
	expect(t, nodes, "privateIpGoogleAccess", true)
}

func TestBackupBucketUnlockedGeoRedundant(t *testing.T) {
	r, res := renderBackupStorage(t, func(s *platform.BackupStorageSpec) {
		s.Locked = false
		s.GeoRedundant = true
		s.SoftDeleteDays = 90
	})
	b := find(t, r.snap, bucketType, "velero-bucket")
	if b.Protect {
		t.Error("an unlocked bucket is protected")
	}
	expect(t, b, "location", "EU")
	expect(t, b, "softDeletePolicy.retentionDurationSeconds", 90*86400)
	// Snapshots follow the backups to the multi-region.
	if res.snapshot["snapshotLocation"] != "eu" {
		t.Errorf("snapshotLocation = %q, want the bucket's multi-region, eu", res.snapshot["snapshotLocation"])
	}
}

func TestBackupStorageOutputs(t *testing.T) {
	_, res := renderBackupStorage(t, nil)
	if res.provider != gke.VeleroProvider || gke.VeleroProvider != "gcp" {
		t.Errorf("VeleroProvider = %q, want gcp", res.provider)
	}
	if res.bucket != veleroBucket {
		t.Errorf("Bucket = %q, want %q", res.bucket, veleroBucket)
	}
	slices.Sort(res.grants)
	want := []string{"disk-snapshot-operator " + project, "object-storage-writer " + veleroBucket}
	if !slices.Equal(res.grants, want) {
		t.Errorf("grants %v, want %v", res.grants, want)
	}
	if len(res.backup) != 1 || res.backup["serviceAccount"] != veleroSA {
		t.Errorf("BackupStorageLocation config %v, want only serviceAccount: %s", res.backup, veleroSA)
	}
	wantSnap := map[string]string{"project": project, "volumeProject": project, "snapshotLocation": "europe-west1"}
	if len(res.snapshot) != len(wantSnap) {
		t.Errorf("VolumeSnapshotLocation config %v, want %v", res.snapshot, wantSnap)
	}
	for k, v := range wantSnap {
		if res.snapshot[k] != v {
			t.Errorf("VolumeSnapshotLocation config %s = %q, want %q", k, res.snapshot[k], v)
		}
	}
}

// The grants the storage returns become, on the Velero identity, exactly:
// objectAdmin on this bucket, the disk snapshot custom role on the
// cluster's project, and signBlob on its own account. Nothing else, and
// each for exactly the Velero service account.
func TestVeleroIdentityGrants(t *testing.T) {
	r, _ := renderBackupStorage(t, nil)
	snap := r.snap
	member := "serviceAccount:" + veleroSA

	bm := find(t, snap, bucketIAMType, "velero-object-storage-writer")
	expect(t, bm, "bucket", veleroBucket)
	expect(t, bm, "role", "roles/storage.objectAdmin")
	expect(t, bm, "member", member)

	role := find(t, snap, customRoleType, "velero-disk-snapshot-operator-role")
	expect(t, role, "project", project)
	expect(t, role, "roleId", "plinth.velero.diskSnapshotOperator")
	expect(t, role, "stage", "GA")
	perms := platformtest.Input(t, role, "permissions").([]any)
	var got []string
	for _, p := range perms {
		got = append(got, p.(string))
	}
	slices.Sort(got)
	wantPerms := []string{
		"compute.disks.create",
		"compute.disks.createSnapshot",
		"compute.disks.get",
		"compute.projects.get",
		"compute.snapshots.create",
		"compute.snapshots.delete",
		"compute.snapshots.get",
		"compute.snapshots.setLabels",
		"compute.snapshots.useReadOnly",
		"compute.zones.get",
	}
	if !slices.Equal(got, wantPerms) {
		t.Errorf("disk snapshot permissions:\n%v\nwant exactly\n%v", got, wantPerms)
	}
	pm := find(t, snap, projectIAMType, "velero-disk-snapshot-operator")
	expect(t, pm, "project", project)
	expect(t, pm, "role", veleroSnapRole)
	expect(t, pm, "member", member)
	if !slices.Contains(pm.DependsOn, role.URN) {
		t.Errorf("the snapshot binding does not wait for its role: dependsOn %v", pm.DependsOn)
	}

	signer := find(t, snap, customRoleType, "velero-url-signer-role")
	expect(t, signer, "project", project)
	expect(t, signer, "permissions", []string{"iam.serviceAccounts.signBlob"})
	self := find(t, snap, accountIAMType, "velero-url-signer")
	expect(t, self, "serviceAccountId", "projects/"+project+"/serviceAccounts/"+veleroSA)
	expect(t, self, "role", veleroSignerRole)
	expect(t, self, "member", member)

	var bindings []string
	for _, typ := range []string{projectIAMType, bucketIAMType, accountIAMType} {
		for _, m := range snap.OfType(typ) {
			if strings.HasPrefix(m.Name, "velero-") {
				bindings = append(bindings, m.Name+" "+platformtest.Input(t, m, "role").(string))
			}
		}
	}
	slices.Sort(bindings)
	want := []string{
		"velero-disk-snapshot-operator " + veleroSnapRole,
		"velero-object-storage-writer roles/storage.objectAdmin",
		"velero-url-signer " + veleroSignerRole,
		"velero-workload-identity-user roles/iam.workloadIdentityUser",
	}
	if !slices.Equal(bindings, want) {
		t.Errorf("Velero bindings:\n%v\nwant\n%v", bindings, want)
	}
	if len(snap.OfType(customRoleType)) != 2 {
		t.Errorf("%d custom roles, want the disk snapshot and URL signer roles", len(snap.OfType(customRoleType)))
	}
}

// The storage's only child is the bucket: under the calling component, named
// after the logical name, with the backend's provider (C1-C3), and labeled
// (C7).
func TestBackupStorageChildren(t *testing.T) {
	r, _ := renderBackupStorage(t, nil)
	var parent string
	for _, res := range r.snap.Resources {
		if res.Type == "plinth:test:BackupStorage" {
			parent = res.URN
		}
	}
	var children []string
	for _, res := range r.snap.Resources {
		if res.Parent != parent {
			continue
		}
		children = append(children, res.Type+" "+res.Name)
		if !strings.Contains(res.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s %s uses provider %q", res.Type, res.Name, res.Provider)
		}
	}
	if !slices.Equal(children, []string{bucketType + " velero-bucket"}) {
		t.Errorf("children %v, want the bucket only", children)
	}
}

func TestRejectedBackupStorageRegistersNothing(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.BackupStorageSpec)
		want   string
	}{
		{"soft delete too short", func(s *platform.BackupStorageSpec) { s.SoftDeleteDays = 3 }, "backupStorage.softDeleteDays 3: GCS keeps soft-deleted objects 7..90 days"},
		{"no cluster", func(s *platform.BackupStorageSpec) { s.Cluster = nil }, "backupStorage.cluster: required"},
	}
	for _, tt := range tests {
		r, res := renderBackupStorage(t, tt.mutate)
		if res.err == nil || !strings.Contains(res.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, res.err, tt.want)
		}
		if n := len(r.snap.OfType(bucketType)); n != 0 {
			t.Errorf("%s: %d buckets registered for a rejected spec", tt.name, n)
		}
	}
}

// The mocks answer the backup types with the IDs and outputs the gcp
// provider reports.
func TestMockShapesOfBackupTypes(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	put := func(key string, o pulumi.StringOutput) {
		o.ApplyT(func(v string) string { mu.Lock(); got[key] = v; mu.Unlock(); return v })
	}
	_, err := platformtest.Render("mocks", func(ctx *pulumi.Context) error {
		p, err := gcp.NewProvider(ctx, "gcp", &gcp.ProviderArgs{Project: pulumi.StringPtr(project), Region: pulumi.StringPtr("europe-west1")})
		if err != nil {
			return err
		}
		opt := pulumi.Provider(p)
		b, err := storage.NewBucket(ctx, "b", &storage.BucketArgs{Name: pulumi.String("acme-backups"), Location: pulumi.String("EU")}, opt)
		if err != nil {
			return err
		}
		put("bucket.id", b.ID().ToStringOutput())
		put("bucket.name", b.Name)
		put("bucket.url", b.Url)
		put("bucket.selfLink", b.SelfLink)
		put("bucket.project", b.Project)
		role, err := projects.NewIAMCustomRole(ctx, "r", &projects.IAMCustomRoleArgs{
			Project: pulumi.String("acme-platform-dr"), RoleId: pulumi.String("plinth.velero.diskSnapshotOperator"),
			Title: pulumi.String("t"), Permissions: pulumi.ToStringArray([]string{"compute.disks.get"}),
		}, opt)
		if err != nil {
			return err
		}
		put("role.id", role.ID().ToStringOutput())
		put("role.name", role.Name)
		plan, err := gkebackup.NewBackupPlan(ctx, "bp", &gkebackup.BackupPlanArgs{
			Name: pulumi.String("prod-daily"), Location: pulumi.String("europe-west1"),
			Cluster: pulumi.String(clusterID),
		}, opt)
		if err != nil {
			return err
		}
		put("plan.id", plan.ID().ToStringOutput())
		put("plan.name", plan.Name)
		put("plan.uid", plan.Uid)
		put("plan.state", plan.State)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"bucket.id":       "acme-backups",
		"bucket.name":     "acme-backups",
		"bucket.url":      "gs://acme-backups",
		"bucket.selfLink": "https://www.googleapis.com/storage/v1/b/acme-backups",
		"bucket.project":  project,
		// A custom role lives in the project it names, not the provider's.
		"role.id":    "projects/acme-platform-dr/roles/plinth.velero.diskSnapshotOperator",
		"role.name":  "projects/acme-platform-dr/roles/plinth.velero.diskSnapshotOperator",
		"plan.id":    "projects/" + project + "/locations/europe-west1/backupPlans/prod-daily",
		"plan.name":  "prod-daily",
		"plan.state": "READY",
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	if len(got["plan.uid"]) != 36 {
		t.Errorf("plan UID %q, want a UUID", got["plan.uid"])
	}
}

// Every type the backup capabilities create is known to take labels or
// not, and those that do carry the spec's tags (C7).
func TestBackupLabels(t *testing.T) {
	storage, _ := renderBackupStorage(t, nil)
	managed, err := renderManagedBackup(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		bucketType:     {"environment": "prod", "managed-by": "plinth", "team": "platform"},
		backupPlanType: {"environment": "prod", "managed-by": "plinth"},
	}
	checked := map[string]int{}
	for _, snap := range []*platformtest.Snapshot{storage.snap, managed.snap} {
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
			if w, ok := want[r.Type]; ok {
				for _, p := range paths {
					expect(t, r, p, w)
				}
				checked[r.Type]++
			}
		}
	}
	if checked[bucketType] != 1 || checked[backupPlanType] != 2 {
		t.Errorf("checked %v, want the bucket and both backup plans", checked)
	}
}

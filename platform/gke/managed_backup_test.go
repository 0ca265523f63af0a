package gke_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
)

const day = 24 * time.Hour

// managedBackupSpec backs up the cluster out daily (everything, with volume
// data, 30 days) and hourly (two namespaces, objects only, 3 days), locked.
func managedBackupSpec(out *platform.ClusterOutputs) platform.ManagedBackupSpec {
	return platform.ManagedBackupSpec{
		Name:    "prod",
		Cluster: out,
		Schedules: []platform.BackupSchedule{
			{Name: "daily", Cron: "0 1 * * *", TTL: 30 * day, Volumes: platform.VolumeSnapshots},
			{Name: "hourly", Cron: "15 * * * *", TTL: 3 * day, Volumes: platform.VolumeNone, IncludedNamespaces: []string{"apps", "payments"}},
		},
		Locked: true,
		Tags:   platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// renderManagedBackup renders the prod cluster with its backup agent on,
// then Backup for GKE under a component "prod-backup". mutate edits the
// managed backup spec; the error NewManagedBackup returned comes back.
func renderManagedBackup(t *testing.T, mutate func(*platform.ManagedBackupSpec)) (*rendered, error) {
	t.Helper()
	var backupErr error
	r := renderStack(t, func(s *platform.ClusterSpec) { s.GKE.BackupAgent = true },
		func(ctx *pulumi.Context, b *gke.Backend, _ platform.ClusterSpec, out *platform.ClusterOutputs, _ *rendered) error {
			parent := &testComponent{}
			if err := ctx.RegisterComponentResource("plinth:test:ManagedBackup", "prod-backup", parent); err != nil {
				return err
			}
			spec := managedBackupSpec(out)
			if mutate != nil {
				mutate(&spec)
			}
			backupErr = b.NewManagedBackup(ctx, spec, pulumi.Parent(parent))
			return nil
		})
	return r, backupErr
}

func TestManagedBackupPlans(t *testing.T) {
	r, err := renderManagedBackup(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	plans := r.snap.OfType(backupPlanType)
	if len(plans) != 2 {
		t.Fatalf("%d backup plans, want one per schedule", len(plans))
	}
	cluster := find(t, r.snap, clusterType, "prod-cluster")
	for _, p := range plans {
		expect(t, p, "project", project)
		expect(t, p, "location", "europe-west1")
		expect(t, p, "cluster", clusterID)
		expect(t, p, "backupConfig.includeSecrets", true)
		expect(t, p, "labels", map[string]string{"environment": "prod", "managed-by": "plinth"})
		if !slices.Contains(p.DependsOn, cluster.URN) {
			t.Errorf("%s does not wait for the cluster", p.Name)
		}
		if !strings.Contains(p.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("C3: %s uses provider %q", p.Name, p.Provider)
		}
		if v, ok := p.Input("retentionPolicy.locked"); ok {
			t.Errorf("%s locks its retention policy (%v); that is irreversible", p.Name, v)
		}
	}

	daily := find(t, r.snap, backupPlanType, "prod-daily")
	expect(t, daily, "name", "prod-daily")
	expect(t, daily, "backupSchedule.cronSchedule", "0 1 * * *")
	expect(t, daily, "retentionPolicy.backupRetainDays", 30)
	expect(t, daily, "retentionPolicy.backupDeleteLockDays", 30)
	expect(t, daily, "backupConfig.includeVolumeData", true)
	expect(t, daily, "backupConfig.allNamespaces", true)
	if v, ok := daily.Input("backupConfig.selectedNamespaces"); ok {
		t.Errorf("daily selects namespaces %v; it backs up all", v)
	}

	hourly := find(t, r.snap, backupPlanType, "prod-hourly")
	expect(t, hourly, "name", "prod-hourly")
	expect(t, hourly, "backupSchedule.cronSchedule", "15 * * * *")
	expect(t, hourly, "retentionPolicy.backupRetainDays", 3)
	expect(t, hourly, "retentionPolicy.backupDeleteLockDays", 3)
	expect(t, hourly, "backupConfig.includeVolumeData", false)
	expect(t, hourly, "backupConfig.selectedNamespaces.namespaces", []string{"apps", "payments"})
	if v, ok := hourly.Input("backupConfig.allNamespaces"); ok {
		t.Errorf("hourly sets allNamespaces = %v next to its selected namespaces", v)
	}
}

func TestManagedBackupUnlocked(t *testing.T) {
	r, err := renderManagedBackup(t, func(s *platform.ManagedBackupSpec) { s.Locked = false })
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range r.snap.OfType(backupPlanType) {
		expect(t, p, "retentionPolicy.backupDeleteLockDays", 0)
	}
}

// Every child is under the calling component, named "<name>-<schedule>".
func TestManagedBackupChildren(t *testing.T) {
	r, err := renderManagedBackup(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	var parent string
	for _, res := range r.snap.Resources {
		if res.Type == "plinth:test:ManagedBackup" {
			parent = res.URN
		}
	}
	var children []string
	for _, res := range r.snap.Resources {
		if res.Parent == parent {
			children = append(children, res.Name)
		}
	}
	slices.Sort(children)
	if !slices.Equal(children, []string{"prod-daily", "prod-hourly"}) {
		t.Errorf("children %v, want the two plans", children)
	}
}

func TestRejectedManagedBackupRegistersNothing(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.ManagedBackupSpec)
		want   string
	}{
		{"excluded namespaces", func(s *platform.ManagedBackupSpec) { s.Schedules[1].ExcludedNamespaces = []string{"kube-system"} },
			`managedBackup.schedules[1].excludedNamespaces "kube-system": Backup for GKE backup plans`},
		{"partial day", func(s *platform.ManagedBackupSpec) { s.Schedules[0].TTL = 36 * time.Hour },
			"managedBackup.schedules[0].ttl 36h0m0s: Backup for GKE keeps backups for whole days"},
	}
	for _, tt := range tests {
		r, err := renderManagedBackup(t, tt.mutate)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if n := len(r.snap.OfType(backupPlanType)); n != 0 {
			t.Errorf("%s: %d backup plans registered for a rejected spec", tt.name, n)
		}
	}
}

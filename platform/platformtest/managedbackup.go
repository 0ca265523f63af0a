package platformtest

import (
	"reflect"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// ManagedBackupTestBackend is what the managed backup suite needs: a
// network and cluster to back up, and the capability under test.
type ManagedBackupTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.ManagedBackupBackend
}

// NewManagedBackupBackend creates the backend under test inside a Pulumi
// program.
type NewManagedBackupBackend func(ctx *pulumi.Context) (ManagedBackupTestBackend, error)

// ManagedBackupPlan is one backup plan as a backend registered it.
type ManagedBackupPlan struct {
	// Cluster is the ID of the cluster the plan backs up.
	Cluster string
	// Cron is when backups are taken (UTC).
	Cron string
	// Retain is how long each backup is kept.
	Retain time.Duration
	// DeleteLock is how long no backup can be deleted; 0 for none.
	DeleteLock time.Duration
	// Namespaces are the namespaces backed up; nil for all.
	Namespaces []string
	// Volumes is how volumes are captured.
	Volumes platform.VolumeBackup
}

// ManagedBackupExpectations is what the managed backup suite takes from
// the backend's test where clouds differ.
type ManagedBackupExpectations struct {
	// PlanType is the type of a backup plan.
	PlanType string
	// Plan reads a backup plan of PlanType.
	Plan func(t testing.TB, r *Resource) ManagedBackupPlan
	// MaxDeleteLock caps how long a locked plan keeps its backups from
	// deletion (Backup for GKE: 90 days); 0 for no cap, the TTL.
	MaxDeleteLock time.Duration
	// TagsProperty is the backend's TagsProperty; nil means that every
	// child with a "tags" or "labels" input takes the spec's tags.
	TagsProperty TagsPropertyFunc
}

// managedBackupName is the logical name of the suite's managed backup.
const managedBackupName = "backup"

// ManagedBackupSpec returns the managed backup the suite asks for, locked
// or not, without its cluster: "backup" with the schedules daily (01:00,
// 30 days, volume snapshots, every namespace), hourly (at :15, 3 days,
// objects only, the namespaces apps and payments) and quarterly (03:00 on
// the first of January, April, July and October, 120 days, volume
// snapshots), and three tags of its own.
func ManagedBackupSpec(locked bool) platform.ManagedBackupSpec {
	const day = 24 * time.Hour
	return platform.ManagedBackupSpec{
		Name: managedBackupName,
		Schedules: []platform.BackupSchedule{
			{Name: "daily", Cron: "0 1 * * *", TTL: 30 * day, Volumes: platform.VolumeSnapshots},
			{Name: "hourly", Cron: "15 * * * *", TTL: 3 * day, Volumes: platform.VolumeNone, IncludedNamespaces: []string{"apps", "payments"}},
			{Name: "quarterly", Cron: "0 3 1 1,4,7,10 *", TTL: 120 * day, Volumes: platform.VolumeSnapshots},
		},
		Locked: locked,
		Tags:   platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-4001"},
	}
}

// renderManagedBackup renders the suite's network and the cluster "prod"
// with its backup agent on and, under a component of its own, the managed
// backup of ManagedBackupSpec(locked) as changed by mutate. It returns the
// cluster's ID and NewManagedBackup's error apart from the render's, so
// that a refused spec still yields its snapshot.
func renderManagedBackup(newBackend NewManagedBackupBackend, locked bool, mutate func(*platform.ManagedBackupSpec)) (snap *Snapshot, clusterID string, backupErr error, err error) {
	var ids recorded
	snap, err = renderOnCluster(newBackend, func(ctx *pulumi.Context, b ManagedBackupTestBackend, sc *suiteCluster) error {
		ids.record(sc.outputs.ID, "cluster", sc.outputs.ID)
		spec := ManagedBackupSpec(locked)
		spec.Cluster = sc.outputs
		if mutate != nil {
			mutate(&spec)
		}
		mp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, spec.Name, mp); err != nil {
			return err
		}
		backupErr = b.NewManagedBackup(ctx, spec, pulumi.Parent(mp))
		return nil
	}, func(s *platform.ClusterSpec) { s.GKE.BackupAgent = true })
	return snap, ids.get("cluster"), backupErr, err
}

// ManagedBackupConformance runs the managed backup rules of
// docs/contract.md against a backend, with what differs by cloud from exp.
// In one stack it creates the "prod" network and cluster of
// ClusterConformance (with the backup agent on) and the managed backup of
// ManagedBackupSpec for that cluster, locked, then unlocked, and checks:
//
//   - C1-C3 on every child;
//   - one plan of exp.PlanType per schedule, named "backup-<schedule>",
//     and no other, each for exactly the cluster's ID with the schedule's
//     cron, TTL, namespaces (none: all) and volume capture;
//   - locked, each plan keeps its backups from deletion for their TTL,
//     capped at exp.MaxDeleteLock; unlocked, for no time at all;
//   - C7: the spec's tags on every child that takes them, and at least one
//     child does;
//   - C8: a schedule whose cron is not five fields is refused with an
//     error naming managedBackup.schedules[1].cron "every night", and
//     nothing is registered.
func ManagedBackupConformance(t *testing.T, newBackend NewManagedBackupBackend, exp ManagedBackupExpectations) {
	t.Helper()
	for _, locked := range []bool{true, false} {
		name := map[bool]string{true: "locked", false: "unlocked"}[locked]
		t.Run(name, func(t *testing.T) {
			snap, clusterID, backupErr, err := renderManagedBackup(newBackend, locked, nil)
			if err != nil {
				t.Fatalf("managed backup suite: %v", err)
			}
			if backupErr != nil {
				t.Fatalf("managed backup suite: NewManagedBackup: %v", backupErr)
			}
			if clusterID == "" {
				t.Fatal("C4: the cluster's ID is empty")
			}
			checkChildren(t, snap)
			spec := ManagedBackupSpec(locked)
			children := descendants(snap, spec.Name)
			checkManagedPlans(t, exp, spec, clusterID, children)
			checkTags(t, children, spec.Tags, exp.TagsProperty, true)
		})
	}

	t.Run("rejected cron", func(t *testing.T) {
		snap, _, backupErr, err := renderManagedBackup(newBackend, true, func(s *platform.ManagedBackupSpec) { s.Schedules[1].Cron = "every night" })
		if err != nil {
			t.Fatalf("managed backup suite: %v", err)
		}
		checkRejected(t, backupErr, `managedBackup.schedules[1].cron "every night"`, "a schedule whose cron is not five fields", descendants(snap, managedBackupName))
	})
}

// checkManagedPlans holds the plans among children to the spec: one per
// schedule, each exactly as the schedule says.
func checkManagedPlans(t *testing.T, exp ManagedBackupExpectations, spec platform.ManagedBackupSpec, clusterID string, children []*Resource) {
	t.Helper()
	plans := ofType(children, exp.PlanType)
	if len(plans) != len(spec.Schedules) {
		t.Errorf("%d backup plans of type %s; want one per schedule (%d)", len(plans), exp.PlanType, len(spec.Schedules))
	}
	byName := map[string]*Resource{}
	for _, p := range plans {
		byName[p.Name] = p
	}
	for _, s := range spec.Schedules {
		name := platform.ChildName(spec.Name, s.Name)
		r := byName[name]
		if r == nil {
			t.Errorf("C2: no backup plan %q for the schedule %s", name, s.Name)
			continue
		}
		want := ManagedBackupPlan{Cluster: clusterID, Cron: s.Cron, Retain: s.TTL, Namespaces: s.IncludedNamespaces, Volumes: s.Volumes}
		if spec.Locked {
			want.DeleteLock = s.TTL
			if exp.MaxDeleteLock > 0 {
				want.DeleteLock = min(s.TTL, exp.MaxDeleteLock)
			}
		}
		got := exp.Plan(t, r)
		if len(got.Namespaces) == 0 {
			got.Namespaces = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("backup plan %s\n  %+v\nwant\n  %+v", name, got, want)
		}
	}
}

package gke

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func managedSpec() platform.ManagedBackupSpec {
	return platform.ManagedBackupSpec{
		Name:    "prod",
		Cluster: &platform.ClusterOutputs{ID: pulumi.String("projects/acme-platform-prod/locations/europe-west1/clusters/prod-cluster").ToStringOutput()},
		Schedules: []platform.BackupSchedule{
			{Name: "daily", Cron: "0 1 * * *", TTL: 30 * day, Volumes: platform.VolumeSnapshots},
			{Name: "hourly", Cron: "15 * * * *", TTL: 3 * day, Volumes: platform.VolumeNone, IncludedNamespaces: []string{"apps", "payments"}},
			{Name: "yearly", Cron: "0 3 1 1 *", TTL: 365 * day, Volumes: platform.VolumeSnapshots},
		},
		Locked: true,
		Tags:   platform.Tags{"environment": "prod"},
	}
}

func TestPlanManagedBackup(t *testing.T) {
	labels := map[string]string{"environment": "prod"}
	want := []managedPlan{
		{Name: "prod-daily", Description: "Plinth managed backup prod, schedule daily.", Cron: "0 1 * * *", RetainDays: 30, LockDays: 30, Protect: true, VolumeData: true, Labels: labels},
		{Name: "prod-hourly", Description: "Plinth managed backup prod, schedule hourly.", Cron: "15 * * * *", RetainDays: 3, LockDays: 3, Protect: true, Namespaces: []string{"apps", "payments"}, Labels: labels},
		// The delete lock covers the TTL up to the API's 90 days.
		{Name: "prod-yearly", Description: "Plinth managed backup prod, schedule yearly.", Cron: "0 3 1 1 *", RetainDays: 365, LockDays: 90, Protect: true, VolumeData: true, Labels: labels},
	}
	if got := planManagedBackup(managedSpec()); !reflect.DeepEqual(got, want) {
		t.Errorf("plans:\n%+v\nwant\n%+v", got, want)
	}
	s := managedSpec()
	s.Locked = false
	for _, p := range planManagedBackup(s) {
		if p.LockDays != 0 || p.Protect {
			t.Errorf("%s: %d lock days, protect %v without Locked", p.Name, p.LockDays, p.Protect)
		}
	}
	if err := validateManagedBackupSpec(managedSpec(), "managedBackup"); err != nil {
		t.Errorf("valid spec rejected: %v", err)
	}
}

func TestValidateManagedBackupSpec(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *platform.ManagedBackupSpec)
		want   string
	}{
		{"no cluster", func(s *platform.ManagedBackupSpec) { s.Cluster = nil }, "managedBackup.cluster: required"},
		{"no cluster ID", func(s *platform.ManagedBackupSpec) { s.Cluster = &platform.ClusterOutputs{} }, "managedBackup.cluster.id: required"},
		{"no schedules", func(s *platform.ManagedBackupSpec) { s.Schedules = nil }, "managedBackup.schedules: required"},
		{"partial day", func(s *platform.ManagedBackupSpec) { s.Schedules[0].TTL = 36 * time.Hour },
			"managedBackup.schedules[0].ttl 36h0m0s: Backup for GKE keeps backups for whole days"},
		{"no TTL", func(s *platform.ManagedBackupSpec) { s.Schedules[1].TTL = 0 }, "managedBackup.schedules[1].ttl 0s: Backup for GKE keeps backups 1..365 days"},
		{"TTL too long", func(s *platform.ManagedBackupSpec) { s.Schedules[2].TTL = 366 * day }, "managedBackup.schedules[2].ttl 8784h0m0s: Backup for GKE keeps backups 1..365 days"},
		{"excluded namespaces", func(s *platform.ManagedBackupSpec) {
			s.Schedules[0].ExcludedNamespaces = []string{"kube-system", "scratch"}
		},
			`managedBackup.schedules[0].excludedNamespaces "kube-system,scratch": Backup for GKE backup plans`},
		{"file system copies", func(s *platform.ManagedBackupSpec) { s.Schedules[1].Volumes = platform.VolumeFileSystem },
			`managedBackup.schedules[1].volumes "filesystem": Backup for GKE captures volume data only as disk snapshots`},
		{"unknown volumes", func(s *platform.ManagedBackupSpec) { s.Schedules[1].Volumes = "restic" }, `managedBackup.schedules[1].volumes "restic": not a volume backup mode`},
		{"not cron", func(s *platform.ManagedBackupSpec) { s.Schedules[0].Cron = "@daily" }, `managedBackup.schedules[0].cron "@daily": not a five-field cron expression`},
		{"name too long", func(s *platform.ManagedBackupSpec) { s.Schedules[0].Name = strings.Repeat("d", 60) },
			`managedBackup.schedules[0].name "` + strings.Repeat("d", 60) + `": gives the backup plan name`},
		{"duplicate name", func(s *platform.ManagedBackupSpec) { s.Schedules[2].Name = "daily" }, `managedBackup.schedules[2].name "daily": another schedule has this name`},
	}
	for _, tt := range tests {
		s := managedSpec()
		tt.mutate(&s)
		if err := validateManagedBackupSpec(s, "managedBackup"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

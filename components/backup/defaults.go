package backup

import (
	"time"

	"github.com/plinth-dev/plinth/platform"
)

// Day is 24 hours, the unit backup TTLs are usually written in.
const Day = 24 * time.Hour

// Defaults for the optional fields of Args, and the fixed names of what the
// component installs.
const (
	// Namespace is the namespace Velero runs in. It is fixed: the velero
	// CLI looks there unless told otherwise.
	Namespace = "velero"
	// ReleaseName is Velero's fixed Helm release name. The chart names its
	// Schedules "<release>-<schedule>", so backups are named
	// "velero-<schedule>-<timestamp>".
	ReleaseName = "velero"
	// ServiceAccount is the Velero server's (and node agent's) service
	// account, the subject of the workload identity. The chart's own default
	// for the release name "velero" is the same; Plinth sets it explicitly.
	ServiceAccount = "velero-server"
	// StorageLocation names Velero's one BackupStorageLocation and
	// VolumeSnapshotLocation.
	StorageLocation = "default"

	// DefaultProductionSoftDeleteDays is how long deleted backups stay
	// recoverable in production storage.
	DefaultProductionSoftDeleteDays = 30
	// DefaultDevSoftDeleteDays is the same outside production: the
	// storage's minimum.
	DefaultDevSoftDeleteDays = 7
	// DefaultProductionRedundancy keeps production backups in a second
	// region, so that a regional outage leaves them readable.
	DefaultProductionRedundancy = GeoRedundant
	// DefaultDevRedundancy keeps other backups in three zones of the
	// cluster's region.
	DefaultDevRedundancy = ZoneRedundant
	// DefaultVolumes is how a schedule without Volumes captures persistent
	// volumes.
	DefaultVolumes = platform.VolumeSnapshots
)

// Limits enforced by validation.
const (
	// MinSoftDeleteDays is the shortest SoftDeleteDays (both clouds'
	// storage accept 7..90).
	MinSoftDeleteDays = 7
	// MaxSoftDeleteDays is the longest SoftDeleteDays.
	MaxSoftDeleteDays = 90
	// MaxBackupForGKEDays is the longest TTL Backup for GKE keeps a
	// backup (its backupRetainDays limit).
	MaxBackupForGKEDays = 365
)

// DefaultProductionSchedules are the schedules of a production Backup
// without Schedules: every object and volume snapshot daily at 01:00 UTC,
// kept 30 days, and weekly on Sunday at 03:00 UTC, kept 90 days.
func DefaultProductionSchedules() []Schedule {
	return []Schedule{
		{Name: "daily", Cron: "0 1 * * *", TTL: 30 * Day, Volumes: platform.VolumeSnapshots},
		{Name: "weekly", Cron: "0 3 * * 0", TTL: 90 * Day, Volumes: platform.VolumeSnapshots},
	}
}

// DefaultDevSchedules are the schedules of a non-production Backup without
// Schedules: every object and volume snapshot daily at 01:00 UTC, kept 7
// days.
func DefaultDevSchedules() []Schedule {
	return []Schedule{
		{Name: "daily", Cron: "0 1 * * *", TTL: 7 * Day, Volumes: platform.VolumeSnapshots},
	}
}

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set, and it leaves the storage fields
// unset when no storage is created (GKE.WithoutVelero), so that validation
// can report a value set there.
func (a Args) withDefaults(production bool) Args {
	if len(a.Schedules) == 0 {
		if production {
			a.Schedules = DefaultProductionSchedules()
		} else {
			a.Schedules = DefaultDevSchedules()
		}
	} else {
		scheds := make([]Schedule, len(a.Schedules))
		for i, s := range a.Schedules {
			if s.Volumes == "" {
				s.Volumes = DefaultVolumes
			}
			scheds[i] = s
		}
		a.Schedules = scheds
	}
	if a.GKE.WithoutVelero {
		return a
	}
	if a.Redundancy == "" {
		a.Redundancy = DefaultDevRedundancy
		if production {
			a.Redundancy = DefaultProductionRedundancy
		}
	}
	if a.SoftDeleteDays == 0 {
		a.SoftDeleteDays = DefaultDevSoftDeleteDays
		if production {
			a.SoftDeleteDays = DefaultProductionSoftDeleteDays
		}
	}
	return a
}

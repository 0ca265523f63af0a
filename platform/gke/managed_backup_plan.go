package gke

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Retention bounds of a Backup for GKE backup plan, in days.
const (
	// maxRetainDays is the largest backupRetainDays the API accepts. 0
	// would mean "never delete", which a schedule with a TTL never wants.
	maxRetainDays = 365
	// maxDeleteLockDays is the largest backupDeleteLockDays.
	maxDeleteLockDays = 90
)

// backupPlanName is a name Backup for GKE accepts for a backup plan: 1-63
// lowercase letters, digits and '-', starting with a letter and not ending
// with '-'.
var backupPlanName = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// day is the unit Backup for GKE counts retention in.
const day = 24 * time.Hour

// managedPlan is the cloud-side shape of one BackupSchedule: one
// gkebackup.BackupPlan.
type managedPlan struct {
	// Name is the Pulumi name and the plan's name in GCP:
	// "<name>-<schedule>".
	Name, Description string
	// Cron is the backup schedule's cronSchedule (UTC).
	Cron string
	// RetainDays is backupRetainDays, the schedule's TTL.
	RetainDays int
	// LockDays is backupDeleteLockDays: 0 unless the spec is Locked.
	LockDays int
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the plan,
	// which holds its backups: deleting a plan deletes them. Set when the
	// spec is Locked.
	Protect bool
	// VolumeData is includeVolumeData: volume snapshots.
	VolumeData bool
	// Namespaces are the selectedNamespaces; nil backs up all namespaces.
	Namespaces []string
	Labels     map[string]string
}

// planManagedBackup maps a validated ManagedBackupSpec to one backup plan
// per schedule.
//
// A Locked spec sets backupDeleteLockDays to the TTL, capped at the API's 90
// days: no backup can be deleted, by anyone, before its TTL (or 90 days)
// has passed, which is what Locked promises. The retention policy itself is
// never locked (retentionPolicy.locked): that is irreversible, and a plan
// whose policy is locked can never change its TTL or lock again.
func planManagedBackup(spec platform.ManagedBackupSpec) []managedPlan {
	var out []managedPlan
	for _, s := range spec.Schedules {
		p := managedPlan{
			Name:        platform.ChildName(spec.Name, s.Name),
			Description: fmt.Sprintf("Plinth managed backup %s, schedule %s.", spec.Name, s.Name),
			Cron:        s.Cron,
			RetainDays:  int(s.TTL / day),
			VolumeData:  s.Volumes == platform.VolumeSnapshots,
			Labels:      spec.Tags.Merge(),
		}
		if spec.Locked {
			p.LockDays = min(p.RetainDays, maxDeleteLockDays)
			p.Protect = true
		}
		if len(s.IncludedNamespaces) > 0 {
			p.Namespaces = slices.Clone(s.IncludedNamespaces)
		}
		out = append(out, p)
	}
	return out
}

// validateManagedBackupSpec checks what Backup for GKE and pulumi-gcp
// v7.38.0 constrain. Problems come back together under path.
//
// Not checked: the API also caps backupRetainDays at 360 times the
// interval between two backups of the cron schedule (15 days for an hourly
// schedule); such a plan fails at deploy time.
func validateManagedBackupSpec(spec platform.ManagedBackupSpec, path field.Path) error {
	var errs field.List
	switch {
	case spec.Cluster == nil:
		errs.Add(field.Required(path.Child("cluster"), "the GKE cluster to back up, with its backup agent on (GKEClusterSpec.BackupAgent)"))
	case spec.Cluster.ID.OutputState == nil:
		errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ID, projects/<project>/locations/<location>/clusters/<name>; use the ClusterOutputs the gke backend returned"))
	}
	if len(spec.Schedules) == 0 {
		errs.Add(field.Required(path.Child("schedules"), "at least one schedule; each becomes a backup plan"))
	}
	seen := map[string]bool{}
	for i, s := range spec.Schedules {
		sp := path.Child("schedules").Index(i)
		switch name := platform.ChildName(spec.Name, s.Name); {
		case !backupPlanName.MatchString(name):
			errs.Addf(sp.Child("name"), s.Name, "gives the backup plan name %q, which Backup for GKE rejects; it must be 1-63 lowercase letters, digits and '-', starting with a letter", name)
		case seen[name]:
			errs.Addf(sp.Child("name"), s.Name, "another schedule has this name; each schedule is one backup plan named after it")
		}
		seen[platform.ChildName(spec.Name, s.Name)] = true
		if len(strings.Fields(s.Cron)) != 5 {
			errs.Addf(sp.Child("cron"), s.Cron, "not a five-field cron expression (minute hour day-of-month month day-of-week, UTC), e.g. \"0 1 * * *\"")
		}
		switch {
		case s.TTL%day != 0:
			errs.Addf(sp.Child("ttl"), s.TTL, "Backup for GKE keeps backups for whole days; use a multiple of 24h, e.g. 720h for 30 days")
		case s.TTL < day || s.TTL > maxRetainDays*day:
			errs.Addf(sp.Child("ttl"), s.TTL, "Backup for GKE keeps backups 1..%d days", maxRetainDays)
		}
		if len(s.ExcludedNamespaces) > 0 {
			errs.Addf(sp.Child("excludedNamespaces"), strings.Join(s.ExcludedNamespaces, ","), "Backup for GKE backup plans (pulumi-gcp v7.38.0) cannot exclude namespaces; list the namespaces to back up in includedNamespaces instead")
		}
		switch s.Volumes {
		case platform.VolumeSnapshots, platform.VolumeNone:
		case platform.VolumeFileSystem:
			errs.Addf(sp.Child("volumes"), string(s.Volumes), "Backup for GKE captures volume data only as disk snapshots; use %q or %q (file-system copies are Velero's node agent)", platform.VolumeSnapshots, platform.VolumeNone)
		default:
			errs.Addf(sp.Child("volumes"), string(s.Volumes), "not a volume backup mode; use one of %v", platform.VolumeBackups)
		}
	}
	return errs.Err()
}

package check

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func backupRule() Rule {
	return Rule{
		ID:       "PLN005",
		Title:    "Backups scheduled; production backup storage protected",
		Severity: SeverityError,
		Rationale: "Write-up lesson: \"set soft-delete policies and backup options\" and \"use resource locks\"; " +
			"backup and DR are production requirements. Baseline: Velero with schedules, storage with " +
			"versioning and soft delete. Every class backs up on a schedule; in production the AKS account " +
			"carries its own CanNotDelete lock (which stays when the resource-group lock is lifted), and Backup " +
			"for GKE plans lock their backups (PLN009 checks that the storage and plans are protected and retained).",
		Classes: allClasses,
		Check:   checkBackups,
	}
}

// veleroChart is the chart name of Velero's Helm release.
const veleroChart = "velero"

func checkBackups(t Target) []Finding {
	s := t.Snapshot
	var out []Finding
	scheduled := false
	velero := releasesOf(s, veleroChart)
	for _, rel := range velero {
		schedules := get(rel.Inputs, "values", "schedules")
		names := sortedKeys(schedules)
		if len(names) == 0 {
			out = append(out, invalid(rel, "values.schedules", nil,
				"Velero is installed but schedules no backup; add at least one schedule with a cron expression and a TTL"))
		}
		for _, name := range names {
			if str(schedules, name, "schedule") == "" {
				out = append(out, invalid(rel, field.NewPath("values").Child("schedules").Key(name).Child("schedule"), nil,
					"the schedule has no cron expression, so it never runs; set one such as \"0 1 * * *\""))
				continue
			}
			scheduled = true
		}
	}
	plans := gkeBackupPlan.in(s)
	for _, p := range plans {
		if str(p.Inputs, "backupSchedule", "cronSchedule") != "" {
			scheduled = true
		}
	}
	if clusters := clustersOf(s); len(velero) == 0 && !scheduled && len(clusters) > 0 {
		what := "no Velero release"
		if t.Cloud == string(platform.CloudGCP) {
			what = "neither a Velero release nor a scheduled Backup for GKE plan"
		}
		out = append(out, note(clusters[0], "nothing backs up the cluster: the stack has %s; add the Backup component with at least one schedule", what))
	}
	if t.Class != ClassProd {
		return out
	}
	for _, rel := range velero {
		for i, loc := range list(rel.Inputs, "values", "configuration", "backupStorageLocation") {
			path := field.NewPath("values").Child("configuration").Child("backupStorageLocation").Index(i)
			out = append(out, checkBackupStorage(s, rel, path, loc)...)
		}
	}
	for _, p := range plans {
		if days := number(p.Inputs, "retentionPolicy", "backupDeleteLockDays"); days < 1 {
			out = append(out, invalid(p, "retentionPolicy.backupDeleteLockDays", get(p.Inputs, "retentionPolicy", "backupDeleteLockDays"),
				"backups of this plan can be deleted before they expire; lock them for at least 1 day (the Backup component locks production backups)"))
		}
	}
	return out
}

// checkBackupStorage checks, in production, the storage one of Velero's
// backup storage locations points at.
func checkBackupStorage(s *snapshot.Snapshot, rel *snapshot.Resource, path field.Path, loc any) []Finding {
	switch str(loc, "provider") {
	case "azure":
		name := str(loc, "config", "storageAccount")
		for _, acct := range azureStorage.in(s) {
			if str(acct.Inputs, "accountName") == name {
				return checkBackupAccount(s, acct)
			}
		}
		return []Finding{invalid(rel, path.Child("config").Child("storageAccount"), name,
			"the backup storage account is not in this stack, so its protection cannot be checked; let the Backup component create it")}
	case "gcp":
		name := str(loc, "bucket")
		for _, b := range gcpBucket.in(s) {
			if str(b.Inputs, "name") == name {
				return checkBackupBucket(b)
			}
		}
		return []Finding{invalid(rel, path.Child("bucket"), name,
			"the backup bucket is not in this stack, so its protection cannot be checked; let the Backup component create it")}
	}
	return nil
}

func checkBackupAccount(s *snapshot.Snapshot, acct *snapshot.Resource) []Finding {
	// Protection and retention are PLN009's, for every stateful resource.
	var out []Finding
	rg, name := str(acct.Inputs, "resourceGroupName"), str(acct.Inputs, "accountName")
	id := armID(rg, "Microsoft.Storage/storageAccounts", name)
	if !hasLock(s, id) {
		out = append(out, note(acct, "no CanNotDelete lock on the Velero backup storage account, so anyone with rights in Azure can delete it "+
			"and every backup with it; add a ManagementLockByScope with level CanNotDelete at scope /subscriptions/<subscription>%s", id))
	}
	svc := blobServiceOf(s, rg, name)
	if svc == nil {
		out = append(out, note(acct, "no BlobServiceProperties for the Velero backup storage account, so deleted or overwritten backups "+
			"cannot be recovered; turn on blob soft delete and versioning"))
		return out
	}
	if !isTrue(svc.Inputs, "deleteRetentionPolicy", "enabled") {
		out = append(out, invalid(svc, "deleteRetentionPolicy.enabled", get(svc.Inputs, "deleteRetentionPolicy", "enabled"),
			"deleted backups cannot be recovered; turn on blob soft delete"))
	}
	if !isTrue(svc.Inputs, "isVersioningEnabled") {
		out = append(out, invalid(svc, "isVersioningEnabled", get(svc.Inputs, "isVersioningEnabled"),
			"overwritten backups cannot be recovered; turn on blob versioning"))
	}
	return out
}

func checkBackupBucket(b *snapshot.Resource) []Finding {
	var out []Finding
	if isTrue(b.Inputs, "forceDestroy") {
		out = append(out, invalid(b, "forceDestroy", true, "a destroy deletes the bucket with every backup in it; set it to false"))
	}
	if !isTrue(b.Inputs, "versioning", "enabled") {
		out = append(out, invalid(b, "versioning.enabled", get(b.Inputs, "versioning", "enabled"),
			"overwritten or deleted backups cannot be recovered; turn on versioning"))
	}
	if number(b.Inputs, "softDeletePolicy", "retentionDurationSeconds") <= 0 {
		out = append(out, invalid(b, "softDeletePolicy.retentionDurationSeconds", get(b.Inputs, "softDeletePolicy", "retentionDurationSeconds"),
			"deleted backups cannot be recovered; keep soft-deleted objects for the backups' retention"))
	}
	return out
}

// hasLock reports whether a CanNotDelete (or stricter ReadOnly) management
// lock has exactly the resource with the given ID suffix as its scope.
func hasLock(s *snapshot.Snapshot, idSuffix string) bool {
	for _, l := range azureLock.in(s) {
		level := str(l.Inputs, "level")
		if (level == "CanNotDelete" || level == "ReadOnly") && sameARM(armSuffix(str(l.Inputs, "scope")), idSuffix) {
			return true
		}
	}
	return false
}

// blobServiceOf returns the blob service properties of a storage account.
func blobServiceOf(s *snapshot.Snapshot, rg, account string) *snapshot.Resource {
	for _, svc := range azureBlobSvc.in(s) {
		if str(svc.Inputs, "accountName") == account && strings.EqualFold(str(svc.Inputs, "resourceGroupName"), rg) {
			return svc
		}
	}
	return nil
}

// clustersOf returns the stack's Kubernetes clusters, AKS then GKE.
func clustersOf(s *snapshot.Snapshot) []*snapshot.Resource {
	return append(aksCluster.in(s), gkeCluster.in(s)...)
}

// sortedKeys returns the keys of a decoded JSON object in sort order.
func sortedKeys(v any) []string {
	m, _ := v.(map[string]any)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

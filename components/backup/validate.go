package backup

import (
	"slices"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/internal/cron"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// managedByKey and managedByValue label every Kubernetes object the
// component manages.
const managedByKey, managedByValue = "managed-by", "plinth"

// maxLabel is the longest DNS label: schedule, namespace and Backup for
// GKE plan names.
const maxLabel = format.MaxDNSLabel

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(name string, path field.Path, t platform.Target, c platform.ClusterSpec) field.List {
	var errs field.List
	velero := !a.GKE.WithoutVelero

	if velero && t.Cloud.Velero.Plugin == "" {
		errs.Addf(path, nil, "Plinth pins no Velero plugin for %s; backups need a cloud with one (Azure, GCP)", t.Cloud.Name)
	}

	a.checkSchedules(name, path.Child("schedules"), &errs)

	if velero {
		if a.Redundancy != ZoneRedundant && a.Redundancy != GeoRedundant {
			errs.Addf(path.Child("redundancy"), string(a.Redundancy), "use %q or %q", ZoneRedundant, GeoRedundant)
		}
		if a.SoftDeleteDays < MinSoftDeleteDays || a.SoftDeleteDays > MaxSoftDeleteDays {
			errs.Addf(path.Child("softDeleteDays"), a.SoftDeleteDays, "must be %d..%d days", MinSoftDeleteDays, MaxSoftDeleteDays)
		}
		checkStorageSubnet(path, t.Cloud, c.Network.Spec, &errs)
	} else {
		// Without Velero there is no storage and no chart: a value set for
		// them would be ignored.
		for _, unused := range []struct {
			field string
			set   bool
			value any
		}{
			{"redundancy", a.Redundancy != "", string(a.Redundancy)},
			{"softDeleteDays", a.SoftDeleteDays != 0, a.SoftDeleteDays},
			{"values", len(a.Values) > 0, nil},
		} {
			if unused.set {
				errs.Addf(path.Child(unused.field), unused.value, "set while gke.withoutVelero is true, which creates no storage and no Velero; remove %s", unused.field)
			}
		}
	}

	a.checkGKE(path, t.Cloud, c, &errs)
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	if v, ok := a.Tags[managedByKey]; ok && v != managedByValue {
		errs.Addf(path.Child("tags").Key(managedByKey), v, "Plinth labels everything it manages %q: %q; remove this tag", managedByKey, managedByValue)
	}
	return errs
}

func (a Args) checkSchedules(name string, path field.Path, errs *field.List) {
	names := map[string]field.Path{}
	planPrefix := platform.ChildName(platform.ChildName(name, "gke-backup"), "")
	for i, s := range a.Schedules {
		p := path.Index(i)
		np := p.Child("name")
		switch {
		case !format.DNSLabel(s.Name):
			errs.Addf(np, s.Name, "schedule names are 1-%d lowercase letters, digits and '-', starting and ending with a letter or digit", maxLabel)
		case names[s.Name] != "":
			errs.Addf(np, s.Name, "duplicate schedule name: %s has it already", names[s.Name])
		default:
			names[s.Name] = np
			if a.GKE.BackupForGKE && len(planPrefix)+len(s.Name) > maxLabel {
				errs.Addf(np, s.Name, "the Backup for GKE plan %q would be longer than %d characters; shorten the schedule name to at most %d", planPrefix+s.Name, maxLabel, maxLabel-len(planPrefix))
			}
		}
		if err := cron.Validate(s.Cron); err != nil {
			errs.Addf(p.Child("cron"), s.Cron, "%v", err)
		}
		tp := p.Child("ttl")
		switch {
		case s.TTL <= 0:
			errs.Addf(tp, s.TTL.String(), "must be positive: how long each backup is kept, e.g. 30 * backup.Day")
		case s.TTL%time.Hour != 0:
			errs.Addf(tp, s.TTL.String(), "must be a whole number of hours, e.g. 30 * backup.Day")
		case a.GKE.BackupForGKE && s.TTL%Day != 0:
			errs.Addf(tp, s.TTL.String(), "Backup for GKE keeps backups for whole days; use a multiple of 24h, e.g. 30 * backup.Day")
		case a.GKE.BackupForGKE && s.TTL > MaxBackupForGKEDays*Day:
			errs.Addf(tp, s.TTL.String(), "Backup for GKE keeps backups 1 to %d days, and every schedule runs there too; shorten the TTL", MaxBackupForGKEDays)
		}
		included := checkNamespaces(p.Child("includedNamespaces"), s.IncludedNamespaces, errs)
		excluded := checkNamespaces(p.Child("excludedNamespaces"), s.ExcludedNamespaces, errs)
		for j, ns := range s.ExcludedNamespaces {
			ep := p.Child("excludedNamespaces").Index(j)
			if ip, ok := included[ns]; ok && excluded[ns] == ep { // once per name
				errs.Addf(ep, ns, "also in %s; a namespace is either included or excluded, remove it from one list", ip)
			}
		}
		if a.GKE.BackupForGKE && len(s.ExcludedNamespaces) > 0 {
			errs.Addf(p.Child("excludedNamespaces"), strings.Join(s.ExcludedNamespaces, ","), "Backup for GKE backup plans cannot exclude namespaces, and every schedule runs there too; list the namespaces to back up in includedNamespaces instead")
		}
		switch {
		case !slices.Contains(platform.VolumeBackups, s.Volumes):
			errs.Addf(p.Child("volumes"), string(s.Volumes), "use one of %v", platform.VolumeBackups)
		case s.Volumes == platform.VolumeFileSystem && a.GKE.BackupForGKE:
			errs.Addf(p.Child("volumes"), string(s.Volumes), "Backup for GKE backs volumes up as snapshots only, and every schedule runs there too; use %q or %q", platform.VolumeSnapshots, platform.VolumeNone)
		}
	}
}

// checkNamespaces checks one namespace list and returns where each name
// first appears.
func checkNamespaces(path field.Path, list []string, errs *field.List) map[string]field.Path {
	seen := map[string]field.Path{}
	for i, ns := range list {
		p := path.Index(i)
		switch {
		case ns == "*":
			errs.Addf(p, ns, "wildcards are not accepted; list namespaces by name (an empty includedNamespaces backs up every namespace)")
		case !format.DNSLabel(ns):
			errs.Addf(p, ns, "not a namespace name: 1-%d lowercase letters, digits and '-', starting and ending with a letter or digit", maxLabel)
		case seen[ns] != "":
			errs.Addf(p, ns, "listed twice; %s has it already", seen[ns])
		default:
			seen[ns] = p
		}
	}
	return seen
}

func (a Args) checkGKE(path field.Path, cloud platform.CloudFacts, c platform.ClusterSpec, errs *field.List) {
	g := path.Child("gke")
	if !cloud.ManagedBackup {
		if a.GKE.BackupForGKE {
			errs.Addf(g.Child("backupForGKE"), true, "Backup for GKE exists on GKE only and this backend is %s; remove the gke options", cloud.Cloud)
		}
		if a.GKE.WithoutVelero {
			errs.Addf(g.Child("withoutVelero"), true, "Backup for GKE exists on GKE only and this backend is %s; remove the gke options", cloud.Cloud)
		}
		return
	}
	if a.GKE.WithoutVelero && !a.GKE.BackupForGKE {
		errs.Addf(g.Child("withoutVelero"), true, "replaces Velero with Backup for GKE, which is off; set gke.backupForGKE too, or remove gke.withoutVelero")
	}
	if !a.GKE.BackupForGKE {
		return
	}
	if !c.GKE.BackupAgent {
		errs.Addf(g.Child("backupForGKE"), true, "the cluster's Backup for GKE agent is off; set cluster.gke.backupAgent (cluster.Args.GKE.BackupAgent: true) on the cluster first")
	}
}

// checkStorageSubnet refuses a network without the subnet the cloud's
// backup storage is reached through (CloudFacts.BackupStorageSubnet). The
// storage has no public endpoint, in any class of environment: Velero's
// backups hold every Secret of the cluster, a development cluster's
// included. The default network layout has the subnet, so only a network
// with its own subnets can lack it.
func checkStorageSubnet(path field.Path, cloud platform.CloudFacts, net platform.NetworkSpec, errs *field.List) {
	role := cloud.BackupStorageSubnet
	if role == "" {
		return
	}
	if _, ok := net.Subnet(role); ok {
		return
	}
	has := "no subnets"
	if len(net.Subnets) > 0 {
		roles := make([]string, len(net.Subnets))
		for i, sn := range net.Subnets {
			roles[i] = string(sn.Role)
		}
		has = "only the subnets " + strings.Join(roles, ", ")
	}
	errs.Addf(path, nil, "backup storage on %s is reachable only through a private endpoint in a subnet with role %q, and the cluster's network has %s; "+
		"add one to network.subnets (a /28 is enough), or leave network.subnets unset for the default layout, which has one",
		cloud.Name, role, has)
}

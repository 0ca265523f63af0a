package gke

import (
	"regexp"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// VeleroProvider is the Velero object-store and volume-snapshotter plugin
// the GKE backend's backup storage is for: velero-plugin-for-gcp.
const VeleroProvider = "gcp"

// Soft delete bounds GCS accepts, in days (604800..7776000 seconds).
const (
	minSoftDeleteDays = 7
	maxSoftDeleteDays = 90
)

// secondsPerDay converts days to the seconds GCS policies count in.
const secondsPerDay = 86400

// multiRegions maps the prefix of a region to the GCS multi-region of its
// continent, where a geo-redundant bucket goes. A multi-region stores
// objects in at least two regions of its area, far apart: a region's loss
// loses no backup. EU holds data in European Union member states, so a
// bucket of a cluster in europe-west2 (London) or europe-west6 (Zürich)
// that asks for geo-redundancy leaves its country. The other continents
// (northamerica-, southamerica-, australia-, me-, africa-) have no
// multi-region; their regions are rejected.
var multiRegions = []struct{ prefix, location string }{
	{"asia-", "ASIA"},
	{"europe-", "EU"},
	{"us-", "US"},
}

// multiRegion returns the multi-region of region's continent.
func multiRegion(region string) (string, bool) {
	for _, m := range multiRegions {
		if strings.HasPrefix(region, m.prefix) {
			return m.location, true
		}
	}
	return "", false
}

// bucketPattern is a bucket name GCS accepts without a domain: 3-63
// lowercase letters, digits and '-', a letter or digit at each end.
var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)

// bucketName derives the bucket's globally unique name from the project ID
// (itself globally unique) and the storage's logical name:
// "<project>-<name>-backups". A project ID of at most 30 characters and a
// logical name of at most platform.MaxNameLength give at most 63.
func bucketName(project, name string) string {
	return project + "-" + name + "-backups"
}

// bucketPlan is the cloud-side shape of a BackupStorageSpec on GKE.
type bucketPlan struct {
	// Name is the Pulumi name, "<name>-bucket"; BucketName the cloud one.
	Name, BucketName string
	// Location is the bucket's location as GCS reports it: the region in
	// upper case, or the multi-region when geo-redundant.
	Location string
	// SnapshotLocation is where Velero stores disk snapshots: the same
	// place as the bucket, in the lower case Compute Engine writes.
	SnapshotLocation string
	// SoftDeleteSeconds is the soft delete retention.
	SoftDeleteSeconds int
	// NoncurrentDays is how long an overwritten or deleted object is kept
	// as a noncurrent version before a lifecycle rule deletes it.
	NoncurrentDays int
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the bucket.
	Protect bool
	Labels  map[string]string
	// UniformAccess (IAM only, no object ACLs) and PublicAccessPrevention
	// ("enforced") keep every object private, whatever IAM binding or ACL
	// is added later. GCS has no private endpoint per bucket: the nodes
	// reach it over Private Google Access, which every subnet of the
	// network has (NewNetwork), and only principals IAM admits are served.
	UniformAccess          bool
	PublicAccessPrevention string
}

// publicAccessPrevention refuses allUsers and allAuthenticatedUsers on the
// bucket and its objects.
const publicAccessPrevention = "enforced"

// planBackupStorage maps a validated BackupStorageSpec to GCS settings.
func planBackupStorage(cfg Config, spec platform.BackupStorageSpec) bucketPlan {
	location := strings.ToUpper(cfg.Region)
	if spec.GeoRedundant {
		location, _ = multiRegion(cfg.Region)
	}
	return bucketPlan{
		Name:              platform.ChildName(spec.Name, "bucket"),
		BucketName:        bucketName(cfg.Project, spec.Name),
		Location:          location,
		SnapshotLocation:  strings.ToLower(location),
		SoftDeleteSeconds: spec.SoftDeleteDays * secondsPerDay,
		NoncurrentDays:    spec.SoftDeleteDays,
		Protect:           spec.Locked,
		Labels:            spec.Tags.Merge(),

		UniformAccess:          true,
		PublicAccessPrevention: publicAccessPrevention,
	}
}

// validateBackupStorageSpec checks what GCS constrains. Problems come back
// together under path.
func validateBackupStorageSpec(cfg Config, spec platform.BackupStorageSpec, path field.Path) error {
	var errs field.List
	switch name := bucketName(cfg.Project, spec.Name); {
	case !bucketPattern.MatchString(name):
		errs.Addf(path.Child("name"), spec.Name, "gives the bucket name %q, which GCS rejects; use 1-%d lowercase letters, digits and '-'", name, platform.MaxNameLength)
	case strings.HasPrefix(name, "goog") || strings.Contains(name, "google"):
		errs.Addf(path.Child("name"), spec.Name, "gives the bucket name %q; GCS rejects names that begin with \"goog\" or contain \"google\"", name)
	}
	if spec.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the cluster whose backups the bucket holds: its DiskScope is where Velero snapshots disks"))
	} else if spec.Cluster.DiskScope.OutputState == nil {
		errs.Add(field.Required(path.Child("cluster").Child("diskScope"), "the project of the cluster's disks; use the ClusterOutputs the gke backend returned"))
	}
	if spec.SoftDeleteDays < minSoftDeleteDays || spec.SoftDeleteDays > maxSoftDeleteDays {
		errs.Addf(path.Child("softDeleteDays"), spec.SoftDeleteDays, "GCS keeps soft-deleted objects %d..%d days", minSoftDeleteDays, maxSoftDeleteDays)
	}
	if _, ok := multiRegion(cfg.Region); spec.GeoRedundant && !ok {
		errs.Addf(path.Child("geoRedundant"), spec.GeoRedundant, "GCS has no multi-region on the continent of %s (only ASIA, EU and US); set geoRedundant false for a regional bucket", cfg.Region)
	}
	return errs.Err()
}

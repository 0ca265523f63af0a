package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func storageSpec() platform.BackupStorageSpec {
	return platform.BackupStorageSpec{
		Name:           "velero",
		Cluster:        &platform.ClusterOutputs{DiskScope: pulumi.String("acme-platform-prod").ToStringOutput()},
		SoftDeleteDays: 14,
		Locked:         true,
		Tags:           platform.Tags{"environment": "prod"},
	}
}

func TestPlanBackupStorage(t *testing.T) {
	got := planBackupStorage(testConfig, storageSpec())
	want := bucketPlan{
		Name:              "velero-bucket",
		BucketName:        "acme-platform-prod-velero-backups",
		Location:          "EUROPE-WEST1",
		SnapshotLocation:  "europe-west1",
		SoftDeleteSeconds: 14 * 86400,
		NoncurrentDays:    14,
		Protect:           true,
		Labels:            map[string]string{"environment": "prod"},
		// No object can be public, locked or not.
		UniformAccess:          true,
		PublicAccessPrevention: "enforced",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan:\n%+v\nwant\n%+v", got, want)
	}
	s := storageSpec()
	s.Locked = false
	unlocked := planBackupStorage(testConfig, s)
	if unlocked.Protect {
		t.Error("an unlocked bucket is protected")
	}
	if !unlocked.UniformAccess || unlocked.PublicAccessPrevention != "enforced" {
		t.Errorf("unlocked bucket: uniform access %v, public access prevention %q; want true, enforced", unlocked.UniformAccess, unlocked.PublicAccessPrevention)
	}
}

// A geo-redundant bucket goes to the multi-region of its region's
// continent, and its snapshots with it.
func TestPlanGeoRedundantStorage(t *testing.T) {
	for region, want := range map[string]string{
		"europe-west1":    "EU",
		"europe-west4":    "EU",
		"europe-north1":   "EU",
		"us-central1":     "US",
		"us-east4":        "US",
		"asia-northeast1": "ASIA",
		"asia-south1":     "ASIA",
	} {
		cfg := testConfig
		cfg.Region = region
		s := storageSpec()
		s.GeoRedundant = true
		p := planBackupStorage(cfg, s)
		if p.Location != want || p.SnapshotLocation != strings.ToLower(want) {
			t.Errorf("%s: location %q, snapshots %q; want %q", region, p.Location, p.SnapshotLocation, want)
		}
		if err := validateBackupStorageSpec(cfg, s, "backupStorage"); err != nil {
			t.Errorf("%s: %v", region, err)
		}
	}
}

func TestMultiRegion(t *testing.T) {
	for _, region := range []string{"northamerica-northeast1", "southamerica-east1", "australia-southeast1", "me-west1", "africa-south1"} {
		if m, ok := multiRegion(region); ok {
			t.Errorf("%s -> %q; it has no multi-region", region, m)
		}
	}
}

// Every logical name the contract accepts, with the longest project ID GCP
// allows, gives a valid bucket name; distinct names give distinct buckets.
func TestBucketNames(t *testing.T) {
	longest := "p" + strings.Repeat("x", 28) + "9"
	seen := map[string]string{}
	for n := 1; n <= platform.MaxNameLength; n++ {
		for _, name := range []string{"a" + strings.Repeat("b", n-1), "x" + strings.Repeat("-9", (n-1)/2) + strings.Repeat("z", (n-1)%2)} {
			if platform.ValidateName("name", name) != nil {
				continue
			}
			for _, project := range []string{"acme-1", longest} {
				b := bucketName(project, name)
				if !bucketPattern.MatchString(b) {
					t.Errorf("%s/%s -> %q: not a valid bucket name", project, name, b)
				}
				if other, dup := seen[b]; dup && other != project+"/"+name {
					t.Errorf("%s/%s and %s both -> %q", project, name, other, b)
				}
				seen[b] = project + "/" + name
			}
		}
	}
	if got := len(bucketName(longest, strings.Repeat("a", platform.MaxNameLength))); got != 63 {
		t.Errorf("longest bucket name has %d characters, want 63", got)
	}
}

func TestValidateBackupStorageSpec(t *testing.T) {
	tests := []struct {
		name   string
		cfg    func(c *Config)
		mutate func(s *platform.BackupStorageSpec)
		want   string
	}{
		{"no cluster", nil, func(s *platform.BackupStorageSpec) { s.Cluster = nil }, "backupStorage.cluster: required"},
		{"no disk scope", nil, func(s *platform.BackupStorageSpec) { s.Cluster = &platform.ClusterOutputs{} }, "backupStorage.cluster.diskScope: required"},
		{"soft delete too short", nil, func(s *platform.BackupStorageSpec) { s.SoftDeleteDays = 6 }, "backupStorage.softDeleteDays 6: GCS keeps soft-deleted objects 7..90 days"},
		{"soft delete too long", nil, func(s *platform.BackupStorageSpec) { s.SoftDeleteDays = 91 }, "backupStorage.softDeleteDays 91:"},
		{"no multi-region", func(c *Config) { c.Region = "australia-southeast1" }, func(s *platform.BackupStorageSpec) { s.GeoRedundant = true },
			"backupStorage.geoRedundant true: GCS has no multi-region on the continent of australia-southeast1"},
		{"name too long", nil, func(s *platform.BackupStorageSpec) { s.Name = strings.Repeat("a", 40) }, `backupStorage.name "` + strings.Repeat("a", 40) + `": gives the bucket name`},
		{"google", nil, func(s *platform.BackupStorageSpec) { s.Name = "google" }, `backupStorage.name "google": gives the bucket name "acme-platform-prod-google-backups"; GCS rejects names`},
		{"goog prefix", func(c *Config) { c.Project = "googly-eyes" }, nil, `backupStorage.name "velero": gives the bucket name "googly-eyes-velero-backups"; GCS rejects names that begin with "goog"`},
	}
	for _, tt := range tests {
		cfg, s := testConfig, storageSpec()
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		if tt.mutate != nil {
			tt.mutate(&s)
		}
		if err := validateBackupStorageSpec(cfg, s, "backupStorage"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	for _, days := range []int{7, 90} {
		s := storageSpec()
		s.SoftDeleteDays = days
		if err := validateBackupStorageSpec(testConfig, s, "backupStorage"); err != nil {
			t.Errorf("%d soft delete days rejected: %v", days, err)
		}
	}
	// A regional bucket is fine anywhere.
	cfg := testConfig
	cfg.Region = "australia-southeast1"
	if err := validateBackupStorageSpec(cfg, storageSpec(), "backupStorage"); err != nil {
		t.Errorf("regional bucket in %s rejected: %v", cfg.Region, err)
	}
}

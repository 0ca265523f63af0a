package gke_test

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestManagedBackupConformance(t *testing.T) {
	platformtest.ManagedBackupConformance(t, func(ctx *pulumi.Context) (platformtest.ManagedBackupTestBackend, error) {
		return newBackend(ctx)
	}, platformtest.ManagedBackupExpectations{
		PlanType: backupPlanType,
		Plan: func(t testing.TB, r *platformtest.Resource) platformtest.ManagedBackupPlan {
			volumes := platform.VolumeNone
			if platformtest.Input(t, r, "backupConfig.includeVolumeData").(bool) {
				volumes = platform.VolumeSnapshots
			}
			var namespaces []string
			if ns, ok := r.Input("backupConfig.selectedNamespaces.namespaces"); ok {
				namespaces = stringList(t, ns)
			} else if platformtest.Input(t, r, "backupConfig.allNamespaces") != true {
				t.Errorf("%s backs up neither selected namespaces nor all", r.Name)
			}
			return platformtest.ManagedBackupPlan{
				Cluster:    platformtest.Input(t, r, "cluster").(string),
				Cron:       platformtest.Input(t, r, "backupSchedule.cronSchedule").(string),
				Retain:     time.Duration(platformtest.Input(t, r, "retentionPolicy.backupRetainDays").(float64)) * day,
				DeleteLock: time.Duration(platformtest.Input(t, r, "retentionPolicy.backupDeleteLockDays").(float64)) * day,
				Namespaces: namespaces,
				Volumes:    volumes,
			}
		},
		MaxDeleteLock: 90 * day,
		TagsProperty:  gke.TagsProperty,
	})
}

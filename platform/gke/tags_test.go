package gke_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// renderEverything renders every capability of the backend in one stack,
// each spec tagged networkTags: network, cluster (with the backup agent),
// cert-manager's identity, Velero's storage and identity, Backup for GKE,
// an access package that creates groups, and a power schedule.
func renderEverything(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	tags := platform.Tags(networkTags)
	return renderPlatform(t, accessConfig, func(s *platform.ClusterSpec) {
		s.GKE.BackupAgent = true
		s.Tags = tags
	}, func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs) error {
		if err := certManagerIdentity(ctx, b, spec, out, &rendered{}); err != nil {
			return err
		}
		storage := backupStorageSpec(out)
		storage.Tags = tags
		st, err := b.NewBackupStorage(ctx, storage)
		if err != nil {
			return err
		}
		if _, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: out, Namespace: "velero", ServiceAccount: "velero", Grants: st.Grants, Tags: tags,
		}); err != nil {
			return err
		}
		managed := managedBackupSpec(out)
		managed.Tags = tags
		if err := b.NewManagedBackup(ctx, managed); err != nil {
			return err
		}
		access := teamAccess()
		access.Tags = tags
		if _, err := b.NewAccessPackage(ctx, access); err != nil {
			return err
		}
		power := officeHours(spec, out)
		power.Tags = tags
		_, err = b.NewPowerSchedule(ctx, power)
		return err
	})
}

// Every type the backend registers is known to TagsProperty, and every
// resource whose type takes labels carries the spec's tags at exactly the
// property TagsProperty names (C7).
func TestTagsPropertyCoversTheBackend(t *testing.T) {
	snap := renderEverything(t)
	types := map[string]int{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom || r.Type == "pulumi:providers:gcp" {
			continue
		}
		types[r.Type]++
		prop, known := gke.TagsProperty(r.Type)
		switch {
		case !known:
			t.Errorf("%s (%s): TagsProperty does not know the type; add it to registeredTypes", r.Type, r.Name)
		case prop != "":
			expect(t, r, prop, networkTags)
		}
	}
	// The render reaches every kind of resource the backend creates.
	if len(types) != 20 {
		t.Errorf("%d types rendered, want the 20 the backend registers: %v", len(types), types)
	}
}

func TestTagsProperty(t *testing.T) {
	for _, tt := range []struct {
		token, property string
		known           bool
	}{
		{"gcp:container/cluster:Cluster", "resourceLabels", true},
		{"gcp:container/nodePool:NodePool", "nodeConfig.resourceLabels", true},
		{"gcp:compute/address:Address", "labels", true},
		{"gcp:storage/bucket:Bucket", "labels", true},
		{"gcp:gkebackup/backupPlan:BackupPlan", "labels", true},
		{"gcp:workflows/workflow:Workflow", "labels", true},
		// Group labels are Cloud Identity's group types, not cost labels.
		{"gcp:cloudidentity/group:Group", "", true},
		{"gcp:cloudscheduler/job:Job", "", true},
		{"gcp:compute/network:Network", "", true},
		{"gcp:serviceaccount/account:Account", "", true},
		{"gcp:projects/iAMCustomRole:IAMCustomRole", "", true},
		{"gcp:privilegedaccessmanager/entitlement:entitlement", "", true},
		{"gcp:compute/instance:Instance", "", false},
		{"azure-native:resources:ResourceGroup", "", false},
		{"pulumi:providers:gcp", "", false},
	} {
		prop, known := gke.TagsProperty(tt.token)
		if prop != tt.property || known != tt.known {
			t.Errorf("TagsProperty(%q) = %q, %v; want %q, %v", tt.token, prop, known, tt.property, tt.known)
		}
	}
}

package fake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestNetworkConformance(t *testing.T) {
	platformtest.NetworkConformance(t, func(ctx *pulumi.Context) (platform.NetworkBackend, error) {
		return fake.New(ctx, "fake")
	})
}

func TestClusterConformance(t *testing.T) {
	platformtest.ClusterConformance(t, func(ctx *pulumi.Context) (platformtest.ClusterTestBackend, error) {
		return fake.New(ctx, "fake")
	})
}

func TestServicesConformance(t *testing.T) {
	platformtest.ServicesConformance(t, func(ctx *pulumi.Context) (platformtest.ServicesTestBackend, error) {
		return fake.New(ctx, "fake")
	})
	platformtest.PowerScheduleConformance(t, func(ctx *pulumi.Context) (platformtest.PowerScheduleTestBackend, error) { return fake.New(ctx, "fake") })
}

func TestAccessConformance(t *testing.T) {
	platformtest.AccessConformance(t, func(ctx *pulumi.Context) (platformtest.AccessTestBackend, error) {
		return fake.New(ctx, "fake")
	}, platformtest.AccessExpectations{
		Members:           "group:payments-members",
		Leads:             "group:payments-leads",
		Security:          "user:security-officer",
		ExistingGroup:     "payments-admins",
		CatalogType:       fake.AccessCatalogType,
		LevelsNameCatalog: true,
		GroupType:         fake.GroupType,
		GroupNameInput:    "name",
		GroupName:         "{package}-{level}-group",
		Reviews:           true,
		ApprovalTimeouts:  true,
		Environment:       "{cluster}",
		LevelGrants: map[platform.AccessRole][]platformtest.AccessGrant{
			platform.AccessView:         {{Role: "view", Scope: "{cluster}/namespaces/{namespace}", Principal: "{group}"}},
			platform.AccessEdit:         {{Role: "edit", Scope: "{cluster}/namespaces/{namespace}", Principal: "{group}"}},
			platform.AccessAdmin:        {{Role: "admin", Scope: "{cluster}/namespaces/{namespace}", Principal: "{group}"}},
			platform.AccessClusterAdmin: {{Role: "cluster-admin", Scope: "{cluster}", Principal: "{group}"}},
		},
		Grants: fakeGrants,
		Policy: fakePolicy,
	})
}

// fakeGrants reads an access package's grants: its role for its group, in
// each of its namespaces, or at the cluster when it has none.
func fakeGrants(t testing.TB, r *platformtest.Resource) []platformtest.AccessGrant {
	if r.Type != fake.AccessPackageType {
		return nil
	}
	role := platformtest.Input(t, r, "role").(string)
	cluster := platformtest.Input(t, r, "cluster").(string)
	group := platformtest.Input(t, r, "group").(string)
	namespaces := stringList(t, platformtest.Input(t, r, "namespaces"))
	if len(namespaces) == 0 {
		return []platformtest.AccessGrant{{Role: role, Scope: cluster, Principal: group}}
	}
	var out []platformtest.AccessGrant
	for _, ns := range namespaces {
		out = append(out, platformtest.AccessGrant{Role: role, Scope: cluster + "/namespaces/" + ns, Principal: group})
	}
	return out
}

// fakePolicy reads an access package's request policy.
func fakePolicy(t testing.TB, r *platformtest.Resource) (platformtest.AccessPolicy, bool) {
	if r.Type != fake.AccessPackageType {
		return platformtest.AccessPolicy{}, false
	}
	d, err := time.ParseDuration(platformtest.Input(t, r, "maxDuration").(string))
	if err != nil {
		t.Fatal(err)
	}
	p := platformtest.AccessPolicy{
		Requestors:    stringList(t, platformtest.Input(t, r, "requestors")),
		Justification: platformtest.Input(t, r, "justification").(bool),
		MaxDuration:   d,
	}
	for _, st := range platformtest.Input(t, r, "approval").([]any) {
		p.Approval = append(p.Approval, platform.ApprovalStage{
			Approvers:   stringList(t, platformtest.At(t, st, "approvers")),
			TimeoutDays: int(platformtest.At(t, st, "timeoutDays").(float64)),
		})
	}
	if rv, ok := r.Input("review"); ok {
		p.Review = &platform.AccessReview{
			Every:     platformtest.At(t, rv, "every").(string),
			Reviewers: stringList(t, platformtest.At(t, rv, "reviewers")),
		}
	}
	return p, true
}

func TestManagedBackupConformance(t *testing.T) {
	platformtest.ManagedBackupConformance(t, func(ctx *pulumi.Context) (platformtest.ManagedBackupTestBackend, error) {
		return fake.New(ctx, "fake")
	}, platformtest.ManagedBackupExpectations{
		PlanType: fake.BackupPlanType,
		Plan: func(t testing.TB, r *platformtest.Resource) platformtest.ManagedBackupPlan {
			const day = 24 * time.Hour
			return platformtest.ManagedBackupPlan{
				Cluster:    platformtest.Input(t, r, "cluster").(string),
				Cron:       platformtest.Input(t, r, "cron").(string),
				Retain:     time.Duration(platformtest.Input(t, r, "ttlDays").(float64)) * day,
				DeleteLock: time.Duration(platformtest.Input(t, r, "deleteLockDays").(float64)) * day,
				Namespaces: stringList(t, platformtest.Input(t, r, "includedNamespaces")),
				Volumes:    platform.VolumeBackup(platformtest.Input(t, r, "volumes").(string)),
			}
		},
	})
}

// stringList reads a snapshot input holding a list of strings.
func stringList(t testing.TB, v any) []string {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%#v is not a list", v)
	}
	out := make([]string, len(l))
	for i, e := range l {
		if out[i], ok = e.(string); !ok {
			t.Fatalf("%#v is not a string", e)
		}
	}
	return out
}

// TestRepeatedNamesRegisterNothing: a level or schedule named twice is
// refused before the first one is registered (rule C8).
func TestRepeatedNamesRegisterNothing(t *testing.T) {
	var accessErr, backupErr error
	snap, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		cluster := &platform.ClusterOutputs{ID: pulumi.String("fake://clusters/dev").ToStringOutput()}
		level := platform.AccessLevelSpec{Name: "reader", Role: platform.AccessView, Requestors: []string{"group:devs"}, MaxDuration: time.Hour}
		_, accessErr = b.NewAccessPackage(ctx, platform.AccessPackageSpec{
			Name: "team", Team: "team", Cluster: cluster, Catalog: &platform.AccessCatalog{},
			Levels: []platform.AccessLevelSpec{level, level},
		})
		schedule := platform.BackupSchedule{Name: "daily", Cron: "0 1 * * *", TTL: 24 * time.Hour, Volumes: platform.VolumeNone}
		backupErr = b.NewManagedBackup(ctx, platform.ManagedBackupSpec{Name: "backup", Cluster: cluster, Schedules: []platform.BackupSchedule{schedule, schedule}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{accessErr, `accessPackage.levels[1].name "reader": another level has this name`},
		{backupErr, `managedBackup.schedules[1].name "daily": another schedule has this name`},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("got %v; want an error naming %s", c.err, c.want)
		}
	}
	for _, r := range snap.Resources {
		if r.Custom && r.Type != fake.ProviderType {
			t.Errorf("%s %s registered for a refused spec", r.Type, r.Name)
		}
	}
}

package fake_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// accessSpec is a team with a created reader group and an existing
// developer group.
func accessSpec(cat *platform.AccessCatalog) platform.AccessPackageSpec {
	return platform.AccessPackageSpec{
		Name:       "payments",
		Team:       "payments",
		Namespaces: []string{"payments", "payments-batch"},
		Levels: []platform.AccessLevelSpec{
			{Name: "reader", Role: platform.AccessView, Requestors: []string{"group:members"}, Justification: true, MaxDuration: 90 * 24 * time.Hour},
			{
				Name: "developer", Role: platform.AccessEdit, Requestors: []string{"group:members"},
				Approval:      []platform.ApprovalStage{{Approvers: []string{"group:leads"}, TimeoutDays: 7}, {Approvers: []string{"user:cto"}, TimeoutDays: 2}},
				MaxDuration:   30 * 24 * time.Hour,
				Review:        &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:leads"}},
				ExistingGroup: "existing-devs",
			},
		},
		Cluster: &platform.ClusterOutputs{ID: pulumi.String("fake://clusters/dev-cluster").ToStringOutput()},
		Catalog: cat,
		Tags:    platform.Tags{"team": "payments"},
	}
}

func TestAccessBackend(t *testing.T) {
	var (
		b        *fake.Backend
		mu       sync.Mutex
		subjects = map[string]string{}
		ids      = map[string]string{}
	)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		var parent struct{ pulumi.ResourceState }
		if err := ctx.RegisterComponentResource("test:index:Access", "access", &parent); err != nil {
			return err
		}
		cat, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "dev", Description: "d", Tags: platform.Tags{"environment": "dev"}}, pulumi.Parent(&parent))
		if err != nil {
			return err
		}
		out, err := b.NewAccessPackage(ctx, accessSpec(cat), pulumi.Parent(&parent))
		if err != nil {
			return err
		}
		for lvl, g := range out.Groups {
			pulumi.All(g.ID, g.Subject).ApplyT(func(v []any) error {
				mu.Lock()
				defer mu.Unlock()
				ids[lvl], subjects[lvl] = v[0].(string), v[1].(string)
				return nil
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	wantIDs := map[string]string{"reader": "fake://groups/payments-reader-group", "developer": "existing-devs"}
	if !reflect.DeepEqual(ids, wantIDs) || !reflect.DeepEqual(subjects, wantIDs) {
		t.Errorf("group IDs %v, subjects %v; want %v for both", ids, subjects, wantIDs)
	}
	groups := snap.OfType(fake.GroupType)
	if len(groups) != 1 || groups[0].Name != "payments-reader-group" {
		t.Fatalf("groups = %v; want only the reader's (developer uses an existing group)", groups)
	}
	if got := platformtest.Input(t, groups[0], "tags"); !reflect.DeepEqual(got, map[string]any{"team": "payments"}) {
		t.Errorf("group tags = %v", got)
	}

	cats := snap.OfType(fake.AccessCatalogType)
	if len(cats) != 1 || cats[0].Name != "dev-catalog" {
		t.Fatalf("catalogs = %v", cats)
	}
	pkgs := snap.OfType(fake.AccessPackageType)
	if len(pkgs) != 2 {
		t.Fatalf("%d access packages, want one per level", len(pkgs))
	}
	dev := snap.Find(fake.AccessPackageType, "payments-developer")
	for path, want := range map[string]any{
		"catalog":                "fake://access-catalogs/dev-catalog",
		"cluster":                "fake://clusters/dev-cluster",
		"group":                  "existing-devs",
		"role":                   "edit",
		"namespaces":             []any{"payments", "payments-batch"},
		"requestors":             []any{"group:members"},
		"approval.0.approvers":   []any{"group:leads"},
		"approval.0.timeoutDays": 7.0,
		"approval.1.approvers":   []any{"user:cto"},
		"approval.1.timeoutDays": 2.0,
		"justification":          false,
		"maxDuration":            "720h0m0s",
		"review.every":           "quarterly",
		"review.reviewers":       []any{"group:leads"},
	} {
		if got := platformtest.Input(t, dev, path); !reflect.DeepEqual(got, want) {
			t.Errorf("developer %s = %v, want %v", path, got, want)
		}
	}
	reader := snap.Find(fake.AccessPackageType, "payments-reader")
	if _, ok := reader.Input("review"); ok {
		t.Error("reader has a review input; it has no review")
	}
	if got := platformtest.Input(t, reader, "approval"); !reflect.DeepEqual(got, []any{}) {
		t.Errorf("reader approval = %v, want none", got)
	}

	parent := snap.Find("test:index:Access", "access")
	provider := snap.Find(fake.ProviderType, "fake")
	for _, typ := range []string{fake.GroupType, fake.AccessCatalogType, fake.AccessPackageType} {
		for _, r := range snap.OfType(typ) {
			if r.Parent != parent.URN || !strings.HasPrefix(r.Provider, provider.URN+"::") {
				t.Errorf("%s %s: parent %s provider %s; want the caller's parent and the fake's provider", typ, r.Name, r.Parent, r.Provider)
			}
		}
	}

	if got := b.Catalogs(); len(got) != 1 || got[0].Name != "dev" {
		t.Errorf("recorded catalogs = %+v", got)
	}
	if got := b.AccessPackages(); len(got) != 1 || got[0].Team != "payments" || len(got[0].Levels) != 2 {
		t.Errorf("recorded packages = %+v", got)
	}
}

func TestAccessRecordsArePerBackend(t *testing.T) {
	var one, two *fake.Backend
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if one, err = fake.New(ctx, "one"); err != nil {
			return err
		}
		if two, err = fake.New(ctx, "two"); err != nil {
			return err
		}
		_, err = one.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "dev"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Catalogs()) != 1 || len(two.Catalogs()) != 0 || len(two.AccessPackages()) != 0 {
		t.Errorf("records leak between backends: one %d, two %d", len(one.Catalogs()), len(two.Catalogs()))
	}
}

func TestAccessPackageNeedsCatalogAndCluster(t *testing.T) {
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		spec := accessSpec(nil)
		_, err = b.NewAccessPackage(ctx, spec)
		if err == nil || !strings.Contains(err.Error(), "no catalog") {
			t.Errorf("package without a catalog: %v", err)
		}
		if n := len(b.AccessPackages()); n != 0 {
			t.Errorf("%d packages recorded for a rejected spec", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

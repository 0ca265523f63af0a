package registry_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/registry"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// resolveCluster resolves a network and cluster of tg, optionally without
// the private-endpoints subnet.
func resolveCluster(t *testing.T, tg platform.Target, noEndpoints bool) (network.Resolved, cluster.Resolved) {
	t.Helper()
	args := network.Args{AddressSpace: "10.20.0.0/16", Tags: map[string]string{"environment": "test"}}
	if noEndpoints {
		args.Subnets = []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/20"}, {Role: platform.SubnetIngress, CIDR: "10.20.16.0/24"}}
	}
	nr, err := args.Resolve("net", field.NewPath("network"), tg)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := cluster.Args{}.Resolve("dev", field.NewPath("cluster"), tg, nr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	return nr, cr
}

func TestResolveDefaults(t *testing.T) {
	seven, zero := 7, 0
	for _, tc := range []struct {
		name       string
		production bool
		args       registry.Args
		private    bool
		days       int
	}{
		{"unset", false, registry.Args{}, true, registry.DefaultUntaggedRetentionDays},
		{"production", true, registry.Args{Pushers: []string{"ci"}}, true, seven},
		{"public, keeping untagged images", false, registry.Args{Private: new(bool), UntaggedRetentionDays: &zero}, false, 0},
	} {
		tg := platform.Target{Cloud: fake.Facts, Production: tc.production}
		_, cr := resolveCluster(t, tg, false)
		r, err := tc.args.Resolve("dev", "registry", tg, cr.Spec())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		s := r.Spec()
		if s.Name != "dev" || s.Private != tc.private || s.UntaggedRetentionDays != tc.days || s.Locked != tc.production {
			t.Errorf("%s: %+v; want private %v, %d days, locked %v", tc.name, s, tc.private, tc.days, tc.production)
		}
		if !reflect.DeepEqual(s.Pushers, tc.args.Pushers) || s.Tags["environment"] != "test" {
			t.Errorf("%s: pushers %v, tags %v", tc.name, s.Pushers, s.Tags)
		}
	}
}

// Bad settings are refused at Resolve, all at once, with the field, the
// value and the fix.
func TestResolveRefuses(t *testing.T) {
	days := 400
	for _, tc := range []struct {
		name        string
		target      platform.Target
		noEndpoints bool
		args        registry.Args
		want        []string
	}{
		{"production in public", platform.Target{Cloud: fake.Facts, Production: true}, false, registry.Args{Private: new(bool)},
			[]string{`registry.private false: a production registry is reached only privately; remove private: false`}},
		{"Azure pushers and retention", platform.Target{Cloud: aksfacts.Facts}, false, registry.Args{
			// The same object ID in capitals is the same principal.
			Pushers: []string{"ci@acme.iam.gserviceaccount.com", "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", "0B7E2C4D-9A1F-4E3B-8C6D-5F4A3B2C1D0E"}, UntaggedRetentionDays: &days,
		}, []string{
			`registry.pushers[0] "ci@acme.iam.gserviceaccount.com": not the Entra object ID of a service principal or managed identity, e.g. "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
			`registry.pushers[2] "0B7E2C4D-9A1F-4E3B-8C6D-5F4A3B2C1D0E": repeats registry.pushers[1]; list each pusher once`,
			`registry.untaggedRetentionDays 400: must be 0..365: the days an untagged image is kept (0 keeps them)`,
		}},
		{"GCP pushers", platform.Target{Cloud: gkefacts.Facts}, false, registry.Args{Pushers: []string{"group:ci@acme.com", "CI-Images@acme-prod.iam.gserviceaccount.com"}},
			[]string{
				`registry.pushers[0] "group:ci@acme.com": not a service account email, e.g. "ci-images@acme-prod.iam.gserviceaccount.com"`,
				`registry.pushers[1] "CI-Images@acme-prod.iam.gserviceaccount.com": write it in lowercase, "ci-images@acme-prod.iam.gserviceaccount.com": a service account email`,
			}},
		{"private on Azure without the endpoints subnet", platform.Target{Cloud: aksfacts.Facts}, true, registry.Args{},
			[]string{`registry.private true: a private registry on Azure is reached through a private endpoint in a subnet of role "private-endpoints", and the cluster's network has none; add one to network.subnets (a /28 is enough), or leave network.subnets unset for the default layout`}},
		{"bad tags", platform.Target{Cloud: fake.Facts}, false, registry.Args{Tags: map[string]string{"": "x"}},
			nil},
	} {
		_, cr := resolveCluster(t, tc.target, tc.noEndpoints)
		_, err := tc.args.Resolve("dev", "registry", tc.target, cr.Spec())
		if tc.want == nil {
			if err == nil || !strings.HasPrefix(err.Error(), "registry.tags") {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	// On GCP a private registry needs no subnet: the nodes reach Artifact
	// Registry through Private Google Access.
	gcp := platform.Target{Cloud: gkefacts.Facts}
	_, cr := resolveCluster(t, gcp, true)
	if _, err := (registry.Args{}).Resolve("dev", "registry", gcp, cr.Spec()); err != nil {
		t.Errorf("private on GCP: %v", err)
	}
}

// render creates the registry "dev" of a on a fake cluster.
func render(t *testing.T, production bool, a registry.Args) *platformtest.Snapshot {
	t.Helper()
	tg := platform.Target{Cloud: fake.Facts, Production: production}
	nr, cr := resolveCluster(t, tg, false)
	r, err := a.Resolve("dev", "registry", tg, cr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		reg, err := registry.New(ctx, r, b, cl)
		if err != nil {
			return err
		}
		ctx.Export("prefix", reg.Prefix)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestNewGrantsPullToTheNodesAndPushToThePushers(t *testing.T) {
	for _, production := range []bool{false, true} {
		snap := render(t, production, registry.Args{Pushers: []string{"ci-images", "ci-release"}})
		comp := snap.Find(registry.TypeToken, "dev")
		reg := snap.Find(fake.RegistryType, "dev-registry")
		if comp == nil || reg == nil {
			t.Fatalf("component %v, registry %v", comp, reg)
		}
		if reg.Parent != comp.URN || reg.Protect != production || reg.RetainOnDelete != production {
			t.Errorf("production %v: registry parent %s, protect %v, retain %v", production, reg.Parent, reg.Protect, reg.RetainOnDelete)
		}
		if platformtest.Input(t, reg, "tags.environment") != "test" || platformtest.Input(t, reg, "untaggedRetentionDays") != 7.0 {
			t.Errorf("registry inputs %v", reg.Inputs)
		}
		var grants []string
		for _, g := range snap.OfType(fake.GrantType) {
			if platformtest.Input(t, g, "scope") != "fake://registries/dev-registry" {
				continue
			}
			principal := platformtest.Input(t, g, "principal").(string)
			if g.Name == "dev-nodes-pull" && format.UUID(principal) {
				principal = "<the nodes' identity>" // the fake cluster's clientId
			}
			grants = append(grants, g.Name+" "+platformtest.Input(t, g, "role").(string)+" "+principal)
		}
		want := []string{
			"dev-nodes-pull " + fake.RegistryPullRole + " <the nodes' identity>",
			"dev-pusher-1 " + fake.RegistryPushRole + " ci-images",
			"dev-pusher-2 " + fake.RegistryPushRole + " ci-release",
		}
		if !reflect.DeepEqual(grants, want) {
			t.Errorf("grants on the registry:\n got %v\nwant %v", grants, want)
		}
	}
}

func TestNewNeedsResolvedArgsABackendAndACluster(t *testing.T) {
	tg := platform.Target{Cloud: fake.Facts}
	_, cr := resolveCluster(t, tg, false)
	r, err := registry.Args{}.Resolve("dev", "registry", tg, cr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		resolved registry.Resolved
		backend  bool
		want     string
	}{
		{registry.Resolved{}, true, "registry: not resolved"},
		{r, false, `registry "dev": no backend`},
		{r, true, `registry "dev": no cluster`},
	} {
		_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
			var b platform.RegistryBackend
			if c.backend {
				fb, err := fake.New(ctx, "fake")
				if err != nil {
					return err
				}
				b = fb
			}
			_, err := registry.New(ctx, c.resolved, b, nil)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

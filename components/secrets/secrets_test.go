package secrets_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/secrets"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// teams are the two teams of the tests.
var teams = []secrets.Team{
	{Name: "payments", Namespace: "payments", Tags: map[string]string{"owner": "payments"}},
	{Name: "checkout", Namespace: "checkout"},
}

// resolveCluster resolves a network and cluster of t, optionally without
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
	for _, tc := range []struct {
		name       string
		production bool
		args       secrets.Args
		private    bool
		days       int
	}{
		{"unset", false, secrets.Args{}, true, secrets.DefaultDevSoftDeleteDays},
		{"production", true, secrets.Args{}, true, secrets.DefaultSoftDeleteDays},
		{"public outside production", false, secrets.Args{Private: new(bool), SoftDeleteDays: 30}, false, 30},
	} {
		tg := platform.Target{Cloud: fake.Facts, Production: tc.production}
		_, cr := resolveCluster(t, tg, false)
		r, err := tc.args.Resolve("dev", "secrets", tg, cr.Spec(), teams, "teams")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		s := r.Spec()
		if s.Private != tc.private || s.SoftDeleteDays != tc.days || s.Locked != tc.production {
			t.Errorf("%s: private %v, soft delete %d, locked %v; want %v, %d, %v", tc.name, s.Private, s.SoftDeleteDays, s.Locked, tc.private, tc.days, tc.production)
		}
		if len(s.Teams) != 2 || s.Teams[0].ServiceAccount != secrets.DefaultServiceAccount || s.Teams[0].Namespace != "payments" {
			t.Errorf("%s: teams %+v", tc.name, s.Teams)
		}
		if s.Teams[0].Tags["team"] != "payments" || s.Teams[0].Tags["owner"] != "payments" || s.Teams[1].Tags["team"] != "checkout" {
			t.Errorf("%s: team tags %v, %v", tc.name, s.Teams[0].Tags, s.Teams[1].Tags)
		}
	}
}

// Bad settings are refused at Resolve, each once, with the field, the
// value and the fix.
func TestResolveRefuses(t *testing.T) {
	prod := platform.Target{Cloud: fake.Facts, Production: true}
	azure := platform.Target{Cloud: aksfacts.Facts}
	_, prodCluster := resolveCluster(t, prod, false)
	_, bare := resolveCluster(t, azure, true)
	no := false
	for _, tc := range []struct {
		name  string
		tg    platform.Target
		c     platform.ClusterSpec
		args  secrets.Args
		teams []secrets.Team
		want  []string
	}{
		{"public production store", prod, prodCluster.Spec(), secrets.Args{Private: &no}, teams, []string{
			`secrets.private false: a production secret store is reached only privately; remove private: false`,
		}},
		{"soft delete", prod, prodCluster.Spec(), secrets.Args{SoftDeleteDays: 3, ServiceAccount: "Secrets"}, teams, []string{
			`secrets.serviceAccount "Secrets": not a Kubernetes service account name`,
			`secrets.softDeleteDays 3: must be 7..90; leave it unset for 90 in production, 7 elsewhere`,
		}},
		{"private store without the subnet", azure, bare.Spec(), secrets.Args{}, teams, []string{
			`secrets.private true: a private secret store on Azure is reached through a private endpoint in a subnet of role "private-endpoints", and the cluster's network has none`,
		}},
		{"duplicate team", prod, prodCluster.Spec(), secrets.Args{}, append(teams, secrets.Team{Name: "payments", Namespace: "payments-batch"}), []string{
			`teams[2].team "payments": repeats teams[0].team; a team has one secret store`,
		}},
	} {
		_, err := tc.args.Resolve("dev", "secrets", tc.tg, tc.c, tc.teams, "teams")
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		for _, w := range tc.want {
			n := 0
			for _, l := range lines {
				if strings.Contains(l, w) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %d lines with %q in\n%v", tc.name, n, w, err)
			}
		}
	}
}

// render creates, for the fake cloud (production or not), the network,
// the cluster and the store of teams with wiring; newErr is New's error.
func render(t *testing.T, production bool, wiring map[string]secrets.Wiring) (snap *platformtest.Snapshot, b *fake.Backend, got *secrets.Secrets, newErr error) {
	t.Helper()
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		tg := platform.Target{Cloud: fake.Facts, Production: production}
		nr, cr := resolveCluster(t, tg, false)
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		r, err := secrets.Args{}.Resolve("dev", "secrets", tg, cr.Spec(), teams, "teams")
		if err != nil {
			return err
		}
		got, newErr = secrets.New(ctx, r, b, cl, wiring)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, b, got, newErr
}

// New creates, per team, the reader service account in the team's
// namespace, annotated with the identity the backend gave it, and hands
// the backend each team's writers.
func TestNewCreatesEachTeamsReader(t *testing.T) {
	snap, b, got, err := render(t, true, map[string]secrets.Wiring{"payments": {Writers: []pulumi.StringInput{pulumi.String("payments-admins")}}})
	if err != nil {
		t.Fatal(err)
	}
	sas := snap.OfType("kubernetes:core/v1:ServiceAccount")
	if len(sas) != 2 {
		t.Fatalf("%d service accounts, want one per team", len(sas))
	}
	for _, team := range []string{"payments", "checkout"} {
		sa := snap.Find("kubernetes:core/v1:ServiceAccount", "dev-"+team+"-reader")
		if sa == nil {
			t.Fatalf("no reader for %s", team)
		}
		if ns := platformtest.Input(t, sa, "metadata.namespace"); ns != team {
			t.Errorf("%s reader in namespace %v", team, ns)
		}
		if name := platformtest.Input(t, sa, "metadata.name"); name != secrets.DefaultServiceAccount {
			t.Errorf("%s reader named %v", team, name)
		}
		if l := platformtest.Input(t, sa, "metadata.labels.team"); l != team {
			t.Errorf("%s reader labeled team %v", team, l)
		}
		if a, ok := sa.Input("metadata.annotations"); !ok || len(a.(map[string]any)) == 0 {
			t.Errorf("%s reader has no identity annotations: %v", team, a)
		}
		if _, ok := got.Teams[team]; !ok {
			t.Errorf("no secrets of %s in the component", team)
		}
	}
	stores := b.SecretStores()
	if len(stores) != 1 {
		t.Fatalf("%d stores, want 1", len(stores))
	}
	// A private store's endpoints need the network's outputs, which only
	// the host has at New.
	if n := stores[0].Network; n.Outputs.ID.OutputState == nil || len(n.Outputs.Subnets) == 0 {
		t.Errorf("the backend received no network outputs: %+v", n.Outputs)
	}
	for _, st := range stores[0].Teams {
		if want := map[string]int{"payments": 1, "checkout": 0}[st.Team]; len(st.Writers) != want {
			t.Errorf("%s: %d writers, want %d", st.Team, len(st.Writers), want)
		}
	}
}

// Writers for a team without secrets are a mistake in the caller's wiring.
func TestNewRefusesWritersOfAnUnknownTeam(t *testing.T) {
	_, _, _, newErr := render(t, false, map[string]secrets.Wiring{"billing": {Writers: []pulumi.StringInput{pulumi.String("g")}}})
	if newErr == nil || !strings.Contains(newErr.Error(), `wiring for team "billing", which has no secrets`) {
		t.Errorf("error %v", newErr)
	}
}

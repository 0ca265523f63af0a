package platformtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// SecretsTestBackend is what the secrets suite needs: a network and cluster
// whose teams keep secrets, and the capability under test.
type SecretsTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.SecretsBackend
}

// NewSecretsBackend creates the backend under test inside a Pulumi program.
type NewSecretsBackend func(ctx *pulumi.Context) (SecretsTestBackend, error)

// SecretGrant is one right on a team's secrets as a backend registered it.
type SecretGrant struct {
	// Role is the cloud's role: an Azure role definition ID, an IAM role
	// or custom role.
	Role string
	// Scope is what the role holds on: a vault's ARM ID, a project.
	Scope string
	// Condition is the grant's IAM condition expression, "" for none.
	Condition string
	// Principal holds the role, written as the spec and outputs write it:
	// a team identity's PrincipalID or ClientID, or a writer's ID as in
	// SecretTeamSpec.Writers (no "group:" or "serviceAccount:" prefix).
	Principal string
}

// SecretsExpectations is what the secrets suite takes from the backend's
// test where clouds differ legitimately.
type SecretsExpectations struct {
	// Writers are, by team ("payments", "search"), the writer groups'
	// IDs in the cloud's form: Entra object IDs, Google group emails.
	Writers map[string][]string
	// ReaderRole is the role a team's identity gets; WriterRole the one
	// each writer group gets.
	ReaderRole, WriterRole string
	// Prefixed says the store is shared by the teams: each team's
	// secrets start with Prefix "<team>-" and every grant names it in its
	// condition. Otherwise each team has a store of its own, Prefix is ""
	// and every grant is on exactly the team's store.
	Prefixed bool
	// StoreType is the type of a team's store, one per team, protected
	// and retained when locked; "" where the store is not the stack's.
	StoreType string
	// EndpointType is the type of a private store's endpoints, one per
	// team; "" where the store has none. EndpointSubnet reads the subnet
	// ID an endpoint is in.
	EndpointType   string
	EndpointSubnet func(t testing.TB, r *Resource) string
	// Grants reads the grants a child carries; nil for one that carries
	// none.
	Grants func(t testing.TB, r *Resource) []SecretGrant
	// TagsProperty is the backend's TagsProperty; nil means that every
	// child with a "tags" or "labels" input takes the spec's tags.
	TagsProperty TagsPropertyFunc
}

// The suite's store and teams.
const secretStoreName = "secrets"

var secretTags = platform.Tags{"environment": "prod", "managed-by": "plinth", "cost-center": "cc-3001"}

// SecretStoreSpec returns the store the secrets suite asks for, without
// the cluster and network: "secrets" for teams payments (namespace
// payments) and search (namespace search), each read by the service
// account secrets-reader, with exp.Writers; 90 days of soft delete,
// private and locked as given.
func SecretStoreSpec(exp SecretsExpectations, private, locked bool) platform.SecretStoreSpec {
	spec := platform.SecretStoreSpec{Name: secretStoreName, Private: private, SoftDeleteDays: 90, Locked: locked, Tags: secretTags.Merge()}
	for _, team := range []string{"payments", "search"} {
		t := platform.SecretTeamSpec{Team: team, Namespace: team, ServiceAccount: "secrets-reader"}
		for _, w := range exp.Writers[team] {
			t.Writers = append(t.Writers, pulumi.String(w))
		}
		spec.Teams = append(spec.Teams, t)
	}
	return spec
}

// secretsResult holds what a secrets render resolved: by team, "store",
// "uri", "principal", "client"; "cluster principal", "node identity" and
// "endpoint subnet"; the teams and prefixes returned and the store's error.
type secretsResult struct {
	recorded
	teams    []string
	prefixes map[string]string
	echoed   map[string]string
	err      error
}

func renderSecrets(newBackend NewSecretsBackend, exp SecretsExpectations, private, locked bool, mutate func(*platform.SecretStoreSpec), res *secretsResult) (*Snapshot, error) {
	res.prefixes, res.echoed = map[string]string{}, map[string]string{}
	return renderOnCluster(newBackend, func(ctx *pulumi.Context, b SecretsTestBackend, sc *suiteCluster) error {
		anchor := sc.outputs.ID
		res.record(anchor, "cluster principal", sc.outputs.ControlPlanePrincipalID)
		res.record(anchor, "node identity", sc.outputs.NodeIdentity)
		if sn, ok := sc.network.Outputs.Subnets[platform.SubnetPrivateEndpoints]; ok {
			res.record(anchor, "endpoint subnet", sn.ID)
		}
		spec := SecretStoreSpec(exp, private, locked)
		spec.Cluster, spec.Network = sc.outputs, sc.network
		if mutate != nil {
			mutate(&spec)
		}
		p := &parent{}
		if err := ctx.RegisterComponentResource(parentType, spec.Name, p); err != nil {
			return err
		}
		out, err := b.NewSecretStore(ctx, spec, pulumi.Parent(p))
		if err != nil {
			res.err = err
			return nil
		}
		for team, ts := range out.Teams {
			res.teams = append(res.teams, team)
			res.prefixes[team] = ts.Prefix
			res.echoed[team] = ts.Team + " " + ts.Namespace + "/" + ts.ServiceAccount
			res.record(anchor, team+" store", ts.Store)
			res.record(anchor, team+" uri", ts.URI)
			if ts.Identity != nil {
				res.record(anchor, team+" principal", ts.Identity.PrincipalID)
				res.record(anchor, team+" client", ts.Identity.ClientID)
			}
		}
		return nil
	})
}

// SecretsConformance runs the secret store rules of docs/contract.md
// against a backend, with what differs by cloud from exp. In one stack it
// creates the "prod" network and cluster of ClusterConformance and the
// store of SecretStoreSpec under a component "secrets", and checks:
//
//   - C1-C3 on every child, C5, and C7 with exp.TagsProperty;
//   - the outputs: a TeamSecrets for exactly the spec's teams, each with
//     its store, URI, namespace and service account, Prefix "<team>-"
//     where the store is shared (exp.Prefixed) and "" otherwise, and an
//     identity of its own: set, distinct from the other team's and from
//     the cluster's node and control-plane identities (C13);
//   - every grant (exp.Grants) is scoped to one team: a team's identity
//     holds exp.ReaderRole exactly once, each of its writers
//     exp.WriterRole exactly once, each on the team's own store
//     (the scope names the team's Store; where shared, the condition names
//     the team's prefix and no other team's), and no one else holds any;
//   - locked: each of exp.StoreType is protected, and every protected
//     child is retained on delete; unlocked: nothing is protected;
//   - private, with exp.EndpointType: one endpoint per team, in the
//     network's private-endpoints subnet; public: none;
//   - C8: a store with a team twice, or 3 days of soft delete, is refused
//     naming secretStore.teams[1].team "payments" or
//     secretStore.softDeleteDays, and registers nothing.
func SecretsConformance(t *testing.T, newBackend NewSecretsBackend, exp SecretsExpectations) {
	t.Helper()
	t.Run("private and locked", func(t *testing.T) {
		res := &secretsResult{}
		snap, err := renderSecrets(newBackend, exp, true, true, nil, res)
		if err != nil {
			t.Fatalf("secrets suite: %v", err)
		}
		if res.err != nil {
			t.Fatalf("secrets suite: NewSecretStore: %v", res.err)
		}
		checkChildren(t, snap)
		checkUniqueURNs(t, snap)
		children := descendants(snap, secretStoreName)
		checkTags(t, children, secretTags, exp.TagsProperty, false)
		checkSecretOutputs(t, exp, res)
		checkSecretGrants(t, exp, children, res)
		if exp.StoreType != "" {
			stores := ofType(children, exp.StoreType)
			if len(stores) != 2 {
				t.Errorf("%d of %s registered; want one per team", len(stores), exp.StoreType)
			}
			for _, r := range stores {
				if !r.Protect {
					t.Errorf("%s %s of a locked store is not protected", r.Type, r.Name)
				}
			}
		}
		for _, r := range children {
			if r.Custom && r.Protect && !r.RetainOnDelete {
				t.Errorf("%s %s of a locked store is protected but not retained on delete", r.Type, r.Name)
			}
		}
		if exp.EndpointType != "" {
			endpoints := ofType(children, exp.EndpointType)
			if len(endpoints) != 2 {
				t.Errorf("%d endpoints of %s for 2 teams; want one per team", len(endpoints), exp.EndpointType)
			}
			want := res.get("endpoint subnet")
			for _, r := range endpoints {
				if got := exp.EndpointSubnet(t, r); got == "" || got != want {
					t.Errorf("endpoint %s is in subnet %q; want the network's private-endpoints subnet %q", r.Name, got, want)
				}
			}
		}
	})

	t.Run("public and unlocked", func(t *testing.T) {
		res := &secretsResult{}
		snap, err := renderSecrets(newBackend, exp, false, false, nil, res)
		if err != nil || res.err != nil {
			t.Fatalf("secrets suite: %v %v", err, res.err)
		}
		children := descendants(snap, secretStoreName)
		for _, r := range children {
			if r.Protect {
				t.Errorf("%s %s is protected although the store is not locked", r.Type, r.Name)
			}
		}
		if exp.EndpointType != "" {
			if n := len(ofType(children, exp.EndpointType)); n != 0 {
				t.Errorf("a public store has %d endpoints", n)
			}
		}
		checkSecretGrants(t, exp, children, res)
	})

	for _, tc := range []struct {
		name, want string
		mutate     func(*platform.SecretStoreSpec)
	}{
		{"a team twice", `secretStore.teams[1].team "payments"`, func(s *platform.SecretStoreSpec) { s.Teams[1].Team = "payments" }},
		{"soft delete out of range", "secretStore.softDeleteDays 3", func(s *platform.SecretStoreSpec) { s.SoftDeleteDays = 3 }},
	} {
		t.Run("rejected "+tc.name, func(t *testing.T) {
			res := &secretsResult{}
			snap, err := renderSecrets(newBackend, exp, true, true, tc.mutate, res)
			if err != nil {
				t.Fatalf("secrets suite: %v", err)
			}
			checkRejected(t, res.err, tc.want, tc.name, descendants(snap, secretStoreName))
		})
	}
}

// checkSecretOutputs holds the returned TeamSecrets to the contract.
func checkSecretOutputs(t *testing.T, exp SecretsExpectations, res *secretsResult) {
	t.Helper()
	slices.Sort(res.teams)
	if !slices.Equal(res.teams, []string{"payments", "search"}) {
		t.Fatalf("C4: TeamSecrets for %v; want payments and search", res.teams)
	}
	principals := map[string]string{}
	for _, team := range res.teams {
		if got, want := res.echoed[team], team+" "+team+"/secrets-reader"; got != want {
			t.Errorf("C4: team %s: %q; want the team, namespace and service account %q", team, got, want)
		}
		want := ""
		if exp.Prefixed {
			want = team + "-"
		}
		if got := res.prefixes[team]; got != want {
			t.Errorf("C4: team %s: Prefix %q, want %q", team, got, want)
		}
		for _, k := range []string{"store", "uri", "principal", "client"} {
			if res.get(team+" "+k) == "" {
				t.Errorf("C4: team %s: %s is empty", team, k)
			}
		}
		p := res.get(team + " principal")
		if other, dup := principals[p]; dup {
			t.Errorf("C13: teams %s and %s share the identity %q", other, team, p)
		}
		principals[p] = team
		for _, k := range []string{"cluster principal", "node identity"} {
			if v := res.get(k); v != "" && (v == p || v == res.get(team+" client")) {
				t.Errorf("C13: team %s reads its secrets as the cluster's %s %q", team, k, v)
			}
		}
	}
}

// checkSecretGrants holds every grant among children to its team.
func checkSecretGrants(t *testing.T, exp SecretsExpectations, children []*Resource, res *secretsResult) {
	t.Helper()
	type holder struct{ team, kind string }
	holders := map[string]holder{}
	teams := []string{"payments", "search"}
	for _, team := range teams {
		holders[res.get(team+" principal")] = holder{team, "reader"}
		holders[res.get(team+" client")] = holder{team, "reader"}
		for _, w := range exp.Writers[team] {
			holders[w] = holder{team, "writer " + w}
		}
	}
	counts := map[holder]int{}
	for _, r := range children {
		if exp.Grants == nil {
			break
		}
		for _, g := range exp.Grants(t, r) {
			h, ok := holders[g.Principal]
			if !ok || g.Principal == "" {
				t.Errorf("%s %s grants %s to %q, who is neither a team's identity nor one of its writers", r.Type, r.Name, g.Role, g.Principal)
				continue
			}
			counts[h]++
			want := exp.ReaderRole
			if h.kind != "reader" {
				want = exp.WriterRole
			}
			if g.Role != want {
				t.Errorf("%s %s: team %s's %s holds %q, want %q", r.Type, r.Name, h.team, h.kind, g.Role, want)
			}
			if err := confined(exp, g, h.team, teams, res); err != nil {
				t.Errorf("%s %s: team %s's %s: %v", r.Type, r.Name, h.team, h.kind, err)
			}
		}
	}
	for _, team := range teams {
		if n := counts[holder{team, "reader"}]; n != 1 && exp.Grants != nil {
			t.Errorf("team %s's identity holds %d grants; want exactly one, the read grant on its secrets", team, n)
		}
		for _, w := range exp.Writers[team] {
			if n := counts[holder{team, "writer " + w}]; n != 1 {
				t.Errorf("team %s's writer %s holds %d grants; want exactly one", team, w, n)
			}
		}
	}
}

// confined returns why g, held for team, reaches beyond the team's
// secrets, or nil.
func confined(exp SecretsExpectations, g SecretGrant, team string, teams []string, res *secretsResult) error {
	store := res.get(team + " store")
	if store == "" || !strings.Contains(g.Scope, store) {
		return fmt.Errorf("scope %q is not the team's store %q", g.Scope, store)
	}
	if !exp.Prefixed {
		for _, other := range teams {
			if s := res.get(other + " store"); other != team && strings.Contains(g.Scope, s) {
				return fmt.Errorf("scope %q names team %s's store", g.Scope, other)
			}
		}
		if g.Condition != "" {
			return fmt.Errorf("condition %q on a store of the team's own", g.Condition)
		}
		return nil
	}
	if !strings.Contains(g.Condition, "/secrets/"+team+"-") {
		return fmt.Errorf("condition %q does not limit the grant to secrets named %q", g.Condition, team+"-")
	}
	for _, other := range teams {
		if other != team && strings.Contains(g.Condition, "/secrets/"+other+"-") {
			return fmt.Errorf("condition %q names team %s's secrets", g.Condition, other)
		}
	}
	return nil
}

package stacks_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/stacks"
)

// TestSnapshotsAreCurrent fails when a committed snapshot no longer matches
// what the stack renders: the reviewer would read a stale graph.
func TestSnapshotsAreCurrent(t *testing.T) {
	for _, env := range stacks.All() {
		t.Run(env.Name, func(t *testing.T) {
			snap, err := stacks.Render(env)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			got, err := snap.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("..", stacks.SnapshotPath(env.Name))
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run `make snapshots` to create it", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale: the stack renders differently. Run `make snapshots` and review the diff before committing it.", stacks.SnapshotPath(env.Name))
			}
		})
	}
}

func TestRendersAreDeterministic(t *testing.T) {
	env, err := stacks.Lookup("prod-aks")
	if err != nil {
		t.Fatal(err)
	}
	var out [2][]byte
	for i := range out {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		out[i], _ = snap.Marshal()
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Error("two renders of prod-aks differ")
	}
}

func TestEveryCustomResourceUsesTheStackProvider(t *testing.T) {
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range snap.Resources {
			if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			if !strings.Contains(r.Provider, "::pulumi:providers:") || !strings.Contains(r.Provider, "::"+env.Name+"::") {
				t.Errorf("%s: %s %s uses provider %q, want the stack's explicit provider %q", env.Name, r.Type, r.Name, r.Provider, env.Name)
			}
		}
	}
}

func TestLookupUnknownStack(t *testing.T) {
	_, err := stacks.Lookup("prod")
	if err == nil || err.Error() != `no environment "prod"; the stacks are [dev-aks prod-aks dev-gke prod-gke]` {
		t.Errorf("error = %v", err)
	}
}

func TestProductionIsProtected(t *testing.T) {
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range snap.Resources {
			if strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			if want := env.Class == stacks.ClassProd; r.Protect != want {
				t.Errorf("%s (%s): %s %s protect = %v, want %v", env.Name, env.Class, r.Type, r.Name, r.Protect, want)
			}
		}
	}
}

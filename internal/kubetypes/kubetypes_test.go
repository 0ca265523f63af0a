package kubetypes_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/kubetypes"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/aks/akstypes"
	"github.com/plinth-dev/plinth/platform/gke/gketypes"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// backends are the backends' registries, which list the Kubernetes types
// only a backend registers (the GKE edge's Gateway objects).
var backends = []*resourcetype.Registry{akstypes.Registry, gketypes.Registry}

// backendType reports whether a backend's registry lists token.
func backendType(token string) bool {
	for _, r := range backends {
		if _, ok := r.Lookup(token); ok {
			return true
		}
	}
	return false
}

// isKubernetes reports whether token is a type of the Kubernetes provider.
func isKubernetes(token string) bool {
	return strings.HasPrefix(token, "kubernetes:") || token == "pulumi:providers:kubernetes"
}

// TestRegistryListsExactlyTheSnapshotsTypes checks the registry against
// the reference stacks' committed snapshots (stacks/snapshots), which hold
// every resource the components register: every Kubernetes type in them is
// in the registry or, for one only a backend registers, in that backend's
// registry (never both), and every type in the registry is in one of them.
func TestRegistryListsExactlyTheSnapshotsTypes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "stacks", "snapshots", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no snapshots in stacks/snapshots (%v)", err)
	}
	registered := map[string]bool{}
	for _, file := range files {
		for _, r := range read(t, file).Resources {
			if !isKubernetes(r.Type) {
				continue
			}
			registered[r.Type] = true
			_, ok := kubetypes.Registry.Lookup(r.Type)
			switch backend := backendType(r.Type); {
			case ok && backend:
				t.Errorf("%s: %s is in internal/kubetypes and in a backend's registry; list it once", filepath.Base(file), r.Type)
			case !ok && !backend:
				t.Errorf("%s: %s %s is not in the registry; add it to internal/kubetypes (or, for a type only a backend registers, to its registry)", filepath.Base(file), r.Type, r.Name)
			}
		}
	}
	for _, typ := range kubetypes.Registry.Tokens() {
		if !registered[typ] {
			t.Errorf("the registry lists %s, which no reference stack registers: a typo, a type the components no longer use, or an application's (Workloads)", typ)
		}
	}
}

// TestWorkloadsAreApplicationTypes checks that the application types are
// Kubernetes types the components do not register, and take no tags.
func TestWorkloadsAreApplicationTypes(t *testing.T) {
	for _, typ := range kubetypes.Workloads.Types() {
		if _, ok := kubetypes.Registry.Lookup(typ.Token); ok || !isKubernetes(typ.Token) {
			t.Errorf("%s: not an application's Kubernetes type", typ.Token)
		}
	}
	for _, typ := range append(kubetypes.Registry.Types(), kubetypes.Workloads.Types()...) {
		if typ.Tags != "" {
			t.Errorf("%s takes tags %q; Kubernetes objects carry labels of their own", typ.Token, typ.Tags)
		}
	}
}

func read(t *testing.T, file string) *snapshot.Snapshot {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close() //nolint:errcheck // read-only file
	s, err := snapshot.Read(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

package platformtest

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
)

// Snapshot is a rendered resource graph; see docs/snapshots.md for the format.
type Snapshot = snapshot.Snapshot

// Resource is one resource of a Snapshot.
type Resource = snapshot.Resource

// Render runs program under mocks for the named stack (project "plinth") and
// returns every resource it registered. The mocks answer with realistic cloud
// IDs and fail on any resource type or invoke they do not know.
func Render(stack string, program pulumi.RunFunc) (*Snapshot, error) {
	return mockcloud.Render(stack, program)
}

// Input returns the input of r at a dotted path (see snapshot.Resource.Input)
// and fails the test when r is nil or has no such input.
func Input(t testing.TB, r *Resource, path string) any {
	t.Helper()
	if r == nil {
		t.Fatalf("resource missing; cannot read its input %s", path)
	}
	v, ok := r.Input(path)
	if !ok {
		t.Fatalf("%s %s has no input %s", r.Type, r.Name, path)
	}
	return v
}

// At walks v, a snapshot input, by map key (string) or list index (int)
// and fails the test when a step is missing. Unlike Input's dotted paths,
// keys may contain dots, as annotation and label keys do
// ("azure.workload.identity/use").
func At(t testing.TB, v any, keys ...any) any {
	t.Helper()
	for i, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map at %q: %v", keys[:i], k, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("%v: no key %q in %v", keys[:i], k, m)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no element %d in %v", keys[:i], k, v)
			}
			v = l[k]
		default:
			t.Fatalf("%v: key %v is neither a string nor an int", keys[:i], k)
		}
	}
	return v
}

// StringMap returns v, a snapshot input holding a map of strings, as a
// map[string]string for comparison, failing the test on anything else.
func StringMap(t testing.TB, v any) map[string]string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%#v is not a map", v)
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("%s: %#v is not a string", k, e)
		}
		out[k] = s
	}
	return out
}

package platformtest

import (
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// TagsPropertyFunc answers, for a resource type a backend registers, the
// input that carries its tags or labels ("" for a type that takes none) and
// whether the backend knows the type: aks.TagsProperty and gke.TagsProperty.
type TagsPropertyFunc func(typeToken string) (property string, known bool)

// recorded holds the values of outputs a suite's program resolved, by key.
type recorded struct {
	mu sync.Mutex
	m  map[string]string
}

// record stores o's value under key once known. It joins o with anchor, a
// resource output, because the program waits only for outputs that descend
// from a registration: an output of constants alone (the GKE catalog's
// empty ID) might never be awaited.
func (r *recorded) record(anchor pulumi.StringOutput, key string, o pulumi.StringOutput) {
	pulumi.All(anchor, o).ApplyT(func(xs []any) string {
		v := xs[1].(string)
		r.mu.Lock()
		if r.m == nil {
			r.m = map[string]string{}
		}
		r.m[key] = v
		r.mu.Unlock()
		return v
	})
}

// get returns the value recorded under key, "" when none was.
func (r *recorded) get(key string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[key]
}

// checkTags holds children to C7: each of want's tags on every child that
// takes tags or labels. With tagsProperty (the backend's table) a child
// takes them at the input it names and a type the table does not know is an
// error; without, every child with a "tags" or "labels" input takes them.
// With requireOne, at least one child must carry them.
func checkTags(t *testing.T, children []*Resource, want platform.Tags, tagsProperty TagsPropertyFunc, requireOne bool) {
	t.Helper()
	tagged := 0
	for _, r := range children {
		for _, prop := range tagInputs(t, r, tagsProperty) {
			v, ok := r.Input(prop)
			if !ok {
				t.Errorf("C7: %s %s has no %s input; want the spec's tags %v there", r.Type, r.Name, prop, want)
				continue
			}
			got, _ := v.(map[string]any)
			tagged++
			for k, w := range want {
				if got[k] != w {
					t.Errorf("C7: %s %s: %s[%q] = %v, want %q (all of the spec's tags: %v)", r.Type, r.Name, prop, k, got[k], w, want)
				}
			}
		}
	}
	if requireOne && tagged == 0 {
		t.Errorf("C7: no child carries tags or labels; want %v on every child that accepts them", want)
	}
}

// tagInputs returns the inputs of r that must carry tags: what
// tagsProperty names for a custom resource, or without a table the "tags"
// and "labels" inputs r has.
func tagInputs(t *testing.T, r *Resource, tagsProperty TagsPropertyFunc) []string {
	t.Helper()
	if tagsProperty == nil {
		var out []string
		for _, prop := range []string{"tags", "labels"} {
			if _, ok := r.Inputs[prop]; ok {
				out = append(out, prop)
			}
		}
		return out
	}
	if !r.Custom {
		return nil
	}
	prop, known := tagsProperty(r.Type)
	switch {
	case !known:
		t.Errorf("C7: %s %s: the backend's TagsProperty does not know the type; add it to the table", r.Type, r.Name)
	case prop != "":
		return []string{prop}
	}
	return nil
}

// checkRejected holds a capability to C8 for a spec it must refuse: err,
// what the backend returned, names want (a field path and value), and
// children, what the render registered under the refused spec's
// component, is empty.
func checkRejected(t *testing.T, err error, want, what string, children []*Resource) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("C8: %s was accepted or refused for another reason (%v); want an error naming %s", what, err, want)
	}
	for _, r := range children {
		t.Errorf("C8: %s %s registered for %s", r.Type, r.Name, what)
	}
}

// checkUniqueURNs holds a snapshot to C5: no URN is registered twice.
func checkUniqueURNs(t *testing.T, snap *Snapshot) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range snap.Resources {
		if seen[r.URN] {
			t.Errorf("C5: URN %s registered twice", r.URN)
		}
		seen[r.URN] = true
	}
}

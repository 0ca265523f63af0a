package platformtest

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
)

// Snapshot is a rendered resource graph; see docs/snapshots.md for the format.
type Snapshot = snapshot.Snapshot

// Resource is one resource of a Snapshot.
type Resource = snapshot.Resource

// SecretValue is what a snapshot shows in place of a secret input.
const SecretValue = snapshot.SecretValue

// Render runs program under mocks for the named stack and returns every
// resource it registered. The mocks answer with realistic cloud IDs for
// everything Plinth registers and calls; they fail on a resource type or
// invoke they do not know unless WithResource or WithInvoke answers it, and
// on a stack reference no WithStackOutputs answers. The project is "plinth"
// unless WithProject names yours.
func Render(stack string, program pulumi.RunFunc, opts ...Option) (*Snapshot, error) {
	setup := make([]mockcloud.Option, len(opts))
	for i, o := range opts {
		setup[i] = o.apply
	}
	return mockcloud.Render(stack, program, setup...)
}

// Option configures the mocks of a Render: WithProject, WithConfig,
// WithResource, WithInvoke and WithStackOutputs make one.
type Option struct{ apply func(*mockcloud.Mocks) }

// WithProject names the Pulumi project of the render, as in your
// Pulumi.yaml: every URN holds it, so the URNs a test sees are the ones
// your stacks get.
func WithProject(name string) Option { return Option{apply: mockcloud.WithProject(name)} }

// WithConfig gives the program its stack configuration, keys in
// "namespace:key" form as in Pulumi.<stack>.yaml (for example
// "plinth:azureLocation"), so that a test runs the program as `pulumi up`
// would with that configuration.
func WithConfig(config map[string]string) Option { return Option{apply: mockcloud.WithConfig(config)} }

// WithResource answers the registration of typeToken, a resource type
// Plinth does not register (your own Key Vault, a CronJob): from the
// resource's logical name and inputs (plain values; secrets as
// SecretValue), the ID the cloud would give it and the outputs it adds to
// the inputs. Types Plinth registers keep Plinth's answers.
func WithResource(typeToken string, answer func(name string, inputs map[string]any) (id string, outputs map[string]any, err error)) Option {
	return Option{apply: mockcloud.WithResource(typeToken, answer)}
}

// WithInvoke answers calls of the function token that Plinth does not call,
// from its arguments as plain values.
func WithInvoke(token string, answer func(args map[string]any) (map[string]any, error)) Option {
	return Option{apply: mockcloud.WithInvoke(token, answer)}
}

// Outputs are a stack's outputs as another stack reads them.
type Outputs struct {
	// Values by output name: strings, numbers, bools, []any and
	// map[string]any.
	Values map[string]any
	// Secret names the outputs that are secrets.
	Secret []string
}

// WithStackOutputs answers a stack reference to stack (its fully
// qualified name, "<organization>/<project>/<stack>") with outputs, as the
// engine would after that stack was deployed.
func WithStackOutputs(stack string, outputs Outputs) Option {
	pm := resource.NewPropertyMapFromMap(outputs.Values)
	for _, k := range outputs.Secret {
		if v, ok := pm[resource.PropertyKey(k)]; ok {
			pm[resource.PropertyKey(k)] = resource.MakeSecret(v)
		}
	}
	return Option{apply: func(m *mockcloud.Mocks) { m.SetStackOutputs(stack, pm) }}
}

// RenderOutputs runs program under mocks like Render and returns, besides
// the snapshot, the values of the outputs program returns: what the stack
// would export. Pass them to WithStackOutputs to render a stack that
// references this one.
func RenderOutputs(stack string, program func(*pulumi.Context) (pulumi.Map, error), opts ...Option) (Outputs, *Snapshot, error) {
	var (
		mu     sync.Mutex
		values = map[string]any{}
		// seen resolves after the callback that stored the value ran, and
		// is secret when the output is.
		seen = map[string]pulumi.Output{}
	)
	snap, err := Render(stack, func(ctx *pulumi.Context) error {
		m, err := program(ctx)
		if err != nil {
			return err
		}
		for k, v := range m {
			seen[k] = pulumi.ToOutput(v).ApplyT(func(x any) any {
				mu.Lock()
				defer mu.Unlock()
				values[k] = x
				return x
			})
		}
		return nil
	}, opts...)
	if err != nil {
		return Outputs{}, nil, err
	}
	result := Outputs{Values: map[string]any{}}
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		secret := pulumi.IsSecret(seen[k]) // waits for the callback
		mu.Lock()
		v, ok := values[k]
		mu.Unlock()
		if !ok {
			return Outputs{}, nil, fmt.Errorf("output %q never resolved", k)
		}
		result.Values[k] = plainValue(v)
		if secret {
			result.Secret = append(result.Secret, k)
		}
	}
	return result, snap, nil
}

// plainValue turns the typed values outputs resolve to ([]string,
// map[string][]string, ...) into the []any and map[string]any an engine
// hands a stack reference.
func plainValue(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plainValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		for _, k := range rv.MapKeys() {
			out[k.String()] = plainValue(rv.MapIndex(k).Interface())
		}
		return out
	default:
		return v
	}
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

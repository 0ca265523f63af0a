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

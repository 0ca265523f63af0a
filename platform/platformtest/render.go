package platformtest

import (
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

package typeregistry

import (
	"github.com/plinth-dev/plinth/internal/kubetypes"
	"github.com/plinth-dev/plinth/platform/aks/akstypes"
	"github.com/plinth-dev/plinth/platform/fake/faketypes"
	"github.com/plinth-dev/plinth/platform/gke/gketypes"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// All holds every type of every registry. Building it panics if two
// registries list the same type.
var All = resourcetype.Merge(
	akstypes.Registry,
	gketypes.Registry,
	faketypes.Registry,
	kubetypes.Registry,
	kubetypes.Workloads,
)

package stacks

import (
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/project"
)

// ProjectName is the reference project's Pulumi project name (Pulumi.yaml
// at the repository root).
const ProjectName = "plinth"

// Project is the reference project: the six environments of All, one
// stack each, on AKS and GKE, with their snapshots under stacks/snapshots.
// cmd/plinth is its program and its plinth command (cli.Main).
func Project() project.Project {
	return project.Project{
		Name:        ProjectName,
		Stacks:      project.Environments(All()...),
		Clouds:      []project.Cloud{aks.Cloud{}, gke.Cloud{}},
		SnapshotDir: "stacks/snapshots",
	}
}

// Render draws env offline as a stack of the reference project
// (project.Project.RenderEnvironment).
func Render(env environment.Environment) (*snapshot.Snapshot, error) {
	return Project().RenderEnvironment(env)
}

// SnapshotPath is where the golden snapshot of a stack lives, relative to
// the repository root.
func SnapshotPath(stack string) string { return Project().SnapshotPath(stack) }

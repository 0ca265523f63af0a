// Command ${PROJECT} is a team's Kubernetes platforms on AKS, built from
// Plinth: the Pulumi program of its stacks, and the plinth command on them.
//
//	go run . plan                 # every stack, offline, as a tree
//	go run . check                # the readiness rules of each class
//	go run . diff --base main     # what a branch changes, stack by stack
//	go run . rollout dev prod --approve prod
//
// Each file under environments/ is one environment, deployed by the stack
// of its name.
package main

import (
	"embed"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/project"
)

//go:embed environments/*.yaml
var environments embed.FS

// Project is the platform: one stack per file under environments/. Only
// the clouds listed here are compiled in: this program links the Azure SDK
// and no other.
var Project = project.Project{
	Name:   "${PROJECT}", // as in Pulumi.yaml
	Stacks: project.YAML(environments, "environments/*.yaml"),
	Clouds: []project.Cloud{aks.Cloud{}},
}

func main() { cli.Main(Project) }

package stacks

import (
	"fmt"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/project"
)

// All returns every environment, in rollout order per cloud: dev, staging,
// prod on AKS, then on GKE.
func All() []environment.Environment {
	return []environment.Environment{devAKS(), stagingAKS(), prodAKS(), devGKE(), stagingGKE(), prodGKE()}
}

// Names returns the names of All, in order.
func Names() []string { return project.Names(All()) }

// Lookup returns the environment with the given stack name.
func Lookup(name string) (environment.Environment, error) {
	for _, e := range All() {
		if e.Name == name {
			return e, nil
		}
	}
	return environment.Environment{}, fmt.Errorf("no environment %q; the reference stacks are %v", name, Names())
}

// Command plinth is the program of Plinth's reference project (package
// stacks): the Pulumi program of its six stacks, which Pulumi.yaml at the
// repository root runs, and the plinth command on them:
//
//	go run ./cmd/plinth plan prod-aks
//	pulumi up -s prod-aks
//
// A team's own project has a main of the same one line with its own
// project (docs/getting-started.md); see package cli for the commands.
package main

import (
	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/stacks"
)

func main() { cli.Main(stacks.Project()) }

// Command team-stack is a team's own Plinth project, importing Plinth from
// outside: its environments are YAML files under environments/ (the strict
// YAML form of environment.Environment, one environment per file, each
// deployed by the stack of its name), and it deploys them on AKS.
//
// The one program is both the Pulumi program of every stack and the plinth
// command on them:
//
//	go run . plan                 # every stack, offline, as a tree
//	go run . check                # the readiness rules of each class
//	go run . diff --base main     # what a branch changes, stack by stack
//	go run . rollout shop-staging shop-prod --approve shop-prod
//
// A stack's configuration holds only where it lands (namespace plinth):
//
//	pulumi stack init shop-staging
//	pulumi config set plinth:azureSubscriptionId <uuid>
//	pulumi config set plinth:azureTenantId <uuid>
//	pulumi config set plinth:azureLocation francecentral
//	pulumi config set plinth:dnsZoneName staging.shop.example
//	pulumi config set plinth:dnsZoneId <ARM ID of the zone>
//	pulumi up -s shop-staging
//
// Built from a Plinth release (or a commit's pseudo-version), the power
// schedule's runbook is downloaded from that tag or commit. Here, inside
// Plinth's repository, go.mod replaces Plinth with the repository, which
// names no published commit: such a stack also sets
// plinth:azureRunbookBaseUrl (docs/components/powerschedule.md).
package main

import (
	"embed"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/project"
)

//go:embed environments/*.yaml
var environments embed.FS

// Project is the shop team's platform: one stack per file under
// environments/, on AKS only (the program links no Google Cloud SDK).
var Project = project.Project{
	Name:   "shop-platform", // as in Pulumi.yaml
	Stacks: project.YAML(environments, "environments/*.yaml"),
	Clouds: []project.Cloud{aks.Cloud{}},
}

func main() { cli.Main(Project) }

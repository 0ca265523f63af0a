// Command minimal-gke is the smallest development platform on GKE: the dev
// profile (one zone, spot pool, stopped at night) with a name, a cost
// center, an address range, an ACME contact and the power schedule's time
// zone. The project lists gke.Cloud only, so the program links the Google
// Cloud SDK and no Azure one.
//
//	go run . plan shop-dev
//
//	pulumi stack init shop-dev
//	gcloud projects update <project> --update-labels=plinth-environment=shop-dev
//	pulumi config set plinth:gcpProject <project>
//	pulumi config set plinth:gcpRegion europe-west1
//	pulumi config set plinth:gcpCustomerId <Cloud Identity customer ID>
//	pulumi config set plinth:gcpGroupDomain shop.example
//	pulumi config set plinth:gcpJitApplication jitgroups@shop-jit.iam.gserviceaccount.com
//	pulumi config set plinth:dnsZoneName dev.shop.example
//	pulumi config set plinth:dnsZoneId projects/<project>/managedZones/<zone name>
//	pulumi up -s shop-dev
package main

import (
	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/project"
)

// Development is the shop's development platform, deployed by the stack
// shop-dev.
func Development() environment.Environment {
	env := environment.Profile(environment.Dev, platform.CloudGCP)
	env.Name, env.CostCenter = "shop-dev", "cc-1200"
	env.Network.AddressSpace = "10.70.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	env.PowerSchedule.TimeZone = "Europe/Paris"
	return env
}

// Project is the Pulumi project minimal-gke (as in Pulumi.yaml): one
// stack, on GKE.
var Project = project.Project{
	Name:   "minimal-gke",
	Stacks: project.Environments(Development()),
	Clouds: []project.Cloud{gke.Cloud{}},
}

func main() { cli.Main(Project) }

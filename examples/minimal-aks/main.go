// Command minimal-aks is the smallest production platform on AKS: the prod
// profile with a name, a cost center, an address range and an ACME
// contact. Every other setting is the profile's (docs/stacks.md). The
// environment is a Go value (project.Environments), and the program is
// both the stack's Pulumi program and the plinth command on it:
//
//	go run . plan shop-prod
//	go run . check
//
//	pulumi stack init shop-prod
//	pulumi config set plinth:azureSubscriptionId <uuid>
//	pulumi config set plinth:azureTenantId <uuid>
//	pulumi config set plinth:azureLocation westeurope
//	pulumi config set plinth:dnsZoneName shop.example
//	pulumi config set plinth:dnsZoneId <ARM ID of the zone>
//	pulumi up -s shop-prod
package main

import (
	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/project"
)

// Production is the shop's production platform, deployed by the stack
// shop-prod.
func Production() environment.Environment {
	env := environment.Profile(environment.Prod, platform.CloudAzure)
	env.Name, env.CostCenter = "shop-prod", "cc-1200"
	env.Network.AddressSpace = "10.60.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	// Production's critical alerts reach the on-call.
	env.Observability.Receivers = []observability.Receiver{{
		Name: "oncall", Emails: []string{"oncall@shop.example"}, Severities: platform.Severities,
	}}
	return env
}

// Project is the Pulumi project minimal-aks (as in Pulumi.yaml): one
// stack, on AKS.
var Project = project.Project{
	Name:   "minimal-aks",
	Stacks: project.Environments(Production()),
	Clouds: []project.Cloud{aks.Cloud{}},
}

func main() { cli.Main(Project) }

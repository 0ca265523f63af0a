package environment_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	_ "github.com/plinth-dev/plinth/platform/gke/gkefacts" // the Google Cloud facts
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// A staging platform on GKE: start from the class's profile, set what is
// your own, override what differs, and create it on a backend.
func ExampleNew() {
	env := environment.Profile(environment.Staging, platform.CloudGCP)
	env.Name, env.CostCenter = "staging-gke", "cc-4711"
	env.Network.AddressSpace = "10.35.0.0/16"
	env.CertManager = certmanager.Args{
		Email: "platform@example.com",
		// In a stack: from plinth:dnsZoneName and plinth:dnsZoneId.
		DNSZone: &certmanager.DNSZone{Name: "staging.example.com", ID: pulumi.String("projects/dns-project/managedZones/staging-example-com")},
	}
	env.PowerSchedule.Stop = "21:00" // the profile's schedule, later in the evening
	// The teams' groups reach GKE through Google Groups for RBAC.
	env.Cluster.AdminGroups = []string{"gke-security-groups@example.com"}
	env.Teams = []accesspackage.Args{{
		Team:       "payments",
		Requestors: []string{"group:payments@example.com"},
		Approvers:  []string{"group:payments-leads@example.com"},
	}}

	_, err := platformtest.Render("staging-gke", func(ctx *pulumi.Context) error {
		// In a real program: gke.New(ctx, env.Name, gke.Config{...}). The
		// fake backend records what it is asked for; the environment is
		// resolved against the facts of its cloud, GCP.
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		p, err := environment.New(ctx, env, b)
		if err != nil {
			return err
		}
		c := p.Cluster.Spec
		fmt.Println("zones", c.Pools[0].Zones, "tier", c.Tier, "channel", c.Channel, "window", c.Window.Day)
		fmt.Println("stopped from", p.PowerSchedule.Spec.Stop, "to", p.PowerSchedule.Spec.Start, p.PowerSchedule.Spec.TimeZone)
		fmt.Println("team", p.Teams[0].Spec.Name)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// zones [b c d] tier standard channel regular window Wednesday
	// stopped from 21:00 to 07:00 UTC
	// team staging-gke-payments
}

// Everything wrong with an environment is reported at once, field path
// first, before anything is registered.
func ExampleEnvironment_Validate() {
	env := environment.Profile(environment.Prod, platform.CloudAzure)
	env.Name, env.CostCenter = "prod-aks", "cc-4711"
	env.Network.AddressSpace = "10.20.0.0/16"
	env.CertManager.Email = "platform@example.com"
	env.Backup = nil
	env.Cluster.APIServer.Public = true
	fmt.Println(env.Validate())
	// Output:
	// backup: required: a production environment is backed up; set backup (an empty mapping takes the production defaults)
	// cluster.apiServer.public true: a public API server must be limited to authorizedCIDRs, in every class; add the ranges of operators and CI that may reach it, e.g. ["203.0.113.0/24"], or keep it private
}

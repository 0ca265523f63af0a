// Command minimal-gke is the smallest development platform on GKE: the dev
// profile (one zone, spot pool, stopped at night), a name, a cost center,
// an address range and an ACME contact.
//
//	pulumi config set plinth:gcpProject <project>
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
)

// Platform is the environment this program deploys.
func Platform() environment.Environment {
	env := environment.Profile(environment.Dev, platform.CloudGCP)
	env.Name, env.CostCenter = "shop-dev", "cc-1200"
	env.Network.AddressSpace = "10.70.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	env.CertManager.IngressClass = "traefik" // no DNS zone: HTTP01
	env.PowerSchedule.TimeZone = "Europe/Paris"
	return env
}

// Program deploys Platform in the given project and region.
func Program(cfg gke.Config) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		env := Platform()
		b, err := gke.New(ctx, env.Name, cfg)
		if err != nil {
			return err
		}
		p, err := environment.New(ctx, env, b)
		if err != nil {
			return err
		}
		ctx.Export("kubeconfig", p.Cluster.Kubeconfig)
		return nil
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		return Program(gke.Config{Project: config.New(ctx, "plinth").Require("gcpProject"), Region: "europe-west1"})(ctx)
	})
}

// Command minimal-aks is the smallest production platform on AKS: the prod
// profile, a name, a cost center, an address range and an ACME contact.
// Every other setting is the profile's (docs/stacks.md).
//
//	pulumi config set plinth:azureSubscriptionId <uuid>
//	pulumi config set plinth:azureTenantId <uuid>
//	pulumi up
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
)

// Platform is the environment this program deploys.
func Platform() environment.Environment {
	env := environment.Profile(environment.Prod, platform.CloudAzure)
	env.Name, env.CostCenter = "shop-prod", "cc-1200"
	env.Network.AddressSpace = "10.60.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	return env
}

// Program deploys Platform with the given coordinates: no DNS zone here,
// so certificates are solved over HTTP01 through the ingress class.
func Program(cfg aks.Config) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		env := Platform()
		env.CertManager.IngressClass = "traefik"
		b, err := aks.New(ctx, env.Name, cfg)
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
		c := config.New(ctx, "plinth")
		return Program(aks.Config{
			SubscriptionID: c.Require("azureSubscriptionId"),
			TenantID:       c.Require("azureTenantId"),
			Location:       "westeurope",
		})(ctx)
	})
}

// Command team-stack is a team's own Pulumi project that imports Plinth
// from outside: its environment lives in environments.yaml (the YAML form
// of environment.Environment, strict), and the program deploys it on AKS.
//
//	pulumi config set plinth:azureSubscriptionId <uuid>
//	pulumi config set plinth:azureTenantId <uuid>
//	pulumi up -s shop-staging
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform/aks"
)

//go:embed environments.yaml
var definition []byte

// Environment loads the team's environment.
func Environment() (environment.Environment, error) { return environment.Load(definition) }

// Program deploys the environment with the given coordinates.
func Program(cfg aks.Config) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		env, err := Environment()
		if err != nil {
			return err
		}
		if err := env.Validate(); err != nil {
			return err
		}
		b, err := aks.New(ctx, env.Name, cfg)
		if err != nil {
			return err
		}
		_, err = environment.New(ctx, env, b)
		return err
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		c := config.New(ctx, "plinth")
		return Program(aks.Config{
			SubscriptionID: c.Require("azureSubscriptionId"),
			TenantID:       c.Require("azureTenantId"),
			Location:       "francecentral",
		})(ctx)
	})
}

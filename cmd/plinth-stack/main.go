// Command plinth-stack is the Pulumi program of the project in the
// repository root (Pulumi.yaml points here). It deploys the environment named
// by the selected stack, at the coordinates in the stack's configuration:
//
//	pulumi config set plinth:azureSubscriptionId <uuid> -s prod-aks
//	pulumi up -s prod-aks
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/stacks"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		env, err := stacks.Lookup(ctx.Stack())
		if err != nil {
			return err
		}
		coords, err := stacks.CoordinatesFromConfig(ctx, env)
		if err != nil {
			return err
		}
		return stacks.Program(env, coords)(ctx)
	})
}

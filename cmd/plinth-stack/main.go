// Command plinth-stack is the Pulumi program of the project in the
// repository root (Pulumi.yaml points here). It deploys the environment
// named by the selected stack (stacks.Lookup), at the coordinates in the
// stack's configuration:
//
//	pulumi config set plinth:azureSubscriptionId <uuid> -s prod-aks
//	pulumi up -s prod-aks
//
// A stack whose configuration holds an environment under plinth:environment
// (the YAML form of environment.Environment, as a structured value in
// Pulumi.<stack>.yaml) deploys that environment instead; its name must be
// the stack's.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/stacks"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		env, coords, err := stacks.FromConfig(ctx)
		if err != nil {
			return err
		}
		return stacks.Program(env, coords)(ctx)
	})
}

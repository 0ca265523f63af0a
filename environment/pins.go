package environment

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/platform"
)

// The stack configuration keys New enforces (namespace plinth), whoever
// wrote the program that calls it.
const (
	// ConfigVersion pins the Plinth release a stack deploys with: New
	// refuses to run under another (platform.Version).
	ConfigVersion = "version"
	// ConfigClass pins the class of the environment a stack deploys: New
	// refuses an environment of another class, so that a production stack
	// never deploys a definition stripped of production's rules.
	ConfigClass = "class"
	// configEnvironment is the key earlier releases read an environment
	// from. The environment is the program's (project.Project); New
	// refuses a stack that still sets it rather than ignore it.
	configEnvironment = "environment"
)

// CheckStackPins refuses to deploy env in a stack whose configuration pins
// another Plinth release or another class, or still holds an environment
// of its own. New calls it; a program calls it itself to fail before it
// registers its backend's provider.
func CheckStackPins(ctx *pulumi.Context, env Environment) error {
	cfg := config.New(ctx, platform.ConfigNamespace)
	ns, stack := platform.ConfigNamespace, ctx.Stack()
	var problems []string
	if pin := cfg.Get(ConfigVersion); pin != "" && strings.TrimPrefix(pin, "v") != platform.Version {
		problems = append(problems, fmt.Sprintf("%s:%s %q: the stack pins Plinth %s but this is Plinth %s; deploy it from the %s release, or move the pin after reading docs/upgrading: pulumi config set %s:%s %s -s %s",
			ns, ConfigVersion, pin, pin, platform.Version, pin, ns, ConfigVersion, platform.Version, stack))
	}
	if pin := cfg.Get(ConfigClass); pin != "" && pin != string(env.Class) {
		problems = append(problems, fmt.Sprintf("%s:%s %q: the stack is pinned to class %s but environment %s is class %s; deploy a %s environment here, or, if the stack's class really changes, review that and run: pulumi config set %s:%s %s -s %s",
			ns, ConfigClass, pin, pin, env.Name, env.Class, pin, ns, ConfigClass, env.Class, stack))
	}
	if cfg.Get(configEnvironment) != "" {
		problems = append(problems, fmt.Sprintf("%s:%s: the environment a stack deploys is the program's definition, reviewed in plan, diff and check, and is not read from configuration; move it into the project and run: pulumi config rm %s:%s -s %s",
			ns, configEnvironment, ns, configEnvironment, stack))
	}
	if len(problems) > 0 {
		return fmt.Errorf("stack %s:\n  %s", stack, strings.Join(problems, "\n  "))
	}
	return nil
}

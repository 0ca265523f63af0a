package project

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// The configuration keys of the DNS zone cert-manager solves ACME DNS01
// challenges in, read for every stack (namespace plinth): its name, and
// its cloud ID (on Azure the zone's ARM ID, on Google Cloud the managed
// zone's resource name, projects/<project>/managedZones/<zone>).
const (
	ConfigDNSZoneName = "dnsZoneName"
	ConfigDNSZoneID   = "dnsZoneId"
)

// Run runs p's program (Program) as the Pulumi program of the process:
// what a team's main function calls when the Pulumi CLI runs it. cli.Main
// does the same when the engine starts it, and is the plinth command
// otherwise.
func Run(p Project) { pulumi.Run(p.Program()) }

// Program is the Pulumi program of every stack of the project. It deploys
// the environment named after the selected stack, exactly as the project
// defines it (what plinth plan, diff, check and rollout's approval
// render), on the backend of its cloud at the coordinates in the stack's
// configuration. It fails before registering anything when the stack is
// not one of the project's, when Pulumi.yaml names another project, when a
// configuration key is missing (each named with the command that sets
// it) or holds a value the cloud refuses (named by its key), when the
// stack's pins (plinth:version, plinth:class; see environment.New) refuse
// the environment, or when the environment is invalid.
func (p Project) Program() pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		env, err := p.stackEnvironment(ctx)
		if err != nil {
			return err
		}
		if err := environment.CheckStackPins(ctx, env); err != nil {
			return err
		}
		cloud, err := p.cloud(env.Cloud)
		if err != nil {
			return err
		}
		cfg := newStackConfig(ctx)
		// The zone: adopted by its ID; with the DNS component, created
		// when no ID is given.
		zone := certmanager.DNSZone{Name: cfg.Require(ConfigDNSZoneName)}
		switch id := cfg.Get(ConfigDNSZoneID); {
		case id != "":
			zone.ID = pulumi.String(id)
		case env.DNS == nil:
			zone.ID = pulumi.String(cfg.Require(ConfigDNSZoneID))
		}
		if cfg.missingError() != nil {
			// Name the cloud's missing keys too, without creating its
			// backend: with every value blank, a backend refuses before
			// it registers anything.
			_, _ = cloud.Backend(ctx, env.Name, blankConfig{cfg})
			return cfg.missingError()
		}
		env.CertManager.DNSZone = &zone
		resolved, err := env.Resolve(cloud.Region(cfg))
		if err != nil {
			// The zone is the stack's configuration: name its keys.
			err = platform.ConfigErrors(err, env.Name, map[field.Path]string{
				"certManager.dnsZone.name": ConfigDNSZoneName, "certManager.dnsZone.id": ConfigDNSZoneID,
				"dns.zone": ConfigDNSZoneName, "dns.zoneId": ConfigDNSZoneID,
			})
			return fmt.Errorf("stack %s: environment %s is invalid:\n%w", env.Name, env.Name, err)
		}
		backend, err := cloud.Backend(ctx, env.Name, cfg)
		if missing := cfg.missingError(); missing != nil {
			return missing
		}
		if err != nil {
			return fmt.Errorf("stack %s: invalid configuration:\n%w", env.Name, err)
		}
		return p.deploy(ctx, resolved, backend)
	}
}

// stackEnvironment returns the environment of the selected stack, after
// checking that the stack and the Pulumi project are the project's.
func (p Project) stackEnvironment(ctx *pulumi.Context) (environment.Environment, error) {
	if ctx.Project() != p.Name {
		return environment.Environment{}, fmt.Errorf("stack %s: Pulumi.yaml names the project %q, but this program deploys the Plinth project %q; name them the same (the name is in every resource's URN)", ctx.Stack(), ctx.Project(), p.Name)
	}
	envs, err := p.Environments()
	if err != nil {
		return environment.Environment{}, err
	}
	return Find(p.Name, envs, ctx.Stack())
}

// deploy creates the platform of the resolved environment r on backend,
// then the team's own resources, and exports the platform's outputs (what
// application stacks read through platformref).
func (p Project) deploy(ctx *pulumi.Context, r *environment.Resolved, backend platform.Backend) error {
	env := r.Environment()
	b, ok := backend.(environment.Backend)
	if !ok {
		return fmt.Errorf("environment %s: the %s backend (%T) does not implement environment.Backend", env.Name, backend.Cloud(), backend)
	}
	created, err := environment.Build(ctx, r, b)
	if err != nil {
		return err
	}
	if p.Extend != nil {
		if err := p.Extend(ctx, created); err != nil {
			return fmt.Errorf("environment %s: Extend: %w", env.Name, err)
		}
	}
	for name, v := range created.Outputs() {
		ctx.Export(name, v)
	}
	return nil
}

// Render draws the stack named stack offline, under mocks, at the cloud's
// stand-in coordinates: the same environment and the same composition as
// Program deploys. Use it in tests, with the snapshot's Find and
// platformtest.Input.
func (p Project) Render(stack string) (*snapshot.Snapshot, error) {
	env, err := p.Lookup(stack)
	if err != nil {
		return nil, err
	}
	return p.RenderEnvironment(env)
}

// RenderEnvironment draws env offline as a stack of the project, under
// mocks: OfflineProgram, whose URNs carry the project's name. An invalid
// environment is returned as its validation problems (a *field.ErrorList,
// one per line, field path first) without running the program.
func (p Project) RenderEnvironment(env environment.Environment) (*snapshot.Snapshot, error) {
	cloud, err := p.cloud(env.Cloud)
	if err != nil {
		return nil, p.unknownCloud(env)
	}
	env.CertManager.DNSZone = offlineZone(cloud, env)
	resolved, err := env.Resolve(cloud.OfflineRegion())
	if err != nil {
		return nil, err
	}
	setup := []mockcloud.Option{mockcloud.WithProject(p.Name)}
	for typ, answer := range p.Answers.Resources {
		setup = append(setup, mockcloud.WithResource(typ, answer))
	}
	for token, answer := range p.Answers.Invokes {
		setup = append(setup, mockcloud.WithInvoke(token, answer))
	}
	return mockcloud.Render(env.Name, p.offlineProgram(cloud, resolved), setup...)
}

// unknownCloud is the error of an environment whose cloud the project does
// not list: its validation problems, which name an unknown cloud's field
// with every other problem of the environment, or the cloud's field alone
// when the cloud is known but not the project's.
func (p Project) unknownCloud(env environment.Environment) error {
	if _, err := platform.LookupCloud(env.Cloud); err != nil {
		if err := env.Validate(); err != nil {
			return err
		}
	}
	var errs field.List
	errs.Addf("cloud", string(env.Cloud), "project %s does not deploy to %s; add %s to its Clouds, or use one of its clouds, %s", p.displayName(), env.Cloud, cloudHint(env.Cloud), p.cloudNames())
	return errs.Err()
}

// cloudNames names the project's clouds for messages.
func (p Project) cloudNames() string {
	var names []string
	for _, c := range p.Clouds {
		if !isNil(c) {
			names = append(names, fmt.Sprintf("%q", c.Name()))
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// OfflineProgram is the program of env at its cloud's stand-in
// coordinates (Cloud.Offline) and a stand-in DNS zone, reading no
// configuration: what RenderEnvironment runs under mocks, and what tests
// run on the real engine against test providers. Apart from the
// coordinates it is Program's composition, unchanged.
func (p Project) OfflineProgram(env environment.Environment) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cloud, err := p.cloud(env.Cloud)
		if err != nil {
			return err
		}
		env.CertManager.DNSZone = offlineZone(cloud, env)
		resolved, err := env.Resolve(cloud.OfflineRegion())
		if err != nil {
			return fmt.Errorf("environment %s is invalid:\n%w", env.Name, err)
		}
		return p.offlineProgram(cloud, resolved)(ctx)
	}
}

// offlineProgram is OfflineProgram of the environment r, resolved with its
// stand-in DNS zone, on cloud.
func (p Project) offlineProgram(cloud Cloud, r *environment.Resolved) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		backend, err := cloud.Offline(ctx, r.Environment().Name)
		if err != nil {
			return err
		}
		return p.deploy(ctx, r, backend)
	}
}

// offlineZone is the stand-in DNS zone of an offline render of env: one
// its DNS component creates, or, without one, an existing zone's stand-in
// ID.
func offlineZone(cloud Cloud, env environment.Environment) *certmanager.DNSZone {
	name := env.Name + ".platform.example.com"
	if env.DNS != nil {
		return &certmanager.DNSZone{Name: name}
	}
	return &certmanager.DNSZone{Name: name, ID: pulumi.String(cloud.OfflineDNSZoneID(name))}
}

// stackConfig reads the stack's configuration in the plinth namespace and
// records the required keys that are unset.
type stackConfig struct {
	ctx     *pulumi.Context
	cfg     *config.Config
	missing []string
}

var _ platform.StackConfig = (*stackConfig)(nil)

func newStackConfig(ctx *pulumi.Context) *stackConfig {
	return &stackConfig{ctx: ctx, cfg: config.New(ctx, platform.ConfigNamespace)}
}

func (c *stackConfig) Get(key string) string { return c.cfg.Get(key) }

// blankConfig records the required keys that are unset, like its
// stackConfig, and answers every key with "".
type blankConfig struct{ c *stackConfig }

func (b blankConfig) Require(key string) string { b.c.Require(key); return "" }
func (blankConfig) Get(string) string           { return "" }

func (c *stackConfig) Require(key string) string {
	v := c.cfg.Get(key)
	if v == "" {
		c.missing = append(c.missing, fmt.Sprintf("%s:%s is not set; run: pulumi config set %s:%s <value> -s %s",
			platform.ConfigNamespace, key, platform.ConfigNamespace, key, c.ctx.Stack()))
	}
	return v
}

// missingError names every required key that was unset.
func (c *stackConfig) missingError() error {
	if len(c.missing) == 0 {
		return nil
	}
	return errors.New("stack " + c.ctx.Stack() + ": missing configuration:\n  " + strings.Join(c.missing, "\n  "))
}

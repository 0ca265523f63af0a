package project

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Project is a team's Plinth project: one Pulumi project whose stacks are
// the team's environments, one stack per environment, named after it. The
// same value is the Pulumi program of every stack (Program), what the
// plinth command renders, checks, compares and deploys (package cli), and
// what the team's tests render (Render).
type Project struct {
	// Name is the Pulumi project's name, as in Pulumi.yaml. Required. It
	// is part of every resource's URN, offline renders included, so that
	// the URNs a reviewer reads are the deployed ones.
	Name string
	// Stacks are the project's environments, each deployed by the stack
	// of its name. Required: Environments for Go values, YAML for files.
	Stacks Source
	// Clouds are the clouds the project deploys to: aks.Cloud{},
	// gke.Cloud{}. Required: one for each cloud an environment names.
	// List only the clouds you use: a program links only their SDKs.
	Clouds []Cloud
	// SnapshotDir is where `plinth plan --write` writes each stack's
	// snapshot, relative to the project's root (the directory of
	// Pulumi.yaml). Unset: DefaultSnapshotDir.
	SnapshotDir string
	// Extend, when set, adds the team's own resources to every stack,
	// after the platform: it is called with the created platform, in
	// deployments and offline renders alike. Give what it registers
	// pulumi.Parent(p), so that it shows in the platform's tree, and
	// pulumi.Provider(p.Provider) (the cloud's) or
	// pulumi.Provider(p.Cluster.Provider) (the cluster's): default
	// providers are disabled. Unset: the stacks hold the platform only.
	Extend func(ctx *pulumi.Context, p *environment.Platform) error
	// Answers tell offline renders what the cloud returns for the
	// resource types and functions Extend uses that Plinth does not
	// register itself. Unset: an offline render fails on such a type,
	// naming it.
	Answers Answers
}

// DefaultSnapshotDir is where snapshots go when Project.SnapshotDir is
// unset.
const DefaultSnapshotDir = "snapshots"

// Source returns a project's environments. Environments and YAML make one.
type Source func() ([]environment.Environment, error)

// Environments is the Source of environments defined as Go values.
func Environments(envs ...environment.Environment) Source {
	envs = slices.Clone(envs)
	return func() ([]environment.Environment, error) { return slices.Clone(envs), nil }
}

// YAML is the Source of environments in YAML files (environment.Load, one
// environment per file) in fsys, typically an embed.FS: the files that
// match each pattern (path.Match syntax), in the patterns' order and by
// name within a pattern. A pattern that matches no file is an error.
func YAML(fsys fs.FS, patterns ...string) Source {
	return func() ([]environment.Environment, error) {
		if len(patterns) == 0 {
			return nil, errors.New("project.YAML: name the environment files, e.g. project.YAML(files, \"environments/*.yaml\")")
		}
		var (
			envs []environment.Environment
			errs []error
		)
		for _, pattern := range patterns {
			files, err := fs.Glob(fsys, pattern)
			if err != nil {
				errs = append(errs, fmt.Errorf("project.YAML %q: %w", pattern, err))
				continue
			}
			if len(files) == 0 {
				errs = append(errs, fmt.Errorf("project.YAML %q: no file matches; embed the environment files (//go:embed %s)", pattern, pattern))
			}
			for _, f := range files {
				data, err := fs.ReadFile(fsys, f)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				env, err := environment.Load(data)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s:\n%w", f, err))
					continue
				}
				envs = append(envs, env)
			}
		}
		return envs, errors.Join(errs...)
	}
}

// Cloud is a cloud a project deploys to, implemented by aks.Cloud and
// gke.Cloud. It turns a stack's configuration into the cloud's backend.
type Cloud interface {
	// Name is the cloud an environment names in its cloud field.
	Name() platform.Cloud
	// Backend creates the backend of stack at the coordinates in the
	// stack's configuration. It validates them first: with a required
	// key unset or a value invalid, it returns an error and registers
	// nothing.
	Backend(ctx *pulumi.Context, stack string, config platform.StackConfig) (platform.Backend, error)
	// Region returns the region a stack deploys to, read from its
	// configuration ("" when unset): environments are resolved against
	// its zones before the backend exists.
	Region(config platform.StackConfig) string
	// Offline creates the backend of stack at stand-in coordinates, the
	// same on every run: what offline renders use.
	Offline(ctx *pulumi.Context, stack string) (platform.Backend, error)
	// OfflineRegion returns the region of Offline's coordinates.
	OfflineRegion() string
	// OfflineDNSZoneID returns the stand-in cloud ID of the DNS zone
	// named zone, for offline renders.
	OfflineDNSZoneID(zone string) string
	// TagsProperty says which input of a resource type the cloud
	// registers carries its tags or labels; known is false for a type
	// it does not register.
	TagsProperty(typeToken string) (property string, known bool)
}

// Answers are what offline renders answer for resource types and
// functions Plinth does not register itself (see Project.Answers).
type Answers struct {
	// Resources answer registrations, by type token: from the logical
	// name and the inputs, the cloud ID and the outputs the cloud adds.
	Resources map[string]func(name string, inputs map[string]any) (id string, outputs map[string]any, err error)
	// Invokes answer function calls, by token, from their arguments.
	Invokes map[string]func(args map[string]any) (map[string]any, error)
}

// projectName is what Pulumi accepts as a project name.
var projectName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// Environments loads the project's environments and checks the project:
// its name, its clouds, and what lies between the environments (unique
// stack names, address spaces that do not overlap, a cloud for each).
// A Source that fails (a YAML file that does not read) fails the project
// as a whole: the project is its files. Each environment's own validation
// happens when it is rendered or deployed, so that one invalid environment
// does not hide the others' renders.
func (p Project) Environments() ([]environment.Environment, error) {
	var errs field.List
	switch {
	case p.Name == "":
		errs.Add(field.Required("project.name", "the Pulumi project's name, as in Pulumi.yaml's name"))
	case !projectName.MatchString(p.Name):
		errs.Addf("project.name", p.Name, "a Pulumi project name is letters, digits, '_', '.' and '-' (at most 100); write it as in Pulumi.yaml")
	}
	if p.SnapshotDir != "" && (filepath.IsAbs(p.SnapshotDir) || !filepath.IsLocal(p.SnapshotDir)) {
		errs.Addf("project.snapshotDir", p.SnapshotDir, "a directory inside the project, relative to its root, e.g. %q", DefaultSnapshotDir)
	}
	clouds := map[platform.Cloud]int{}
	for i, c := range p.Clouds {
		if isNil(c) {
			errs.Add(field.Invalid(field.Path("project.clouds").Index(i), nil, "nil; list a cloud such as aks.Cloud{} or gke.Cloud{}"))
			continue
		}
		if j, dup := clouds[c.Name()]; dup {
			errs.Addf(field.Path("project.clouds").Index(i), string(c.Name()), "also project.clouds[%d]; list each cloud once", j)
			continue
		}
		clouds[c.Name()] = i
	}
	if p.Stacks == nil {
		errs.Add(field.Required("project.stacks", "the project's environments: project.Environments(dev, prod) or project.YAML(files, \"environments/*.yaml\")"))
		return nil, fmt.Errorf("project %s:\n%w", p.displayName(), errs.Err())
	}
	envs, err := p.Stacks()
	if err != nil {
		if len(errs) > 0 {
			return nil, fmt.Errorf("project %s:\n%w", p.displayName(), errors.Join(errs.Err(), err))
		}
		return nil, err
	}
	if len(envs) == 0 {
		errs.Add(field.Required("project.stacks", "the project defines no environment; add one"))
	}
	for i, env := range envs {
		path := field.Path("stacks").Index(i)
		if err := platform.ValidateName(path.Child("name"), env.Name); err != nil {
			err.Detail = strings.Replace(err.Detail, "give the component a logical name such as \"core\"", "the stack's name, e.g. \"shop-dev\"", 1)
			errs.Add(err)
		}
		if env.Cloud == "" {
			errs.Add(field.Required(path.Child("cloud"), "the cloud stack %s deploys to, %q or %q", env.Name, platform.CloudAzure, platform.CloudGCP))
			continue
		}
		_, listed := clouds[env.Cloud]
		_, known := cloudValues[env.Cloud]
		switch {
		case listed:
		case !known && !slices.Contains(platform.RegisteredClouds(), env.Cloud):
			// A typo, not a cloud the project forgot to list.
			errs.Addf(path.Child("cloud"), string(env.Cloud), "not a cloud; use %q (AKS) or %q (GKE)", platform.CloudAzure, platform.CloudGCP)
		default:
			errs.Addf(path.Child("cloud"), string(env.Cloud), "stack %s deploys to %s, which the project does not list; add %s to project.clouds", env.Name, env.Cloud, cloudHint(env.Cloud))
		}
	}
	if err := environment.ValidateSet(envs); err != nil {
		var list *field.ErrorList
		if !errors.As(err, &list) {
			return nil, fmt.Errorf("project %s: %w", p.Name, err)
		}
		for _, e := range list.Errors {
			errs.Add(&field.Error{Path: "stacks" + e.Path, Value: e.Value, Detail: e.Detail})
		}
	}
	if err := errs.Err(); err != nil {
		return nil, fmt.Errorf("project %s:\n%w", p.displayName(), err)
	}
	return envs, nil
}

// isNil reports whether c is nil, or a nil pointer in the interface.
func isNil(c Cloud) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// displayName is the project's name for messages.
func (p Project) displayName() string {
	if p.Name == "" {
		return "(unnamed)"
	}
	return p.Name
}

// cloudValues name, for the error that asks for a missing cloud, the
// Cloud value of each cloud Plinth has a backend for.
var cloudValues = map[platform.Cloud]string{platform.CloudAzure: "aks.Cloud{}", platform.CloudGCP: "gke.Cloud{}"}

// cloudHint names the Cloud value of c.
func cloudHint(c platform.Cloud) string {
	if v, ok := cloudValues[c]; ok {
		return v
	}
	return fmt.Sprintf("the Cloud of %q", c)
}

// Lookup returns the environment of the stack named stack.
func (p Project) Lookup(stack string) (environment.Environment, error) {
	envs, err := p.Environments()
	if err != nil {
		return environment.Environment{}, err
	}
	return Find(p.Name, envs, stack)
}

// StackNotFoundError is the error of a stack the project does not define.
type StackNotFoundError struct {
	// Project is the project's name, Stack the name asked for and Stacks
	// the project's stacks.
	Project, Stack string
	Stacks         []string
}

// Error names the stack asked for and the project's stacks.
func (e *StackNotFoundError) Error() string {
	return fmt.Sprintf("project %s has no stack %q; its stacks are %s", e.Project, e.Stack, strings.Join(e.Stacks, ", "))
}

// Find returns the environment of stack among envs, the environments of
// the project named project; a *StackNotFoundError names the stacks there
// are.
func Find(project string, envs []environment.Environment, stack string) (environment.Environment, error) {
	for _, e := range envs {
		if e.Name == stack {
			return e, nil
		}
	}
	return environment.Environment{}, &StackNotFoundError{Project: project, Stack: stack, Stacks: Names(envs)}
}

// Names returns the stack names of envs, in order.
func Names(envs []environment.Environment) []string {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.Name
	}
	return names
}

// SnapshotPath is where `plinth plan --write` writes the snapshot of
// stack, relative to the project's root, with forward slashes (the form
// git takes).
func (p Project) SnapshotPath(stack string) string {
	dir := p.SnapshotDir
	if dir == "" {
		dir = DefaultSnapshotDir
	}
	return path.Join(filepath.ToSlash(dir), stack+".json")
}

// TagsProperty answers, for a resource type of any of the project's
// clouds, which input carries its tags or labels; known is false for a
// type none of them registers.
func (p Project) TagsProperty(typeToken string) (property string, known bool) {
	for _, c := range p.Clouds {
		if isNil(c) {
			continue
		}
		if property, known = c.TagsProperty(typeToken); known {
			return property, true
		}
	}
	return "", false
}

// cloud returns the project's Cloud for c.
func (p Project) cloud(c platform.Cloud) (Cloud, error) {
	for _, cl := range p.Clouds {
		if !isNil(cl) && cl.Name() == c {
			return cl, nil
		}
	}
	return nil, fmt.Errorf("project %s has no backend for cloud %q; add %s to its Clouds", p.Name, c, cloudHint(c))
}

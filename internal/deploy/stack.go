package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"github.com/plinth-dev/plinth/project"
)

// Options say which project's stacks run, how to reach the engine and
// where state lives.
type Options struct {
	// Project is the project whose stacks run: its name is the Pulumi
	// project's and its Program the stacks' program. Required.
	Project project.Project
	// Pulumi is the path of the Pulumi CLI (pulumicli.Find).
	Pulumi string
	// WorkDir holds Pulumi.yaml and the stacks' Pulumi.<stack>.yaml
	// configuration: the repository root.
	WorkDir string
	// BackendURL is where state lives. Empty: PULUMI_BACKEND_URL, or the
	// CLI's current login (Pulumi Cloud unless `pulumi login` said
	// otherwise). A file:// URL keeps state on this machine: callers set it
	// only when the user asked for a local backend explicitly.
	BackendURL string
	// Env is added to the CLI's environment; credentials stay in the
	// user's environment and are never written here.
	Env map[string]string
	// Config, when set, gives configuration to set on each stack when it
	// is opened, over its Pulumi.<stack>.yaml (tests, and CI that passes
	// coordinates directly).
	Config func(stack string) map[string]string
	// Progress receives the engine's output as it happens; nil discards it.
	Progress io.Writer
}

// Stack is one Plinth stack opened through the Automation API.
type Stack struct {
	// Name is the stack's name, e.g. "prod-aks".
	Name  string
	stack auto.Stack
	o     Options
}

// Open selects (creating if needed) the stack name in the backend of o, with
// the project's program (project.Project.Program) served in-process.
func Open(ctx context.Context, name string, o Options) (*Stack, error) {
	if o.Project.Name == "" || o.Project.Stacks == nil {
		return nil, fmt.Errorf("stack %s: deploy.Options.Project is not set; pass the project whose program the stack runs", name)
	}
	cmd, err := Command(o.Pulumi)
	if err != nil {
		return nil, err
	}
	// The backend goes to the CLI as PULUMI_BACKEND_URL, which it reads
	// before anything else: a backend the user names wins over one in the
	// environment, and the project's Pulumi.yaml is never rewritten.
	env := maps.Clone(o.Env)
	if env == nil {
		env = map[string]string{}
	}
	if o.BackendURL != "" {
		env["PULUMI_BACKEND_URL"] = o.BackendURL
	}
	wsOpts := []auto.LocalWorkspaceOption{auto.Pulumi(cmd), auto.EnvVars(env)}
	if o.WorkDir != "" {
		wsOpts = append(wsOpts, auto.WorkDir(o.WorkDir))
	}
	if _, err := os.Stat(filepath.Join(o.WorkDir, "Pulumi.yaml")); err != nil {
		// No project here (a scratch directory): describe one, which the
		// workspace writes.
		wsOpts = append(wsOpts, auto.Project(workspace.Project{Name: tokens.PackageName(o.Project.Name), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}))
	}
	s, err := auto.UpsertStackInlineSource(ctx, name, o.Project.Name, o.Project.Program(), wsOpts...)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	st := &Stack{Name: name, stack: s, o: o}
	if o.Config != nil {
		cfg := o.Config(name)
		for _, k := range slices.Sorted(maps.Keys(cfg)) {
			if err := s.SetConfig(ctx, k, auto.ConfigValue{Value: cfg[k]}); err != nil {
				return nil, fmt.Errorf("stack %s: config %s: %w", name, k, err)
			}
		}
	}
	return st, nil
}

// Command wraps the CLI at path for the Automation API, which expects it at
// <root>/bin/pulumi: a private root links to it, made once per CLI path.
func Command(path string) (auto.PulumiCommand, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	rootsMu.Lock()
	defer rootsMu.Unlock()
	root, ok := roots[abs]
	if !ok {
		if root, err = os.MkdirTemp("", "plinth-pulumi-"); err != nil {
			return nil, err
		}
		if err := os.Mkdir(filepath.Join(root, "bin"), 0o755); err != nil {
			return nil, err
		}
		if err := os.Symlink(abs, filepath.Join(root, "bin", "pulumi")); err != nil {
			return nil, err
		}
		roots[abs] = root
	}
	return auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, Version: semver.MustParse(MinimumCLI)})
}

// roots are the private CLI roots made by Command, by CLI path.
var (
	rootsMu sync.Mutex
	roots   = map[string]string{}
)

// MinimumCLI is the oldest Pulumi CLI Plinth runs with: the release its
// SDK is pinned to.
const MinimumCLI = "3.250.0"

// Changes counts resources per operation ("create", "update", "delete",
// "replace", "same", ...), as the engine reports them.
type Changes map[string]int

// Changed reports whether anything but "same" has a count.
func (c Changes) Changed() bool {
	for op, n := range c {
		if op != string(apitype.OpSame) && n > 0 {
			return true
		}
	}
	return false
}

// String writes the counts in a stable order: "2 create, 1 update, 40 same".
func (c Changes) String() string {
	var out string
	for _, op := range slices.Sorted(maps.Keys(c)) {
		if c[op] == 0 {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += fmt.Sprintf("%d %s", c[op], op)
	}
	if out == "" {
		return "no resources"
	}
	return out
}

func (s *Stack) progress() io.Writer {
	if s.o.Progress == nil {
		return io.Discard
	}
	return s.o.Progress
}

// Preview shows what an up would change; with plan set it saves the plan
// there, for an up that must do exactly that (Up with the same plan).
func (s *Stack) Preview(ctx context.Context, plan string) (Changes, error) {
	opts := []optpreview.Option{optpreview.ProgressStreams(s.progress()), optpreview.Diff()}
	if plan != "" {
		opts = append(opts, optpreview.Plan(plan))
	}
	res, err := s.stack.Preview(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("preview %s: %w", s.Name, err)
	}
	return changesOf(res.ChangeSummary), nil
}

// Up deploys the stack; with plan set, exactly the plan a Preview saved,
// failing if the program now wants anything else.
func (s *Stack) Up(ctx context.Context, plan string) (Changes, auto.OutputMap, error) {
	opts := []optup.Option{optup.ProgressStreams(s.progress())}
	if plan != "" {
		opts = append(opts, optup.Plan(plan))
	}
	res, err := s.stack.Up(ctx, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("up %s: %w", s.Name, err)
	}
	return summaryChanges(res.Summary), res.Outputs, nil
}

// Refresh reads the stack's resources back from the cloud into its state.
func (s *Stack) Refresh(ctx context.Context) (Changes, error) {
	res, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.progress()))
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", s.Name, err)
	}
	return summaryChanges(res.Summary), nil
}

// Destroy deletes the stack's resources. The engine refuses while any is
// protected, which production's stateful resources are.
func (s *Stack) Destroy(ctx context.Context) (Changes, error) {
	res, err := s.stack.Destroy(ctx, optdestroy.ProgressStreams(s.progress()))
	if err != nil {
		return nil, fmt.Errorf("destroy %s: %w", s.Name, err)
	}
	return summaryChanges(res.Summary), nil
}

// Outputs returns the outputs of the last deployment.
func (s *Stack) Outputs(ctx context.Context) (auto.OutputMap, error) {
	return s.stack.Outputs(ctx)
}

// Export writes the stack's state to path, in the format `pulumi stack
// import` reads, for recovery. Secrets are in plain text in it (the
// Automation API exports with --show-secrets): the file is written for the
// user alone.
func (s *Stack) Export(ctx context.Context, path string) error {
	state, err := s.stack.Export(ctx)
	if err != nil {
		return fmt.Errorf("export %s: %w", s.Name, err)
	}
	data, err := json.Marshal(state)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

func changesOf(m map[apitype.OpType]int) Changes {
	out := Changes{}
	for op, n := range m {
		out[string(op)] = n
	}
	return out
}

func summaryChanges(s auto.UpdateSummary) Changes {
	out := Changes{}
	if s.ResourceChanges != nil {
		maps.Copy(out, *s.ResourceChanges)
	}
	return out
}

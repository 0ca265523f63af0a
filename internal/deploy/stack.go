package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
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
	// Color is how the Pulumi CLI colors Progress: "always", "never",
	// "raw" or "auto" ("", the CLI's own choice, which is never when its
	// output is not a terminal, as Progress is not).
	Color string
	// Abort, when closed, ends a canceled operation at once instead of
	// waiting for its resource operations in flight (a second Ctrl-C). A
	// canceled context alone interrupts the Pulumi CLI and waits for it
	// to finish: see Stack.
	Abort <-chan struct{}
}

// Stack is one Plinth stack opened through the Automation API.
//
// Every operation takes a context. When it ends (a signal, a timeout), the
// Pulumi CLI is interrupted once, as Ctrl-C would, and the operation waits
// for the CLI to finish: the engine lets the resource operations in flight
// complete, records them in the state and releases the stack's lock, so
// that no pending operation and no lock is left behind. The operation then
// returns an error wrapping the context's cause. Options.Abort ends the
// CLI at once instead.
type Stack struct {
	// Name is the stack's name, e.g. "prod-aks".
	Name  string
	stack auto.Stack
	o     Options
}

// ErrNoStack is wrapped by Open's error when the stack does not exist in
// the backend: Plinth never creates a stack.
var ErrNoStack = errors.New("no such stack")

// Open selects the existing stack name in the backend of o, with the
// project's program (project.Project.Program) served in-process. It never
// creates one: a stack missing from the backend is an error (ErrNoStack)
// that names the backend and says how to create the stack, so that a
// mistyped backend or a --local run cannot start an empty stack whose
// preview creates everything.
func Open(ctx context.Context, name string, o Options) (*Stack, error) {
	ws, err := openWorkspace(ctx, name, o)
	if err != nil {
		return nil, err
	}
	s, err := auto.SelectStack(ctx, name, ws)
	if auto.IsSelectStack404Error(err) {
		return nil, noStack(ctx, name, ws, o)
	}
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	return configure(ctx, s, o)
}

// Create creates the stack name in the backend of o, with the backend's
// default secrets provider, and opens it; it fails if the stack exists.
// Plinth's commands never call it (a person creates a stack with `pulumi
// stack init`); tests do.
func Create(ctx context.Context, name string, o Options) (*Stack, error) {
	ws, err := openWorkspace(ctx, name, o)
	if err != nil {
		return nil, err
	}
	s, err := auto.NewStack(ctx, name, ws)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	return configure(ctx, s, o)
}

// openWorkspace is the Automation API workspace of o, serving the
// project's program in-process.
func openWorkspace(ctx context.Context, name string, o Options) (auto.Workspace, error) {
	if o.Project.Name == "" || o.Project.Stacks == nil {
		return nil, fmt.Errorf("stack %s: deploy.Options.Project is not set; pass the project whose program the stack runs", name)
	}
	cmd, err := newCLICommand(o.Pulumi, o.Abort)
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
	wsOpts := []auto.LocalWorkspaceOption{auto.Pulumi(cmd), auto.EnvVars(env), auto.Program(o.Project.Program())}
	if o.WorkDir != "" {
		wsOpts = append(wsOpts, auto.WorkDir(o.WorkDir))
	}
	if _, err := os.Stat(filepath.Join(o.WorkDir, "Pulumi.yaml")); err != nil {
		// No project here (a scratch directory): describe one, which the
		// workspace writes.
		wsOpts = append(wsOpts, auto.Project(workspace.Project{Name: tokens.PackageName(o.Project.Name), Runtime: workspace.NewProjectRuntimeInfo("go", nil)}))
	}
	ws, err := auto.NewLocalWorkspace(ctx, wsOpts...)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", name, err)
	}
	return ws, nil
}

// configure sets o.Config's values on the opened stack.
func configure(ctx context.Context, s auto.Stack, o Options) (*Stack, error) {
	st := &Stack{Name: s.Name(), stack: s, o: o}
	if o.Config != nil {
		cfg := o.Config(s.Name())
		for _, k := range slices.Sorted(maps.Keys(cfg)) {
			if err := s.SetConfig(ctx, k, auto.ConfigValue{Value: cfg[k]}); err != nil {
				return nil, fmt.Errorf("stack %s: config %s: %w", s.Name(), k, err)
			}
		}
	}
	return st, nil
}

// noStack explains a stack missing from the backend: which backend was
// asked, and how to create the stack if it is the right one.
func noStack(ctx context.Context, name string, ws auto.Workspace, o Options) error {
	backend, create := o.BackendURL, "pulumi stack init "+name+" --secrets-provider <key>"
	if backend == "" {
		backend = "of PULUMI_BACKEND_URL or `pulumi login`"
		if who, err := ws.WhoAmIDetails(ctx); err == nil && who.URL != "" {
			backend = who.URL
		}
	} else {
		create = "PULUMI_BACKEND_URL=" + backend + " " + create
	}
	return fmt.Errorf("stack %s: %w in the backend %s: plinth selects existing stacks only, so a mistyped --backend or --local never starts an empty one; "+
		"check the backend, or, if it is the right one, create the stack once, with its secrets provider and configuration: %s (docs/deploying.md#creating-a-stack)",
		name, ErrNoStack, backend, create)
}

// Command returns the runner of the Pulumi CLI at path that Open gives
// the Automation API: it checks the CLI's version, and a canceled
// operation interrupts the CLI and waits for it to finish (see Stack).
func Command(path string) (auto.PulumiCommand, error) {
	return newCLICommand(path, nil)
}

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
// there, for an up that must do exactly that (Up with the same plan). It
// also returns the preview's dangers: the resources it deletes or
// replaces, in the engine's order.
func (s *Stack) Preview(ctx context.Context, plan string) (Changes, []Danger, error) {
	evs := make(chan events.EngineEvent)
	collected := make(chan []Danger, 1)
	go func() { collected <- dangersOf(evs) }()
	opts := []optpreview.Option{optpreview.ProgressStreams(s.progress()), optpreview.Diff(), optpreview.EventStreams(evs)}
	if s.o.Color != "" {
		opts = append(opts, optpreview.Color(s.o.Color))
	}
	if plan != "" {
		opts = append(opts, optpreview.Plan(plan))
	}
	res, err := s.stack.Preview(ctx, opts...)
	dangers := <-collected
	if err != nil {
		return nil, nil, fmt.Errorf("preview %s: %w", s.Name, err)
	}
	return changesOf(res.ChangeSummary), dangers, nil
}

// Up deploys the stack; with plan set, exactly the plan a Preview saved,
// failing if the program now wants anything else.
func (s *Stack) Up(ctx context.Context, plan string) (Changes, auto.OutputMap, error) {
	opts := []optup.Option{optup.ProgressStreams(s.progress())}
	if s.o.Color != "" {
		opts = append(opts, optup.Color(s.o.Color))
	}
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
	opts := []optrefresh.Option{optrefresh.ProgressStreams(s.progress())}
	if s.o.Color != "" {
		opts = append(opts, optrefresh.Color(s.o.Color))
	}
	res, err := s.stack.Refresh(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("refresh %s: %w", s.Name, err)
	}
	return summaryChanges(res.Summary), nil
}

// Destroy deletes the stack's resources. While any resource of the
// stack is protected (production's and staging's stateful resources are),
// it refuses before the engine runs (CheckDestroy): the engine itself
// would refuse only when it reached a protected resource, and a destroy
// deletes dependents first, so the unprotected resources that depend on
// protected ones (a production team's role bindings and network policies
// in its protected namespace) would be gone by then.
func (s *Stack) Destroy(ctx context.Context) (Changes, error) {
	if err := s.CheckDestroy(ctx); err != nil {
		return nil, err
	}
	opts := []optdestroy.Option{optdestroy.ProgressStreams(s.progress())}
	if s.o.Color != "" {
		opts = append(opts, optdestroy.Color(s.o.Color))
	}
	res, err := s.stack.Destroy(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("destroy %s: %w", s.Name, err)
	}
	return summaryChanges(res.Summary), nil
}

// Outputs returns the outputs of the last deployment.
func (s *Stack) Outputs(ctx context.Context) (auto.OutputMap, error) {
	return s.stack.Outputs(ctx)
}

// ErrProtected is the error of a Destroy of a stack that holds protected
// resources; nothing was deleted.
var ErrProtected = errors.New("the stack holds protected resources")

// CheckDestroy returns ErrProtected, naming the protected resources, when
// the stack's state holds any; Destroy calls it first, and a command asks
// for confirmation only once it passes. A state it cannot read is an
// error too: the check never passes by default.
func (s *Stack) CheckDestroy(ctx context.Context) error {
	raw, err := s.export(ctx)
	if err != nil {
		return fmt.Errorf("destroy %s: read its state for protected resources: %w", s.Name, err)
	}
	var state apitype.UntypedDeployment
	var d apitype.DeploymentV3
	if err := json.Unmarshal(raw, &state); err != nil {
		return fmt.Errorf("destroy %s: the CLI did not answer a deployment: %w", s.Name, err)
	}
	if state.Version == 0 {
		return fmt.Errorf("destroy %s: the CLI answered no deployment version; nothing was deleted", s.Name)
	}
	if len(state.Deployment) > 0 {
		if err := json.Unmarshal(state.Deployment, &d); err != nil {
			return fmt.Errorf("destroy %s: the state's resources: %w", s.Name, err)
		}
	}
	var protected []string
	for _, r := range d.Resources {
		if r.Protect {
			protected = append(protected, string(r.Type)+" "+r.URN.Name())
		}
	}
	if len(protected) == 0 {
		return nil
	}
	const shown = 5
	names := strings.Join(protected[:min(shown, len(protected))], ", ")
	if len(protected) > shown {
		names += fmt.Sprintf(" and %d more", len(protected)-shown)
	}
	return fmt.Errorf("destroy %s: %w (%d: %s); nothing was deleted. The engine would stop only at these, after deleting the unprotected resources that depend on them. "+
		"To retire the stack on purpose, review what it holds (pulumi stack --show-urns -s %s), then unprotect it (pulumi state unprotect --all -s %s) and destroy it "+
		"(docs/safety.md#protect)", s.Name, ErrProtected, len(protected), names, s.Name, s.Name)
}

// export returns the stack's state as `pulumi stack export` prints it,
// secrets encrypted.
func (s *Stack) export(ctx context.Context) ([]byte, error) {
	ws := s.stack.Workspace()
	var env []string
	for _, k := range slices.Sorted(maps.Keys(ws.GetEnvVars())) {
		env = append(env, k+"="+ws.GetEnvVars()[k])
	}
	stdout, stderr, _, err := ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, nil, nil, env, "stack", "export", "--stack", s.Name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr))
	}
	return []byte(stdout), nil
}

// Export writes the stack's state to path, in the format `pulumi stack
// import` reads, for recovery. Secrets stay encrypted with the stack's
// secrets provider (the export is made without --show-secrets), so the
// file holds no secret in clear; importing it needs the same provider.
// The file is written for the user alone.
func (s *Stack) Export(ctx context.Context, path string) error {
	stdout, err := s.export(ctx)
	if err != nil {
		return fmt.Errorf("export %s: %w", s.Name, err)
	}
	var state apitype.UntypedDeployment
	if err := json.Unmarshal(stdout, &state); err != nil {
		return fmt.Errorf("export %s: the CLI did not answer a deployment: %w", s.Name, err)
	}
	if state.Version == 0 {
		return fmt.Errorf("export %s: the CLI answered no deployment version", s.Name)
	}
	return os.WriteFile(path, stdout, 0o600)
}

// ExportTo exports the stack's state (Export) into dir, as
// <stack>.state.<UTC time>.json, and returns the file's path.
func (s *Stack) ExportTo(ctx context.Context, dir string, now time.Time) (string, error) {
	if err := ensureDir(dir); err != nil {
		return "", err
	}
	path := filepath.Join(dir, fmt.Sprintf("%s.state.%s.json", s.Name, now.UTC().Format("20060102T150405Z")))
	return path, s.Export(ctx, path)
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

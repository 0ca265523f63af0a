// Package cli is the plinth command, for a team's own Plinth project. A
// team's program hands its project to Main and is then both the project's
// Pulumi program and its plinth command:
//
//	func main() { cli.Main(shop.Project) }
//
//	go run . plan                     # every stack of the project, offline
//	go run . check                    # the readiness rules over every stack
//	go run . diff --base origin/main  # what the branch changes, stack by stack
//	go run . rollout shop-dev shop-prod
//	pulumi up -s shop-dev             # the Pulumi CLI runs the same program
//
// The commands:
//
//	plinth plan  [STACK...] [--format FORMAT] [--write] [--environment-file FILE]
//	plinth diff  [STACK...] [--base GIT_REF | --from FILE --to FILE] [--format FORMAT] [--exit-code]
//	plinth check [STACK...] [--format FORMAT] [--environment-file FILE] [--list]
//	plinth graph STACK [--format mermaid|dot]
//	plinth schema [--output FILE]
//	plinth preview STACK [--save-plan FILE] [--backend URL | --local] [--timeout D]
//	plinth up STACK [--plan FILE] [--yes] [--allow-delete NAME] [--allow-replace NAME] [--backend URL | --local] [--timeout D]
//	plinth refresh|destroy STACK [--backend URL | --local] [--yes] [--timeout D]
//	plinth rollout STACK... [--approve STACK] [--allow-delete NAME] [--allow-replace NAME] [--health-check CMD] [--format FORMAT] [--backend URL | --local] [--timeout D]
//
// FORMAT is one of text (for people), json (one JSON document per call, on
// stdout), markdown (a pull-request comment) and github (GitHub Actions
// annotations and folded log groups). On GitHub Actions, a rollout's
// steps are folded log groups whatever the format. The engine commands
// color the Pulumi CLI's output on a terminal and on GitHub Actions,
// unless NO_COLOR is set (--color overrides).
//
// plinth runs on Linux, macOS and Windows. CI runs every command on Linux,
// macOS shares its Unix code, and Windows is built (make cross). A
// rollout's --health-check runs with sh -c, on Windows with cmd /C.
//
// A production stack (class prod) is deployed only from a reviewed saved
// plan: `up` needs --plan, which --yes does not replace. SIGINT or SIGTERM
// cancel the running engine operation and wait for it to finish; a second
// signal stops at once.
//
// Exit codes: 0 success; 1 a stack failed (invalid environment, program or
// git error); 2 usage error (unknown stack, bad flag); 3 check found a
// violated rule, or diff --exit-code found changes; 4 diff --exit-code
// found a change reviewers must not miss (a replacement or deletion of a
// stateful or protected resource, a URN changed without an alias).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/project"
)

// The exit codes, documented in the root command's help.
const (
	exitFailed   = 1
	exitUsage    = 2
	exitFindings = 3
	exitDanger   = 4
)

// batchGCPercent is the garbage collector's target (GOGC) while a command
// runs, unless the GOGC environment variable sets one.
const batchGCPercent = 400

// usageError marks errors that exit with code 2.
type usageError struct{ error }

// exitError is an outcome with its own exit code: findings, changes.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

// Main is the main function of a team's Plinth program. Started by the
// Pulumi engine (`pulumi up`, which runs the program with no arguments and
// PULUMI_MONITOR set), it runs the project's Pulumi program
// (project.Run); otherwise it is the plinth command on the project, with
// the process's arguments, and exits with the command's exit code.
func Main(p project.Project) {
	if len(os.Args) == 1 && os.Getenv("PULUMI_MONITOR") != "" {
		project.Run(p)
		return
	}
	// SIGINT and SIGTERM cancel the running engine operation and wait for
	// it (a second one stops at once), instead of killing plinth and the
	// program the engine is running with it.
	ctx, abort, stop := notifyInterrupts(os.Stderr)
	code := run(ctx, abort, p, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run executes the plinth command line args on the project p and returns
// the exit code.
func Run(p project.Project, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(context.Background(), nil, p, args, stdin, stdout, stderr)
}

// run is Run with a context whose end cancels the running engine operation,
// and abort, whose close ends it at once.
func run(ctx context.Context, abort <-chan struct{}, p project.Project, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" {
		// A command is a short batch: rendering a stack allocates a great
		// deal that dies young, and Go's default collects as if the heap
		// lived for days. Collecting less often spends about a fifth less
		// CPU on plan, diff and check for some 20 MB more memory. GOGC
		// overrides it; the previous setting is restored on return.
		defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
	}
	root := newRootCommand(&app{project: p, abort: abort})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	_, _ = fmt.Fprintln(stderr, "plinth:", err)
	var (
		ue usageError
		ee exitError
	)
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ee):
		return ee.code
	}
	return exitFailed
}

func newRootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "plinth",
		Short: "Render, check, compare and deploy the stacks of a Plinth project",
		Long: `plinth works on the stacks of the project its program defines (project.Project),
one stack per environment. plan, diff, check and graph run offline and without
credentials: they render each stack's resource graph under mocks that answer
like the clouds. preview, up, refresh, destroy and rollout run the same program
through the Pulumi engine against the stack's backend and its cloud.

Exit codes:
  0  success
  1  a stack failed (invalid environment, program or git error)
  2  usage error (unknown stack, bad flag)
  3  check: a rule of severity error is violated;
     diff --exit-code: there are changes
  4  diff --exit-code: a change reviewers must not miss (replacement or
     deletion of a stateful or protected resource, URN changed without alias,
     rename without alias)

--format text|json|markdown|github is the same flag on plan, diff, check and
rollout; json prints one document per call.

Documentation: ` + repoURL + `/tree/main/docs`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	if envs, err := a.environments(); err == nil {
		root.Long += fmt.Sprintf("\n\nThe stacks of project %s: %s.", a.project.Name, strings.Join(project.Names(envs), ", "))
	}
	root.Version = version(a.project)
	root.SetVersionTemplate("plinth {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	// An unknown command is a usage error; plinth alone prints the help.
	root.SuggestionsMinimumDistance = 2
	root.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		hint := "run plinth help for the commands"
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			hint = "did you mean " + strings.Join(s, " or ") + "?"
		}
		return usageError{fmt.Errorf("unknown command %q; %s", args[0], hint)}
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	root.AddCommand(a.newPlanCommand(), a.newDiffCommand(), a.newCheckCommand(), a.newGraphCommand(),
		a.newEngineCommand("preview", "Show what up would change in a stack, through the Pulumi engine",
			"preview runs the stack's program through the Pulumi engine against its state and shows\nwhat an up would change."),
		a.newEngineCommand("up", "Deploy a stack through the Pulumi engine",
			"up previews the stack, asks for confirmation (--yes skips it), and deploys it. Prefer\nplinth rollout, which checks, approves and verifies."),
		a.newEngineCommand("refresh", "Read a stack's resources back from the cloud into its state",
			"refresh reads every resource of the stack from the cloud and records drift in the state."),
		a.newEngineCommand("destroy", "Delete a stack's resources through the Pulumi engine",
			"destroy deletes the stack's resources after confirmation. The engine refuses while any\nresource is protected, as production's stateful resources are."),
		a.newRolloutCommand(), a.newSchemaCommand())
	for _, c := range root.Commands() {
		if strings.Contains(c.Use, "STACK") {
			c.ValidArgsFunction = a.completeStacks
		}
	}
	return root
}

// version is what --version prints: the Plinth release the program runs
// (platform.Version), the module version Go built it from when the program
// is a team's (its go.mod's require, or a replace), and the project.
func version(p project.Project) string {
	v := platform.Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != plinthModule {
				continue
			}
			mod := d.Version
			if r := d.Replace; r != nil {
				mod = strings.TrimSpace(mod + " => " + r.Path + " " + r.Version)
			}
			v += " (module " + mod + ")"
		}
	}
	return v + ", project " + p.Name
}

// app is the command line's view of the project: its environments, loaded
// once, on first use.
type app struct {
	project project.Project
	// abort, when closed, ends a canceled engine operation at once.
	abort  <-chan struct{}
	envs   []environment.Environment
	loaded bool
	err    error
	// renderBase, when set, replaces how diff --base finds the base
	// side (tests).
	renderBase func(ctx context.Context, dir, commit string) (map[string]*snapshot.Snapshot, error)
}

// environments returns the project's environments; a project that does
// not load is an error of exit code 1, with every problem.
func (a *app) environments() ([]environment.Environment, error) {
	if !a.loaded {
		a.envs, a.err = a.project.Environments()
		a.loaded = true
	}
	return a.envs, a.err
}

// lookup returns the environment of the named stack; an unknown stack is
// a usage error that lists the project's stacks.
func (a *app) lookup(name string) (environment.Environment, error) {
	envs, err := a.environments()
	if err != nil {
		return environment.Environment{}, err
	}
	env, err := project.Find(a.project.Name, envs, name)
	if err != nil {
		return env, usageError{err}
	}
	return env, nil
}

// completeStacks offers the project's stacks not yet on the command line
// (shell completion: plinth completion bash|zsh|fish|powershell).
func (a *app) completeStacks(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	envs, err := a.environments()
	if err != nil || (strings.HasSuffix(cmd.Use, " STACK") && len(args) > 0) {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, name := range project.Names(envs) {
		if !slices.Contains(args, name) {
			out = append(out, name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// stackList names the project's stacks for help texts and errors.
func (a *app) stackList() string {
	envs, err := a.environments()
	if err != nil || len(envs) == 0 {
		return "(none)"
	}
	return strings.Join(project.Names(envs), ", ")
}

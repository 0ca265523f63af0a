package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/internal/pulumicli"
	"github.com/plinth-dev/plinth/project"
)

// engineFlags are the flags every command that runs the engine shares.
type engineFlags struct {
	backend, pulumi, dir, color string
	local                       bool
	timeout                     time.Duration
}

func (f *engineFlags) register(cmd *cobra.Command, timeoutOf string) {
	cmd.Flags().StringVar(&f.backend, "backend", "", "state backend URL (default: PULUMI_BACKEND_URL, else the Pulumi CLI's login)")
	cmd.Flags().BoolVar(&f.local, "local", false, "keep state in a local file:// backend under <dir>/.plinth/state (this machine only)")
	cmd.Flags().StringVar(&f.pulumi, "pulumi", "", "Pulumi CLI to use (default: $PLINTH_PULUMI, a pulumi >= "+pulumicli.Version+" on PATH, or bin/ from make tools)")
	cmd.Flags().StringVar(&f.dir, "dir", ".", "the project's root: Pulumi.yaml and the stacks' Pulumi.<stack>.yaml")
	cmd.Flags().DurationVar(&f.timeout, "timeout", deploy.DefaultTimeout, "how long "+timeoutOf+" may take before it is canceled (and waited for), e.g. 90m or 3h")
	cmd.Flags().StringVar(&f.color, "color", "auto", "color the Pulumi CLI's output: auto (on a terminal or GitHub Actions, unless NO_COLOR is set), always, never or raw")
}

// options resolves the flags into engine options for the project p.
func (f *engineFlags) options(p project.Project, progress io.Writer, abort <-chan struct{}) (deploy.Options, error) {
	o := deploy.Options{Project: p, WorkDir: f.dir, BackendURL: f.backend, Progress: progress, Pulumi: f.pulumi, Abort: abort}
	switch f.color {
	case "auto", "always", "never", "raw":
		o.Color = colorMode(f.color, progress)
	default:
		return o, usageError{fmt.Errorf("--color %q: use auto, always, never or raw", f.color)}
	}
	if f.timeout <= 0 {
		return o, usageError{fmt.Errorf("--timeout %s: must be positive, e.g. 2h", f.timeout)}
	}
	if err := checkPulumiYAML(f.dir, p.Name); err != nil {
		return o, err
	}
	if f.local {
		if f.backend != "" {
			return o, usageError{fmt.Errorf("--local and --backend name two backends; pick one")}
		}
		state, err := filepath.Abs(filepath.Join(f.dir, ".plinth", "state"))
		if err != nil {
			return o, err
		}
		if err := os.MkdirAll(state, 0o700); err != nil {
			return o, err
		}
		o.BackendURL = "file://" + state
	}
	if o.Pulumi == "" {
		path, err := pulumicli.Find(f.dir)
		if err != nil {
			return o, err
		}
		o.Pulumi = path
	}
	return o, nil
}

// checkPulumiYAML requires the Pulumi project file in dir, naming the
// project: the engine reads the project's settings from it (default
// providers disabled, the backend), and the stacks' configuration lies
// beside it.
func checkPulumiYAML(dir, name string) error {
	data, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return usageError{fmt.Errorf("no Pulumi.yaml in %s: run plinth from the project's root, or pass --dir (%s shows the file)", dir, docLink("getting-started.md"))}
	}
	if err != nil {
		return err
	}
	var file struct {
		Name string `yaml:"name"`
	}
	if err := yaml.Unmarshal(data, &file); err != nil {
		return fmt.Errorf("%s: %w", filepath.Join(dir, "Pulumi.yaml"), err)
	}
	if file.Name != name {
		return usageError{fmt.Errorf("%s names the project %q, but this program is the Plinth project %q; name them the same (the name is in every resource's URN)", filepath.Join(dir, "Pulumi.yaml"), file.Name, name)}
	}
	return nil
}

// stackFlags are the flags of preview, up, refresh and destroy.
type stackFlags struct {
	engineFlags
	yes bool
	// savePlan (preview) is where the plan goes; plan (up) the saved plan
	// to deploy.
	savePlan, plan string
	allow          allowFlags
	stateDir       string
}

// allowFlags name the deletes and replaces a person accepts.
type allowFlags deploy.Allow

func (f *allowFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.Delete, "allow-delete", nil, "allow the delete of this resource: its logical name or URN (repeatable)")
	cmd.Flags().StringArrayVar(&f.Replace, "allow-replace", nil, "allow the replacement of this resource: its logical name or URN (repeatable)")
}

// newEngineCommand builds preview, up, refresh or destroy of one stack.
func (a *app) newEngineCommand(op, short, long string) *cobra.Command {
	var f stackFlags
	cmd := &cobra.Command{
		Use:   op + " STACK",
		Short: short,
		Long:  long + "\n\nState lives where --backend, PULUMI_BACKEND_URL or `pulumi login` say; --local\nkeeps it in a file:// backend on this machine. The stack must exist (pulumi stack init):\nplinth never creates one. SIGINT or SIGTERM cancels the operation and waits for the\nengine to finish what is in flight. Deploying: " + docLink("deploying.md"),
		Args:  a.exactlyOneStack,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runEngine(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), op, args[0], f)
		},
	}
	f.register(cmd, "the "+op)
	switch op {
	case "preview":
		cmd.Flags().StringVar(&f.savePlan, "save-plan", "", "save the plan to FILE, for `plinth up STACK --plan FILE` (a production stack deploys only such a plan)")
	case "up":
		cmd.Flags().StringVar(&f.plan, "plan", "", "deploy exactly the plan `plinth preview STACK --save-plan FILE` saved (required for a production stack)")
		cmd.Flags().BoolVar(&f.yes, "yes", false, "do not ask for confirmation (a production stack still needs --plan)")
		cmd.Flags().StringVar(&f.stateDir, "state-dir", ".plinth/rollout", "where a production stack's state is exported before the up")
		f.allow.register(cmd)
	case "destroy":
		cmd.Flags().BoolVar(&f.yes, "yes", false, "do not ask for confirmation")
	}
	return cmd
}

func (a *app) runEngine(ctx context.Context, stdin io.Reader, stdout io.Writer, op, name string, f stackFlags) error {
	env, err := a.lookup(name)
	if err != nil {
		return err
	}
	if op == "up" && env.Production() && f.plan == "" {
		return usageError{fmt.Errorf("up %[1]s: %[1]s is a production stack (class prod), deployed only from a reviewed saved plan, and --yes does not replace one: "+
			"run `plinth preview %[1]s --save-plan %[1]s.plan.json`, have the preview reviewed, then `plinth up %[1]s --plan %[1]s.plan.json`; "+
			"or run `plinth rollout %[1]s`, which previews, checks, approves and exports state", name)}
	}
	var planDangers []deploy.Danger
	if f.plan != "" {
		if planDangers, err = readPlan(f.plan, name); err != nil {
			return err
		}
	}
	o, err := f.options(a.project, stdout, a.abort)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("%s %s did not finish within --timeout %s", op, name, f.timeout))
	defer cancel()
	start := time.Now()
	changes, err := a.engineOp(ctx, stdin, stdout, op, env, f, o, planDangers)
	if err != nil && ctx.Err() != nil {
		return exitError{code: exitFailed, err: fmt.Errorf("%s %s stopped: %w; %s", op, name, context.Cause(ctx),
			deploy.Canceled(name, op == "up" || op == "destroy"))}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "\n%s %s: %s (%s)\n", name, op, changes, time.Since(start).Round(100*time.Millisecond))
	return err
}

// engineOp opens the stack and runs op on it.
func (a *app) engineOp(ctx context.Context, stdin io.Reader, stdout io.Writer, op string, env environment.Environment, f stackFlags, o deploy.Options, planDangers []deploy.Danger) (deploy.Changes, error) {
	name := env.Name
	s, err := deploy.Open(ctx, name, o)
	if err != nil {
		return nil, err
	}
	switch op {
	case "preview":
		changes, dangers, err := s.Preview(ctx, f.savePlan)
		if err != nil {
			return nil, err
		}
		if err := writeDangers(stdout, name, dangers); err != nil {
			return nil, err
		}
		if f.savePlan != "" {
			_, err = fmt.Fprintf(stdout, "plan saved to %s: deploy exactly it with plinth up %s --plan %s\n", f.savePlan, name, f.savePlan)
		}
		return changes, err
	case "refresh":
		return s.Refresh(ctx)
	case "up":
		plan := f.plan
		if plan != "" {
			if err := a.checkSavedPlan(ctx, stdin, stdout, s, env, f, planDangers); err != nil {
				return nil, err
			}
		} else if !f.yes {
			// The up does exactly what was previewed and confirmed: the
			// preview saves its plan and the up runs it.
			dir, err := os.MkdirTemp("", "plinth-plan-")
			if err != nil {
				return nil, err
			}
			defer os.RemoveAll(dir) //nolint:errcheck // a temporary plan
			plan = filepath.Join(dir, name+".plan.json")
			if err := confirm(ctx, stdin, stdout, s, op, plan); err != nil {
				return nil, err
			}
		}
		changes, _, err := s.Up(ctx, plan)
		return changes, err
	default: // destroy
		// A stack holding protected resources is refused before anyone
		// is asked to confirm.
		if err := s.CheckDestroy(ctx); err != nil {
			return nil, err
		}
		if !f.yes {
			if err := confirm(ctx, stdin, stdout, s, op, ""); err != nil {
				return nil, err
			}
		}
		return s.Destroy(ctx)
	}
}

// readPlan reads the deletes and replaces of the saved plan at path,
// which must be the stack's.
func readPlan(path, stack string) ([]deploy.Danger, error) {
	dangers, planStacks, err := deploy.PlanDangers(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--plan: %w", err)}
	}
	if len(planStacks) > 0 && !slices.Equal(planStacks, []string{stack}) {
		return nil, usageError{fmt.Errorf("--plan %s: the plan is for stack %s, not %s; save one with plinth preview %s --save-plan FILE", path, strings.Join(planStacks, ", "), stack, stack)}
	}
	return dangers, nil
}

// checkSavedPlan stands between a saved plan and its up: its deletes and
// replaces must be allowed by name; then a production stack passes its
// readiness rules, is confirmed (unless --yes) and has its state exported,
// as a rollout would.
func (a *app) checkSavedPlan(ctx context.Context, stdin io.Reader, stdout io.Writer, s *deploy.Stack, env environment.Environment, f stackFlags, dangers []deploy.Danger) error {
	name := env.Name
	if err := writeDangers(stdout, name, dangers); err != nil {
		return err
	}
	if refused := deploy.Allow(f.allow).Refused(dangers); len(refused) > 0 {
		return exitError{code: exitFailed, err: deploy.RefusedError("up "+name, refused)}
	}
	if !env.Production() {
		return nil
	}
	if findings := deploy.Readiness(a.project, env); len(findings) > 0 {
		return exitError{code: exitFailed, err: fmt.Errorf("up %s: %d readiness rule violations, e.g. %s %s; run plinth check %s: nothing was deployed",
			name, len(findings), findings[0].Rule, findings[0].Message, name)}
	}
	if !f.yes {
		ok, err := ask(ctx, stdin, stdout, fmt.Sprintf("up %s with the plan %s? Type the stack name to go on: ", name, f.plan), name)
		if err != nil {
			return err
		}
		if !ok {
			return exitError{code: exitFailed, err: fmt.Errorf("up %s: not confirmed; nothing was done", name)}
		}
	}
	stateDir := f.stateDir
	if !filepath.IsAbs(stateDir) {
		stateDir = filepath.Join(f.dir, stateDir)
	}
	export, err := s.ExportTo(ctx, stateDir, time.Now())
	if err != nil {
		return fmt.Errorf("up %s: production is not touched without a state export: %w", name, err)
	}
	_, err = fmt.Fprintf(stdout, "%s: state exported to %s (secrets encrypted)\n", name, export)
	return err
}

// writeDangers lists a preview's or a plan's deletes and replaces.
func writeDangers(w io.Writer, stack string, dangers []deploy.Danger) error {
	if len(dangers) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s deletes or replaces %d resources:\n", stack, len(dangers))
	for _, d := range dangers {
		fmt.Fprintf(&b, "  ! %s\n", d)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// confirm previews what op would do (saving the plan of an up to plan) and
// asks the person at the terminal.
func confirm(ctx context.Context, stdin io.Reader, stdout io.Writer, s *deploy.Stack, op, plan string) error {
	if op == "up" {
		changes, dangers, err := s.Preview(ctx, plan)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(stdout, "\n%s would change: %s\n", s.Name, changes); err != nil {
			return err
		}
		if err := writeDangers(stdout, s.Name, dangers); err != nil {
			return err
		}
	}
	ok, err := ask(ctx, stdin, stdout, fmt.Sprintf("%s %s? Type the stack name to go on: ", op, s.Name), s.Name)
	if err != nil {
		return err
	}
	if !ok {
		return exitError{code: exitFailed, err: fmt.Errorf("%s %s: not confirmed; nothing was done (in CI, pass --yes)", op, s.Name)}
	}
	return nil
}

// ask prints question and reports whether the answer is want. No answer
// at all (stdin closed, as in CI) is an error that says how to confirm
// without a terminal; a signal while waiting (ctx ends) is a refusal.
func ask(ctx context.Context, stdin io.Reader, stdout io.Writer, question, want string) (bool, error) {
	if _, err := io.WriteString(stdout, question); err != nil {
		return false, err
	}
	r, ok := stdin.(*bufio.Reader)
	if !ok {
		r = bufio.NewReader(stdin)
	}
	type answer struct {
		line string
		err  error
	}
	answered := make(chan answer, 1)
	go func() {
		line, err := r.ReadString('\n')
		answered <- answer{line, err}
	}()
	var line string
	var err error
	select {
	case a := <-answered:
		line, err = a.line, a.err
	case <-ctx.Done():
		return false, fmt.Errorf("no answer: %w", context.Cause(ctx))
	}
	switch {
	case errors.Is(err, io.EOF) && line == "":
		return false, fmt.Errorf("no answer: stdin is closed; without a terminal, confirm with the command's flag (--yes, or --approve %s for a rollout)", want)
	case err != nil && !errors.Is(err, io.EOF):
		return false, err
	}
	return strings.TrimSpace(line) == want, nil
}

type rolloutFlags struct {
	engineFlags
	format   format
	allow    allowFlags
	approve  []string
	health   string
	stateDir string
}

func (a *app) newRolloutCommand() *cobra.Command {
	var f rolloutFlags
	cmd := &cobra.Command{
		Use:   "rollout STACK...",
		Short: "Deploy stacks one at a time, in order, each previewed, checked, approved, verified",
		Long: `rollout deploys the named stacks of the project in the order given (for
example dev, then staging, then prod). For each: preview with a saved plan, the readiness
rules of its class (plinth check), approval where the class demands it
(production: interactively, or --approve STACK in CI), a state export before
production is touched, up with exactly the previewed plan, verification (the
outputs are present, the stack runs this Plinth release, and the
--health-check command passes), and a follow-up preview that must show no
changes. It stops at the first failure, leaves the later stacks untouched,
and says what to do next. The report shows which Plinth release each stack
ran before and runs now.

Each step is announced with a banner and its duration (on GitHub Actions, a
folded log group). --format json prints one JSON document, the rollout's
report, on stdout, and markdown a summary table for a pull request or a job
summary; both send the engine's output and the banners to stderr. github
adds an error annotation for a failed stack.

The health check is run with sh -c (cmd /C on Windows), with PLINTH_STACK set
and the stack's non-secret outputs as JSON in PLINTH_OUTPUTS. See
` + docLink("rollout.md") + ``,
		Example: "  plinth rollout DEV STAGING PROD\n  plinth rollout DEV PROD --approve PROD --health-check ./scripts/smoke.sh",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("name the stacks to roll out, in order; the stacks of project %s are %s", a.project.Name, a.stackList())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runRollout(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, f)
		},
	}
	f.register(cmd, "each stack's steps")
	addFormatFlag(cmd, &f.format, "json: the rollout's report")
	f.allow.register(cmd)
	cmd.Flags().StringArrayVar(&f.approve, "approve", nil, "approve this stack without asking (repeatable; for CI)")
	_ = cmd.RegisterFlagCompletionFunc("approve", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		envs, err := a.environments()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return project.Names(envs), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.Flags().StringVar(&f.health, "health-check", "", "command that verifies a deployed stack (exit 0 = healthy)")
	cmd.Flags().StringVar(&f.stateDir, "state-dir", ".plinth/rollout", "where saved plans and production state exports go")
	return cmd
}

func (a *app) runRollout(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, names []string, f rolloutFlags) error {
	envs, err := a.selectEnvironments(names, nil)
	if err != nil {
		return err
	}
	for _, name := range f.approve {
		if _, err := a.lookup(name); err != nil {
			return fmt.Errorf("--approve: %w", err)
		}
	}
	// The engine's output, the banners and the questions go where the
	// report does not: stdout for people, stderr when stdout is a document.
	progress := stdout
	if f.format == formatJSON || f.format == formatMarkdown {
		progress = stderr
	}
	o, err := f.options(a.project, progress, a.abort)
	if err != nil {
		return err
	}
	in := bufio.NewReader(stdin)
	stateDir := f.stateDir
	if !filepath.IsAbs(stateDir) {
		stateDir = filepath.Join(f.dir, stateDir)
	}
	b := newBanner(progress, f.format)
	ro := deploy.RolloutOptions{
		Options:  o,
		StateDir: stateDir,
		Allow:    deploy.Allow(f.allow),
		Timeout:  f.timeout,
		Approve: func(stack string, changes deploy.Changes, dangers []deploy.Danger) (bool, error) {
			if _, err := fmt.Fprintf(progress, "\n%s would change: %s\n", stack, changes); err != nil {
				return false, err
			}
			if err := writeDangers(progress, stack, dangers); err != nil {
				return false, err
			}
			if slices.Contains(f.approve, stack) {
				_, err := fmt.Fprintf(progress, "%s approved by --approve %s\n", stack, stack)
				return err == nil, err
			}
			return ask(ctx, in, progress, fmt.Sprintf("Approve %s? Type the stack name to go on: ", stack), stack)
		},
		Step: func(stack string, step deploy.Step) func(error) {
			b.Start(stack + ": " + string(step))
			return b.Done
		},
	}
	if f.health != "" {
		ro.HealthCheck = healthCheck(f.health)
	}
	report := deploy.Rollout(ctx, envs, ro)
	var werr error
	switch f.format {
	case formatJSON:
		werr = writeRolloutJSON(stdout, report)
	case formatMarkdown:
		werr = writeRolloutMarkdown(stdout, report)
	case formatGitHub:
		werr = writeRolloutGitHub(stdout, report)
	default:
		werr = writeRollout(stdout, report)
	}
	if werr != nil {
		return werr
	}
	if err := report.Err(); err != nil {
		return exitError{code: exitFailed, err: err}
	}
	return nil
}

// healthCheck runs command with the stack's name and outputs.
func healthCheck(command string) func(context.Context, string, auto.OutputMap) error {
	return func(ctx context.Context, stack string, out auto.OutputMap) error {
		plain := map[string]any{}
		for k, v := range out {
			if !v.Secret {
				plain[k] = v.Value
			}
		}
		data, err := json.Marshal(plain)
		if err != nil {
			return err
		}
		cmd := shellCommand(ctx, command)
		cmd.Env = append(os.Environ(), "PLINTH_STACK="+stack, "PLINTH_OUTPUTS="+string(data))
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w\n%s", command, err, out)
		}
		return nil
	}
}

// writeRollout prints the rollout report: one line per stack, then what to
// do next.
func writeRollout(w io.Writer, r deploy.RolloutReport) error {
	var b strings.Builder
	b.WriteString("\nRollout:\n")
	for _, s := range r.Stacks {
		line := fmt.Sprintf("  %-12s %-8s %-10s Plinth %s", s.Stack, s.Class, s.Status, versions(s))
		if len(s.Steps) > 0 {
			line += "  " + took(s).Round(100*time.Millisecond).String()
		}
		if s.Status == deploy.Failed {
			first, _, _ := strings.Cut(s.Err.Error(), "\n")
			line += fmt.Sprintf("  at %s: %s", s.Step, first)
		}
		if s.Export != "" {
			line += "  (state exported to " + s.Export + ")"
		}
		b.WriteString(line + "\n")
	}
	for _, s := range r.Stacks {
		if s.Status == deploy.Failed {
			if _, rest, more := strings.Cut(s.Err.Error(), "\n"); more {
				fmt.Fprintf(&b, "\n%s %s failed:\n%s\n", s.Stack, s.Step, strings.TrimSpace(rest))
			}
			fmt.Fprintf(&b, "\nNext: %s\n", s.Next)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

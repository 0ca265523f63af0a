package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/check"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platformref"
	"github.com/plinth-dev/plinth/project"
)

// Step is one stage of a stack's rollout, in this order.
type Step string

// The rollout steps.
const (
	StepPreview  Step = "preview"  // preview, saving the plan
	StepCheck    Step = "check"    // the readiness rules of the stack's class
	StepGuard    Step = "guard"    // the preview's deletes and replaces must be allowed by name
	StepApprove  Step = "approve"  // a person approves, where the class demands it
	StepExport   Step = "export"   // production state is exported before it is touched
	StepUp       Step = "up"       // exactly the saved plan
	StepVerify   Step = "verify"   // outputs present, the health hook passes
	StepConverge Step = "converge" // a follow-up preview shows no changes
)

// Status is where a stack's rollout ended.
type Status string

// The statuses of a stack.
const (
	// Deployed: every step passed.
	Deployed Status = "deployed"
	// Failed: a step failed; later stacks are not touched.
	Failed Status = "failed"
	// Untouched: the rollout stopped before this stack.
	Untouched Status = "untouched"
)

// RolloutOptions configure a rollout.
type RolloutOptions struct {
	Options
	// StateDir receives the saved plans and production state exports.
	StateDir string
	// Approve asks a person to approve a stack's changes, shown with the
	// live preview's dangers (its deletes and replaces, all of them
	// allowed by then); it is called only for classes that need approval
	// (NeedsApproval). Nil refuses every such stack: in CI, approve with an
	// explicit flag.
	Approve func(stack string, changes Changes, dangers []Danger) (bool, error)
	// Allow names the deletes and replaces the rollout may make. Any other
	// delete or replace in a stack's preview fails the stack at StepGuard,
	// whatever its class: nothing is deleted or replaced that nobody named.
	Allow Allow
	// Timeout bounds each stack's steps, from opening it to the follow-up
	// preview; 0 is no bound. When it passes, the running operation is
	// canceled and waited for (see Stack), and the stack fails.
	Timeout time.Duration
	// HealthCheck is the user's verification of a deployed stack, run
	// after its outputs are checked; nil skips it.
	HealthCheck func(ctx context.Context, stack string, outputs auto.OutputMap) error
	// Now stamps state exports and times the steps; nil is time.Now.
	Now func() time.Time
	// Step, when set, is told as each step of a stack starts, and the
	// function it returns when the step ends, with its error: the CLI's
	// banners and log groups.
	Step func(stack string, step Step) (done func(error))
}

// DefaultTimeout is how long one stack's operation, or one stack's steps
// in a rollout, may take unless the --timeout flag says otherwise: long
// enough for a first deployment (a cluster takes about fifteen minutes)
// and a Kubernetes upgrade of a few node pools.
const DefaultTimeout = 2 * time.Hour

// NeedsApproval reports whether a class's rollout waits for a person:
// production always does.
func NeedsApproval(c environment.Class) bool { return c == environment.Prod }

// StackReport is what happened to one stack.
type StackReport struct {
	Stack string
	Class environment.Class
	// Status is where it ended; Step the step that failed (Failed only).
	Status Status
	Step   Step
	// Err is the failure; Next says what to do about it.
	Err  error
	Next string
	// Changes are the previewed changes and Dangers the preview's deletes
	// and replaces; Export the state file written before a production up
	// (secrets in it stay encrypted).
	Changes Changes
	Dangers []Danger
	Export  string
	// VersionBefore and VersionAfter are the Plinth releases the stack ran
	// before and after ("" when unknown: a new stack, or not deployed).
	VersionBefore, VersionAfter string
	// Steps are the steps the stack went through, in order, with how long
	// each took; the last one failed when Status is Failed.
	Steps []StepTime
}

// StepTime is how long one step of a stack's rollout took.
type StepTime struct {
	Step Step
	Took time.Duration
}

// RolloutReport is the outcome of a rollout, one report per stack in order.
type RolloutReport struct {
	Stacks []StackReport
}

// Err is the first failure, or nil when every stack deployed.
func (r RolloutReport) Err() error {
	for _, s := range r.Stacks {
		if s.Status == Failed {
			return fmt.Errorf("%s failed at %s: %w", s.Stack, s.Step, s.Err)
		}
	}
	return nil
}

// Rollout deploys envs in order, one at a time. For each it previews and
// saves the plan, runs the readiness rules, asks for approval where the
// class demands it, exports production state, runs up with exactly the
// saved plan, verifies the outputs and the health hook, and confirms that a
// second preview has nothing left to change. It stops at the first failure
// and leaves the later stacks untouched; the report says what to do next.
func Rollout(ctx context.Context, envs []environment.Environment, o RolloutOptions) RolloutReport {
	var r RolloutReport
	failed := false
	for _, env := range envs {
		if failed {
			r.Stacks = append(r.Stacks, StackReport{Stack: env.Name, Class: env.Class, Status: Untouched,
				Next: "not touched: the rollout stopped at an earlier stack"})
			continue
		}
		rep := rollOne(ctx, env, o)
		failed = rep.Status == Failed
		r.Stacks = append(r.Stacks, rep)
	}
	return r
}

func rollOne(ctx context.Context, env environment.Environment, o RolloutOptions) StackReport {
	rep := StackReport{Stack: env.Name, Class: env.Class}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, fmt.Errorf("%s did not finish within the timeout of %s", env.Name, o.Timeout))
		defer cancel()
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	// run runs one step: announced, timed and recorded.
	run := func(step Step, f func() error) error {
		var done func(error)
		if o.Step != nil {
			done = o.Step(env.Name, step)
		}
		start := now()
		err := f()
		rep.Steps = append(rep.Steps, StepTime{Step: step, Took: now().Sub(start)})
		if done != nil {
			done(err)
		}
		return err
	}
	fail := func(step Step, err error, next string) StackReport {
		rep.Status, rep.Step, rep.Err, rep.Next = Failed, step, err, next
		if ctx.Err() != nil {
			rep.Err = fmt.Errorf("%w: %w", context.Cause(ctx), err)
			rep.Next = Canceled(env.Name, step == StepUp)
		}
		return rep
	}

	plan := filepath.Join(o.StateDir, env.Name+".plan.json")
	var (
		s    *Stack
		next string
	)
	err := run(StepPreview, func() error {
		var err error
		if s, err = Open(ctx, env.Name, o.Options); err != nil {
			next = "check the backend and its credentials (docs/deploying.md), then run the rollout again"
			return err
		}
		if out, err := s.Outputs(ctx); err == nil {
			rep.VersionBefore = outputString(out, platformref.OutputPlinthVersion)
		}
		if err := ensureDir(o.StateDir); err != nil {
			next = "give a writable --state-dir"
			return err
		}
		next = "fix the program or the configuration the preview names, and run the rollout again: nothing was deployed"
		rep.Changes, rep.Dangers, err = s.Preview(ctx, plan)
		return err
	})
	if err != nil {
		return fail(StepPreview, err, next)
	}

	if err := run(StepCheck, func() error {
		if findings := Readiness(o.Project, env); len(findings) > 0 {
			return fmt.Errorf("%d readiness rule violations, e.g. %s %s", len(findings), findings[0].Rule, findings[0].Message)
		}
		return nil
	}); err != nil {
		return fail(StepCheck, err, "run `plinth check "+env.Name+"`, fix what it reports, and run the rollout again: nothing was deployed")
	}

	if err := run(StepGuard, func() error {
		if refused := o.Allow.Refused(rep.Dangers); len(refused) > 0 {
			return RefusedError(env.Name, refused)
		}
		return nil
	}); err != nil {
		return fail(StepGuard, err,
			"nothing was deployed: if the deletes and replaces are intended, run the rollout again allowing each by name (--allow-delete NAME, --allow-replace NAME); if not, fix the change")
	}

	if NeedsApproval(env.Class) {
		err := run(StepApprove, func() error {
			if o.Approve == nil {
				next = "review the preview, then approve interactively or with --approve " + env.Name + " in CI"
				return errors.New("the class needs approval and none was given")
			}
			ok, err := o.Approve(env.Name, rep.Changes, rep.Dangers)
			switch {
			case err != nil:
				next = "run the rollout again to be asked again"
				return err
			case !ok:
				next = "nothing was deployed; change the definition and run the rollout again"
				return errors.New("not approved")
			}
			return nil
		})
		if err != nil {
			return fail(StepApprove, err, next)
		}
	}

	if env.Production() {
		if err := run(StepExport, func() error {
			var err error
			rep.Export, err = s.ExportTo(ctx, o.StateDir, now())
			return err
		}); err != nil {
			return fail(StepExport, err, "production is not touched without a state export: fix the export and run the rollout again")
		}
	}

	var out auto.OutputMap
	if err := run(StepUp, func() error {
		var err error
		_, out, err = s.Up(ctx, plan)
		return err
	}); err != nil {
		return fail(StepUp, err, upNext(env, rep.Export))
	}
	rep.VersionAfter = outputString(out, platformref.OutputPlinthVersion)
	if err := run(StepVerify, func() error { return verify(ctx, env.Name, out, o.HealthCheck) }); err != nil {
		return fail(StepVerify, err, "the stack is deployed but not healthy: investigate, then roll forward with a fix or re-run the previous release's rollout (docs/rollout.md); later stacks were not touched")
	}

	err = run(StepConverge, func() error {
		again, _, err := s.Preview(ctx, "")
		if err != nil {
			next = "the follow-up preview failed: run `plinth preview " + env.Name + "` and investigate"
			return err
		}
		if again.Changed() {
			next = "the stack does not converge (a value changes on every run): find the resource in `plinth preview " + env.Name + "` and fix the program"
			return fmt.Errorf("a second preview still changes %s", again)
		}
		return nil
	})
	if err != nil {
		return fail(StepConverge, err, next)
	}
	rep.Status = Deployed
	return rep
}

// Canceled says what to do after a signal or a timeout canceled a
// stack's operation, which the engine ended after its operations in
// flight; afterUp says the canceled operation was an up, which may have
// changed some resources.
func Canceled(stack string, afterUp bool) string {
	next := "the operation was canceled and the engine finished the resource operations in flight before it stopped: the stack's lock is released"
	if afterUp {
		next += "; some resources may have changed, and the state records which: run `plinth preview " + stack + "` to see what remains, then run again"
	} else {
		next += "; nothing was deployed: run again"
	}
	return next
}

// upNext says what to do when an up fails half-way.
func upNext(env environment.Environment, export string) string {
	next := "the up stopped part-way: read the error, fix forward and run the rollout again (the saved plan is no longer valid, a new preview is made); to go back, re-run the previous release's rollout (docs/rollout.md)"
	if export != "" {
		next += "; the state before the up is in " + export + " for recovery (state import is surgery: see docs/rollout.md)"
	}
	return next
}

// Readiness runs the readiness rules of env's class over its rendered
// graph (the environment the stack's program deploys, as plinth check
// renders it) and returns the findings of severity error.
func Readiness(p project.Project, env environment.Environment) []check.Finding {
	snap, err := p.RenderEnvironment(env)
	if err != nil {
		return []check.Finding{{Rule: "render", Severity: check.SeverityError, Stack: env.Name, Message: err.Error()}}
	}
	findings := check.Run(check.Target{Snapshot: snap, Class: string(env.Class), Cloud: string(env.Cloud), TagsProperty: p.TagsProperty})
	return slices.DeleteFunc(findings, func(f check.Finding) bool { return f.Severity != check.SeverityError })
}

// MissingOutputs returns the outputs of platformref.RequiredOutputs that a
// deployed stack's outputs lack, or hold as null or "", in that order.
func MissingOutputs(out auto.OutputMap) []string {
	var missing []string
	for _, k := range platformref.RequiredOutputs() {
		if v, ok := out[k]; !ok || v.Value == nil || v.Value == "" {
			missing = append(missing, k)
		}
	}
	return missing
}

// verify checks that a deployed stack has every required output, runs this
// release, and passes the user's health hook.
func verify(ctx context.Context, stack string, out auto.OutputMap, hook func(context.Context, string, auto.OutputMap) error) error {
	if missing := MissingOutputs(out); len(missing) > 0 {
		return fmt.Errorf("outputs missing after up: %v", missing)
	}
	if v := outputString(out, platformref.OutputPlinthVersion); v != platform.Version {
		return fmt.Errorf("the stack reports Plinth %q, not %s", v, platform.Version)
	}
	if hook != nil {
		if err := hook(ctx, stack, out); err != nil {
			return fmt.Errorf("health check: %w", err)
		}
	}
	return nil
}

func outputString(out auto.OutputMap, key string) string {
	if v, ok := out[key].Value.(string); ok {
		return v
	}
	return ""
}

// ensureDir makes the rollout's state directory.
func ensureDir(dir string) error { return os.MkdirAll(dir, 0o700) }

//go:build integration

package deploy_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/project"
)

// TestOpenNeverCreatesAStack: a stack missing from the backend (a
// mistyped backend, a --local run) is an error that says how to create
// it, and the backend is left without it.
func TestOpenNeverCreatesAStack(t *testing.T) {
	o, _ := options(t, nil)
	_, err := deploy.Open(context.Background(), "dev-gke", o)
	if !errors.Is(err, deploy.ErrNoStack) {
		t.Fatalf("Open of a missing stack: %v, want ErrNoStack", err)
	}
	want := "stack dev-gke: no such stack in the backend " + o.BackendURL + ": plinth selects existing stacks only, so a mistyped --backend or --local never starts an empty one; " +
		"check the backend, or, if it is the right one, create the stack once, with its secrets provider and configuration: " +
		"PULUMI_BACKEND_URL=" + o.BackendURL + " pulumi stack init dev-gke --secrets-provider <key> (docs/deploying.md#creating-a-stack)"
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
	if _, err := deploy.Open(context.Background(), "dev-gke", o); !errors.Is(err, deploy.ErrNoStack) {
		t.Errorf("a second Open found the stack: the first created it (%v)", err)
	}
	// A rollout stops at the first stack, at its preview, before anything
	// is created.
	report := deploy.Rollout(context.Background(), lookup(t, "dev-gke"), deploy.RolloutOptions{Options: o, StateDir: t.TempDir()})
	if s := report.Stacks[0]; s.Status != deploy.Failed || s.Step != deploy.StepPreview || !errors.Is(s.Err, deploy.ErrNoStack) {
		t.Errorf("rollout of a missing stack: %s at %s: %v", s.Status, s.Step, s.Err)
	}
}

// TestExportKeepsSecretsEncrypted: the state export holds the stack's
// secrets as ciphertext only.
func TestExportKeepsSecretsEncrypted(t *testing.T) {
	o, _ := options(t, nil)
	ctx := context.Background()
	s, err := deploy.Create(ctx, "dev-gke", o)
	if err != nil {
		t.Fatal(err)
	}
	_, out, err := s.Up(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, ok := out["kubeconfig"].Value.(string)
	if !out["kubeconfig"].Secret || !ok || len(kubeconfig) < 20 {
		t.Fatalf("want a secret kubeconfig output to look for, got %+v", out["kubeconfig"])
	}
	path, err := s.ExportTo(ctx, t.TempDir(), time.Date(2026, 12, 7, 10, 15, 2, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "dev-gke.state.20261207T101502Z.json" {
		t.Errorf("export file %s", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(kubeconfig, "\n") {
		if len(line) > 12 && strings.Contains(string(data), line) {
			t.Errorf("the export holds the kubeconfig in clear: %q", line)
		}
	}
	if !strings.Contains(string(data), `"ciphertext"`) || !strings.Contains(string(data), `"secrets_providers"`) {
		t.Error("the export holds no encrypted secret and no secrets provider")
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("export mode: %v %v", info.Mode(), err)
	}
}

// withoutTeams is the reference project with dev-gke's teams removed: a
// change that deletes their namespaces, groups and grants.
func withoutTeams(t *testing.T, o deploy.Options) deploy.Options {
	t.Helper()
	env := lookup(t, "dev-gke")[0]
	if len(env.Teams) == 0 {
		t.Fatal("dev-gke has no teams to remove")
	}
	env.Teams = nil
	p := o.Project
	p.Stacks = project.Environments(env)
	o.Project = p
	return o
}

// TestRolloutRefusesDeletesNobodyAllowed: the live preview's deletes fail
// the stack at the guard, before anything changes, unless each is allowed
// by name; the approval is shown them.
func TestRolloutRefusesDeletesNobodyAllowed(t *testing.T) {
	envs := lookup(t, "dev-gke")
	o, providers := options(t, envs)
	create(t, o, envs)
	ctx := context.Background()
	if r := deploy.Rollout(ctx, envs, deploy.RolloutOptions{Options: o, StateDir: t.TempDir()}); r.Err() != nil {
		t.Fatal(r.Err())
	}
	providers.ResetCalls()

	smaller := withoutTeams(t, o)
	envs = []environment.Environment{envs[0]}
	envs[0].Teams = nil
	report := deploy.Rollout(ctx, envs, deploy.RolloutOptions{Options: smaller, StateDir: t.TempDir()})
	s := report.Stacks[0]
	if s.Status != deploy.Failed || s.Step != deploy.StepGuard || len(s.Dangers) == 0 {
		t.Fatalf("rollout deleting the teams: %s at %s, %d dangers: %v", s.Status, s.Step, len(s.Dangers), s.Err)
	}
	if !strings.Contains(s.Err.Error(), "deletes or replaces not allowed: delete ") || !strings.Contains(s.Err.Error(), "--allow-delete ") {
		t.Errorf("guard error: %v", s.Err)
	}
	if calls := providers.Calls(); len(calls) > 0 {
		t.Errorf("the refused rollout changed resources: %v", calls[0])
	}

	var allow deploy.Allow
	for _, d := range s.Dangers {
		if d.Op != deploy.DangerDelete {
			t.Errorf("unexpected %s", d)
		}
		allow.Delete = append(allow.Delete, d.Name())
	}
	report = deploy.Rollout(ctx, envs, deploy.RolloutOptions{Options: smaller, StateDir: t.TempDir(), Allow: allow})
	if err := report.Err(); err != nil {
		t.Fatalf("rollout with the deletes allowed by name: %v", err)
	}
	deleted := 0
	for _, c := range providers.Calls() {
		if c.Op == "delete" {
			deleted++
		}
	}
	if deleted == 0 {
		t.Error("the allowed rollout deleted nothing")
	}
}

// TestACanceledRolloutWaitsForTheEngine: a rollout canceled mid-update
// (a signal: the CLI cancels the context) cancels the update and waits for
// it: the create in flight completes, the stack fails with the cause, and
// the stack is left unlocked with no pending operation, so that the next
// rollout finishes it.
func TestACanceledRolloutWaitsForTheEngine(t *testing.T) {
	envs := lookup(t, "dev-gke")
	o, providers := options(t, envs)
	create(t, o, envs)
	first, release := providers.HoldCreates()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		<-first
		cancel(errors.New("interrupted (terminated)"))
		// The create in flight finishes a little later, as a cloud's would.
		time.Sleep(3 * time.Second)
		release()
	}()
	report := deploy.Rollout(ctx, envs, deploy.RolloutOptions{Options: o, StateDir: t.TempDir()})
	s := report.Stacks[0]
	if s.Status != deploy.Failed || s.Step != deploy.StepUp {
		t.Fatalf("%s at %s: %v", s.Status, s.Step, s.Err)
	}
	if !strings.HasPrefix(s.Err.Error(), "interrupted (terminated): ") ||
		!strings.HasPrefix(s.Next, "the operation was canceled and the engine finished the resource operations in flight before it stopped: the stack's lock is released; some resources may have changed") {
		t.Errorf("err %v\nnext %s", s.Err, s.Next)
	}
	created := 0
	for _, c := range providers.Calls() {
		if c.Op == "create" {
			created++
		}
	}
	if created == 0 {
		t.Error("the create in flight did not complete")
	}
	locks, _ := filepath.Glob(filepath.Join(strings.TrimPrefix(o.BackendURL, "file://"), ".pulumi", "locks", "*", "*", "*", "*"))
	if len(locks) > 0 {
		t.Errorf("the stack is still locked: %v", locks)
	}
	// Nothing pending: the next rollout completes the stack.
	report = deploy.Rollout(context.Background(), envs, deploy.RolloutOptions{Options: o, StateDir: t.TempDir()})
	if err := report.Err(); err != nil {
		t.Fatalf("the rollout after the cancellation: %v", err)
	}
	if slices.ContainsFunc(report.Stacks, func(s deploy.StackReport) bool { return s.Status != deploy.Deployed }) {
		t.Errorf("%+v", report.Stacks)
	}
}

// TestATimeoutFailsTheStack: a stack whose steps outlast the rollout's
// timeout fails with the timeout as the cause.
func TestATimeoutFailsTheStack(t *testing.T) {
	envs := lookup(t, "dev-gke")
	o, _ := options(t, envs)
	report := deploy.Rollout(context.Background(), envs, deploy.RolloutOptions{Options: o, StateDir: t.TempDir(), Timeout: time.Millisecond})
	s := report.Stacks[0]
	if s.Status != deploy.Failed || !strings.HasPrefix(s.Err.Error(), "dev-gke did not finish within the timeout of 1ms: ") {
		t.Errorf("%s at %s: %v", s.Status, s.Step, s.Err)
	}
}

// TestDestroyRefusesAProtectedStack: a destroy of a stack that holds
// protected resources is refused before the engine runs, naming them and
// the way to retire the stack on purpose, and deletes nothing. (The
// engine alone would delete every unprotected resource before it stopped
// at the first protected one.)
func TestDestroyRefusesAProtectedStack(t *testing.T) {
	envs := lookup(t, "staging-gke")
	o, providers := options(t, envs)
	create(t, o, envs)
	ctx := context.Background()
	if r := deploy.Rollout(ctx, envs, deploy.RolloutOptions{Options: o, StateDir: t.TempDir()}); r.Err() != nil {
		t.Fatal(r.Err())
	}
	providers.ResetCalls()
	s, err := deploy.Open(ctx, "staging-gke", o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Destroy(ctx)
	if !errors.Is(err, deploy.ErrProtected) {
		t.Fatalf("destroy of protected staging-gke: %v, want ErrProtected", err)
	}
	for _, want := range []string{"destroy staging-gke: the stack holds protected resources (", " more); nothing was deleted", "gcp:", "pulumi state unprotect --all -s staging-gke"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q\ndoes not say %q", err, want)
		}
	}
	if calls := providers.Calls(); len(calls) > 0 {
		t.Errorf("the refused destroy changed %d resources, the first %s of %s", len(calls), calls[0].Op, calls[0].URN)
	}

	// A stack without protected resources is destroyed.
	dev := lookup(t, "dev-gke")
	create(t, o, dev)
	if r := deploy.Rollout(ctx, dev, deploy.RolloutOptions{Options: o, StateDir: t.TempDir()}); r.Err() != nil {
		t.Fatal(r.Err())
	}
	s, err = deploy.Open(ctx, "dev-gke", o)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := s.Destroy(ctx)
	if err != nil || changes["delete"] == 0 {
		t.Errorf("destroy of dev-gke: %v, %v", changes, err)
	}
}

//go:build integration

package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/stacks"
)

// TestASignalCancelsTheUpAndWaitsForIt runs `plinth up` in a child process,
// as a CI runner does, and sends it SIGTERM while a create is in flight:
// plinth must interrupt the engine, wait for it to finish that create and
// release the stack, then exit 1 saying so. The stack is then unlocked and
// the next up completes it.
func TestASignalCancelsTheUpAndWaitsForIt(t *testing.T) {
	if os.Getenv("PLINTH_TEST_SIGNAL_MAIN") == "1" {
		os.Args = append([]string{"plinth"}, strings.Fields(os.Getenv("PLINTH_TEST_ARGS"))...)
		Main(stacks.Project())
		return
	}
	providers, _, dir, _, _ := userProject(t)
	state := filepath.Join(dir, ".plinth", "state")
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	stackInit(t, dir, "file://"+state, "dev-gke")

	first, release := providers.HoldCreates()
	cmd := exec.Command(os.Args[0], "-test.run=^TestASignalCancelsTheUpAndWaitsForIt$")
	cmd.Env = append(os.Environ(), "PLINTH_TEST_SIGNAL_MAIN=1", "PLINTH_TEST_ARGS=up dev-gke --local --yes --dir "+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-first:
	case err := <-done:
		t.Fatalf("plinth exited before any create: %v\n%s\n%s", err, tail(stdout.String()), stderr.String())
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("no create arrived\n%s\n%s", tail(stdout.String()), stderr.String())
	}
	// SIGTERM to plinth alone, as a CI runner canceling the job sends it.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The create in flight finishes a few seconds later, as a cloud's
	// would; plinth must still be waiting for it.
	var err error
	finished := false
	select {
	case err = <-done:
		finished = true
		t.Error("plinth exited before the operation in flight finished")
	case <-time.After(3 * time.Second):
	}
	release()
	if !finished {
		err = <-done
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitFailed {
		t.Errorf("exit: %v, want %d", err, exitFailed)
	}
	for _, want := range []string{
		"plinth: terminated: canceling; the engine finishes the resource operations in flight, records them and releases the stack",
		"plinth: up dev-gke stopped: interrupted (terminated); the operation was canceled and the engine finished the resource operations in flight before it stopped: the stack's lock is released; some resources may have changed",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	created := 0
	for _, c := range providers.Calls() {
		if c.Op == enginetest.OpCreate {
			created++
		}
	}
	if created == 0 {
		t.Error("the create in flight was not completed")
	}
	if locks, _ := filepath.Glob(filepath.Join(state, ".pulumi", "locks", "*", "*", "*", "*")); len(locks) > 0 {
		t.Errorf("the stack is still locked: %v", locks)
	}
	// No pending operation and no lock: the next up completes the stack.
	code, out, errOut := cli(t, "up", "dev-gke", "--local", "--yes", "--dir", dir)
	if code != 0 || !strings.Contains(out, "dev-gke up: ") {
		t.Errorf("the up after the signal: exit %d\n%s\n%s", code, tail(out), errOut)
	}
}

//go:build !windows

package deploy

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeCLI writes a Pulumi CLI stand-in: `version` answers version; any
// other command runs body (sh).
func fakeCLI(t *testing.T, version, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pulumi")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo " + version + "; exit 0; fi\n" + body + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// startedThen cancels ctx once the file started exists, i.e. once the
// fake CLI is running.
func startedThen(t *testing.T, started string, cancel func()) {
	t.Helper()
	go func() {
		for {
			if _, err := os.Stat(started); err == nil {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
}

func TestACanceledRunInterruptsTheCLIAndWaitsForIt(t *testing.T) {
	dir := t.TempDir()
	started, finished := filepath.Join(dir, "started"), filepath.Join(dir, "finished")
	// On the interrupt, the stand-in finishes its "operation in flight"
	// (one second) before it exits, as the Pulumi CLI does.
	cli := fakeCLI(t, "v3.250.0", `trap 'sleep 1; echo done > `+finished+`; exit 255' INT
touch `+started+`
i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
exit 0`)
	c, err := newCLICommand(cli, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	startedThen(t, started, func() { cancel(errors.New("interrupted (terminated)")) })
	start := time.Now()
	_, _, code, err := c.Run(ctx, dir, nil, nil, nil, nil, "up", "--yes")
	took := time.Since(start)

	if _, statErr := os.Stat(finished); statErr != nil {
		t.Fatalf("Run returned before the CLI finished its cancellation (after %s): %v", took, statErr)
	}
	if err == nil || !strings.HasPrefix(err.Error(), "interrupted (terminated) (exit status 255)") {
		t.Errorf("err = %v, want the cancellation's cause, then the CLI's exit", err)
	}
	if code != 255 {
		t.Errorf("exit code %d, want the CLI's 255", code)
	}
	if took > 20*time.Second {
		t.Errorf("took %s: the CLI was not interrupted", took)
	}
}

func TestAbortEndsACanceledRunAtOnce(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	// This stand-in ignores the interrupt, as a CLI stuck in a long
	// resource operation would.
	cli := fakeCLI(t, "v3.250.0", `trap '' INT
touch `+started+`
i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done`)
	abort := make(chan struct{})
	c, err := newCLICommand(cli, abort)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	startedThen(t, started, cancel)
	go func() {
		<-ctx.Done()
		time.Sleep(500 * time.Millisecond)
		close(abort)
	}()
	start := time.Now()
	_, _, _, err = c.Run(ctx, dir, nil, nil, nil, nil, "up")
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("took %s: abort did not end the CLI", took)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
}

func TestARunIsNotStartedAfterItsContextEnded(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	c, err := newCLICommand(fakeCLI(t, "v3.250.0", "touch "+ran), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, _, err := c.Run(ctx, dir, nil, nil, nil, nil, "stack", "select"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("the CLI ran after the context ended")
	}
}

func TestARunGetsTheSDKsArgumentsAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	cli := fakeCLI(t, "v3.251.0", `echo "args: $*"; echo "api: $PULUMI_AUTOMATION_API"; echo "extra: $EXTRA"; echo "path: $PATH"; echo oops >&2; exit 3`)
	c, err := newCLICommand(cli, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Version().String(); got != "3.251.0" {
		t.Errorf("Version = %s", got)
	}
	var progress strings.Builder
	stdout, stderr, code, err := c.Run(context.Background(), dir, nil, []io.Writer{&progress}, nil, []string{"EXTRA=yes"}, "preview", "--", "x")
	var exitErr *exec.ExitError
	if code != 3 || !errors.As(err, &exitErr) || stderr != "oops\n" {
		t.Errorf("code %d, err %v, stderr %q; want the CLI's exit 3 and its stderr", code, err, stderr)
	}
	lines := strings.Split(stdout, "\n")
	want := []string{"args: preview --non-interactive -- x", "api: true", "extra: yes", "path: " + filepath.Dir(cli) + ":"}
	for i, w := range want {
		if i >= len(lines) || !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if progress.String() != stdout {
		t.Errorf("the progress writer got %q, want the whole stdout", progress.String())
	}
}

func TestAnOldCLIIsRefused(t *testing.T) {
	cli := fakeCLI(t, "v3.200.0", "exit 0")
	_, err := newCLICommand(cli, nil)
	if err == nil || !strings.HasSuffix(err.Error(), " reports v3.200.0; Plinth needs Pulumi 3.250.0 or later") {
		t.Errorf("err = %v", err)
	}
}

func TestNonInteractiveGoesBeforeTheProgramsArguments(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"up", "--yes"}, []string{"up", "--yes", "--non-interactive"}},
		{[]string{"up", "--", "a"}, []string{"up", "--non-interactive", "--", "a"}},
		{[]string{"up", "--non-interactive"}, []string{"up", "--non-interactive"}},
	} {
		if got := nonInteractive(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("nonInteractive(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

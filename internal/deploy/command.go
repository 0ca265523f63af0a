package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/plinth-dev/plinth/internal/pulumicli"
)

// cliCommand runs the Pulumi CLI for the Automation API (auto.PulumiCommand)
// and owns how a run stops. The SDK's own runner sends the CLI an interrupt
// when the context ends and kills it ten seconds later, in the middle of
// whatever the cloud was doing; this one interrupts it once and then waits
// for it to finish: the CLI's cancellation lets the resource operations in
// flight complete, records them in the state, and releases the stack's
// lock. Only a close of abort (a second signal) ends the CLI before that.
type cliCommand struct {
	path    string
	version semver.Version
	// abort, when closed, stops a canceled run at once.
	abort <-chan struct{}
}

var _ auto.PulumiCommand = (*cliCommand)(nil)

// Version is the CLI's version, read once with `pulumi version`.
func (c *cliCommand) Version() semver.Version { return c.version }

// Run runs the CLI with args in workdir, as the SDK's runner does
// (--non-interactive, PULUMI_AUTOMATION_API, the CLI's directory first on
// PATH), in a process group of its own, so that a Ctrl-C at the terminal
// reaches plinth alone and the CLI is interrupted exactly once, by plinth.
// A context that ends interrupts the CLI and waits for it to exit; a run
// not started before the context ended is not started at all.
func (c *cliCommand) Run(ctx context.Context, workdir string, stdin io.Reader, additionalOutput, additionalErrorOutput []io.Writer,
	additionalEnv []string, args ...string) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", -1, err
	}
	args = nonInteractive(args)
	cmd := exec.Command(c.path, args...) //nolint:gosec // the CLI the user chose
	cmd.Dir = workdir
	cmd.Env = append(append(withPath(os.Environ(), filepath.Dir(c.path)), additionalEnv...), "PULUMI_AUTOMATION_API=true")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(slices.Clone(additionalOutput), &stdout)...)
	cmd.Stderr = io.MultiWriter(append(slices.Clone(additionalErrorOutput), &stderr)...)
	cmd.Stdin = stdin
	ownProcessGroup(cmd)
	// Output a plugin still holds open after the CLI exited is not waited
	// for beyond this.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return "", "", -1, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = interrupt(cmd.Process)
		select {
		case err = <-done:
		case <-c.abort:
			_ = kill(cmd.Process)
			err = <-done
		}
	}
	code := -1
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	}
	if err == nil && ctx.Err() != nil {
		// The CLI finished its work before it saw the interrupt: the run
		// succeeded, and the caller's context says it is over anyway.
		return stdout.String(), stderr.String(), code, nil
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%w)", context.Cause(ctx), err)
	}
	return stdout.String(), stderr.String(), code, err
}

// nonInteractive adds --non-interactive before any "--", as the SDK does,
// so that the CLI fails instead of prompting.
func nonInteractive(args []string) []string {
	end := len(args)
	if i := slices.Index(args, "--"); i >= 0 {
		end = i
	}
	if slices.Contains(args[:end], "--non-interactive") {
		return args
	}
	return slices.Insert(slices.Clone(args), end, "--non-interactive")
}

// withPath puts dir first on the PATH of env, so that plugins bundled with
// the CLI are found before others.
func withPath(env []string, dir string) []string {
	out := slices.Clone(env)
	for i, e := range out {
		if len(e) >= 5 && strings.EqualFold(e[:5], "PATH=") {
			if rest := e[5:]; rest != "" {
				out[i] = e[:5] + dir + string(os.PathListSeparator) + rest
			} else {
				out[i] = e[:5] + dir
			}
			return out
		}
	}
	return append(out, "PATH="+dir)
}

// newCLICommand asks the CLI at path for its version and refuses one older
// than pulumicli.Version.
func newCLICommand(path string, abort <-chan struct{}) (*cliCommand, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, abs, "version") //nolint:gosec // the CLI the user chose
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true")
	cmd.WaitDelay = time.Second
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", abs, err)
	}
	reported := strings.TrimSpace(string(out))
	v, err := pulumicli.Parse(reported)
	if err != nil {
		return nil, fmt.Errorf("%s version: cannot read %q: %w", abs, reported, err)
	}
	if !pulumicli.Fits(v) {
		return nil, fmt.Errorf("%s reports %s; Plinth needs Pulumi %s or later", abs, reported, pulumicli.Version)
	}
	return &cliCommand{path: abs, version: v, abort: abort}, nil
}

// Command plinth renders, checks and compares Plinth stacks offline, for
// the people who review changes to them.
//
//	plinth plan  [STACK...] [--json] [--write] [--environment-file FILE]
//	plinth diff  [STACK...] [--base GIT_REF | --from FILE --to FILE] [--format text|markdown|json] [--exit-code]
//	plinth check [STACK...] [--format text|json] [--environment-file FILE] [--list]
//	plinth graph STACK [--format mermaid|dot]
//	plinth preview|up|refresh|destroy STACK [--backend URL | --local] [--yes]
//	plinth rollout STACK... [--approve STACK] [--health-check CMD] [--backend URL | --local]
//
// Exit codes: 0 success; 1 a stack failed (invalid environment, program or
// git error); 2 usage error (unknown stack, bad flag); 3 check found a
// violated rule, or diff --exit-code found changes; 4 diff --exit-code
// found a change reviewers must not miss (a replacement or deletion of a
// stateful or protected resource, a URN changed without an alias).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// The exit codes, documented in the root command's help.
const (
	exitFailed   = 1
	exitUsage    = 2
	exitFindings = 3
	exitDanger   = 4
)

// usageError marks errors that exit with code 2.
type usageError struct{ error }

// exitError is an outcome with its own exit code: findings, changes.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
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

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "plinth",
		Short: "Render, check and compare Plinth platform stacks offline",
		Long: `plinth works on the stacks defined in the stacks package. plan, diff, check
and graph run offline and without credentials: they render each stack's
resource graph under mocks that answer like the clouds. preview, up,
refresh, destroy and rollout run the stacks through the Pulumi engine
against the stack's backend and its cloud.

Exit codes:
  0  success
  1  a stack failed (invalid environment, program or git error)
  2  usage error (unknown stack, bad flag)
  3  check: a rule of severity error is violated;
     diff --exit-code: there are changes
  4  diff --exit-code: a change reviewers must not miss (replacement or
     deletion of a stateful or protected resource, URN changed without alias)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newPlanCommand(), newDiffCommand(), newCheckCommand(), newGraphCommand(),
		newEngineCommand("preview", "Show what up would change in a stack, through the Pulumi engine",
			"preview runs the stack's program through the Pulumi engine against its state and shows\nwhat an up would change."),
		newEngineCommand("up", "Deploy a stack through the Pulumi engine",
			"up previews the stack, asks for confirmation (--yes skips it), and deploys it. Prefer\nplinth rollout, which checks, approves and verifies."),
		newEngineCommand("refresh", "Read a stack's resources back from the cloud into its state",
			"refresh reads every resource of the stack from the cloud and records drift in the state."),
		newEngineCommand("destroy", "Delete a stack's resources through the Pulumi engine",
			"destroy deletes the stack's resources after confirmation. The engine refuses while any\nresource is protected, as production's stateful resources are."),
		newRolloutCommand())
	return root
}

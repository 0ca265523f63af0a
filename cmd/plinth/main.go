// Command plinth renders, checks and compares Plinth stacks offline.
//
//	plinth plan [STACK...] [--json] [--write]
//
// Exit codes: 0 success; 1 a stack failed to render (invalid environment,
// program error); 2 usage error (unknown stack, bad flag).
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// usageError marks errors that exit with code 2.
type usageError struct{ error }

func main() {
	root := newRootCommand()
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "plinth:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "plinth",
		Short: "Render, check and compare Plinth platform stacks offline",
		Long: `plinth works on the stacks defined in the stacks package, offline and
without credentials: it renders each stack's resource graph under mocks
that answer like the clouds.

Exit codes:
  0  success
  1  a stack failed (invalid environment, program error)
  2  usage error (unknown stack, bad flag)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newPlanCommand(), newGraphCommand())
	return root
}

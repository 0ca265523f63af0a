package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/stacks"
)

func newGraphCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph STACK",
		Short: "Draw a stack's component tree and the dependencies between its components",
		Long: `graph renders STACK offline and draws its components: solid arrows from a
component to the components it contains, dashed arrows where a component's
resources depend on another component's. Mermaid (the default) renders in
GitHub pull requests and Markdown docs; dot is for Graphviz.`,
		Example: "  plinth graph prod-aks\n  plinth graph prod-gke --format dot | dot -Tsvg > prod-gke.svg",
		Args:    exactlyOneStack,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGraph(cmd.OutOrStdout(), args[0], format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "output format: mermaid or dot")
	return cmd
}

func runGraph(stdout io.Writer, stack, format string) error {
	if format != "mermaid" && format != "dot" {
		return usageError{fmt.Errorf("--format %q: use mermaid or dot", format)}
	}
	env, err := stacks.Lookup(stack)
	if err != nil {
		return usageError{err}
	}
	snap, err := stacks.Render(env)
	if err != nil {
		return fmt.Errorf("%s: %w", stack, err)
	}
	g := snap.Graph()
	if format == "dot" {
		return g.WriteDot(stdout)
	}
	return g.WriteMermaid(stdout)
}

// exactlyOneStack is a cobra argument check whose error exits with code 2.
func exactlyOneStack(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("name one stack; the stacks are %v", stacks.Names())}
	}
	return nil
}

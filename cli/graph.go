package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func (a *app) newGraphCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph STACK",
		Short: "Draw a stack's component tree and the dependencies between its components",
		Long: `graph renders STACK offline and draws its components: solid arrows from a
component to the components it contains, dashed arrows where a component's
resources depend on another component's. Mermaid (the default) renders in
GitHub pull requests and Markdown docs; dot is for Graphviz.`,
		Example: "  plinth graph STACK\n  plinth graph STACK --format dot | dot -Tsvg > STACK.svg",
		Args:    a.exactlyOneStack,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runGraph(cmd.OutOrStdout(), args[0], format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "output format: mermaid or dot")
	return cmd
}

func (a *app) runGraph(stdout io.Writer, stack, format string) error {
	if format != "mermaid" && format != "dot" {
		return usageError{fmt.Errorf("--format %q: use mermaid or dot", format)}
	}
	env, err := a.lookup(stack)
	if err != nil {
		return err
	}
	snap, err := a.project.RenderEnvironment(env)
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
func (a *app) exactlyOneStack(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("name one stack; the stacks of project %s are %s", a.project.Name, a.stackList())}
	}
	return nil
}

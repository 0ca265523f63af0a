package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/environment"
)

func (a *app) newSchemaCommand() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Write the JSON Schema of the environment files, for editors",
		Long: `schema writes the JSON Schema of an environment file (environment.JSONSchema):
every key of the Plinth this program is built with, described by its doc
comment, with the required keys and the values of the enumerated ones. Editors
that speak JSON Schema (VS Code's YAML extension, JetBrains IDEs) complete,
check and document the environment files with it. Point them at it with a
first line in each file,

  # yaml-language-server: $schema=../environment.schema.json

(the path relative to the file), or with VS Code's yaml.schemas setting. Write
it again after upgrading Plinth. The schema checks each value's shape; plan and
check still validate the environment as a whole.`,
		Example: "  plinth schema --output environment.schema.json\n  plinth schema | jq .properties.class",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError{fmt.Errorf("schema takes no arguments, got %q; write it to a file with --output FILE", args)}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSchema(cmd.OutOrStdout(), output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the schema to `FILE` instead of standard output")
	return cmd
}

func runSchema(stdout io.Writer, output string) error {
	if output == "" {
		_, err := stdout.Write(environment.JSONSchema())
		return err
	}
	return os.WriteFile(output, environment.JSONSchema(), 0o644)
}

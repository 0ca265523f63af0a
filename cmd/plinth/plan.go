package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/stacks"
)

type planOptions struct {
	json, write bool
	dir         string
	files       []string
}

func newPlanCommand() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [STACK...]",
		Short: "Render stacks offline and print their resource graphs",
		Long: `plan renders each named stack (all stacks when none is named) under mocks,
with placeholder cloud coordinates, and prints its resource tree with counts
by type. --json prints the snapshot format instead; --write updates the
golden snapshots under stacks/snapshots/ that make test compares against.
--environment-file renders an environment loaded from YAML (see
docs/stacks.md) instead of a named stack. An invalid environment prints
every problem, one per line, field path first, and plan exits non-zero.`,
		Example: `  plinth plan
  plinth plan prod-aks --json
  plinth plan --write
  plinth plan --environment-file team-dev.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPlan(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print each stack's snapshot as JSON")
	cmd.Flags().BoolVar(&o.write, "write", false, "write snapshots to DIR/stacks/snapshots/<stack>.json")
	cmd.Flags().StringVar(&o.dir, "dir", ".", "repository root that --write writes under")
	cmd.Flags().StringArrayVar(&o.files, "environment-file", nil, "render the environment in this YAML file (repeatable)")
	return cmd
}

func runPlan(stdout, stderr io.Writer, names []string, o planOptions) error {
	envs, err := selectEnvironments(names, o.files)
	if err != nil {
		return err
	}
	failed := 0
	for _, env := range envs {
		start := time.Now()
		snap, err := stacks.Render(env)
		if err != nil {
			failed++
			what := "render failed"
			if invalid := (*field.ErrorList)(nil); errors.As(err, &invalid) {
				what = "invalid"
			}
			if _, werr := fmt.Fprintf(stderr, "%s: %s:\n%v\n", env.Name, what, err); werr != nil {
				return werr
			}
			continue
		}
		data, err := snap.Marshal()
		if err != nil {
			return err
		}
		switch {
		case o.write:
			path := filepath.Join(o.dir, stacks.SnapshotPath(env.Name))
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(stdout, "wrote %s (%d resources, %s)\n", path, len(snap.Resources), time.Since(start).Round(time.Millisecond)); err != nil {
				return err
			}
		case o.json:
			if _, err := stdout.Write(data); err != nil {
				return err
			}
		default:
			if err := snap.WriteTree(stdout); err != nil {
				return err
			}
			if _, err := fmt.Fprintln(stdout); err != nil {
				return err
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d stacks failed", failed, len(envs))
	}
	return nil
}

// selectEnvironments returns the named stacks and the environments in
// files; all stacks when neither is given.
func selectEnvironments(names, files []string) ([]environment.Environment, error) {
	if len(names) == 0 && len(files) == 0 {
		return stacks.All(), nil
	}
	var out []environment.Environment
	var errs []error
	for _, f := range files {
		env, err := environment.LoadFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, env)
	}
	for _, n := range names {
		env, err := stacks.Lookup(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, env)
	}
	if len(errs) > 0 {
		return nil, usageError{errors.Join(errs...)}
	}
	return out, nil
}

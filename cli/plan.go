package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform/field"
)

type planOptions struct {
	json, write bool
	dir         string
	files       []string
	// snapshotDir, when set, is where each snapshot is written as
	// <stack>.json: how diff --base renders a commit's stacks.
	snapshotDir string
}

func (a *app) newPlanCommand() *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [STACK...]",
		Short: "Render stacks offline and print their resource graphs",
		Long: `plan renders each named stack (all stacks when none is named) under mocks,
with placeholder cloud coordinates, and prints its resource tree with counts
by type. --json prints the snapshot format instead; --write updates the
stacks' snapshots in the project's snapshot directory (project.SnapshotDir),
which reviewers read and tests can compare against. --environment-file
renders an environment loaded from YAML (see docs/stacks.md) as a stack of
the project instead of a named stack. An invalid environment prints
every problem, one per line, field path first, and plan exits non-zero.`,
		Example: `  plinth plan
  plinth plan STACK --json
  plinth plan --write
  plinth plan --environment-file team-dev.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runPlan(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	cmd.Flags().BoolVar(&o.json, "json", false, "print each stack's snapshot as JSON")
	cmd.Flags().BoolVar(&o.write, "write", false, "write each snapshot to DIR/"+a.project.SnapshotPath("<stack>"))
	cmd.Flags().StringVar(&o.dir, "dir", ".", "the project's root, which --write writes under")
	cmd.Flags().StringArrayVar(&o.files, "environment-file", nil, "render the environment in this YAML file (repeatable)")
	cmd.Flags().StringVar(&o.snapshotDir, "snapshot-dir", "", "write each snapshot to DIR/<stack>.json (what diff --base runs)")
	_ = cmd.Flags().MarkHidden("snapshot-dir")
	return cmd
}

func (a *app) runPlan(stdout, stderr io.Writer, names []string, o planOptions) error {
	if o.write {
		if info, err := os.Stat(o.dir); err != nil || !info.IsDir() {
			return usageError{fmt.Errorf("--dir %q: not a directory; name the project's root (the directory of Pulumi.yaml)", o.dir)}
		}
	}
	envs, err := a.selectEnvironments(names, o.files)
	if err != nil {
		return err
	}
	failed := 0
	for _, env := range envs {
		start := time.Now()
		snap, err := a.project.RenderEnvironment(env)
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
		switch {
		case o.write || o.snapshotDir != "":
			data, err := snap.Marshal()
			if err != nil {
				return err
			}
			path := filepath.Join(o.dir, filepath.FromSlash(a.project.SnapshotPath(env.Name)))
			if o.snapshotDir != "" {
				path = filepath.Join(o.snapshotDir, env.Name+".json")
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(stdout, "wrote %s (%d resources, %s)\n", path, len(snap.Resources), time.Since(start).Round(time.Millisecond)); err != nil {
				return err
			}
		case o.json:
			data, err := snap.Marshal()
			if err != nil {
				return err
			}
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
// files; all the project's stacks when neither is given.
func (a *app) selectEnvironments(names, files []string) ([]environment.Environment, error) {
	if len(names) == 0 && len(files) == 0 {
		return a.environments()
	}
	var out []environment.Environment
	var errs, invalid []error // usage errors; files read but invalid
	for _, f := range files {
		env, err := environment.LoadFile(f)
		var pathErr *fs.PathError
		switch {
		case errors.As(err, &pathErr):
			errs = append(errs, err) // no such file: how plinth was called
		case err != nil:
			invalid = append(invalid, err) // what the file says: exit 1, as any invalid environment
		default:
			out = append(out, env)
		}
	}
	if len(names) > 0 {
		if _, err := a.environments(); err != nil {
			return nil, err
		}
	}
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			errs = append(errs, fmt.Errorf("stack %s is named twice; name each stack once", n))
			continue
		}
		env, err := a.lookup(n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, env)
	}
	if len(errs) > 0 {
		return nil, usageError{errors.Join(append(errs, invalid...)...)}
	}
	if len(invalid) > 0 {
		return nil, errors.Join(invalid...)
	}
	return out, nil
}

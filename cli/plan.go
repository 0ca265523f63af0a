package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/ghactions"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/field"
)

type planOptions struct {
	format      format
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
by type. --format json prints one JSON document, {"stacks": [...]}, each
stack in the snapshot format; markdown a summary table with each tree
folded, for a pull request; github each tree in a folded GitHub Actions log
group. --write updates the stacks' snapshots in the project's snapshot
directory (project.SnapshotDir), which reviewers read and tests can compare
against. --environment-file
renders an environment loaded from YAML (the format below) as a stack of
the project instead of a named stack. An invalid environment prints
every problem, one per line, field path first, on stderr, and plan exits 1.

The snapshot format: ` + docLink("snapshots.md") + `
Environment files: ` + docLink("stacks.md") + ``,
		Example: `  plinth plan
  plinth plan STACK --format json
  plinth plan --write
  plinth plan --environment-file team-dev.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.json {
				// Said on stderr: stdout is the JSON document.
				if _, err := fmt.Fprintln(cmd.ErrOrStderr(), "plinth: --json is deprecated; use --format json"); err != nil {
					return err
				}
			}
			return a.runPlan(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	addFormatFlag(cmd, &o.format, "json: the stacks' snapshots in one document")
	cmd.Flags().BoolVar(&o.json, "json", false, "deprecated: --format json")
	_ = cmd.Flags().MarkHidden("json")
	cmd.Flags().BoolVar(&o.write, "write", false, "write each snapshot to DIR/"+a.project.SnapshotPath("<stack>"))
	cmd.Flags().StringVar(&o.dir, "dir", ".", "the project's root, which --write writes under")
	cmd.Flags().StringArrayVar(&o.files, "environment-file", nil, "render the environment in this YAML file (repeatable)")
	cmd.Flags().StringVar(&o.snapshotDir, "snapshot-dir", "", "write each snapshot to DIR/<stack>.json (what diff --base runs)")
	_ = cmd.Flags().MarkHidden("snapshot-dir")
	return cmd
}

func (a *app) runPlan(stdout, stderr io.Writer, names []string, o planOptions) error {
	if o.json {
		if o.format != formatText && o.format != formatJSON {
			return usageError{fmt.Errorf("--json is --format json; drop it or --format %s", o.format)}
		}
		o.format = formatJSON
	}
	if o.write {
		if o.format != formatText {
			return usageError{fmt.Errorf("--write writes the snapshot files and --format %s prints them; use one", o.format)}
		}
		if info, err := os.Stat(o.dir); err != nil || !info.IsDir() {
			return usageError{fmt.Errorf("--dir %q: not a directory; name the project's root (the directory of Pulumi.yaml)", o.dir)}
		}
	}
	envs, err := a.selectEnvironments(names, o.files)
	if err != nil {
		return err
	}
	var (
		rendered []*snapshot.Snapshot
		failed   int
	)
	for _, env := range envs {
		start := time.Now()
		snap, err := a.render(stderr, env)
		if err != nil {
			return err
		}
		if snap == nil {
			failed++
			continue
		}
		if o.write || o.snapshotDir != "" {
			path := filepath.Join(o.dir, filepath.FromSlash(a.project.SnapshotPath(env.Name)))
			if o.snapshotDir != "" {
				path = filepath.Join(o.snapshotDir, env.Name+".json")
			}
			if err := writeSnapshot(path, snap); err != nil {
				return err
			}
			if _, err := fmt.Fprintf(stdout, "wrote %s (%d resources, %s)\n", path, len(snap.Resources), time.Since(start).Round(time.Millisecond)); err != nil {
				return err
			}
			continue
		}
		if o.format == formatText || o.format == formatGitHub {
			// Printed as each stack renders: a long plan shows progress.
			if err := writePlanTree(stdout, snap, o.format == formatGitHub); err != nil {
				return err
			}
			continue
		}
		rendered = append(rendered, snap)
	}
	switch o.format {
	case formatJSON:
		if err := writePlanJSON(stdout, rendered); err != nil {
			return err
		}
	case formatMarkdown:
		if err := writePlanMarkdown(stdout, rendered); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d stacks failed", failed, len(envs))
	}
	return nil
}

// render renders env as a stack of the project. A stack that does not
// render (an invalid environment, a program error) is reported on stderr,
// every problem on a line of its own, and returned as a nil snapshot: the
// command goes on with the other stacks and fails at the end.
func (a *app) render(stderr io.Writer, env environment.Environment) (*snapshot.Snapshot, error) {
	snap, err := a.project.RenderEnvironment(env)
	if err == nil {
		return snap, nil
	}
	what := "render failed"
	if invalid := (*field.ErrorList)(nil); errors.As(err, &invalid) {
		what = "invalid"
	}
	_, werr := fmt.Fprintf(stderr, "%s: %s:\n%v\n", env.Name, what, err)
	return nil, werr
}

// writeSnapshot writes snap to path, creating its directory.
func writeSnapshot(path string, snap *snapshot.Snapshot) error {
	data, err := snap.Marshal()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// writePlanTree prints a stack's resource tree, in a log group of its own
// on GitHub Actions.
func writePlanTree(w io.Writer, snap *snapshot.Snapshot, group bool) error {
	if group {
		if err := ghactions.StartGroup(w, snap.Stack+": "+snap.Summary()); err != nil {
			return err
		}
	}
	if err := snap.WriteTree(w); err != nil {
		return err
	}
	if group {
		return ghactions.EndGroup(w)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// writePlanJSON prints the stacks as one JSON document: {"stacks": [...]},
// each in the snapshot format.
func writePlanJSON(w io.Writer, snaps []*snapshot.Snapshot) error {
	doc := struct {
		Stacks []*snapshot.Snapshot `json:"stacks"`
	}{Stacks: append([]*snapshot.Snapshot{}, snaps...)}
	for _, s := range doc.Stacks {
		s.Sort()
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writePlanMarkdown prints a summary table of the stacks and each stack's
// tree folded under it.
func writePlanMarkdown(w io.Writer, snaps []*snapshot.Snapshot) error {
	var b strings.Builder
	b.WriteString("## Plinth plan\n\n| Stack | Resources |\n|---|---|\n")
	for _, s := range snaps {
		fmt.Fprintf(&b, "| `%s` | %s |\n", s.Stack, s.Summary())
	}
	for _, s := range snaps {
		fmt.Fprintf(&b, "\n<details>\n<summary>%s</summary>\n\n```\n", s.Stack)
		if err := s.WriteTree(&b); err != nil {
			return err
		}
		b.WriteString("```\n\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
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

package main

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/internal/diff"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/stacks"
)

type diffOptions struct {
	base, from, to, format, dir string
	exitCode                    bool
}

func newDiffCommand() *cobra.Command {
	var o diffOptions
	cmd := &cobra.Command{
		Use:   "diff [STACK...]",
		Short: "Compare stacks' resource graphs and flag what reviewers must not miss",
		Long: `diff renders each named stack (all stacks when none is named) from the
working tree and compares it with the stack's snapshot committed at --base
(default HEAD): resources added, removed, changed and moved, with every
changed property as a typed path. --from and --to compare two snapshot
files instead.

It flags what a reviewer must not miss: changes that force a replacement
(REPLACE), the deletion or replacement of a stateful resource (STATEFUL) or
of a protected one (PROTECTED), a URN changed without an alias, which
destroys and recreates the resource (NO-ALIAS), and a change that touches
production together with other environments (PROD-WITH-OTHERS).

--format markdown prints a pull-request comment. With --exit-code, diff
exits 3 when there are changes and 4 when a change is flagged STATEFUL,
PROTECTED or NO-ALIAS.`,
		Example: `  plinth diff
  plinth diff prod-aks --base origin/main --format markdown
  plinth diff --from old/prod-aks.json --to stacks/snapshots/prod-aks.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.OutOrStdout(), args, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.base, "base", "HEAD", "git ref whose committed snapshots are the old side")
	f.StringVar(&o.from, "from", "", "old snapshot file (with --to, instead of --base)")
	f.StringVar(&o.to, "to", "", "new snapshot file (with --from)")
	f.StringVar(&o.format, "format", "text", "output format: text, markdown or json")
	f.StringVar(&o.dir, "dir", ".", "repository root the snapshots are committed under")
	f.BoolVar(&o.exitCode, "exit-code", false, "exit 3 when there are changes, 4 when one is flagged danger")
	return cmd
}

func runDiff(stdout io.Writer, names []string, o diffOptions) error {
	write, err := diffWriter(o.format)
	if err != nil {
		return err
	}
	var stackDiffs []diff.StackDiff
	switch {
	case (o.from == "") != (o.to == ""):
		return usageError{fmt.Errorf("--from and --to go together: name both snapshot files")}
	case o.from != "":
		if len(names) > 0 {
			return usageError{fmt.Errorf("--from and --to compare two files; name no stack")}
		}
		from, err := readSnapshot(o.from)
		if err != nil {
			return err
		}
		to, err := readSnapshot(o.to)
		if err != nil {
			return err
		}
		stackDiffs = append(stackDiffs, diff.Compare(from, to))
	default:
		envs, err := selectEnvironments(names, nil)
		if err != nil {
			return err
		}
		for _, env := range envs {
			from, err := snapshotAt(o.dir, o.base, stacks.SnapshotPath(env.Name))
			if err != nil {
				return err
			}
			to, err := stacks.Render(env)
			if err != nil {
				return fmt.Errorf("%s: %w", env.Name, err)
			}
			stackDiffs = append(stackDiffs, diff.Compare(from, to))
		}
		if len(names) == 0 {
			// Stacks the base has and the working tree no longer defines
			// are deleted whole.
			gone, err := removedStacks(o.dir, o.base)
			if err != nil {
				return err
			}
			stackDiffs = append(stackDiffs, gone...)
		}
	}
	report := diff.Summarize(stackDiffs)
	if err := write(report, stdout); err != nil {
		return err
	}
	switch {
	case !o.exitCode:
		return nil
	case report.HasFlags():
		return exitError{code: exitDanger, err: fmt.Errorf("changes a reviewer must not miss: see the flags in the report")}
	case report.HasChanges():
		return exitError{code: exitFindings, err: fmt.Errorf("the stacks change")}
	}
	return nil
}

// removedStacks compares the snapshots committed at base of stacks the
// working tree no longer defines with nothing.
func removedStacks(dir, base string) ([]diff.StackDiff, error) {
	committed, err := stacksAt(dir, base)
	if err != nil {
		return nil, err
	}
	var out []diff.StackDiff
	for _, name := range committed {
		if slices.Contains(stacks.Names(), name) {
			continue
		}
		from, err := snapshotAt(dir, base, stacks.SnapshotPath(name))
		if err != nil {
			return nil, err
		}
		out = append(out, diff.Compare(from, nil))
	}
	return out, nil
}

// diffWriter returns the report writer of format.
func diffWriter(format string) (func(diff.Report, io.Writer) error, error) {
	switch format {
	case "text":
		return diff.Report.WriteText, nil
	case "markdown":
		return diff.Report.WriteMarkdown, nil
	case "json":
		return diff.Report.WriteJSON, nil
	}
	return nil, usageError{fmt.Errorf("--format %q: use text, markdown or json", format)}
}

func readSnapshot(path string) (*snapshot.Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close() //nolint:errcheck // read-only file
	s, err := snapshot.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

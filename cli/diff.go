package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/internal/diff"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/project"
)

type diffOptions struct {
	base, from, to, dir string
	format              format
	exitCode            bool
}

func (a *app) newDiffCommand() *cobra.Command {
	var o diffOptions
	cmd := &cobra.Command{
		Use:   "diff [STACK...]",
		Short: "Compare stacks' resource graphs and flag what reviewers must not miss",
		Long: `diff renders each named stack (all the project's stacks when none is named)
as this program defines it (the code it was built from: go run . builds the
working tree) and compares it with the same stack as the project defined it
at the git ref --base (default HEAD): resources added, removed,
changed and moved, with every changed property as a typed path. The base side
is rendered by the project's own plinth program as committed at --base (go
run, in a temporary checkout; the working tree is not touched), so the
comparison needs no committed snapshots. diff says on stderr which base it
used. Where the base has no such program (a commit
before the project used Plinth, or a binary that is not a project's main
package), the snapshots committed at --base in the project's snapshot
directory are the base. --from and --to compare two snapshot files instead.

It flags what a reviewer must not miss: changes that force a replacement
(REPLACE), the deletion or replacement of a stateful resource (STATEFUL) or
of a protected one (PROTECTED), a URN changed without an alias, which
destroys and recreates the resource (NO-ALIAS), a resource renamed without an
alias while it names the same cloud resource, shown as one entry with the alias
to add (RENAME), and a change that touches
production together with other environments (PROD-WITH-OTHERS).

--format markdown prints a pull-request comment; json one JSON document;
github an annotation per flag and the text report in a folded log group.
With --exit-code, diff exits 3 when there are changes and 4 when a change is
flagged STATEFUL, PROTECTED, NO-ALIAS or RENAME. Reading a diff:
` + docLink("review.md") + ``,
		Example: `  plinth diff --base origin/main --format markdown
  plinth diff STACK --base HEAD~1
  plinth diff --from old/STACK.json --to new/STACK.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runDiff(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.base, "base", "HEAD", "git ref whose definition of the stacks is the old side")
	f.StringVar(&o.from, "from", "", "old snapshot file (with --to, instead of --base)")
	f.StringVar(&o.to, "to", "", "new snapshot file (with --from)")
	addFormatFlag(cmd, &o.format, "markdown: a pull-request comment")
	f.StringVar(&o.dir, "dir", ".", "the project's root (the directory of its go.mod and Pulumi.yaml)")
	f.BoolVar(&o.exitCode, "exit-code", false, "exit 3 when there are changes, 4 when one is flagged danger")
	return cmd
}

func (a *app) runDiff(ctx context.Context, stdout, notes io.Writer, names []string, o diffOptions) error {
	write := diffWriter(o.format)
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
		envs, err := a.selectEnvironments(names, nil)
		if err != nil {
			return err
		}
		base, err := a.baseSnapshots(ctx, notes, o.dir, o.base)
		if err != nil {
			return err
		}
		for _, env := range envs {
			to, err := a.project.RenderEnvironment(env)
			if err != nil {
				return fmt.Errorf("%s: %w", env.Name, err)
			}
			stackDiffs = append(stackDiffs, diff.Compare(base[env.Name], to))
		}
		if len(names) == 0 {
			// Stacks the base has and the working tree no longer defines
			// are deleted whole.
			defined := project.Names(envs)
			for _, name := range slices.Sorted(maps.Keys(base)) {
				if !slices.Contains(defined, name) {
					stackDiffs = append(stackDiffs, diff.Compare(base[name], nil))
				}
			}
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

// baseSnapshots returns the stacks as the project defined them at ref, by
// stack name: rendered by the project's program as committed at ref when
// the commit has it (its module is Plinth's or requires it), else the
// snapshots committed at ref. It says on notes which base it used.
func (a *app) baseSnapshots(ctx context.Context, notes io.Writer, dir, ref string) (map[string]*snapshot.Snapshot, error) {
	commit, err := resolveRef(ctx, dir, ref)
	if err != nil {
		return nil, err
	}
	if a.renderBase != nil {
		return a.renderBase(ctx, dir, commit)
	}
	root, why := dir, "this plinth is not the main package of a module (go run main.go?), so it cannot run the base's program"
	module, pkg, ok := runningProgram()
	if ok {
		if root, err = moduleRoot(dir, module); err != nil {
			return nil, err
		}
	}
	r, err := locate(ctx, root)
	if err != nil {
		return nil, err
	}
	if ok {
		pkgDir := path.Join(r.prefix, pkg)
		if pkgDir == "." {
			pkgDir = "" // the root tree
		}
		switch {
		case !usesPlinth(ctx, root, commit, path.Join(r.prefix, "go.mod")):
			why = "its go.mod does not require Plinth"
		case !exists(ctx, root, commit, pkgDir):
			why = "it has no " + pkg
		default:
			if _, err := fmt.Fprintf(notes, "base: the stacks as %s (%s) defines them, rendered by its own program (go run %s)\n", ref, short(commit), pkg); err != nil {
				return nil, err
			}
			return renderAt(ctx, r, pkg, commit)
		}
	}
	snapshotDir := path.Dir(a.project.SnapshotPath("stack"))
	snaps, err := committedSnapshots(ctx, r, commit, snapshotDir)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(notes, "base: the %d snapshots committed in %s at %s (%s), since %s\n", len(snaps), snapshotDir, ref, short(commit), why)
	return snaps, err
}

// diffWriter returns the report writer of format.
func diffWriter(f format) func(diff.Report, io.Writer) error {
	switch f {
	case formatMarkdown:
		return diff.Report.WriteMarkdown
	case formatJSON:
		return diff.Report.WriteJSON
	case formatGitHub:
		return diff.Report.WriteGitHub
	}
	return diff.Report.WriteText
}

// readSnapshot reads a snapshot file, or the document plan --format json
// printed for one stack.
func readSnapshot(path string) (*snapshot.Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{err}
	}
	var plan struct {
		Stacks []json.RawMessage `json:"stacks"`
	}
	if json.Unmarshal(data, &plan) == nil && plan.Stacks != nil {
		if len(plan.Stacks) != 1 {
			return nil, fmt.Errorf("%s: a plan of %d stacks; compare one stack's: plinth plan STACK --format json", path, len(plan.Stacks))
		}
		data = plan.Stacks[0]
	}
	s, err := snapshot.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

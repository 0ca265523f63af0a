package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/internal/check"
	"github.com/plinth-dev/plinth/internal/ghactions"
)

type checkOptions struct {
	format format
	files  []string
	list   bool
}

func (a *app) newCheckCommand() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [STACK...]",
		Short: "Run the production-readiness rules over rendered stacks",
		Long: `check renders each named stack (all the project's stacks when none is
named, or the environments in --environment-file) and runs the readiness rules of its
environment class over the resource graph: private API server, workload
identity, no local accounts, separate node pools, scheduled and protected
backups, internal ingress, subnet rights for the cluster identity,
cert-manager on workload identity, locks and protect in production, tags
everywhere, least-privilege scopes. --list prints the rules with their ID,
severity, classes and rationale.

--format json prints one JSON document ({"findings": [...], "errors": N,
"warnings": N}); markdown a pull-request comment; github an annotation per
finding, which GitHub shows on the run and the pull request.

It exits 3 when any rule of severity error is violated; warnings are printed
but do not fail. The rules: ` + docLink("review.md") + ``,
		Example: "  plinth check\n  plinth check STACK... --format json\n  plinth check --format github   # in a GitHub Actions job\n  plinth check --list",
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.list {
				return listRules(cmd.OutOrStdout())
			}
			return a.runCheck(cmd.OutOrStdout(), cmd.ErrOrStderr(), args, o)
		},
	}
	addFormatFlag(cmd, &o.format, "github: an annotation per finding")
	cmd.Flags().StringArrayVar(&o.files, "environment-file", nil, "check the environment in this YAML file (repeatable)")
	cmd.Flags().BoolVar(&o.list, "list", false, "list the rules instead of running them")
	return cmd
}

func (a *app) runCheck(stdout, stderr io.Writer, names []string, o checkOptions) error {
	envs, err := a.selectEnvironments(names, o.files)
	if err != nil {
		return err
	}
	var (
		findings []check.Finding
		checked  []string
		failed   []string
	)
	for _, env := range envs {
		snap, err := a.render(stderr, env)
		if err != nil {
			return err
		}
		if snap == nil {
			failed = append(failed, env.Name)
			continue
		}
		checked = append(checked, env.Name)
		findings = append(findings, check.Run(check.Target{
			Snapshot:     snap,
			Class:        string(env.Class),
			Cloud:        string(env.Cloud),
			TagsProperty: a.project.TagsProperty,
		})...)
	}
	var werr error
	switch o.format {
	case formatJSON:
		werr = check.WriteJSON(stdout, findings, failed...)
	case formatMarkdown:
		werr = check.WriteMarkdown(stdout, checked, findings, failed...)
	case formatGitHub:
		for _, name := range failed {
			a := ghactions.Annotation{Level: ghactions.Error, Title: "plinth check " + name,
				Message: name + " could not be checked: it does not render; its problems are in the log"}
			if werr = a.Write(stdout); werr != nil {
				return werr
			}
		}
		werr = check.WriteGitHub(stdout, findings)
	default:
		werr = check.WriteText(stdout, findings)
	}
	if werr != nil {
		return werr
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d stacks failed: %s could not be checked", len(failed), len(envs), strings.Join(failed, ", "))
	}
	if errs, _ := check.Count(findings); errs > 0 {
		return exitError{code: exitFindings, err: fmt.Errorf("%s in %s", check.Plural(errs, "readiness rule violation"), check.Plural(len(envs), "stack"))}
	}
	return nil
}

func listRules(w io.Writer) error {
	var b strings.Builder
	for _, r := range check.Rules() {
		fmt.Fprintf(&b, "%s  %-7s  %s  [%s]\n    %s\n\n", r.ID, r.Severity, r.Title, strings.Join(r.Classes, ", "), r.Rationale)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

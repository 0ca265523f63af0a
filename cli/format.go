package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/plinth-dev/plinth/internal/ghactions"
)

// format is the --format of plan, diff, check and rollout: one flag, the
// same four values, for people, programs, pull-request comments and
// GitHub Actions logs.
type format string

// The output formats.
const (
	formatText     format = "text"     // for people at a terminal
	formatJSON     format = "json"     // one JSON document per call, on stdout
	formatMarkdown format = "markdown" // a pull-request comment
	formatGitHub   format = "github"   // GitHub Actions annotations and log groups
)

var formats = []format{formatText, formatJSON, formatMarkdown, formatGitHub}

func (f *format) String() string { return string(*f) }

// Set accepts one of formats; pflag reports an error with the flag's name
// and the value as written.
func (f *format) Set(v string) error {
	if !slices.Contains(formats, format(v)) {
		return fmt.Errorf("use text, json, markdown or github")
	}
	*f = format(v)
	return nil
}

// Type names the flag's value in help texts.
func (f *format) Type() string { return "format" }

// addFormatFlag registers --format on cmd, text by default, and offers
// its values to shell completion.
func addFormatFlag(cmd *cobra.Command, f *format, what string) {
	*f = formatText
	cmd.Flags().Var(f, "format", "output format: text, json, markdown or github ("+what+")")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(formats))
		for i, v := range formats {
			out[i] = string(v)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// banner marks the steps of a long operation in its log: a line when a
// step starts and one with its duration when it ends; on GitHub Actions
// (or with --format github) each step is a folded log group.
type banner struct {
	w      io.Writer
	groups bool
	now    func() time.Time
	start  time.Time
	title  string
}

// newBanner writes to w; groups when f is github or the process runs in a
// GitHub Actions job.
func newBanner(w io.Writer, f format) *banner {
	return &banner{w: w, groups: f == formatGitHub || ghactions.Running(), now: time.Now}
}

// Start opens the step titled title ("shop-dev: preview").
func (b *banner) Start(title string) {
	b.title, b.start = title, b.now()
	if b.groups {
		_ = ghactions.StartGroup(b.w, title)
		return
	}
	_, _ = fmt.Fprintf(b.w, "\n==> %s\n", title)
}

// Done closes the open step with its outcome and duration.
func (b *banner) Done(err error) {
	took := b.now().Sub(b.start).Round(100 * time.Millisecond)
	outcome := "done"
	if err != nil {
		outcome = "failed"
	}
	if b.groups {
		_ = ghactions.EndGroup(b.w)
	}
	_, _ = fmt.Fprintf(b.w, "<== %s: %s in %s\n", b.title, outcome, took)
}

// colorMode is how the Pulumi CLI colors its output, as plinth passes it
// through: never when NO_COLOR is set (https://no-color.org) or the output
// is not a terminal and not a GitHub Actions log, which shows colors;
// always otherwise. --color overrides it.
func colorMode(flag string, out io.Writer) string {
	switch flag {
	case "always", "never", "raw":
		return flag
	}
	if os.Getenv("NO_COLOR") != "" {
		return "never"
	}
	if ghactions.Running() || isTerminal(out) {
		return "always"
	}
	return "never"
}

// isTerminal reports whether w is a character device, a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// The published docs: help texts link to them, since a team that
// installed plinth with go install has no docs/ directory. main is always
// there, whether or not a release is tagged.
const (
	repoURL = "https://github.com/plinth-dev/plinth"
	docsURL = repoURL + "/blob/main/docs/"
)

// docLink is the published address of a page under docs/, such as
// "rollout.md".
func docLink(page string) string { return docsURL + strings.TrimPrefix(page, "docs/") }

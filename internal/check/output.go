package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/plinth-dev/plinth/internal/ghactions"
)

// WriteText prints findings for people, one block per finding in the
// order given, then a summary line:
//
//	error PLN001 prod-aks: ManagedCluster prod-aks-aks: apiServerAccessProfile.enablePrivateCluster false: ...
//	  urn:pulumi:prod-aks::plinth::...::prod-aks-aks
//
//	1 finding: 1 error, 0 warnings
//
// With no findings it prints "no findings".
func WriteText(w io.Writer, findings []Finding) error {
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintf(&b, "%s %s %s: %s\n", f.Severity, f.Rule, f.Stack, f.Message)
		if f.URN != "" {
			fmt.Fprintf(&b, "  %s\n", f.URN)
		}
		b.WriteString("\n")
	}
	b.WriteString(summary(findings))
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is the last line of WriteText: how many findings of each
// severity, or "no findings".
func summary(findings []Finding) string {
	if len(findings) == 0 {
		return "no findings\n"
	}
	errs, warns := Count(findings)
	return fmt.Sprintf("%s: %s, %s\n", Plural(len(findings), "finding"), Plural(errs, "error"), Plural(warns, "warning"))
}

// Plural writes n and noun, with an "s" unless n is 1: "1 error",
// "3 findings".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// report is the JSON document WriteJSON writes.
type report struct {
	// Findings is never null: an empty run writes [].
	Findings []Finding `json:"findings"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	// Unchecked names the stacks that could not be checked (they do not
	// render), omitted when there is none.
	Unchecked []string `json:"unchecked,omitempty"`
}

// WriteJSON prints findings for tools, indented by two spaces, in the order
// given:
//
//	{
//	  "findings": [
//	    {"rule": "PLN001", "severity": "error", "stack": "prod-aks", "urn": "...", "message": "..."}
//	  ],
//	  "errors": 1,
//	  "warnings": 0
//	}
//
// unchecked names the stacks that could not be checked, as "unchecked".
func WriteJSON(w io.Writer, findings []Finding, unchecked ...string) error {
	r := report{Findings: append([]Finding{}, findings...), Unchecked: unchecked}
	r.Errors, r.Warnings = Count(findings)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteMarkdown prints findings as a pull-request comment: a summary of
// the stacks checked, then a table of the findings, errors first. A
// message's pipes and newlines are escaped so that each finding stays one
// row. unchecked names the stacks that could not be checked.
func WriteMarkdown(w io.Writer, stacks []string, findings []Finding, unchecked ...string) error {
	var b strings.Builder
	b.WriteString("## Plinth check\n\n")
	if len(unchecked) > 0 {
		fmt.Fprintf(&b, "❌ **Not checked: %s.** They do not render; the job's log has their problems.\n\n", inlineCode(unchecked))
	}
	errs, warns := Count(findings)
	checked := Plural(len(stacks), "stack") + ": " + inlineCode(stacks)
	switch len(findings) {
	case 0:
		fmt.Fprintf(&b, "No findings in %s.\n", checked)
	default:
		fmt.Fprintf(&b, "**%s, %s** in %s.\n\n", Plural(errs, "error"), Plural(warns, "warning"), checked)
		b.WriteString("| | Rule | Stack | Finding |\n|---|---|---|---|\n")
		for _, sev := range []Severity{SeverityError, SeverityWarning} {
			for _, f := range findings {
				if f.Severity != sev {
					continue
				}
				mark := "⚠️ warning"
				if sev == SeverityError {
					mark = "❌ error"
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, f.Rule, f.Stack, cell(f.Message))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteGitHub prints each finding as a GitHub Actions annotation, error
// or warning as its severity, titled with its rule and stack, then
// WriteText's summary line.
func WriteGitHub(w io.Writer, findings []Finding) error {
	for _, f := range findings {
		level := ghactions.Warning
		if f.Severity == SeverityError {
			level = ghactions.Error
		}
		msg := f.Message
		if f.URN != "" {
			msg += "\n" + f.URN
		}
		if err := (ghactions.Annotation{Level: level, Title: f.Rule + " " + f.Stack, Message: msg}).Write(w); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, summary(findings))
	return err
}

// inlineCode lists names as inline code, comma-separated.
func inlineCode(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}

// cell escapes s for one cell of a Markdown table.
func cell(s string) string {
	return strings.NewReplacer("|", "\\|", "\r\n", "<br>", "\n", "<br>").Replace(s)
}

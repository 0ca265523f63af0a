package diff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MarkdownLimit is the most characters WriteMarkdown writes. GitHub refuses
// comments over 65,536 characters; the margin leaves room for text the CLI
// adds around the report.
const MarkdownLimit = 60000

// mdBudget caps how much of a report the markdown shows; -1 means no cap.
type mdBudget struct {
	props     int // property lines per resource
	resources int // resources per group
}

// mdBudgets are tried in order until the comment fits MarkdownLimit.
var mdBudgets = []mdBudget{
	{props: -1, resources: -1},
	{props: 20, resources: -1},
	{props: 5, resources: -1},
	{props: 0, resources: -1},
	{props: 0, resources: 50},
	{props: 0, resources: 10},
	{props: 0, resources: 0},
}

// WriteMarkdown writes the report as a pull-request comment: a title, a
// summary table, a "⚠ Review these" section with every flag (danger
// first), then per stack one collapsible <details> block per kind of change
// (to delete, renamed without an alias, to replace, to change, to move, to
// add).
//
// The comment stays under MarkdownLimit characters: when the full report is
// longer, property lists and then resource lists are shortened, each with a
// note saying how many lines were left out. Flags are never left out.
func (r Report) WriteMarkdown(w io.Writer) error {
	var out string
	for _, budget := range mdBudgets {
		out = r.markdown(budget)
		if utf8.RuneCountInString(out) <= MarkdownLimit {
			break
		}
	}
	if utf8.RuneCountInString(out) > MarkdownLimit {
		// Only flags are left and they alone are too long.
		out = cut(out, MarkdownLimit-100) + "\n\n_Report cut at GitHub's comment size; run `plinth diff` locally for all of it._\n"
	}
	_, err := io.WriteString(w, out)
	return err
}

func (r Report) markdown(budget mdBudget) string {
	var b strings.Builder
	b.WriteString("## Plinth diff\n\n")
	writeSummaryTable(&b, r)
	if flags := r.allFlags(); len(flags) > 0 {
		b.WriteString("\n### ⚠ Review these\n\n")
		for _, f := range flags {
			writeFlagItem(&b, f)
		}
	}
	for _, s := range r.Stacks {
		if s.HasChanges() {
			writeStackMarkdown(&b, s, budget)
		}
	}
	return b.String()
}

func writeSummaryTable(b *strings.Builder, r Report) {
	if len(r.Stacks) == 0 {
		b.WriteString("No stacks compared.\n")
		return
	}
	b.WriteString("| Stack | Production | Add | Change | Replace | Delete | Move | Rename | Danger flags |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.Stacks {
		prod := ""
		if s.Production {
			prod = "yes"
		}
		n := s.Summary
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %d | %d | %d |\n",
			code(s.Stack), prod, n.Add, n.Change, n.Replace, n.Delete, n.Move, n.Rename, countDanger(stackFlags(s)))
	}
}

func countDanger(flags []Flag) int {
	n := 0
	for _, f := range flags {
		if f.Severity == Danger {
			n++
		}
	}
	return n
}

func writeFlagItem(b *strings.Builder, f placedFlag) {
	where := ""
	if f.stack != "" {
		where = " " + code(f.stack)
	}
	fmt.Fprintf(b, "- **%s** %s%s: %s\n", f.flag.Severity, code(f.flag.ID), where, escapeMarkdown(f.flag.Message))
}

func writeStackMarkdown(b *strings.Builder, s StackDiff, budget mdBudget) {
	title := escapeMarkdown(s.Stack)
	if s.Production {
		title += " (production)"
	}
	fmt.Fprintf(b, "\n### %s\n", title)
	for g, changes := range groups(s) {
		if len(changes) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n<details>\n<summary>%s</summary>\n\n", groupTitle(group(g), len(changes)))
		shown := limit(len(changes), budget.resources)
		for _, c := range changes[:shown] {
			writeResourceMarkdown(b, c, group(g), budget)
		}
		if left := len(changes) - shown; left > 0 {
			fmt.Fprintf(b, "- … %d more (run `plinth diff` locally for all)\n", left)
		}
		b.WriteString("\n</details>\n")
	}
}

func writeResourceMarkdown(b *strings.Builder, c ResourceChange, g group, budget mdBudget) {
	fmt.Fprintf(b, "- %s %s %s", markdownSymbol(symbol(c, g)), code(c.Name), code(c.Type))
	switch {
	case c.OldName != "":
		fmt.Fprintf(b, " renamed from %s (%s)", code(c.OldName), code(c.OldURN))
	case c.OldURN != "":
		fmt.Fprintf(b, " moved from %s", code(c.OldURN))
	}
	b.WriteString("\n")
	shown := limit(len(c.Properties), budget.props)
	for _, p := range c.Properties[:shown] {
		oldS, newS := formatChange(p)
		fmt.Fprintf(b, "  - %s: %s → %s%s\n", code(p.Path), code(oldS), code(newS), changeNote(p))
	}
	if left := len(c.Properties) - shown; left > 0 {
		fmt.Fprintf(b, "  - … %d more property changes (run `plinth diff` locally for all)\n", left)
	}
}

// markdownSymbol backslash-escapes an ASCII symbol: after "- ", a bare "-"
// or "+" would start a nested list and ">" a quote. "±" needs no escape (and
// CommonMark would print the backslash).
func markdownSymbol(sym string) string {
	if sym == "±" || sym == "»" {
		return sym
	}
	return `\` + sym
}

// limit returns how many of n items a cap allows; -1 allows all.
func limit(n, most int) int {
	if most < 0 || n < most {
		return n
	}
	return most
}

// code wraps s in a code span, with a fence longer than any run of
// backticks inside it.
func code(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// markdownEscaper backslash-escapes the characters that would turn plain
// text into markup or HTML.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "#", `\#`,
)

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }

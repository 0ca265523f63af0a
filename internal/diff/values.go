package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// maxValue is the longest rendered value, in characters; longer ones are cut
// with "…" (the JSON output keeps them whole).
const maxValue = 120

// compactJSON writes v as one line of JSON, HTML characters unescaped, map
// keys sorted.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Values come from decoded JSON and always encode; say so if not.
		return "(unprintable)"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// formatValue renders one value: strings quoted, "[secret]" and
// "[unknown]" bare, an absent value as "(none)".
func formatValue(v any, absent bool) string {
	s, whole := rendered(v, absent)
	if whole {
		return s
	}
	return cut(s, maxValue)
}

// rendered is a value as formatValue writes it before any cut; whole says
// it is never cut (a marker, not a value).
func rendered(v any, absent bool) (s string, whole bool) {
	if absent {
		return "(none)", true
	}
	if s, ok := v.(string); ok && (s == snapshot.SecretValue || s == snapshot.UnknownValue) {
		return s, true
	}
	return compactJSON(v), false
}

// formatChange renders both sides of a property change. Long values are
// cut around where they differ, so that two values differing only in the
// middle do not print the same.
func formatChange(p PropertyChange) (oldS, newS string) {
	o, oWhole := rendered(p.Old, p.OldAbsent)
	n, nWhole := rendered(p.New, p.NewAbsent)
	if oWhole || nWhole || (utf8.RuneCountInString(o) <= maxValue && utf8.RuneCountInString(n) <= maxValue) {
		return formatValue(p.Old, p.OldAbsent), formatValue(p.New, p.NewAbsent)
	}
	a, b := []rune(o), []rune(n)
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	return around(a, prefix, suffix), around(b, prefix, suffix)
}

// diffContext is how many characters of what two values share are kept
// on each side of where they differ.
const diffContext = 24

// around cuts s to what differs, from prefix to len(s)-suffix, with
// diffContext characters around it, marking each cut with "…"; a
// differing part longer than maxValue is cut in its middle as well.
func around(s []rune, prefix, suffix int) string {
	if len(s) <= maxValue {
		return string(s)
	}
	start := max(prefix-diffContext, 0)
	end := min(len(s)-suffix+diffContext, len(s))
	out := cut(string(s[start:end]), maxValue)
	if start > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return out
}

// cut shortens s to at most n characters, marking the cut with "…". It
// keeps the start and the end, which for a URN or an ARM ID is what tells
// two values apart: the resource's type and name.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	head := (n - 1) / 3
	return string(runes[:head]) + "…" + string(runes[len(runes)-(n-1-head):])
}

// changeNote explains a property change in parentheses, or returns "".
func changeNote(p PropertyChange) string {
	switch {
	case p.Ignored:
		return " (ignored: ignoreChanges)"
	case p.ForcesReplacement && p.Refused:
		return " (cannot change in place)"
	case p.ForcesReplacement:
		return " (forces replacement)"
	}
	return ""
}

// symbol marks a resource the way `pulumi preview` does.
func symbol(c ResourceChange, g group) string {
	switch {
	case g == groupDelete:
		return "-"
	case g == groupRename:
		return "»"
	case g == groupAdd:
		return "+"
	case c.Replace:
		return "±"
	case g == groupMove:
		return ">"
	}
	return "~"
}

// group is one kind of change, in the order reports list them: what
// destroys comes first.
type group int

const (
	groupDelete group = iota
	groupRename
	groupReplace
	groupChange
	groupMove
	groupAdd
)

// groupVerbs say what happens to each group's resources.
var groupVerbs = [...]string{
	groupDelete:  "to delete",
	groupRename:  "renamed without an alias",
	groupReplace: "to replace",
	groupChange:  "to change",
	groupMove:    "to move",
	groupAdd:     "to add",
}

// groupTitle names a group with its size: "2 to replace".
func groupTitle(g group, n int) string {
	return fmt.Sprintf("%d %s", n, groupVerbs[g])
}

// groups splits a stack's resources into the groups, each in URN order.
func groups(s StackDiff) [][]ResourceChange {
	out := make([][]ResourceChange, groupAdd+1)
	out[groupDelete] = s.Removed
	out[groupRename] = s.Renamed
	for _, c := range s.Changed {
		if c.Replace {
			out[groupReplace] = append(out[groupReplace], c)
		} else {
			out[groupChange] = append(out[groupChange], c)
		}
	}
	out[groupMove] = s.Moved
	out[groupAdd] = s.Added
	return out
}

// summaryLine sums up a stack: "prod-aks: 2 to add, 1 to change, 1 to
// replace, 0 to delete", with ", 1 to move" when something moves and ", 1
// renamed without an alias" when something is renamed.
func summaryLine(s StackDiff) string {
	if !s.HasChanges() {
		return s.Stack + ": no changes"
	}
	n := s.Summary
	line := fmt.Sprintf("%s: %d to add, %d to change, %d to replace, %d to delete",
		s.Stack, n.Add, n.Change, n.Replace, n.Delete)
	if n.Move > 0 {
		line += fmt.Sprintf(", %d to move", n.Move)
	}
	if n.Rename > 0 {
		line += fmt.Sprintf(", %d renamed without an alias", n.Rename)
	}
	return line
}

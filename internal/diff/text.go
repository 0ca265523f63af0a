package diff

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the report for a terminal, plain (no color):
//
//	! warning PROD-WITH-OTHERS: this change touches production (prod-aks) and ...
//
//	prod-aks: 0 to add, 0 to change, 1 to replace, 0 to delete
//	  ! danger STATEFUL: AgentPool prod-aks-pool-apps is stateful and is replaced: ...
//	  ± azure-native:containerservice/v20241001:AgentPool prod-aks-pool-apps
//	    vmSize: "Standard_D4ds_v5" → "Standard_D8ds_v5" (forces replacement)
//
// Report-level flags come first, then each stack: its summary line, its
// flags (danger first), then its resources, deletions first.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "! %s\n", flagText(f))
	}
	if len(r.Flags) > 0 {
		b.WriteString("\n")
	}
	if len(r.Stacks) == 0 {
		b.WriteString("no stacks compared\n")
	}
	for i, s := range r.Stacks {
		if i > 0 {
			b.WriteString("\n")
		}
		writeStackText(&b, s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func flagText(f Flag) string {
	return fmt.Sprintf("%s %s: %s", f.Severity, f.ID, f.Message)
}

func writeStackText(b *strings.Builder, s StackDiff) {
	b.WriteString(summaryLine(s) + "\n")
	for _, f := range stackFlags(s) {
		fmt.Fprintf(b, "  ! %s\n", flagText(f))
	}
	for g, changes := range groups(s) {
		for _, c := range changes {
			writeResourceText(b, c, group(g))
		}
	}
}

func writeResourceText(b *strings.Builder, c ResourceChange, g group) {
	fmt.Fprintf(b, "  %s %s %s", symbol(c, g), c.Type, c.Name)
	switch {
	case c.OldName != "":
		fmt.Fprintf(b, " (renamed from %s, %s)", c.OldName, c.OldURN)
	case c.OldURN != "":
		fmt.Fprintf(b, " (moved from %s)", c.OldURN)
	}
	b.WriteString("\n")
	for _, p := range c.Properties {
		oldS, newS := formatChange(p)
		fmt.Fprintf(b, "    %s: %s → %s%s\n", p.Path, oldS, newS, changeNote(p))
	}
}

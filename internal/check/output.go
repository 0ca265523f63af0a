package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
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
	errs, warns := Count(findings)
	switch len(findings) {
	case 0:
		b.WriteString("no findings\n")
	default:
		fmt.Fprintf(&b, "%s: %s, %s\n", Plural(len(findings), "finding"), Plural(errs, "error"), Plural(warns, "warning"))
	}
	_, err := io.WriteString(w, b.String())
	return err
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
func WriteJSON(w io.Writer, findings []Finding) error {
	r := report{Findings: append([]Finding{}, findings...)}
	r.Errors, r.Warnings = Count(findings)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/internal/ghactions"
)

// rolloutJSON is the document rollout --format json prints: the report,
// one entry per stack in the order rolled out.
type rolloutJSON struct {
	// OK is true when every stack deployed.
	OK     bool               `json:"ok"`
	Stacks []rolloutStackJSON `json:"stacks"`
}

type rolloutStackJSON struct {
	Stack  string `json:"stack"`
	Class  string `json:"class"`
	Status string `json:"status"`
	// FailedStep and Error are set when Status is failed; Next says what
	// to do about a failed or untouched stack.
	FailedStep string `json:"failedStep,omitempty"`
	Error      string `json:"error,omitempty"`
	Next       string `json:"next,omitempty"`
	// Changes are the preview's counts by operation; Dangers its deletes
	// and replaces.
	Changes map[string]int `json:"changes"`
	Dangers []string       `json:"dangers"`
	// Export is the state file written before a production up.
	Export        string            `json:"export,omitempty"`
	VersionBefore string            `json:"versionBefore"`
	VersionAfter  string            `json:"versionAfter"`
	Steps         []rolloutStepJSON `json:"steps"`
	Seconds       float64           `json:"seconds"`
}

type rolloutStepJSON struct {
	Step    string  `json:"step"`
	Seconds float64 `json:"seconds"`
}

// writeRolloutJSON prints the report as one JSON document.
func writeRolloutJSON(w io.Writer, r deploy.RolloutReport) error {
	doc := rolloutJSON{OK: r.Err() == nil, Stacks: []rolloutStackJSON{}}
	for _, s := range r.Stacks {
		js := rolloutStackJSON{
			Stack: s.Stack, Class: string(s.Class), Status: string(s.Status), Next: s.Next,
			Changes: map[string]int{}, Dangers: []string{}, Steps: []rolloutStepJSON{},
			Export: s.Export, VersionBefore: s.VersionBefore, VersionAfter: s.VersionAfter,
		}
		if s.Status == deploy.Failed {
			js.FailedStep = string(s.Step)
			js.Error = s.Err.Error()
		}
		for op, n := range s.Changes {
			js.Changes[op] = n
		}
		for _, d := range s.Dangers {
			js.Dangers = append(js.Dangers, d.String())
		}
		for _, st := range s.Steps {
			js.Steps = append(js.Steps, rolloutStepJSON{Step: string(st.Step), Seconds: seconds(st.Took)})
		}
		js.Seconds = seconds(took(s))
		doc.Stacks = append(doc.Stacks, js)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeRolloutMarkdown prints the report as a table, then what to do about
// a failure.
func writeRolloutMarkdown(w io.Writer, r deploy.RolloutReport) error {
	var b strings.Builder
	b.WriteString("## Plinth rollout\n\n| Stack | Class | Status | Changes | Plinth | Took |\n|---|---|---|---|---|--:|\n")
	for _, s := range r.Stacks {
		status := string(s.Status)
		switch s.Status {
		case deploy.Failed:
			status = "❌ failed at " + string(s.Step)
		case deploy.Deployed:
			status = "✅ deployed"
		}
		changes := "-"
		if s.Changes != nil {
			changes = s.Changes.String()
		}
		duration := "-"
		if len(s.Steps) > 0 {
			duration = took(s).Round(time.Second).String()
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", s.Stack, s.Class, status, changes, versions(s), duration)
	}
	for _, s := range r.Stacks {
		if s.Status == deploy.Failed {
			fmt.Fprintf(&b, "\n**%s failed at %s:**\n\n```\n%s\n```\n\nNext: %s\n", s.Stack, s.Step, strings.TrimSpace(s.Err.Error()), s.Next)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRolloutGitHub prints an error annotation for a failed stack, then
// the text report.
func writeRolloutGitHub(w io.Writer, r deploy.RolloutReport) error {
	for _, s := range r.Stacks {
		if s.Status != deploy.Failed {
			continue
		}
		a := ghactions.Annotation{Level: ghactions.Error, Title: "rollout " + s.Stack + " failed at " + string(s.Step),
			Message: s.Err.Error() + "\nNext: " + s.Next}
		if err := a.Write(w); err != nil {
			return err
		}
	}
	return writeRollout(w, r)
}

// versions is the Plinth release a stack ran before and runs now.
func versions(s deploy.StackReport) string {
	switch {
	case s.VersionBefore != "" && s.VersionAfter != "" && s.VersionBefore != s.VersionAfter:
		return s.VersionBefore + " → " + s.VersionAfter
	case s.VersionAfter != "":
		return s.VersionAfter
	case s.VersionBefore != "":
		return s.VersionBefore
	}
	return "-"
}

// took is how long a stack's steps took together.
func took(s deploy.StackReport) time.Duration {
	var d time.Duration
	for _, st := range s.Steps {
		d += st.Took
	}
	return d
}

func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

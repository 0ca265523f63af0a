package ghactions

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Level is an annotation's level.
type Level string

// The annotation levels.
const (
	// Error fails nothing by itself; it marks the run's summary red.
	Error Level = "error"
	// Warning is shown in yellow.
	Warning Level = "warning"
	// Notice is shown as information.
	Notice Level = "notice"
)

// Running reports whether the process runs in a GitHub Actions job
// (GITHUB_ACTIONS=true), where group commands fold the log.
func Running() bool { return os.Getenv("GITHUB_ACTIONS") == "true" }

// Annotation is one annotation: its level, an optional title and file,
// and the message.
type Annotation struct {
	Level   Level
	Title   string
	File    string
	Message string
}

// String is the workflow command line of a, without its newline.
func (a Annotation) String() string {
	var props []string
	if a.File != "" {
		props = append(props, "file="+escapeProperty(a.File))
	}
	if a.Title != "" {
		props = append(props, "title="+escapeProperty(a.Title))
	}
	cmd := "::" + string(a.Level)
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	return cmd + "::" + escapeData(a.Message)
}

// Write writes a as a line of w.
func (a Annotation) Write(w io.Writer) error {
	_, err := fmt.Fprintln(w, a.String())
	return err
}

// StartGroup opens a folded log group titled title; EndGroup closes it.
// Groups do not nest: a group started inside another closes it.
func StartGroup(w io.Writer, title string) error {
	_, err := fmt.Fprintf(w, "::group::%s\n", escapeData(title))
	return err
}

// EndGroup closes the open log group.
func EndGroup(w io.Writer) error {
	_, err := io.WriteString(w, "::endgroup::\n")
	return err
}

// escapeData escapes a command's message as the runner unescapes it.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value, which also ends at a colon or
// a comma.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

package diff

import (
	"io"

	"github.com/plinth-dev/plinth/internal/ghactions"
)

// WriteGitHub prints the report for a GitHub Actions log: every flag as an
// annotation (danger as an error, the others as warnings), titled with its
// ID and stack, then the text report folded into a log group.
func (r Report) WriteGitHub(w io.Writer) error {
	for _, f := range r.allFlags() {
		level := ghactions.Warning
		if f.flag.Severity == Danger {
			level = ghactions.Error
		}
		title := f.flag.ID
		if f.stack != "" {
			title += " " + f.stack
		}
		if err := (ghactions.Annotation{Level: level, Title: title, Message: f.flag.Message}).Write(w); err != nil {
			return err
		}
	}
	if err := ghactions.StartGroup(w, "plinth diff"); err != nil {
		return err
	}
	if err := r.WriteText(w); err != nil {
		return err
	}
	return ghactions.EndGroup(w)
}

package check

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReviewDocListsEveryRule keeps docs/review.md's table of rules true:
// every rule has a row with its severity and classes, and no row names a
// rule that does not exist.
func TestReviewDocListsEveryRule(t *testing.T) {
	b, err := os.ReadFile("../../docs/review.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (PLN\d{3}) \| (\w+) \| ([^|]+) \|`)
	rows := map[string][]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		rows[m[1]] = m[2:]
	}
	for _, r := range Rules() {
		got, ok := rows[r.ID]
		if !ok {
			t.Errorf("%s (%s) has no row in docs/review.md's table of rules", r.ID, r.Title)
			continue
		}
		delete(rows, r.ID)
		if got[0] != string(r.Severity) {
			t.Errorf("%s: docs/review.md says severity %q, the rule is %q", r.ID, got[0], r.Severity)
		}
		classes := strings.Fields(strings.TrimSpace(got[1]))[0]
		want := strings.Join(r.Classes, ", ")
		if slices.Equal(r.Classes, allClasses) {
			want = "all"
		}
		if classes != want {
			t.Errorf("%s: docs/review.md says classes %q, the rule applies to %q", r.ID, classes, want)
		}
	}
	for id := range rows {
		t.Errorf("docs/review.md has a row for %s, which is no rule", id)
	}
}

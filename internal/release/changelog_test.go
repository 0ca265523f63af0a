package release

import (
	"os"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

// TestChangelogAgreesWithVersion is the part of make release-check that
// holds at every commit: CHANGELOG.md's headings are well formed, and
// platform.Version names its newest release (before the first release,
// the release being prepared).
func TestChangelogAgreesWithVersion(t *testing.T) {
	text, err := os.ReadFile("../../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseChangelog(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if c.Unreleased == nil {
		t.Errorf("CHANGELOG.md has no %s section; keep one, empty after a release", Unreleased)
	}
	if err := CheckVersion(c, platform.Version); err != nil {
		t.Error(err)
	}
}

const released = `# Changelog

## [Unreleased]

### Added

- something new
- and more

## [0.2.0] - 2027-02-01

### Changed

- a rename

## [0.1.0] - 2027-01-15

- the first release
`

func TestParseChangelog(t *testing.T) {
	c, err := ParseChangelog(released)
	if err != nil {
		t.Fatal(err)
	}
	if c.Unreleased == nil || c.Unreleased.Line != 3 || c.Unreleased.Entries != 2 {
		t.Errorf("Unreleased = %+v, want line 3 with 2 entries", c.Unreleased)
	}
	if len(c.Releases) != 2 || c.Releases[0].Heading() != "## [0.2.0] - 2027-02-01" || c.Releases[0].Line != 10 || c.Releases[0].Entries != 1 ||
		c.Releases[1].Heading() != "## [0.1.0] - 2027-01-15" {
		t.Errorf("Releases = %+v", c.Releases)
	}
	if n, ok := c.Newest(); !ok || n.Version.String() != "0.2.0" {
		t.Errorf("Newest = %v, %v", n, ok)
	}
}

func TestParseChangelogRefuses(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"no date", "## [0.1.0]\n", `CHANGELOG.md:1: heading "## [0.1.0]": write ## [Unreleased] or "## [X.Y.Z] - YYYY-MM-DD"`},
		{"a v", "## [v0.1.0] - 2027-01-15\n", `CHANGELOG.md:1: version "v0.1.0": `},
		{"bad date", "## [0.1.0] - 2027-13-01\n", `CHANGELOG.md:1: date "2027-13-01" is no date; write the release day as YYYY-MM-DD`},
		{"oldest first", "## [0.1.0] - 2027-01-15\n## [0.2.0] - 2027-02-01\n", "CHANGELOG.md:2: 0.2.0 comes after 0.1.0 (line 1); releases go newest first"},
		{"dates backwards", "## [0.2.0] - 2027-01-01\n## [0.1.0] - 2027-01-15\n", "CHANGELOG.md:2: 0.1.0 is dated 2027-01-15, after the newer 0.2.0 (2027-01-01)"},
		{"unreleased below a release", "## [0.1.0] - 2027-01-15\n## [Unreleased]\n", "CHANGELOG.md:2: ## [Unreleased] must come once, before every release"},
		{"other heading", "## Unreleased\n", `CHANGELOG.md:1: heading "## Unreleased"`},
	}
	for _, tc := range cases {
		_, err := ParseChangelog(tc.text)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: err = %v\nwant prefix %s", tc.name, err, tc.want)
		}
	}
}

func TestCheckVersion(t *testing.T) {
	c, err := ParseChangelog(released)
	if err != nil {
		t.Fatal(err)
	}
	none, err := ParseChangelog("## [Unreleased]\n\n- a change\n")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		c       Changelog
		version string
		want    string
	}{
		{"the newest release", c, "0.2.0", ""},
		{"bumped before the release commit", c, "0.3.0", `platform.Version is 0.3.0, CHANGELOG.md's newest release is 0.2.0 (line 10): set platform.Version in the release commit, the one that renames ## [Unreleased] to "## [0.3.0] - YYYY-MM-DD" (docs/releasing.md)`},
		{"behind", c, "0.1.0", "platform.Version is 0.1.0, older than CHANGELOG.md's newest release 0.2.0 (line 10): set it to 0.2.0"},
		{"not a version", c, "v0.2.0", `platform.Version "v0.2.0": `},
		{"first release in preparation", none, "0.1.0", ""},
	}
	for _, tc := range cases {
		err := CheckVersion(tc.c, tc.version)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%s: err = %v\nwant prefix %s", tc.name, err, tc.want)
		}
	}
}

func TestCheckReady(t *testing.T) {
	cut, err := ParseChangelog(strings.Replace(released, "- something new\n- and more\n", "", 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckReady(cut, "0.2.0"); err != nil {
		t.Errorf("a cut release: %v", err)
	}
	left, _ := ParseChangelog(released)
	if err := CheckReady(left, "0.2.0"); err == nil || err.Error() != "CHANGELOG.md:3: ## [Unreleased] still holds 2 entries: move them under the heading of 0.2.0, or release them later" {
		t.Errorf("entries left under Unreleased: %v", err)
	}
	first, _ := ParseChangelog("## [Unreleased]\n\n- a change\n")
	if err := CheckReady(first, "0.1.0"); err == nil || !strings.HasPrefix(err.Error(), `CHANGELOG.md has no heading for 0.1.0: rename ## [Unreleased] to "## [0.1.0] - `) {
		t.Errorf("first release without its heading: %v", err)
	}
	if err := CheckReady(cut, "0.3.0"); err == nil || !strings.HasPrefix(err.Error(), "platform.Version is 0.3.0, CHANGELOG.md's newest release is 0.2.0") {
		t.Errorf("no heading for the bumped version: %v", err)
	}
}

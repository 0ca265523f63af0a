package release

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/blang/semver"
)

// Unreleased is the heading of the changes not released yet.
const Unreleased = "## [Unreleased]"

// releaseHeading matches a release's heading, "## [0.2.0] - 2027-01-15".
var releaseHeading = regexp.MustCompile(`^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})$`)

// Changelog is what CHANGELOG.md's second-level headings say.
type Changelog struct {
	// Unreleased is the [Unreleased] section, nil when there is none.
	Unreleased *Section
	// Releases are the released versions, newest first.
	Releases []Release
}

// Section is one second-level heading of the changelog and what is under
// it up to the next.
type Section struct {
	// Line is the heading's line number, from 1.
	Line int
	// Entries counts the list items ("- " or "* ") under the heading.
	Entries int
}

// Release is one released version's section.
type Release struct {
	Section
	Version semver.Version
	// Date is the release date as written, YYYY-MM-DD.
	Date string
}

// Heading is the release's heading as CHANGELOG.md writes it.
func (r Release) Heading() string { return fmt.Sprintf("## [%s] - %s", r.Version, r.Date) }

// ParseChangelog reads the second-level headings of a changelog in Keep a
// Changelog's form: [Unreleased] first, if present, then the releases with
// strictly decreasing versions and dates that do not increase. Every problem
// is an error naming the line.
func ParseChangelog(text string) (Changelog, error) {
	var (
		c    Changelog
		cur  *Section
		errs []string
	)
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimRight(line, " \r")
		if !strings.HasPrefix(line, "## ") {
			if cur != nil && (strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ")) {
				cur.Entries++
			}
			continue
		}
		if line == Unreleased {
			if c.Unreleased != nil || len(c.Releases) > 0 {
				errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: %s must come once, before every release", n, Unreleased))
			}
			c.Unreleased = &Section{Line: n}
			cur = c.Unreleased
			continue
		}
		m := releaseHeading.FindStringSubmatch(line)
		if m == nil {
			errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: heading %q: write %s or \"## [X.Y.Z] - YYYY-MM-DD\"", n, line, Unreleased))
			cur = nil
			continue
		}
		v, err := semver.Parse(m[1])
		if err != nil {
			errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: version %q: %v; write it as MAJOR.MINOR.PATCH, without a v", n, m[1], err))
			cur = nil
			continue
		}
		if _, err := time.Parse(time.DateOnly, m[2]); err != nil {
			errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: date %q is no date; write the release day as YYYY-MM-DD", n, m[2]))
		}
		if k := len(c.Releases); k > 0 {
			prev := c.Releases[k-1]
			if !v.LT(prev.Version) {
				errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: %s comes after %s (line %d); releases go newest first", n, v, prev.Version, prev.Line))
			}
			if m[2] > prev.Date {
				errs = append(errs, fmt.Sprintf("CHANGELOG.md:%d: %s is dated %s, after the newer %s (%s)", n, v, m[2], prev.Version, prev.Date))
			}
		}
		c.Releases = append(c.Releases, Release{Section: Section{Line: n}, Version: v, Date: m[2]})
		cur = &c.Releases[len(c.Releases)-1].Section
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return c, nil
}

// Newest returns the newest release, false when nothing is released yet.
func (c Changelog) Newest() (Release, bool) {
	if len(c.Releases) == 0 {
		return Release{}, false
	}
	return c.Releases[0], true
}

// ParseVersion reads platform.Version: MAJOR.MINOR.PATCH in full, without
// a leading v.
func ParseVersion(version string) (semver.Version, error) {
	v, err := semver.Parse(version)
	if err != nil {
		return v, fmt.Errorf("platform.Version %q: %w; write MAJOR.MINOR.PATCH without a v", version, err)
	}
	return v, nil
}

// CheckVersion says whether platform.Version (version) agrees with the
// changelog at any commit: it names the newest release heading, or, before
// the first release, the release being prepared.
func CheckVersion(c Changelog, version string) error {
	v, err := ParseVersion(version)
	if err != nil {
		return err
	}
	newest, ok := c.Newest()
	if !ok || newest.Version.EQ(v) {
		return nil
	}
	if v.GT(newest.Version) {
		return fmt.Errorf("platform.Version is %s, CHANGELOG.md's newest release is %s (line %d): set platform.Version in the release commit, "+
			"the one that renames %s to \"## [%s] - YYYY-MM-DD\" (docs/releasing.md)", v, newest.Version, newest.Line, Unreleased, v)
	}
	return fmt.Errorf("platform.Version is %s, older than CHANGELOG.md's newest release %s (line %d): set it to %s", v, newest.Version, newest.Line, newest.Version)
}

// CheckReady says whether the changelog is ready for the release of
// version: CheckVersion holds, version has its heading, and no entry is
// left under [Unreleased].
func CheckReady(c Changelog, version string) error {
	if err := CheckVersion(c, version); err != nil {
		return err
	}
	if _, ok := c.Newest(); !ok {
		return fmt.Errorf("CHANGELOG.md has no heading for %s: rename %s to \"## [%s] - %s\" and start a new, empty %s above it (docs/releasing.md)",
			version, Unreleased, version, time.Now().UTC().Format(time.DateOnly), Unreleased)
	}
	if u := c.Unreleased; u != nil && u.Entries > 0 {
		return fmt.Errorf("CHANGELOG.md:%d: %s still holds %d entries: move them under the heading of %s, or release them later", u.Line, Unreleased, u.Entries, version)
	}
	return nil
}

package release

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blang/semver"
)

// Tag is a release tag, "v" followed by the version.
type Tag struct {
	Name    string
	Version semver.Version
	// Commit is the commit the tag points at.
	Commit string
}

// ParseTag reads a release tag "vX.Y.Z" (pre-releases included); ok is
// false for any other tag.
func ParseTag(name, commit string) (Tag, bool) {
	if !strings.HasPrefix(name, "v") {
		return Tag{}, false
	}
	v, err := semver.Parse(name[1:])
	if err != nil {
		return Tag{}, false
	}
	return Tag{Name: name, Version: v, Commit: commit}, true
}

// Previous finds the release the release of next is compared with: the
// newest tag older than next, skipping pre-releases unless next is one. A tag of next itself is accepted only on
// head (the release is being re-checked after tagging); a tag newer than
// next, or next's tag on another commit, is an error. ok is false when no
// release precedes next.
func Previous(tags []Tag, next semver.Version, head string) (Tag, bool, error) {
	sorted := append([]Tag(nil), tags...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Version.GT(sorted[j].Version) })
	for _, t := range sorted {
		switch {
		case t.Version.GT(next):
			return Tag{}, false, fmt.Errorf("tag %s is newer than the release being cut, %s: platform.Version must name a version after the last release", t.Name, next)
		case t.Version.EQ(next) && t.Commit != head:
			return Tag{}, false, fmt.Errorf("v%s is released already (tag %s at %.12s, HEAD is %.12s): bump platform.Version and the CHANGELOG heading to the next version", next, t.Name, t.Commit, head)
		case t.Version.EQ(next):
			continue
		case len(t.Version.Pre) > 0 && len(next.Pre) == 0:
			// A release is compared with the release before it, not with
			// its own candidates (v0.2.0-rc.1 before v0.2.0).
			continue
		}
		return t, true, nil
	}
	return Tag{}, false, nil
}

// Report is apidiff's report, split into its two lists.
type Report struct {
	Incompatible, Compatible []string
}

// ParseReport reads the text apidiff prints ("Incompatible changes:" and
// "Compatible changes:", each followed by "- " lines). Any other line is an
// error: the check must not pass on output it did not understand.
func ParseReport(text string) (Report, error) {
	var (
		r    Report
		list *[]string
	)
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
		case line == "Incompatible changes:":
			list = &r.Incompatible
		case line == "Compatible changes:":
			list = &r.Compatible
		case strings.HasPrefix(line, "- ") && list != nil:
			*list = append(*list, strings.TrimPrefix(line, "- "))
		default:
			return r, fmt.Errorf("apidiff printed %q, which is no change in its report", line)
		}
	}
	return r, nil
}

// versionChange starts apidiff's message for the change every release
// makes: platform.Version is a constant, and apidiff counts a constant's
// new value as incompatible (importers compiled the old one in).
const versionChange = "./platform.Version: value changed from "

// WithoutVersionChange returns r without the change of platform.Version's
// value, which every release makes by design. Any other constant derived
// from it still counts: better not to export one.
func (r Report) WithoutVersionChange() Report {
	out := Report{Compatible: r.Compatible}
	for _, c := range r.Incompatible {
		if !strings.HasPrefix(c, versionChange) {
			out.Incompatible = append(out.Incompatible, c)
		}
	}
	return out
}

// Kind is the kind of version bump from one release to the next.
type Kind int

// The kinds of bump, from the smallest.
const (
	// Patch keeps MAJOR.MINOR: fixes only, no API change.
	Patch Kind = iota
	// Minor raises MINOR: new API; while MAJOR is 0, incompatible changes too.
	Minor
	// Major raises MAJOR: incompatible changes.
	Major
)

// String names the kind.
func (k Kind) String() string { return [...]string{"patch", "minor", "major"}[k] }

// Bump says what kind of release next is after prev.
func Bump(prev, next semver.Version) Kind {
	switch {
	case next.Major > prev.Major:
		return Major
	case next.Major == prev.Major && next.Minor > prev.Minor:
		return Minor
	}
	return Patch
}

// Needed returns the smallest bump a report allows after prev, and why.
// Incompatible changes need a major release, or while prev's major version
// is 0, a minor one (Go gives v0 no compatibility promise; Plinth keeps
// patch releases compatible); compatible changes (new API) need a minor
// release.
func Needed(prev semver.Version, r Report) (Kind, string) {
	switch {
	case len(r.Incompatible) > 0 && prev.Major == 0:
		return Minor, "incompatible changes, which while the major version is 0 need a new minor version"
	case len(r.Incompatible) > 0:
		return Major, "incompatible changes, which need a new major version"
	case len(r.Compatible) > 0:
		return Minor, "additions, which need a new minor version"
	}
	return Patch, "no change, which any release may carry"
}

// CheckAPI says whether releasing next after prev is allowed by the API
// changes in r, and what to do if not. modulePath is the module's path:
// from v2 on, Go needs a major version suffix on it.
func CheckAPI(prev, next semver.Version, modulePath string, r Report) error {
	if !next.GT(prev) {
		return fmt.Errorf("v%s is not after the last release v%s", next, prev)
	}
	if next.Major >= 2 && !strings.HasSuffix(modulePath, fmt.Sprintf("/v%d", next.Major)) {
		return fmt.Errorf("v%s needs the module path to end in /v%d (it is %s): Go imports a major version from 2 on under its own path", next, next.Major, modulePath)
	}
	need, why := Needed(prev, r)
	got := Bump(prev, next)
	if got >= need {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v%s is a %s release after v%s, but its API has %s:\n", next, got, prev, why)
	for _, c := range r.Incompatible {
		fmt.Fprintf(&b, "  incompatible: %s\n", c)
	}
	if need > Patch && got == Patch {
		for _, c := range r.Compatible {
			fmt.Fprintf(&b, "  compatible:   %s\n", c)
		}
	}
	fmt.Fprintf(&b, "release v%s instead (platform.Version and the CHANGELOG heading), or restore the API", smallest(prev, need))
	return fmt.Errorf("%s", b.String())
}

// smallest is the first version after prev of the given kind.
func smallest(prev semver.Version, k Kind) semver.Version {
	switch k {
	case Major:
		return semver.Version{Major: prev.Major + 1}
	case Minor:
		return semver.Version{Major: prev.Major, Minor: prev.Minor + 1}
	}
	return semver.Version{Major: prev.Major, Minor: prev.Minor, Patch: prev.Patch + 1}
}

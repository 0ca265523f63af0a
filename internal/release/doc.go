// Package release holds the rules a Plinth release is checked against
// before it is tagged (docs/releasing.md, make release-check), as pure
// functions over CHANGELOG.md's headings, the release tags and apidiff's
// report:
//
//   - CHANGELOG.md follows Keep a Changelog: "## [Unreleased]" first, then
//     one "## [X.Y.Z] - YYYY-MM-DD" heading per release, newest first.
//   - platform.Version names the newest release heading; before the first
//     release, the release being prepared. The release commit renames
//     [Unreleased] to the new heading and sets platform.Version in the same
//     change, so between releases platform.Version is the last release
//     (CheckVersion, which make test runs too).
//   - The release being cut has its heading, and nothing is left under
//     [Unreleased] (CheckReady).
//   - Against the last tag, an incompatible API change needs a new major
//     version, or while the major version is 0 a new minor version; new API
//     needs at least a new minor version; a patch release changes no API
//     (CheckAPI).
package release

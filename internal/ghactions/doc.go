// Package ghactions writes GitHub Actions workflow commands: annotations
// (::error::, ::warning::, ::notice::), which the run's summary and the
// pull request's files show, and log groups (::group::), which fold a
// long log into one line per step. plinth's --format github and its
// banners on GitHub Actions write them.
//
// The commands are lines of the job's standard output; their data and
// properties are escaped as the runner unescapes them, so a message with
// newlines, colons or commas arrives whole.
package ghactions

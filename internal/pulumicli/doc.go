// Package pulumicli finds the Pulumi CLI that Plinth's real-engine runs
// drive through the Automation API.
//
// The Automation API refuses a CLI older than the SDK it ships with, and a CLI
// built without its version stamp reports no version at all, so every
// candidate is asked `pulumi version` before it is used. Candidates, in order:
//
//  1. $PLINTH_PULUMI: an explicit choice, so a wrong one is an error rather
//     than silently replaced by another CLI.
//  2. `pulumi` on PATH, when it reports at least Version.
//  3. <repo>/bin/pulumi-v<Version>/pulumi, built by `make tools` from the
//     pinned module in tools/pulumi.
//
// Version, the oldest CLI that fits, is the Pulumi SDK version Plinth is
// built and tested with: go.mod's requirement of
// github.com/pulumi/pulumi/sdk/v3 is the one source of the Pulumi version,
// which the Makefile reads, and the constant is kept equal to it by
// TestVersionMatchesPins (test binaries carry no build information to read
// it from). Versions are compared as semantic versions
// (github.com/blang/semver): v3.250.0-dev.0 is older than 3.250.0.
//
// When none fits, the error lists what was rejected and why, and how to get a
// CLI that fits.
package pulumicli

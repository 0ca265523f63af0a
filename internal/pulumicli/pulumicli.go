package pulumicli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/blang/semver"

	"github.com/plinth-dev/plinth/platform/field"
)

// SDKModule is the Pulumi SDK's module, whose requirement in go.mod is the
// one source of the Pulumi version.
const SDKModule = "github.com/pulumi/pulumi/sdk/v3"

// Version is the oldest Pulumi CLI Plinth runs with, without the leading
// "v": the Pulumi SDK Plinth is built and tested with, go.mod's requirement
// of SDKModule. go.mod is the source: the Makefile reads PULUMI_VERSION
// from it, and TestVersionMatchesPins keeps this constant and
// tools/pulumi/go.mod's sdk/v3 and pkg/v3 equal to it (Renovate moves them
// in one change). It is a constant rather than read from the program's
// build information because test binaries carry no versions of their
// dependencies, and because a team's program built with a newer SDK needs
// only the CLI Plinth was tested with (the SDK's Automation API asks for
// less).
const Version = "3.250.0"

// EnvVar names the environment variable that chooses the CLI explicitly. Its
// value is a path; a relative one is taken from the working directory. An
// empty value counts as unset.
const EnvVar = "PLINTH_PULUMI"

// ErrNotFound is wrapped by Find's error when no candidate fits. A bad
// PLINTH_PULUMI is a different error: it is a setting to fix, not a missing
// tool, so a caller that skips work without a CLI still reports it.
var ErrNotFound = errors.New("no Pulumi CLI found")

// versionTimeout bounds `pulumi version`, which answers in well under a
// second; a candidate that hangs is rejected instead of hanging its caller.
var versionTimeout = 30 * time.Second

// BinPath returns where `make tools` builds the CLI below repoRoot
// (pulumi.exe on Windows).
func BinPath(repoRoot string) string {
	name := "pulumi"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(repoRoot, "bin", "pulumi-v"+Version, name)
}

// Find returns the absolute path of a Pulumi CLI that reports Version or
// later: $PLINTH_PULUMI when set, else `pulumi` on PATH, else BinPath(repoRoot).
// The error says why each candidate was rejected and how to get a CLI.
func Find(repoRoot string) (string, error) {
	if p := os.Getenv(EnvVar); p != "" {
		return fromEnv(p)
	}
	var rejected []string
	if p, err := exec.LookPath("pulumi"); err != nil {
		rejected = append(rejected, "PATH: no pulumi")
	} else if reason := check(p); reason != "" {
		rejected = append(rejected, fmt.Sprintf("PATH %q: %s", p, reason))
	} else {
		return filepath.Abs(p)
	}
	bin := BinPath(repoRoot)
	if reason := executable(bin); reason != "" {
		rejected = append(rejected, fmt.Sprintf("%s: %s", bin, reason))
	} else if reason := check(bin); reason != "" {
		rejected = append(rejected, fmt.Sprintf("%s: %s", bin, reason))
	} else {
		return filepath.Abs(bin)
	}
	return "", notFound(bin, rejected)
}

// fromEnv checks the CLI PLINTH_PULUMI names.
func fromEnv(p string) (string, error) {
	reason := executable(p)
	if reason == "" {
		reason = check(p)
	}
	if reason != "" {
		return "", field.Invalid(field.NewPath(EnvVar), p,
			"%s; point %s at a Pulumi CLI that reports v%s or later, or unset it to use `pulumi` on PATH or the one `make tools` builds",
			reason, EnvVar, Version)
	}
	return filepath.Abs(p)
}

// executable says why path cannot be run, or "" when it can.
func executable(path string) string {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "does not exist"
	case err != nil:
		return err.Error()
	case info.IsDir():
		return "is a directory"
	case runtime.GOOS != "windows" && info.Mode().Perm()&0o111 == 0:
		// Windows has no execute bit: a file runs by its extension.
		return "is not executable"
	}
	return ""
}

// check runs `path version` and says why the CLI does not fit, or "" when it
// reports Version or later.
func check(path string) string {
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "version")
	// The update check would reach for the network, which may not be there.
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true")
	// Stop waiting for output a grandchild holds open after a timeout kill.
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	switch {
	case ctx.Err() != nil:
		return fmt.Sprintf("`pulumi version` did not answer within %s", versionTimeout)
	case err != nil:
		return fmt.Sprintf("`pulumi version` failed: %v: %s", err, firstLine(stderr.String()))
	}
	reported := firstLine(string(out))
	if v, err := Parse(reported); err != nil || !Fits(v) {
		return fmt.Sprintf("reports %q, need v%s or later", reported, Version)
	}
	return ""
}

// notFound explains how to get a CLI after every candidate was rejected.
func notFound(bin string, rejected []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s that reports v%s or later:\n", ErrNotFound.Error(), Version)
	for _, r := range rejected {
		fmt.Fprintf(&b, "  %s\n", r)
	}
	b.WriteString("get one in any of these ways:\n")
	fmt.Fprintf(&b, "  install Pulumi %s or later   and put it on PATH (https://www.pulumi.com/docs/install/)\n", Version)
	fmt.Fprintf(&b, "  make tools                        in Plinth's own repository: builds %s from tools/pulumi (about 4 min the first time)\n", bin)
	fmt.Fprintf(&b, "  %s=/path/to/pulumi     use that CLI (it must report v%s or later)", EnvVar, Version)
	return &notFoundError{msg: b.String()}
}

// notFoundError carries the full explanation and matches ErrNotFound.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func (e *notFoundError) Unwrap() error { return ErrNotFound }

// firstLine returns the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
	}
	return ""
}

// Parse reads the version a CLI reports, "v3.250.0" or "3.250.0", with
// any pre-release and build metadata ("v3.251.0-alpha.1+dirty"). A version
// that is not MAJOR.MINOR.PATCH in full is an error.
func Parse(reported string) (semver.Version, error) {
	return semver.Parse(strings.TrimPrefix(strings.TrimSpace(reported), "v"))
}

// Fits reports whether a CLI of version v is Version or later, as semantic
// versioning orders them: a pre-release comes before its release
// (v3.250.0-dev.0 is older than 3.250.0, v3.251.0-alpha.1 newer), and
// build metadata plays no part.
func Fits(v semver.Version) bool {
	minimum, err := semver.Parse(Version)
	return err == nil && v.GTE(minimum)
}

// Command releasecheck is make release-check: before a release is tagged
// (docs/releasing.md), it checks that the release being cut, platform.Version,
// has its CHANGELOG.md heading and nothing left under [Unreleased], and that
// its API, compared by apidiff (pinned in tools/release) with the last
// release tag's, allows the version bump. Run it from the repository's
// root. It prints what it found and exits 1 on the first failed check.
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	"golang.org/x/mod/modfile"

	"github.com/plinth-dev/plinth/internal/release"
	"github.com/plinth-dev/plinth/platform"
)

// apidiffModfile is the tools module that pins apidiff, relative to the
// repository's root.
const apidiffModfile = "tools/release/go.mod"

func main() {
	if !run() {
		os.Exit(1)
	}
}

// run checks the changelog and the API independently, prints each
// finding, and reports whether both passed.
func run() bool {
	next, err := release.ParseVersion(platform.Version)
	if err != nil {
		fmt.Printf("FAIL %v\n", err)
		return false
	}
	fmt.Printf("release-check: the release being cut is v%s (platform.Version)\n", next)
	ok := true
	for _, check := range []struct {
		name string
		run  func() (string, error)
	}{
		{"CHANGELOG.md", checkChangelog},
		{"API", func() (string, error) { return checkAPI(next) }},
	} {
		msg, err := check.run()
		if err != nil {
			ok = false
			fmt.Printf("FAIL %s: %s\n", check.name, strings.ReplaceAll(err.Error(), "\n", "\n     "))
			continue
		}
		fmt.Printf("ok   %s: %s\n", check.name, msg)
	}
	if ok {
		fmt.Printf("release-check: passed; tag v%s on this commit (docs/releasing.md)\n", next)
	} else {
		fmt.Printf("release-check: failed; docs/releasing.md says how to prepare a release\n")
	}
	return ok
}

// checkChangelog checks CHANGELOG.md for the release of platform.Version.
func checkChangelog() (string, error) {
	text, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		return "", fmt.Errorf("%w (run make release-check from the repository's root)", err)
	}
	c, err := release.ParseChangelog(string(text))
	if err != nil {
		return "", err
	}
	if err := release.CheckReady(c, platform.Version); err != nil {
		return "", err
	}
	newest, _ := c.Newest()
	return fmt.Sprintf("%q (line %d) is the newest release, and nothing is left under [Unreleased]", newest.Heading(), newest.Line), nil
}

// checkAPI compares the API with the last release tag's.
func checkAPI(next semver.Version) (string, error) {
	head, err := git("rev-parse", "HEAD")
	if err != nil {
		return "", err
	}
	tags, err := releaseTags()
	if err != nil {
		return "", err
	}
	prev, ok, err := release.Previous(tags, next, head)
	if err != nil {
		return "", err
	}
	if !ok {
		return fmt.Sprintf("no release tag (v*) precedes v%s in this repository's history, so v%s is the first release: there is no earlier API to compare it with", next, next), nil
	}
	fmt.Printf("     API: comparing the working tree with %s (%.12s) by apidiff ...\n", prev.Name, prev.Commit)
	report, err := apiChanges(prev)
	if err != nil {
		return "", err
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		return "", err
	}
	counts := fmt.Sprintf("%d incompatible and %d compatible changes since %s", len(report.Incompatible), len(report.Compatible), prev.Name)
	if err := release.CheckAPI(prev.Version, next, modfile.ModulePath(gomod), report); err != nil {
		return "", fmt.Errorf("%s; %w", counts, err)
	}
	need, why := release.Needed(prev.Version, report)
	return fmt.Sprintf("%s: v%s is a %s release after %s, and its API has %s (at least a %s release)", counts, next, release.Bump(prev.Version, next), prev.Name, why, need), nil
}

// git runs git with args and returns its trimmed output.
func git(args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// releaseTags lists the release tags in HEAD's history with their commits.
func releaseTags() ([]release.Tag, error) {
	list, err := git("tag", "--list", "v*", "--merged", "HEAD", "--format=%(refname:short) %(objectname) %(*objectname)")
	if err != nil {
		return nil, err
	}
	var tags []release.Tag
	for line := range strings.Lines(list) {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		commit := f[1]
		if len(f) == 3 { // an annotated tag: the commit it points at
			commit = f[2]
		}
		if t, ok := release.ParseTag(f[0], commit); ok {
			tags = append(tags, t)
		}
	}
	return tags, nil
}

// apiChanges runs apidiff on the module at prev and the working tree.
func apiChanges(prev release.Tag) (release.Report, error) {
	root, err := os.Getwd()
	if err != nil {
		return release.Report{}, err
	}
	tmp, err := os.MkdirTemp("", "plinth-release-check-")
	if err != nil {
		return release.Report{}, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	old := filepath.Join(tmp, "src")
	if err := extract(prev.Name, old); err != nil {
		return release.Report{}, err
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		return release.Report{}, err
	}
	module := modfile.ModulePath(gomod)
	api := filepath.Join(tmp, "old.api")
	modfileFlag := "-modfile=" + filepath.Join(root, apidiffModfile)
	if _, err := goTool(old, modfileFlag, "apidiff", "-m", "-w", api, module); err != nil {
		return release.Report{}, fmt.Errorf("apidiff on %s: %w", prev.Name, err)
	}
	text, err := goTool(root, modfileFlag, "apidiff", "-m", api, module)
	if err != nil {
		return release.Report{}, fmt.Errorf("apidiff on the working tree: %w", err)
	}
	report, err := release.ParseReport(text)
	return report.WithoutVersionChange(), err
}

// goTool runs `go tool args...` in dir and returns its standard output.
func goTool(dir string, args ...string) (string, error) {
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(goCmd, append([]string{"tool"}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w\n%s", err, keepErrors(stderr.String()))
	}
	return stdout.String(), nil
}

// keepErrors drops apidiff's notes on the internal packages it skips.
func keepErrors(stderr string) string {
	var b strings.Builder
	for line := range strings.Lines(stderr) {
		if !strings.HasPrefix(line, "Ignoring internal package ") {
			b.WriteString(line)
		}
	}
	return strings.TrimSpace(b.String())
}

// extract writes the tree of rev into dir (git archive), leaving the
// repository's working tree, index and worktrees alone.
func extract(rev, dir string) error {
	var stderr bytes.Buffer
	cmd := exec.Command("git", "archive", "--format=tar", rev)
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	r := tar.NewReader(pipe)
	for {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("git archive %s: %w", rev, err)
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) {
			return fmt.Errorf("git archive %s: %q leaves the directory", rev, h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = writeFile(name, r, os.FileMode(h.Mode)&0o777)
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, name)
		}
		if err != nil {
			return err
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %w: %s", rev, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// writeFile writes r to name, creating its directory.
func writeFile(name string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

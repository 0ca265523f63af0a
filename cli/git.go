package cli

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// git runs git in dir with a fixed locale, so that nothing depends on the
// language of the user's messages, and returns its standard output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C", "LANGUAGE=C", "GIT_TERMINAL_PROMPT=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return nil, fmt.Errorf("git: %w", err)
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// resolveRef returns the commit ref names in the repository of dir; an
// unknown ref is a usage error.
func resolveRef(ctx context.Context, dir, ref string) (string, error) {
	if _, err := git(ctx, dir, "rev-parse", "--show-toplevel"); err != nil {
		return "", fmt.Errorf("--base needs a git repository: %s is not in one (%w)", dir, err)
	}
	out, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", usageError{fmt.Errorf("--base %q: no such git ref", ref)}
	}
	return strings.TrimSpace(string(out)), nil
}

// exists reports whether the commit has a file or directory at path
// (relative to the repository's root, with slashes).
func exists(ctx context.Context, dir, commit, path string) bool {
	_, err := git(ctx, dir, "cat-file", "-e", commit+":"+path)
	return err == nil
}

// usesPlinth reports whether the go.mod at gomod (a path in the repository)
// in commit requires Plinth: whether the project had a Plinth program then.
func usesPlinth(ctx context.Context, dir, commit, gomod string) bool {
	data, err := git(ctx, dir, "show", commit+":"+gomod)
	return err == nil && bytes.Contains(data, []byte("github.com/plinth-dev/plinth "))
}

// repoPath returns the path of dir relative to the root of its git
// repository, with slashes ("" at the root).
func repoPath(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSpace(string(out)), "/"), nil
}

// committedSnapshots reads the snapshots committed at commit in the
// project's snapshot directory (snapshotDir, relative to dir): stack name
// to snapshot. A commit without the directory has none.
func committedSnapshots(ctx context.Context, dir, commit, snapshotDir string) (map[string]*snapshot.Snapshot, error) {
	prefix, err := repoPath(ctx, dir)
	if err != nil {
		return nil, err
	}
	where := path.Join(prefix, snapshotDir)
	out := map[string]*snapshot.Snapshot{}
	if !exists(ctx, dir, commit, where) {
		return out, nil
	}
	list, err := git(ctx, dir, "ls-tree", "--name-only", "-z", commit, "--", where+"/")
	if err != nil {
		return nil, err
	}
	for _, file := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		stack, ok := strings.CutSuffix(path.Base(file), ".json")
		if !ok || stack == "" {
			continue
		}
		data, err := git(ctx, dir, "show", commit+":"+file)
		if err != nil {
			return nil, err
		}
		s, err := snapshot.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s at %s: %w", file, commit[:min(12, len(commit))], err)
		}
		out[stack] = s
	}
	return out, nil
}

// program locates the running plinth program in its module, from the
// binary's build information: the module's path and the main package's
// directory within the module ("." at its root). ok is false for a binary
// that is not a main package of a module (a test binary).
func program() (module, pkg string, ok bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Path == "" || bi.Path == "" || strings.HasSuffix(bi.Path, ".test") {
		return "", "", false
	}
	switch {
	case bi.Path == bi.Main.Path:
		return bi.Main.Path, ".", true
	case strings.HasPrefix(bi.Path, bi.Main.Path+"/"):
		return bi.Main.Path, "./" + strings.TrimPrefix(bi.Path, bi.Main.Path+"/"), true
	}
	return "", "", false
}

// moduleRoot returns the directory, dir or above, of the go.mod that
// declares module.
func moduleRoot(dir, module string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if modulePath(filepath.Join(d, "go.mod")) == module {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod of module %s in %s or above; run plinth from the project's directory or pass --dir", module, abs)
		}
	}
}

// modulePath returns the module path a go.mod declares, or "".
func modulePath(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close() //nolint:errcheck // read-only file
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// renderAt renders every stack of the project as the commit defines it:
// it extracts the module at commit into a temporary directory (the
// working tree is not touched), points the module's relative replace
// directives at what they name from the project's root, and runs the
// commit's plinth program (`go run PKG plan --snapshot-dir`). It returns
// the snapshots by stack name.
func renderAt(ctx context.Context, root, pkg, commit string) (map[string]*snapshot.Snapshot, error) {
	prefix, err := repoPath(ctx, root)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "plinth-base-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // a temporary checkout
	src := filepath.Join(tmp, "src")
	if err := extract(ctx, root, commit, prefix, src); err != nil {
		return nil, err
	}
	module := filepath.Join(src, filepath.FromSlash(prefix))
	if err := absoluteReplaces(ctx, module, root); err != nil {
		return nil, err
	}
	out := filepath.Join(tmp, "snapshots")
	cmd := exec.CommandContext(ctx, goCommand(), "run", pkg, "plan", "--snapshot-dir", out)
	cmd.Dir = module
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rendering the stacks at %s (go run %s plan): %w\n%s", commit[:min(12, len(commit))], pkg, err, strings.TrimSpace(errOut.String()))
	}
	entries, err := os.ReadDir(out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	snaps := map[string]*snapshot.Snapshot{}
	for _, e := range entries {
		stack, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		s, err := readSnapshot(filepath.Join(out, e.Name()))
		if err != nil {
			return nil, err
		}
		snaps[stack] = s
	}
	return snaps, nil
}

// goCommand is the go command of the toolchain: $GOROOT/bin/go when
// GOROOT is set, else go from PATH.
func goCommand() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// extract writes the tree of commit under prefix into dst, through git
// archive: no worktree is created and the repository is not changed.
func extract(ctx context.Context, dir, commit, prefix, dst string) error {
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return err
	}
	args := []string{"archive", "--format=tar", commit}
	if prefix != "" {
		args = append(args, "--", prefix)
	}
	data, err := git(ctx, strings.TrimSpace(string(top)), args...)
	if err != nil {
		return err
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dst, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dst)+string(filepath.Separator)) {
			return fmt.Errorf("git archive: %q leaves the checkout", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(target, data, os.FileMode(h.Mode)&0o755|0o600); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return err
			}
		}
	}
}

// absoluteReplaces rewrites the replace directives of the go.mod in module
// that name a local directory by a relative path, so that they name the
// same directory as from root, where the project lives.
func absoluteReplaces(ctx context.Context, module, root string) error {
	cmd := exec.CommandContext(ctx, goCommand(), "mod", "edit", "-json")
	cmd.Dir = module
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go mod edit -json in the base checkout: %w", err)
	}
	var mod struct {
		Replace []struct {
			Old struct{ Path, Version string }
			New struct{ Path, Version string }
		}
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		return err
	}
	var edits []string
	for _, r := range mod.Replace {
		if r.New.Version != "" || filepath.IsAbs(r.New.Path) || !(strings.HasPrefix(r.New.Path, "./") || strings.HasPrefix(r.New.Path, "../")) {
			continue
		}
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		edits = append(edits, "-replace="+old+"="+filepath.Join(root, filepath.FromSlash(r.New.Path)))
	}
	if len(edits) == 0 {
		return nil
	}
	cmd = exec.CommandContext(ctx, goCommand(), append([]string{"mod", "edit"}, edits...)...)
	cmd.Dir = module
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod edit in the base checkout: %w\n%s", err, out)
	}
	return nil
}

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// plinthModule is the module path of Plinth itself.
const plinthModule = "github.com/plinth-dev/plinth"

// gitError is a git command that exited with a status.
type gitError struct {
	args   []string
	code   int
	stderr string
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), e.stderr)
}

// git runs git in dir with a fixed locale, so that nothing depends on the
// language of the user's messages, with extra environment variables env,
// and returns its standard output.
func git(ctx context.Context, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C", "LANG=C", "LANGUAGE=C", "GIT_TERMINAL_PROMPT=0"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return nil, fmt.Errorf("git: %w", err)
		}
		return nil, &gitError{args: args, code: exit.ExitCode(), stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.Bytes(), nil
}

// resolveRef returns the commit ref names in the repository of dir. A ref
// git does not know is a usage error that says how to make it known.
func resolveRef(ctx context.Context, dir, ref string) (string, error) {
	if _, err := git(ctx, dir, nil, "rev-parse", "--show-toplevel"); err != nil {
		return "", fmt.Errorf("--base needs a git repository: %s is not in one (%w)", dir, err)
	}
	out, err := git(ctx, dir, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	var ge *gitError
	switch {
	case errors.As(err, &ge) && ge.code == 1:
		hint := "name a branch, tag or commit"
		if strings.Contains(ref, "/") {
			hint = "fetch it first (git fetch " + strings.Replace(ref, "/", " ", 1) + "; in GitHub Actions, actions/checkout with fetch-depth: 0)"
		}
		return "", usageError{fmt.Errorf("--base %q: no such git ref; %s", ref, hint)}
	case err != nil:
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// exists reports whether the commit has a file or directory at path
// (relative to the repository's root, with slashes; "" is the root).
func exists(ctx context.Context, dir, commit, path string) bool {
	_, err := git(ctx, dir, nil, "cat-file", "-e", commit+":"+path)
	return err == nil
}

// usesPlinth reports whether the go.mod at gomod (a path in the repository)
// in commit is Plinth's or requires it: whether the project had a Plinth
// program then.
func usesPlinth(ctx context.Context, dir, commit, gomod string) bool {
	data, err := git(ctx, dir, nil, "show", commit+":"+gomod)
	if err != nil {
		return false
	}
	f, err := modfile.ParseLax(gomod, data, nil)
	if err != nil || f.Module == nil {
		return false
	}
	if f.Module.Mod.Path == plinthModule {
		return true
	}
	for _, r := range f.Require {
		if r.Mod.Path == plinthModule {
			return true
		}
	}
	return false
}

// repo is where a project lies in its git repository.
type repo struct {
	// root is the project's root; top the repository's.
	root, top string
	// prefix is root relative to top, with slashes ("" at the top).
	prefix string
}

// locate finds the repository of the project at root, with one git call.
func locate(ctx context.Context, root string) (repo, error) {
	out, err := git(ctx, root, nil, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		return repo{}, err
	}
	top, prefix, _ := strings.Cut(strings.TrimRight(string(out), "\n"), "\n")
	return repo{root: root, top: top, prefix: strings.TrimSuffix(prefix, "/")}, nil
}

// committedSnapshots reads the snapshots committed at commit in the
// project's snapshot directory (snapshotDir, relative to the project's
// root): stack name to snapshot. A commit without the directory has none.
func committedSnapshots(ctx context.Context, r repo, commit, snapshotDir string) (map[string]*snapshot.Snapshot, error) {
	dir := r.root
	where := path.Join(r.prefix, snapshotDir)
	out := map[string]*snapshot.Snapshot{}
	if !exists(ctx, dir, commit, where) {
		return out, nil
	}
	list, err := git(ctx, dir, nil, "ls-tree", "--name-only", "-z", "--full-tree", commit, "--", where+"/")
	if err != nil {
		return nil, err
	}
	for _, file := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		stack, ok := strings.CutSuffix(path.Base(file), ".json")
		if !ok || stack == "" {
			continue
		}
		data, err := git(ctx, dir, nil, "show", commit+":"+file)
		if err != nil {
			return nil, err
		}
		s, err := snapshot.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s at %s: %w", file, short(commit), err)
		}
		out[stack] = s
	}
	return out, nil
}

// short is the abbreviation of a commit in messages.
func short(commit string) string { return commit[:min(12, len(commit))] }

// runningProgram is program; tests replace it.
var runningProgram = program

// program locates the running plinth program in its module, from the
// binary's build information: the module's path and the main package's
// directory within the module ("." at its root). ok is false for a binary
// that is not the main package of a module (a test binary, `go run
// main.go`).
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
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && modfile.ModulePath(data) == module {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod of module %s in %s or above; run plinth from the project's directory or pass --dir", module, abs)
		}
	}
}

// renderAt renders every stack of the project as the commit defines it:
// it checks the commit's tree out into a temporary directory (the working
// tree, the index and HEAD are not touched), points the module's relative
// replace directives that lead out of the repository at what they name
// from the project's root, and runs the commit's plinth program (`go run
// PKG plan --snapshot-dir`) with workspaces off. It returns the snapshots
// by stack name.
func renderAt(ctx context.Context, r repo, pkg, commit string) (map[string]*snapshot.Snapshot, error) {
	tmp, err := os.MkdirTemp("", "plinth-base-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) //nolint:errcheck // a temporary checkout
	src := filepath.Join(tmp, "src")
	if err := checkout(ctx, r.top, commit, tmp, src); err != nil {
		return nil, err
	}
	module := filepath.Join(src, filepath.FromSlash(r.prefix))
	if err := absoluteReplaces(module, r.root, r.top); err != nil {
		return nil, err
	}
	out := filepath.Join(tmp, "snapshots")
	cmd := exec.CommandContext(ctx, goCommand(), "run", pkg, "plan", "--snapshot-dir", out)
	cmd.Dir = module
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rendering the stacks at %s (go run %s plan): %w\n%s", short(commit), pkg, err, strings.TrimSpace(errOut.String()))
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
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// checkout writes the whole tree of commit, in the repository whose root
// is top, into dst through a private index in scratch: files as git checks
// them out on this system (symbolic links included), without the export
// attributes git archive applies, and without touching the repository's
// index or HEAD.
func checkout(ctx context.Context, top, commit, scratch, dst string) error {
	index := []string{"GIT_INDEX_FILE=" + filepath.Join(scratch, "index")}
	if _, err := git(ctx, top, index, "read-tree", commit); err != nil {
		return err
	}
	_, err := git(ctx, top, index, "checkout-index", "--all", "--force", "--prefix="+dst+string(filepath.Separator))
	return err
}

// absoluteReplaces rewrites the replace directives of the go.mod in
// module that name a local directory outside the repository (top) by a
// relative path, so that they name the same directory as from root, where
// the project lives. Directories inside the repository stay relative: the
// checkout holds them as the commit had them.
func absoluteReplaces(module, root, top string) error {
	gomod := filepath.Join(module, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return err
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return fmt.Errorf("the base commit's go.mod: %w", err)
	}
	changed := false
	for _, r := range f.Replace {
		if r.New.Version != "" || !modfile.IsDirectoryPath(r.New.Path) || filepath.IsAbs(r.New.Path) {
			continue
		}
		target := filepath.Join(root, filepath.FromSlash(r.New.Path))
		if rel, err := filepath.Rel(top, target); err == nil && filepath.IsLocal(rel) {
			continue
		}
		if err := f.AddReplace(r.Old.Path, r.Old.Version, target, ""); err != nil {
			return err
		}
		changed = true
	}
	if !changed {
		return nil
	}
	out, err := f.Format()
	if err != nil {
		return err
	}
	return os.WriteFile(gomod, out, 0o644)
}

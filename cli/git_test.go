package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeFiles writes files (path -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gitIn runs git in dir, failing the test on an error.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestRenderAtRunsTheCommitsOwnProgram builds a project whose program lives
// in a subdirectory of its module, in a subdirectory of its repository, and
// depends on a module beside the repository through a relative replace: the
// commit's program (not the working tree's) renders the base, from a copy
// that leaves the working tree as it is.
func TestRenderAtRunsTheCommitsOwnProgram(t *testing.T) {
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	top := t.TempDir()
	repo, lib := filepath.Join(top, "repo"), filepath.Join(top, "lib")
	writeFiles(t, lib, map[string]string{
		"go.mod": "module example.com/lib\n\ngo 1.26\n",
		"lib.go": "package lib\n\n// Stack is the stack the program renders.\nconst Stack = \"shop-dev\"\n",
	})
	// The program writes <dir>/<stack>.json for `plan --snapshot-dir DIR`,
	// as cli.Main does; its resource name says which commit it is.
	program := func(commit string) string {
		return `package main

import (
	"os"
	"path/filepath"

	"example.com/inner"
	"example.com/lib"
)

func main() {
	if len(os.Args) != 4 || os.Args[1] != "plan" || os.Args[2] != "--snapshot-dir" {
		os.Exit(2)
	}
	_ = os.MkdirAll(os.Args[3], 0o755)
	doc := ` + "`" + `{"stack": "` + "`" + ` + lib.Stack + ` + "`" + `", "resources": [{"urn": "urn:x", "type": "t:m:R", "name": "` + commit + `-` + "` + inner.Name + `" + `", "custom": true}]}` + "`" + `
	if err := os.WriteFile(filepath.Join(os.Args[3], lib.Stack+".json"), []byte(doc), 0o644); err != nil {
		os.Exit(1)
	}
}
`
	}
	inner := func(name string) string {
		return "package inner\n\n// Name is what the program calls its resource.\nconst Name = \"" + name + "\"\n"
	}
	writeFiles(t, repo, map[string]string{
		"platform/go.mod": "module example.com/shop\n\ngo 1.26\n\nrequire (\n\texample.com/inner v0.0.0\n\texample.com/lib v0.0.0\n)\n\n" +
			"replace example.com/lib => ../../lib\n\nreplace example.com/inner => ../libs/inner\n",
		"platform/cmd/plinth/main.go": program("base"),
		"libs/inner/go.mod":           "module example.com/inner\n\ngo 1.26\n",
		"libs/inner/inner.go":         inner("at-base"),
	})
	gitIn(t, repo, "init", "-q")
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "-q", "-m", "base")
	base := gitIn(t, repo, "rev-parse", "HEAD")
	writeFiles(t, repo, map[string]string{"platform/cmd/plinth/main.go": program("working-tree"), "libs/inner/inner.go": inner("in-working-tree")})

	root := filepath.Join(repo, "platform")
	r, err := locate(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if r.prefix != "platform" || r.root != root {
		t.Fatalf("locate = %+v", r)
	}
	snaps, err := renderAt(context.Background(), r, "./cmd/plinth", base)
	if err != nil {
		t.Fatal(err)
	}
	s := snaps["shop-dev"]
	// The base's program and the base's copy of the library inside the
	// repository; the library outside it from where it is.
	if len(snaps) != 1 || s == nil || len(s.Resources) != 1 || s.Resources[0].Name != "base-at-base" {
		t.Fatalf("snapshots = %+v, want shop-dev as the base commit renders it", snaps)
	}
	if got := gitIn(t, repo, "status", "--porcelain"); got != "M libs/inner/inner.go\n M platform/cmd/plinth/main.go" {
		t.Errorf("the working tree changed: %q", got)
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !strings.Contains(string(data), "=> ../../lib") {
		t.Errorf("the project's go.mod was rewritten:\n%s", data)
	}

	// A base whose program fails names the commit and shows its output.
	writeFiles(t, repo, map[string]string{"platform/cmd/plinth/main.go": "package main\n\nfunc main() { undefined() }\n"})
	gitIn(t, repo, "commit", "-q", "-am", "broken")
	broken := gitIn(t, repo, "rev-parse", "HEAD")
	_, err = renderAt(context.Background(), r, "./cmd/plinth", broken)
	if err == nil || !strings.Contains(err.Error(), "rendering the stacks at "+broken[:12]) || !strings.Contains(err.Error(), "undefined: undefined") {
		t.Errorf("err = %v", err)
	}
}

// A ref git does not know is a usage error, whatever the user's locale.
func TestUnknownRefIsAUsageError(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	gitIn(t, repo, "init", "-q")
	t.Setenv("LC_ALL", "de_DE.UTF-8")
	t.Setenv("LANG", "de_DE.UTF-8")
	_, err := resolveRef(context.Background(), repo, "origin/main")
	var ue usageError
	if err == nil || err.Error() != `--base "origin/main": no such git ref; fetch it first (git fetch origin main; in GitHub Actions, actions/checkout with fetch-depth: 0)` || !errors.As(err, &ue) {
		t.Errorf("err = %v", err)
	}
}

// baseSnapshots takes the snapshots committed at a base that has no Plinth
// program yet, and renders a base that has one with its own program; it
// says which it used.
func TestBaseIsTheCommitsProgramOrItsSnapshots(t *testing.T) {
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	repo := t.TempDir()
	// Before Plinth: a module of its own and a snapshot someone committed.
	writeFiles(t, repo, map[string]string{
		"go.mod":                  "module example.com/shop\n\ngo 1.26\n",
		"snapshots/shop-dev.json": `{"stack": "shop-dev", "resources": [{"urn": "urn:a", "type": "t:m:R", "name": "committed", "custom": true}]}`,
	})
	gitIn(t, repo, "init", "-q")
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "-q", "-m", "before plinth")
	// With Plinth: the module is Plinth's own (the reference project's
	// case), with a program at cmd/plinth that renders the stack.
	writeFiles(t, repo, map[string]string{
		"go.mod": "module github.com/plinth-dev/plinth\n\ngo 1.26\n",
		"cmd/plinth/main.go": `package main

import (
	"os"
	"path/filepath"
)

func main() {
	doc := ` + "`" + `{"stack": "shop-dev", "resources": [{"urn": "urn:b", "type": "t:m:R", "name": "rendered", "custom": true}]}` + "`" + `
	_ = os.MkdirAll(os.Args[3], 0o755)
	_ = os.WriteFile(filepath.Join(os.Args[3], "shop-dev.json"), []byte(doc), 0o644)
}
`,
	})
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "-q", "-m", "plinth")
	runningProgram = func() (string, string, bool) { return "github.com/plinth-dev/plinth", "./cmd/plinth", true }
	t.Cleanup(func() { runningProgram = program })

	a := &app{project: shop(false)}
	for _, tc := range []struct{ ref, name, note string }{
		{"HEAD~1", "committed", "base: the 1 snapshots committed in snapshots at HEAD~1 ("},
		{"HEAD", "rendered", "base: the stacks as HEAD ("},
	} {
		var notes strings.Builder
		snaps, err := a.baseSnapshots(context.Background(), &notes, repo, tc.ref)
		if err != nil {
			t.Fatal(err)
		}
		if s := snaps["shop-dev"]; s == nil || s.Resources[0].Name != tc.name {
			t.Errorf("%s: base = %+v, want %s", tc.ref, snaps, tc.name)
		}
		if !strings.HasPrefix(notes.String(), tc.note) {
			t.Errorf("%s: note %q, want %q", tc.ref, notes.String(), tc.note)
		}
	}
}

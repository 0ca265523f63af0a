//go:build integration

package docstest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/pulumicli"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/stacks"
)

// block is one fenced block of a Markdown page.
type block struct {
	line  int               // line of the opening fence
	lang  string            // first word of the info string
	attrs map[string]string // key=value words after it
	body  string
}

// blocks returns the fenced blocks of the Markdown file at path.
func blocks(t *testing.T, path string) []block {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out  []block
		cur  *block
		body strings.Builder
	)
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		if !strings.HasPrefix(line, "```") {
			if cur != nil {
				body.WriteString(line + "\n")
			}
			continue
		}
		if cur != nil {
			cur.body = body.String()
			out = append(out, *cur)
			cur = nil
			continue
		}
		words := strings.Fields(strings.TrimPrefix(line, "```"))
		cur = &block{line: n, attrs: map[string]string{}}
		body.Reset()
		for j, w := range words {
			if j == 0 {
				cur.lang = w
				continue
			}
			k, v, _ := strings.Cut(w, "=")
			cur.attrs[k] = v
		}
	}
	if cur != nil {
		t.Fatalf("%s:%d: fence not closed", path, cur.line)
	}
	return out
}

// needsCloud are the only commands a "skip=needs-cloud" block may hold.
var needsCloud = []string{
	"az login", "export AAD_LOGIN_METHOD=azurecli",
	"gcloud auth login", "gcloud auth application-default login",
	"pulumi up", "pulumi preview",
}

// TestGettingStarted follows docs/getting-started.md in a new directory,
// as a new user on a machine with Go and the Pulumi CLI, then renders the
// program with the configuration the page's commands set: everything up to
// the cloud calls of `pulumi up`.
//
// Two things differ from a user's machine, both because this one reaches
// only a filtered module proxy and no checksum database: Plinth v0.1.0 is
// not published, so a `go` wrapper points the new module at this checkout
// (a replace directive) before its first `go get`; and there is no
// checksum database (GOSUMDB=off: go.sum is written from the downloaded
// modules' own hashes).
func TestGettingStarted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a new module against the cloud SDKs; skipped with -short")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := pulumicli.Find(repo)
	if err != nil {
		t.Skipf("needs the Pulumi CLI v%s (make tools): %v", pulumicli.Version, err)
	}
	page := filepath.Join(repo, "docs", "getting-started.md")
	work := t.TempDir()
	env := userEnv(t, repo, cli, work)

	cwd := filepath.Join(work, "home")
	cwdFile := filepath.Join(work, "cwd")
	ran := 0
	var lastOutput string
	for _, b := range blocks(t, page) {
		where := fmt.Sprintf("docs/getting-started.md:%d", b.line)
		switch {
		case b.attrs["file"] != "":
			if err := os.WriteFile(filepath.Join(cwd, b.attrs["file"]), []byte(b.body), 0o644); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
		case b.lang == "text" && hasAttr(b, "output"):
			for _, l := range strings.Split(strings.TrimSpace(b.body), "\n") {
				if !strings.Contains(lastOutput, l) {
					t.Errorf("%s: the page shows %q, which the command before it did not print", where, l)
				}
			}
		case b.lang == "sh" && b.attrs["skip"] == "needs-cloud":
			for _, c := range commands(b.body) {
				if !slices.Contains(needsCloud, c) {
					t.Errorf("%s: %q is not run by this test; only %v may be skipped", where, c, needsCloud)
				}
			}
		case b.lang == "sh":
			if len(b.attrs) > 0 {
				t.Fatalf("%s: unknown attributes %v", where, b.attrs)
			}
			script := fmt.Sprintf("set -euxo pipefail\ncd %q\n%s\npwd > %q\n", cwd, b.body, cwdFile)
			cmd := exec.Command("bash", "-c", script)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			lastOutput = string(out)
			t.Logf("%s:\n%s", where, out)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			dir, err := os.ReadFile(cwdFile)
			if err != nil {
				t.Fatal(err)
			}
			cwd = strings.TrimSpace(string(dir))
			ran += len(commands(b.body))
		}
	}
	if ran == 0 {
		t.Fatal("the page has no commands")
	}

	renderWithStackConfig(t, cli, cwd, env)
}

// hasAttr reports whether b's info string has the word key.
func hasAttr(b block, key string) bool {
	_, ok := b.attrs[key]
	return ok
}

// commands returns the commands of a shell block, without comments (a '#'
// that starts a line or follows a blank).
func commands(body string) []string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if i := strings.Index(" "+l, " #"); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// userEnv is the environment of a new user: a fresh home, the pinned
// Pulumi CLI as `pulumi`, no backend or token from this machine, and the
// module substitutions described at TestGettingStarted.
func userEnv(t *testing.T, repo, cli, work string) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	goEnv := func(key string) string {
		out, err := exec.Command(goBin, "env", key).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	bin := filepath.Join(work, "bin")
	home := filepath.Join(work, "home")
	for _, d := range []string{bin, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(cli, filepath.Join(bin, "pulumi")); err != nil {
		t.Fatal(err)
	}
	wrapper := fmt.Sprintf(`#!/bin/sh
# Plinth is not published from this machine: point the module at the checkout.
if [ "$1" = get ] && [ -f go.mod ] && ! grep -q '^replace github.com/plinth-dev/plinth' go.mod; then
	%q mod edit -replace github.com/plinth-dev/plinth=%q
fi
exec %q "$@"
`, goBin, repo, goBin)
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home,
		// The CLI's login and workspaces; it finds ~ from the user
		// database, not HOME.
		"PULUMI_HOME=" + filepath.Join(work, "pulumi-home"),
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GOCACHE=" + goEnv("GOCACHE"),
		"GOMODCACHE=" + goEnv("GOMODCACHE"),
		"GOPATH=" + goEnv("GOPATH"),
		"GOTOOLCHAIN=local",
		// The filtered proxy refuses (403) the lookup of cmd/plinth as a
		// module of its own, where the real one answers "not found": fall
		// through to "off", which go treats as not found.
		"GOPROXY=" + strings.ReplaceAll(goEnv("GOPROXY"), ",", "|") + "|off",
		"GOSUMDB=off",
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		env = append(env, "TMPDIR="+tmp)
	}
	return env
}

// renderWithStackConfig renders the project's environment with the
// configuration the page set on its stack, the way main.go does: every key
// the program needs is there and the platform renders with those values.
func renderWithStackConfig(t *testing.T, cli, dir string, env []string) {
	t.Helper()
	cmd := exec.Command(cli, "config", "--json", "--stack", "shop-dev")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi config: %v", err)
	}
	var cfg map[string]struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		t.Fatalf("pulumi config --json: %v\n%s", err, out)
	}
	values := map[string]string{}
	for k, v := range cfg {
		values[k] = v.Value
	}
	raw, err := json.Marshal(values)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(pulumi.EnvConfig, string(raw))

	definition, err := os.ReadFile(filepath.Join(dir, "environment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e, err := environment.Load(definition)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := platformtest.Render("shop-dev", func(ctx *pulumi.Context) error {
		coords, err := stacks.CoordinatesFromConfig(ctx, e)
		if err != nil {
			return err
		}
		return stacks.Program(e, coords)(ctx)
	})
	if err != nil {
		t.Fatalf("the program with the stack's configuration: %v", err)
	}
	// The configured coordinates, not placeholders, reach the resources.
	rg := snap.Find("azure-native:resources:ResourceGroup", "shop-dev-rg")
	if got := platformtest.Input(t, rg, "location"); got != values["plinth:azureLocation"] {
		t.Errorf("resource group location = %v, want the configured %s", got, values["plinth:azureLocation"])
	}
}

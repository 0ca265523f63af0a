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
	"time"

	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/internal/pulumicli"
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
	"pulumi up", "pulumi up -s shop-dev", "pulumi preview",
}

// pages are the pages that walk through a team's project, in order: the
// commands of each run in the directory and shell state the one before
// left.
var pages = []string{"getting-started.md", "review.md"}

// TestTeamJourney follows docs/getting-started.md and then docs/review.md
// in a new directory outside this repository, as a new user on a machine
// with Go, git and the Pulumi CLI: it writes every file the pages show,
// runs every command in order in one shell session (the directory and
// exported variables carry from block to block), compares every output
// excerpt with what the command before it printed, and runs the blocks
// marked "engine" (plinth rollout) on the real Pulumi engine against the
// in-process test providers of internal/enginetest. Only the commands that
// need a cloud account (needsCloud) are skipped. It then checks what the
// pages promise: the deployed stacks hold the configured coordinates, and
// the AKS program links no Google Cloud SDK.
//
// Two things differ from a user's machine, both because this one reaches
// only a filtered module proxy and no checksum database: Plinth v0.1.0 is
// not published, so a `go` wrapper points the new module at this checkout
// (a replace directive) before its first `go get`; and there is no
// checksum database (GOSUMDB=off: go.sum is written from the downloaded
// modules' own hashes).
func TestTeamJourney(t *testing.T) {
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
	providers, err := enginetest.Start("azure-native", "azuread", "kubernetes")
	if err != nil {
		t.Fatal(err)
	}
	defer providers.Stop()
	work := t.TempDir()
	env := userEnv(t, repo, cli, work)
	sh := &session{t: t, cwd: filepath.Join(work, "home"), state: filepath.Join(work, "shell"), env: env,
		engineEnv: []string{"PULUMI_DEBUG_PROVIDERS=" + providers.DebugEnv()}}

	ran := 0
	for _, page := range pages {
		var lastOutput string
		for _, b := range blocks(t, filepath.Join(repo, "docs", page)) {
			where := fmt.Sprintf("docs/%s:%d", page, b.line)
			switch {
			case b.attrs["file"] != "":
				path := filepath.Join(sh.cwd, filepath.FromSlash(b.attrs["file"]))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(b.body), 0o644); err != nil {
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
				engine := hasAttr(b, "engine")
				if len(b.attrs) > 1 || (len(b.attrs) == 1 && !engine) {
					t.Fatalf("%s: unknown attributes %v", where, b.attrs)
				}
				start := time.Now()
				lastOutput = sh.run(where, b.body, engine)
				t.Logf("%s took %s", where, time.Since(start).Round(100*time.Millisecond))
				ran += len(commands(b.body))
			}
		}
	}
	if ran == 0 {
		t.Fatal("the pages have no commands")
	}
	assertConfiguredCoordinates(t, cli, sh)
	assertLinksOneCloud(t, sh)
}

// session is a shell session across the pages' blocks: each block runs
// in the directory the one before ended in, with the variables it
// exported.
type session struct {
	t          *testing.T
	cwd, state string
	env        []string
	engineEnv  []string
}

// run runs one block with bash (set -euo pipefail) and returns what it
// printed; a failing command fails the test. With engine, the engine's
// providers are the test providers.
func (s *session) run(where, body string, engine bool) string {
	s.t.Helper()
	exports, cwdFile := s.state+".env", s.state+".cwd"
	// No set -x: a "text output" line must be printed by a command, not
	// echoed with it.
	script := fmt.Sprintf("set -euo pipefail\ncd %q\nif [ -f %q ]; then . %q; fi\n%s\npwd > %q\nexport -p > %q\n",
		s.cwd, exports, exports, body, cwdFile, exports)
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = s.env
	if engine {
		cmd.Env = append(slices.Clone(s.env), s.engineEnv...)
	}
	out, err := cmd.CombinedOutput()
	s.t.Logf("%s:\n%s\n%s", where, body, out)
	if err != nil {
		s.t.Fatalf("%s: %v", where, err)
	}
	dir, err := os.ReadFile(cwdFile)
	if err != nil {
		s.t.Fatal(err)
	}
	s.cwd = strings.TrimSpace(string(dir))
	return string(out)
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
// module substitutions described at TestTeamJourney.
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

// assertConfiguredCoordinates reads the state of the stack the pages
// deployed: its Azure provider holds the subscription and region its
// configuration set, not stand-ins.
func assertConfiguredCoordinates(t *testing.T, cli string, sh *session) {
	t.Helper()
	cmd := exec.Command("bash", "-c", fmt.Sprintf(". %q && %q stack export --stack shop-dev", sh.state+".env", cli))
	cmd.Dir, cmd.Env = sh.cwd, sh.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi stack export: %v", err)
	}
	var state struct {
		Deployment struct {
			Resources []struct {
				Type   string         `json:"type"`
				URN    string         `json:"urn"`
				Inputs map[string]any `json:"inputs"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(out, &state); err != nil {
		t.Fatalf("stack export: %v", err)
	}
	found := false
	for _, r := range state.Deployment.Resources {
		if r.Type != "pulumi:providers:azure-native" {
			continue
		}
		found = true
		if got := r.Inputs["subscriptionId"]; got != "11111111-2222-4333-8444-555555555555" {
			t.Errorf("%s: subscription %v, want the configured one", r.URN, got)
		}
		if got := r.Inputs["location"]; got != "swedencentral" {
			t.Errorf("%s: location %v, want the configured one", r.URN, got)
		}
	}
	if !found {
		t.Error("the shop-dev state has no azure-native provider")
	}
}

// assertLinksOneCloud lists what the team's AKS program links: no Google
// Cloud SDK package.
func assertLinksOneCloud(t *testing.T, sh *session) {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Dir, cmd.Env = sh.cwd, sh.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	azure := 0
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/pulumi/pulumi-gcp") {
			t.Errorf("the AKS program links %s", pkg)
		}
		if strings.HasPrefix(pkg, "github.com/pulumi/pulumi-azure-native-sdk") {
			azure++
		}
	}
	if azure == 0 {
		t.Error("the AKS program links no Azure SDK package; is go list looking at it?")
	}
}

package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/internal/snapshot"
)

// Every command that reports takes the same --format, refuses the same
// way a value it does not know, and offers its values to completion.
func TestOneFormatFlagAcrossTheReportingCommands(t *testing.T) {
	p := shop(false)
	for _, cmd := range []string{"plan", "diff", "check", "rollout"} {
		code, _, stderr := runShop(t, p, cmd, "shop-dev", "--format", "yaml")
		want := `plinth: invalid argument "yaml" for "--format" flag: use text, json, markdown or github`
		if code != exitUsage || strings.TrimSpace(stderr) != want {
			t.Errorf("%s --format yaml: exit %d, stderr %q; want 2 and %q", cmd, code, stderr, want)
		}
		_, stdout, _ := runShop(t, p, "__complete", cmd, "--format", "")
		for _, f := range formats {
			if !strings.Contains(stdout, string(f)+"\n") {
				t.Errorf("%s: completion of --format lacks %s:\n%s", cmd, f, stdout)
			}
		}
	}
}

// plan --format json prints one document holding every stack, each in the
// snapshot format; --json is its deprecated spelling.
func TestPlanJSONIsOneDocument(t *testing.T) {
	for _, args := range [][]string{{"plan", "--format", "json"}, {"plan", "--json"}} {
		code, stdout, stderr := runShop(t, shop(false), args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var doc struct {
			Stacks []snapshot.Snapshot `json:"stacks"`
		}
		dec := json.NewDecoder(strings.NewReader(stdout))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%v: not one JSON document: %v\n%.300s", args, err, stdout)
		}
		if dec.More() {
			t.Errorf("%v: more than one JSON document", args)
		}
		if len(doc.Stacks) != 2 || doc.Stacks[0].Stack != "shop-dev" || doc.Stacks[1].Stack != "shop-prod" || len(doc.Stacks[1].Resources) == 0 {
			t.Errorf("%v: stacks %d, want shop-dev and shop-prod with their resources", args, len(doc.Stacks))
		}
	}
	if code, _, stderr := runShop(t, shop(false), "plan", "--write", "--format", "json"); code != exitUsage || !strings.Contains(stderr, "--write writes the snapshot files and --format json prints them; use one") {
		t.Errorf("--write --format json: exit %d, %s", code, stderr)
	}
}

func TestPlanMarkdownAndGitHub(t *testing.T) {
	code, stdout, stderr := runShop(t, shop(false), "plan", "--format", "markdown")
	if code != 0 || !strings.HasPrefix(stdout, "## Plinth plan\n\n| Stack | Resources |\n|---|---|\n| `shop-dev` | ") ||
		strings.Count(stdout, "<details>") != 2 || strings.Count(stdout, "```\n") != 4 {
		t.Errorf("markdown: exit %d\n%.600s%s", code, stdout, stderr)
	}
	code, stdout, _ = runShop(t, shop(false), "plan", "shop-dev", "--format", "github")
	if code != 0 || !regexp.MustCompile(`^::group::shop-dev: \d+ resources \(\d+ components, \d+ cloud\)\nshop-dev: `).MatchString(stdout) ||
		!strings.HasSuffix(stdout, "::endgroup::\n") {
		t.Errorf("github: exit %d\n%.300s", code, stdout)
	}
}

// check --format github annotates each finding; markdown is a comment.
func TestCheckMarkdownAndGitHub(t *testing.T) {
	code, stdout, _ := runShop(t, shop(true), "check", "--format", "github")
	if code != exitFindings || !regexp.MustCompile(`(?m)^::error title=PLN009 shop-prod::`).MatchString(stdout) {
		t.Errorf("github: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runShop(t, shop(true), "check", "--format", "markdown")
	if code != exitFindings || !strings.HasPrefix(stdout, "## Plinth check\n\n**1 error, 0 warnings** in 2 stacks: `shop-dev`, `shop-prod`.") ||
		!strings.Contains(stdout, "| ❌ error | PLN009 | shop-prod | ") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}
}

func TestDiffGitHub(t *testing.T) {
	dir := t.TempDir()
	from := mutated(t, dir, "from", func(*snapshot.Snapshot) {})
	to := mutated(t, dir, "to", func(s *snapshot.Snapshot) {
		find(t, s, ":AgentPool", "prod-aks-pool-apps").Inputs["vmSize"] = "Standard_D8ds_v5"
	})
	code, stdout, stderr := cli(t, "diff", "--from", from, "--to", to, "--format", "github")
	if code != 0 || !strings.Contains(stdout, "::error title=STATEFUL prod-aks::AgentPool prod-aks-pool-apps is stateful") ||
		!strings.Contains(stdout, "::group::plinth diff\nprod-aks: 0 to add, 0 to change, 1 to replace") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// A rollout's report as JSON is one document with each stack's steps and
// times; as markdown a table; github annotates the failure.
func TestRolloutReports(t *testing.T) {
	report := deploy.RolloutReport{Stacks: []deploy.StackReport{
		{Stack: "shop-dev", Class: "dev", Status: deploy.Deployed, Changes: deploy.Changes{"create": 3},
			VersionAfter: "0.2.0", Steps: []deploy.StepTime{{Step: deploy.StepPreview, Took: 1500 * time.Millisecond}, {Step: deploy.StepUp, Took: 2 * time.Second}}},
		{Stack: "shop-prod", Class: "prod", Status: deploy.Failed, Step: deploy.StepApprove, Err: errors.New("not approved"),
			Next: "nothing was deployed", Changes: deploy.Changes{"update": 1}, Steps: []deploy.StepTime{{Step: deploy.StepApprove, Took: time.Second}}},
		{Stack: "shop-live", Class: "prod", Status: deploy.Untouched, Next: "not touched"},
	}}
	var b strings.Builder
	if err := writeRolloutJSON(&b, report); err != nil {
		t.Fatal(err)
	}
	var doc rolloutJSON
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	dev, prod := doc.Stacks[0], doc.Stacks[1]
	if doc.OK || len(doc.Stacks) != 3 || dev.Seconds != 3.5 || len(dev.Steps) != 2 || dev.Steps[0].Step != "preview" || dev.Changes["create"] != 3 ||
		dev.Error != "" || prod.FailedStep != "approve" || prod.Error != "not approved" || prod.Next != "nothing was deployed" || doc.Stacks[2].Status != "untouched" || doc.Stacks[2].Next != "not touched" || dev.Next != "" {
		t.Errorf("json report:\n%s", b.String())
	}

	b.Reset()
	if err := writeRolloutMarkdown(&b, report); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `shop-dev` | dev | ✅ deployed | 3 create | 0.2.0 | 4s |",
		"| `shop-prod` | prod | ❌ failed at approve | 1 update | - | 1s |",
		"| `shop-live` | prod | untouched | - | - | - |",
		"**shop-prod failed at approve:**\n\n```\nnot approved\n```\n\nNext: nothing was deployed",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, b.String())
		}
	}

	b.Reset()
	if err := writeRolloutGitHub(&b, report); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "::error title=rollout shop-prod failed at approve::not approved%0ANext: nothing was deployed\n\nRollout:\n") {
		t.Errorf("github:\n%s", b.String())
	}
}

// Banners mark each step with its outcome and duration; on GitHub Actions
// each step is a folded group.
func TestBanners(t *testing.T) {
	clock := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	tick := func() time.Time { clock = clock.Add(1500 * time.Millisecond); return clock }
	t.Setenv("GITHUB_ACTIONS", "")
	var b strings.Builder
	bn := newBanner(&b, formatText)
	bn.now = tick
	bn.Start("shop-dev: preview")
	bn.Done(nil)
	bn.Start("shop-dev: up")
	bn.Done(errors.New("boom"))
	if want := "\n==> shop-dev: preview\n<== shop-dev: preview: done in 1.5s\n\n==> shop-dev: up\n<== shop-dev: up: failed in 1.5s\n"; b.String() != want {
		t.Errorf("text banners:\n%q\nwant\n%q", b.String(), want)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	b.Reset()
	bn = newBanner(&b, formatText)
	bn.now = tick
	bn.Start("shop-dev: preview")
	bn.Done(nil)
	if want := "::group::shop-dev: preview\n::endgroup::\n<== shop-dev: preview: done in 1.5s\n"; b.String() != want {
		t.Errorf("GitHub Actions banners:\n%q\nwant\n%q", b.String(), want)
	}
}

// The Pulumi CLI's colors follow NO_COLOR, the terminal and GitHub
// Actions; --color overrides them.
func TestColorMode(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "")
	t.Setenv("NO_COLOR", "")
	var pipe strings.Builder
	if got := colorMode("auto", &pipe); got != "never" {
		t.Errorf("auto, not a terminal: %s", got)
	}
	t.Setenv("GITHUB_ACTIONS", "true")
	if got := colorMode("auto", &pipe); got != "always" {
		t.Errorf("auto on GitHub Actions: %s", got)
	}
	t.Setenv("NO_COLOR", "1")
	if got := colorMode("auto", &pipe); got != "never" {
		t.Errorf("NO_COLOR: %s", got)
	}
	if got := colorMode("always", &pipe); got != "always" {
		t.Errorf("--color always: %s", got)
	}
	code, _, stderr := runShop(t, shop(false), "preview", "shop-dev", "--color", "pink")
	if code != exitUsage || !strings.Contains(stderr, `--color "pink": use auto, always, never or raw`) {
		t.Errorf("--color pink: exit %d, %s", code, stderr)
	}
}

// Help texts link to the published docs, and every page they link exists.
func TestHelpLinksToPublishedDocs(t *testing.T) {
	root := newRootCommand(&app{project: shop(false)})
	link := regexp.MustCompile(regexp.QuoteMeta(docsURL) + `([\w./-]+\.md)`)
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		text := c.Long + c.Short
		c.Flags().VisitAll(func(f *pflag.Flag) { text += f.Usage })
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			seen++
			if _, err := os.Stat(filepath.Join("..", "docs", m[1])); err != nil {
				t.Errorf("%s links %s, which docs/ lacks", c.CommandPath(), m[0])
			}
		}
		if strings.Contains(text, "docs/") && !strings.Contains(text, docsURL) && !strings.Contains(text, repoURL) {
			t.Errorf("%s names docs/ without its published address:\n%s", c.CommandPath(), text)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen < 5 {
		t.Errorf("only %d links to the docs in the help texts", seen)
	}
}

// A command collects garbage less often while it runs (batchGCPercent),
// unless GOGC says otherwise, and leaves the process's setting as it was.
func TestCommandsTuneTheCollectorAndRestoreIt(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(123))
	var during int
	p := shop(false)
	p.Stacks = func() ([]environment.Environment, error) {
		during = debug.SetGCPercent(-1)
		debug.SetGCPercent(during)
		return nil, errors.New("stop here")
	}
	runShop(t, p, "plan")
	if during != batchGCPercent {
		t.Errorf("GOGC while plan runs: %d, want %d", during, batchGCPercent)
	}
	if got := debug.SetGCPercent(123); got != 123 {
		t.Errorf("GOGC after plan: %d, want the caller's 123", got)
	}
	t.Setenv("GOGC", "123")
	runShop(t, p, "plan")
	if during != 123 {
		t.Errorf("GOGC=123 set: plan ran with %d", during)
	}
}

// diff --from and --to read what plan --format json prints for one stack.
func TestDiffReadsAPlanOfOneStack(t *testing.T) {
	dir := t.TempDir()
	_, doc, _ := runShop(t, shop(false), "plan", "shop-dev", "--format", "json")
	from := filepath.Join(dir, "from.json")
	if err := os.WriteFile(from, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runShop(t, shop(false), "diff", "--from", from, "--to", from)
	if code != 0 || stdout != "shop-dev: no changes\n" {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	_, both, _ := runShop(t, shop(false), "plan", "--format", "json")
	if err := os.WriteFile(from, []byte(both), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runShop(t, shop(false), "diff", "--from", from, "--to", from)
	if code != exitFailed || !strings.Contains(stderr, "a plan of 2 stacks; compare one stack's: plinth plan STACK --format json") {
		t.Errorf("a plan of two stacks: exit %d, %s", code, stderr)
	}
}

// An unknown command is a usage error, exit 2, like an unknown flag.
func TestAnUnknownCommandExitsTwo(t *testing.T) {
	code, _, stderr := runShop(t, shop(false), "plna")
	if code != exitUsage || !strings.Contains(stderr, `unknown command "plna"; did you mean plan?`) {
		t.Errorf("exit %d, %s", code, stderr)
	}
}

// check goes on past a stack that does not render, as plan does: the
// others are checked and reported in the chosen format, the broken one is
// named on stderr (and annotated on GitHub), and check exits 1.
func TestCheckGoesOnPastAnInvalidStack(t *testing.T) {
	code, stdout, stderr := cli(t, "check", "prod-gke", "--environment-file", "testdata/unknown-cloud.yaml", "--format", "github")
	if code != exitFailed || !strings.Contains(stdout, "::error title=plinth check dev-shop::dev-shop could not be checked") ||
		!strings.HasSuffix(stdout, "no findings\n") || !strings.Contains(stderr, "dev-shop: invalid:\ncloud \"aws\"") ||
		!strings.HasSuffix(stderr, "plinth: 1 of 2 stacks failed: dev-shop could not be checked\n") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, "check", "prod-gke", "--environment-file", "testdata/unknown-cloud.yaml", "--format", "json")
	if code != exitFailed || !strings.Contains(stdout, `"findings": []`) || !strings.Contains(stdout, "\"unchecked\": [\n    \"dev-shop\"\n  ]") {
		t.Errorf("json: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = cli(t, "check", "prod-gke", "--environment-file", "testdata/unknown-cloud.yaml", "--format", "markdown")
	if code != exitFailed || !strings.Contains(stdout, "**Not checked: `dev-shop`.**") || !strings.Contains(stdout, "No findings in 1 stack: `prod-gke`.") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}
}

// rollout --approve completes the project's stacks.
func TestApproveCompletesStacks(t *testing.T) {
	_, stdout, _ := runShop(t, shop(false), "__complete", "rollout", "shop-dev", "shop-prod", "--approve", "")
	if !strings.HasPrefix(stdout, "shop-dev\nshop-prod\n") {
		t.Errorf("completion of --approve:\n%s", stdout)
	}
}

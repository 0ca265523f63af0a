package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/project"
)

// shop is a team's own project: two AKS environments whose names are not
// the reference project's. unlocked lifts production's lock.
func shop(unlocked bool) project.Project {
	dev := environment.Profile(environment.Dev, platform.CloudAzure)
	dev.Name, dev.CostCenter = "shop-dev", "cc-1200"
	dev.Network.AddressSpace = "10.70.0.0/16"
	dev.Cluster.APIServer.Public, dev.Cluster.APIServer.AuthorizedCIDRs = true, []string{"198.51.100.0/24"}
	dev.CertManager.Email = "platform@shop.example"
	prod := environment.Profile(environment.Prod, platform.CloudAzure)
	prod.Name, prod.CostCenter = "shop-prod", "cc-1200"
	prod.Network.AddressSpace = "10.71.0.0/16"
	prod.CertManager.Email = "platform@shop.example"
	prod.Observability.Receivers = []observability.Receiver{{Name: "oncall", Emails: []string{"oncall@shop.example"}, Severities: platform.Severities}}
	if unlocked {
		prod.Lock, prod.UnlockReason = false, "CHG-42 move the apps pool"
	}
	return project.Project{
		Name:   "shop-platform",
		Stacks: project.Environments(dev, prod),
		Clouds: []project.Cloud{aks.Cloud{}},
	}
}

func runShop(t *testing.T, p project.Project, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	code = Run(p, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// Every command acts on the team's stacks: check with no argument checks
// them all and fails on the team's unlocked production.
func TestCheckActsOnTheTeamsStacks(t *testing.T) {
	if code, stdout, stderr := runShop(t, shop(false), "check"); code != 0 || stdout != "no findings\n" {
		t.Errorf("locked: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr := runShop(t, shop(true), "check")
	if code != exitFindings || !strings.Contains(stdout, "error PLN009 shop-prod: ") || strings.Contains(stdout, "aks ") {
		t.Errorf("unlocked: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestCommandsNameTheProjectsStacks(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "prod-aks"}, {"check", "prod-aks"}, {"graph", "prod-aks"}, {"diff", "prod-aks"},
		{"preview", "prod-aks"}, {"up", "prod-aks"}, {"refresh", "prod-aks"}, {"destroy", "prod-aks"},
		{"rollout", "shop-dev", "prod-aks"},
	} {
		code, _, stderr := runShop(t, shop(false), args...)
		if want := `project shop-platform has no stack "prod-aks"; its stacks are shop-dev, shop-prod`; code != exitUsage || !strings.Contains(stderr, want) {
			t.Errorf("plinth %s: exit %d, %q; want 2 and %q", strings.Join(args, " "), code, stderr, want)
		}
	}
	code, _, stderr := runShop(t, shop(false), "graph")
	if want := "name one stack; the stacks of project shop-platform are shop-dev, shop-prod"; code != exitUsage || !strings.Contains(stderr, want) {
		t.Errorf("graph: exit %d, %q", code, stderr)
	}
	code, _, stderr = runShop(t, shop(false), "rollout", "shop-dev", "--approve", "prod-aks")
	if code != exitUsage || !strings.Contains(stderr, `--approve: project shop-platform has no stack "prod-aks"`) {
		t.Errorf("rollout --approve of another project's stack: exit %d, %q", code, stderr)
	}
}

// The engine commands run from the project's root: its Pulumi.yaml must be
// there and name the project.
func TestEngineCommandsNeedTheProjectsPulumiYAML(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runShop(t, shop(false), "preview", "shop-dev", "--local", "--dir", dir)
	if code != exitUsage || !strings.Contains(stderr, "no Pulumi.yaml in "+dir+": run plinth from the project's root, or pass --dir") {
		t.Errorf("no Pulumi.yaml: exit %d, %q", code, stderr)
	}
	writeFiles(t, dir, map[string]string{"Pulumi.yaml": "name: shop\nruntime: go\n"})
	code, _, stderr = runShop(t, shop(false), "rollout", "shop-dev", "--local", "--dir", dir)
	if code != exitUsage || !strings.Contains(stderr, `names the project "shop", but this program is the Plinth project "shop-platform"`) {
		t.Errorf("another project: exit %d, %q", code, stderr)
	}
}

// A stack named twice is a usage error, not two renders or two rollouts.
func TestAStackNamedTwiceIsRefused(t *testing.T) {
	for _, args := range [][]string{{"plan", "shop-dev", "shop-dev"}, {"rollout", "shop-dev", "shop-prod", "shop-dev"}} {
		code, _, stderr := runShop(t, shop(false), args...)
		if code != exitUsage || !strings.Contains(stderr, "stack shop-dev is named twice; name each stack once") {
			t.Errorf("plinth %s: exit %d, %q", strings.Join(args, " "), code, stderr)
		}
	}
	code, _, stderr := runShop(t, shop(false), "plan", "--write", "--dir", filepath.Join(t.TempDir(), "nowhere"))
	if code != exitUsage || !strings.Contains(stderr, "not a directory; name the project's root") {
		t.Errorf("plan --write --dir nowhere: exit %d, %q", code, stderr)
	}
}

// A project that does not load is one error with every problem, for every
// command.
func TestABrokenProjectIsReported(t *testing.T) {
	p := shop(false)
	p.Clouds = nil
	code, _, stderr := runShop(t, p, "plan")
	if code != exitFailed || !strings.Contains(stderr, `stacks[0].cloud "azure": stack shop-dev deploys to azure, which the project does not list; add aks.Cloud{} to project.clouds`) {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

func TestPlanWritesTheProjectsSnapshots(t *testing.T) {
	dir := t.TempDir()
	p := shop(false)
	p.SnapshotDir = "review/graphs"
	if code, stdout, stderr := runShop(t, p, "plan", "--write", "--dir", dir); code != 0 || !strings.Contains(stdout, "review/graphs/shop-prod.json") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	s, err := readSnapshot(filepath.Join(dir, "review", "graphs", "shop-prod.json"))
	if err != nil {
		t.Fatal(err)
	}
	if platform := s.Find("plinth:environment:Platform", "shop-prod"); platform == nil || !strings.HasPrefix(platform.URN, "urn:pulumi:shop-prod::shop-platform::") {
		t.Errorf("the snapshot's URNs are not the project's: %+v", platform)
	}
}

// diff compares the working tree's stacks with the base's: a stack the
// base lacks is added, one the working tree dropped is deleted, and an
// unchanged one shows no change.
func TestDiffComparesWithTheBasesDefinition(t *testing.T) {
	p := shop(false)
	dev, err := p.RenderEnvironment(mustLookup(t, p, "shop-dev"))
	if err != nil {
		t.Fatal(err)
	}
	gone := &snapshot.Snapshot{Stack: "shop-qa", Resources: dev.Resources[:3]}
	a := &app{project: p, renderBase: func(context.Context, string, string) (map[string]*snapshot.Snapshot, error) {
		return map[string]*snapshot.Snapshot{"shop-dev": dev, "shop-qa": gone}, nil
	}}
	repo := t.TempDir()
	gitIn(t, repo, "init", "-q")
	gitIn(t, repo, "commit", "-q", "--allow-empty", "-m", "base")
	var out strings.Builder
	if err := a.runDiff(context.Background(), &out, io.Discard, nil, diffOptions{base: "HEAD", dir: repo, format: "text"}); err != nil {
		t.Fatal(err)
	}
	prod, err := p.Render("shop-prod")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"shop-dev: no changes", fmt.Sprintf("shop-prod: %d to add, 0 to change", len(prod.Resources)), "shop-qa: 0 to add, 0 to change, 0 to replace, 3 to delete"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
}

func mustLookup(t *testing.T, p project.Project, stack string) environment.Environment {
	t.Helper()
	env, err := p.Lookup(stack)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// Shell completion and the help offer the project's stacks.
func TestCompletionAndHelpOfferTheProjectsStacks(t *testing.T) {
	code, stdout, _ := runShop(t, shop(false), "__complete", "rollout", "shop-dev", "")
	if code != 0 || !strings.HasPrefix(stdout, "shop-prod\n:4\n") {
		t.Errorf("rollout completion: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runShop(t, shop(false), "__complete", "graph", "shop-dev", "")
	if code != 0 || strings.Contains(stdout, "shop-prod") {
		t.Errorf("graph takes one stack: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runShop(t, shop(false), "--version")
	if want := "plinth " + platform.Version; code != 0 || !strings.HasPrefix(stdout, want) || !strings.HasSuffix(stdout, ", project shop-platform\n") {
		t.Errorf("--version: exit %d %q, want %s ... , project shop-platform", code, stdout, want)
	}
	code, stdout, _ = runShop(t, shop(false), "--help")
	if code != 0 || !strings.Contains(stdout, "The stacks of project shop-platform: shop-dev, shop-prod.") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}

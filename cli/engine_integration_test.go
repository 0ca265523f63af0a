//go:build integration

package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/internal/pulumicli"
)

// TestEngineCommandsAsAUserRunsThem runs preview, up and rollout of dev-gke
// as a user would, with a Pulumi.dev-gke.yaml in the project directory and
// a local backend, on the real engine against the test providers.
func TestEngineCommandsAsAUserRunsThem(t *testing.T) {
	providers, _, dir, project, config := userProject(t)
	// A backend in the environment must not win over --local.
	elsewhere := t.TempDir()
	t.Setenv("PULUMI_BACKEND_URL", "file://"+filepath.ToSlash(elsewhere))

	// plinth never creates a stack: a preview of one the backend lacks
	// says how to create it, and creates nothing.
	code, _, stderr := cli(t, "preview", "dev-gke", "--local", "--dir", dir)
	local := "file://" + filepath.Join(dir, ".plinth", "state")
	if want := "plinth: stack dev-gke: no such stack in the backend " + local + ": plinth selects existing stacks only"; code != exitFailed || !strings.HasPrefix(stderr, want) ||
		!strings.Contains(stderr, "PULUMI_BACKEND_URL="+local+" pulumi stack init dev-gke --secrets-provider <key>") {
		t.Fatalf("preview of a missing stack: exit %d\n%s", code, stderr)
	}
	stackInit(t, dir, local, "dev-gke")

	code, stdout, stderr := cli(t, "preview", "dev-gke", "--local", "--dir", dir)
	if code != 0 || !strings.Contains(stdout, "dev-gke preview: ") || !strings.Contains(stdout, " create") {
		t.Fatalf("preview: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	code, stdout, stderr = cli(t, "up", "dev-gke", "--local", "--dir", dir, "--yes")
	if code != 0 || !strings.Contains(stdout, "dev-gke up: ") {
		t.Fatalf("up: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	// Nothing left to do: the rollout previews, checks, deploys the same
	// and confirms it converged.
	code, stdout, stderr = cli(t, "rollout", "dev-gke", "--local", "--dir", dir, "--health-check", `test "$PLINTH_STACK" = dev-gke`)
	if code != 0 || !regexp.MustCompile(`(?m)^  dev-gke      dev      deployed   Plinth \S+  [0-9.ms]+$`).MatchString(stdout) {
		t.Fatalf("rollout: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".plinth", "state", ".pulumi")); err != nil {
		t.Errorf("the local backend is not under --dir: %v", err)
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) > 0 {
		t.Errorf("PULUMI_BACKEND_URL won over --local: %v", entries)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "Pulumi.yaml")); string(after) != string(project) {
		t.Errorf("Pulumi.yaml was rewritten:\n%s", after)
	}
	// A production stack is not rolled without approval: with no answer on
	// stdin, the rollout stops at the approval, before anything is changed.
	prodConfig := strings.NewReplacer("dev.acme.example", "prod.acme.example", "dev-acme-example", "prod-acme-example").Replace(config)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod-gke.yaml"), []byte(prodConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	stackInit(t, dir, local, "prod-gke")
	code, stdout, _ = cli(t, "rollout", "prod-gke", "--local", "--dir", dir)
	if code != exitFailed || !regexp.MustCompile(`(?m)^  prod-gke     prod     failed     Plinth -  [0-9.ms]+  at approve: `).MatchString(stdout) ||
		!strings.Contains(stdout, "at approve: no answer: stdin is closed; without a terminal, confirm with the command's flag (--yes, or --approve prod-gke for a rollout)") ||
		!strings.Contains(stdout, "\n==> prod-gke: approve\n") || !regexp.MustCompile(`<== prod-gke: approve: failed in [0-9.ms]+\n`).MatchString(stdout) {
		t.Errorf("rollout of prod-gke without approval: exit %d\n%s", code, tail(stdout))
	}
	// A production up deploys the reviewed saved plan, after its state is
	// exported (secrets encrypted).
	plan := filepath.Join(dir, "prod-gke.plan.json")
	code, stdout, stderr = cli(t, "preview", "prod-gke", "--local", "--dir", dir, "--save-plan", plan)
	if code != 0 || !strings.Contains(stdout, "plan saved to "+plan+": deploy exactly it with plinth up prod-gke --plan "+plan) {
		t.Fatalf("preview --save-plan: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	code, stdout, stderr = cli(t, "up", "prod-gke", "--local", "--dir", dir, "--plan", plan, "--yes")
	if code != 0 || !strings.Contains(stdout, "prod-gke: state exported to "+filepath.Join(dir, ".plinth", "rollout", "prod-gke.state.")) || !strings.Contains(stdout, "prod-gke up: ") {
		t.Fatalf("up --plan: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	// A destroy of the protected production stack is refused before any
	// preview or question, naming what is protected; nothing is deleted.
	providers.ResetCalls()
	code, stdout, stderr = cli(t, "destroy", "prod-gke", "--local", "--dir", dir)
	if code != exitFailed || !strings.Contains(stderr, "destroy prod-gke: the stack holds protected resources (") ||
		!strings.Contains(stderr, "nothing was deleted") || strings.Contains(stdout, "would change") {
		t.Errorf("destroy of protected prod-gke: exit %d\n%s\n%s", code, tail(stdout), stderr)
	}
	if calls := providers.Calls(); len(calls) > 0 {
		t.Errorf("the refused destroy changed %d resources", len(calls))
	}
}

// stackInit creates stack in the backend, as a user does once with
// `pulumi stack init`.
func stackInit(t *testing.T, dir, backend, stack string) {
	t.Helper()
	cmd := exec.Command(os.Getenv("PLINTH_PULUMI"), "stack", "init", stack, "--non-interactive")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PULUMI_BACKEND_URL="+backend)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pulumi stack init %s: %v\n%s", stack, err, out)
	}
}

// userProject starts the test providers of a GKE stack and sets the
// environment up for the engine, as on a user's machine; it writes a
// project directory holding the repository's Pulumi.yaml (which the
// engine commands must leave as it is) and a Pulumi.dev-gke.yaml, and
// returns the providers, the repository's and the project's directories,
// the Pulumi.yaml and the stack's configuration. It skips the test without
// a Pulumi CLI.
func userProject(t *testing.T) (providers *enginetest.Providers, repo, dir string, project []byte, config string) {
	t.Helper()
	if _, err := pulumicli.Find(".."); errors.Is(err, pulumicli.ErrNotFound) {
		t.Skipf("needs the Pulumi CLI: run `make tools`: %v", err)
	}
	providers, err := enginetest.Start("gcp", "kubernetes")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(providers.Stop)
	t.Setenv("PULUMI_DEBUG_PROVIDERS", providers.DebugEnv())
	t.Setenv("PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION", "true")
	t.Setenv("PULUMI_SKIP_UPDATE_CHECK", "true")
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "cli-test")
	t.Setenv("PULUMI_HOME", t.TempDir())
	if repo, err = filepath.Abs(".."); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PLINTH_PULUMI", mustFind(t, repo))
	dir = t.TempDir()
	if project, err = os.ReadFile(filepath.Join(repo, "Pulumi.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), project, 0o600); err != nil {
		t.Fatal(err)
	}
	// The CLI checks that the project's main directory exists, even for an
	// inline program.
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "plinth"), 0o755); err != nil {
		t.Fatal(err)
	}
	config = `config:
  plinth:gcpProject: acme-dev
  plinth:gcpRegion: europe-west1
  plinth:gcpCustomerId: C01abcd2e
  plinth:gcpGroupDomain: acme.example
  plinth:gcpJitApplication: jitgroups@acme-jit.iam.gserviceaccount.com
  plinth:dnsZoneName: dev.acme.example
  plinth:dnsZoneId: projects/acme-dns/managedZones/dev-acme-example
`
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.dev-gke.yaml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return providers, repo, dir, project, config
}

func mustFind(t *testing.T, repo string) string {
	t.Helper()
	path, err := pulumicli.Find(repo)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// tail is the end of a long output.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProductionUpNeedsASavedPlan: `up` of a production stack is refused,
// before any engine or backend is reached, unless it names a saved plan;
// --yes does not replace the plan.
func TestProductionUpNeedsASavedPlan(t *testing.T) {
	want := "plinth: up prod-gke: prod-gke is a production stack (class prod), deployed only from a reviewed saved plan, and --yes does not replace one: " +
		"run `plinth preview prod-gke --save-plan prod-gke.plan.json`, have the preview reviewed, then `plinth up prod-gke --plan prod-gke.plan.json`; " +
		"or run `plinth rollout prod-gke`, which previews, checks, approves and exports state\n"
	for _, args := range [][]string{
		{"up", "prod-gke"},
		{"up", "prod-gke", "--yes"},
		{"up", "prod-gke", "--yes", "--local"},
	} {
		code, stdout, stderr := cli(t, args...)
		if code != exitUsage || stderr != want || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", args, code, stdout, stderr, want)
		}
	}
}

// TestASavedPlanMustBeTheStacks: a plan saved for another stack, or a
// file that is no plan, is refused before the engine runs.
func TestASavedPlanMustBeTheStacks(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "staging.plan.json")
	body := `{"resourcePlans":{"urn:pulumi:staging-gke::plinth::gcp:storage/bucket:Bucket::staging-gke-backup":{"steps":["same"]}}}`
	if err := os.WriteFile(plan, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli(t, "up", "prod-gke", "--plan", plan)
	if want := "plinth: --plan " + plan + ": the plan is for stack staging-gke, not prod-gke; save one with plinth preview prod-gke --save-plan FILE\n"; code != exitUsage || stderr != want {
		t.Errorf("another stack's plan: exit %d\n got %s\nwant %s", code, stderr, want)
	}
	notPlan := filepath.Join(dir, "notes.json")
	if err := os.WriteFile(notPlan, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "up", "dev-gke", "--plan", notPlan)
	if code != exitUsage || !strings.HasPrefix(stderr, "plinth: --plan: "+notPlan+" is not a Pulumi plan: it has no resource plans") {
		t.Errorf("not a plan: exit %d: %s", code, stderr)
	}
}

func TestTheTimeoutMustBePositive(t *testing.T) {
	for _, args := range [][]string{
		{"preview", "dev-gke", "--timeout", "0s"},
		{"rollout", "dev-gke", "--timeout", "-1m"},
	} {
		code, _, stderr := cli(t, args...)
		if code != exitUsage || !strings.Contains(stderr, ": must be positive, e.g. 2h") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/stacks"
)

// cli runs plinth with args and returns its exit code and output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	code = Run(stacks.Project(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for _, args := range [][]string{
		{"plan", "qa-aks"},
		{"plan", "--no-such-flag"},
		{"graph"},
		{"graph", "prod-aks", "--format", "svg"},
		{"check", "--format", "yaml"},
	} {
		if code, _, stderr := cli(t, args...); code != exitUsage || !strings.HasPrefix(stderr, "plinth: ") {
			t.Errorf("plinth %s: exit %d, stderr %q; want 2 and the problem", strings.Join(args, " "), code, stderr)
		}
	}
}

func TestPlanPrintsEveryProblemOfAnInvalidEnvironment(t *testing.T) {
	code, _, stderr := cli(t, "plan", "--environment-file", "testdata/invalid-prod.yaml")
	want := "prod-broken: invalid:\n" +
		"backup: required: a production environment is backed up; set backup (an empty mapping takes the production defaults)\n" +
		`network.podCIDR "10.70.0.0/16": overlaps network.addressSpace "10.70.0.0/20"; pod and service ranges must lie outside the address space` + "\n" +
		"plinth: 1 of 1 stacks failed\n"
	if code != exitFailed || stderr != want {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and\n%s", code, stderr, want)
	}
}

// A cloud no backend describes is an invalid environment, named at its
// field, for plan and check alike (plan once panicked on a dev one).
func TestAnUnknownCloudIsInvalid(t *testing.T) {
	line := `cloud "aws": use "azure" (AKS) or "gcp" (GKE), or link the cloud's backend by importing it (platform/aks, platform/gke)`
	code, _, stderr := cli(t, "plan", "--environment-file", "testdata/unknown-cloud.yaml")
	if want := "dev-shop: invalid:\n" + line + "\nplinth: 1 of 1 stacks failed\n"; code != exitFailed || stderr != want {
		t.Errorf("plan: exit %d, stderr:\n%s\nwant exit 1 and\n%s", code, stderr, want)
	}
	code, _, stderr = cli(t, "check", "--environment-file", "testdata/unknown-cloud.yaml")
	if want := "dev-shop: invalid:\n" + line + "\nplinth: 1 of 1 stacks failed: dev-shop could not be checked\n"; code != exitFailed || stderr != want {
		t.Errorf("check: exit %d, stderr:\n%s\nwant exit 1 and\n%s", code, stderr, want)
	}
}

func TestPlanRendersEveryStack(t *testing.T) {
	code, stdout, stderr := cli(t, "plan")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, stack := range []string{"dev-aks", "staging-aks", "prod-aks", "dev-gke", "staging-gke", "prod-gke"} {
		if !strings.Contains(stdout, "\n"+stack+": ") && !strings.HasPrefix(stdout, stack+": ") {
			t.Errorf("no tree for %s", stack)
		}
	}
}

func TestCheckPassesTheStacksAndFailsAnUnlockedProduction(t *testing.T) {
	if code, stdout, stderr := cli(t, "check"); code != 0 || stdout != "no findings\n" {
		t.Errorf("plinth check: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr := cli(t, "check", "--environment-file", "testdata/unlocked-prod.yaml")
	if code != exitFindings {
		t.Errorf("exit %d, want %d\n%s%s", code, exitFindings, stdout, stderr)
	}
	if !strings.Contains(stdout, "error PLN009 prod-lift: ") || !strings.Contains(stderr, "readiness rule violation in 1 stack") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
}

func TestCheckJSONAndList(t *testing.T) {
	code, stdout, _ := cli(t, "check", "prod-gke", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"findings": []`) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = cli(t, "check", "--list")
	if code != 0 || !strings.HasPrefix(stdout, "PLN001  error ") || !strings.Contains(stdout, "PLN011") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

func TestGraphDrawsTheComponents(t *testing.T) {
	code, stdout, _ := cli(t, "graph", "staging-aks")
	for _, want := range []string{"graph TD", `["Platform staging-aks"]`, `["PowerSchedule staging-aks"]`, "-. depends on .->"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d, no %q in\n%s", code, want, stdout)
		}
	}
	code, stdout, _ = cli(t, "graph", "prod-gke", "--format", "dot")
	if code != 0 || !strings.HasPrefix(stdout, `digraph "prod-gke" {`) {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// mutated writes the committed prod-aks snapshot, changed by mutate, to a
// file in dir and returns its path.
func mutated(t *testing.T, dir, name string, mutate func(s *snapshot.Snapshot)) string {
	t.Helper()
	s, err := readSnapshot("../stacks/snapshots/prod-aks.json")
	if err != nil {
		t.Fatal(err)
	}
	mutate(s)
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// find returns the resource of s with the given type suffix and name.
func find(t *testing.T, s *snapshot.Snapshot, typeSuffix, name string) *snapshot.Resource {
	t.Helper()
	for i := range s.Resources {
		if r := &s.Resources[i]; strings.HasSuffix(r.Type, typeSuffix) && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s %s", typeSuffix, name)
	return nil
}

func TestDiffOfFiles(t *testing.T) {
	dir := t.TempDir()
	base := mutated(t, dir, "base.json", func(*snapshot.Snapshot) {})
	for _, tc := range []struct {
		name   string
		mutate func(s *snapshot.Snapshot)
		code   int
		want   []string
	}{
		{"node pool replaced", func(s *snapshot.Snapshot) {
			find(t, s, ":AgentPool", "prod-aks-pool-apps").Inputs["vmSize"] = "Standard_D8ds_v5"
		}, exitDanger, []string{"prod-aks: 0 to add, 0 to change, 1 to replace, 0 to delete", "REPLACE", "STATEFUL", `vmSize: "Standard_D4ds_v5" → "Standard_D8ds_v5"`}},
		{"protected resource deleted", func(s *snapshot.Snapshot) {
			lock := find(t, s, ":ManagementLockByScope", "prod-aks-rg-lock")
			s.Resources = slices.DeleteFunc(s.Resources, func(r snapshot.Resource) bool { return r.URN == lock.URN })
		}, exitDanger, []string{"1 to delete", "PROTECTED"}},
		{"URN changed without alias", func(s *snapshot.Snapshot) {
			r := find(t, s, ":UserAssignedIdentity", "prod-aks-cert-manager-identity")
			r.URN = strings.Replace(r.URN, "plinth:components:CertManager$", "plinth:components:CertManager$plinth:components:Identity$", 1)
		}, exitDanger, []string{"NO-ALIAS"}},
		{"no change", func(*snapshot.Snapshot) {}, 0, []string{"prod-aks: no changes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := mutated(t, dir, "to.json", tc.mutate)
			code, stdout, stderr := cli(t, "diff", "--from", base, "--to", to, "--exit-code")
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("no %q in\n%s", w, stdout)
				}
			}
		})
	}
}

func TestDiffAgainstAGitRef(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitRun("init", "-q")
	if err := os.MkdirAll(filepath.Join(repo, "stacks/snapshots"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The committed base has a smaller node pool than the working tree.
	mutated(t, filepath.Join(repo, "stacks/snapshots"), "prod-aks.json", func(s *snapshot.Snapshot) {
		find(t, s, ":AgentPool", "prod-aks-pool-apps").Inputs["maxCount"] = 20.0
	})
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "base")

	code, stdout, stderr := cli(t, "diff", "prod-aks", "--dir", repo, "--base", "HEAD", "--format", "markdown", "--exit-code")
	if code != exitFindings || !strings.Contains(stdout, "maxCount") || !strings.Contains(stdout, "| `prod-aks` | yes | 0 | 1 | 0 | 0 | 0 | 0 |") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, "diff", "prod-aks", "--dir", repo, "--base", "no-such-ref"); code != exitUsage || !strings.Contains(stderr, `--base "no-such-ref": no such git ref`) {
		t.Errorf("unknown ref: exit %d, %s", code, stderr)
	}
	// A stack the base has and the working tree does not is deleted whole;
	// one the base does not have is all additions.
	resources := 0
	mutated(t, filepath.Join(repo, "stacks/snapshots"), "qa-aks.json", func(s *snapshot.Snapshot) { s.Stack, resources = "qa-aks", len(s.Resources) })
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "a stack since removed")
	code, stdout, _ = cli(t, "diff", "--dir", repo)
	if want := fmt.Sprintf("qa-aks: 0 to add, 0 to change, 0 to replace, %d to delete", resources); code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("removed stack: exit %d\n%s", code, stdout)
	}
	// A stack the base does not have is all additions.
	if code, stdout, _ := cli(t, "diff", "dev-gke", "--dir", repo, "--format", "json"); code != 0 || !strings.Contains(stdout, `"stack": "dev-gke"`) {
		t.Errorf("new stack: exit %d\n%s", code, stdout)
	}
}

// A file the loader cannot read as an environment (here a NaN) is an
// invalid environment, exit 1 like any other; a file that does not exist
// is a usage error, exit 2.
func TestAnUnreadableEnvironmentFileIsInvalidNotUsage(t *testing.T) {
	code, _, stderr := cli(t, "plan", "--environment-file", "testdata/unreadable-values.yaml")
	if code != exitFailed || !strings.Contains(stderr, "testdata/unreadable-values.yaml") || !strings.Contains(stderr, "network.maxNodes") {
		t.Errorf("invalid file: exit %d, stderr:\n%s\nwant exit 1 naming the file and network.maxNodes", code, stderr)
	}
	code, _, stderr = cli(t, "plan", "--environment-file", "testdata/no-such-file.yaml")
	if code != exitUsage || !strings.Contains(stderr, "no-such-file.yaml") {
		t.Errorf("missing file: exit %d, stderr:\n%s\nwant exit 2 naming the file", code, stderr)
	}
}

package main

import (
	"strings"
	"testing"
)

// cli runs plinth with args and returns its exit code and output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	code = run(args, &out, &errOut)
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
	if !strings.Contains(stdout, "error PLN009 prod-lift: ") || !strings.Contains(stderr, "readiness rule violations in 1 stack") {
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

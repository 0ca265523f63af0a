//go:build integration

package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/internal/pulumicli"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/stacks"
)

// options are engine options for a rollout of envs on the real engine,
// against the test providers, with state in a temporary file backend and
// the stacks' placeholder coordinates as configuration.
func options(t *testing.T, envs []environment.Environment) (deploy.Options, *enginetest.Providers) {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := pulumicli.Find(repo)
	if errors.Is(err, pulumicli.ErrNotFound) {
		t.Skipf("needs the Pulumi CLI v%s: run `make tools` (or set %s): %v", pulumicli.Version, pulumicli.EnvVar, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	providers, err := enginetest.Start("azure-native", "azuread", "gcp", "kubernetes")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(providers.Stop)
	return deploy.Options{
		Project:    stacks.Project(),
		Pulumi:     cli,
		WorkDir:    t.TempDir(),
		BackendURL: "file://" + filepath.ToSlash(t.TempDir()),
		Env: map[string]string{
			"PULUMI_CONFIG_PASSPHRASE":                    "rollout-test",
			"PULUMI_DEBUG_PROVIDERS":                      providers.DebugEnv(),
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
			"PULUMI_HOME":                                 t.TempDir(),
		},
		Config: placeholderConfig,
	}, providers
}

// placeholderConfig is the configuration of a stack at stand-in
// coordinates, as its Pulumi.<stack>.yaml would hold real ones. A program
// built from this working tree names no published commit of the AKS power
// schedule's runbook, so the AKS stacks name where it is served.
func placeholderConfig(stack string) map[string]string {
	env, err := stacks.Lookup(stack)
	if err != nil {
		return nil
	}
	zone := stack + ".example.com"
	if env.Cloud == platform.CloudAzure {
		return map[string]string{
			"plinth:azureSubscriptionId": "11111111-2222-4333-8444-555555555555", "plinth:azureTenantId": "66666666-7777-4888-9999-000000000000",
			"plinth:azureLocation": "westeurope", "plinth:azureRunbookBaseUrl": "https://ops.acme.example/plinth",
			"plinth:dnsZoneName": zone, "plinth:dnsZoneId": "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/dns/providers/Microsoft.Network/dnszones/" + zone,
		}
	}
	return map[string]string{
		"plinth:gcpProject": "acme-rollout", "plinth:gcpRegion": "europe-west1",
		"plinth:gcpCustomerId": "C01abcd2e", "plinth:gcpGroupDomain": "acme.example",
		"plinth:gcpJitApplication": "jitgroups@acme-jit.iam.gserviceaccount.com",
		"plinth:dnsZoneName":       zone, "plinth:dnsZoneId": "projects/acme-dns/managedZones/" + strings.ReplaceAll(zone, ".", "-"),
	}
}

// create creates each stack in the backend of o, as `pulumi stack init`
// does: a rollout never creates one.
func create(t *testing.T, o deploy.Options, envs []environment.Environment) {
	t.Helper()
	for _, env := range envs {
		if _, err := deploy.Create(context.Background(), env.Name, o); err != nil {
			t.Fatal(err)
		}
	}
}

func lookup(t *testing.T, names ...string) []environment.Environment {
	t.Helper()
	var envs []environment.Environment
	for _, n := range names {
		env, err := stacks.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, env)
	}
	return envs
}

func TestRolloutDeploysEachStackInOrder(t *testing.T) {
	envs := lookup(t, "dev-gke", "staging-gke", "prod-gke")
	o, _ := options(t, envs)
	create(t, o, envs)
	approved := []string{}
	ro := deploy.RolloutOptions{
		Options:  o,
		StateDir: t.TempDir(),
		Approve: func(stack string, changes deploy.Changes, _ []deploy.Danger) (bool, error) {
			approved = append(approved, stack)
			return changes["create"] > 0, nil
		},
	}
	report := deploy.Rollout(context.Background(), envs, ro)
	if err := report.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range report.Stacks {
		if s.Status != deploy.Deployed || s.VersionAfter != platform.Version || s.VersionBefore != "" {
			t.Errorf("%s: %s, Plinth %q -> %q", s.Stack, s.Status, s.VersionBefore, s.VersionAfter)
		}
	}
	if len(approved) != 1 || approved[0] != "prod-gke" {
		t.Errorf("approval asked for %v, want prod-gke only", approved)
	}
	prod := report.Stacks[2]
	if prod.Export == "" {
		t.Fatal("production state was not exported before up")
	}
	// The export is what `pulumi stack import` reads: a versioned
	// deployment (of a stack not deployed before: nothing in it yet).
	data, err := os.ReadFile(prod.Export)
	if err != nil {
		t.Fatalf("state export: %v", err)
	}
	var export struct {
		Version    int            `json:"version"`
		Deployment map[string]any `json:"deployment"`
	}
	if err := json.Unmarshal(data, &export); err != nil || export.Version < 3 || export.Deployment == nil {
		t.Errorf("state export is not an importable deployment: version %d, %v", export.Version, err)
	}
}

func TestRolloutStopsAtTheFirstFailure(t *testing.T) {
	envs := lookup(t, "dev-aks", "staging-aks", "prod-aks")
	o, providers := options(t, envs)
	create(t, o, envs)
	ro := deploy.RolloutOptions{
		Options:  o,
		StateDir: t.TempDir(),
		Approve:  func(string, deploy.Changes, []deploy.Danger) (bool, error) { return true, nil },
		HealthCheck: func(_ context.Context, stack string, out auto.OutputMap) error {
			if stack == "staging-aks" {
				return errors.New("ingress does not answer")
			}
			return nil
		},
	}
	report := deploy.Rollout(context.Background(), envs, ro)
	if len(report.Stacks) != 3 {
		t.Fatalf("%d stack reports, want 3", len(report.Stacks))
	}
	dev, staging, prod := report.Stacks[0], report.Stacks[1], report.Stacks[2]
	if dev.Status != deploy.Deployed {
		t.Errorf("dev-aks: %s %v", dev.Status, dev.Err)
	}
	if staging.Status != deploy.Failed || staging.Step != deploy.StepVerify || !strings.Contains(staging.Err.Error(), "ingress does not answer") {
		t.Errorf("staging-aks: %s at %s: %v", staging.Status, staging.Step, staging.Err)
	}
	if !strings.Contains(staging.Next, "later stacks were not touched") {
		t.Errorf("next: %s", staging.Next)
	}
	if prod.Status != deploy.Untouched || prod.Next != "not touched: the rollout stopped at an earlier stack" {
		t.Errorf("prod-aks: %s: %s", prod.Status, prod.Next)
	}
	if err := report.Err(); err == nil || !strings.Contains(err.Error(), "staging-aks failed at verify") {
		t.Errorf("report error: %v", err)
	}
	for _, c := range providers.Calls() {
		if strings.Contains(c.URN, "urn:pulumi:prod-aks::") {
			t.Errorf("prod-aks was touched: %s %s", c.Op, c.URN)
		}
	}
}

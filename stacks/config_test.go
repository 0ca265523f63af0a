package stacks_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/stacks"
)

// deployed runs the reference project's program, as `pulumi up -s stack`
// would, with the stack's configuration cfg, under mocks, and returns what
// it registered, whether or not it failed.
func deployed(t *testing.T, stack string, cfg map[string]string) (*snapshot.Snapshot, error) {
	t.Helper()
	return mockcloud.Attempt(stack, stacks.Project().Program(), mockcloud.WithProject(stacks.ProjectName), mockcloud.WithConfig(cfg))
}

// gcpDev is a complete configuration of the dev-gke stack.
func gcpDev() map[string]string {
	return map[string]string{
		"plinth:gcpProject": "acme-dev", "plinth:gcpRegion": "europe-west1",
		"plinth:gcpCustomerId": "C01abcd2e", "plinth:gcpGroupDomain": "acme.example",
		"plinth:gcpJitApplication": "jitgroups@acme-jit.iam.gserviceaccount.com",
		"plinth:dnsZoneName":       "dev.acme.example", "plinth:dnsZoneId": "projects/acme-dns/managedZones/dev-acme-example",
	}
}

func TestMissingCoordinatesAreNamedWithTheirFix(t *testing.T) {
	snap, err := deployed(t, "prod-aks", map[string]string{"plinth:azureLocation": "westeurope"})
	want := "stack prod-aks: missing configuration:\n" +
		"  plinth:dnsZoneName is not set; run: pulumi config set plinth:dnsZoneName <value> -s prod-aks\n" +
		"  plinth:azureSubscriptionId is not set; run: pulumi config set plinth:azureSubscriptionId <value> -s prod-aks\n" +
		"  plinth:azureTenantId is not set; run: pulumi config set plinth:azureTenantId <value> -s prod-aks"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to contain\n%s", err, want)
	}
	if len(snap.Resources) > 0 {
		t.Errorf("%d resources registered with configuration missing", len(snap.Resources))
	}
}

func TestCoordinatesComeFromConfiguration(t *testing.T) {
	cfg := map[string]string{
		"plinth:azureSubscriptionId": "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", "plinth:azureTenantId": "6a2d7c3f-4e5b-4d9f-8c0a-3b2e1f0d9c8b",
		"plinth:azureLocation": "francecentral", "plinth:azureRunbookBaseUrl": "https://ops.acme.example/plinth",
		"plinth:dnsZoneName": "dev.acme.example", "plinth:dnsZoneId": "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/dev.acme.example",
	}
	snap, err := deployed(t, "dev-aks", cfg)
	if err != nil {
		t.Fatal(err)
	}
	provider := snap.Find("pulumi:providers:azure-native", "dev-aks")
	if got := platformtest.Input(t, provider, "subscriptionId"); got != cfg["plinth:azureSubscriptionId"] {
		t.Errorf("provider subscription %v", got)
	}
	if got := platformtest.Input(t, provider, "location"); got != "francecentral" {
		t.Errorf("provider location %v", got)
	}
	grant := snap.Find("azure-native:authorization:RoleAssignment", "dev-aks-cert-manager-dns-zone-contributor-1")
	if got := platformtest.Input(t, grant, "scope"); got != cfg["plinth:dnsZoneId"] {
		t.Errorf("cert-manager's DNS grant at %v, want the configured zone", got)
	}
	runbook := snap.OfType("azure-native:automation/v20231101:Runbook")
	if len(runbook) != 1 || !strings.HasPrefix(platformtest.Input(t, runbook[0], "publishContentLink.uri").(string), "https://ops.acme.example/plinth/") {
		t.Errorf("the runbook is not downloaded from the configured base URL: %+v", runbook)
	}

	snap, err = deployed(t, "dev-gke", gcpDev())
	if err != nil {
		t.Fatal(err)
	}
	if got := platformtest.Input(t, snap.Find("pulumi:providers:gcp", "dev-gke"), "project"); got != "acme-dev" {
		t.Errorf("gcp provider project %v", got)
	}
}

func TestUnknownStackIsNamed(t *testing.T) {
	_, err := deployed(t, "qa-aks", gcpDev())
	if err == nil || !strings.Contains(err.Error(), `project plinth has no stack "qa-aks"; its stacks are dev-aks, staging-aks, prod-aks, dev-gke, staging-gke, prod-gke`) {
		t.Errorf("err = %v", err)
	}
}

func TestAnotherProjectNameIsRefused(t *testing.T) {
	_, err := mockcloud.Render("dev-gke", stacks.Project().Program(), mockcloud.WithProject("platform"), mockcloud.WithConfig(gcpDev()))
	if err == nil || !strings.Contains(err.Error(), `Pulumi.yaml names the project "platform", but this program deploys the Plinth project "plinth"`) {
		t.Errorf("err = %v", err)
	}
}

// The environment a stack deploys is the project's definition: a stack
// configuration that brings one of its own is refused, not read.
func TestAnEnvironmentInConfigurationIsRefused(t *testing.T) {
	cfg := gcpDev()
	cfg["plinth:environment"] = `{"name":"dev-gke","class":"dev","cloud":"gcp","costCenter":"cc-1"}`
	snap, err := deployed(t, "dev-gke", cfg)
	want := "plinth:environment: the environment a stack deploys is the program's definition, reviewed in plan, diff and check, and is not read from configuration; move it into the project and run: pulumi config rm plinth:environment -s dev-gke"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if len(snap.Resources) > 0 {
		t.Errorf("%d resources registered", len(snap.Resources))
	}
}

func TestAStackRunsOnlyThePlinthReleaseItPins(t *testing.T) {
	cfg := gcpDev()
	cfg["plinth:version"] = "v" + platform.Version
	if _, err := deployed(t, "dev-gke", cfg); err != nil {
		t.Fatalf("pinned to this release: %v", err)
	}
	cfg["plinth:version"] = "0.0.9"
	snap, err := deployed(t, "dev-gke", cfg)
	want := `plinth:version "0.0.9": the stack pins Plinth 0.0.9 but this is Plinth ` + platform.Version +
		"; deploy it from the 0.0.9 release, or move the pin after reading docs/upgrading: pulumi config set plinth:version " + platform.Version + " -s dev-gke"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if len(snap.Resources) > 0 {
		t.Errorf("%d resources registered under another release's pin", len(snap.Resources))
	}
}

// A production stack pinned to its class refuses a definition of another
// class: a dev environment would drop every production rule.
func TestAStackRunsOnlyTheClassItPins(t *testing.T) {
	cfg := gcpDev()
	cfg["plinth:class"] = "dev"
	if _, err := deployed(t, "dev-gke", cfg); err != nil {
		t.Fatalf("pinned to its class: %v", err)
	}
	cfg["plinth:class"] = "prod"
	_, err := deployed(t, "dev-gke", cfg)
	want := `plinth:class "prod": the stack is pinned to class prod but environment dev-gke is class dev`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// A configured value the cloud refuses is named by its configuration key,
// with the command that sets it, before anything is registered.
func TestAnInvalidCoordinateNamesItsKey(t *testing.T) {
	cfg := gcpDev()
	cfg["plinth:gcpRegion"] = "europe-west1-b"
	snap, err := deployed(t, "dev-gke", cfg)
	want := `plinth:gcpRegion "europe-west1-b": not a region; write it as GCP does, e.g. "europe-west1" (a region, not a zone); set it with: pulumi config set plinth:gcpRegion <value> -s dev-gke`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if len(snap.Resources) > 0 {
		t.Errorf("%d resources registered", len(snap.Resources))
	}
	snap, err = deployed(t, "dev-aks", map[string]string{
		"plinth:azureSubscriptionId": "acme-dev", "plinth:azureTenantId": "6a2d7c3f-4e5b-4d9f-8c0a-3b2e1f0d9c8b",
		"plinth:azureLocation": "West Europe", "plinth:dnsZoneName": "dev.acme.example",
		"plinth:dnsZoneId": "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/dev.acme.example",
	})
	for _, want := range []string{
		`plinth:azureSubscriptionId "acme-dev": not a UUID; use the subscription ID, not its name; set it with: pulumi config set plinth:azureSubscriptionId <value> -s dev-aks`,
		`plinth:azureLocation "West Europe": write the region's name as Azure does`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant %s", err, want)
		}
	}
	if len(snap.Resources) > 0 {
		t.Errorf("%d resources registered", len(snap.Resources))
	}
}

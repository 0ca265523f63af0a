package stacks_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/stacks"
)

// fromConfig runs stacks.FromConfig in stack with the given configuration.
func fromConfig(t *testing.T, stack string, cfg map[string]string) (environment.Environment, stacks.Coordinates, error) {
	t.Helper()
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_CONFIG", string(data))
	var (
		env    environment.Environment
		coords stacks.Coordinates
	)
	_, err = mockcloud.Render(stack, func(ctx *pulumi.Context) error {
		var err error
		env, coords, err = stacks.FromConfig(ctx)
		return err
	})
	return env, coords, err
}

func TestMissingCoordinatesAreNamedWithTheirFix(t *testing.T) {
	_, _, err := fromConfig(t, "prod-aks", map[string]string{"plinth:azureLocation": "westeurope"})
	want := "stack prod-aks: missing configuration:\n" +
		"  plinth:azureSubscriptionId is not set; run: pulumi config set plinth:azureSubscriptionId <value> -s prod-aks\n" +
		"  plinth:azureTenantId is not set; run: pulumi config set plinth:azureTenantId <value> -s prod-aks\n" +
		"  plinth:dnsZoneName is not set; run: pulumi config set plinth:dnsZoneName <value> -s prod-aks\n" +
		"  plinth:dnsZoneId is not set; run: pulumi config set plinth:dnsZoneId <value> -s prod-aks"
	if err == nil || !contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to contain\n%s", err, want)
	}
}

func TestCoordinatesComeFromConfiguration(t *testing.T) {
	env, coords, err := fromConfig(t, "staging-gke", map[string]string{
		"plinth:gcpProject": "acme-staging", "plinth:gcpRegion": "europe-west1",
		"plinth:gcpCustomerId": "C01abcd2e", "plinth:gcpGroupDomain": "acme.example",
		"plinth:dnsZoneName": "staging.acme.example", "plinth:dnsZoneId": "acme-dns",
	})
	if err != nil {
		t.Fatal(err)
	}
	if env.Name != "staging-gke" || coords.GCP.Project != "acme-staging" || coords.GCP.Region != "europe-west1" ||
		coords.GCP.CustomerID != "C01abcd2e" || coords.DNSZoneName != "staging.acme.example" || coords.DNSZoneID != "acme-dns" {
		t.Errorf("env %s, coordinates %+v", env.Name, coords)
	}
}

func TestUnknownStackIsNamed(t *testing.T) {
	_, _, err := fromConfig(t, "qa-aks", nil)
	if err == nil || !contains(err.Error(), `no environment "qa-aks"; the stacks are [dev-aks staging-aks prod-aks dev-gke staging-gke prod-gke]`) {
		t.Errorf("err = %v", err)
	}
}

func TestEnvironmentFromStackConfiguration(t *testing.T) {
	doc := `{"name":"team-dev","class":"dev","cloud":"azure","costCenter":"cc-1234","network":{"addressSpace":"10.50.0.0/16"}}`
	env, coords, err := fromConfig(t, "team-dev", map[string]string{
		"plinth:environment":         doc,
		"plinth:azureSubscriptionId": "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", "plinth:azureTenantId": "6a2d7c3f-4e5b-4d9f-8c0a-3b2e1f0d9c8b",
		"plinth:azureLocation": "westeurope", "plinth:azureRunbookBaseUrl": "https://ops.team.example/plinth",
		"plinth:dnsZoneName": "dev.team.example", "plinth:dnsZoneId": "/subscriptions/x/resourceGroups/dns/providers/Microsoft.Network/dnszones/dev.team.example",
	})
	if err != nil {
		t.Fatal(err)
	}
	if coords.Azure.RunbookBaseURL != "https://ops.team.example/plinth" {
		t.Errorf("runbook base URL = %q", coords.Azure.RunbookBaseURL)
	}
	// The dev profile lies under the configured fields.
	if env.Name != "team-dev" || env.Network.AddressSpace != "10.50.0.0/16" || env.PowerSchedule == nil || len(env.Cluster.SystemPool.Zones) != 1 {
		t.Errorf("env = %+v", env)
	}

	_, _, err = fromConfig(t, "other", map[string]string{"plinth:environment": doc})
	if err == nil || !contains(err.Error(), `plinth:environment: name "team-dev" differs from the stack "other"; name the environment after its stack`) {
		t.Errorf("err = %v", err)
	}
	_, _, err = fromConfig(t, "team-dev", map[string]string{"plinth:environment": `{"name":"team-dev","Class":"dev"}`})
	if err == nil || !contains(err.Error(), "plinth:environment:\nClass: unknown field (line 1); did you mean \"class\"?") {
		t.Errorf("err = %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestAStackRunsOnlyThePlinthReleaseItPins(t *testing.T) {
	cfg := map[string]string{
		"plinth:gcpProject": "acme-dev", "plinth:gcpRegion": "europe-west1",
		"plinth:gcpCustomerId": "C01abcd2e", "plinth:gcpGroupDomain": "acme.example",
		"plinth:dnsZoneName": "dev.acme.example", "plinth:dnsZoneId": "acme-dns",
		"plinth:version": "v" + platform.Version,
	}
	if _, _, err := fromConfig(t, "dev-gke", cfg); err != nil {
		t.Fatalf("pinned to this release: %v", err)
	}
	cfg["plinth:version"] = "0.0.9"
	_, _, err := fromConfig(t, "dev-gke", cfg)
	want := "stack dev-gke pins Plinth 0.0.9 (plinth:version) but this is Plinth " + platform.Version +
		"; deploy it from the 0.0.9 release, or move the pin after reading docs/upgrading: pulumi config set plinth:version " + platform.Version + " -s dev-gke"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

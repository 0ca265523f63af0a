package aks

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/field"
)

// Cloud is Azure as a cloud of a Plinth project (project.Project.Clouds):
// it reads an AKS stack's coordinates from the stack's configuration and
// creates the backend. A project that lists only Cloud links only the
// Azure SDKs.
//
// The configuration keys, in namespace plinth: azureSubscriptionId and
// azureLocation (required), azureTenantId (required: clusters and access
// need it), azureRunbookBaseUrl (optional, Config.RunbookBaseURL: needed
// only for a power schedule in a program built from a clone or a fork).
type Cloud struct{}

// The configuration keys Cloud reads.
const (
	ConfigSubscriptionID = "azureSubscriptionId"
	ConfigTenantID       = "azureTenantId"
	ConfigLocation       = "azureLocation"
	ConfigRunbookBaseURL = "azureRunbookBaseUrl"
)

// Offline coordinates: obviously fake, stable, and valid.
const (
	offlineSubscription = "00000000-0000-0000-0000-000000000000"
	offlineTenant       = "00000000-0000-0000-0000-000000000001"
	offlineLocation     = "westeurope"
)

// offlineNow is the clock of offline renders: schedules start at the next
// occurrence of their time after it, so that renders are deterministic.
var offlineNow = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// Name returns platform.CloudAzure.
func (Cloud) Name() platform.Cloud { return platform.CloudAzure }

// Facts returns Azure's facts (aksfacts.Facts).
func (Cloud) Facts() platform.CloudFacts { return aksfacts.Facts }

// Region returns the Azure location in config (plinth:azureLocation).
func (Cloud) Region(config platform.StackConfig) string { return config.Get(ConfigLocation) }

// OfflineRegion returns the location of offline renders.
func (Cloud) OfflineRegion() string { return offlineLocation }

// Region returns the Azure location the backend deploys to
// (platform.RegionalBackend).
func (b *Backend) Region() string { return b.cfg.Location }

// Backend creates the backend of stack at the coordinates in config.
// An invalid value is an error that names its configuration key.
func (Cloud) Backend(ctx *pulumi.Context, stack string, config platform.StackConfig) (platform.Backend, error) {
	b, err := New(ctx, stack, Config{
		SubscriptionID: config.Require(ConfigSubscriptionID),
		TenantID:       config.Require(ConfigTenantID),
		Location:       config.Require(ConfigLocation),
		RunbookBaseURL: config.Get(ConfigRunbookBaseURL),
	})
	if err != nil {
		return nil, platform.ConfigErrors(err, stack, map[field.Path]string{
			"aks.subscriptionID": ConfigSubscriptionID, "aks.tenantID": ConfigTenantID,
			"aks.location": ConfigLocation, "aks.runbookBaseURL": ConfigRunbookBaseURL,
		})
	}
	return b, nil
}

// Offline creates the backend of stack at stand-in coordinates, with a
// fixed clock and the runbook where a build of the release
// platform.Version finds it: what plinth plan and tests render under mocks,
// the same however the program was built.
func (Cloud) Offline(ctx *pulumi.Context, stack string) (platform.Backend, error) {
	return New(ctx, stack, Config{
		SubscriptionID: offlineSubscription, TenantID: offlineTenant, Location: offlineLocation,
		RunbookBaseURL: offlineRunbookBaseURL,
		Now:            func() time.Time { return offlineNow },
	})
}

// OfflineDNSZoneID returns the stand-in ARM ID of the DNS zone named zone.
func (Cloud) OfflineDNSZoneID(zone string) string {
	return "/subscriptions/" + offlineSubscription + "/resourceGroups/plinth-dns/providers/Microsoft.Network/dnszones/" + zone
}

// TagsProperty is the package's TagsProperty.
func (Cloud) TagsProperty(typeToken string) (string, bool) { return TagsProperty(typeToken) }

package aks

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Defaults for the optional fields of Config.
const (
	// DefaultNetworkWatcherResourceGroup is where Azure creates the
	// per-region network watcher when a subscription gets its first VNet.
	DefaultNetworkWatcherResourceGroup = "NetworkWatcherRG"
	// DefaultNetworkWatcherPrefix prefixes the location to name that
	// watcher: "NetworkWatcher_westeurope".
	DefaultNetworkWatcherPrefix = "NetworkWatcher_"
)

// DefaultZones are the availability zones used when Config.Zones is empty.
var DefaultZones = []string{"1", "2", "3"}

// Config says where the backend deploys. SubscriptionID and Location are
// required.
type Config struct {
	// SubscriptionID is the Azure subscription, a UUID. Required.
	SubscriptionID string
	// TenantID is the Entra ID tenant, a UUID. Optional for the network;
	// required for clusters (Entra ID integration and Azure RBAC) and for
	// access (the azuread provider of Entra groups and access packages):
	// NewCluster, NewAccessCatalog and NewAccessPackage fail without it.
	TenantID string
	// Location is the Azure region, e.g. "westeurope". Required.
	Location string
	// ResourceGroupName is an existing resource group to deploy into. Unset:
	// each network creates "<network>-rg" as its child.
	ResourceGroupName string
	// Zones are the availability zones zonal resources spread over.
	// Unset: DefaultZones.
	Zones []string
	// NetworkWatcherResourceGroup and NetworkWatcherName locate the network
	// watcher that holds VNet flow logs. Unset: the watcher Azure creates,
	// DefaultNetworkWatcherResourceGroup and DefaultNetworkWatcherPrefix +
	// Location.
	NetworkWatcherResourceGroup, NetworkWatcherName string
	// RunbookBaseURL is where Azure Automation downloads the power
	// schedule's runbook (NewPowerSchedule) from: an https URL under which
	// the repository's file platform/aks/runbooks/Set-AksPowerState.ps1
	// is served byte for byte, at
	// <RunbookBaseURL>/platform/aks/runbooks/Set-AksPowerState.ps1.
	// Automation checks the download against the SHA-256 hash of the
	// script built into this package, so a different file fails the
	// deployment rather than run. Set it to host the script yourself, for
	// example when Automation cannot reach GitHub, for a fork, or for a
	// program built from a clone. Unset: the Plinth source the program was
	// built from, RunbookRepository at its release tag or at the commit of
	// its pseudo-version, read from the program's build information; when
	// that names no published source (Plinth replaced by a directory or a
	// fork, built from a working tree), NewPowerSchedule refuses and names
	// this setting. Nothing else needs it.
	RunbookBaseURL string
	// Now is the clock the power schedule reads to start its schedules at
	// the next occurrence of their time of day (Azure takes only start
	// times in the future). Unset: time.Now. Offline renders set a fixed
	// clock so that their snapshots are the same on every run.
	Now func() time.Time
}

// Backend implements the platform contract on Azure. Create it with New.
type Backend struct {
	cfg      Config
	provider pulumi.ProviderResource
	// name and providerOpts are New's arguments, for the providers the
	// backend registers on first use (entraProvider).
	name         string
	providerOpts []pulumi.ResourceOption
	// entra is the explicit azuread provider, registered on first use.
	entra lazyProvider
}

var (
	_ platform.Backend                 = (*Backend)(nil)
	_ platform.NetworkBackend          = (*Backend)(nil)
	_ platform.ClusterBackend          = (*Backend)(nil)
	_ platform.WorkloadIdentityBackend = (*Backend)(nil)
	_ platform.LoadBalancerBackend     = (*Backend)(nil)
	_ platform.EdgeBackend             = (*Backend)(nil)
	_ platform.BackupStorageBackend    = (*Backend)(nil)
	_ platform.AccessBackend           = (*Backend)(nil)
	_ platform.PowerScheduleBackend    = (*Backend)(nil)
	_ platform.SecretsBackend          = (*Backend)(nil)
	_ platform.RegistryBackend         = (*Backend)(nil)
	_ platform.WorkloadPolicyBackend   = (*Backend)(nil)
	_ platform.ProviderBackend         = (*Backend)(nil)
	_ platform.DNSBackend              = (*Backend)(nil)
)

var (
	locationPattern = regexp.MustCompile(`^[a-z][a-z0-9]+$`)
)

// New validates cfg and registers the backend's explicit azure-native
// provider, named name. opts apply to the provider (for example
// pulumi.Parent).
func New(ctx *pulumi.Context, name string, cfg Config, opts ...pulumi.ResourceOption) (*Backend, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(field.NewPath("aks")); err != nil {
		return nil, err
	}
	args := &azurenative.ProviderArgs{
		SubscriptionId: pulumi.StringPtr(cfg.SubscriptionID),
		Location:       pulumi.StringPtr(cfg.Location),
	}
	if cfg.TenantID != "" {
		args.TenantId = pulumi.StringPtr(cfg.TenantID)
	}
	p, err := azurenative.NewProvider(ctx, name, args, opts...)
	if err != nil {
		return nil, err
	}
	return &Backend{cfg: cfg, provider: p, name: name, providerOpts: append([]pulumi.ResourceOption(nil), opts...)}, nil
}

// Cloud returns platform.CloudAzure.
func (b *Backend) Cloud() platform.Cloud { return platform.CloudAzure }

// Provider returns the backend's azure-native provider
// (platform.ProviderBackend).
func (b *Backend) Provider() pulumi.ProviderResource { return b.provider }

// Config returns the backend's configuration with defaults applied.
func (b *Backend) Config() Config { return b.cfg }

func (c Config) withDefaults() Config {
	if len(c.Zones) == 0 {
		c.Zones = append([]string(nil), DefaultZones...)
	}
	if c.NetworkWatcherResourceGroup == "" {
		c.NetworkWatcherResourceGroup = DefaultNetworkWatcherResourceGroup
	}
	if c.NetworkWatcherName == "" {
		c.NetworkWatcherName = DefaultNetworkWatcherPrefix + c.Location
	}
	c.RunbookBaseURL = strings.TrimSuffix(c.RunbookBaseURL, "/")
	return c
}

func (c Config) validate(path field.Path) error {
	var errs field.List
	switch {
	case c.SubscriptionID == "":
		errs.Add(field.Required(path.Child("subscriptionID"), "the Azure subscription ID (az account show --query id)"))
	case !format.UUID(c.SubscriptionID):
		errs.Addf(path.Child("subscriptionID"), c.SubscriptionID, "not a UUID; use the subscription ID, not its name")
	}
	if c.TenantID != "" && !format.UUID(c.TenantID) {
		errs.Addf(path.Child("tenantID"), c.TenantID, "not a UUID; use the tenant ID (az account show --query tenantId)")
	}
	switch {
	case c.Location == "":
		errs.Add(field.Required(path.Child("location"), "the Azure region, e.g. \"westeurope\""))
	case !locationPattern.MatchString(c.Location):
		errs.Addf(path.Child("location"), c.Location, "write the region's name as Azure does, lowercase without spaces, e.g. \"westeurope\"")
	}
	for i, z := range c.Zones {
		if z != "1" && z != "2" && z != "3" {
			errs.Addf(path.Child("zones").Index(i), z, "Azure zones are \"1\", \"2\" and \"3\"")
		}
	}
	if u, err := url.Parse(c.RunbookBaseURL); c.RunbookBaseURL != "" && (err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		errs.Addf(path.Child("runbookBaseURL"), c.RunbookBaseURL, "use an https URL without query or fragment, under which platform/aks/runbooks/ is served, e.g. %q", RunbookRepository+"/<commit>")
	}
	return errs.Err()
}

// now returns the backend's clock: Config.Now, or time.Now.
func (b *Backend) now() time.Time {
	if b.cfg.Now != nil {
		return b.cfg.Now()
	}
	return time.Now()
}

// opts returns the options every child gets: the caller's (which carry the
// component parent) and the backend's explicit provider.
func (b *Backend) opts(given []pulumi.ResourceOption, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	out := append([]pulumi.ResourceOption{}, given...)
	out = append(out, pulumi.Provider(b.provider))
	return append(out, more...)
}

// retained are b.opts for a stateful child (Stateful in akstypes): with
// retain, pulumi.RetainOnDelete, so that the cloud resource stays when it
// leaves the stack (the specs' Retain, Locked).
func (b *Backend) retained(given []pulumi.ResourceOption, retain bool, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	if retain {
		more = append(more, pulumi.RetainOnDelete(true))
	}
	return b.opts(given, more...)
}

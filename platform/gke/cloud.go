package gke

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// Cloud is Google Cloud as a cloud of a Plinth project
// (project.Project.Clouds): it reads a GKE stack's coordinates from the
// stack's configuration and creates the backend. A project that lists only
// Cloud links only the Google Cloud SDK.
//
// The configuration keys, in namespace plinth: gcpProject and gcpRegion
// (required), gcpCustomerId and gcpGroupDomain (required: the break-glass
// group is created under them, and the teams' JIT groups are in the
// domain), gcpJitApplication (required: the JIT Groups application's
// service account, which approves and expires the teams' access) and
// gcpJitEnvironment (optional: the environment's name in JIT Groups,
// unset the stack's name).
type Cloud struct{}

// The configuration keys Cloud reads.
const (
	ConfigProject        = "gcpProject"
	ConfigRegion         = "gcpRegion"
	ConfigCustomerID     = "gcpCustomerId"
	ConfigGroupDomain    = "gcpGroupDomain"
	ConfigJITApplication = "gcpJitApplication"
	ConfigJITEnvironment = "gcpJitEnvironment"
)

// offlineConfig are the stand-in coordinates of offline renders.
var offlineConfig = Config{
	Project: "plinth-placeholder", Region: "europe-west1",
	CustomerID: "C00000000", GroupDomain: "acme.example",
	JITApplication: "jitgroups@plinth-placeholder.iam.gserviceaccount.com",
}

// Name returns platform.CloudGCP.
func (Cloud) Name() platform.Cloud { return platform.CloudGCP }

// Facts returns Google Cloud's facts (gkefacts.Facts).
func (Cloud) Facts() platform.CloudFacts { return gkefacts.Facts }

// Region returns the region in config (plinth:gcpRegion).
func (Cloud) Region(config platform.StackConfig) string { return config.Get(ConfigRegion) }

// OfflineRegion returns the region of offline renders.
func (Cloud) OfflineRegion() string { return offlineConfig.Region }

// Region returns the region the backend deploys to
// (platform.RegionalBackend).
func (b *Backend) Region() string { return b.cfg.Region }

// Backend creates the backend of stack at the coordinates in config.
// An invalid value is an error that names its configuration key. The
// project must be dedicated to the stack's environment, labeled
// plinth-environment=<stack> (Config.Environment); otherwise Backend fails
// before any cloud resource is registered.
func (Cloud) Backend(ctx *pulumi.Context, stack string, config platform.StackConfig) (platform.Backend, error) {
	b, err := New(ctx, stack, Config{
		Project: config.Require(ConfigProject), Region: config.Require(ConfigRegion),
		CustomerID: config.Require(ConfigCustomerID), GroupDomain: config.Require(ConfigGroupDomain),
		JITApplication: config.Require(ConfigJITApplication), JITEnvironment: config.Get(ConfigJITEnvironment),
		Environment: stack,
	})
	if err != nil {
		return nil, platform.ConfigErrors(err, stack, map[field.Path]string{
			"gke.project": ConfigProject, "gke.region": ConfigRegion,
			"gke.customerID": ConfigCustomerID, "gke.groupDomain": ConfigGroupDomain,
			"gke.jitApplication": ConfigJITApplication, "gke.jitEnvironment": ConfigJITEnvironment,
		})
	}
	return b, nil
}

// Offline creates the backend of stack at stand-in coordinates: what
// plinth plan and tests render under mocks.
func (Cloud) Offline(ctx *pulumi.Context, stack string) (platform.Backend, error) {
	return New(ctx, stack, offlineConfig)
}

// OfflineDNSZoneID returns the stand-in resource name of the Cloud DNS
// managed zone whose DNS name is zone: projects/plinth-placeholder-dns/
// managedZones/<zone with '-' for '.'>.
func (Cloud) OfflineDNSZoneID(zone string) string {
	return format.CloudDNSZone{Project: "plinth-placeholder-dns", Name: strings.ReplaceAll(zone, ".", "-")}.String()
}

// TagsProperty is the package's TagsProperty.
func (Cloud) TagsProperty(typeToken string) (string, bool) { return TagsProperty(typeToken) }

package stacks

import (
	"fmt"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/gke"
)

// Coordinates say where in the cloud an environment lands. They come from
// the stack's Pulumi configuration (CoordinatesFromConfig), never from the
// environment definition, so that the same definition can be reviewed
// without naming real subscriptions or projects.
type Coordinates struct {
	// Azure is used by AKS environments.
	Azure aks.Config
	// GCP is used by GKE environments.
	GCP gke.Config
	// DNSZoneName and DNSZoneID are the DNS zone cert-manager solves ACME
	// DNS01 challenges in: its name, and its cloud ID (on Azure the zone's
	// ARM ID, on GCP the ID of the project that hosts the Cloud DNS zone).
	DNSZoneName, DNSZoneID string
}

// placeholderNow is the clock of offline renders.
var placeholderNow = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// PlaceholdersFor returns the coordinates of env's offline render:
// obviously fake, stable, and valid for validation.
func PlaceholdersFor(env environment.Environment) Coordinates {
	c := Coordinates{
		Azure: aks.Config{
			SubscriptionID: "00000000-0000-0000-0000-000000000000",
			TenantID:       "00000000-0000-0000-0000-000000000001",
			Location:       "westeurope",
			// Schedules start at the next occurrence of their time after
			// this fixed clock, so that renders are deterministic.
			Now: func() time.Time { return placeholderNow },
		},
		GCP: gke.Config{
			Project: "plinth-placeholder", Region: "europe-west1",
			CustomerID: "C00000000", GroupDomain: "acme.example",
		},
		DNSZoneName: env.Name + ".platform.example.com",
		DNSZoneID:   "plinth-placeholder-dns",
	}
	if env.Cloud == platform.CloudAzure {
		c.DNSZoneID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/plinth-dns/providers/Microsoft.Network/dnszones/" + c.DNSZoneName
	}
	return c
}

// ConfigNamespace is the Pulumi configuration namespace of the environment
// (plinth:environment, optional), of the Plinth release a stack pins
// (plinth:version, optional) and of the coordinates:
// plinth:azureSubscriptionId, plinth:azureTenantId, plinth:azureLocation,
// plinth:gcpProject, plinth:gcpRegion, plinth:gcpCustomerId,
// plinth:gcpGroupDomain, plinth:dnsZoneName, plinth:dnsZoneId, and the
// optional plinth:azureRunbookBaseUrl (aks.Config.RunbookBaseURL, for
// users who host the power schedule's runbook themselves).
const ConfigNamespace = "plinth"

// CoordinatesFromConfig reads the coordinates env needs from the stack's
// Pulumi configuration and fails, naming every missing key and how to set
// it, when any is absent.
func CoordinatesFromConfig(ctx *pulumi.Context, env environment.Environment) (Coordinates, error) {
	cfg := config.New(ctx, ConfigNamespace)
	var missing []string
	get := func(key string) string {
		v := cfg.Get(key)
		if v == "" {
			missing = append(missing, fmt.Sprintf("%s:%s is not set; run: pulumi config set %s:%s <value> -s %s",
				ConfigNamespace, key, ConfigNamespace, key, ctx.Stack()))
		}
		return v
	}
	var c Coordinates
	switch env.Cloud {
	case platform.CloudAzure:
		c.Azure = aks.Config{
			SubscriptionID: get("azureSubscriptionId"), TenantID: get("azureTenantId"), Location: get("azureLocation"),
			RunbookBaseURL: cfg.Get("azureRunbookBaseUrl"),
		}
	case platform.CloudGCP:
		c.GCP = gke.Config{
			Project: get("gcpProject"), Region: get("gcpRegion"),
			CustomerID: get("gcpCustomerId"), GroupDomain: get("gcpGroupDomain"),
		}
	}
	c.DNSZoneName, c.DNSZoneID = get("dnsZoneName"), get("dnsZoneId")
	if len(missing) > 0 {
		return c, fmt.Errorf("stack %s: missing configuration:\n  %s", ctx.Stack(), strings.Join(missing, "\n  "))
	}
	return c, nil
}

// FromConfig returns the environment the selected stack deploys and its
// coordinates, both from the stack's configuration: the environment in
// plinth:environment (its YAML form as a structured value in
// Pulumi.<stack>.yaml, named after the stack) or else the stack of the same
// name (Lookup); the coordinates from CoordinatesFromConfig.
func FromConfig(ctx *pulumi.Context) (environment.Environment, Coordinates, error) {
	if err := checkVersionPin(ctx); err != nil {
		return environment.Environment{}, Coordinates{}, err
	}
	env, err := environmentFromConfig(ctx)
	if err != nil {
		return env, Coordinates{}, err
	}
	coords, err := CoordinatesFromConfig(ctx, env)
	return env, coords, err
}

// checkVersionPin refuses to deploy a stack that pins another Plinth
// release in plinth:version: a stack moves to a new release by changing its
// pin, reviewed like any change, never because someone deployed from a
// newer checkout.
func checkVersionPin(ctx *pulumi.Context) error {
	pin := config.New(ctx, ConfigNamespace).Get("version")
	if pin == "" || strings.TrimPrefix(pin, "v") == platform.Version {
		return nil
	}
	return fmt.Errorf("stack %s pins Plinth %s (%s:version) but this is Plinth %s; deploy it from the %s release, or move the pin after reading docs/upgrading: pulumi config set %s:version %s -s %s",
		ctx.Stack(), pin, ConfigNamespace, platform.Version, pin, ConfigNamespace, platform.Version, ctx.Stack())
}

func environmentFromConfig(ctx *pulumi.Context) (environment.Environment, error) {
	doc := config.New(ctx, ConfigNamespace).Get("environment")
	if doc == "" {
		return Lookup(ctx.Stack())
	}
	// Pulumi hands a structured value over as JSON, which is YAML.
	env, err := environment.Load([]byte(doc))
	if err != nil {
		return env, fmt.Errorf("%s:environment:\n%w", ConfigNamespace, err)
	}
	if env.Name != ctx.Stack() {
		return env, fmt.Errorf("%s:environment: name %q differs from the stack %q; name the environment after its stack", ConfigNamespace, env.Name, ctx.Stack())
	}
	return env, nil
}

// Program returns the Pulumi program of env at the given coordinates. It
// validates the environment, with the DNS zone of the coordinates, before
// it registers anything (the backend's provider included), then creates
// the platform (environment.New) and exports its outputs.
func Program(env environment.Environment, coords Coordinates) pulumi.RunFunc {
	env = atCoordinates(env, coords)
	return func(ctx *pulumi.Context) error {
		if err := env.Validate(); err != nil {
			return fmt.Errorf("environment %s is invalid:\n%w", env.Name, err)
		}
		backend, err := newBackend(ctx, env, coords)
		if err != nil {
			return err
		}
		p, err := environment.New(ctx, env, backend)
		if err != nil {
			return err
		}
		// Which release runs where (plinth rollout reports it), and what
		// application stacks read through platformref.
		for name, v := range p.Outputs() {
			ctx.Export(name, v)
		}
		return nil
	}
}

// atCoordinates returns env with what it takes from the coordinates: the
// DNS zone cert-manager solves DNS01 challenges in.
func atCoordinates(env environment.Environment, coords Coordinates) environment.Environment {
	env.CertManager.DNSZone = &certmanager.DNSZone{Name: coords.DNSZoneName, ID: pulumi.String(coords.DNSZoneID)}
	return env
}

// newBackend returns the backend of env's cloud at coords.
func newBackend(ctx *pulumi.Context, env environment.Environment, coords Coordinates) (environment.Backend, error) {
	switch env.Cloud {
	case platform.CloudAzure:
		return aks.New(ctx, env.Name, coords.Azure)
	case platform.CloudGCP:
		return gke.New(ctx, env.Name, coords.GCP)
	}
	return nil, fmt.Errorf("environment %s: cloud %q has no backend; use %q or %q", env.Name, env.Cloud, platform.CloudAzure, platform.CloudGCP)
}

// TagsProperty answers, for a resource type of either cloud, which input
// carries its tags or labels, from the backend that registers it
// (aks.TagsProperty, gke.TagsProperty); known is false for a type neither
// registers.
func TagsProperty(typeToken string) (property string, known bool) {
	switch pkg, _, _ := strings.Cut(typeToken, ":"); pkg {
	case "azure-native", "azuread":
		return aks.TagsProperty(typeToken)
	case "gcp":
		return gke.TagsProperty(typeToken)
	}
	return "", false
}

// Render draws env offline, under mocks, at the placeholder coordinates.
// An invalid environment is returned as its validation problems (a
// *field.ErrorList, one per line, field path first) without running the
// program.
func Render(env environment.Environment) (*snapshot.Snapshot, error) {
	coords := PlaceholdersFor(env)
	if err := atCoordinates(env, coords).Validate(); err != nil {
		return nil, err
	}
	return mockcloud.Render(env.Name, Program(env, coords))
}

// SnapshotPath is where the golden snapshot of a stack lives, relative to
// the repository root.
func SnapshotPath(stack string) string { return "stacks/snapshots/" + stack + ".json" }

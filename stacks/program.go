package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
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

// PlaceholdersFor returns the coordinates of env's offline render:
// obviously fake, stable, and valid for validation.
func PlaceholdersFor(env Environment) Coordinates {
	c := Coordinates{
		Azure: aks.Config{
			SubscriptionID: "00000000-0000-0000-0000-000000000000",
			TenantID:       "00000000-0000-0000-0000-000000000001",
			Location:       "westeurope",
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

// ConfigNamespace is the Pulumi configuration namespace of the coordinates:
// plinth:azureSubscriptionId, plinth:azureTenantId, plinth:azureLocation,
// plinth:gcpProject, plinth:gcpRegion, plinth:gcpCustomerId,
// plinth:gcpGroupDomain, plinth:dnsZoneName, plinth:dnsZoneId.
const ConfigNamespace = "plinth"

// CoordinatesFromConfig reads the coordinates env needs from the stack's
// Pulumi configuration and fails, naming every missing key and how to set
// it, when any is absent.
func CoordinatesFromConfig(ctx *pulumi.Context, env Environment) (Coordinates, error) {
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
		c.Azure = aks.Config{SubscriptionID: get("azureSubscriptionId"), TenantID: get("azureTenantId"), Location: get("azureLocation")}
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

// Program returns the Pulumi program of env at the given coordinates.
func Program(env Environment, coords Coordinates) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		backend, err := newBackend(ctx, env, coords)
		if err != nil {
			return err
		}
		args := env.Network
		args.Backend = backend
		args.Tags = platform.Tags(env.Tags()).Merge(args.Tags)
		// Production networks are protected: a destroy or a replacing change
		// stops at the engine instead of taking the platform down. Children
		// inherit protect from the component.
		protect := pulumi.Protect(env.Class == ClassProd)
		n, err := network.New(ctx, env.Name, &args, protect)
		if err != nil {
			return err
		}
		cargs := env.Cluster
		cargs.Backend, cargs.Network, cargs.Production = backend, n, env.Class == ClassProd
		c, err := cluster.New(ctx, env.Name, &cargs, protect)
		if err != nil {
			return err
		}
		if err := clusterServices(ctx, env, coords, backend, c); err != nil {
			return err
		}
		ctx.Export("networkId", n.ID)
		ctx.Export("egressIps", n.EgressIPs)
		ctx.Export("clusterName", c.Name)
		ctx.Export("clusterEndpoint", c.Endpoint)
		ctx.Export("oidcIssuerUrl", c.OIDCIssuerURL)
		ctx.Export("kubeconfig", c.Kubeconfig)
		return nil
	}
}

// clusterServices installs the ingress controller, cert-manager, backups
// and the teams' access onto the environment's cluster. They are not protected: they hold
// no state of their own (the backup storage is locked by the Backup
// component in production).
func clusterServices(ctx *pulumi.Context, env Environment, coords Coordinates, b backend, c *cluster.Cluster) error {
	prod := env.Class == ClassProd
	tags := platform.Tags(env.Tags())

	iargs := env.Ingress
	iargs.Backend, iargs.Cluster, iargs.Production = b, c, prod
	iargs.Tags = tags.Merge(iargs.Tags)
	ing, err := ingress.New(ctx, env.Name, &iargs)
	if err != nil {
		return err
	}

	cargs := env.CertManager
	cargs.Backend, cargs.Cluster, cargs.Production = b, c, prod
	cargs.DNSZone = &certmanager.DNSZone{Name: coords.DNSZoneName, ID: pulumi.String(coords.DNSZoneID)}
	cargs.Tags = tags.Merge(cargs.Tags)
	if _, err := certmanager.New(ctx, env.Name, &cargs); err != nil {
		return err
	}

	bargs := env.Backup
	bargs.Backend, bargs.Cluster, bargs.Production = b, c, prod
	bargs.Tags = tags.Merge(bargs.Tags)
	bk, err := backup.New(ctx, env.Name, &bargs)
	if err != nil {
		return err
	}

	// The access components label namespaces with environment, team,
	// cost center and managed-by themselves (environment and cost center
	// from the cluster's tags); only the class is added here.
	class := map[string]string{"class": string(env.Class)}
	aargs := env.Access
	aargs.Backend, aargs.Cluster = b, c
	aargs.Tags = platform.Tags(class).Merge(aargs.Tags)
	catalog, err := accesspackage.NewCatalog(ctx, env.Name, &aargs)
	if err != nil {
		return err
	}
	for _, team := range env.Teams {
		targs := team
		targs.Catalog = catalog
		targs.Tags = platform.Tags(class).Merge(targs.Tags)
		if _, err := accesspackage.New(ctx, env.Name+"-"+team.Team, &targs); err != nil {
			return err
		}
	}

	ctx.Export("ingressClassName", ing.IngressClassName)
	ctx.Export("ingressAddress", ing.Address)
	ctx.Export("backupBucket", bk.Bucket)
	return nil
}

// backend is what an environment needs from a cloud backend.
type backend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.WorkloadIdentityBackend
	platform.LoadBalancerBackend
	platform.BackupStorageBackend
	platform.AccessBackend
}

func newBackend(ctx *pulumi.Context, env Environment, coords Coordinates) (backend, error) {
	switch env.Cloud {
	case platform.CloudAzure:
		return aks.New(ctx, env.Name, coords.Azure)
	case platform.CloudGCP:
		return gke.New(ctx, env.Name, coords.GCP)
	}
	return nil, fmt.Errorf("environment %s: cloud %q has no backend; use %q or %q", env.Name, env.Cloud, platform.CloudAzure, platform.CloudGCP)
}

// Render draws env offline, under mocks, at the placeholder coordinates.
func Render(env Environment) (*snapshot.Snapshot, error) {
	return mockcloud.Render(env.Name, Program(env, PlaceholdersFor(env)))
}

// SnapshotPath is where the golden snapshot of a stack lives, relative to
// the repository root.
func SnapshotPath(stack string) string { return "stacks/snapshots/" + stack + ".json" }

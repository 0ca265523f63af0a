package environment

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/edge"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/components/registry"
	"github.com/plinth-dev/plinth/components/secrets"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platformref"
)

// TypeToken is the Pulumi type of the Platform component. It is part of
// every resource's URN: changing it would replace the whole platform.
const TypeToken = "plinth:environment:Platform"

// Platform is the component resource of a whole environment: every other
// component is its child. Its fields are set once New returns.
type Platform struct {
	pulumi.ResourceState

	// Environment is the environment as validated.
	Environment Environment
	// Provider is the cloud provider the platform deploys through, for
	// resources a team adds beside it (project.Project.Extend): pass
	// pulumi.Provider(p.Provider). Nil when the backend has no single
	// provider (platform.ProviderBackend). Kubernetes objects take
	// Cluster.Provider.
	Provider pulumi.ProviderResource

	Network     *network.Network
	Cluster     *cluster.Cluster
	Ingress     *ingress.Ingress
	CertManager *certmanager.CertManager
	// Backup is nil when the environment has no backups.
	Backup *backup.Backup
	// Observability watches the platform.
	Observability *observability.Observability
	// PowerSchedule is nil when the environment has none.
	PowerSchedule *powerschedule.PowerSchedule
	Catalog       *accesspackage.Catalog
	// Teams holds each team's access package, in Environment.Teams order.
	Teams []*accesspackage.AccessPackage
	// Secrets is nil when the environment has no secret store.
	Secrets *secrets.Secrets
	// Registry is nil when the environment has no registry.
	Registry *registry.Registry
	// DNS is nil when the environment has no DNS component; Edge when it
	// has no edge.
	DNS  *dns.DNS
	Edge *edge.Edge
	// Mesh is the service mesh; nil when the environment has none.
	Mesh *mesh.Mesh
	// Guardrails holds the baseline workload rules; nil when the
	// environment has none.
	Guardrails *guardrails.Guardrails
}

// New creates the platform of env on backend: it resolves env (Resolve)
// in the backend's region (platform.RegionalBackend; unknown otherwise)
// and builds it (Build).
//
// backend must deploy to env.Cloud: aks.New for platform.CloudAzure,
// gke.New for platform.CloudGCP (or the fake backend in tests).
func New(ctx *pulumi.Context, env Environment, backend Backend, opts ...pulumi.ResourceOption) (*Platform, error) {
	region := ""
	if rb, ok := backend.(platform.RegionalBackend); ok {
		region = rb.Region()
	}
	r, err := env.Resolve(region)
	if err != nil {
		return nil, err
	}
	return Build(ctx, r, backend, opts...)
}

// Build checks the stack's pins in its configuration (CheckStackPins:
// plinth:version must be this release, plinth:class the environment's
// class, and plinth:environment, which earlier releases read, must be
// unset), then creates the resolved environment r on backend as one
// Platform component named after the environment: Network, then Cluster,
// then on the cluster Ingress, CertManager, Backup, the PowerSchedule, the
// access catalog and each team's access package, each from its resolved
// settings, without validating again. Every resource carries the
// environment's tags; with Protect the network and cluster are protected,
// with Lock the Azure resource group is locked, and production components
// refuse their unsafe opt-outs (checked by Resolve).
func Build(ctx *pulumi.Context, r *Resolved, backend Backend, opts ...pulumi.ResourceOption) (*Platform, error) {
	if r == nil {
		return nil, errors.New("environment: not resolved; pass what Environment.Resolve returns")
	}
	env := r.env
	if err := CheckStackPins(ctx, env); err != nil {
		return nil, err
	}
	if backend == nil {
		return nil, fmt.Errorf("environment %s: no backend; pass aks.New(...) or gke.New(...)", env.Name)
	}
	if got := backend.Cloud(); got != env.Cloud && !standIn(got) {
		return nil, fmt.Errorf("environment %s: cloud is %q but the backend deploys to %q; pass the backend of %q", env.Name, env.Cloud, got, env.Cloud)
	}
	if rb, ok := backend.(platform.RegionalBackend); ok && r.target.Region != "" && rb.Region() != r.target.Region {
		return nil, fmt.Errorf("environment %s: resolved for region %q but the backend deploys to %q; resolve it for the backend's region", env.Name, r.target.Region, rb.Region())
	}
	p := &Platform{Environment: env}
	if pb, ok := backend.(platform.ProviderBackend); ok {
		p.Provider = pb.Provider()
	}
	if err := ctx.RegisterComponentResource(TypeToken, env.Name, p, opts...); err != nil {
		return nil, err
	}
	if err := p.compose(ctx, r, backend); err != nil {
		return nil, err
	}
	outputs := pulumi.Map{
		platformref.OutputNetworkID:        p.Network.ID,
		platformref.OutputClusterName:      p.Cluster.Name,
		platformref.OutputClusterEndpoint:  p.Cluster.Endpoint,
		platformref.OutputOIDCIssuerURL:    p.Cluster.OIDCIssuerURL,
		platformref.OutputIngressClassName: p.Ingress.IngressClassName,
		platformref.OutputIngressAddress:   p.Ingress.Address,
	}
	if p.Backup != nil {
		outputs[platformref.OutputBackupBucket] = p.Backup.Bucket
	}
	return p, ctx.RegisterResourceOutputs(p, outputs)
}

// Outputs are what a platform stack exports, under the names of the
// platformref package, for stacks that reference it (platformref.Read):
// the release, the environment, the cluster and its kubeconfig (a
// secret), the ingress, the certificate issuer and each team's
// namespaces.
func (p *Platform) Outputs() pulumi.Map {
	teams := pulumi.StringArrayMap{}
	for _, t := range p.Teams {
		teams[t.Spec.Team] = t.Namespaces
	}
	out := pulumi.Map{
		platformref.OutputPlinthVersion:     pulumi.String(platform.Version),
		platformref.OutputEnvironment:       pulumi.String(p.Environment.Name),
		platformref.OutputEnvironmentClass:  pulumi.String(string(p.Environment.Class)),
		platformref.OutputCloud:             pulumi.String(string(p.Environment.Cloud)),
		platformref.OutputNetworkID:         p.Network.ID,
		platformref.OutputEgressIPs:         p.Network.EgressIPs,
		platformref.OutputClusterName:       p.Cluster.Name,
		platformref.OutputClusterEndpoint:   p.Cluster.Endpoint,
		platformref.OutputOIDCIssuerURL:     p.Cluster.OIDCIssuerURL,
		platformref.OutputKubeconfig:        p.Cluster.Kubeconfig,
		platformref.OutputIngressClassName:  p.Ingress.IngressClassName,
		platformref.OutputIngressAddress:    p.Ingress.Address,
		platformref.OutputCertificateIssuer: p.CertManager.ProductionIssuer,
		platformref.OutputTeamNamespaces:    teams,
	}
	if p.Backup != nil {
		out[platformref.OutputBackupBucket] = p.Backup.Bucket
	}
	if p.Registry != nil {
		out[platformref.OutputRegistry] = p.Registry.Prefix
	}
	if p.DNS != nil {
		out[platformref.OutputDNSZone] = pulumi.Map{
			platformref.DNSZoneName:    pulumi.String(p.DNS.Domain),
			platformref.DNSZoneID:      p.DNS.ZoneID,
			platformref.DNSNameServers: p.DNS.NameServers,
			platformref.DNSDSRecords:   p.DNS.DSRecords,
			platformref.DNSPrivateZone: pulumi.String(p.DNS.PrivateDomain),
		}
	}
	if p.Edge != nil {
		out[platformref.OutputEdgeEndpoint] = p.Edge.Endpoint
	}
	if p.Secrets != nil {
		secrets := pulumi.Map{}
		for team, s := range p.Secrets.Teams {
			secrets[team] = pulumi.Map{
				platformref.SecretsStore:          s.Store,
				platformref.SecretsURI:            s.URI,
				platformref.SecretsPrefix:         pulumi.String(s.Prefix),
				platformref.SecretsNamespace:      pulumi.String(s.Namespace),
				platformref.SecretsServiceAccount: pulumi.String(s.ServiceAccount),
				platformref.SecretsClientID:       s.Identity.ClientID,
				platformref.SecretsTenantID:       pulumi.String(s.TenantID),
			}
		}
		out[platformref.OutputTeamSecrets] = secrets
	}
	return out
}

package environment

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
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
	// PowerSchedule is nil when the environment has none.
	PowerSchedule *powerschedule.PowerSchedule
	Catalog       *accesspackage.Catalog
	// Teams holds each team's access package, in Environment.Teams order.
	Teams []*accesspackage.AccessPackage
}

// New validates env (Validate) and checks the stack's pins in its
// configuration: plinth:version must be this release (platform.Version),
// plinth:class the environment's class, and plinth:environment, which
// earlier releases read, must be unset. Only then does it create the
// platform on backend as one Platform component named env.Name: Network,
// then Cluster, then on the cluster Ingress, CertManager, Backup, the
// PowerSchedule, the access catalog and each team's access package. Every
// resource carries the environment's tags; with Protect the network and
// cluster are protected, with Lock the Azure resource group is locked, and
// production passes Production to every component.
//
// backend must deploy to env.Cloud: aks.New for platform.CloudAzure,
// gke.New for platform.CloudGCP.
func New(ctx *pulumi.Context, env Environment, backend Backend, opts ...pulumi.ResourceOption) (*Platform, error) {
	if err := env.Validate(); err != nil {
		return nil, err
	}
	if err := CheckStackPins(ctx, env); err != nil {
		return nil, err
	}
	if backend == nil {
		return nil, fmt.Errorf("environment %s: no backend; pass aks.New(...) or gke.New(...)", env.Name)
	}
	if got := backend.Cloud(); got != env.Cloud && got != platform.CloudFake {
		return nil, fmt.Errorf("environment %s: cloud is %q but the backend deploys to %q; pass the backend of %q", env.Name, env.Cloud, got, env.Cloud)
	}
	p := &Platform{Environment: env}
	if pb, ok := backend.(platform.ProviderBackend); ok {
		p.Provider = pb.Provider()
	}
	if err := ctx.RegisterComponentResource(TypeToken, env.Name, p, opts...); err != nil {
		return nil, err
	}
	if err := p.compose(ctx, backend); err != nil {
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
	return out
}

// compose creates the components in dependency order, each a child of p.
func (p *Platform) compose(ctx *pulumi.Context, b Backend) error {
	env, name := p.Environment, p.Environment.Name
	parent := pulumi.Parent(p)
	// Stateful resources: a destroy or a replacing change stops at the
	// engine. Children inherit protect from their component.
	protect := pulumi.Protect(env.Protect)
	var err error

	w := env.withWiring(b, nil, nil)
	if p.Network, err = network.New(ctx, name, &w.Network, parent, protect); err != nil {
		return err
	}
	w = env.withWiring(b, p.Network, nil)
	if p.Cluster, err = cluster.New(ctx, name, &w.Cluster, parent, protect); err != nil {
		return err
	}
	w = env.withWiring(b, p.Network, p.Cluster)
	if p.Ingress, err = ingress.New(ctx, name, &w.Ingress, parent); err != nil {
		return err
	}
	if p.CertManager, err = certmanager.New(ctx, name, &w.CertManager, parent); err != nil {
		return err
	}
	if w.Backup != nil {
		if p.Backup, err = backup.New(ctx, name, w.Backup, parent); err != nil {
			return err
		}
	}
	if w.PowerSchedule != nil {
		if p.PowerSchedule, err = powerschedule.New(ctx, name, w.PowerSchedule, parent); err != nil {
			return err
		}
	}
	if p.Catalog, err = accesspackage.NewCatalog(ctx, name, &w.Access, parent); err != nil {
		return err
	}
	for _, t := range w.Teams {
		t.Catalog = p.Catalog
		pkg, err := accesspackage.New(ctx, env.TeamPackageName(t.Team), &t, parent)
		if err != nil {
			return err
		}
		p.Teams = append(p.Teams, pkg)
	}
	return nil
}

// withWiring returns a copy of e whose component arguments carry what the
// environment decides: the backend, the network and cluster they build on
// (nil until created), the production flag, the lock, and the
// environment's tags over the component's own. Validate and New share it,
// so that validation sees exactly the arguments New passes.
func (e Environment) withWiring(b Backend, n *network.Network, c *cluster.Cluster) Environment {
	base, prod := e.BaseTags(), e.Production()
	tags := func(own map[string]string) map[string]string { return platform.Tags(own).Merge(base) }

	w := e
	w.Network.Backend, w.Network.Locked = b, e.Lock
	w.Network.Tags = tags(e.Network.Tags)

	w.Cluster.Backend, w.Cluster.Network, w.Cluster.Production = b, n, prod
	w.Cluster.Tags = tags(e.Cluster.Tags)

	w.Ingress.Backend, w.Ingress.Cluster, w.Ingress.Production = b, c, prod
	w.Ingress.Tags = tags(e.Ingress.Tags)

	w.CertManager.Backend, w.CertManager.Cluster, w.CertManager.Production = b, c, prod
	w.CertManager.Tags = tags(e.CertManager.Tags)

	if e.Backup != nil {
		bk := *e.Backup
		bk.Backend, bk.Cluster, bk.Production = b, c, prod
		bk.Tags = tags(e.Backup.Tags)
		w.Backup = &bk
	}
	if e.PowerSchedule != nil {
		ps := *e.PowerSchedule
		ps.Backend, ps.Cluster, ps.Production = b, c, prod
		ps.Tags = tags(e.PowerSchedule.Tags)
		w.PowerSchedule = &ps
	}

	// The catalog and the teams take the cluster's tags, which carry the
	// environment's; a team's resources are owned by the team.
	w.Access.Backend, w.Access.Cluster = b, c
	w.Access.Environment, w.Access.CostCenter = e.Name, e.CostCenter
	if ns := e.Ingress.Namespace; ns != "" {
		w.Access.ReservedNamespaces = reserve(e.Access.ReservedNamespaces, ns)
	}
	w.Teams = make([]accesspackage.Args, len(e.Teams))
	for i, t := range e.Teams {
		t.Tags = platform.Tags(t.Tags).Merge(map[string]string{platform.TagOwner: t.Team})
		w.Teams[i] = t
	}
	return w
}

package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Cluster component.
const TypeToken = "plinth:components:Cluster"

// Args are a Cluster's settings: plain data, the same in Go and YAML.
// Every field has a default, documented on the field. A production target
// (platform.Target.Production) refuses the unsafe opt-outs: fewer than
// three zones in any pool, a public API server without authorized ranges,
// the free tier, AllowDeletion, SecretsEncryption.Disabled, and the cloud
// options' opt-outs.
type Args struct {
	// KubernetesVersion is the minor version, e.g. "1.33"; patches follow
	// the upgrade channel. Unset: DefaultKubernetesVersion.
	KubernetesVersion string

	// SystemPool runs the cluster's add-ons; it is tainted
	// CriticalAddonsOnly=true:NoSchedule. Unset fields: name
	// DefaultSystemPoolName, DefaultSystemMinCount..DefaultSystemMaxCount
	// nodes, and the pool defaults below.
	SystemPool NodePool

	// UserPools run workloads; each is a separate cloud resource. Unset:
	// none (workloads then have nowhere to run but tolerating pods).
	UserPools []NodePool

	// APIServer says who can reach the Kubernetes API. Unset: private.
	APIServer APIServer

	// Upgrades sets the channel and the maintenance window. Unset:
	// DefaultChannel and DefaultWindow.
	Upgrades Upgrades

	// Tier is the control plane's availability tier. Unset: DefaultTier
	// (standard, with an uptime SLA). platform.TierFree is the opt-out.
	Tier platform.Tier

	// Monitoring configures managed metrics and logs. Unset: on.
	Monitoring Monitoring

	// AllowDeletion turns the cloud's deletion protection off. Unset:
	// protected. Not allowed with Production.
	AllowDeletion bool

	// SecretsEncryption encrypts Kubernetes Secrets in etcd with a key of
	// the cloud's key management service that the cluster gets for itself
	// (AKS: KMS etcd encryption with a key in a Key Vault; GKE:
	// application-layer secrets encryption with a Cloud KMS key), rotated
	// every KeyRotationDays. Unset: on, rotated every
	// DefaultKeyRotationDays. Disabled is the opt-out, not allowed with
	// Production.
	SecretsEncryption SecretsEncryption

	// AdminGroups get cluster admin through the cloud's RBAC: Entra group
	// object IDs on AKS; on GKE one Google group, gke-security-groups@<your
	// domain>, whose member groups RoleBindings can name. Unset: none; use
	// the access packages for people.
	AdminGroups []string

	// AKS holds settings that exist on AKS only. Set it only for AKS
	// (platform.CloudFacts.ClusterOptions "aks"); elsewhere it is an error.
	AKS AKSOptions

	// GKE holds settings that exist on GKE only. Set it only for GKE
	// (platform.CloudFacts.ClusterOptions "gke"); elsewhere it is an error.
	GKE GKEOptions

	// Tags go on every cloud resource that accepts tags or labels.
	Tags map[string]string
}

// AKSOptions are AKS-only settings.
type AKSOptions struct {
	// ImageCleanerIntervalHours is how often Image Cleaner removes unused,
	// vulnerable images from nodes, 24 to 2160. Unset:
	// DefaultImageCleanerIntervalHours.
	ImageCleanerIntervalHours int
	// SecretRotationInterval is how often the Key Vault secrets provider
	// re-reads mounted secrets, a Go duration of at least "1m".
	// Unset: DefaultSecretRotationInterval.
	SecretRotationInterval string
	// DisableAzurePolicy turns the Azure Policy add-on off. Unset: on. Not
	// allowed with Production.
	DisableAzurePolicy bool
	// DisableDefender turns Microsoft Defender for Containers off in the
	// cluster's security profile. Unset: on; its sensor reports runtime
	// threats and image vulnerabilities to the cluster's Log Analytics
	// workspace, so it needs Monitoring. The development profile sets it
	// (the sensor is billed per vCPU); not allowed with Production. The
	// subscription's Defender for Containers plan is the subscription
	// owner's to switch on.
	DisableDefender bool
}

// GKEOptions are GKE-only settings.
type GKEOptions struct {
	// DisableBinaryAuthorization stops enforcing the project's Binary
	// Authorization policy. Unset: enforced. Not allowed with Production.
	DisableBinaryAuthorization bool
	// EnterprisePosture uses the Enterprise tier of the security posture
	// dashboard (billed per vCPU). Unset: the Basic tier.
	EnterprisePosture bool
	// BackupAgent turns on the Backup for GKE agent, which a Backup
	// component with GKE.BackupForGKE needs. Unset: off.
	BackupAgent bool
}

// SecretsEncryption says how Kubernetes Secrets are encrypted at rest.
type SecretsEncryption struct {
	// Disabled leaves Secrets under the cloud's own disk encryption only,
	// with no key of the cluster's. Unset: encrypted. Not allowed with
	// Production (check's PLN014 refuses it likewise). Development
	// profiles set it: the key's container outlives a destroyed stack
	// (docs/components/cluster.md#secrets-encryption).
	Disabled bool
	// KeyRotationDays is how often the cloud makes a new version of the
	// key, 7 to 730 days. Unset: DefaultKeyRotationDays.
	KeyRotationDays int
}

// NodePool is one node pool.
type NodePool struct {
	// Name is the pool's cloud name: 1-12 lowercase letters and digits
	// (the AKS limit). It is the pool's identity: renaming replaces the pool.
	Name string
	// MachineType is the cloud's VM size. Unset: the cloud's
	// platform.CloudFacts.MachineType.
	MachineType string
	// MinCount and MaxCount bound the autoscaler, counted over all zones.
	// Unset (both zero): the system or user pool defaults.
	MinCount, MaxCount int
	// Zones the pool spreads over ("1".."3" on Azure, "a".."f" on GCP).
	// Unset: the default zones of the target's region
	// (platform.Zones.In).
	Zones []string
	// Labels and Taints go on every node of the pool.
	Labels map[string]string
	Taints []platform.Taint
	// Spot runs the pool on evictable capacity; not allowed for the system
	// pool.
	Spot bool
	// DiskSizeGB is the OS disk size, 30 to 2048. Unset: DefaultDiskSizeGB.
	DiskSizeGB int
	// MaxSurge is the extra capacity an upgrade adds, a count ("1") or a
	// percentage ("33%"). Unset: DefaultMaxSurge.
	MaxSurge string
}

// APIServer says who can reach the Kubernetes API.
type APIServer struct {
	// Public exposes the API server on a public endpoint. Unset: private,
	// reachable only from the network and what is peered with it.
	Public bool
	// AuthorizedCIDRs may reach a public API server; required for
	// production clusters with a public API server.
	AuthorizedCIDRs []string
}

// Upgrades sets how the cluster follows Kubernetes releases.
type Upgrades struct {
	// Channel is the upgrade channel. Unset: DefaultChannel.
	Channel platform.UpgradeChannel
	// Window is the weekly maintenance window. Unset: DefaultWindow.
	Window *platform.MaintenanceWindow
}

// Monitoring configures managed metrics and logs.
type Monitoring struct {
	// Disabled turns managed monitoring off. Unset: on.
	Disabled bool
	// LogRetentionDays is how long logs are kept where the backend owns the
	// store (Azure Log Analytics), 30 to 730. Unset: DefaultLogRetentionDays.
	LogRetentionDays int
}

// Cluster is the component resource. Its fields are set once New returns.
// It is the Host of the cluster services.
type Cluster struct {
	pulumi.ResourceState

	// Spec is the resolved cluster: Args with every default applied.
	Spec platform.ClusterSpec
	// Outputs are the backend's outputs, for capabilities that need the
	// cluster (workload identity).
	Outputs *platform.ClusterOutputs

	// Name, ID, Endpoint and OIDCIssuerURL identify the cluster.
	Name          pulumi.StringOutput `pulumi:"name"`
	ID            pulumi.StringOutput `pulumi:"id"`
	Endpoint      pulumi.StringOutput `pulumi:"endpoint"`
	OIDCIssuerURL pulumi.StringOutput `pulumi:"oidcIssuerUrl"`
	// Kubeconfig is exec-based and always a secret.
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// Provider deploys into the cluster; every cluster service uses it.
	Provider *kubernetes.Provider
}

// Host is the cluster a cluster service runs on, as the service needs it
// when it is created: its spec with the network's outputs (for load
// balancers), the backend's outputs (for workload identities and
// schedules) and the Kubernetes provider. *Cluster is one.
type Host interface {
	// ClusterSpec returns the spec the backend created the cluster from.
	ClusterSpec() platform.ClusterSpec
	// ClusterOutputs returns the backend's outputs of the cluster.
	ClusterOutputs() *platform.ClusterOutputs
	// KubernetesProvider returns the provider that deploys into the
	// cluster.
	KubernetesProvider() *kubernetes.Provider
}

// ClusterSpec returns c.Spec.
func (c *Cluster) ClusterSpec() platform.ClusterSpec { return c.Spec }

// ClusterOutputs returns c.Outputs.
func (c *Cluster) ClusterOutputs() *platform.ClusterOutputs { return c.Outputs }

// KubernetesProvider returns c.Provider.
func (c *Cluster) KubernetesProvider() *kubernetes.Provider { return c.Provider }

// CheckHost returns an error naming the component when h cannot host a
// service: nil, or a cluster without outputs or provider.
func CheckHost(component, name string, h Host) error {
	if h == nil || reflect.ValueOf(h).IsZero() || h.ClusterOutputs() == nil || h.KubernetesProvider() == nil {
		return fmt.Errorf("%s %q: no cluster; pass the *cluster.Cluster that cluster.New returned", component, name)
	}
	return nil
}

// Resolved is a cluster's settings, validated and completed against its
// target and network: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	spec       platform.ClusterSpec
	production bool
}

// Spec returns the spec the backend receives, without the network's
// outputs (New adds them).
func (r Resolved) Spec() platform.ClusterSpec { return r.spec }

// Resolve validates a against t and the resolved network the cluster
// lives in, applies the defaults and returns what New creates. Problems are
// reported under path, all at once. It is pure: it asks no backend and
// registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, net platform.NetworkSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	full := a.withDefaults(t)
	errs = append(errs, full.validate(path, t, net)...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	spec := full.spec(name, t.Cloud, net)
	// Production clusters stay in the cloud when they leave the stack.
	spec.Retain = t.Production
	return Resolved{spec: spec, production: t.Production}, nil
}

// New creates the cluster r describes through backend, in net (the
// network r was resolved against), then a Kubernetes provider for it.
func New(ctx *pulumi.Context, r Resolved, backend platform.ClusterBackend, net *network.Network, opts ...pulumi.ResourceOption) (*Cluster, error) {
	name := r.spec.Name
	switch {
	case name == "":
		return nil, errors.New("cluster: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("cluster %q: no backend; pass the backend the network was created with", name)
	case net == nil:
		return nil, fmt.Errorf("cluster %q: no network; pass the *network.Network the cluster lives in", name)
	case net.Spec.Name != r.spec.Network.Spec.Name:
		return nil, fmt.Errorf("cluster %q: resolved against network %q but given network %q; pass the network it was resolved against", name, r.spec.Network.Spec.Name, net.Spec.Name)
	}
	spec := r.spec
	spec.Network.Outputs = platform.NetworkOutputs{
		ID: net.ID, Name: net.Name, Subnets: net.Subnets, EgressIPs: net.EgressIPs,
		PodRangeName: net.PodRangeName, ServiceRangeName: net.ServiceRangeName,
	}
	c := &Cluster{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	out, err := backend.NewCluster(ctx, spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", name, err)
	}
	c.Outputs = out
	c.Name, c.ID, c.Endpoint, c.OIDCIssuerURL = out.Name, out.ID, out.Endpoint, out.OIDCIssuerURL
	c.Kubeconfig = pulumi.ToSecret(out.Kubeconfig).(pulumi.StringOutput)

	// The provider applies server-side, never deletes resources of a cluster
	// it cannot reach, and, outside production, skips updates while a
	// stopped development cluster is unreachable.
	c.Provider, err = kubernetes.NewProvider(ctx, platform.ChildName(name, "kubernetes"), &kubernetes.ProviderArgs{
		Kubeconfig:            c.Kubeconfig,
		EnableServerSideApply: pulumi.BoolPtr(true),
		DeleteUnreachable:     pulumi.BoolPtr(false),
		SkipUpdateUnreachable: pulumi.BoolPtr(!r.production),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	err = ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name":          c.Name,
		"id":            c.ID,
		"endpoint":      c.Endpoint,
		"oidcIssuerUrl": c.OIDCIssuerURL,
		"kubeconfig":    c.Kubeconfig,
	})
	return c, err
}

func (a Args) spec(name string, cloud platform.CloudFacts, net platform.NetworkSpec) platform.ClusterSpec {
	s := platform.ClusterSpec{
		Name:               name,
		KubernetesVersion:  a.KubernetesVersion,
		Network:            platform.ClusterNetwork{Spec: net},
		PrivateAPI:         !a.APIServer.Public,
		AuthorizedCIDRs:    slices.Clone(a.APIServer.AuthorizedCIDRs),
		Channel:            a.Upgrades.Channel,
		Window:             *a.Upgrades.Window,
		Tier:               a.Tier,
		Monitoring:         !a.Monitoring.Disabled,
		LogRetentionDays:   a.Monitoring.LogRetentionDays,
		DeletionProtection: !a.AllowDeletion,
		SecretsEncryption:  a.SecretsEncryption.spec(),
		AdminGroups:        slices.Clone(a.AdminGroups),
		Tags:               platform.Tags(nil).Merge(net.Tags, a.Tags),
	}
	switch cloud.ClusterOptions {
	case optionsAKS:
		s.AKS = platform.AKSClusterSpec{
			ImageCleanerIntervalHours: a.AKS.ImageCleanerIntervalHours,
			SecretRotationInterval:    a.AKS.SecretRotationInterval,
			AzurePolicy:               !a.AKS.DisableAzurePolicy,
			Defender:                  !a.AKS.DisableDefender,
		}
	case optionsGKE:
		s.GKE = platform.GKEClusterSpec{BinaryAuthorization: !a.GKE.DisableBinaryAuthorization, SecurityPosture: "BASIC", BackupAgent: a.GKE.BackupAgent}
		if a.GKE.EnterprisePosture {
			s.GKE.SecurityPosture = "ENTERPRISE"
		}
	}
	sys := a.SystemPool.spec()
	sys.System = true
	sys.Taints = append([]platform.Taint{systemTaint}, sys.Taints...)
	s.Pools = append(s.Pools, sys)
	for _, p := range a.UserPools {
		s.Pools = append(s.Pools, p.spec())
	}
	return s
}

// The option blocks a backend may read (platform.CloudFacts.ClusterOptions).
const (
	optionsAKS = "aks"
	optionsGKE = "gke"
)

// spec is the contract's form of e: nil when disabled.
func (e SecretsEncryption) spec() *platform.SecretsEncryptionSpec {
	if e.Disabled {
		return nil
	}
	return &platform.SecretsEncryptionSpec{KeyRotationDays: e.KeyRotationDays}
}

func (p NodePool) spec() platform.NodePoolSpec {
	return platform.NodePoolSpec{
		Name:        p.Name,
		MachineType: p.MachineType,
		MinCount:    p.MinCount,
		MaxCount:    p.MaxCount,
		Zones:       slices.Clone(p.Zones),
		Labels:      platform.Tags(nil).Merge(p.Labels),
		Taints:      slices.Clone(p.Taints),
		Spot:        p.Spot,
		DiskSizeGB:  p.DiskSizeGB,
		MaxSurge:    p.MaxSurge,
	}
}

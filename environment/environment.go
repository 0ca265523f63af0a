package environment

import (
	"fmt"

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
)

// Class is an environment's class. It picks the profile the environment
// starts from (Profile) and the rules it is validated against.
type Class string

// The environment classes.
const (
	// Dev is for development: cheap, one zone, stopped at night.
	Dev Class = "dev"
	// Staging mirrors production's shape at a smaller size, receives
	// upgrades first and is stopped at night.
	Staging Class = "staging"
	// Prod serves production: protected, locked, zone-redundant, private.
	Prod Class = "prod"
)

// Classes lists every class in rollout order.
var Classes = []Class{Dev, Staging, Prod}

// Environment is one platform on one cloud: one Pulumi stack. Start from
// Profile(class, cloud) and override fields; the YAML form (Load) has the
// same fields in lowerCamelCase and is overlaid on the same profile.
//
// The component arguments are the components' own Args. Their Backend,
// Network, Cluster, Catalog and Production fields are set by New from the
// environment and must be left unset.
type Environment struct {
	// Name is the stack name, e.g. "prod-aks": a logical name
	// (platform.ValidateName) that prefixes every resource. Required.
	Name string
	// Class is Dev, Staging or Prod. Required.
	Class Class
	// Cloud is platform.CloudAzure (AKS) or platform.CloudGCP (GKE).
	// Required.
	Cloud platform.Cloud

	// Owner is the team that runs the platform: the "owner" tag of every
	// platform resource (a team's access carries the team instead).
	// Unset: DefaultOwner.
	Owner string
	// CostCenter is the "cost-center" tag of every resource. Required.
	CostCenter string
	// Tags are extra tags on every resource; they may not replace the
	// tags the environment sets (platform.RequiredTags and "class").
	Tags map[string]string

	// Protect puts pulumi.Protect on the network and the cluster and
	// everything in them: a destroy or a replacing change stops at the
	// engine. Required in production; the staging profile sets it.
	// (Production backup storage is protected and locked by the Backup
	// component whatever Protect says.)
	Protect bool
	// Lock adds the cloud's own deletion lock: a CanNotDelete lock on the
	// Azure resource group of the network and cluster (GKE clusters keep
	// their deletion protection unless Cluster.AllowDeletion). Required in
	// production unless UnlockReason says why not.
	Lock bool
	// UnlockReason lifts a production environment's Lock for a deliberate
	// change the lock blocks (removing a node pool, a team's role
	// assignments, an identity): a change ticket or a sentence, reviewed
	// like any change. Only with Lock false in production.
	UnlockReason string

	// Network, Cluster, Ingress and CertManager configure the components
	// of the same names. The DNS zone of CertManager comes from the
	// stack's configuration, not from here.
	Network     network.Args
	Cluster     cluster.Args
	Ingress     ingress.Args
	CertManager certmanager.Args
	// Backup configures backups; nil means none, which production refuses.
	Backup *backup.Args
	// PowerSchedule stops the cluster outside working hours; nil means
	// never. Production refuses one.
	PowerSchedule *powerschedule.Args
	// Access configures the platform's access catalog and its break-glass
	// level.
	Access accesspackage.CatalogArgs
	// Observability watches the platform: the metrics store, the baseline
	// alerts and where they go. Production needs a receiver of critical
	// alerts.
	Observability observability.Args
	// Teams are the product teams, each with an access package named
	// "<name>-<team>" (at most 24 characters).
	Teams []accesspackage.Args
	// Secrets is the environment's secret store: per team a store (Azure:
	// a Key Vault; GCP: the project's Secret Manager, secrets named
	// "<team>-<name>") and a service account in the team's first namespace
	// that reads the team's secrets only; the team's admin level may
	// change them. nil means none.
	Secrets *secrets.Args
	// DNS is the environment's DNS: the public zone named by the stack's
	// configuration (plinth:dnsZoneName; created by the stack, or adopted
	// when plinth:dnsZoneId names an existing one), a private zone for
	// internal names, and external-dns writing the teams' records. Every
	// profile sets it. nil: the zone is adopted, and records are written
	// by hand.
	DNS *dns.Args
	// Edge is the public edge: the host names served from the internet,
	// through a web application firewall, to the internal ingress. It
	// needs DNS. nil: nothing is public (production refuses a public
	// ingress either way).
	Edge *edge.Args
	// Mesh is the optional service mesh (Linkerd): mutual TLS and
	// authorization by workload identity between the pods of the team
	// namespaces that join it (teams[].namespaces[].mesh), trust rooted in
	// cert-manager. Its control plane is highly available outside dev.
	// nil: no mesh.
	Mesh *mesh.Args
	// Registry is the environment's container registry, which the
	// cluster's nodes pull from and the configured CI identities push to;
	// the guardrails admit images from it. nil means none: production
	// then needs guardrails.allowedRegistries.
	Registry *registry.Args
	// Guardrails are the baseline workload rules of the team namespaces
	// (ValidatingAdmissionPolicies) and the cloud's controls over the same
	// rules: enforced in staging and production, audited in dev (the
	// profiles). With guardrails enforced, a team namespace that leaves
	// podSecurity unset enforces the restricted Pod Security Standard.
	// nil means none, which production refuses.
	Guardrails *guardrails.Args
}

// DefaultOwner is the "owner" tag of platform resources when Owner is unset.
const DefaultOwner = "platform"

// Production reports whether e serves production.
func (e Environment) Production() bool { return e.Class == Prod }

// owner returns Owner or DefaultOwner.
func (e Environment) owner() string {
	if e.Owner == "" {
		return DefaultOwner
	}
	return e.Owner
}

// BaseTags returns the tags the environment puts on every resource it
// owns: environment, owner, cost center, managed-by, the Plinth version and
// the class, over the environment's extra Tags.
func (e Environment) BaseTags() platform.Tags {
	return platform.Tags(e.Tags).Merge(map[string]string{
		platform.TagEnvironment:   e.Name,
		platform.TagOwner:         e.owner(),
		platform.TagCostCenter:    e.CostCenter,
		platform.TagManagedBy:     platform.ManagedBy,
		platform.TagPlinthVersion: platform.VersionLabel(platform.Version),
		tagClass:                  string(e.Class),
	})
}

// tagClass tags every resource with the environment's class.
const tagClass = "class"

// TeamPackageName is the logical name of team's access package in e.
func (e Environment) TeamPackageName(team string) string { return packageName(e.Name, team) }

func packageName(environment, team string) string { return fmt.Sprintf("%s-%s", environment, team) }

// Backend is what an environment needs from a cloud backend: aks.New and
// gke.New return one (fake.New in tests, which builds any cloud's resolved
// environment).
type Backend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.WorkloadIdentityBackend
	platform.LoadBalancerBackend
	platform.BackupStorageBackend
	platform.AccessBackend
	platform.PowerScheduleBackend
	platform.ObservabilityBackend
	platform.SecretsBackend
	platform.RegistryBackend
	platform.WorkloadPolicyBackend
	platform.DNSBackend
	platform.EdgeBackend
}

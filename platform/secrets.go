package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Secret store limits every backend holds a SecretStoreSpec to
// (SecretStoreSpec.Validate).
const (
	// MinSecretSoftDeleteDays is the shortest
	// SecretStoreSpec.SoftDeleteDays: Azure Key Vault's limit.
	MinSecretSoftDeleteDays = 7
	// MaxSecretSoftDeleteDays is the longest
	// SecretStoreSpec.SoftDeleteDays: Azure Key Vault's limit.
	MaxSecretSoftDeleteDays = 90
	// MaxSecretTeamName is the longest team name a secret store takes,
	// as an access package's team (components/accesspackage.ValidTeamName).
	MaxSecretTeamName = 30
)

// SecretStoreSpec describes an environment's secret store: where the
// teams keep their secrets, and, per team, the one workload identity that
// reads them. Pods get secrets through the Secrets Store CSI driver of the
// cloud's managed add-on (docs/adr/0006-secrets-to-pods.md).
type SecretStoreSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster the teams' workloads run in: their identities
	// are federated with its issuer or workload identity pool.
	Cluster *ClusterOutputs
	// Network is the cluster's network. A private store takes its private
	// endpoint in the subnet of role SubnetPrivateEndpoints (Azure) and a
	// DNS zone linked to Network.Outputs.ID.
	Network ClusterNetwork
	// Teams are the teams that keep secrets, each with its own secrets and
	// identity. Team names are unique.
	Teams []SecretTeamSpec
	// Private turns public network access off: the store is reached only
	// through its private endpoint (Azure Key Vault); on GCP, where Secret
	// Manager has no endpoint of its own, the nodes reach it through
	// Private Google Access. Staging and production stores are private.
	Private bool
	// SoftDeleteDays is how long a deleted secret (Azure: the vault and its
	// secrets) stays recoverable, MinSecretSoftDeleteDays..
	// MaxSecretSoftDeleteDays. Purge protection is always on where the
	// cloud has it. GCP Secret Manager keeps no deleted secret and delays a
	// version's destruction only as its secret's creator sets it: the GKE
	// backend cannot enforce this (platform/gke NewSecretStore).
	SoftDeleteDays int
	// Locked protects the stores and retains them on delete
	// (pulumi.Protect, pulumi.RetainOnDelete), with what they are reached
	// through: production stores hold secrets no stack can give back. On
	// GCP the store is the project's Secret Manager, which the stack does
	// not hold, so nothing is protected.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// SecretTeamSpec is one team of a SecretStoreSpec.
type SecretTeamSpec struct {
	// Team is the team's name, as its access package has it.
	Team string
	// Namespace and ServiceAccount name the Kubernetes service account
	// that reads the team's secrets, in one of the team's namespaces. The
	// component creates the service account; the backend binds it.
	Namespace, ServiceAccount string
	// Writers are directory groups that may create, change and delete the
	// team's secrets, and only those: Entra group object IDs on Azure,
	// Google group emails on GCP (the team's admin level's group).
	Writers []pulumi.StringInput
	// Tags go, merged over the store's, on the team's own resources that
	// take tags (its vault and identity): a team owns them (TeamTags).
	Tags Tags
}

// TeamTags returns the tags of team t's own resources: s.Tags with t.Tags
// over them.
func (s SecretStoreSpec) TeamTags(t SecretTeamSpec) Tags { return s.Tags.Merge(t.Tags) }

// TeamSecrets is what a team's workloads need to read its secrets.
type TeamSecrets struct {
	// Team is the team's name.
	Team string
	// Store names where the team's secrets are: the team's Key Vault name
	// on Azure, the project ID on GCP.
	Store pulumi.StringOutput
	// URI is the store's address: the vault URI on Azure
	// (https://<vault>.vault.azure.net/), "projects/<project>" on GCP.
	URI pulumi.StringOutput
	// Prefix starts the name of every secret of the team where the store
	// is shared (GCP: "<team>-"); "" where the store is the team's own.
	// Where it is shared, no team's name may start with another team's
	// prefix ("pay" and "pay-ments"): the backend refuses such a store.
	Prefix string
	// Namespace and ServiceAccount name the Kubernetes service account
	// that reads the secrets.
	Namespace, ServiceAccount string
	// TenantID is the Entra tenant of the store (Azure); "" on GCP.
	TenantID string
	// Identity is that service account's cloud identity.
	Identity *WorkloadIdentity
}

// SecretStoreOutputs is what a SecretsBackend returns.
type SecretStoreOutputs struct {
	// Teams are the teams' secrets, by team name.
	Teams map[string]TeamSecrets
}

// SecretsBackend creates an environment's secret store: on Azure a Key
// Vault per team (RBAC authorization, purge protection, soft delete; in a
// private store a private endpoint and public access off), on GCP Secret
// Manager of the environment's project with the teams' secrets named
// "<team>-<name>"; and per team a workload identity that reads the team's
// secrets only, and grants for its writers on the team's secrets only.
type SecretsBackend interface {
	Backend
	NewSecretStore(ctx *pulumi.Context, spec SecretStoreSpec, opts ...pulumi.ResourceOption) (*SecretStoreOutputs, error)
}

// Validate checks what every SecretsBackend needs of spec before it
// registers anything, and returns every problem at once under path
// (normally "secretStore"): the logical name, the cluster, SoftDeleteDays
// within MinSecretSoftDeleteDays..MaxSecretSoftDeleteDays, and each team:
// a name of 1-MaxSecretTeamName lowercase letters, digits and '-' starting
// with a letter and not ending with '-' (it becomes part of cloud names and
// of the team's secret names), unique in the store; a namespace and a
// service account that are Kubernetes names; no unset writer. Backends add
// their cloud's own checks.
func (s SecretStoreSpec) Validate(path field.Path) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if s.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster the teams' workloads run in: their identities trust its service account tokens"))
	}
	if d := s.SoftDeleteDays; d < MinSecretSoftDeleteDays || d > MaxSecretSoftDeleteDays {
		errs.Addf(path.Child("softDeleteDays"), d, "must be %d..%d: how long a deleted secret stays recoverable", MinSecretSoftDeleteDays, MaxSecretSoftDeleteDays)
	}
	seen := map[string]int{}
	for i, t := range s.Teams {
		tp := path.Child("teams").Index(i)
		switch {
		case t.Team == "":
			errs.Add(field.Required(tp.Child("team"), "the team's name, as its access package has it, e.g. \"payments\""))
		case len(t.Team) > MaxSecretTeamName || !logicalName.MatchString(t.Team):
			errs.Addf(tp.Child("team"), t.Team, "use 1-%d lowercase letters, digits and '-', starting with a letter and not ending with '-', as the team's access package does", MaxSecretTeamName)
		}
		if j, dup := seen[t.Team]; dup && t.Team != "" {
			errs.Addf(tp.Child("team"), t.Team, "repeats %s; a team has one set of secrets and one identity in a store", path.Child("teams").Index(j).Child("team"))
		} else {
			seen[t.Team] = i
		}
		if !format.DNSLabel(t.Namespace) {
			errs.Addf(tp.Child("namespace"), t.Namespace, "not a Kubernetes namespace name; give the team namespace its secrets reader runs in")
		}
		if !format.DNSLabel(t.ServiceAccount) {
			errs.Addf(tp.Child("serviceAccount"), t.ServiceAccount, "not a Kubernetes service account name; use 1-63 lowercase letters, digits and '-'")
		}
		for k, w := range t.Writers {
			if w == nil {
				errs.Add(field.Required(tp.Child("writers").Index(k), "the writer group's ID (Azure: Entra object ID; GCP: group email); remove the entry if the team has no such group"))
			}
		}
	}
	return errs
}

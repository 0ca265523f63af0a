package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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
	// secrets) stays recoverable, 7..90. Purge protection is always on
	// where the cloud has it.
	SoftDeleteDays int
	// Locked protects the stores and retains them on delete
	// (pulumi.Protect, pulumi.RetainOnDelete): production stores hold
	// secrets no stack can give back.
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
}

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
	Prefix string
	// Namespace and ServiceAccount name the Kubernetes service account
	// that reads the secrets.
	Namespace, ServiceAccount string
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

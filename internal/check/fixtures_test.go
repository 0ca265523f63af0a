package check

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// fixtures break the committed snapshots one setting at a time; each lists
// every finding Run must then return.
var fixtures = []fixture{
	{
		name: "PLN001 public AKS API server", stack: "prod-aks",
		want: []string{
			"PLN001 error prod-aks-aks | ManagedCluster prod-aks-aks: apiServerAccessProfile.enablePrivateCluster false: the API server is public and authorizedIPRanges is empty, so every address can reach it; set enablePrivateCluster true, or list the networks of operators and CI in authorizedIPRanges",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			c := find(t, s, "prod-aks-aks")
			set(t, c, "apiServerAccessProfile.enablePrivateCluster", false)
			set(t, c, "apiServerAccessProfile.authorizedIPRanges", []any{})
		},
	},
	{
		name: "PLN001 AKS ranges open to all", stack: "dev-aks",
		want: []string{
			"PLN001 error dev-aks-aks | ManagedCluster dev-aks-aks: apiServerAccessProfile.authorizedIPRanges[1] \"0.0.0.0/0\": admits every address; list only the networks of operators and CI, or set enablePrivateCluster true",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-aks-aks"), "apiServerAccessProfile.authorizedIPRanges", []any{"203.0.113.0/24", "0.0.0.0/0"})
		},
	},
	{
		name: "PLN001 public GKE endpoint", stack: "prod-gke",
		want: []string{
			"PLN001 error prod-gke-cluster | Cluster prod-gke-cluster: privateClusterConfig.enablePrivateEndpoint false: the API server endpoint is public and masterAuthorizedNetworksConfig lists no cidrBlocks, so every address can reach it; set enablePrivateEndpoint true, or list the networks of operators and CI in masterAuthorizedNetworksConfig.cidrBlocks",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			c := find(t, s, "prod-gke-cluster")
			set(t, c, "privateClusterConfig.enablePrivateEndpoint", false)
			set(t, c, "masterAuthorizedNetworksConfig", nil)
		},
	},
	{
		name: "PLN001 GKE open to Google Cloud", stack: "dev-gke",
		want: []string{
			"PLN001 error dev-gke-cluster | Cluster dev-gke-cluster: masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled true: admits every public address of Google Cloud, any customer's VM included; set it to false",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-gke-cluster"), "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled", true)
		},
	},
	{
		name: "PLN002 AKS without workload identity", stack: "staging-aks",
		want: []string{
			"PLN002 error staging-aks-aks | ManagedCluster staging-aks-aks: oidcIssuerProfile.enabled: the OIDC issuer is off, so no federated identity credential can trust the cluster's service-account tokens; set it to true",
			"PLN002 error staging-aks-aks | ManagedCluster staging-aks-aks: securityProfile.workloadIdentity.enabled false: workload identity is off, so workloads fall back to the node's identities or to secrets; set it to true so that cert-manager, Velero and every workload use an identity of their own",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			c := find(t, s, "staging-aks-aks")
			set(t, c, "securityProfile.workloadIdentity.enabled", false)
			set(t, c, "oidcIssuerProfile", nil)
		},
	},
	{
		name: "PLN002 GKE without workload identity", stack: "dev-gke",
		want: []string{
			"PLN002 error dev-gke-cluster | Cluster dev-gke-cluster: workloadIdentityConfig.workloadPool: workload identity is off, so pods act as the node service account; set it to \"<project>.svc.id.goog\"",
			"PLN002 error dev-gke-apps | NodePool dev-gke-apps: nodeConfig.workloadMetadataConfig.mode \"GCE_METADATA\": pods on this pool can read the node service account's credentials from the metadata server; set it to \"GKE_METADATA\"",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-gke-cluster"), "workloadIdentityConfig", nil)
			set(t, find(t, s, "dev-gke-apps"), "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")
		},
	},
	{
		name: "PLN003 AKS local accounts", stack: "prod-aks",
		want: []string{
			"PLN003 error prod-aks-aks | ManagedCluster prod-aks-aks: disableLocalAccounts false: the cluster hands out static admin credentials that bypass Entra ID and Azure RBAC; set it to true and sign in through kubelogin",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-aks"), "disableLocalAccounts", false)
		},
	},
	{
		name: "PLN003 GKE client certificate", stack: "staging-gke",
		want: []string{
			"PLN003 error staging-gke-cluster | Cluster staging-gke-cluster: masterAuth.clientCertificateConfig.issueClientCertificate true: the cluster issues a client certificate that bypasses IAM and cannot be revoked; set it to false",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "staging-gke-cluster"), "masterAuth.clientCertificateConfig.issueClientCertificate", true)
		},
	},
	{
		name: "PLN004 AKS user pool inline", stack: "prod-aks",
		want: []string{
			"PLN004 error prod-aks-aks | ManagedCluster prod-aks-aks: agentPoolProfiles \"system, apps\": holds 2 pools; keep only the system pool inline and declare every other pool as an AgentPool resource, because editing inline pools puts all of them into scaling and can replace them",
			"PLN004 error prod-aks-aks | ManagedCluster prod-aks-aks: no AgentPool resource with mode \"User\" belongs to this cluster; declare the workload pools as AgentPool resources with resourceName \"prod-aks-aks\" so that they change without touching the system pool",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			c := find(t, s, "prod-aks-aks")
			pools := c.Inputs["agentPoolProfiles"].([]any)
			apps := map[string]any{"name": "apps", "mode": "User"}
			set(t, c, "agentPoolProfiles", append(pools, apps))
			remove(t, s, "prod-aks-pool-apps")
		},
	},
	{
		name: "PLN004 GKE default pool kept", stack: "dev-gke",
		want: []string{
			"PLN004 error dev-gke-cluster | Cluster dev-gke-cluster: removeDefaultNodePool false: the default node pool stays part of the cluster, where changing it can replace the cluster; set it to true and declare every pool as a NodePool resource",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-gke-cluster"), "removeDefaultNodePool", false)
		},
	},
	{
		name: "PLN005 no Velero schedule", stack: "dev-aks",
		want: []string{
			"PLN005 error dev-aks-velero-release | Release dev-aks-velero-release: values.schedules: Velero is installed but schedules no backup; add at least one schedule with a cron expression and a TTL",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-aks-velero-release"), "values.schedules", map[string]any{})
		},
	},
	{
		name: "PLN005 no backup at all", stack: "staging-gke",
		want: []string{
			"PLN005 error staging-gke-cluster | Cluster staging-gke-cluster: nothing backs up the cluster: the stack has neither a Velero release nor a scheduled Backup for GKE plan; add the Backup component with at least one schedule",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "staging-gke-velero-release")
		},
	},
	{
		name: "PLN005 production storage unlocked", stack: "prod-aks",
		want: []string{
			"PLN005 error prod-aks-backup-blob-service | BlobServiceProperties prod-aks-backup-blob-service: isVersioningEnabled false: overwritten backups cannot be recovered; turn on blob versioning",
			"PLN005 error prod-aks-backup-storage | StorageAccount prod-aks-backup-storage: no CanNotDelete lock on the Velero backup storage account, so anyone with rights in Azure can delete it and every backup with it; add a ManagementLockByScope with level CanNotDelete at scope /subscriptions/<subscription>/resourceGroups/prod-aks-rg/providers/Microsoft.Storage/storageAccounts/bkprodaksbackup34795733",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "prod-aks-backup-storage-lock")
			set(t, find(t, s, "prod-aks-backup-blob-service"), "isVersioningEnabled", false)
		},
	},
	{
		name: "PLN005 production bucket unprotected", stack: "prod-gke",
		want: []string{
			"PLN005 error prod-gke-gke-backup-weekly | BackupPlan prod-gke-gke-backup-weekly: retentionPolicy.backupDeleteLockDays 0: backups of this plan can be deleted before they expire; lock them for at least 1 day (the Backup component locks production backups)",
			"PLN005 error prod-gke-backup-bucket | Bucket prod-gke-backup-bucket: forceDestroy true: a destroy deletes the bucket with every backup in it; set it to false",
			"PLN009 error prod-gke-backup-bucket | Bucket prod-gke-backup-bucket: not protected in production, so a destroy or a replacing change deletes it; set protect: true in the environment (pulumi.Protect)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			b := find(t, s, "prod-gke-backup-bucket")
			b.Protect = false
			set(t, b, "forceDestroy", true)
			set(t, find(t, s, "prod-gke-gke-backup-weekly"), "retentionPolicy.backupDeleteLockDays", 0.0)
		},
	},
	{
		name: "PLN006 public AKS ingress", stack: "prod-aks",
		want: []string{
			"PLN006 warning prod-aks-ingress-release | Release prod-aks-ingress-release: values.service.annotations[\"service.beta.kubernetes.io/azure-load-balancer-internal\"]: the ingress controller's load balancer gets a public address; set it to \"true\" so that the address comes from the ingress subnet, or confirm in review that this ingress is meant to be public",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-ingress-release"), "values.service.annotations.[service.beta.kubernetes.io/azure-load-balancer-internal]", nil)
		},
	},
	{
		name: "PLN006 external GKE ingress", stack: "dev-gke",
		want: []string{
			"PLN006 warning dev-gke-ingress-release | Release dev-gke-ingress-release: values.service.annotations[\"networking.gke.io/load-balancer-type\"] \"External\": the ingress controller's load balancer gets a public address; set it to \"Internal\", or confirm in review that this ingress is meant to be public",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-gke-ingress-release"), "values.service.annotations.[networking.gke.io/load-balancer-type]", "External")
		},
	},
	{
		name: "PLN006 ingress-nginx without the internal annotation", stack: "staging-aks",
		want: []string{
			"PLN006 warning staging-aks-ingress-release | Release staging-aks-ingress-release: values.controller.service.annotations[\"service.beta.kubernetes.io/azure-load-balancer-internal\"]: the ingress controller's load balancer gets a public address; set it to \"true\" so that the address comes from the ingress subnet, or confirm in review that this ingress is meant to be public",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			rel := find(t, s, "staging-aks-ingress-release")
			set(t, rel, "chart", "ingress-nginx")
			set(t, rel, "values.controller.service.annotations", map[string]any{
				"service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "ingress",
			})
		},
	},
	{
		name: "PLN007 ingress subnet right at group scope", stack: "dev-aks",
		want: []string{
			"PLN007 error dev-aks-aks | ManagedCluster dev-aks-aks: the control-plane identity dev-aks-control-plane-identity has no Network Contributor role assignment at exactly the ingress subnet /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dev-aks-rg/providers/Microsoft.Network/virtualNetworks/dev-aks-vnet/subnets/ingress, so AKS cannot place the internal ingress load balancer there; add a role assignment of Network Contributor (4d97b98b-1d4f-4787-a291-c67834d212e7) for the identity with exactly that scope",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-aks-control-plane-ingress-network-contributor"), "scope",
				"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dev-aks-rg")
		},
	},
	{
		name: "PLN007 nodes subnet right missing", stack: "prod-aks",
		want: []string{
			"PLN007 error prod-aks-aks | ManagedCluster prod-aks-aks: the control-plane identity prod-aks-control-plane-identity has no Network Contributor role assignment at exactly the nodes subnet /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-aks-rg/providers/Microsoft.Network/virtualNetworks/prod-aks-vnet/subnets/nodes, so AKS cannot place nodes there; add a role assignment of Network Contributor (4d97b98b-1d4f-4787-a291-c67834d212e7) for the identity with exactly that scope",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "prod-aks-control-plane-nodes-network-contributor")
		},
	},
	{
		name: "PLN008 AKS cert-manager not federated", stack: "prod-aks",
		want: []string{
			"PLN008 error prod-aks-letsencrypt-staging | ClusterIssuer prod-aks-letsencrypt-staging: spec.acme.solvers[0].dns01.azureDNS.managedIdentity.clientID: the solver does not say which identity to use, and token requests fail once the nodes have a second identity (\"Multiple user assigned identities exist\"); set it to cert-manager's client ID \"c7f72f6c-1dc8-5d80-baa3-2db98af53627\"",
			"PLN008 error prod-aks-cert-manager-release | Release prod-aks-cert-manager-release: no federated identity credential has subject \"system:serviceaccount:cert-manager:cert-manager\", so cert-manager's service account cannot act as its identity; add one on cert-manager's identity with that subject, audience \"api://AzureADTokenExchange\" and the cluster's OIDC issuer",
			"PLN008 error prod-aks-cert-manager-release | Release prod-aks-cert-manager-release: values.podLabels[\"azure.workload.identity/use\"]: the workload identity webhook does not give cert-manager's pods a token; set it to \"true\"",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-cert-manager-federation"), "subject", "system:serviceaccount:cert-manager:default")
			set(t, find(t, s, "prod-aks-letsencrypt-staging"), "spec.acme.solvers.0.dns01.azureDNS.managedIdentity", nil)
			set(t, find(t, s, "prod-aks-cert-manager-release"), "values.podLabels", map[string]any{})
		},
	},
	{
		name: "PLN008 AKS cert-manager federates another identity", stack: "dev-aks",
		want: []string{
			"PLN008 error dev-aks-cert-manager-federation | FederatedIdentityCredential dev-aks-cert-manager-federation: resourceName \"dev-aks-velero-identity\": the credential federates another identity than the one cert-manager's service account names (\"dev-aks-cert-manager-identity\"); federate that one",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-aks-cert-manager-federation"), "resourceName", "dev-aks-velero-identity")
		},
	},
	{
		name: "PLN008 GKE cert-manager binding for another account", stack: "prod-gke",
		want: []string{
			"PLN008 error prod-gke-cert-manager-release | Release prod-gke-cert-manager-release: no roles/iam.workloadIdentityUser binding lets the Kubernetes service account cert-manager/cert-manager act as prod-gke-cert-manager-wi@plinth-placeholder.iam.gserviceaccount.com; add a service-account IAMMember on it with role roles/iam.workloadIdentityUser and member \"serviceAccount:plinth-placeholder.svc.id.goog[cert-manager/cert-manager]\"",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-cert-manager-workload-identity-user"), "member", "serviceAccount:plinth-placeholder.svc.id.goog[cert-manager/default]")
		},
	},
	{
		name: "PLN009 production group unlocked", stack: "prod-aks",
		want: []string{
			"PLN009 error prod-aks-vnet | VirtualNetwork prod-aks-vnet: not protected in production, so a destroy or a replacing change deletes it; set protect: true in the environment (pulumi.Protect)",
			"PLN009 error prod-aks-rg | ResourceGroup prod-aks-rg: no CanNotDelete lock on resource group \"prod-aks-rg\", so anyone with rights in Azure can delete it with the cluster and network in it; set lock: true in the environment (a ManagementLockByScope with level CanNotDelete at the group's scope)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			remove(t, s, "prod-aks-rg-lock")
			find(t, s, "prod-aks-vnet").Protect = false
		},
	},
	{
		// Every stateful cloud type of the registries, not a list of
		// kinds: the backup plan, the AKS log workspace and backup
		// storage too.
		name: "PLN009 production stateful resources not retained", stack: "prod-aks",
		want: []string{
			"PLN009 error prod-aks-backup-container | BlobContainer prod-aks-backup-container: not protected in production, so a destroy or a replacing change deletes it; set protect: true in the environment (pulumi.Protect)",
			"PLN009 error prod-aks-backup-storage | StorageAccount prod-aks-backup-storage: not retained on delete in production, so a change that drops it from the stack, or a destroy, deletes it in the cloud; production components retain their stateful resources (pulumi.RetainOnDelete): create it through them, or retain it where you create it",
			"PLN009 error prod-aks-logs | Workspace prod-aks-logs: not retained on delete in production, so a change that drops it from the stack, or a destroy, deletes it in the cloud; production components retain their stateful resources (pulumi.RetainOnDelete): create it through them, or retain it where you create it",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			find(t, s, "prod-aks-backup-storage").RetainOnDelete = false
			find(t, s, "prod-aks-logs").RetainOnDelete = false
			find(t, s, "prod-aks-backup-container").Protect = false
		},
	},
	{
		name: "PLN009 production backup plan not retained", stack: "prod-gke",
		want: []string{
			"PLN009 error prod-gke-gke-backup-daily | BackupPlan prod-gke-gke-backup-daily: not protected in production, so a destroy or a replacing change deletes it; set protect: true in the environment (pulumi.Protect)",
			"PLN009 error prod-gke-gke-backup-daily | BackupPlan prod-gke-gke-backup-daily: not retained on delete in production, so a change that drops it from the stack, or a destroy, deletes it in the cloud; production components retain their stateful resources (pulumi.RetainOnDelete): create it through them, or retain it where you create it",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			p := find(t, s, "prod-gke-gke-backup-daily")
			p.Protect, p.RetainOnDelete = false, false
		},
	},
	{
		name: "PLN009 production GKE cluster deletable", stack: "prod-gke",
		want: []string{
			"PLN009 error prod-gke-cluster | Cluster prod-gke-cluster: deletionProtection false: GCP deletes the cluster on any request; set it to true (remove cluster.allowDeletion)",
			"PLN009 error prod-gke-cluster | Cluster prod-gke-cluster: not protected in production, so a destroy or a replacing change deletes it; set protect: true in the environment (pulumi.Protect)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			c := find(t, s, "prod-gke-cluster")
			set(t, c, "deletionProtection", false)
			c.Protect = false
		},
	},
	{
		name: "PLN010 tag missing", stack: "prod-aks",
		want: []string{
			"PLN010 warning prod-aks-vnet | VirtualNetwork prod-aks-vnet: tags: lacks the required tags \"owner\", \"cost-center\"; create the resource with the environment's tags (environment, owner, cost-center, managed-by, plinth-version)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-vnet"), "tags.owner", nil)
			set(t, find(t, s, "prod-aks-vnet"), "tags.cost-center", "")
		},
	},
	{
		name: "PLN010 labels missing and type unknown", stack: "dev-gke",
		want: []string{
			"PLN010 warning dev-gke-apps | NodePool dev-gke-apps: nodeConfig.resourceLabels: lacks the required tags \"environment\", \"owner\", \"cost-center\", \"managed-by\", \"plinth-version\"; create the resource with the environment's tags (environment, owner, cost-center, managed-by, plinth-version)",
			"PLN010 warning dev-gke-allow-control-plane-webhooks | Firewall dev-gke-allow-control-plane-webhooks: the tags table does not know type \"gcp:compute/firewall:Firewall\" (3 resources of it), so their tags cannot be checked; add the type to the backend's registry (platform/aks/akstypes, platform/gke/gketypes)",
		},
		tags: func(base func(string) (string, bool)) func(string) (string, bool) {
			return func(typ string) (string, bool) {
				if typ == "gcp:compute/firewall:Firewall" {
					return "", false
				}
				return base(typ)
			}
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-gke-apps"), "nodeConfig.resourceLabels", nil)
		},
	},
	{
		name: "PLN011 Azure owner at subscription", stack: "dev-aks",
		want: []string{
			"PLN011 error dev-aks-velero-disk-snapshot-operator-1-role | RoleDefinition dev-aks-velero-disk-snapshot-operator-1-role: permissions[0].actions[0] \"*\": the custom role grants every action or the right to assign roles; list only the actions the job needs",
			"PLN011 error dev-aks-power-operator | RoleAssignment dev-aks-power-operator: roleDefinitionId \"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635\": grants Owner, which can change or delete everything in scope; grant a narrower built-in or custom role",
			"PLN011 error dev-aks-power-operator | RoleAssignment dev-aks-power-operator: scope \"/subscriptions/00000000-0000-0000-0000-000000000000\": the assignment reaches every resource of a subscription or more; assign at the narrowest scope the job needs (a resource group, a resource, a namespace)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			ra := find(t, s, "dev-aks-power-operator")
			set(t, ra, "roleDefinitionId", "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635")
			set(t, ra, "scope", "/subscriptions/00000000-0000-0000-0000-000000000000")
			set(t, find(t, s, "dev-aks-velero-disk-snapshot-operator-1-role"), "permissions.0.actions", []any{"*"})
		},
	},
	{
		// The JIT Groups environment's projectIamAdmin is conditioned to
		// clusterViewer; without the condition it could grant anything.
		name: "PLN011 GCP editor, unconditioned IAM admin and cluster-admin", stack: "prod-gke",
		want: []string{
			"PLN011 error prod-gke-jit-grants | IAMMember prod-gke-jit-grants: role \"roles/resourcemanager.projectIamAdmin\": its holder can grant any role, and so every right, on its scope; add a condition that limits the roles it may grant: api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([<the roles>])",
			"PLN011 error prod-gke-checkout-checkout-admin | ClusterRoleBinding prod-gke-checkout-checkout-admin: roleRef.name \"cluster-admin\": binds full control of every namespace and of RBAC itself; bind a narrower ClusterRole, or RoleBindings in the namespaces needed (production's cluster-admin is break-glass, through the access catalog)",
			"PLN011 error prod-gke-nodes-default-node-sa | IAMMember prod-gke-nodes-default-node-sa: role \"roles/editor\": the basic role holds nearly every permission in its scope; grant predefined or custom roles that cover the job",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-jit-grants"), "condition.expression", "true")
			set(t, find(t, s, "prod-gke-nodes-default-node-sa"), "role", "roles/editor")
			rb := find(t, s, "prod-gke-checkout-checkout-admin")
			rb.Type = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
			set(t, rb, "roleRef.name", "cluster-admin")
		},
	},
	{
		// Standing cluster-admin on AKS: admin groups, and admin roles at
		// the cluster or above to a principal no access package manages.
		// The same roles to an access package's group (break-glass) and
		// RBAC Admin at a namespace are not standing cluster-admin.
		name: "PLN011 standing AKS admin in production", stack: "prod-aks",
		want: []string{
			"PLN011 error prod-aks-checkout-reader-cluster-user | RoleAssignment prod-aks-checkout-reader-cluster-user: roleDefinitionId \"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8\": grants Azure Kubernetes Service Cluster Admin Role at /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-aks-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks-aks to principal 6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b at all times, a standing cluster-admin; grant it to the group of an access package level (the access catalog's break-glass level), whose members are approved and expire",
			"PLN011 error prod-aks-payments-reader-cluster-user | RoleAssignment prod-aks-payments-reader-cluster-user: roleDefinitionId \"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b\": grants Azure Kubernetes Service RBAC Cluster Admin at /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-aks-rg to principal 6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b at all times, a standing cluster-admin; grant it to the group of an access package level (the access catalog's break-glass level), whose members are approved and expire",
			"PLN011 error prod-aks-aks | ManagedCluster prod-aks-aks: aadProfile.adminGroupObjectIDs \"6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b\": members of these groups hold cluster-admin at all times; remove cluster.adminGroups and give the administrators the access catalog's break-glass level, which is approved and expires",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			const roles = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/"
			const admins = "6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b"
			set(t, find(t, s, "prod-aks-aks"), "aadProfile.adminGroupObjectIDs", []any{admins})
			ra := find(t, s, "prod-aks-checkout-reader-cluster-user")
			set(t, ra, "roleDefinitionId", roles+"0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8")
			set(t, ra, "principalId", admins)
			ra = find(t, s, "prod-aks-payments-reader-cluster-user")
			set(t, ra, "roleDefinitionId", roles+"b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b")
			set(t, ra, "principalId", admins)
			set(t, ra, "scope", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-aks-rg")
			// Time-bound: the group of team checkout's developer package.
			set(t, find(t, s, "prod-aks-checkout-developer-cluster-user"), "roleDefinitionId", roles+"b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b")
			// A namespace's admin, not the cluster's.
			ra = find(t, s, "prod-aks-checkout-admin-ns-checkout")
			set(t, ra, "roleDefinitionId", roles+"3498e952-d568-435e-9b2c-8d77e338d7f7")
			set(t, ra, "principalId", admins)
		},
	},
	{
		// Outside production the cluster component takes admin groups, so
		// check does too.
		name: "PLN011 AKS admin groups outside production", stack: "staging-aks",
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "staging-aks-aks"), "aadProfile.adminGroupObjectIDs", []any{"6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b"})
		},
	},
	{
		// Standing GKE admin: the admin roles on the project outside an
		// entitlement. The break-glass entitlement grants
		// roles/container.admin time-bound and is no finding.
		name: "PLN011 standing GKE admin in production", stack: "prod-gke",
		want: []string{
			"PLN011 error prod-gke-velero-disk-snapshot-operator | IAMMember prod-gke-velero-disk-snapshot-operator: role \"roles/container.clusterAdmin\": administers the project's clusters at all times, a standing cluster-admin; grant it only through a Privileged Access Manager entitlement (the access catalog's break-glass level), which is approved and expires",
			"PLN011 error prod-gke-nodes-default-node-sa | IAMMember prod-gke-nodes-default-node-sa: role \"roles/container.admin\": administers the project's clusters at all times, a standing cluster-admin; grant it only through a Privileged Access Manager entitlement (the access catalog's break-glass level), which is approved and expires",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-nodes-default-node-sa"), "role", "roles/container.admin")
			set(t, find(t, s, "prod-gke-velero-disk-snapshot-operator"), "role", "roles/container.clusterAdmin")
		},
	},
	{
		// A production team vault open to the internet, another without
		// purge protection.
		name: "PLN015 production vaults", stack: "prod-aks",
		want: []string{
			"PLN015 error prod-aks-checkout-vault | Vault prod-aks-checkout-vault: properties.enablePurgeProtection false: a deleted vault and its secrets can be purged at once; turn purge protection on (the Secrets component does)",
			"PLN015 error prod-aks-payments-vault | Vault prod-aks-payments-vault: properties.publicNetworkAccess \"Enabled\": the vault's secrets are reachable from the internet by anyone with a credential; set it to \"Disabled\" and reach the vault through its private endpoint (secrets.private)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-payments-vault"), "properties.publicNetworkAccess", "Enabled")
			set(t, find(t, s, "prod-aks-checkout-vault"), "properties.enablePurgeProtection", false)
		},
	},
	{
		// A team's reader on the whole resource group: every vault in it.
		name: "PLN016 AKS reader beyond its vault", stack: "dev-aks",
		want: []string{
			"PLN016 error dev-aks-payments-secrets-user | RoleAssignment dev-aks-payments-secrets-user: scope \"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dev-aks-rg\": grants Key Vault Secrets User on more than one Key Vault, so a team's identity reads other teams' secrets; assign it on the team's vault only",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "dev-aks-payments-secrets-user"), "scope", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dev-aks-rg")
		},
	},
	{
		// A team's reader without the prefix condition reads every
		// secret of the project; a condition naming no team is no better.
		name: "PLN016 GKE reader beyond its prefix", stack: "dev-gke",
		want: []string{
			"PLN016 error dev-gke-checkout-secret-writer-1 | IAMMember dev-gke-checkout-secret-writer-1: condition.expression \"resource.name.startsWith(\\\"projects/522553415091/secrets/\\\")\": grants projects/plinth-placeholder/roles/plinth.dev_gke.secretWriter on every secret of the project; condition it on the team's secrets: resource.name.startsWith(\"projects/<project number>/secrets/<team>-\")",
			"PLN016 error dev-gke-payments-secret-accessor | IAMMember dev-gke-payments-secret-accessor: condition.expression \"\": grants roles/secretmanager.secretAccessor on every secret of the project; condition it on the team's secrets: resource.name.startsWith(\"projects/<project number>/secrets/<team>-\")",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			delete(find(t, s, "dev-gke-payments-secret-accessor").Inputs, "condition")
			set(t, find(t, s, "dev-gke-checkout-secret-writer-1"), "condition.expression", `resource.name.startsWith("projects/522553415091/secrets/")`)
		},
	},
}

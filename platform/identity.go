package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// GrantRole is a cloud-neutral right a workload can be given on one
// resource. Backends map each to the narrowest built-in role of their cloud.
type GrantRole string

// The grant roles.
const (
	// GrantDNSZoneContributor manages records in one DNS zone: Azure DNS
	// Zone Contributor on the zone; on GCP roles/dns.admin on the one Cloud
	// DNS managed zone, never on its project.
	GrantDNSZoneContributor GrantRole = "dns-zone-contributor"
	// GrantObjectStorageWriter reads and writes objects in one container or
	// bucket (Azure Storage Blob Data Contributor on the container; GCP
	// roles/storage.objectAdmin on the bucket). So that the workload can hand
	// out signed download URLs without keys, AKS adds a custom role with only
	// generateUserDelegationKey on the container's storage account (Azure
	// grants that action at account level only; it gives no data access),
	// and GKE a custom role with only iam.serviceAccounts.signBlob on the
	// workload's own service account.
	GrantObjectStorageWriter GrantRole = "object-storage-writer"
	// GrantDiskSnapshotOperator reads disks, creates disks from snapshots
	// and creates, reads and deletes snapshots at one scope: on Azure a
	// custom role at the cluster's node resource group (ClusterOutputs.DiskScope);
	// on GCP a custom role on the project. It is what Velero's volume
	// snapshots need and nothing more.
	GrantDiskSnapshotOperator GrantRole = "disk-snapshot-operator"
)

// GrantRoles lists the valid grant roles.
var GrantRoles = []GrantRole{GrantDNSZoneContributor, GrantObjectStorageWriter, GrantDiskSnapshotOperator}

// Grant is one right on one resource.
type Grant struct {
	// Role is what the workload may do.
	Role GrantRole
	// Scope is the cloud ID of the resource: an Azure resource ID (DNS
	// zone, blob container, resource group), or on GCP the managed zone's
	// resource name for DNS (projects/<project>/managedZones/<zone>), the
	// project ID for disk snapshots and the bucket name for storage.
	Scope pulumi.StringInput
}

// WorkloadIdentitySpec binds one Kubernetes service account to a cloud
// identity of its own.
type WorkloadIdentitySpec struct {
	// Name is the logical name of the identity; children derive from it.
	Name string
	// Cluster is the cluster the workload runs in.
	Cluster *ClusterOutputs
	// Namespace and ServiceAccount name the Kubernetes service account.
	Namespace, ServiceAccount string
	// Grants are the rights the identity gets, each at exactly its scope.
	Grants []Grant
	// Tags go on every child that accepts them.
	Tags Tags
}

// Subject returns the service account's token subject,
// "system:serviceaccount:<namespace>:<name>".
func (s WorkloadIdentitySpec) Subject() string {
	return "system:serviceaccount:" + s.Namespace + ":" + s.ServiceAccount
}

// WorkloadIdentity is what a workload needs to use its identity.
type WorkloadIdentity struct {
	// ServiceAccountAnnotations go on the Kubernetes service account
	// (azure.workload.identity/client-id, iam.gke.io/gcp-service-account).
	ServiceAccountAnnotations pulumi.StringMapOutput
	// PodLabels go on the workload's pods (azure.workload.identity/use on
	// AKS; none on GKE).
	PodLabels map[string]string
	// ClientID identifies the identity to SDKs and solvers: the managed
	// identity's client ID on AKS, the service account email on GKE.
	ClientID pulumi.StringOutput
	// PrincipalID is the identity's principal (object) ID on AKS and its
	// unique ID on GKE.
	PrincipalID pulumi.StringOutput
}

// WorkloadIdentityBackend gives a Kubernetes service account a cloud
// identity with exactly the given grants. Node identities are never used.
type WorkloadIdentityBackend interface {
	Backend
	NewWorkloadIdentity(ctx *pulumi.Context, spec WorkloadIdentitySpec, opts ...pulumi.ResourceOption) (*WorkloadIdentity, error)
}

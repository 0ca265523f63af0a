package platform

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccessRole is what members of an access level may do.
type AccessRole string

// The access roles. Each maps to a Kubernetes ClusterRole bound in the
// team's namespaces only, and on AKS to the matching AKS RBAC role at the
// namespace scope.
const (
	// AccessView reads (Kubernetes view; AKS RBAC Reader).
	AccessView AccessRole = "view"
	// AccessEdit deploys and changes workloads (Kubernetes edit; AKS RBAC
	// Writer).
	AccessEdit AccessRole = "edit"
	// AccessAdmin administers the namespace, including its RoleBindings
	// (Kubernetes admin; AKS RBAC Admin).
	AccessAdmin AccessRole = "admin"
	// AccessClusterAdmin is break-glass only: the whole cluster
	// (Kubernetes cluster-admin; AKS RBAC Cluster Admin; on GKE
	// roles/container.admin through a Privileged Access Manager grant).
	AccessClusterAdmin AccessRole = "cluster-admin"
)

// AccessRoles lists the valid access roles.
var AccessRoles = []AccessRole{AccessView, AccessEdit, AccessAdmin, AccessClusterAdmin}

// A principal names a directory user or group the same way on both
// clouds: "user:<id>" or "group:<id>", where id is the Entra object ID on
// Azure and the email address on Google Cloud.

// ApprovalStage is one stage of approval of an access request.
type ApprovalStage struct {
	// Approvers are principals ("user:<id>", "group:<id>").
	Approvers []string
	// TimeoutDays is how long the stage waits before the request expires.
	TimeoutDays int
}

// AccessReview is a recurring review of who holds an access level.
type AccessReview struct {
	// Every is the recurrence: "monthly", "quarterly", "semiannually" or
	// "annually".
	Every string
	// Reviewers are principals ("user:<id>", "group:<id>").
	Reviewers []string
}

// AccessLevelSpec is one level of access a team member can request. Every
// field is set where the level needs it.
type AccessLevelSpec struct {
	// Name identifies the level within the team: "reader", "developer",
	// "admin", "break-glass".
	Name string
	// Role is what members may do.
	Role AccessRole
	// Requestors are the principals ("user:<id>", "group:<id>") who may
	// request the level.
	Requestors []string
	// Approval are the approval stages, in order; empty means requests are
	// granted without approval.
	Approval []ApprovalStage
	// Justification requires requestors to say why.
	Justification bool
	// MaxDuration is how long a grant lasts before it expires.
	MaxDuration time.Duration
	// Review is the recurring access review; nil means none.
	Review *AccessReview
	// ExistingGroup is a directory group to use instead of creating one:
	// an Entra group object ID on Azure, a Google group email on GCP.
	ExistingGroup string
}

// AccessCatalogSpec describes the one access-package catalog of a platform,
// shared by every team.
type AccessCatalogSpec struct {
	// Name is the platform's logical name; children derive from it.
	Name string
	// Description is shown to requestors.
	Description string
	// Packages are the teams' access packages, as NewAccessPackage will
	// receive them but without Cluster and Catalog, which do not exist
	// yet; the break-glass package is not among them. A cloud that keeps
	// one access policy for every team writes it with the catalog (GCP:
	// the environment's JIT Groups policy); Azure reads none of it.
	Packages []AccessPackageSpec
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// AccessCatalog is a created catalog. ID is the Entra catalog's ID on
// Azure; on GCP the resource name of the Secret Manager secret that holds
// the environment's JIT Groups policy, or empty when no team has a level
// (the catalog then registers nothing).
type AccessCatalog struct {
	ID pulumi.StringOutput
}

// AccessPackageSpec describes one team's access: its levels, each a
// directory group the team's members join by request, with the cloud
// rights of the level. The Kubernetes side (namespaces, RoleBindings) is
// the component's, the same on both clouds.
type AccessPackageSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Team is the team's name.
	Team string
	// Namespaces are the team's namespaces; cloud rights of a level with a
	// namespaced role are granted at these namespaces only.
	Namespaces []string
	// Levels are the access levels, in order.
	Levels []AccessLevelSpec
	// Cluster is the cluster the access is to.
	Cluster *ClusterOutputs
	// Catalog is the platform's catalog (from NewAccessCatalog).
	Catalog *AccessCatalog
	// Tags go on every child that accepts tags or labels.
	Tags Tags
	// Retain protects the groups the backend creates (a directory group
	// holds its members, who are not in the stack) and keeps them in the
	// directory when they leave the stack (pulumi.Protect,
	// pulumi.RetainOnDelete). Production access packages are retained.
	Retain bool
}

// AccessGroup is the directory group behind one access level.
type AccessGroup struct {
	// ID is the group's directory ID: the Entra object ID, or the Google
	// group's email.
	ID pulumi.StringOutput
	// Subject is what a Kubernetes RoleBinding names as kind Group: the
	// Entra object ID on AKS, the group email on GKE.
	Subject pulumi.StringOutput
}

// AccessPackageOutputs is what an AccessBackend returns: the group of each
// level, by level name.
type AccessPackageOutputs struct {
	Groups map[string]AccessGroup
}

// AccessBackend creates request-based access: on Azure Entra groups,
// an entitlement-management catalog and an access package per level with
// its assignment policy, plus AKS RBAC role assignments at the namespace
// scope; on GCP Google groups, IAM to fetch credentials and Privileged
// Access Manager entitlements for time-bound grants.
type AccessBackend interface {
	Backend
	NewAccessCatalog(ctx *pulumi.Context, spec AccessCatalogSpec, opts ...pulumi.ResourceOption) (*AccessCatalog, error)
	NewAccessPackage(ctx *pulumi.Context, spec AccessPackageSpec, opts ...pulumi.ResourceOption) (*AccessPackageOutputs, error)
}

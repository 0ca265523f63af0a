// Package accesspackage is Plinth's request-based access for teams: the
// same Args on AKS and GKE, instead of standing full rights.
//
// NewCatalog creates the platform's one catalog (plinth:components:
// AccessCatalog) and, optionally, its break-glass level: cluster-admin for
// incidents, approved, justified and at most 8 hours long, the only level
// that grants cluster-wide rights. The catalog is also the registry that
// keeps teams apart: no two AccessPackages share a team name, a namespace
// or a directory group.
//
// New creates one team's access (plinth:components:AccessPackage): per
// access level (by default reader, developer and admin) a directory group
// members join by request, with who may request it, its approval stages,
// whether a justification is required, how long a grant lasts and its
// recurring review; and in the cluster the team's namespaces, each
// labeled (team, environment, cost-center), with a ResourceQuota, container
// defaults (LimitRange), a default-deny network policy that still admits
// the ingress controller and DNS, and one RoleBinding per level binding its
// group to the ClusterRole view, edit or admin in that namespace only.
//
// The directory side comes from the backend (platform.AccessBackend): on
// Azure Entra groups, an entitlement-management catalog and an access
// package with its assignment policy per level, and AKS RBAC roles at the
// namespace scope; on GCP Google groups and Privileged Access Manager.
//
// CatalogArgs.Resolve, Args.Resolve and ResolvePackages report every problem
// at once, before anything is registered or claimed, each naming the field
// path, the value and the fix; NewCatalog and New create what they resolved.
// What is created, and the narrow rights the deploying identity needs, are
// described in docs/components/accesspackage.md.
package accesspackage

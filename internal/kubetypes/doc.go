// Package kubetypes is the registry of the Kubernetes resource types
// Plinth registers: the objects the components create through the
// Kubernetes SDK (namespaces, quotas, network policies, role bindings,
// cert-manager's resources), the Helm release of internal/helm, and the
// Kubernetes provider. Per type: its token, whether it is stateful, the
// inputs whose change replaces it and the ID internal/mockcloud answers it
// with. Kubernetes objects carry labels of their own, not Plinth's cost
// tags, so no type here has a tags property.
//
// Workloads is a second registry: the types an application stack on a
// platform creates (examples/app-namespace), which Plinth never registers
// but internal/mockcloud answers so that such a stack renders offline.
//
// It is a package of its own, rather than part of internal/helm, because
// internal/helm imports the Kubernetes SDK and internal/mockcloud and
// internal/diff need only the facts. Its tests check that Registry lists
// exactly the Kubernetes types of the reference stacks' snapshots.
package kubetypes

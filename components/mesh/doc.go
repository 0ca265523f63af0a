// Package mesh is the Mesh component: an optional Linkerd service mesh
// that gives the pods of the namespaces that join it mutual TLS, and
// authorization by workload identity, between each other and from the
// platform's ingress.
//
// Trust is rooted in the platform and no private key leaves the cluster:
// cert-manager issues the trust anchor (a self-signed CA in cert-manager's
// namespace) and, from it, the identity issuer Linkerd signs workload
// certificates with, renewing both; trust-manager copies the anchor's
// certificate, never its key, into the ConfigMap Linkerd reads its trust
// roots from. The control plane (the linkerd-crds and linkerd-control-plane
// charts, pinned) runs highly available in staging and production, and
// the Linkerd CNI plugin sets up each meshed pod's traffic redirection, so
// that meshed namespaces keep the restricted Pod Security Standard.
//
// Teams join through their access definition (accesspackage.Namespace's
// Mesh), which makes the namespace default-deny for the mesh too, allowing
// what its network policies allow. See docs/components/mesh.md and
// docs/adr/0007-service-mesh.md.
package mesh

// Package certmanager is Plinth's CertManager component: cert-manager from
// its pinned chart (CRDs managed by the chart), highly available, with
// ClusterIssuers for ACME production and staging and an internal CA, the
// same Args on AKS and GKE.
//
// DNS01 solvers authenticate with a workload identity of their own, never
// the node (kubelet) identity: on AKS a user-assigned identity federated
// with the cert-manager/cert-manager service account and DNS Zone
// Contributor on the given zone only; on GKE a Google service account with
// DNS rights on the zone's project. This is the fix for the incident in the
// source write-up, where cert-manager broke once a second managed identity
// appeared on the node scale set. Without a DNS zone, ACME uses HTTP01
// through an ingress class and no cloud identity is created.
//
// Args.Resolve reports every problem with the Args at once, before anything
// is registered, each naming the field path, the value and the fix; New
// installs what it resolved. What is created on each cloud is described in
// docs/components/certmanager.md.
package certmanager

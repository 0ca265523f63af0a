// Package environment turns one typed environment definition into a whole
// Kubernetes platform on AKS or GKE.
//
// An Environment names its class (Dev, Staging, Prod), its cloud and the
// arguments of every component: network, cluster, ingress, cert-manager,
// backups, the non-production power schedule, the access catalog and the
// product teams. Profile gives each class its defaults, which a definition
// overrides field by field, in Go or in YAML (Load, with the same field
// names, strictly: an unknown key is an error with its path).
//
// Validate checks the environment as a whole before anything is registered
// and returns every problem at once, each with its field path. New creates
// the platform as one Platform component on a backend from platform/aks or
// platform/gke: Network, then Cluster, then the cluster services and the
// teams' access, tagged with the environment, owner, cost center,
// managed-by and Plinth version, protected and locked in production.
//
// docs/stacks.md describes the profiles and how to add an environment;
// docs/safety.md the production safety rules.
package environment

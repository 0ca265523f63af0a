// Package check runs Plinth's production-readiness rules over a rendered
// resource graph (a snapshot from internal/snapshot), offline: no cloud, no
// credentials, no provider plugin. `plinth check` is its command line.
//
// Each Rule encodes one item of the platform baseline (what the AKS and GKE
// reference implementations set) or one lesson of the write-ups the project
// started from (docs/safety.md, "Which lesson each rule answers"), and says
// which in its Rationale: the API server is private, workload identity is on,
// local accounts are off, node pools are separate resources, backups are
// scheduled and their storage is protected, ingress is internal, the cluster
// identity has rights on its subnets, cert-manager runs on workload
// identity, production is protected and locked, every resource is tagged,
// and no grant is broader than its job. Rules lists them with their
// rationale.
//
// A rule applies to the environment classes it names ("dev", "staging",
// "prod"); Run runs those that apply to a Target and returns their findings
// in a stable order. Infer reads the class and the cloud from the snapshot
// itself (the "class" tag every Plinth resource carries, and the provider
// types), so that a caller needs only the snapshot. WriteText and WriteJSON
// print findings for people and for tools.
//
// The package reads the snapshot only. It imports no cloud SDK: where a rule
// must know which input of a type carries its tags, the caller passes the
// backend's (aks.TagsProperty, gke.TagsProperty, read from its registry) in
// Target.TagsProperty.
package check

// Package guardrails is Plinth's Guardrails component: the baseline
// workload rules of the team namespaces, as Kubernetes' built-in
// ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, no
// controller and no webhook), the same on AKS and GKE.
//
// The rules: no privileged containers, no host namespaces (hostNetwork,
// hostPID, hostIPC), no hostPath volumes, privilege escalation switched
// off in every container; every container's CPU and memory requests and
// memory limit set; every image pinned by a tag other than "latest" or by
// a digest; images only from the allowed registries (when
// Args.AllowedRegistries lists any); and no Service of type LoadBalancer or
// NodePort, since traffic enters through the platform's gateway.
//
// The bindings select the team namespaces (labeled "managed-by: plinth"
// and "team" by their AccessPackage), as the tenancy policies do; platform
// namespaces run vendor charts and are out of scope. ModeEnforce denies
// what breaks a rule (staging and production); ModeAudit lets it through
// with a warning to the client and an audit annotation (development).
// Rules, scope and decisions are in docs/components/guardrails.md.
package guardrails

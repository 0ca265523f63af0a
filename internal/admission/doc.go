// Package admission builds Kubernetes ValidatingAdmissionPolicies and
// their bindings from plain data (Policy), the one way the components
// that hold teams to rules in the cluster (components/accesspackage's
// tenancy policies, components/guardrails) create them.
package admission

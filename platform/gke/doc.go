// Package gke is Plinth's Google Cloud backend: it implements the platform
// contract with pulumi-gcp v7 resources so that the components build a GKE
// platform.
//
// Create one Backend per stack with New; it registers an explicit gcp
// provider for the configured project and region, and every resource it
// creates uses that provider, so that nothing lands in a project picked up
// from the environment.
//
// The files follow one layout per capability, the same as package aks's:
// <capability>.go registers the resources (network.go, cluster.go,
// identity.go, ingress.go, backup.go, managed_backup.go, power.go,
// access.go, registry.go, workloadpolicy.go), in short steps that only wire a plan into SDK calls;
// <capability>_plan.go maps the spec to the SDK arguments' plain values and
// validates what GCP needs beyond it, as pure functions (planNetwork,
// planCluster, validateClusterSpec, ...) table-tested in
// <capability>_plan_test.go without Pulumi (contract rule C10). ingress.go
// has no plan: its annotations are the whole mapping and register nothing.
// backend.go holds Config and the provider, tags.go TagsProperty.
//
// NewPowerSchedule stops and starts a non-production cluster on a schedule:
// two Cloud Workflows scale every node pool to zero and back to the
// autoscaler bounds NewCluster gives it, run by two Cloud Scheduler jobs;
// the workflows' service account holds only a custom role to resize node
// pools, the scheduler's only roles/workflows.invoker.
//
// Every resource type the backend registers is in its registry,
// platform/gke/gketypes, which imports no SDK: whether it is stateful, the
// inputs whose change replaces it, the input that carries the spec's tags
// as GCP labels (TagsProperty) and its ID under the mocks.
package gke

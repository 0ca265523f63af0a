// Package aks is Plinth's Azure backend: it implements the platform contract
// with azure-native resources (v2 SDK; network API 2024-05-01) so that the
// components build an AKS platform.
//
// Create one Backend per stack with New; it registers an explicit
// azure-native provider for the configured subscription and location, and
// every resource it creates uses that provider, so that nothing ever lands in
// a subscription picked up from the environment.
//
// The files follow one layout per capability, the same as package gke's:
// <capability>.go registers the resources (network.go, cluster.go,
// identity.go, ingress.go, backup.go, power.go, access.go,
// observability.go), in short steps
// that only wire a plan into SDK calls; <capability>_plan.go maps the spec
// to the SDK arguments' plain values and checks what Azure needs beyond
// it, as a pure function (planNetwork, planCluster, ...) table-tested in
// <capability>_plan_test.go without Pulumi (contract rule C10). ingress.go
// has no plan: its annotations are the whole mapping and register nothing.
// backend.go holds Config and the provider, roles.go the roles and role
// assignments the capabilities share, tags.go TagsProperty.
//
// A Locked network puts a CanNotDelete management lock on its resource
// group, which the cluster shares: the cluster, the VNet and user node
// pools there cannot be deleted until the stack lifts the lock (Locked
// false), never by hand.
//
// NewPowerSchedule stops and starts a non-production cluster with an Azure
// Automation account (API 2023-11-01) whose system-assigned identity may
// only read, start and stop that cluster. Its runbook,
// runbooks/Set-AksPowerState.ps1, is built into the package: Automation
// downloads it from Config.RunbookBaseURL (by default, Plinth's repository
// at the tag or commit the program was built from, as its build information
// says; refused when it names none) and verifies it against the SHA-256
// hash of the built-in copy.
// Schedules start at the next occurrence of their time of day after
// Config.Now, which offline renders fix so that snapshots are stable.
//
// NewObservability gives the managed Prometheus NewCluster switches on an
// Azure Monitor workspace to send to, and the alerts and action groups.
// azure-native's monitor and alertsmanagement SDK modules cannot be
// downloaded by this project, so the workspace and the Prometheus rule
// groups are registered by type token with typed inputs
// (observability_types.go); the provider plugin knows every type.
//
// Every resource type the backend registers is in its registry,
// platform/aks/akstypes, which imports no SDK: whether it is stateful, the
// inputs whose change replaces it, the input that carries its tags
// (TagsProperty) and its ID under the mocks.
package aks

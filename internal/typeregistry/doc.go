// Package typeregistry joins the resource-type registries into one, for the
// readers that take a type from any backend: internal/mockcloud answers a
// registration from its entry, internal/diff flags STATEFUL and REPLACE
// from it. The registries themselves live with what registers the types
// (platform/aks/akstypes, platform/gke/gketypes, platform/fake/faketypes,
// internal/kubetypes); none imports a cloud SDK, so neither does this.
package typeregistry

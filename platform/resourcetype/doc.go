// Package resourcetype defines what Plinth knows about each cloud resource
// type it registers, once: the entry type (Type) and a registry of entries
// looked up by type token (Registry).
//
// Each backend keeps one registry, in a package that imports no cloud SDK
// so that every reader can link it for free: platform/aks/akstypes,
// platform/gke/gketypes, platform/fake/faketypes, and internal/kubetypes for
// the Kubernetes objects and Helm releases the components register. The
// backends' TagsProperty, internal/mockcloud's answers, and internal/diff's
// STATEFUL and REPLACE flags all read them; each backend's tests check that
// its registry lists exactly the types it registers.
//
// This package imports nothing of Plinth and no SDK.
package resourcetype

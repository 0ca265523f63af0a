// Package mockcloud runs a Pulumi program under the SDK's mocks and answers
// the way the clouds would: Azure resources get ARM IDs, GCP resources get
// their IDs and self-links, public IPs get addresses, identities get UUIDs
// derived from their names. Every registered resource is recorded and the
// result is a deterministic snapshot.Snapshot.
//
// It fails loudly on a resource type or invoke it has no answer for, rather
// than inventing a shape: a test that passes against a made-up ID proves
// nothing about a role assignment's scope. A type is answered when its
// backend's registry (platform/aks/akstypes, platform/gke/gketypes,
// platform/fake/faketypes, internal/kubetypes) lists it, with the name of
// one of the ID shapes of ids_*.go; an invoke when invokes_*.go answers
// it.
package mockcloud

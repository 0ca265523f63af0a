// Package mockcloud runs a Pulumi program under the SDK's mocks and answers
// the way the clouds would: Azure resources get ARM IDs, GCP resources get
// their IDs and self-links, public IPs get addresses, identities get UUIDs
// derived from their names. Every registered resource is recorded and the
// result is a deterministic snapshot.Snapshot.
//
// It fails loudly on a resource type or invoke it has no answer for, rather
// than inventing a shape: a test that passes against a made-up ID proves
// nothing about a role assignment's scope. Add the type to ids.go or the
// invoke to invokes.go.
package mockcloud

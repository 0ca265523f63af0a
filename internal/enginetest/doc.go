// Package enginetest serves test doubles of the Pulumi resource providers
// Plinth uses (azure-native, azuread, gcp, kubernetes, and the fake
// backend's plinthfake) in-process, so that tests can drive the real Pulumi
// engine offline: the engine attaches to them through
// PULUMI_DEBUG_PROVIDERS (Providers.DebugEnv) instead of launching provider
// plugins, which cannot be downloaded here.
//
// They are TEST DOUBLES. They talk to no cloud and no cluster: they answer
// every create, update, invoke and read from internal/mockcloud (the same
// answers the SDK mocks give offline renders), so an engine run with them
// proves what the engine checks — state, URN uniqueness, parents,
// dependencies, plans, secrets, diffs between runs — and nothing about
// cloud APIs. Nothing a user runs may use them; only tests import this
// package.
//
// The one exception is the Kubernetes lane (StartWithRealKubernetes): the
// kubernetes package's objects go to the real Pulumi Kubernetes provider
// and a real API server on loopback (internal/kubelane), and only the
// types RealKubernetes.Doubles names, and live reads, stay on the double
// (docs/testing.md).
//
// What each provider does, deliberately simple:
//   - Check accepts the new inputs as they are: no defaults, no failures.
//   - Diff compares the old inputs with the new ones key by key and reports
//     the changed top-level keys; it never asks for a replacement, not even
//     where the real provider would (a changed name, say).
//   - Create and Update answer with the inputs plus mockcloud.Answer's
//     outputs; Update keeps the ID. In a preview they answer no ID and the
//     inputs with every output the cloud computes (nested fields such as
//     an identity's principalId included) unknown, as the real providers
//     do; an update's preview keeps the computed outputs the new inputs
//     leave as they were.
//   - Read returns the state it is given (a refresh shows no drift), except
//     for a read of a live object (a Get function: no inputs and no state),
//     which mockcloud.ReadLive answers.
//   - Delete succeeds. Invoke is mockcloud.Invoke.
//
// Each provider records the creates, updates and deletes the engine asks
// for outside previews (Providers.Calls).
package enginetest

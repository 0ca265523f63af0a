// Package platformtest is Plinth's test kit: it renders Pulumi programs under
// mocks that answer like the clouds (Render), and it holds the conformance
// suite every backend runs (NetworkConformance, ...), so that the AKS, GKE and
// fake backends are held to the same written contract (docs/contract.md).
//
// It imports no cloud SDK. Use it from your own stack's tests:
//
//	snap, err := platformtest.Render("dev", func(ctx *pulumi.Context) error { ... })
//	vnet := snap.Find("azure-native:network/v20240501:VirtualNetwork", "dev-vnet")
package platformtest

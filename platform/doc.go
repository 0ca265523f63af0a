// Package platform is the contract between Plinth's components and its cloud
// backends.
//
// A component (components/network, components/cluster, ...) describes what it
// needs as a plain spec (NetworkSpec, ...) and asks a backend for it through a
// narrow, consumer-side interface (NetworkBackend, ...). The AKS backend
// (platform/aks) and the GKE backend (platform/gke) implement those interfaces
// with cloud resources; platform/fake implements them without any cloud SDK so
// components and stacks can be tested cheaply.
//
// This package is a leaf: it holds interfaces and plain types only and imports
// no cloud SDK and no component. The rules every backend follows are written
// down in docs/contract.md and checked by the conformance suite in
// platform/platformtest.
package platform

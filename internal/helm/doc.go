// Package helm installs the charts the platform ships, one way for all of
// them: chart versions pinned in versions.go, a typed values struct per
// chart encoded to Helm values, a raw-values escape hatch that may add keys
// but never override a typed one, high-availability building blocks, and
// one helm/v3.Release per chart in a labeled namespace of its own.
//
// docs/adr/0001-helm-release.md records why Plinth uses helm/v3.Release
// rather than helm/v4.Chart.
package helm

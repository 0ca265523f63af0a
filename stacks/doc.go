// Package stacks holds Acme's six environments (dev, staging and prod on
// AKS and on GKE) as typed Go values, and the Pulumi program that deploys
// one of them.
//
// Each environment is one Pulumi stack of the project at the repository
// root (Pulumi.yaml): `pulumi up -s prod-aks` runs Program(Lookup("prod-aks"),
// ...) with the cloud coordinates from the stack's Pulumi configuration
// (CoordinatesFromConfig). Offline, Render draws the same program under
// mocks at placeholder coordinates; the snapshots are committed under
// stacks/snapshots/ for review. The environments start from the class
// profiles of package environment; docs/stacks.md explains how to add one.
package stacks

// Package stacks holds Plinth's environments as typed Go values and the one
// composition that turns an environment into a platform on AKS or GKE.
//
// Each environment is one Pulumi stack of the project at the repository root
// (Pulumi.yaml): `pulumi up -s prod-aks` runs Program(Lookup("prod-aks"), ...)
// with the cloud coordinates from the stack's Pulumi configuration. Offline,
// Render draws the same program under mocks with placeholder coordinates;
// its snapshots are committed under stacks/snapshots/ for review.
package stacks

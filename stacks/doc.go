// Package stacks is Plinth's reference project: Acme's six environments
// (dev, staging and prod on AKS and on GKE) as typed Go values, declared as
// one project.Project (Project). It is an example of a team's project, and
// what Plinth's own tests render; the library never falls back to it.
//
// Each environment is one Pulumi stack of the project at the repository
// root (Pulumi.yaml, whose program is cmd/plinth): `pulumi up -s prod-aks`
// runs the project's program with the cloud coordinates from the stack's
// configuration, and `go run ./cmd/plinth plan` renders the same program
// offline. The snapshots are committed under stacks/snapshots/ for review.
// The environments start from the class profiles of package environment;
// docs/stacks.md explains how to add one.
package stacks

// Package gke is Plinth's Google Cloud backend: it implements the platform
// contract with pulumi-gcp v7 resources so that the components build a GKE
// platform.
//
// Create one Backend per stack with New; it registers an explicit gcp
// provider for the configured project and region, and every resource it
// creates uses that provider, so that nothing lands in a project picked up
// from the environment.
//
// Each capability keeps the mapping from spec to cloud settings in a pure
// function (planNetwork, ...), table-tested without Pulumi, apart from the
// code that registers the resources.
package gke

// Package aks is Plinth's Azure backend: it implements the platform contract
// with azure-native resources (v2 SDK; network API 2024-05-01) so that the
// components build an AKS platform.
//
// Create one Backend per stack with New; it registers an explicit
// azure-native provider for the configured subscription and location, and
// every resource it creates uses that provider, so that nothing ever lands in
// a subscription picked up from the environment.
//
// Each capability keeps the mapping from spec to cloud settings in a pure
// function (planNetwork, ...), table-tested without Pulumi, apart from the
// code that registers the resources.
package aks

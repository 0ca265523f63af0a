// Package aksfacts describes Azure as the AKS backend knows it: the
// platform.CloudFacts that components and profiles read (zones, machine
// types, maintenance windows, Entra ID forms, access durations, the DNS01
// solver, the Velero plugin). It imports no cloud SDK, so that validating
// an AKS environment never compiles azure-native; importing it registers
// the facts (platform.LookupCloud). platform/aks imports it.
package aksfacts

// Package gkefacts describes Google Cloud as the GKE backend knows it: the
// platform.CloudFacts that components and profiles read (zones by region,
// machine types, maintenance windows, Google group forms, access
// durations, the DNS01 solver, the Velero plugin, Backup for GKE). It
// imports no cloud SDK, so that validating a GKE environment never
// compiles the gcp SDK; importing it registers the facts
// (platform.LookupCloud). platform/gke imports it.
package gkefacts

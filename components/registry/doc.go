// Package registry is the Registry component: an environment's container
// registry, the one place the teams' images come from.
//
// On Azure it is a Premium Azure Container Registry with its admin user
// and anonymous pull off, private in staging and production (a private
// endpoint in the network's private-endpoints subnet, public access off);
// on Google Cloud a Docker repository in the environment project's
// Artifact Registry, whose images Artifact Analysis scans. The cluster's
// nodes may pull from it and from no other registry of the account; the
// CI identities the environment lists (Args.Pushers) may push to it, and
// nobody else. The guardrails admit images from its prefix
// (components/guardrails). See docs/components/registry.md.
package registry

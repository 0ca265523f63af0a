// Package edge is the Edge component: the one way traffic from the
// internet reaches an environment, through a web application firewall, to
// the platform's internal ingress, which stays internal. On Azure it is
// Front Door Premium with a WAF policy (managed rule sets, a rate limit)
// reaching the ingress through Private Link; on Google Cloud a global
// external Application Load Balancer through the GKE Gateway with a Cloud
// Armor policy. The edge's host names live in the environment's public
// zone, which gets their records. See docs/components/edge.md.
package edge

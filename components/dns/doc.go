// Package dns is the DNS component: an environment's public DNS zone,
// created by the stack or adopted, with its delegation (the name servers
// and, for a signed zone, the DS records the parent zone needs); a private
// zone for internal names, resolvable only inside the environment's
// network, where the platform's ingress has a name; and external-dns,
// which writes the records of the teams' Ingresses and HTTPRoutes into the
// public zone through a workload identity whose only right is on that
// zone. Which names a team may claim is the tenancy policies' (the team's
// hostnames, components/accesspackage): external-dns only sees routes the
// API server admitted. cert-manager answers its ACME challenges in the
// same zone. See docs/components/dns.md.
package dns

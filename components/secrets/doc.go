// Package secrets is the Secrets component: an environment's secret store
// and, per team, the one workload identity that reads the team's secrets
// and nothing else.
//
// On Azure each team has a Key Vault of its own (RBAC authorization, purge
// protection, soft delete; private in staging and production, through a
// private endpoint in the network's private-endpoints subnet); on Google
// Cloud the teams' secrets are in the environment project's Secret
// Manager, named "<team>-<name>", and each team's identity reads only the
// secrets with its prefix. In each team's namespace the component creates
// the service account (DefaultServiceAccount, "secrets-reader") bound to
// the team's identity: pods that run as it mount the team's secrets
// through the Secrets Store CSI driver of the cloud's managed add-on
// (docs/adr/0006-secrets-to-pods.md), and a team's own stack finds what
// it needs through platformref. See docs/components/secrets.md.
package secrets

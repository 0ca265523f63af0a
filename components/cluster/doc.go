// Package cluster is Plinth's Cluster component: one hardened Kubernetes
// cluster on AKS or GKE behind the same Args, with workload identity, an
// exec-based kubeconfig (always a secret) and a ready Kubernetes provider
// for the cluster services.
//
// Defaults are the production ones: three zones, a private API server,
// Standard tier, the stable upgrade channel with a weekly maintenance window,
// managed monitoring and deletion protection. Cheaper settings are explicit
// opt-outs (APIServer.Public, Tier free, AllowDeletion, ...), and a
// production target (platform.Target.Production) refuses the opt-outs that
// would make it unsafe. Args.Resolve checks the settings against the target's
// cloud facts and the network's spec; New creates what it resolved.
//
// What each backend creates, and which identities get which roles, is
// described in docs/components/cluster.md.
package cluster

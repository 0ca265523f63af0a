// Package network is Plinth's Network component: one virtual network with
// subnets by role, pod and service ranges, egress through NAT and flow logs,
// the same Args on AKS and GKE.
//
// Args.Resolve checks and completes the settings (see defaults.go) against a
// platform.Target, without registering anything; New then asks the backend it
// is given for the cloud resources, all parented to the component:
//
//   - AKS (platform/aks): a resource group (unless one is given), a virtual
//     network, one subnet and network security group per role, a NAT gateway
//     with static public IPs on the node subnet, default outbound access off,
//     VNet flow logs into a storage account.
//   - GKE (platform/gke): a custom-mode VPC, one subnetwork per role (the node
//     subnetwork carries the pod and service secondary ranges), private
//     Google access, flow logs, Cloud Router and Cloud NAT with static
//     addresses and logging, firewall rules for internal traffic and Google
//     health checks.
//
// Resolve reports every problem with the Args at once, each naming the field
// path, the value and the fix.
package network

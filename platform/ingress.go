package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// LoadBalancerSpec describes the cloud load balancer in front of an
// in-cluster Service of type LoadBalancer, such as an ingress controller's.
type LoadBalancerSpec struct {
	// Public exposes the load balancer on a public address. False (the
	// default everywhere in Plinth) keeps it internal: its address comes from
	// the network's ingress subnet.
	Public bool
	// Network is the network of the cluster the Service runs in.
	Network ClusterNetwork
	// PrivateLink, when set, publishes an internal load balancer as a
	// Private Link service of that name, for an edge to reach it without
	// a public address (Azure: the cloud provider's azure-pls-*
	// annotations). Backends whose edge reaches the pods otherwise (GKE)
	// ignore it.
	PrivateLink string
}

// EdgePrivateLinkName is the name of the Private Link service an edge
// named edge reaches the ingress through: LoadBalancerSpec.PrivateLink
// and EdgeOrigin.PrivateLink.
func EdgePrivateLinkName(edge string) string { return ChildName(edge, "edge-link") }

// LoadBalancerBackend maps a LoadBalancerSpec to the annotations the
// cloud's Kubernetes load-balancer controller reads on the Service: on AKS
// azure-load-balancer-internal, -internal-subnet and the /healthz probe path;
// on GKE the internal load-balancer type and subnet. It registers nothing:
// the rights the cluster identity needs on the ingress subnet come with the
// cluster (contract rule C14).
type LoadBalancerBackend interface {
	Backend
	LoadBalancerAnnotations(spec LoadBalancerSpec) pulumi.StringMap
}

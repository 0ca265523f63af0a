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
}

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

package aks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// The Service annotations the AKS cloud provider (cloud-provider-azure)
// reads on a Service of type LoadBalancer
// (learn.microsoft.com/azure/aks/load-balancer-standard#customizations-via-kubernetes-annotations).
const (
	// internalLBAnnotation puts the Service on the cluster's internal load
	// balancer, with a private address.
	internalLBAnnotation = "service.beta.kubernetes.io/azure-load-balancer-internal"
	// internalSubnetAnnotation names the subnet of the cluster's VNet the
	// private address comes from. Unset, AKS takes it from the node
	// subnet.
	internalSubnetAnnotation = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet"
	// healthProbePathAnnotation sets the path of the load balancer's HTTP
	// health probe. Since Kubernetes 1.24, AKS probes a port whose
	// appProtocol is http or https (ingress-nginx sets it) over HTTP on "/"
	// by default, which an ingress controller answers with 404: the load
	// balancer then sends no traffic.
	healthProbePathAnnotation = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path"
	// healthProbePath is the ingress controller's health endpoint, as the
	// contract (platform.LoadBalancerBackend) fixes it.
	healthProbePath = "/healthz"
)

// The Private Link service annotations of the cloud provider
// (kubernetes-sigs.github.io/cloud-provider-azure/topics/pls-integration):
// on an internal load balancer they make AKS publish its frontend as a
// Private Link service, in the node resource group.
const (
	// plsCreateAnnotation creates the Private Link service.
	plsCreateAnnotation = "service.beta.kubernetes.io/azure-pls-create"
	// plsNameAnnotation names it (unset: "pls-<frontend>"), so that the
	// edge can find it by its ARM ID.
	plsNameAnnotation = "service.beta.kubernetes.io/azure-pls-name"
	// plsSubnetAnnotation is the subnet its NAT addresses come from: the
	// ingress subnet, as the load balancer's address.
	plsSubnetAnnotation = "service.beta.kubernetes.io/azure-pls-ip-configuration-subnet"
	// plsProxyProtocolAnnotation is off: the ingress controller does not
	// expect the PROXY protocol, and would refuse every connection.
	plsProxyProtocolAnnotation = "service.beta.kubernetes.io/azure-pls-proxy-protocol"
	// plsVisibilityAnnotation lists the subscriptions that may see the
	// service and request a connection to it: the backend's own, never
	// "*" (any subscription). Empty would mean role-based access only;
	// the backend's subscription is what the azurerm provider's Front
	// Door example sets. Visibility is not approval: Front Door's
	// connection still arrives Pending (see NewEdge), and auto-approval
	// (azure-pls-auto-approval, which needs "*") is not set.
	plsVisibilityAnnotation = "service.beta.kubernetes.io/azure-pls-visibility"
)

// LoadBalancerAnnotations returns the annotations for a Service of type
// LoadBalancer. Internal (the default): an internal load balancer whose
// address comes from the network's ingress subnet, named by its Azure name
// as the cloud provider expects; public: a public address. Both probe
// /healthz.
//
// It registers nothing: the cluster's control-plane identity got Network
// Contributor on exactly the ingress subnet with the cluster (NewCluster);
// without it the internal load balancer never gets its address. A network
// without an ingress subnet gets no subnet annotation, so AKS takes the
// address from the node subnet, where the control plane has the same right;
// components that need the ingress subnet check that it exists.
//
// With spec.PrivateLink, an internal load balancer is also published as
// the Private Link service of that name, for an edge (NewEdge) to reach
// it privately: its NAT addresses come from the ingress subnet, without
// the PROXY protocol, visible to the backend's subscription only. A
// public load balancer ignores PrivateLink.
func (b *Backend) LoadBalancerAnnotations(spec platform.LoadBalancerSpec) pulumi.StringMap {
	annotations := pulumi.StringMap{healthProbePathAnnotation: pulumi.String(healthProbePath)}
	if spec.Public {
		return annotations
	}
	annotations[internalLBAnnotation] = pulumi.String("true")
	if ingress, ok := spec.Network.Outputs.Subnets[platform.SubnetIngress]; ok && ingress.Name.OutputState != nil {
		annotations[internalSubnetAnnotation] = ingress.Name
		if spec.PrivateLink != "" {
			annotations[plsSubnetAnnotation] = ingress.Name
		}
	}
	if spec.PrivateLink != "" {
		annotations[plsCreateAnnotation] = pulumi.String("true")
		annotations[plsNameAnnotation] = pulumi.String(spec.PrivateLink)
		annotations[plsProxyProtocolAnnotation] = pulumi.String("false")
		annotations[plsVisibilityAnnotation] = pulumi.String(b.cfg.SubscriptionID)
	}
	return annotations
}

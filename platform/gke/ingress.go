package gke

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// The Service annotations GKE's load-balancer controller reads.
const (
	// LoadBalancerTypeAnnotation set to "Internal" makes GKE create an
	// internal passthrough Network Load Balancer instead of an external one.
	LoadBalancerTypeAnnotation = "networking.gke.io/load-balancer-type"
	// InternalSubnetAnnotation names the subnet (by name, in the cluster's
	// VPC and region) an internal load balancer takes its address from.
	InternalSubnetAnnotation = "networking.gke.io/internal-load-balancer-subnet"
	// BackendServiceAnnotation set to "enabled" makes GKE build an external
	// passthrough Network Load Balancer on a regional backend service
	// instead of a legacy target pool, as GKE's documentation recommends
	// for every external LoadBalancer Service (GKE 1.25.5 and later, with
	// the HttpLoadBalancing add-on, which Plinth clusters keep on).
	BackendServiceAnnotation = "cloud.google.com/l4-rbs"
)

// LoadBalancerAnnotations returns the annotations for the Service of type
// LoadBalancer that spec describes. It registers nothing.
//
// Internal (the default): LoadBalancerTypeAnnotation "Internal" and
// InternalSubnetAnnotation set to the name of the network's ingress subnet.
// A network without an ingress subnet gets only the type annotation, and GKE
// then takes the address from the cluster's node subnet. Plinth clusters
// have GKE subsetting on, so the load balancer's backends are GCE_VM_IP
// network endpoint groups.
//
// Public: only BackendServiceAnnotation "enabled"; an external load
// balancer is what GKE creates for a LoadBalancer Service by default, on a
// regional external address. The annotation counts when the Service is
// created (GKE's documentation has it in the manifest before it is
// applied). On GKE 1.33.1 and later, spec.loadBalancerClass
// "networking.gke.io/l4-regional-external" is the newer way to ask for the
// same; it is a Service field, not an annotation.
func (b *Backend) LoadBalancerAnnotations(spec platform.LoadBalancerSpec) pulumi.StringMap {
	if spec.Public {
		return pulumi.StringMap{BackendServiceAnnotation: pulumi.String("enabled")}
	}
	out := pulumi.StringMap{LoadBalancerTypeAnnotation: pulumi.String("Internal")}
	if sn, ok := spec.Network.Outputs.Subnets[platform.SubnetIngress]; ok && sn.Name.OutputState != nil {
		out[InternalSubnetAnnotation] = sn.Name
	}
	return out
}

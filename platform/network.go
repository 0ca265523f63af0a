package platform

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// SubnetRole says what a subnet is for. Each role appears at most once in a
// network; backends and later components look subnets up by role.
type SubnetRole string

// The subnet roles a network can have.
const (
	// SubnetNodes holds the cluster's nodes. On GKE it also carries the pod
	// and service secondary ranges. Egress from it goes through NAT.
	SubnetNodes SubnetRole = "nodes"
	// SubnetIngress holds internal load balancers: the ingress controller's
	// private address lives here.
	SubnetIngress SubnetRole = "ingress"
	// SubnetPrivateEndpoints holds private endpoints (Azure Private Link,
	// GCP Private Service Connect) for platform services such as storage.
	SubnetPrivateEndpoints SubnetRole = "private-endpoints"
)

// SubnetRoles lists every valid role in a stable order.
var SubnetRoles = []SubnetRole{SubnetNodes, SubnetIngress, SubnetPrivateEndpoints}

// Valid reports whether r is one of SubnetRoles.
func (r SubnetRole) Valid() bool {
	for _, v := range SubnetRoles {
		if r == v {
			return true
		}
	}
	return false
}

// NetworkSpec is the resolved, validated description of a network that a
// component hands to a NetworkBackend. Every field is set: defaults have been
// applied by the component (components/network) before the backend sees it.
type NetworkSpec struct {
	// Name is the component's logical name; backends derive every child's
	// name from it (see ChildName).
	Name string
	// AddressSpace is the network's primary range, e.g. "10.20.0.0/16".
	AddressSpace string
	// Subnets lists the subnets by role, in the order given.
	Subnets []SubnetSpec
	// PodCIDR is the range pods get addresses from: a secondary range of
	// the node subnet on GKE, the overlay pod CIDR on AKS.
	PodCIDR string
	// ServiceCIDR is the range Kubernetes services get addresses from.
	ServiceCIDR string
	// MaxNodes is the most nodes the node subnet and the pod range were
	// sized for; cluster pools must fit in it.
	MaxNodes int
	// NAT describes egress through a managed NAT.
	NAT NATSpec
	// FlowLogs describes network flow logging.
	FlowLogs FlowLogSpec
	// Locked asks the cloud itself to refuse deleting the network's
	// container, beyond pulumi.Protect: on Azure a CanNotDelete management
	// lock on the resource group (which the cluster shares); GCP has no
	// lock for networks, so the GKE backend relies on pulumi.Protect and
	// the cluster's deletion protection.
	Locked bool
	// Retain keeps the stateful children in the cloud when they leave the
	// stack or the stack is destroyed (pulumi.RetainOnDelete): on Azure
	// the resource group the network creates, the virtual network, its
	// subnets and the flow logs' storage account; on GCP the VPC and its
	// subnetworks. Production networks are retained: deleting one is then
	// a deliberate act outside Pulumi, after it has left the stack.
	Retain bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// Subnet returns the subnet with the given role and whether it exists.
func (s NetworkSpec) Subnet(role SubnetRole) (SubnetSpec, bool) {
	for _, sn := range s.Subnets {
		if sn.Role == role {
			return sn, true
		}
	}
	return SubnetSpec{}, false
}

// SubnetSpec is one subnet of a NetworkSpec.
type SubnetSpec struct {
	// Role is what the subnet is for.
	Role SubnetRole
	// CIDR is the subnet's range, inside the network's address space.
	CIDR string
}

// NATSpec describes managed egress NAT for the node subnet.
type NATSpec struct {
	// Enabled creates the NAT; when false the nodes need another way out
	// (for example a firewall reached by user-defined routes).
	Enabled bool
	// IPCount is the number of static egress addresses, at least 1 when
	// Enabled.
	IPCount int
	// IdleTimeoutMinutes is the TCP idle timeout of NAT'ed flows.
	IdleTimeoutMinutes int
}

// FlowLogSpec describes network flow logs.
type FlowLogSpec struct {
	// Enabled turns flow logs on.
	Enabled bool
	// RetentionDays is how long logs are kept where the backend stores
	// them itself (Azure storage); GCP keeps them in Cloud Logging.
	RetentionDays int
	// SampleRate is the fraction of flows sampled, 0 < rate <= 1 (GCP).
	SampleRate float64
}

// NetworkOutputs is what a NetworkBackend returns: the identifiers later
// components need, as outputs of the cloud resources it created.
type NetworkOutputs struct {
	// ID is the cloud ID of the network (Azure VNet resource ID, GCP
	// network ID).
	ID pulumi.StringOutput
	// Name is the cloud name of the network.
	Name pulumi.StringOutput
	// Subnets maps each role in the spec to its subnet.
	Subnets map[SubnetRole]SubnetOutputs
	// EgressIPs are the static addresses egress traffic leaves from; empty
	// when NAT is disabled.
	EgressIPs pulumi.StringArrayOutput
	// PodRangeName and ServiceRangeName name the node subnet's secondary
	// ranges on GKE; empty on clouds without secondary ranges.
	PodRangeName, ServiceRangeName string
}

// SubnetOutputs identifies one subnet.
type SubnetOutputs struct {
	// ID is the subnet's cloud ID (an ARM ID on Azure, a GCP subnetwork ID).
	ID pulumi.StringOutput
	// Name is the subnet's cloud name, as load-balancer annotations expect
	// it.
	Name pulumi.StringOutput
}

// NetworkBackend creates the cloud resources of a network.
//
// NewNetwork must create every resource with the options it is given
// (which carry pulumi.Parent of the calling component) and must name every
// resource ChildName(spec.Name, role). It must not register anything when it
// returns an error for the spec.
type NetworkBackend interface {
	Backend
	NewNetwork(ctx *pulumi.Context, spec NetworkSpec, opts ...pulumi.ResourceOption) (*NetworkOutputs, error)
}

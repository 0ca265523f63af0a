package ingress

import (
	"maps"
	"net/netip"
	"slices"

	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Limits enforced by validate.
const (
	productionReplicas = 2
	maxLabelLength     = format.MaxDNSLabel
)

// reservedNamespaces exist in every cluster; the component creates its
// namespace and enforces a Pod Security level on it, so it must own it.
var reservedNamespaces = []string{"default", "kube-node-lease", "kube-public", "kube-system"}

// managedByKey: managedByValue is the label every object of the
// component carries.
const managedByKey, managedByValue = "managed-by", "plinth"

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(path field.Path, t platform.Target, c platform.ClusterSpec) field.List {
	var errs field.List

	known := slices.Contains(Controllers, a.Controller)
	if !known {
		errs.Addf(path.Child("controller"), string(a.Controller), "use %q (ingress.ControllerTraefik) or, only to migrate, %q", ControllerTraefik, ControllerIngressNginx)
	}
	if a.Public && t.Production {
		errs.Addf(path.Child("public"), true, "production refuses a bare public load balancer: traffic from the internet comes through the environment's edge, with its firewall; remove public and set edge")
	}
	if a.Mesh && a.Controller == ControllerIngressNginx {
		errs.Addf(path.Child("controller"), string(a.Controller), "the service mesh meshes Traefik only; ingress-nginx is kept only to migrate")
	}
	if (a.TLSSecret != "" || a.Edge) && a.Controller == ControllerIngressNginx {
		errs.Addf(path.Child("controller"), string(a.Controller), "HTTPS by default and the edge need Traefik; ingress-nginx is kept only to migrate")
	}
	if !a.Public {
		if _, ok := c.Network.Spec.Subnet(platform.SubnetIngress); !ok {
			errs.Addf(path.Child("public"), false, "an internal load balancer takes its address from the network's %q subnet, and the cluster's network has none; add a subnet with that role to the network, or set public", platform.SubnetIngress)
		}
	}
	// The class names default per controller: with an unknown one, only
	// what the user wrote is checked.
	if known || a.IngressClassName != "" {
		checkName(&errs, path.Child("ingressClassName"), a.IngressClassName, "an IngressClass")
	}
	if known {
		a.checkGateway(&errs, path.Child("gateway"))
	}

	switch {
	case a.Replicas < 1:
		errs.Addf(path.Child("replicas"), a.Replicas, "must be at least 1; leave it unset for %d", DefaultReplicas)
	case t.Production && a.Replicas < productionReplicas:
		errs.Addf(path.Child("replicas"), a.Replicas, "a production ingress runs at least %d replicas so that losing a node or a zone keeps it serving; leave it unset or raise it", productionReplicas)
	}

	ns := path.Child("namespace")
	switch {
	case !format.DNSLabel(a.Namespace):
		errs.Addf(ns, a.Namespace, "a namespace name is a DNS label: 1-%d lowercase letters, digits and '-', starting and ending with a letter or digit", maxLabelLength)
	case slices.Contains(reservedNamespaces, a.Namespace):
		errs.Addf(ns, a.Namespace, "exists in every cluster; the component creates its own namespace and enforces a Pod Security level on it, so pick another name, e.g. %q", DefaultNamespace)
	}

	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	if v, ok := a.Tags[managedByKey]; ok && v != managedByValue {
		errs.Addf(path.Child("tags").Key(managedByKey), v, "Plinth labels everything it manages %q: %q; remove this tag", managedByKey, managedByValue)
	}
	return errs
}

func (a Args) checkGateway(errs *field.List, p field.Path) {
	g := a.Gateway
	if a.Controller == ControllerIngressNginx {
		if g.ClassName != "" {
			errs.Addf(p.Child("className"), g.ClassName, "ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller %q", ControllerTraefik)
		}
		if len(g.RouteNamespaceLabels) > 0 {
			errs.Addf(p.Child("routeNamespaceLabels"), nil, "ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller %q", ControllerTraefik)
		}
		return
	}
	if g.Disabled {
		if g.ClassName != "" {
			errs.Addf(p.Child("className"), g.ClassName, "set while gateway.disabled is true; remove one of them")
		}
		if len(g.RouteNamespaceLabels) > 0 {
			errs.Addf(p.Child("routeNamespaceLabels"), nil, "set while gateway.disabled is true; remove one of them")
		}
		return
	}
	checkName(errs, p.Child("className"), g.ClassName, "a GatewayClass")
	for _, k := range slices.Sorted(maps.Keys(g.RouteNamespaceLabels)) {
		kp := p.Child("routeNamespaceLabels").Key(k)
		if !format.LabelKey(k) {
			errs.Addf(kp, k, "not a label key: %s, e.g. \"kubernetes.io/metadata.name\"", format.LabelKeyRule)
		}
		if v := g.RouteNamespaceLabels[k]; !format.LabelValue(v) {
			errs.Addf(kp, v, "not a label value: %s", format.LabelValueRule)
		}
	}
}

// checkName checks a cluster-scoped object name (a DNS subdomain).
func checkName(errs *field.List, p field.Path, name, what string) {
	if !format.DNSSubdomain(name) {
		errs.Addf(p, name, "%s name is a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", what)
	}
}

// internalAddress returns the internal load balancer's address: a's
// LoadBalancerIP, checked to be a usable address of the ingress subnet, or
// the subnet's address DefaultAddressOffset. A public load balancer, or a
// network without the subnet (validate reports it), has none.
func (a Args) internalAddress(p field.Path, c platform.ClusterSpec) (string, *field.Error) {
	subnet, ok := c.Network.Spec.Subnet(platform.SubnetIngress)
	if a.Public {
		if a.LoadBalancerIP != "" {
			return "", field.Invalid(p, a.LoadBalancerIP, "a public load balancer takes its address from the cloud; remove loadBalancerIP, or public")
		}
		return "", nil
	}
	prefix, err := cidr.Parse(subnet.CIDR)
	if !ok || err != nil {
		return "", nil
	}
	// The clouds reserve a subnet's first four (Azure) and its last two
	// (GCP) addresses.
	first, last := 4, int(cidr.Size(prefix))-3
	if a.LoadBalancerIP == "" {
		if DefaultAddressOffset > last {
			return "", field.Required(p, "the ingress subnet %s is too small for the internal load balancer's default address, %d; give the network a larger ingress subnet, or set an address of it", subnet.CIDR, DefaultAddressOffset)
		}
		return nth(prefix, DefaultAddressOffset).String(), nil
	}
	ip, err := netip.ParseAddr(a.LoadBalancerIP)
	if err != nil || !ip.Is4() {
		return "", field.Invalid(p, a.LoadBalancerIP, "not an IPv4 address; write one of the ingress subnet %s, e.g. %q", subnet.CIDR, nth(prefix, DefaultAddressOffset))
	}
	if !prefix.Contains(ip) || ip.Compare(nth(prefix, first)) < 0 || ip.Compare(nth(prefix, last)) > 0 {
		return "", field.Invalid(p, a.LoadBalancerIP, "not a usable address of the ingress subnet %s (%s to %s; the clouds reserve the others), e.g. %q", subnet.CIDR, nth(prefix, first), nth(prefix, last), nth(prefix, DefaultAddressOffset))
	}
	return a.LoadBalancerIP, nil
}

// nth is prefix's address n.
func nth(prefix netip.Prefix, n int) netip.Addr {
	ip := prefix.Addr()
	for range n {
		ip = ip.Next()
	}
	return ip
}

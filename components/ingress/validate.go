package ingress

import (
	"maps"
	"slices"

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

package ingress

import "github.com/plinth-dev/plinth/internal/helm"

// Defaults for the optional fields of Args.
const (
	// DefaultController is the controller installed when Controller is
	// unset: Traefik, which serves the Ingress API and the Gateway API.
	DefaultController = ControllerTraefik
	// DefaultNamespace is the namespace the controller is installed in. The
	// component creates it and owns it.
	DefaultNamespace = "ingress"
	// DefaultTraefikClassName names the IngressClass of a Traefik
	// controller.
	DefaultTraefikClassName = "traefik"
	// DefaultIngressNginxClassName names the IngressClass of an
	// ingress-nginx controller, the name that controller has always used.
	DefaultIngressNginxClassName = "nginx"
	// DefaultGatewayClassName names the GatewayClass of a Traefik controller.
	DefaultGatewayClassName = "traefik"
	// DefaultReplicas is the number of controller replicas: two, spread
	// over zones and nodes.
	DefaultReplicas = helm.DefaultReplicas
)

// The controller's ports an edge uses (Args.Edge): the Service's HTTPS
// port, and Traefik's ping on its own entry point, which no route serves.
const (
	// HTTPSPort is the Service's HTTPS port (Traefik's websecure).
	HTTPSPort = 443
	// HealthPort and HealthPath answer an edge's health probe: Traefik's
	// ping on its "traefik" entry point, which serves no API while the
	// dashboard is not exposed.
	HealthPort = 8080
	HealthPath = "/ping"
	// DefaultAddressOffset places the internal load balancer at the
	// ingress subnet's address of this offset (10.20.16.10 in
	// 10.20.16.0/24): past the addresses the clouds reserve at a subnet's
	// start (four on Azure, two on GCP).
	DefaultAddressOffset = 10
	// HTTPSListener names the default Gateway's HTTPS listener.
	HTTPSListener = "websecure"
	// DefaultTLSSecret is the Secret of the environment's wildcard
	// certificate in the ingress's namespace (Args.TLSSecret).
	DefaultTLSSecret = "platform-wildcard-tls"
)

// GatewayName is the name of the default Gateway a Traefik controller
// creates in its namespace. HTTPRoutes attach to it with a parentRef of this
// name and the component's namespace.
const GatewayName = "traefik-gateway"

// The Helm release names. They are fixed, so that the names of the objects
// the charts create (the controller's Service among them) are stable.
const (
	traefikRelease      = "traefik"
	ingressNginxRelease = "ingress-nginx"
)

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set.
func (a Args) withDefaults() Args {
	if a.Controller == "" {
		a.Controller = DefaultController
	}
	if a.Namespace == "" {
		a.Namespace = DefaultNamespace
	}
	if a.IngressClassName == "" {
		switch a.Controller {
		case ControllerTraefik:
			a.IngressClassName = DefaultTraefikClassName
		case ControllerIngressNginx:
			a.IngressClassName = DefaultIngressNginxClassName
		}
	}
	if a.Controller == ControllerTraefik && !a.Gateway.Disabled && a.Gateway.ClassName == "" {
		a.Gateway.ClassName = DefaultGatewayClassName
	}
	if a.Replicas == 0 {
		a.Replicas = DefaultReplicas
	}
	return a
}

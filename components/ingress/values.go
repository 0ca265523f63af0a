package ingress

import (
	"maps"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform/field"
)

// websecurePort is the container port of Traefik's websecure entry point,
// which the chart declares and the Gateway's HTTPS listener must name.
const websecurePort = 8443

// externalTrafficPolicy of the controller's Service. Local keeps the
// client's source address, which access logs, allow-lists and rate limits
// need: the load balancer sends traffic only to nodes that run a ready
// controller pod, and the node hands it to that pod without the extra hop
// through another node that would replace the source address. The load
// balancer learns which nodes qualify from the health check Kubernetes
// allocates for such a Service: on the Service's health-check node port,
// kube-proxy (or Cilium in its place) answers HTTP GET /healthz with 200
// only on nodes that have a ready controller pod. On AKS the load balancer
// probes that port with the /healthz path the backend's annotation names;
// GKE probes it by itself.
const externalTrafficPolicy = "Local"

// The typed values of the Traefik chart (helm.Traefik, 37.x). Only what the
// component decides is here; Values adds the rest.
type traefikValues struct {
	CommonLabels        map[string]string        `json:"commonLabels,omitempty"`
	Deployment          traefikDeployment        `json:"deployment"`
	PodDisruptionBudget helm.PodDisruptionBudget `json:"podDisruptionBudget"`
	IngressClass        traefikClass             `json:"ingressClass"`
	Providers           traefikProviders         `json:"providers"`
	Gateway             traefikGateway           `json:"gateway"`
	GatewayClass        traefikGWClass           `json:"gatewayClass"`
	Metrics             traefikMetrics           `json:"metrics"`
	Service             traefikService           `json:"service"`
	Ports               *traefikPorts            `json:"ports,omitempty"`
	TLSStore            *traefikTLSStore         `json:"tlsStore,omitempty"`
	// PodSecurityContext adds the RuntimeDefault seccomp profile, the one
	// thing the chart's own security context lacks for the restricted Pod
	// Security level; the chart's other defaults (non-root user, no
	// privilege escalation, all capabilities dropped) are kept.
	PodSecurityContext        podSecurityContext              `json:"podSecurityContext"`
	TopologySpreadConstraints []helm.TopologySpreadConstraint `json:"topologySpreadConstraints"`
	Affinity                  *helm.Affinity                  `json:"affinity"`
	Tolerations               []helm.Toleration               `json:"tolerations"`
}

type traefikDeployment struct {
	Replicas       int               `json:"replicas"`
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`
}

type traefikClass struct {
	Enabled        bool   `json:"enabled"`
	IsDefaultClass bool   `json:"isDefaultClass"`
	Name           string `json:"name"`
}

type traefikProviders struct {
	KubernetesIngress traefikIngressProvider `json:"kubernetesIngress"`
	KubernetesGateway traefikGatewayProvider `json:"kubernetesGateway"`
}

// traefikIngressProvider serves Ingresses. IngressClass restricts Traefik
// to the Ingresses of its own IngressClass, so that two controllers in one
// cluster (an internal and a public one, or Traefik next to ingress-nginx
// during a migration) never serve each other's Ingresses.
type traefikIngressProvider struct {
	Enabled      bool   `json:"enabled"`
	IngressClass string `json:"ingressClass"`
	// NativeLB routes to the Service's cluster IP, not its endpoints:
	// the mesh's proxy then balances and authenticates the call.
	NativeLB bool `json:"nativeLBByDefault,omitempty"`
}

// traefikGatewayProvider serves the Gateway API. LabelSelector restricts
// Traefik to the GatewayClass it creates (labeled gatewayClassLabel), for
// the same reason.
type traefikGatewayProvider struct {
	Enabled       bool   `json:"enabled"`
	LabelSelector string `json:"labelselector,omitempty"`
	NativeLB      bool   `json:"nativeLBByDefault,omitempty"`
}

type traefikGateway struct {
	Enabled   bool                    `json:"enabled"`
	Name      string                  `json:"name,omitempty"`
	Listeners *traefikGatewayListener `json:"listeners,omitempty"`
}

// traefikGatewayListener sets which namespaces' routes the chart's default
// "web" listener admits (its port and protocol stay the chart's), and,
// with a certificate, the HTTPS listener "websecure".
type traefikGatewayListener struct {
	Web struct {
		NamespacePolicy routeNamespaces `json:"namespacePolicy"`
	} `json:"web"`
	Websecure *traefikHTTPSListener `json:"websecure,omitempty"`
}

// traefikHTTPSListener is the HTTPS listener of the default Gateway: on
// Traefik's websecure port, terminating TLS with the certificate's Secret.
type traefikHTTPSListener struct {
	Port            int              `json:"port"`
	Protocol        string           `json:"protocol"`
	Mode            string           `json:"mode"`
	NamespacePolicy routeNamespaces  `json:"namespacePolicy"`
	CertificateRefs []certificateRef `json:"certificateRefs"`
}

type certificateRef struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// traefikPorts are the entry points' settings Plinth changes: the web
// port's redirection to HTTPS, websecure's appProtocol for an edge, and
// the traefik (ping) port exposed for an edge's health probes.
type traefikPorts struct {
	Web       *traefikWebPort     `json:"web,omitempty"`
	Websecure *traefikSecurePort  `json:"websecure,omitempty"`
	Traefik   *traefikExposedPort `json:"traefik,omitempty"`
}

type traefikWebPort struct {
	Redirections struct {
		EntryPoint struct {
			To        string `json:"to"`
			Scheme    string `json:"scheme"`
			Permanent bool   `json:"permanent"`
		} `json:"entryPoint"`
	} `json:"redirections"`
}

type traefikSecurePort struct {
	AppProtocol string `json:"appProtocol"`
}

type traefikExposedPort struct {
	Expose struct {
		Default bool `json:"default"`
	} `json:"expose"`
	ExposedPort int `json:"exposedPort"`
}

// traefikTLSStore serves the wildcard certificate to every TLS connection
// whose route names no certificate of its own.
type traefikTLSStore struct {
	Default struct {
		DefaultCertificate struct {
			SecretName string `json:"secretName"`
		} `json:"defaultCertificate"`
	} `json:"default"`
}

// routeNamespaces is a Gateway API listener's allowedRoutes.namespaces.
type routeNamespaces struct {
	From     string              `json:"from"`
	Selector *helm.LabelSelector `json:"selector,omitempty"`
}

type traefikGWClass struct {
	Enabled bool              `json:"enabled"`
	Name    string            `json:"name,omitempty"`
	Labels  map[string]string `json:"labels,omitempty"`
}

type traefikMetrics struct {
	Prometheus struct {
		EntryPoint string `json:"entryPoint"`
	} `json:"prometheus"`
}

type traefikService struct {
	// Annotations are exactly the backend's; the component adds none.
	Annotations map[string]pulumi.StringInput `json:"annotations,omitempty"`
	Spec        struct {
		ExternalTrafficPolicy string `json:"externalTrafficPolicy"`
		LoadBalancerIP        string `json:"loadBalancerIP,omitempty"`
	} `json:"spec"`
}

type podSecurityContext struct {
	SeccompProfile struct {
		Type string `json:"type"`
	} `json:"seccompProfile"`
}

// The typed values of the ingress-nginx chart (helm.IngressNginx, 4.15).
type ingressNginxValues struct {
	CommonLabels map[string]string      `json:"commonLabels,omitempty"`
	Controller   ingressNginxController `json:"controller"`
}

type ingressNginxController struct {
	ReplicaCount int `json:"replicaCount"`
	// MaxUnavailable sets the PodDisruptionBudget (the chart creates one
	// when it runs more than one replica); when it is set the chart ignores
	// its default minAvailable.
	MaxUnavailable int `json:"maxUnavailable"`
	// IngressClass is the class the controller serves (also the legacy
	// kubernetes.io/ingress.class annotation value); IngressClassResource
	// creates it.
	IngressClass         string                          `json:"ingressClass"`
	IngressClassResource ingressNginxClass               `json:"ingressClassResource"`
	Service              ingressNginxService             `json:"service"`
	Metrics              ingressNginxMetrics             `json:"metrics"`
	TopologySpread       []helm.TopologySpreadConstraint `json:"topologySpreadConstraints"`
	Affinity             *helm.Affinity                  `json:"affinity"`
	Tolerations          []helm.Toleration               `json:"tolerations"`
	// AdmissionWebhooks.Patch.Tolerations lets the chart's install and
	// upgrade jobs (which create the admission webhook's certificate) run
	// wherever the controller can.
	AdmissionWebhooks struct {
		Patch struct {
			Tolerations []helm.Toleration `json:"tolerations"`
		} `json:"patch"`
	} `json:"admissionWebhooks"`
}

type ingressNginxMetrics struct {
	Enabled bool `json:"enabled"`
}

type ingressNginxClass struct {
	Enabled bool   `json:"enabled"`
	Default bool   `json:"default"`
	Name    string `json:"name"`
}

type ingressNginxService struct {
	// Annotations are exactly the backend's; the component adds none.
	Annotations           map[string]pulumi.StringInput `json:"annotations,omitempty"`
	ExternalTrafficPolicy string                        `json:"externalTrafficPolicy"`
	LoadBalancerIP        string                        `json:"loadBalancerIP,omitempty"`
}

// metricsPort is the controller's container port serving Prometheus
// metrics: Traefik's metrics entry point, ingress-nginx's metrics port.
const metricsPort = "metrics"

// traefikEntryPorts are the container ports of Traefik's entry points in
// the chart (web, websecure, traefik with its ping, metrics).
const traefikEntryPorts = "8000,8443,8080,9100"

// gatewayClassLabel marks the GatewayClass a Traefik controller serves.
const gatewayClassLabel = "plinth.dev/gateway-class"

// podLabels are the labels the chart puts on the controller's pods (its
// selector labels) for the release name the component uses.
func (a Args) podLabels() map[string]string {
	if a.Controller == ControllerIngressNginx {
		return map[string]string{
			"app.kubernetes.io/name":      "ingress-nginx",
			"app.kubernetes.io/instance":  ingressNginxRelease,
			"app.kubernetes.io/component": "controller",
		}
	}
	// The chart's instance label is "<release>-<namespace>", cut to 63
	// characters without a trailing '-'.
	instance := traefikRelease + "-" + a.Namespace
	if len(instance) > maxLabelLength {
		instance = instance[:maxLabelLength]
	}
	return map[string]string{
		"app.kubernetes.io/name":     "traefik",
		"app.kubernetes.io/instance": strings.TrimRight(instance, "-"),
	}
}

// serviceName is the name of the controller's Service, which the chart
// derives from the release name.
func (a Args) serviceName() string {
	if a.Controller == ControllerIngressNginx {
		return ingressNginxRelease + "-controller"
	}
	return traefikRelease
}

// release returns the Helm release for resolved args.
// labels are the cluster's tags with Tags over them and managed-by: on the
// namespace and, through commonLabels, on every object the chart creates.
// annotations are the load-balancer annotations of the controller's
// Service, as the backend gives them.
func (a Args) release(path field.Path, labels map[string]string, annotations map[string]pulumi.StringInput) helm.Release {
	r := helm.Release{
		Namespace:   a.Namespace,
		PodSecurity: helm.Restricted,
		Raw:         a.Values,
		RawPath:     path.Child("values"),
		Labels:      labels,
	}
	pods := a.podLabels()
	switch a.Controller {
	case ControllerIngressNginx:
		r.Chart, r.Name = helm.IngressNginx, ingressNginxRelease
		r.Values = a.ingressNginxValues(pods, labels, annotations)
	default:
		r.Chart, r.Name = helm.Traefik, traefikRelease
		r.Values = a.traefikValues(pods, labels, annotations)
	}
	return r
}

func (a Args) traefikValues(pods, labels map[string]string, annotations map[string]pulumi.StringInput) traefikValues {
	v := traefikValues{
		CommonLabels:              labels,
		Deployment:                traefikDeployment{Replicas: a.Replicas},
		PodDisruptionBudget:       helm.PodDisruptionBudget{Enabled: true, MaxUnavailable: 1},
		IngressClass:              traefikClass{Enabled: true, IsDefaultClass: !a.NotDefaultClass, Name: a.IngressClassName},
		TopologySpreadConstraints: helm.ZoneSpread(pods),
		Affinity:                  helm.NodeAntiAffinity(pods),
		Tolerations:               []helm.Toleration{helm.SystemPoolToleration},
	}
	v.Providers.KubernetesIngress = traefikIngressProvider{Enabled: true, IngressClass: a.IngressClassName}
	if g := a.Gateway; g.ClassName != "" {
		v.Providers.KubernetesGateway = traefikGatewayProvider{Enabled: true, LabelSelector: gatewayClassLabel + "=" + g.ClassName}
		v.GatewayClass = traefikGWClass{Enabled: true, Name: g.ClassName, Labels: map[string]string{gatewayClassLabel: g.ClassName}}
		v.Gateway = traefikGateway{Enabled: true, Name: GatewayName, Listeners: &traefikGatewayListener{}}
		ns := routeNamespaces{From: "All"}
		if len(g.RouteNamespaceLabels) > 0 {
			ns = routeNamespaces{From: "Selector", Selector: &helm.LabelSelector{MatchLabels: maps.Clone(g.RouteNamespaceLabels)}}
		}
		v.Gateway.Listeners.Web.NamespacePolicy = ns
		if a.TLSSecret != "" {
			v.Gateway.Listeners.Websecure = &traefikHTTPSListener{
				Port: websecurePort, Protocol: "HTTPS", Mode: "Terminate", NamespacePolicy: ns,
				CertificateRefs: []certificateRef{{Kind: "Secret", Name: a.TLSSecret}},
			}
		}
	}
	if a.TLSSecret != "" || a.Edge {
		v.Ports = &traefikPorts{}
	}
	if a.TLSSecret != "" {
		web := &traefikWebPort{}
		web.Redirections.EntryPoint.To, web.Redirections.EntryPoint.Scheme, web.Redirections.EntryPoint.Permanent = "websecure", "https", true
		v.Ports.Web = web
		v.TLSStore = &traefikTLSStore{}
		v.TLSStore.Default.DefaultCertificate.SecretName = a.TLSSecret
	}
	if a.Edge {
		v.Ports.Websecure = &traefikSecurePort{AppProtocol: "https"}
		ping := &traefikExposedPort{ExposedPort: HealthPort}
		ping.Expose.Default = true
		v.Ports.Traefik = ping
	}
	if a.Mesh {
		v.Deployment.PodAnnotations = map[string]string{
			"linkerd.io/inject": "enabled",
			// The entry points (web, websecure, the ping and metrics
			// ports) take traffic from outside the mesh: it skips the
			// proxy, which would hide the clients' addresses.
			"config.linkerd.io/skip-inbound-ports": traefikEntryPorts,
		}
		v.Providers.KubernetesIngress.NativeLB = true
		v.Providers.KubernetesGateway.NativeLB = v.Providers.KubernetesGateway.Enabled
	}
	v.Metrics.Prometheus.EntryPoint = metricsPort
	v.Service.Annotations = annotations
	v.Service.Spec.ExternalTrafficPolicy = externalTrafficPolicy
	v.Service.Spec.LoadBalancerIP = a.LoadBalancerIP
	v.PodSecurityContext.SeccompProfile.Type = "RuntimeDefault"
	return v
}

func (a Args) ingressNginxValues(pods, labels map[string]string, annotations map[string]pulumi.StringInput) ingressNginxValues {
	c := ingressNginxController{
		ReplicaCount:         a.Replicas,
		MaxUnavailable:       1,
		IngressClass:         a.IngressClassName,
		IngressClassResource: ingressNginxClass{Enabled: true, Default: !a.NotDefaultClass, Name: a.IngressClassName},
		Service:              ingressNginxService{Annotations: annotations, ExternalTrafficPolicy: externalTrafficPolicy, LoadBalancerIP: a.LoadBalancerIP},
		TopologySpread:       helm.ZoneSpread(pods),
		Affinity:             helm.NodeAntiAffinity(pods),
		Tolerations:          []helm.Toleration{helm.SystemPoolToleration},
	}
	c.AdmissionWebhooks.Patch.Tolerations = []helm.Toleration{helm.SystemPoolToleration}
	c.Metrics.Enabled = true
	return ingressNginxValues{CommonLabels: labels, Controller: c}
}

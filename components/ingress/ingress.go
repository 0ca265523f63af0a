package ingress

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Ingress component.
const TypeToken = "plinth:components:Ingress"

// Controller is the ingress controller the component installs.
type Controller string

// The controllers the component can install.
const (
	// ControllerTraefik is Traefik Proxy v3 (the pinned helm.Traefik chart):
	// a maintained controller that serves the Ingress API and the Gateway
	// API. It is the default.
	ControllerTraefik Controller = "traefik"

	// ControllerIngressNginx is ingress-nginx (the pinned helm.IngressNginx
	// chart), kept only so that clusters running it can move to Plinth and
	// then to Traefik one step at a time.
	//
	// Deprecated: ingress-nginx was retired upstream in March 2026 and gets
	// no more releases and no CVE fixes. Use it only while migrating, and
	// move to ControllerTraefik (see docs/components/ingress.md, "Migrating
	// from ingress-nginx"). It does not serve the Gateway API.
	ControllerIngressNginx Controller = "ingress-nginx"
)

// Controllers lists the valid controllers, the default first.
var Controllers = []Controller{ControllerTraefik, ControllerIngressNginx}

// Args are an Ingress's settings: plain data, the same in Go and YAML.
// Every field has a default, documented on the field.
type Args struct {
	// Controller is the ingress controller. Unset: DefaultController
	// (ControllerTraefik). ControllerIngressNginx is deprecated and meant
	// for migrations only.
	Controller Controller

	// Public exposes the load balancer on a public address. Unset: internal,
	// with an address from the network's ingress subnet. Production
	// refuses a bare public load balancer: public traffic comes through
	// the environment's edge (components/edge), with a firewall.
	Public bool

	// LoadBalancerIP is the internal load balancer's address, in the
	// network's ingress subnet: fixed, so that DNS records, firewall rules
	// and the edge's origin name it before the load balancer exists, and
	// it survives the Service being recreated. Unset: the subnet's address
	// DefaultAddressOffset. Not with Public.
	LoadBalancerIP string

	// TLSSecret names the Secret, in Namespace, of the environment's
	// wildcard certificate (cert-manager's, for the DNS zone and every name
	// one level below it). With it the default Gateway gets the HTTPS
	// listener "websecure", Traefik serves the certificate to every TLS
	// Ingress that names none, and plain HTTP redirects to HTTPS. The
	// environment sets it; unset: HTTP only.
	TLSSecret string `yaml:"-"`

	// Edge prepares the controller for the environment's edge: its
	// Service exposes the health port (HealthPort, HealthPath), its HTTPS
	// port declares appProtocol https, and, on clouds whose edge reaches
	// the internal load balancer through Private Link, the load balancer
	// is published as the Private Link service PrivateLink. The
	// environment sets both.
	Edge        bool   `yaml:"-"`
	PrivateLink string `yaml:"-"`

	// Mesh joins the controller to the service mesh (components/mesh):
	// its pods get the mesh's proxy, so that its calls into meshed team
	// namespaces carry its mesh identity, which they admit; its entry
	// ports skip the proxy, so that it still sees the clients' addresses;
	// and it routes to Services' cluster IPs, which the mesh balances.
	// Traefik only. The environment sets it with its mesh.
	Mesh bool `yaml:"-"`

	// IngressClassName names the IngressClass, a DNS subdomain name. Unset:
	// DefaultTraefikClassName ("traefik") or DefaultIngressNginxClassName
	// ("nginx"). Two controllers in one cluster need different names.
	IngressClassName string

	// NotDefaultClass keeps the IngressClass from being the cluster's
	// default. Unset: it is the default, so Ingresses that name no class
	// use this controller. Only one class per cluster may be the default.
	NotDefaultClass bool

	// Gateway configures the Gateway API side of a Traefik controller.
	// Unset: a GatewayClass and a default Gateway (GatewayName) that accepts
	// HTTP routes from every namespace. ingress-nginx does not serve the
	// Gateway API: with it, leave Gateway unset.
	Gateway Gateway

	// Replicas is the number of controller pods. Unset: DefaultReplicas
	// (2). 1 is accepted only when set explicitly and not in production.
	Replicas int

	// Namespace is the namespace the component creates and installs the
	// controller in, a DNS label. Unset: DefaultNamespace ("ingress"). Two
	// controllers in one cluster need different namespaces.
	Namespace string

	// Values are raw Helm values for the chart, merged over the typed ones:
	// they may add keys at any depth, and a key the component sets from a
	// typed field is an error naming ingress.values[...]. Unset: none.
	Values map[string]any

	// Tags are labels on the namespace and, through the chart's
	// commonLabels, on every object the chart creates, merged over the
	// cluster's tags, together with "managed-by": "plinth". GCP label rules
	// apply. Unset: the cluster's tags.
	Tags map[string]string
}

// Gateway configures the Gateway API side of a Traefik controller.
type Gateway struct {
	// Disabled creates neither the GatewayClass nor the Gateway and turns
	// Traefik's Gateway API provider off. Unset: on with Traefik.
	Disabled bool
	// ClassName names the GatewayClass, a DNS subdomain name. Unset:
	// DefaultGatewayClassName ("traefik"). Two controllers in one cluster
	// need different names.
	ClassName string
	// RouteNamespaceLabels limits the namespaces whose routes may attach to
	// the default Gateway to those carrying all these labels. Unset: routes
	// from every namespace attach, as Ingresses from every namespace use the
	// IngressClass.
	RouteNamespaceLabels map[string]string
}

// Ingress is the component resource. Its fields are set once New returns.
type Ingress struct {
	pulumi.ResourceState

	// Spec is the resolved Args: every default applied.
	Spec Args
	// Release is the controller's Helm release; depend on it to order
	// objects after the controller (and its IngressClass) exists.
	Release *helm.ReleaseResource

	// IngressClassName is the IngressClass Ingresses name in
	// spec.ingressClassName. Known once the release is deployed.
	IngressClassName pulumi.StringOutput `pulumi:"ingressClassName"`
	// GatewayClassName is the GatewayClass of the controller; empty when
	// the Gateway API is off or the controller is ingress-nginx.
	GatewayClassName pulumi.StringOutput `pulumi:"gatewayClassName"`
	// GatewayName is the default Gateway in Namespace that routes attach
	// to; empty when GatewayClassName is.
	GatewayName pulumi.StringOutput `pulumi:"gatewayName"`
	// Namespace is the namespace the controller runs in.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// Address is the load balancer's address (an IP, or a hostname where
	// the cloud gives one), read from the controller's Service after the
	// release; unknown in a preview before the first deployment.
	Address pulumi.StringOutput `pulumi:"address"`
}

// Resolved is an ingress's settings, validated and completed against its
// target and cluster: what New installs. Only Args.Resolve makes one.
type Resolved struct {
	spec   Args
	name   string
	path   field.Path
	labels map[string]string
	// metrics is the controller's metrics endpoint and monitor, nil when
	// the cluster's managed metrics are off.
	metrics *scrape.Target
	monitor platform.PodMonitorKind
}

// Spec returns the completed settings.
func (r Resolved) Spec() Args { return r.spec }

// ServiceName is the controller's Service in the ingress's namespace.
func (r Resolved) ServiceName() string { return r.spec.serviceName() }

// ServiceAccountName is the controller's service account, as the chart
// names it: the identity the mesh knows it by.
func (r Resolved) ServiceAccountName() string { return r.spec.serviceName() }

// DeploymentName is the controller's Deployment, as the chart names it.
func (r Resolved) DeploymentName() string { return r.spec.serviceName() }

// RequestMetric returns the controller's Prometheus request counter and its
// status-code label, for the alert on the ingress's 5xx ratio.
func (r Resolved) RequestMetric() (counter, codeLabel string) {
	if r.spec.Controller == ControllerIngressNginx {
		return "nginx_ingress_controller_requests", "status"
	}
	return "traefik_entrypoint_requests_total", "code"
}

// New installs the controller r describes into host (the cluster r was
// resolved against), behind a load balancer annotated by backend.
func New(ctx *pulumi.Context, r Resolved, backend platform.LoadBalancerBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*Ingress, error) {
	name, spec := r.name, r.spec
	switch {
	case name == "":
		return nil, errors.New("ingress: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("ingress %q: no backend; pass the backend the cluster was created with", name)
	}
	if err := cluster.CheckHost("ingress", name, host); err != nil {
		return nil, err
	}
	annotations := maps.Clone(backend.LoadBalancerAnnotations(platform.LoadBalancerSpec{
		Public:      spec.Public,
		Network:     host.ClusterSpec().Network,
		PrivateLink: spec.PrivateLink,
	}))
	release := spec.release(r.path, r.labels, annotations)
	// Raw values over the backend's annotations, which Resolve cannot know,
	// are refused before anything is registered.
	if _, err := release.FinalValues(); err != nil {
		return nil, err
	}

	c := &Ingress{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}
	if spec.Controller == ControllerIngressNginx {
		// Shown on every preview and update until the migration is done.
		_ = ctx.Log.Warn(fmt.Sprintf("ingress %q: ingress-nginx was retired upstream in March 2026 and gets no more releases or CVE fixes; "+
			"migrate to the Traefik controller (docs/components/ingress.md)", name), &pulumi.LogArgs{Resource: c})
	}

	provider := host.KubernetesProvider()
	installed, err := helm.Install(ctx, platform.ChildName(name, "ingress"), release, pulumi.Parent(c), pulumi.Provider(provider))
	if err != nil {
		return nil, fmt.Errorf("ingress %q: %w", name, err)
	}
	c.Release = installed.Release
	c.Namespace = installed.Namespace.Metadata.Name().Elem()
	if r.metrics != nil {
		// The controller's metrics, scraped by the cluster's managed
		// Prometheus once the release has created the namespace.
		if _, err := scrape.PodMonitor(ctx, platform.ChildName(name, "ingress-metrics"), spec.serviceName(), r.monitor, *r.metrics,
			pulumi.Parent(c), pulumi.Provider(provider), pulumi.DependsOn([]pulumi.Resource{installed.Release})); err != nil {
			return nil, fmt.Errorf("ingress %q: %w", name, err)
		}
	}

	// The class names are plain values, but they are published only once
	// the release (which creates the classes) is deployed, so that whatever
	// uses them is ordered after it.
	after := func(v string) pulumi.StringOutput {
		return installed.Release.Status.ApplyT(func(map[string]any) string { return v }).(pulumi.StringOutput)
	}
	c.IngressClassName = after(spec.IngressClassName)
	gatewayName := ""
	if spec.Gateway.ClassName != "" {
		gatewayName = GatewayName
	}
	c.GatewayClassName = after(spec.Gateway.ClassName)
	c.GatewayName = after(gatewayName)

	if spec.Public {
		c.Address, err = readAddress(ctx, name, spec, installed.Release, c, provider)
		if err != nil {
			return nil, fmt.Errorf("ingress %q: %w", name, err)
		}
	} else {
		// The internal address is fixed: known in every preview, and
		// depending on nothing, so that a saved plan's records and origins
		// stay as planned.
		c.Address = pulumi.String(spec.LoadBalancerIP).ToStringOutput()
	}

	err = ctx.RegisterResourceOutputs(c, pulumi.Map{
		"ingressClassName": c.IngressClassName,
		"gatewayClassName": c.GatewayClassName,
		"gatewayName":      c.GatewayName,
		"namespace":        c.Namespace,
		"address":          c.Address,
	})
	return c, err
}

// readAddress reads the controller's Service after the release and returns
// its load-balancer address: the first ingress entry's IP, or its hostname.
// The read is registered once the release's status names the Service's
// namespace: in a preview before the first deployment (no Service yet)
// the address is unknown, and nothing depends on a read that did not
// happen (a read of an unknown ID has no URN, which the engine refuses as
// a dependency of the resources that use the address).
func readAddress(ctx *pulumi.Context, name string, spec Args, release *helm.ReleaseResource, parent pulumi.Resource, provider pulumi.ProviderResource) (pulumi.StringOutput, error) {
	svcName := spec.serviceName()
	return release.Status.ApplyT(func(status map[string]any) (pulumi.StringOutput, error) {
		ns, _ := status["namespace"].(string)
		svc, err := corev1.GetService(ctx, platform.ChildName(name, "controller-service"), pulumi.ID(ns+"/"+svcName), nil,
			pulumi.Provider(provider), pulumi.Parent(parent), pulumi.DependsOn([]pulumi.Resource{release}))
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		return svc.Status.ApplyT(loadBalancerAddress).(pulumi.StringOutput), nil
	}).(pulumi.StringOutput), nil
}

// loadBalancerAddress is a Service status's load-balancer address: the
// first ingress entry's IP, or its hostname; "" before it has one.
func loadBalancerAddress(s *corev1.ServiceStatus) string {
	if s == nil || s.LoadBalancer == nil || len(s.LoadBalancer.Ingress) == 0 {
		return ""
	}
	in := s.LoadBalancer.Ingress[0]
	switch {
	case in.Ip != nil && *in.Ip != "":
		return *in.Ip
	case in.Hostname != nil:
		return *in.Hostname
	}
	return ""
}

// Resolve validates a against t and the resolved cluster the controller
// runs in, applies the defaults and returns what New installs. Problems are
// reported under path, all at once, including raw values that collide with
// typed ones. It is pure: it asks no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	full := a.withDefaults()
	errs = append(errs, full.validate(path, t, c)...)
	ip, err := full.internalAddress(path.Child("loadBalancerIP"), c)
	errs.Add(err)
	full.LoadBalancerIP = ip
	labels := platform.Tags(nil).Merge(c.Tags, full.Tags, map[string]string{managedByKey: managedByValue})
	if slices.Contains(Controllers, full.Controller) {
		// Raw values that collide with typed ones, for the chart in use.
		// The load balancer's annotations are the backend's, added by New.
		_, err := full.release(path, labels, map[string]pulumi.StringInput{}).FinalValues()
		errs.Extend(path.Child("values"), err)
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	metrics := scrape.For(t.Cloud.PodMonitor, c, scrape.Target{
		Namespace: full.Namespace, Selector: full.podLabels(), Port: metricsPort, Path: "/metrics", Labels: labels,
	})
	return Resolved{spec: full, name: name, path: path, labels: labels, metrics: metrics, monitor: t.Cloud.PodMonitor}, nil
}

package mesh

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Mesh component.
const TypeToken = "plinth:components:Mesh"

// Args are the mesh's settings: plain data, the same in Go and YAML.
// Every field has a default; an environment without a mesh leaves
// Environment.Mesh nil.
type Args struct {
	// HA runs the control plane highly available: ControllerReplicas
	// replicas of each controller on different nodes, spread over zones,
	// with disruption budgets, and admission webhooks that fail closed.
	// Production refuses false. Unset: true in staging and production,
	// false in dev (the environment decides from its class; used alone,
	// the component takes true in production only).
	HA *bool

	// KeepPreviousAnchor trusts the certificate kept in the Secret
	// PreviousAnchorSecret of cert-manager's namespace beside the current
	// trust anchor, while the anchor is rotated
	// (docs/operations/rotating-the-mesh-trust-anchor.md). The Secret holds
	// the old anchor's certificate only, never its key. Unset: false.
	KeepPreviousAnchor bool

	// Values are raw values of the linkerd-control-plane chart merged
	// over Plinth's. They may add keys; a key Plinth sets is an error
	// naming its path. Unset: none.
	Values map[string]any

	// Tags are labels on the mesh's namespaces and, through the charts'
	// commonLabels, on what they create, merged over the cluster's tags
	// with "managed-by": "plinth". Unset: the cluster's tags.
	Tags map[string]string
}

// Names in the cluster, fixed so that the teams' namespaces, the alerts
// and the runbooks can name them.
const (
	// Namespace is the control plane's namespace.
	Namespace = "linkerd"
	// CNINamespace is the CNI plugin's namespace.
	CNINamespace = "linkerd-cni"
	// TrustAnchorSecret is the trust anchor's Secret in cert-manager's
	// namespace, and the name of its Certificate and ClusterIssuer.
	TrustAnchorSecret = "linkerd-trust-anchor"
	// PreviousAnchorSecret holds the previous anchor's certificate during
	// a rotation (Args.KeepPreviousAnchor).
	PreviousAnchorSecret = "linkerd-previous-anchor"
	// IdentityIssuerSecret is the identity issuer's Secret in Namespace,
	// and the name of its Certificate.
	IdentityIssuerSecret = "linkerd-identity-issuer"
	// TrustRoots is the trust-manager Bundle, and the ConfigMap in
	// Namespace it writes, holding the trust anchors' certificates.
	TrustRoots = "linkerd-identity-trust-roots"
	// TrustRootsKey is the ConfigMap's key Linkerd reads.
	TrustRootsKey = "ca-bundle.crt"
	// TrustDomain is the mesh's identity trust domain: a workload's
	// identity is "<service account>.<namespace>.serviceaccount.identity.
	// linkerd.<TrustDomain>".
	TrustDomain = "cluster.local"
	// ControllerReplicas is the replica count of each controller when HA.
	ControllerReplicas = 3
)

// Certificate lifetimes (Go durations, as cert-manager takes them). The
// anchor lives ten years and is renewed a year before it expires, which
// the runbook does deliberately, with the previous anchor kept, before
// cert-manager would (alert MeshTrustAnchorExpiring). The identity issuer
// lives two days and is renewed after one: an issuer that leaks is
// useless within hours of its renewal.
const (
	AnchorDuration         = "87600h"
	AnchorRenewBefore      = "8760h"
	IdentityIssuerDuration = "48h"
	IdentityIssuerRenew    = "25h"
)

// The ports the meshed pods' proxies use toward the control plane, and
// the proxy's admin port, for the teams' network policies.
const (
	// IdentityPort, DestinationPort and PolicyPort are the control
	// plane's gRPC ports every proxy calls.
	IdentityPort    = 8080
	DestinationPort = 8086
	PolicyPort      = 8090
	// ProxyAdminPort serves each proxy's /metrics, /live and /ready;
	// ProxyAdminPortName is its container port's name.
	ProxyAdminPort     = 4191
	ProxyAdminPortName = "linkerd-admin"
)

// Mesh is the component resource. Its fields are set once New returns.
type Mesh struct {
	pulumi.ResourceState

	// Namespace is the control plane's namespace; depending on it orders
	// a meshed namespace after the mesh exists.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// ControlPlane is the linkerd-control-plane release.
	ControlPlane *helm.ReleaseResource
}

// Resolved is the mesh's settings, validated and completed against the
// target and the cluster: what New installs. Only Args.Resolve makes one.
type Resolved struct {
	name string
	args Args
	// ingress is the meshed ingress controller's Deployment, restarted
	// into the mesh (WithIngress).
	ingress  *deploymentRef
	ha       bool
	cniBin   string
	labels   map[string]string
	monitor  platform.PodMonitorKind
	scrape   bool
	release  helm.Release
	valuesAt field.Path
}

// Spec returns the completed settings.
func (r Resolved) Spec() Args { return r.args }

// deploymentRef names a Deployment.
type deploymentRef struct{ namespace, name string }

// WithIngress returns r that restarts the ingress controller's Deployment
// name in namespace into the mesh: its pods, which may have started before
// the proxy injector ran, are rolled once the control plane is deployed,
// and again on each of its upgrades, so that they carry a current proxy.
func (r Resolved) WithIngress(namespace, name string) Resolved {
	r.ingress = &deploymentRef{namespace, name}
	return r
}

// HA reports whether the control plane runs highly available.
func (r Resolved) HA() bool { return r.ha }

// Resolve validates a against t and the resolved cluster c, applies the
// defaults and returns what New installs. Problems are reported under
// path, all at once, raw values that collide with typed ones included. It
// is pure.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	ha := t.Production
	if a.HA != nil {
		ha = *a.HA
		if !ha && t.Production {
			errs.Addf(path.Child("ha"), false, "a production mesh runs its control plane highly available: losing its one identity or destination controller stops every meshed pod from starting; remove ha")
		}
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	labels := platform.Tags(nil).Merge(c.Tags, a.Tags, map[string]string{"managed-by": platform.ManagedBy})
	r := Resolved{
		name: name, args: a, ha: ha, cniBin: t.Cloud.CNIBinDir, labels: labels,
		monitor: t.Cloud.PodMonitor, scrape: scrape.For(t.Cloud.PodMonitor, c, scrape.Target{}) != nil,
		valuesAt: path.Child("values"),
	}
	a.Tags = platform.Tags(a.Tags).Merge()
	r.args = a
	r.release = r.controlPlaneRelease()
	_, err := r.release.FinalValues()
	errs.Extend(path.Child("values"), err)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return r, nil
}

// New installs the mesh r describes into host, after cert-manager cm,
// whose issuers root its trust.
func New(ctx *pulumi.Context, r Resolved, host cluster.Host, cm *certmanager.CertManager, opts ...pulumi.ResourceOption) (*Mesh, error) {
	switch {
	case r.name == "":
		return nil, errors.New("mesh: not resolved; pass what Args.Resolve returns")
	case cm == nil || cm.Release == nil:
		return nil, fmt.Errorf("mesh %q: no cert-manager; pass the *certmanager.CertManager of the cluster, which issues the mesh's certificates", r.name)
	}
	if err := cluster.CheckHost("mesh", r.name, host); err != nil {
		return nil, err
	}
	m := &Mesh{}
	if err := ctx.RegisterComponentResource(TypeToken, r.name, m, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(m), pulumi.Provider(host.KubernetesProvider())}
	after := func(deps ...pulumi.Resource) []pulumi.ResourceOption {
		return append(append([]pulumi.ResourceOption{}, k8s...), pulumi.DependsOn(deps))
	}
	child := func(role string) string { return platform.ChildName(r.name, role) }

	// The CNI plugin, on every node, before any meshed pod starts.
	cni, err := helm.Install(ctx, child("linkerd-cni"), helm.Release{
		Chart: helm.LinkerdCNI, Name: "linkerd-cni", Namespace: CNINamespace,
		// The plugin writes the nodes' CNI configuration (hostPath).
		PodSecurity: helm.Privileged, Values: r.cniValues(), Labels: r.labels,
	}, k8s...)
	if err != nil {
		return nil, err
	}

	// Trust: the anchor, its issuer, and the identity issuer it signs.
	anchor, err := r.certificate(ctx, child("trust-anchor"), cm.Namespace, TrustAnchorSecret, certmanager.CertificateSpec{
		IsCA: true, CommonName: "root.linkerd." + TrustDomain, SecretName: TrustAnchorSecret,
		Duration: AnchorDuration, RenewBefore: AnchorRenewBefore,
		PrivateKey: &certmanager.CertificatePrivateKey{Algorithm: "ECDSA", Size: 256, RotationPolicy: "Always"},
		IssuerRef:  certmanager.IssuerRef{Name: certmanager.SelfSignedIssuerName, Kind: "ClusterIssuer", Group: "cert-manager.io"},
	}, after(cm.Release)...)
	if err != nil {
		return nil, err
	}
	issuer, err := apiextensions.NewCustomResource(ctx, child("trust-anchor-issuer"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("cert-manager.io/v1"),
		Kind:        pulumi.String("ClusterIssuer"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(TrustAnchorSecret), Labels: pulumi.ToStringMap(r.labels)},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(certmanager.ClusterIssuerSpec{CA: &certmanager.CAIssuer{SecretName: TrustAnchorSecret}})},
	}, after(anchor)...)
	if err != nil {
		return nil, err
	}
	ns, err := corev1.NewNamespace(ctx, child("linkerd-namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name: pulumi.String(Namespace),
			Labels: pulumi.ToStringMap(platform.Tags(r.labels).Merge(map[string]string{
				// trust-manager writes the trust roots where this is set.
				"linkerd.io/is-control-plane":          "true",
				"linkerd.io/control-plane-ns":          Namespace,
				"config.linkerd.io/admission-webhooks": "disabled",
				// The CNI plugin lets every control-plane pod run restricted.
				"pod-security.kubernetes.io/enforce": string(helm.Restricted),
				"pod-security.kubernetes.io/warn":    string(helm.Restricted),
			})),
			Annotations: pulumi.StringMap{"linkerd.io/inject": pulumi.String("disabled")},
		},
	}, k8s...)
	if err != nil {
		return nil, err
	}
	m.Namespace = ns.Metadata.Name().Elem()
	identity, err := r.certificate(ctx, child("identity-issuer"), m.Namespace, IdentityIssuerSecret, certmanager.CertificateSpec{
		IsCA: true, CommonName: "identity.linkerd." + TrustDomain, DNSNames: []string{"identity.linkerd." + TrustDomain},
		SecretName: IdentityIssuerSecret, Duration: IdentityIssuerDuration, RenewBefore: IdentityIssuerRenew,
		PrivateKey: &certmanager.CertificatePrivateKey{Algorithm: "ECDSA", Size: 256, RotationPolicy: "Always"},
		IssuerRef:  certmanager.IssuerRef{Name: TrustAnchorSecret, Kind: "ClusterIssuer", Group: "cert-manager.io"},
	}, after(issuer)...)
	if err != nil {
		return nil, err
	}
	trustManager, err := helm.InstallInto(ctx, child("trust-manager"), helm.Release{
		Chart: helm.TrustManager, Name: "trust-manager", Values: r.trustManagerValues(),
	}, cm.Namespace, after(cm.Release, ns)...)
	if err != nil {
		return nil, err
	}
	bundle, err := apiextensions.NewCustomResource(ctx, child("trust-roots"), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("trust.cert-manager.io/v1alpha1"),
		Kind:        pulumi.String("Bundle"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(TrustRoots), Labels: pulumi.ToStringMap(r.labels)},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(r.bundle())},
	}, after(trustManager, anchor, ns)...)
	if err != nil {
		return nil, err
	}

	// The control plane, once its trust roots and issuer exist: its pods
	// mount both.
	crds, err := helm.InstallInto(ctx, child("linkerd-crds"), helm.Release{
		Chart: helm.LinkerdCRDs, Name: "linkerd-crds", Values: crdsValues{InstallGatewayAPI: false},
	}, m.Namespace, k8s...)
	if err != nil {
		return nil, err
	}
	m.ControlPlane, err = helm.InstallInto(ctx, child("linkerd-control-plane"), r.release, m.Namespace, after(crds, cni.Release, identity, bundle)...)
	if err != nil {
		return nil, err
	}
	if r.ingress != nil {
		if err := r.restartIngress(ctx, child("ingress-restart"), m.ControlPlane, after(m.ControlPlane)); err != nil {
			return nil, err
		}
	}
	if r.scrape {
		for _, c := range controllers {
			t := scrape.Target{
				Namespace: Namespace, Selector: map[string]string{"linkerd.io/control-plane-component": c.component},
				Port: c.port, Path: "/metrics", Labels: r.labels,
			}
			if _, err := scrape.PodMonitor(ctx, child("linkerd-"+c.component+"-metrics"), "linkerd-"+c.component, r.monitor, t, after(m.ControlPlane)...); err != nil {
				return nil, err
			}
		}
	}
	return m, ctx.RegisterResourceOutputs(m, pulumi.Map{"namespace": m.Namespace})
}

// controllers are the control plane's controllers and their metrics
// ports: identity's carries issuer_cert_ttl_seconds, which the alerts read.
var controllers = []struct{ component, port string }{
	{"identity", "ident-admin"},
	{"destination", "dest-admin"},
	{"proxy-injector", "injector-admin"},
}

// certificate registers the cert-manager Certificate object in namespace.
func (r Resolved) certificate(ctx *pulumi.Context, name string, namespace pulumi.StringInput, object string, spec certmanager.CertificateSpec, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	spec.SecretTemplate = &certmanager.SecretTemplate{Labels: r.labels}
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("cert-manager.io/v1"),
		Kind:        pulumi.String("Certificate"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(object), Namespace: namespace, Labels: pulumi.ToStringMap(r.labels)},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(spec)},
	}, opts...)
}

// RestartAnnotation is the pod-template annotation of the meshed ingress
// controller whose value is the control plane's Helm revision: a new
// revision rolls the controller's pods, which the injector then meshes.
const RestartAnnotation = "plinth.dev/mesh-control-plane-revision"

// deploymentPatchType is the Kubernetes provider's server-side patch of a
// Deployment, registered by type token as internal/helm registers its
// release: the component needs none of the typed apps/v1 package.
const deploymentPatchType = "kubernetes:apps/v1:DeploymentPatch"

// deploymentPatch is a DeploymentPatch's inputs: the pod template's
// annotation, forced over other field managers (Helm owns the rest).
type deploymentPatch struct {
	Metadata patchMetadata `json:"metadata"`
	Spec     patchSpec     `json:"spec"`
}

type patchMetadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type patchSpec struct {
	Template patchTemplate `json:"template"`
}

type patchTemplate struct {
	Metadata podMetadata `json:"metadata"`
}

type podMetadata struct {
	Annotations map[string]pulumi.StringInput `json:"annotations"`
}

// restartIngress patches the ingress controller's pod template with the
// revision of the control plane cp, once it is deployed.
func (r Resolved) restartIngress(ctx *pulumi.Context, name string, cp *helm.ReleaseResource, opts []pulumi.ResourceOption) error {
	revision := cp.Status.ApplyT(func(status map[string]any) string {
		return fmt.Sprint(status["revision"])
	}).(pulumi.StringOutput)
	var patch pulumi.CustomResourceState
	return ctx.RegisterResource(deploymentPatchType, name, helm.Encode(deploymentPatch{
		Metadata: patchMetadata{
			Name: r.ingress.name, Namespace: r.ingress.namespace,
			// The annotation is the mesh's; Helm keeps the rest.
			Annotations: map[string]string{"pulumi.com/patchForce": "true"},
		},
		Spec: patchSpec{Template: patchTemplate{Metadata: podMetadata{
			Annotations: map[string]pulumi.StringInput{RestartAnnotation: revision},
		}}},
	}), &patch, opts...)
}

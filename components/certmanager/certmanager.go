package certmanager

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// TypeToken is the Pulumi type of the CertManager component. It is part of
// every child's URN: changing it would replace every child.
const TypeToken = "plinth:components:CertManager"

// Args are a CertManager's settings. Email is required, and one of
// DNSZone and IngressClass; every other field has a default, documented on
// the field.
type Args struct {
	// Email is the ACME account's contact address; the ACME server sends
	// expiry and account notices there. Required.
	Email string

	// DNSZone is the public DNS zone ACME DNS01 challenges are answered in;
	// the ACME issuers use it for the zone's names and subdomains. It needs
	// a cloud with a DNS01 solver (platform.CloudFacts.DNS01). Unset: no DNS01, no cloud identity; HTTP01
	// through IngressClass.
	DNSZone *DNSZone `yaml:"-"`

	// IngressClass is the ingress class HTTP01 challenges are served
	// through. Required without DNSZone. With DNSZone it serves the names
	// outside the zone. Unset with DNSZone: only the zone's names can be
	// issued by ACME.
	IngressClass string

	// ACMEServer is the ACME directory of the production issuer, an https
	// URL. Unset: DefaultACMEServer (Let's Encrypt).
	ACMEServer string

	// ACMEStagingServer is the ACME directory of the staging issuer, an
	// https URL. Unset: DefaultACMEStagingServer (Let's Encrypt staging).
	ACMEStagingServer string

	// Replicas is the replica count of the controller, the webhook and the
	// CA injector. From two replicas each gets a PodDisruptionBudget, zone
	// spread and node anti-affinity; production refuses fewer than two.
	// Unset: DefaultReplicas.
	Replicas int

	// Wildcard asks for the environment's wildcard certificate: the DNS
	// zone's name and every name one level below it ("*.<zone>"), from the
	// production issuer through DNS01, kept in the Secret
	// Wildcard.SecretName of Wildcard.Namespace (the ingress's, whose
	// default Gateway and TLS store serve it). It needs DNSZone. The
	// environment sets it; unset: none.
	Wildcard *Wildcard `yaml:"-"`

	// Values are raw chart values merged over Plinth's. They may add keys;
	// a key Plinth sets is an error naming its path. Unset: none.
	Values map[string]any

	// Tags go on the workload identity's cloud resources, and as labels on
	// the namespace, the chart's objects and the issuers (with
	// "managed-by": "plinth"). They are merged over the cluster's tags.
	// Keys and values follow GCP label rules.
	Tags map[string]string
}

// ZoneFromDNS is the DNSZone.ID of a zone that the environment's DNS
// component creates, whose ID is known only once it exists: Resolve
// accepts it, and New needs the ID through Resolved.WithZoneID.
var ZoneFromDNS pulumi.StringInput = pendingZone{}

// pendingZone is ZoneFromDNS's type.
type pendingZone struct{ pulumi.StringOutput }

// WithZoneID returns r with the DNS zone's ID id: the ID of a zone
// resolved with ZoneFromDNS, once the DNS component created it.
func (r Resolved) WithZoneID(id pulumi.StringInput) Resolved {
	if r.r == nil || r.r.DNSZone == nil {
		return r
	}
	c := *r.r
	z := *c.DNSZone
	z.ID = id
	c.DNSZone = &z
	c.zoneFromDNS = true
	return Resolved{&c}
}

// WithWildcardAfter returns r whose wildcard certificate (Args.Wildcard)
// waits for after: the component that creates the certificate's
// namespace, the ingress's, whose children it waits for too.
func (r Resolved) WithWildcardAfter(after pulumi.Resource) Resolved {
	if r.r == nil {
		return r
	}
	c := *r.r
	c.wildcardAfter = after
	return Resolved{&c}
}

// Wildcard is where the environment's wildcard certificate goes.
type Wildcard struct {
	// Namespace and SecretName name its Secret.
	Namespace, SecretName string
}

// DNSZone is a public DNS zone cert-manager writes ACME challenge records
// in.
type DNSZone struct {
	// Name is the zone's DNS name, e.g. "dev.example.com", lowercase and
	// without a trailing dot. Required.
	Name string
	// ID identifies the zone. On Azure it is the zone's resource ID,
	// /subscriptions/<subscription>/resourceGroups/<group>/providers/
	// Microsoft.Network/dnszones/<zone>; on GCP the managed zone's resource
	// name, projects/<project>/managedZones/<zone name> (a managed zone's
	// name is not its DNS name). It is also the scope of the identity's
	// only grant: it changes records in this zone and no other. Required.
	ID pulumi.StringInput
}

// CertManager is the component resource. Its fields are set once New
// returns.
type CertManager struct {
	pulumi.ResourceState

	// Identity is the controller's workload identity; nil without DNSZone.
	Identity *platform.WorkloadIdentity
	// Release is the cert-manager Helm release.
	Release *helm.ReleaseResource

	// Namespace is where cert-manager runs, Namespace.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// ProductionIssuer, StagingIssuer and InternalCAIssuer are the names
	// of the ClusterIssuers, for cert-manager.io/cluster-issuer
	// annotations; depending on them orders a workload after its issuer.
	ProductionIssuer pulumi.StringOutput `pulumi:"productionIssuer"`
	StagingIssuer    pulumi.StringOutput `pulumi:"stagingIssuer"`
	InternalCAIssuer pulumi.StringOutput `pulumi:"internalCaIssuer"`
}

// Resolved is a cert-manager's settings, validated and completed against
// its target and cluster: what New installs. Only Args.Resolve makes one.
type Resolved struct{ r *resolved }

// Spec returns the completed settings.
func (r Resolved) Spec() Args {
	if r.r == nil {
		return Args{}
	}
	return r.r.Args
}

// resolved is Args with every default applied and what New derives from
// them.
type resolved struct {
	Args
	name   string
	path   field.Path
	cloud  platform.CloudFacts
	tags   platform.Tags
	labels map[string]string
	// metrics is the controller's metrics endpoint, nil when the
	// cluster's managed metrics are off.
	metrics *scrape.Target
	// wildcardAfter is what the wildcard certificate waits for: the
	// component that creates its namespace (WithWildcardAfter).
	wildcardAfter pulumi.Resource
	// zoneFromDNS marks a zone ID the DNS component's backend gave
	// (WithZoneID): the backend's own form, not the user's to check.
	zoneFromDNS bool
}

// New installs cert-manager as r describes into host (the cluster r was
// resolved against) with its ClusterIssuers, and with a DNS zone a
// workload identity through backend.
func New(ctx *pulumi.Context, res Resolved, backend platform.WorkloadIdentityBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*CertManager, error) {
	r := res.r
	switch {
	case r == nil:
		return nil, errors.New("certManager: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("certManager %q: no backend; pass the backend the cluster was created with", r.name)
	}
	if z := r.DNSZone; z != nil {
		if _, pending := z.ID.(pendingZone); pending {
			return nil, fmt.Errorf("certManager %q: the DNS zone's ID is the DNS component's; pass Resolved.WithZoneID(dns.ZoneID)", r.name)
		}
	}
	if err := cluster.CheckHost("certManager", r.name, host); err != nil {
		return nil, err
	}
	name := r.name
	var err error
	c := &CertManager{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}

	var zoneID pulumi.StringOutput
	if r.DNSZone != nil {
		zoneID = r.checkedZoneID()
		c.Identity, err = backend.NewWorkloadIdentity(ctx, r.identitySpec(zoneID, host.ClusterOutputs()), pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("certManager %q: %w", name, err)
		}
	}

	// inCluster deploys into the cluster, after deps.
	inCluster := func(deps ...pulumi.Resource) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(host.KubernetesProvider()), pulumi.DependsOn(deps)}
	}
	inst, err := helm.Install(ctx, platform.ChildName(name, "cert-manager"), r.release(c.Identity), inCluster()...)
	if err != nil {
		return nil, err
	}
	c.Release = inst.Release
	if r.metrics != nil {
		// The controller's metrics (certificate expiry and readiness),
		// scraped by the cluster's managed Prometheus.
		if _, err := scrape.PodMonitor(ctx, platform.ChildName(name, "cert-manager-metrics"), ReleaseName, r.cloud.PodMonitor, *r.metrics, inCluster(inst.Release)...); err != nil {
			return nil, err
		}
	}
	c.Namespace = inst.Namespace.Metadata.Name().Elem()

	solvers := r.solvers(zoneID, c.Identity)
	issuers := map[string]*apiextensions.CustomResource{}
	for _, acme := range []struct{ issuer, server string }{
		{ProductionIssuerName, r.ACMEServer},
		{StagingIssuerName, r.ACMEStagingServer},
	} {
		spec := ClusterIssuerSpec{ACME: &ACMEIssuer{
			Email:               r.Email,
			Server:              acme.server,
			PrivateKeySecretRef: SecretKeySelector{Name: acme.issuer + "-account"},
			Solvers:             solvers,
		}}
		if issuers[acme.issuer], err = r.clusterIssuer(ctx, acme.issuer, spec, inCluster(inst.Release)...); err != nil {
			return nil, err
		}
	}

	// The internal CA: a self-signed issuer signs the CA certificate, whose
	// secret the CA issuer signs with.
	selfSigned, err := r.clusterIssuer(ctx, SelfSignedIssuerName, ClusterIssuerSpec{SelfSigned: &SelfSignedIssuer{}}, inCluster(inst.Release)...)
	if err != nil {
		return nil, err
	}
	caCert, err := r.caCertificate(ctx, inCluster(inst.Release, selfSigned)...)
	if err != nil {
		return nil, err
	}
	internalCA, err := r.clusterIssuer(ctx, InternalCAIssuerName, ClusterIssuerSpec{CA: &CAIssuer{SecretName: InternalCAIssuerName}},
		inCluster(inst.Release, caCert)...)
	if err != nil {
		return nil, err
	}

	if w := r.Wildcard; w != nil {
		deps := []pulumi.Resource{issuers[ProductionIssuerName]}
		if r.wildcardAfter != nil {
			deps = append(deps, r.wildcardAfter)
		}
		if _, err := r.wildcardCertificate(ctx, *w, inCluster(deps...)...); err != nil {
			return nil, err
		}
	}

	c.ProductionIssuer = issuers[ProductionIssuerName].Metadata.Name().Elem()
	c.StagingIssuer = issuers[StagingIssuerName].Metadata.Name().Elem()
	c.InternalCAIssuer = internalCA.Metadata.Name().Elem()
	outputs := pulumi.Map{
		"namespace":        c.Namespace,
		"productionIssuer": c.ProductionIssuer,
		"stagingIssuer":    c.StagingIssuer,
		"internalCaIssuer": c.InternalCAIssuer,
	}
	if c.Identity != nil {
		outputs["identityClientId"] = c.Identity.ClientID
	}
	return c, ctx.RegisterResourceOutputs(c, outputs)
}

// Resolve validates a against t and the resolved cluster cert-manager runs
// in, applies the defaults and returns what New installs. Problems are
// reported under path (for example "certManager" or
// "environments[0].certManager"), all at once. It is pure: it asks no
// backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	r := &resolved{Args: a.withDefaults(), name: name, path: path, cloud: t.Cloud}
	errs = append(errs, r.validate(path, t)...)
	r.tags = c.Tags.Merge(a.Tags)
	r.labels = r.tags.Merge(map[string]string{"managed-by": "plinth"})

	// Raw values are checked against typed values of the same shape as the
	// real ones, whose identity is not known yet.
	var identity *platform.WorkloadIdentity
	if r.DNSZone != nil {
		identity = placeholderIdentity()
	}
	if _, err := r.release(identity).FinalValues(); err != nil {
		errs.Extend(path.Child("values"), err)
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	r.metrics = scrape.For(t.Cloud.PodMonitor, c, scrape.Target{
		Namespace: Namespace, Selector: podLabels("controller"), Port: metricsPort, Path: "/metrics", Labels: r.labels,
	})
	return Resolved{r}, nil
}

// checkedZoneID is the DNS zone ID, failing the deployment, before any
// grant or issuer uses it, when it is not valid for the cloud.
func (r *resolved) checkedZoneID() pulumi.StringOutput {
	if r.zoneFromDNS {
		return r.DNSZone.ID.ToStringOutput()
	}
	p, name, form := r.path.Child("dnsZone").Child("id"), r.DNSZone.Name, r.cloud.DNSZoneID
	return r.DNSZone.ID.ToStringOutput().ApplyT(func(id string) (string, error) {
		if err := checkZoneID(p, form, id, name); err != nil {
			return "", err
		}
		return id, nil
	}).(pulumi.StringOutput)
}

// identitySpec is the controller's workload identity: bound to
// cert-manager/cert-manager, with DNS Zone Contributor on the zone only.
func (r *resolved) identitySpec(zoneID pulumi.StringInput, cluster *platform.ClusterOutputs) platform.WorkloadIdentitySpec {
	return platform.WorkloadIdentitySpec{
		Name:           platform.ChildName(r.name, "cert-manager"),
		Cluster:        cluster,
		Namespace:      Namespace,
		ServiceAccount: ServiceAccount,
		Grants:         []platform.Grant{{Role: platform.GrantDNSZoneContributor, Scope: zoneID}},
		Tags:           r.tags,
	}
}

func (r *resolved) release(identity *platform.WorkloadIdentity) helm.Release {
	return helm.Release{
		Chart:       helm.CertManager,
		Name:        ReleaseName,
		Namespace:   Namespace,
		PodSecurity: helm.Restricted,
		Values:      r.values(identity),
		Raw:         r.Values,
		RawPath:     r.path.Child("values"),
		Labels:      r.labels,
	}
}

// solvers returns the ACME solvers: DNS01 in the zone through the
// identity, and HTTP01 through the ingress class for every other name.
func (r *resolved) solvers(zoneID pulumi.StringOutput, identity *platform.WorkloadIdentity) []ACMESolver {
	var out []ACMESolver
	if z := r.DNSZone; z != nil {
		dns := &DNS01Solver{}
		switch r.cloud.DNS01 {
		case platform.DNS01AzureDNS:
			// The solver names the zone by subscription and group, both
			// in its resource ID (checkedZoneID has checked its form).
			part := func(get func(format.AzureDNSZone) string) pulumi.StringOutput {
				return zoneID.ApplyT(func(id string) string {
					az, _ := format.ParseAzureDNSZoneID(id)
					return get(az)
				}).(pulumi.StringOutput)
			}
			dns.AzureDNS = &AzureDNS{
				SubscriptionID:    part(func(az format.AzureDNSZone) string { return az.Subscription }),
				ResourceGroupName: part(func(az format.AzureDNSZone) string { return az.ResourceGroup }),
				HostedZoneName:    z.Name,
				Environment:       AzureEnvironment,
				ManagedIdentity:   &AzureManagedIdentity{ClientID: identity.ClientID},
			}
		case platform.DNS01CloudDNS:
			// The solver names the project and the managed zone, both in
			// the zone's resource name (checkedZoneID has checked its
			// form): it then needs no right to list the project's zones.
			part := func(get func(format.CloudDNSZone) string) pulumi.StringOutput {
				return zoneID.ApplyT(func(id string) string {
					z, _ := format.ParseCloudDNSZoneID(id)
					return get(z)
				}).(pulumi.StringOutput)
			}
			dns.CloudDNS = &CloudDNS{
				Project:        part(func(z format.CloudDNSZone) string { return z.Project }),
				HostedZoneName: part(func(z format.CloudDNSZone) string { return z.Name }),
			}
		}
		out = append(out, ACMESolver{Selector: &SolverSelector{DNSZones: []string{z.Name}}, DNS01: dns})
	}
	if r.IngressClass != "" {
		out = append(out, ACMESolver{HTTP01: &HTTP01Solver{Ingress: &HTTP01Ingress{IngressClassName: r.IngressClass}}})
	}
	return out
}

// clusterIssuer registers one cert-manager.io/v1 ClusterIssuer named
// issuer in the cluster and "<component>-<issuer>" in Pulumi.
func (r *resolved) clusterIssuer(ctx *pulumi.Context, issuer string, spec ClusterIssuerSpec, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, platform.ChildName(r.name, issuer), &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("cert-manager.io/v1"),
		Kind:        pulumi.String("ClusterIssuer"),
		Metadata:    &metav1.ObjectMetaArgs{Name: pulumi.String(issuer), Labels: pulumi.ToStringMap(r.labels)},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(spec)},
	}, opts...)
}

// wildcardCertificate registers the environment's wildcard certificate:
// the zone and "*.<zone>", ECDSA P-256 with a new key on each renewal,
// from the production ACME issuer (DNS01 in the zone).
func (r *resolved) wildcardCertificate(ctx *pulumi.Context, w Wildcard, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	zone := r.DNSZone.Name
	spec := CertificateSpec{
		DNSNames:       []string{zone, "*." + zone},
		SecretName:     w.SecretName,
		PrivateKey:     &CertificatePrivateKey{Algorithm: "ECDSA", Size: 256, RotationPolicy: "Always"},
		IssuerRef:      IssuerRef{Name: ProductionIssuerName, Kind: "ClusterIssuer", Group: "cert-manager.io"},
		SecretTemplate: &SecretTemplate{Labels: r.labels},
	}
	return apiextensions.NewCustomResource(ctx, platform.ChildName(r.name, "wildcard-certificate"), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("cert-manager.io/v1"),
		Kind:       pulumi.String("Certificate"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(w.SecretName),
			Namespace: pulumi.String(w.Namespace),
			Labels:    pulumi.ToStringMap(r.labels),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(spec)},
	}, opts...)
}

// caCertificate registers the internal CA's certificate: ECDSA P-256,
// ten years, signed by the self-signed issuer, in the secret the CA issuer
// reads.
func (r *resolved) caCertificate(ctx *pulumi.Context, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	spec := CertificateSpec{
		IsCA:           true,
		CommonName:     InternalCAIssuerName,
		SecretName:     InternalCAIssuerName,
		Duration:       InternalCADuration,
		RenewBefore:    InternalCARenewBefore,
		PrivateKey:     &CertificatePrivateKey{Algorithm: "ECDSA", Size: 256, RotationPolicy: "Always"},
		IssuerRef:      IssuerRef{Name: SelfSignedIssuerName, Kind: "ClusterIssuer", Group: "cert-manager.io"},
		SecretTemplate: &SecretTemplate{Labels: r.labels},
	}
	return apiextensions.NewCustomResource(ctx, platform.ChildName(r.name, "internal-ca"), &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("cert-manager.io/v1"),
		Kind:       pulumi.String("Certificate"),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(InternalCAIssuerName),
			Namespace: pulumi.String(Namespace),
			Labels:    pulumi.ToStringMap(r.labels),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": helm.Encode(spec)},
	}, opts...)
}

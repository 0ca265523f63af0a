package certmanager

import (
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the CertManager component. It is part of
// every child's URN: changing it would replace every child.
const TypeToken = "plinth:components:CertManager"

// Args configures a CertManager. Backend, Cluster and Email are required,
// and one of DNSZone and IngressClass; every other field has a default,
// documented on the field.
type Args struct {
	// Backend creates the workload identity: the same aks.New(...) or
	// gke.New(...) backend the cluster was created with. Required.
	Backend platform.WorkloadIdentityBackend `yaml:"-"`

	// Cluster is the cluster cert-manager runs in; everything in the
	// cluster is deployed through its Provider. Required.
	Cluster *cluster.Cluster `yaml:"-"`

	// Email is the ACME account's contact address; the ACME server sends
	// expiry and account notices there. Required.
	Email string

	// DNSZone is the public DNS zone ACME DNS01 challenges are answered in;
	// the ACME issuers use it for the zone's names and subdomains. It needs
	// an Azure or GCP backend. Unset: no DNS01, no cloud identity; HTTP01
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
	// spread and node anti-affinity. Unset: DefaultReplicas.
	Replicas int

	// Production marks a cert-manager that serves production; it refuses
	// fewer than two replicas.
	Production bool `yaml:"-"`

	// Values are raw chart values merged over Plinth's. They may add keys;
	// a key Plinth sets is an error naming its path. Unset: none.
	Values map[string]any

	// Tags go on the workload identity's cloud resources, and as labels on
	// the namespace, the chart's objects and the issuers (with
	// "managed-by": "plinth"). They are merged over the cluster's tags.
	// Keys and values follow GCP label rules.
	Tags map[string]string
}

// DNSZone is a public DNS zone cert-manager writes ACME challenge records
// in.
type DNSZone struct {
	// Name is the zone's DNS name, e.g. "dev.example.com", lowercase and
	// without a trailing dot. Required.
	Name string
	// ID identifies the zone. On Azure it is the zone's resource ID,
	// /subscriptions/<subscription>/resourceGroups/<group>/providers/
	// Microsoft.Network/dnszones/<zone>; on GCP the ID of the project that
	// hosts the Cloud DNS zone. It is also the scope of the identity's only
	// grant. Required.
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

// resolved is Args with every default applied and what New derives from
// them.
type resolved struct {
	Args
	name   string
	path   field.Path
	cloud  platform.Cloud
	tags   platform.Tags
	labels map[string]string
}

// New validates args and installs cert-manager into args.Cluster with its
// ClusterIssuers, and with DNSZone a workload identity through
// args.Backend. On invalid args it returns every problem (a
// *field.ErrorList) and registers nothing.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*CertManager, error) {
	if args == nil {
		args = &Args{}
	}
	r, err := args.resolve(name, field.NewPath("certManager"))
	if err != nil {
		return nil, err
	}
	c := &CertManager{}
	if err := ctx.RegisterComponentResource(TypeToken, name, c, opts...); err != nil {
		return nil, err
	}

	var zoneID pulumi.StringOutput
	if r.DNSZone != nil {
		zoneID = r.checkedZoneID()
		c.Identity, err = r.Backend.NewWorkloadIdentity(ctx, r.identitySpec(zoneID), pulumi.Parent(c))
		if err != nil {
			return nil, fmt.Errorf("certManager %q: %w", name, err)
		}
	}

	// inCluster deploys into the cluster, after deps.
	inCluster := func(deps ...pulumi.Resource) []pulumi.ResourceOption {
		return []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(r.Cluster.Provider), pulumi.DependsOn(deps)}
	}
	inst, err := helm.Install(ctx, platform.ChildName(name, "cert-manager"), r.release(c.Identity), inCluster()...)
	if err != nil {
		return nil, err
	}
	c.Release = inst.Release
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

// Resolve validates args and returns a copy with every default applied.
// Problems are reported under path (for example "certManager" or
// "environments[0].certManager"), all at once.
func (a *Args) Resolve(name string, path field.Path) (Args, error) {
	r, err := a.resolve(name, path)
	if err != nil {
		return Args{}, err
	}
	return r.Args, nil
}

func (a *Args) resolve(name string, path field.Path) (*resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	if a.Backend == nil {
		errs.Add(field.Required(path.Child("backend"), "pass the cloud backend the cluster was created with"))
	}
	if a.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "pass the cluster.Cluster cert-manager runs in"))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	r := &resolved{Args: a.withDefaults(), name: name, path: path, cloud: a.Backend.Cloud()}
	errs = append(errs, r.validate(path, r.cloud)...)
	r.tags = a.Cluster.Spec.Tags.Merge(a.Tags)
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
		return nil, err
	}
	return r, nil
}

// checkedZoneID is the DNS zone ID, failing the deployment, before any
// grant or issuer uses it, when it is not valid for the cloud.
func (r *resolved) checkedZoneID() pulumi.StringOutput {
	p, name, cloud := r.path.Child("dnsZone").Child("id"), r.DNSZone.Name, r.cloud
	return r.DNSZone.ID.ToStringOutput().ApplyT(func(id string) (string, error) {
		if err := checkZoneID(p, cloud, id, name); err != nil {
			return "", err
		}
		return id, nil
	}).(pulumi.StringOutput)
}

// identitySpec is the controller's workload identity: bound to
// cert-manager/cert-manager, with DNS Zone Contributor on the zone only.
func (r *resolved) identitySpec(zoneID pulumi.StringInput) platform.WorkloadIdentitySpec {
	return platform.WorkloadIdentitySpec{
		Name:           platform.ChildName(r.name, "cert-manager"),
		Cluster:        r.Cluster.Outputs,
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
		switch r.cloud {
		case platform.CloudAzure:
			part := func(get func(azureZone) string) pulumi.StringOutput {
				return zoneID.ApplyT(func(id string) string {
					az, _ := parseAzureZoneID(id) // checkedZoneID has parsed it
					return get(az)
				}).(pulumi.StringOutput)
			}
			dns.AzureDNS = &AzureDNS{
				SubscriptionID:    part(func(az azureZone) string { return az.Subscription }),
				ResourceGroupName: part(func(az azureZone) string { return az.ResourceGroup }),
				HostedZoneName:    z.Name,
				Environment:       AzureEnvironment,
				ManagedIdentity:   &AzureManagedIdentity{ClientID: identity.ClientID},
			}
		case platform.CloudGCP:
			dns.CloudDNS = &CloudDNS{Project: zoneID}
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

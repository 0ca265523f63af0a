package dns

import (
	"errors"
	"fmt"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// TypeToken is the Pulumi type of the DNS component.
const TypeToken = "plinth:components:DNS"

// Args are the DNS settings: plain data, the same in Go and YAML. The
// zone's name, and the ID of a zone to adopt, come from the stack's
// configuration (Zone). Every field has a default.
type Args struct {
	// DNSSEC signs a public zone the stack creates; the parent zone then
	// needs the DS records (output dsRecords) beside the delegation.
	// Unset: true. An adopted zone's signing is its owner's.
	DNSSEC *bool

	// PrivateDomain is the private zone's DNS name, linked to the
	// environment's network: internal names that resolve inside it only.
	// Unset: DefaultPrivatePrefix + the zone ("internal.prod.example.com").
	// "-": no private zone.
	PrivateDomain string

	// ExternalDNS configures the controller that writes the teams'
	// records.
	ExternalDNS ExternalDNS

	// Tags go on every cloud resource that accepts tags or labels, merged
	// over the cluster's tags. Unset: the cluster's tags.
	Tags map[string]string
}

// ExternalDNS configures external-dns.
type ExternalDNS struct {
	// Disabled installs no external-dns: the teams' records are written
	// by hand. Unset: installed.
	Disabled bool
	// Policy is PolicySync (records of deleted routes are deleted too) or
	// PolicyUpsertOnly (records are created and updated, never deleted).
	// Unset: PolicySync. Either way external-dns touches only the records
	// its TXT ownership records mark as the environment's.
	Policy string
}

// Zone is the public zone, from the stack's configuration: its name, and
// the ID of an existing zone to adopt ("" to create it).
type Zone struct {
	// Domain is the zone's DNS name, e.g. "prod.example.com".
	Domain string
	// Existing is the ID of a zone created outside the stack, in the
	// cloud's form (platform.CloudFacts.DNSZoneID); "": the stack creates
	// the zone.
	Existing string
}

// Defaults.
const (
	// DefaultPrivatePrefix starts the private zone's name.
	DefaultPrivatePrefix = "internal."
	// PolicySync deletes the records of deleted routes.
	PolicySync = "sync"
	// PolicyUpsertOnly never deletes a record.
	PolicyUpsertOnly = "upsert-only"
	// ExternalDNSNamespace is where external-dns runs.
	ExternalDNSNamespace = "external-dns"
	// ExternalDNSServiceAccount is its service account.
	ExternalDNSServiceAccount = "external-dns"
	// IngressHost is the private zone's name of the platform's ingress.
	IngressHost = "ingress"
)

// DNS is the component resource.
type DNS struct {
	pulumi.ResourceState

	// Domain is the public zone's DNS name; PrivateDomain the private
	// zone's ("" without one).
	Domain, PrivateDomain string
	// ZoneID is the public zone's ID.
	ZoneID pulumi.StringOutput `pulumi:"zoneId"`
	// NameServers and DSRecords are the delegation the parent zone needs:
	// NS records and, for a signed zone, DS records. Empty for an adopted
	// zone.
	NameServers pulumi.StringArrayOutput `pulumi:"nameServers"`
	DSRecords   pulumi.StringArrayOutput `pulumi:"dsRecords"`
	// PrivateZoneID is the private zone's ID.
	PrivateZoneID pulumi.StringOutput `pulumi:"privateZoneId"`
	// Identity is external-dns's workload identity; nil when disabled.
	Identity *platform.WorkloadIdentity
}

// Resolved is the DNS settings, validated and completed against the
// target, the cluster and the zone: what New creates. Only Args.Resolve
// makes one.
type Resolved struct {
	spec        platform.DNSZonesSpec
	externalDNS ExternalDNS
	solver      platform.DNS01Solver
	labels      map[string]string
}

// Spec returns what the backend will receive, without the network's
// outputs (New adds them).
func (r Resolved) Spec() platform.DNSZonesSpec { return r.spec }

// ExternalDNS returns the completed external-dns settings.
func (r Resolved) ExternalDNS() ExternalDNS { return r.externalDNS }

// Resolve validates a against t, the cluster c and zone z, applies the
// defaults and returns what New creates; errors are under path (normally
// "dns"), all at once. It is pure.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec, z Zone) (Resolved, error) {
	var errs field.List
	signed := z.Existing == ""
	if a.DNSSEC != nil {
		signed = *a.DNSSEC
		if signed && z.Existing != "" {
			errs.Addf(path.Child("dnssec"), true, "the zone is adopted (its ID is in the stack's configuration), and its signing is its owner's; remove dnssec")
			signed = false
		}
	}
	private := a.PrivateDomain
	// reported: the private zone's name is checked here, or "-", or
	// derived from the zone, whose own error says what to fix.
	reported := true
	switch {
	case private == "-":
		private = ""
	case private == "":
		private = DefaultPrivatePrefix + z.Domain
	case !format.Hostname(private, false):
		errs.Addf(path.Child("privateDomain"), private, "not a DNS domain: use %s, e.g. %q, or \"-\" for no private zone", format.HostnameRule, DefaultPrivatePrefix+z.Domain)
	case private == z.Domain:
		errs.Addf(path.Child("privateDomain"), private, "is the public zone's name: a private zone of the same name hides the public records inside the network; use a name below it, e.g. %q", DefaultPrivatePrefix+z.Domain)
	default:
		reported = false
	}
	ext := a.ExternalDNS
	switch ext.Policy {
	case "":
		ext.Policy = PolicySync
	case PolicySync, PolicyUpsertOnly:
	default:
		errs.Addf(path.Child("externalDNS").Child("policy"), ext.Policy, "must be %q or %q", PolicySync, PolicyUpsertOnly)
	}
	if !ext.Disabled && t.Cloud.DNS01 == "" {
		errs.Addf(path.Child("externalDNS"), "enabled", "Plinth runs external-dns only with %s's DNS service, which it has no provider for; set externalDNS.disabled", t.Cloud.Name)
	}
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	tags := c.Tags.Merge(a.Tags)
	spec := platform.DNSZonesSpec{
		Name: name, Domain: z.Domain, Existing: z.Existing, DNSSEC: signed, PrivateDomain: private,
		Network: c.Network, Locked: t.Production, Tags: tags,
	}
	for _, e := range spec.Validate(path, t.Cloud) {
		// The zone's name and ID are the stack's configuration; the
		// private zone's name is reported above, with its "-".
		switch e.Path {
		case path.Child("privateDomain"):
			if reported {
				continue
			}
		case path.Child("domain"):
			e.Path = path.Child("zone")
		case path.Child("existing"):
			e.Path = path.Child("zoneId")
		}
		errs.Add(e)
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{spec: spec, externalDNS: ext, solver: t.Cloud.DNS01, labels: tags.Merge(map[string]string{"managed-by": platform.ManagedBy})}, nil
}

// Backend is what the DNS component needs of a backend: the zones and
// external-dns's identity.
type Backend interface {
	platform.DNSBackend
	platform.WorkloadIdentityBackend
}

// New creates the zones r describes through backend, for host (the
// cluster r was resolved against); in the private zone the name
// IngressHost of the platform's ingress at ingressAddress (nil: none); and
// external-dns, unless disabled.
func New(ctx *pulumi.Context, r Resolved, backend Backend, host cluster.Host, ingressAddress pulumi.StringInput, opts ...pulumi.ResourceOption) (*DNS, error) {
	spec := r.spec
	switch {
	case spec.Name == "":
		return nil, errors.New("dns: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("dns %q: no backend; pass the backend the cluster was created with", spec.Name)
	}
	if err := cluster.CheckHost("dns", spec.Name, host); err != nil {
		return nil, err
	}
	c := &DNS{Domain: spec.Domain, PrivateDomain: spec.PrivateDomain}
	if err := ctx.RegisterComponentResource(TypeToken, spec.Name, c, opts...); err != nil {
		return nil, err
	}
	spec.Network = host.ClusterSpec().Network
	out, err := backend.NewDNSZones(ctx, spec, pulumi.Parent(c))
	if err != nil {
		return nil, fmt.Errorf("dns %q: %w", spec.Name, err)
	}
	c.ZoneID, c.NameServers, c.DSRecords, c.PrivateZoneID = out.ZoneID, out.NameServers, out.DSRecords, out.PrivateZoneID
	if spec.PrivateDomain != "" && ingressAddress != nil {
		if err := backend.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: platform.ChildName(spec.Name, "ingress-record"), Zone: out.PrivateZoneID, Domain: spec.PrivateDomain, Private: true,
			Host: IngressHost, Type: "A", Values: pulumi.StringArray{ingressAddress}, TTLSeconds: 300,
		}, pulumi.Parent(c)); err != nil {
			return nil, fmt.Errorf("dns %q: %w", spec.Name, err)
		}
	}
	if !r.externalDNS.Disabled {
		if err := r.newExternalDNS(ctx, c, backend, host); err != nil {
			return nil, fmt.Errorf("dns %q: %w", spec.Name, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"zoneId": c.ZoneID, "nameServers": c.NameServers, "dsRecords": c.DSRecords, "privateZoneId": c.PrivateZoneID,
	})
}

// newExternalDNS creates external-dns's identity, with DNS Zone
// Contributor on the public zone and nothing else, and its release.
func (r Resolved) newExternalDNS(ctx *pulumi.Context, c *DNS, backend Backend, host cluster.Host) error {
	name := r.spec.Name
	identity, err := backend.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
		Name:           platform.ChildName(name, "external-dns"),
		Cluster:        host.ClusterOutputs(),
		Namespace:      ExternalDNSNamespace,
		ServiceAccount: ExternalDNSServiceAccount,
		Grants:         []platform.Grant{{Role: platform.GrantDNSZoneContributor, Scope: c.ZoneID}},
		Tags:           r.spec.Tags,
	}, pulumi.Parent(c))
	if err != nil {
		return err
	}
	c.Identity = identity
	k8s := []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(host.KubernetesProvider())}
	inst, err := helm.Install(ctx, platform.ChildName(name, "external-dns"), r.release(identity, c.ZoneID), k8s...)
	if err != nil {
		return err
	}
	if r.solver == platform.DNS01AzureDNS {
		// The Azure provider reads its zone's subscription and resource
		// group from a file; it holds no credential (the identity comes
		// from workload identity), so it is a ConfigMap.
		_, err = corev1.NewConfigMap(ctx, platform.ChildName(name, "external-dns-azure"), &corev1.ConfigMapArgs{
			Metadata: &metav1.ObjectMetaArgs{
				Name: pulumi.String(azureConfigMap), Namespace: inst.Namespace.Metadata.Name().Elem(), Labels: pulumi.ToStringMap(r.labels),
			},
			Data: pulumi.StringMap{"azure.json": azureConfig(c.ZoneID)},
		}, k8s...)
	}
	return err
}

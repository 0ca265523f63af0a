package platform

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// DNSZonesSpec describes an environment's DNS zones: the public zone its
// names live in, created by the stack or adopted, and a private zone for
// internal names, resolvable only inside the environment's network.
type DNSZonesSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Domain is the public zone's DNS name, e.g. "prod.example.com":
	// lowercase, without a trailing dot.
	Domain string
	// Existing adopts a public zone created outside the stack, by its ID
	// in the form of CloudFacts.DNSZoneID (Azure: the zone's resource ID;
	// GCP: projects/<project>/managedZones/<zone>): the backend creates no
	// public zone, and the zone's delegation and DNSSEC stay its owner's.
	// Empty: the backend creates the public zone.
	Existing string
	// DNSSEC signs a created public zone; the parent zone then needs the
	// DS records of DNSZonesOutputs.DSRecords beside the delegation.
	DNSSEC bool
	// PrivateDomain is the private zone's DNS name, e.g.
	// "internal.prod.example.com", linked to Network: names in it resolve
	// inside the network only. Empty: no private zone.
	PrivateDomain string
	// Network is the network the private zone is linked to.
	Network ClusterNetwork
	// Locked protects the zones and retains them on delete: the records
	// in them, and the delegation pointing at their name servers, outlive
	// a stack.
	Locked bool
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// DNSZonesOutputs is what a DNSBackend returns.
type DNSZonesOutputs struct {
	// ZoneID is the public zone's ID, in the form of CloudFacts.DNSZoneID:
	// the scope of a GrantDNSZoneContributor.
	ZoneID pulumi.StringOutput
	// NameServers are the public zone's name servers, each ending in
	// ".": the NS records the parent zone delegates Domain with. Empty for
	// an adopted zone.
	NameServers pulumi.StringArrayOutput
	// DSRecords are the DS records of a signed zone, as the parent zone
	// takes them ("<key tag> <algorithm> <digest type> <digest>"); empty
	// without DNSSEC or for an adopted zone.
	DSRecords pulumi.StringArrayOutput
	// PrivateZoneID is the private zone's ID; empty without one.
	PrivateZoneID pulumi.StringOutput
}

// DNSBackend creates an environment's DNS zones: on Azure a public DNS
// zone (signed with DNSSEC when asked) and a private DNS zone linked to the
// VNet; on GCP a public Cloud DNS managed zone (DNSSEC on when asked) and a
// private managed zone visible to the VPC. NewDNSRecord writes one record
// set in one of them.
type DNSBackend interface {
	Backend
	NewDNSZones(ctx *pulumi.Context, spec DNSZonesSpec, opts ...pulumi.ResourceOption) (*DNSZonesOutputs, error)
	NewDNSRecord(ctx *pulumi.Context, spec DNSRecordSpec, opts ...pulumi.ResourceOption) error
}

// DNSRecordSpec is one record set a platform component writes: the
// private zone's names of the platform, an edge's validation record.
type DNSRecordSpec struct {
	// Name is the resource's logical name.
	Name string
	// Zone is the ID of the zone the record goes in (DNSZonesOutputs's
	// ZoneID or PrivateZoneID); Domain is that zone's DNS name, and
	// Private says which kind of zone it is.
	Zone    pulumi.StringInput
	Domain  string
	Private bool
	// Host is the record's name relative to the zone ("ingress", "*",
	// "_dnsauth.shop"; "@" for the zone's apex).
	Host string
	// Type is "A", "CNAME" or "TXT".
	Type string
	// Values are the record's data: addresses, one host name ending in
	// ".", or texts.
	Values pulumi.StringArrayInput
	// TTLSeconds is the records' time to live, 60..86400.
	TTLSeconds int
}

// DNSRecordTypes are the record types a DNSRecordSpec takes.
var DNSRecordTypes = []string{"A", "CNAME", "TXT"}

// Validate checks what every DNSBackend needs of spec before it registers
// anything, and returns every problem at once under path: the logical
// name, the domains, and the adopted zone's ID in facts' form.
func (s DNSZonesSpec) Validate(path field.Path, facts CloudFacts) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	if !format.Hostname(s.Domain, false) {
		errs.Addf(path.Child("domain"), s.Domain, "not a DNS domain: use %s, e.g. \"prod.example.com\"", format.HostnameRule)
	}
	if s.PrivateDomain != "" && !format.Hostname(s.PrivateDomain, false) {
		errs.Addf(path.Child("privateDomain"), s.PrivateDomain, "not a DNS domain: use %s, e.g. \"internal.prod.example.com\"", format.HostnameRule)
	}
	if s.Existing != "" {
		if facts.DNSZoneID.Check == nil {
			errs.Addf(path.Child("existing"), s.Existing, "%s has no DNS zones to adopt", facts.Name)
		} else if why := facts.DNSZoneID.Check(s.Existing, s.Domain); why != "" {
			errs.Addf(path.Child("existing"), s.Existing, "%s", why)
		}
		if s.DNSSEC {
			errs.Addf(path.Child("dnssec"), true, "an adopted zone's signing is its owner's; remove dnssec, or let the stack create the zone")
		}
	}
	return errs
}

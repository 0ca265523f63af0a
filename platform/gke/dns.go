package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/dns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewDNSZones creates an environment's Cloud DNS managed zones in the
// backend's project:
//
//   - unless spec.Existing adopts one, the public zone "<name>-zone"
//     (its Cloud DNS name too) for spec.Domain, with DNSSEC "on" when
//     spec.DNSSEC and "off" otherwise, and the spec's labels; its name
//     servers are NameServers and its resource name
//     projects/<project>/managedZones/<name>-zone is ZoneID;
//   - when signed, DSRecords are the DS records of the zone's active key
//     signing keys, read from Cloud DNS (the gcp:dns/getKeys data source,
//     what `gcloud dns dns-keys list --zone <name>-zone` shows);
//   - when spec.PrivateDomain is set, the private zone
//     "<name>-private-zone" for PrivateDomain, visible to the network's
//     VPC (spec.Network.Outputs.ID) only.
//
// An adopted zone is not touched: ZoneID is spec.Existing, NameServers and
// DSRecords are empty. When spec.Locked, the zones are protected and
// retained on delete. Cloud DNS refuses to delete a zone that still holds
// records other than its SOA and NS.
func (b *Backend) NewDNSZones(ctx *pulumi.Context, spec platform.DNSZonesSpec, opts ...pulumi.ResourceOption) (*platform.DNSZonesOutputs, error) {
	plan, err := planDNSZones(b.cfg, spec)
	if err != nil {
		return nil, err
	}
	labels := pulumi.ToStringMap(plan.Labels)
	keep := b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))
	out := &platform.DNSZonesOutputs{
		ZoneID:        pulumi.String(plan.Existing).ToStringOutput(),
		NameServers:   pulumi.StringArray{}.ToStringArrayOutput(),
		DSRecords:     pulumi.StringArray{}.ToStringArrayOutput(),
		PrivateZoneID: pulumi.String("").ToStringOutput(),
	}
	if z := plan.Public; z != nil {
		zone, err := dns.NewManagedZone(ctx, z.Resource, &dns.ManagedZoneArgs{
			Name:         pulumi.String(z.Name),
			Project:      pulumi.String(plan.Project),
			DnsName:      pulumi.String(z.DNSName),
			Description:  pulumi.String(z.Description),
			Visibility:   pulumi.String(z.Visibility),
			DnssecConfig: &dns.ManagedZoneDnssecConfigArgs{State: pulumi.String(z.DNSSEC)},
			Labels:       labels,
		}, keep...)
		if err != nil {
			return nil, err
		}
		out.ZoneID = zone.ID().ToStringOutput()
		out.NameServers = zone.NameServers
		if z.DNSSEC == dnssecOn {
			keys := dns.GetKeysOutput(ctx, dns.GetKeysOutputArgs{ManagedZone: zone.Name, Project: zone.Project}, pulumi.Provider(b.provider))
			out.DSRecords = keys.KeySigningKeys().ApplyT(func(ks []dns.GetKeysKeySigningKey) []string {
				in := make([]dsKey, len(ks))
				for i, k := range ks {
					in[i] = dsKey{DS: k.DsRecord, Active: k.IsActive}
				}
				return dsRecords(in)
			}).(pulumi.StringArrayOutput)
		}
	}
	if z := plan.Private; z != nil {
		zone, err := dns.NewManagedZone(ctx, z.Resource, &dns.ManagedZoneArgs{
			Name:        pulumi.String(z.Name),
			Project:     pulumi.String(plan.Project),
			DnsName:     pulumi.String(z.DNSName),
			Description: pulumi.String(z.Description),
			Visibility:  pulumi.String(z.Visibility),
			PrivateVisibilityConfig: &dns.ManagedZonePrivateVisibilityConfigArgs{
				Networks: dns.ManagedZonePrivateVisibilityConfigNetworkArray{
					&dns.ManagedZonePrivateVisibilityConfigNetworkArgs{NetworkUrl: spec.Network.Outputs.ID},
				},
			},
			Labels: labels,
		}, keep...)
		if err != nil {
			return nil, err
		}
		out.PrivateZoneID = zone.ID().ToStringOutput()
	}
	return out, nil
}

// NewDNSRecord writes one record set (dns.RecordSet) in the managed zone
// spec.Zone names (projects/<project>/managedZones/<zone>: the record goes
// in that zone's project), public or private alike: named
// "<host>.<domain>." ("<domain>." for "@"), with the spec's type, TTL and
// rrdatas (TXT values quoted as Cloud DNS takes them). Values that are
// outputs are checked when known; a bad one fails the deployment with the
// same message.
func (b *Backend) NewDNSRecord(ctx *pulumi.Context, spec platform.DNSRecordSpec, opts ...pulumi.ResourceOption) error {
	plan, err := planDNSRecord(spec)
	if err != nil {
		return err
	}
	zone := spec.Zone.ToStringOutput()
	_, err = dns.NewRecordSet(ctx, plan.Resource, &dns.RecordSetArgs{
		Project: zone.ApplyT(func(id string) (string, error) {
			z, err := zoneOf(id)
			return z.Project, err
		}).(pulumi.StringOutput),
		ManagedZone: zone.ApplyT(func(id string) (string, error) {
			z, err := zoneOf(id)
			return z.Name, err
		}).(pulumi.StringOutput),
		Name: pulumi.String(plan.Name),
		Type: pulumi.String(plan.Type),
		Ttl:  pulumi.Int(plan.TTL),
		Rrdatas: spec.Values.ToStringArrayOutput().ApplyT(func(v []string) ([]string, error) {
			return rrdatas(plan.Type, v)
		}).(pulumi.StringArrayOutput),
	}, b.opts(opts)...)
	return err
}

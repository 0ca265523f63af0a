package aks

import (
	dns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20230701preview"
	privatedns "github.com/pulumi/pulumi-azure-native-sdk/network/v2/v20240601"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// NewDNSZones creates an environment's DNS zones on Azure, in the
// resource group of the network (spec.Network.Outputs.ID):
//
//   - unless spec.Existing adopts one, the public DNS zone "<name>-zone"
//     named spec.Domain (API 2023-07-01-preview, the first with DNSSEC),
//     location "global", with the spec's tags; its name servers (Azure
//     gives four, each ending in ".") are NameServers;
//   - when spec.DNSSEC, the zone's DNSSEC configuration "<name>-dnssec"
//     (Azure names it "default"): Azure signs the zone and its key signing
//     key's delegation signer information gives DSRecords, to be added
//     at the parent zone beside the NS records;
//   - when spec.PrivateDomain is set, the private DNS zone
//     "<name>-private-zone" named PrivateDomain and its link
//     "<name>-private-zone-link" to the VNet, without auto-registration
//     (the zone holds only the records the stack writes).
//
// An adopted zone is not touched: ZoneID is spec.Existing, NameServers and
// DSRecords are empty. When spec.Locked, the zones, the DNSSEC
// configuration and the link are protected and retained on delete.
func (b *Backend) NewDNSZones(ctx *pulumi.Context, spec platform.DNSZonesSpec, opts ...pulumi.ResourceOption) (*platform.DNSZonesOutputs, error) {
	plan, err := planDNSZones(spec)
	if err != nil {
		return nil, err
	}
	tags := pulumi.ToStringMap(plan.Tags)
	keep := b.retained(opts, plan.Protect, pulumi.Protect(plan.Protect))
	out := &platform.DNSZonesOutputs{
		ZoneID:        pulumi.String(plan.Existing).ToStringOutput(),
		NameServers:   pulumi.StringArray{}.ToStringArrayOutput(),
		DSRecords:     pulumi.StringArray{}.ToStringArrayOutput(),
		PrivateZoneID: pulumi.String("").ToStringOutput(),
	}
	var rg pulumi.StringOutput
	if plan.Public != nil || plan.Private != nil {
		rg = spec.Network.Outputs.ID.ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	}
	if z := plan.Public; z != nil {
		zone, err := dns.NewZone(ctx, z.Zone, &dns.ZoneArgs{
			ZoneName:          pulumi.String(z.ZoneName),
			ResourceGroupName: rg,
			Location:          pulumi.String(z.Location),
			ZoneType:          dns.ZoneTypePublic,
			Tags:              tags,
		}, keep...)
		if err != nil {
			return nil, err
		}
		out.ZoneID = zone.ID().ToStringOutput()
		out.NameServers = zone.NameServers
		if z.DNSSEC != "" {
			sec, err := dns.NewDnssecConfig(ctx, z.DNSSEC, &dns.DnssecConfigArgs{
				ZoneName:          zone.Name,
				ResourceGroupName: rg,
			}, keep...)
			if err != nil {
				return nil, err
			}
			out.DSRecords = sec.SigningKeys.ApplyT(func(keys []dns.SigningKeyResponse) []string {
				infos := make([][]string, len(keys))
				for i, k := range keys {
					for _, d := range k.DelegationSignerInfo {
						infos[i] = append(infos[i], d.Record)
					}
				}
				return dsRecords(infos)
			}).(pulumi.StringArrayOutput)
		}
	}
	if plan.Private != nil {
		zone, _, err := b.newPrivateZone(ctx, *plan.Private, spec.Network.Outputs.ID, rg, tags, keep)
		if err != nil {
			return nil, err
		}
		out.PrivateZoneID = zone.ID().ToStringOutput()
	}
	return out, nil
}

// NewDNSRecord writes one record set on Azure: a public record set
// (network RecordSet, API 2023-07-01-preview) or, when spec.Private, a
// private one (PrivateRecordSet, 2024-06-01), named spec.Host in the zone
// spec.Domain of the resource group in spec.Zone's ID, with the spec's
// TTL and data: aRecords of the addresses, the cnameRecord of the one
// target (without its trailing dot), or txtRecords of the texts, each
// split into 255-byte strings. Values that are outputs are checked when
// known; a bad one fails the deployment with the same message.
func (b *Backend) NewDNSRecord(ctx *pulumi.Context, spec platform.DNSRecordSpec, opts ...pulumi.ResourceOption) error {
	plan, err := planDNSRecord(spec)
	if err != nil {
		return err
	}
	rg := spec.Zone.ToStringOutput().ApplyT(resourceGroupFromID).(pulumi.StringOutput)
	data := spec.Values.ToStringArrayOutput()
	if plan.Private {
		return b.newPrivateRecordSet(ctx, plan, rg, data, opts)
	}
	args := &dns.RecordSetArgs{
		ZoneName:              pulumi.String(plan.ZoneName),
		ResourceGroupName:     rg,
		RelativeRecordSetName: pulumi.String(plan.RelativeName),
		RecordType:            pulumi.String(plan.Type),
		Ttl:                   pulumi.Float64(float64(plan.TTL)),
	}
	switch plan.Type {
	case "A":
		args.ARecords = data.ApplyT(func(v []string) ([]dns.ARecord, error) {
			d, err := planRecordData(plan.Type, v)
			out := make([]dns.ARecord, len(d.Addresses))
			for i, a := range d.Addresses {
				out[i] = dns.ARecord{Ipv4Address: &a}
			}
			return out, err
		}).(dns.ARecordArrayOutput)
	case "CNAME":
		args.CnameRecord = data.ApplyT(func(v []string) (*dns.CnameRecord, error) {
			d, err := planRecordData(plan.Type, v)
			return &dns.CnameRecord{Cname: &d.CNAME}, err
		}).(dns.CnameRecordPtrOutput)
	case "TXT":
		args.TxtRecords = data.ApplyT(func(v []string) ([]dns.TxtRecord, error) {
			d, err := planRecordData(plan.Type, v)
			out := make([]dns.TxtRecord, len(d.Texts))
			for i, t := range d.Texts {
				out[i] = dns.TxtRecord{Value: t}
			}
			return out, err
		}).(dns.TxtRecordArrayOutput)
	}
	_, err = dns.NewRecordSet(ctx, plan.Name, args, b.opts(opts)...)
	return err
}

// newPrivateRecordSet registers the private record set of plan, with the
// values d, in resource group rg.
func (b *Backend) newPrivateRecordSet(ctx *pulumi.Context, plan dnsRecordPlan, rg pulumi.StringOutput, d pulumi.StringArrayOutput, opts []pulumi.ResourceOption) error {
	args := &privatedns.PrivateRecordSetArgs{
		PrivateZoneName:       pulumi.String(plan.ZoneName),
		ResourceGroupName:     rg,
		RelativeRecordSetName: pulumi.String(plan.RelativeName),
		RecordType:            pulumi.String(plan.Type),
		Ttl:                   pulumi.Float64(float64(plan.TTL)),
	}
	switch plan.Type {
	case "A":
		args.ARecords = d.ApplyT(func(v []string) ([]privatedns.ARecord, error) {
			d, err := planRecordData(plan.Type, v)
			out := make([]privatedns.ARecord, len(d.Addresses))
			for i, a := range d.Addresses {
				out[i] = privatedns.ARecord{Ipv4Address: &a}
			}
			return out, err
		}).(privatedns.ARecordArrayOutput)
	case "CNAME":
		args.CnameRecord = d.ApplyT(func(v []string) (*privatedns.CnameRecord, error) {
			d, err := planRecordData(plan.Type, v)
			return &privatedns.CnameRecord{Cname: &d.CNAME}, err
		}).(privatedns.CnameRecordPtrOutput)
	case "TXT":
		args.TxtRecords = d.ApplyT(func(v []string) ([]privatedns.TxtRecord, error) {
			d, err := planRecordData(plan.Type, v)
			out := make([]privatedns.TxtRecord, len(d.Texts))
			for i, t := range d.Texts {
				out[i] = privatedns.TxtRecord{Value: t}
			}
			return out, err
		}).(privatedns.TxtRecordArrayOutput)
	}
	_, err := privatedns.NewPrivateRecordSet(ctx, plan.Name, args, b.opts(opts)...)
	return err
}

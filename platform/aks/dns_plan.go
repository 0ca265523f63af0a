package aks

import (
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/field"
)

// DNS settings that are not spec fields.
const (
	// dnsZoneLocation is the location of public DNS zones, which are
	// global resources.
	dnsZoneLocation = "global"
	// dnsRecordPath roots the errors of a DNSRecordSpec.
	dnsRecordPath = "dnsRecord"
)

// dnsZonesPlan is the cloud-side shape of a DNSZonesSpec on Azure: every
// name and setting, computed without Pulumi so it can be table-tested.
type dnsZonesPlan struct {
	// Public is the public DNS zone the stack creates; nil when the spec
	// adopts one (Existing).
	Public *publicZonePlan
	// Existing is the adopted public zone's resource ID; empty when the
	// stack creates the zone.
	Existing string
	// Private is the private DNS zone and its VNet link; nil without a
	// PrivateDomain.
	Private *privateZonePlan
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the zones,
	// the DNSSEC configuration and the link (spec.Locked).
	Protect bool
	Tags    map[string]string
}

// publicZonePlan is a public Azure DNS zone, in the network's resource
// group.
type publicZonePlan struct {
	// Zone is the zone's Pulumi name, "<name>-zone"; ZoneName its Azure
	// name, the domain; Location "global".
	Zone, ZoneName, Location string
	// DNSSEC is the Pulumi name of the zone's DNSSEC configuration,
	// "<name>-dnssec" (Azure names it "default"); empty when the zone is
	// not signed.
	DNSSEC string
}

// planDNSZones checks what Azure needs beyond the contract's checks
// (DNSZonesSpec.Validate) and plans the zones. Nothing is registered when
// it fails.
func planDNSZones(spec platform.DNSZonesSpec) (dnsZonesPlan, error) {
	path := field.NewPath("dns")
	errs := spec.Validate(path, aksfacts.Facts)
	if (spec.Existing == "" || spec.PrivateDomain != "") && spec.Network.Outputs.ID.OutputState == nil {
		errs.Add(field.Required(path.Child("network").Child("outputs").Child("id"),
			"the VNet's ARM ID: the zones go into its resource group, and the private zone is linked to it; pass the outputs the network backend returned"))
	}
	if err := errs.Err(); err != nil {
		return dnsZonesPlan{}, err
	}
	n := spec.Name
	p := dnsZonesPlan{Existing: spec.Existing, Protect: spec.Locked, Tags: spec.Tags.Merge()}
	if spec.Existing == "" {
		p.Public = &publicZonePlan{Zone: platform.ChildName(n, "zone"), ZoneName: spec.Domain, Location: dnsZoneLocation}
		if spec.DNSSEC {
			p.Public.DNSSEC = platform.ChildName(n, "dnssec")
		}
	}
	if spec.PrivateDomain != "" {
		p.Private = &privateZonePlan{
			Zone:         platform.ChildName(n, "private-zone"),
			ZoneName:     spec.PrivateDomain,
			ZoneLocation: privateZoneLocation,
			Link:         platform.ChildName(n, "private-zone-link"),
		}
	}
	return p, nil
}

// dnsRecordPlan is one record set on Azure.
type dnsRecordPlan struct {
	// Name is the record set's Pulumi name (spec.Name).
	Name string
	// ZoneName is the zone's Azure name, its DNS name (spec.Domain); the
	// resource group comes from the zone's ID.
	ZoneName string
	// Private chooses a private DNS record set (PrivateRecordSet) over a
	// public one (RecordSet).
	Private bool
	// RelativeName is relativeRecordSetName: the host, "@" for the apex.
	RelativeName string
	// Type is the record type, A, CNAME or TXT; TTL its time to live in
	// seconds.
	Type string
	TTL  int
}

// planDNSRecord checks spec (DNSRecordSpec.Validate) and plans the record
// set. Nothing is registered when it fails.
func planDNSRecord(spec platform.DNSRecordSpec) (dnsRecordPlan, error) {
	if err := spec.Validate(field.NewPath(dnsRecordPath)).Err(); err != nil {
		return dnsRecordPlan{}, err
	}
	return dnsRecordPlan{
		Name: spec.Name, ZoneName: spec.Domain, Private: spec.Private,
		RelativeName: spec.Host, Type: spec.Type, TTL: spec.TTLSeconds,
	}, nil
}

// recordData is a record set's data as Azure takes it.
type recordData struct {
	// Addresses are the A records' IPv4 addresses.
	Addresses []string
	// CNAME is the CNAME record's target, without the trailing dot (Azure
	// takes names as absolute).
	CNAME string
	// Texts are the TXT records, each split into character-strings of at
	// most 255 bytes (platform.TXTChunks).
	Texts [][]string
}

// planRecordData checks the values of a record of type typ
// (platform.DNSRecordValues) and returns them as Azure takes them. It runs
// once the values are known, which for outputs is at deployment.
func planRecordData(typ string, values []string) (recordData, error) {
	if err := field.List(platform.DNSRecordValues(field.NewPath(dnsRecordPath).Child("values"), typ, values)).Err(); err != nil {
		return recordData{}, err
	}
	var d recordData
	switch typ {
	case "A":
		d.Addresses = append([]string(nil), values...)
	case "CNAME":
		d.CNAME = strings.TrimSuffix(values[0], ".")
	case "TXT":
		for _, v := range values {
			d.Texts = append(d.Texts, platform.TXTChunks(v))
		}
	}
	return d, nil
}

// dsRecords returns the DS records of a signed zone from its signing
// keys' delegation signer information, in order: what the parent zone
// takes ("<key tag> <algorithm> <digest type> <digest>"). Only the key
// signing key carries any.
func dsRecords(infos [][]string) []string {
	out := []string{}
	for _, key := range infos {
		for _, r := range key {
			if r != "" {
				out = append(out, r)
			}
		}
	}
	return out
}

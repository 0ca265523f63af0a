package gke

import (
	"fmt"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// Cloud DNS settings that are not spec fields.
const (
	// dnsVisibilityPublic and dnsVisibilityPrivate are a managed zone's
	// visibility.
	dnsVisibilityPublic, dnsVisibilityPrivate = "public", "private"
	// dnssecOn and dnssecOff are a public managed zone's DNSSEC state.
	dnssecOn, dnssecOff = "on", "off"
	// dnsRecordPath roots the errors of a DNSRecordSpec.
	dnsRecordPath = "dnsRecord"
)

// dnsZonesPlan is the cloud-side shape of a DNSZonesSpec on GCP: every
// name and setting, computed without Pulumi so it can be table-tested.
type dnsZonesPlan struct {
	// Project is the project the created zones go in (Config.Project).
	Project string
	// Public is the public managed zone the stack creates; nil when the
	// spec adopts one (Existing).
	Public *managedZonePlan
	// Existing is the adopted public zone's resource name; empty when the
	// stack creates the zone.
	Existing string
	// Private is the private managed zone, visible to the network's VPC;
	// nil without a PrivateDomain.
	Private *managedZonePlan
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the zones
	// (spec.Locked).
	Protect bool
	Labels  map[string]string
}

// managedZonePlan is one Cloud DNS managed zone.
type managedZonePlan struct {
	// Resource is the zone's Pulumi name; Name its Cloud DNS name (the
	// same: "<name>-zone", "<name>-private-zone"), DNSName its DNS name
	// with the trailing dot, ID its resource name
	// projects/<project>/managedZones/<Name>.
	Resource, Name, DNSName, ID string
	// Visibility is "public" or "private"; DNSSEC the public zone's
	// DNSSEC state, "on" or "off" ("" for a private zone).
	Visibility, DNSSEC string
	// Description says what the zone is, in the console.
	Description string
}

// planDNSZones checks what GCP needs beyond the contract's checks
// (DNSZonesSpec.Validate) and plans the zones. Nothing is registered when
// it fails.
func planDNSZones(cfg Config, spec platform.DNSZonesSpec) (dnsZonesPlan, error) {
	path := field.NewPath("dns")
	errs := spec.Validate(path, gkefacts.Facts)
	if spec.PrivateDomain != "" && spec.Network.Outputs.ID.OutputState == nil {
		errs.Add(field.Required(path.Child("network").Child("outputs").Child("id"),
			"the VPC's ID, which the private zone is visible to; pass the outputs the network backend returned"))
	}
	if err := errs.Err(); err != nil {
		return dnsZonesPlan{}, err
	}
	n := spec.Name
	p := dnsZonesPlan{Project: cfg.Project, Existing: spec.Existing, Protect: spec.Locked, Labels: spec.Tags.Merge()}
	zone := func(role, domain, visibility, dnssec string) *managedZonePlan {
		name := platform.ChildName(n, role)
		return &managedZonePlan{
			Resource: name, Name: name, DNSName: domain + ".",
			ID:         format.CloudDNSZone{Project: cfg.Project, Name: name}.String(),
			Visibility: visibility, DNSSEC: dnssec,
			Description: fmt.Sprintf("Plinth %s DNS zone %s of %q", visibility, domain, n),
		}
	}
	if spec.Existing == "" {
		dnssec := dnssecOff
		if spec.DNSSEC {
			dnssec = dnssecOn
		}
		p.Public = zone("zone", spec.Domain, dnsVisibilityPublic, dnssec)
	}
	if spec.PrivateDomain != "" {
		p.Private = zone("private-zone", spec.PrivateDomain, dnsVisibilityPrivate, "")
	}
	return p, nil
}

// dnsRecordPlan is one record set in a Cloud DNS managed zone.
type dnsRecordPlan struct {
	// Resource is the record set's Pulumi name (spec.Name).
	Resource string
	// Name is the record set's DNS name with the trailing dot:
	// "<host>.<domain>.", "<domain>." for the apex.
	Name string
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
	name := spec.Domain + "."
	if spec.Host != "@" {
		name = spec.Host + "." + name
	}
	return dnsRecordPlan{Resource: spec.Name, Name: name, Type: spec.Type, TTL: spec.TTLSeconds}, nil
}

// rrdatas checks the values of a record of type typ
// (platform.DNSRecordValues) and returns them as Cloud DNS takes them:
// addresses and the CNAME target as they are, each TXT value quoted, its
// '"' and '\' escaped, and split into quoted strings of at most 255 bytes
// ("\"v=spf1 ...\""). It runs once the values are known, which for
// outputs is at deployment.
func rrdatas(typ string, values []string) ([]string, error) {
	if err := field.List(platform.DNSRecordValues(field.NewPath(dnsRecordPath).Child("values"), typ, values)).Err(); err != nil {
		return nil, err
	}
	if typ != "TXT" {
		return append([]string(nil), values...), nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		chunks := platform.TXTChunks(v)
		for k, c := range chunks {
			chunks[k] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(c) + `"`
		}
		out[i] = strings.Join(chunks, " ")
	}
	return out, nil
}

// zoneOf parses the managed zone's resource name id
// (projects/<project>/managedZones/<zone>), the Zone of a record spec.
func zoneOf(id string) (format.CloudDNSZone, error) {
	z, ok := format.ParseCloudDNSZoneID(id)
	if !ok {
		return format.CloudDNSZone{}, fmt.Errorf("%s.zone %q: not a Cloud DNS managed zone's resource name; pass DNSZonesOutputs.ZoneID or PrivateZoneID (projects/<project>/managedZones/<zone>)", dnsRecordPath, id)
	}
	return z, nil
}

// dsRecords returns the DS records of the active key signing keys, in
// order: what the parent zone takes ("<key tag> <algorithm> <digest type>
// <digest>").
func dsRecords(keys []dsKey) []string {
	out := []string{}
	for _, k := range keys {
		if k.Active && k.DS != "" {
			out = append(out, k.DS)
		}
	}
	return out
}

// dsKey is a key signing key's DS record and whether the key is active.
type dsKey struct {
	DS     string
	Active bool
}

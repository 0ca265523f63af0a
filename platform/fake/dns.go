package fake

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Resource types of the fake's DNS and edge.
const (
	// ZoneType is a fake DNS zone, public or private.
	ZoneType = "plinthfake:index:Zone"
	// RecordType is a fake DNS record set.
	RecordType = "plinthfake:index:Record"
	// EdgeType is a fake public edge with its firewall.
	EdgeType = "plinthfake:index:Edge"
)

// DNSZones returns the specs NewDNSZones received, in call order.
func (b *Backend) DNSZones() []platform.DNSZonesSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.zones)
}

// Edges returns the specs NewEdge received, in call order.
func (b *Backend) Edges() []platform.EdgeSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.edges)
}

// NewDNSZones registers a public zone "<name>-zone" (none when
// spec.Existing adopts one; its ID is then Existing) with two name
// servers, and a private zone "<name>-private-zone" when
// spec.PrivateDomain is set; both protected and retained when
// spec.Locked. A signed zone's DS record is "1 13 2 <zone>". It refuses,
// registering nothing, a spec DNSZonesSpec.Validate refuses.
func (b *Backend) NewDNSZones(ctx *pulumi.Context, spec platform.DNSZonesSpec, opts ...pulumi.ResourceOption) (*platform.DNSZonesOutputs, error) {
	// The fake stands in for every cloud: it adopts a zone of any cloud's
	// ID form.
	facts := Facts
	facts.DNSZoneID = platform.ZoneIDFormat{Want: "a zone ID", Check: func(id, _ string) string {
		if strings.TrimSpace(id) != id || id == "" {
			return "not a zone ID: write it without spaces"
		}
		return ""
	}}
	if err := spec.Validate(field.NewPath("dns"), facts).Err(); err != nil {
		return nil, fmt.Errorf("fake: dns %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.zones = append(b.zones, spec)
	b.mu.Unlock()
	keep := append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider), pulumi.Protect(spec.Locked), pulumi.RetainOnDelete(spec.Locked))
	out := &platform.DNSZonesOutputs{
		ZoneID:        pulumi.String(spec.Existing).ToStringOutput(),
		NameServers:   pulumi.StringArray{}.ToStringArrayOutput(),
		DSRecords:     pulumi.StringArray{}.ToStringArrayOutput(),
		PrivateZoneID: pulumi.String("").ToStringOutput(),
	}
	if spec.Existing == "" {
		name := platform.ChildName(spec.Name, "zone")
		var zone resourceState
		if err := ctx.RegisterResource(ZoneType, name, pulumi.Map{
			"name": pulumi.String(name), "domain": pulumi.String(spec.Domain), "dnssec": pulumi.Bool(spec.DNSSEC),
			"tags": pulumi.ToStringMap(spec.Tags),
		}, &zone, keep...); err != nil {
			return nil, err
		}
		out.ZoneID = zone.ID().ToStringOutput()
		out.NameServers = pulumi.ToStringArray([]string{"ns1.fake.internal.", "ns2.fake.internal."}).ToStringArrayOutput()
		if spec.DNSSEC {
			out.DSRecords = pulumi.ToStringArray([]string{"1 13 2 " + spec.Domain}).ToStringArrayOutput()
		}
	}
	if spec.PrivateDomain != "" {
		name := platform.ChildName(spec.Name, "private-zone")
		var zone resourceState
		if err := ctx.RegisterResource(ZoneType, name, pulumi.Map{
			"name": pulumi.String(name), "domain": pulumi.String(spec.PrivateDomain), "private": pulumi.Bool(true),
			"network": spec.Network.Outputs.ID, "tags": pulumi.ToStringMap(spec.Tags),
		}, &zone, keep...); err != nil {
			return nil, err
		}
		out.PrivateZoneID = zone.ID().ToStringOutput()
	}
	return out, nil
}

// NewDNSRecord registers a record set spec.Name in spec.Zone. It refuses
// a type outside platform.DNSRecordTypes.
func (b *Backend) NewDNSRecord(ctx *pulumi.Context, spec platform.DNSRecordSpec, opts ...pulumi.ResourceOption) error {
	if !slices.Contains(platform.DNSRecordTypes, spec.Type) {
		return fmt.Errorf("fake: record %q: type %q: use one of %v", spec.Name, spec.Type, platform.DNSRecordTypes)
	}
	var r resourceState
	return ctx.RegisterResource(RecordType, spec.Name, pulumi.Map{
		"name": pulumi.String(spec.Name), "zone": spec.Zone, "host": pulumi.String(spec.Host), "type": pulumi.String(spec.Type),
		"values": spec.Values, "ttl": pulumi.Int(spec.TTLSeconds), "private": pulumi.Bool(spec.Private),
	}, &r, append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider))...)
}

// NewEdge registers an edge "<name>-edge" with its firewall's mode and
// rate limit, the origin it forwards to, and a CNAME record of each
// hostname to its endpoint "<name>.edge.fake." (NewDNSRecord). It refuses,
// registering nothing, a spec EdgeSpec.Validate refuses.
func (b *Backend) NewEdge(ctx *pulumi.Context, spec platform.EdgeSpec, opts ...pulumi.ResourceOption) (*platform.EdgeOutputs, error) {
	if err := spec.Validate(field.NewPath("edge")).Err(); err != nil {
		return nil, fmt.Errorf("fake: edge %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.edges = append(b.edges, spec)
	b.mu.Unlock()
	mode := "detection"
	if spec.Prevention {
		mode = "prevention"
	}
	name := platform.ChildName(spec.Name, "edge")
	endpoint := spec.Name + ".edge.fake"
	var e resourceState
	if err := ctx.RegisterResource(EdgeType, name, pulumi.Map{
		"name": pulumi.String(name), "hostnames": pulumi.ToStringArray(spec.Hostnames), "firewallMode": pulumi.String(mode),
		"rateLimitPerMinute": pulumi.Int(spec.RateLimitPerMinute),
		"origin":             pulumi.String(spec.Ingress.Namespace + "/" + spec.Ingress.Service), "tags": pulumi.ToStringMap(spec.Tags),
	}, &e, append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider), pulumi.Protect(spec.Locked), pulumi.RetainOnDelete(spec.Locked))...); err != nil {
		return nil, err
	}
	for i, h := range spec.Hostnames {
		if err := b.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: platform.ChildName(spec.Name, fmt.Sprintf("edge-record-%d", i+1)), Zone: spec.ZoneID, Domain: spec.Domain,
			Host: relative(h, spec.Domain), Type: "CNAME", Values: pulumi.ToStringArray([]string{endpoint + "."}), TTLSeconds: 300,
		}, opts...); err != nil {
			return nil, err
		}
	}
	return &platform.EdgeOutputs{Endpoint: pulumi.String(endpoint).ToStringOutput(), Firewall: pulumi.String(name + "-firewall").ToStringOutput()}, nil
}

// relative is host's name relative to domain ("@" for the apex).
func relative(host, domain string) string {
	if host == domain {
		return "@"
	}
	return host[:len(host)-len(domain)-1]
}

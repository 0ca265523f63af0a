package mockcloud

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// dnsZone answers a public Azure DNS zone as Azure does: the zone's name
// is a DNS name of at least two labels, and Azure gives it four name
// servers from one of its name server sets, each ending in ".".
func dnsZone(c *call) (string, error) {
	id, err := arm("Microsoft.Network/dnszones", "zoneName")(c)
	if err != nil {
		return "", err
	}
	zone := c.str("zoneName")
	if !strings.Contains(zone, ".") || strings.HasSuffix(zone, ".") {
		return "", fmt.Errorf("zoneName %q is not a DNS name of at least two labels without the trailing dot", zone)
	}
	set := 1 + int(sha256.Sum256([]byte("azure-dns-set\x00" + strings.ToLower(id)))[0])%9
	c.set("nameServers", []string{
		fmt.Sprintf("ns1-%02d.azure-dns.com.", set), fmt.Sprintf("ns2-%02d.azure-dns.net.", set),
		fmt.Sprintf("ns3-%02d.azure-dns.org.", set), fmt.Sprintf("ns4-%02d.azure-dns.info.", set),
	})
	c.set("zoneType", "Public")
	c.set("numberOfRecordSets", 2) // SOA and NS
	c.set("type", "Microsoft.Network/dnszones")
	return id, nil
}

// dnssecConfig answers a zone's DNSSEC configuration, which Azure names
// "default": .../dnszones/<zone>/dnssecConfigs/default, with the signing
// keys Azure creates (ECDSA P-256 with SHA-256, algorithm 13): a key
// signing key (flags 257) whose delegation signer information holds the DS
// record for the parent (SHA-256 digest, type 2), and a zone signing key
// (flags 256) without any.
func dnssecConfig(c *call) (string, error) {
	prefix, err := armPrefix(c)
	if err != nil {
		return "", err
	}
	zone, err := c.need("zoneName")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s/providers/Microsoft.Network/dnszones/%s/dnssecConfigs/default", prefix, zone)
	ksk, zsk := dnsKeyTag("ksk", id), dnsKeyTag("zsk", id)
	digest := fmt.Sprintf("%X", sha256.Sum256([]byte("azure-dnssec-ds\x00"+strings.ToLower(id))))
	c.set("name", "default")
	c.set("type", "Microsoft.Network/dnszones/dnssecConfigs")
	c.set("provisioningState", "Succeeded")
	c.set("signingKeys", []any{
		map[string]any{
			"flags": 257, "keyTag": ksk, "protocol": 3, "securityAlgorithmType": 13,
			"publicKey": dnsPublicKey("ksk", id),
			"delegationSignerInfo": []any{map[string]any{
				"digestAlgorithmType": 2, "digestValue": digest,
				"record": fmt.Sprintf("%d 13 2 %s", ksk, digest),
			}},
		},
		map[string]any{
			"flags": 256, "keyTag": zsk, "protocol": 3, "securityAlgorithmType": 13,
			"publicKey": dnsPublicKey("zsk", id), "delegationSignerInfo": []any{},
		},
	})
	return id, nil
}

// dnsKeyTag is a stable key tag (0-65535) for the key kind of the zone id.
func dnsKeyTag(kind, id string) int {
	sum := sha256.Sum256([]byte("dnskey-tag\x00" + kind + "\x00" + strings.ToLower(id)))
	return int(sum[0])<<8 | int(sum[1])
}

// dnsPublicKey is a stable base64 public key (64 bytes, as a P-256 key)
// for the key kind of the zone id.
func dnsPublicKey(kind, id string) string {
	a := sha256.Sum256([]byte("dnskey-a\x00" + kind + "\x00" + strings.ToLower(id)))
	b := sha256.Sum256([]byte("dnskey-b\x00" + kind + "\x00" + strings.ToLower(id)))
	return base64.StdEncoding.EncodeToString(append(a[:], b[:]...))
}

// dnsRecordSet shapes a record set in the zone named by the input zoneKey
// of the zone type typePath (public dnszones or privateDnsZones):
// .../<typePath>/<zone>/<recordType>/<relativeRecordSetName>, with its
// fqdn. As Azure, it refuses a type other than A, AAAA, CNAME, MX, NS,
// PTR, SRV, TXT (and CAA in public zones), a record set without records of
// its type or with records of another, and a CNAME at the apex.
func dnsRecordSet(typePath, zoneKey string) shape {
	return func(c *call) (string, error) {
		prefix, err := armPrefix(c)
		if err != nil {
			return "", err
		}
		in, err := c.needs(zoneKey, "relativeRecordSetName", "recordType")
		if err != nil {
			return "", err
		}
		zone, name, typ := in[0], in[1], in[2]
		fields := map[string]string{"A": "aRecords", "CNAME": "cnameRecord", "TXT": "txtRecords", "AAAA": "aaaaRecords", "MX": "mxRecords", "NS": "nsRecords", "PTR": "ptrRecords", "SRV": "srvRecords", "CAA": "caaRecords"}
		want, ok := fields[typ]
		if !ok || (typ == "CAA" && strings.Contains(typePath, "private")) {
			return "", fmt.Errorf("recordType %q is not a record type Azure creates here", typ)
		}
		for t, f := range fields {
			_, set := c.in[resource.PropertyKey(f)]
			switch {
			case t == typ && !set:
				return "", fmt.Errorf("a %s record set needs %s", typ, want)
			case t != typ && set:
				return "", fmt.Errorf("a %s record set cannot have %s", typ, f)
			}
		}
		if typ == "CNAME" && name == "@" {
			return "", fmt.Errorf("a CNAME record set cannot be at the zone's apex")
		}
		fqdn := zone + "."
		if name != "@" {
			fqdn = name + "." + fqdn
		}
		c.set("name", name)
		c.set("fqdn", fqdn)
		c.set("type", typePath+"/"+typ)
		c.set("provisioningState", "Succeeded")
		return fmt.Sprintf("%s/providers/%s/%s/%s/%s", prefix, typePath, zone, typ, name), nil
	}
}

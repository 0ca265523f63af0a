package mockcloud

import (
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// cloudDNSManagedZone shapes projects/<p>/managedZones/<name>, a Cloud DNS
// managed zone's ID in pulumi-gcp. As Cloud DNS, it refuses a DNS name
// without the trailing dot and a private zone visible to no network; a
// public zone gets four name servers of one of Cloud DNS's sets
// (ns-cloud-<a..e><1..4>.googledomains.com.), a private one the private
// resolver's.
func cloudDNSManagedZone(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("name", "dnsName")
	if err != nil {
		return "", err
	}
	name, dnsName := in[0], in[1]
	if !strings.HasSuffix(dnsName, ".") {
		return "", fmt.Errorf("dnsName %q does not end with \".\"", dnsName)
	}
	id := "projects/" + project + "/managedZones/" + name
	switch c.str("visibility") {
	case "private":
		networks := arrayIn(c.object("privateVisibilityConfig"), "networks")
		if len(networks) == 0 {
			return "", fmt.Errorf("a private zone needs privateVisibilityConfig.networks")
		}
		c.set("nameServers", []string{"ns-gcp-private.googledomains.com."})
	case "", "public":
		set := string(rune('a' + sha256.Sum256([]byte("cloud-dns-set\x00" + id))[0]%5))
		var ns []string
		for i := 1; i <= 4; i++ {
			ns = append(ns, fmt.Sprintf("ns-cloud-%s%d.googledomains.com.", set, i))
		}
		c.set("nameServers", ns)
	default:
		return "", fmt.Errorf("visibility %q is not public or private", c.str("visibility"))
	}
	c.set("project", project)
	c.set("managedZoneId", digitsFrom("cloud-dns-zone", id, 19))
	c.set("creationTime", "2026-01-05T09:00:00.000Z")
	return id, nil
}

// cloudDNSRecordSet shapes projects/<p>/managedZones/<zone>/rrsets/<name>/<type>,
// a record set's ID in pulumi-gcp. As Cloud DNS, it refuses a name without
// the trailing dot, a record set without rrdatas and a TXT rrdata that is
// not quoted.
func cloudDNSRecordSet(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("managedZone", "name", "type")
	if err != nil {
		return "", err
	}
	zone, name, typ := in[0], in[1], in[2]
	if !strings.HasSuffix(name, ".") {
		return "", fmt.Errorf("name %q does not end with \".\"", name)
	}
	rrdatas := stringsIn(c.in, "rrdatas")
	if len(rrdatas) == 0 {
		return "", fmt.Errorf("a record set needs rrdatas")
	}
	for _, r := range rrdatas {
		if typ == "TXT" && (!strings.HasPrefix(r, `"`) || !strings.HasSuffix(r, `"`)) {
			return "", fmt.Errorf("TXT rrdata %s is not quoted", r)
		}
	}
	c.set("project", project)
	return fmt.Sprintf("projects/%s/managedZones/%s/rrsets/%s/%s", project, zone, name, typ), nil
}

// dnsKeys answers gcp:dns/getKeys:getKeys for the managed zone named by
// the input managedZone (its name or ID): the keys Cloud DNS creates when
// DNSSEC is turned on with its defaults (RSASHA256, algorithm 8), a key
// signing key with its DS record (SHA-256 digest, type 2) and a zone
// signing key.
func dnsKeys(c *call) (resource.PropertyMap, error) {
	zone, err := c.need("managedZone")
	if err != nil {
		return nil, err
	}
	project := c.fromProvider("project")
	if i := strings.LastIndex(zone, "/"); i >= 0 {
		zone = zone[i+1:]
	}
	id := "projects/" + project + "/managedZones/" + zone
	ksk := dnsKeyTag("ksk", id)
	digest := fmt.Sprintf("%X", sha256.Sum256([]byte("cloud-dns-ds\x00"+id)))
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": id, "managedZone": zone, "project": project,
		"keySigningKeys": []any{map[string]any{
			"algorithm": "rsasha256", "creationTime": "2026-01-05T09:00:00.000Z", "description": "",
			"digests":  []any{map[string]any{"digest": digest, "type": "sha256"}},
			"dsRecord": fmt.Sprintf("%d 8 2 %s", ksk, digest),
			"id":       "0", "isActive": true, "keyLength": 2048, "keyTag": ksk,
			"publicKey": dnsPublicKey("ksk", id),
		}},
		"zoneSigningKeys": []any{map[string]any{
			"algorithm": "rsasha256", "creationTime": "2026-01-05T09:00:00.000Z", "description": "",
			"digests": []any{}, "id": "1", "isActive": true, "keyLength": 1024, "keyTag": dnsKeyTag("zsk", id),
			"publicKey": dnsPublicKey("zsk", id),
		}},
	}), nil
}

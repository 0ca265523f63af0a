package mockcloud

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// gcpShapes are the ID shapes of pulumi-gcp types (platform/gke/gketypes
// names them). Keep it sorted by name.
var gcpShapes = map[string]shapeKind{
	// cloudDNSManagedZone, cloudDNSRecordSet: see ids_gcp_dns.go.
	"cloudDNSManagedZone":     fixed(cloudDNSManagedZone),
	"cloudDNSRecordSet":       fixed(cloudDNSRecordSet),
	"cloudIdentityGroup":      fixed(cloudIdentityGroup),
	"cloudIdentityMembership": fixed(cloudIdentityMembership),
	"gcpAddress": fixed(withOutputs(gcpRegional("addresses"), func(c *call) {
		c.set("address", ipFrom(34, c.str("name")))
	})),
	// gcpGlobalAddress: a global external address, with its IP.
	"gcpGlobalAddress": fixed(withOutputs(gcpGlobal("addresses"), func(c *call) {
		c.set("address", ipFrom(34, "global/"+c.str("name")))
	})),
	// dnsZoneIamMember: a binding on the managed zone named by the inputs
	// project and managedZone, projects/<project>/managedZones/<zone>.
	"dnsZoneIamMember": fixed(iamMember(func(c *call) (string, error) {
		project, err := c.need("project")
		if err != nil {
			return "", err
		}
		zone, err := c.need("managedZone")
		if err != nil {
			return "", err
		}
		return "projects/" + project + "/managedZones/" + zone, nil
	})),
	// gcpGlobal(collection), gcpLocated(collection, state) and
	// gcpRegional(collection): see their functions.
	"gcpGlobal":     {1, func(a []string) shape { return gcpGlobal(a[0]) }},
	"gcpLocated":    {2, func(a []string) shape { return gcpLocated(a[0], a[1]) }},
	"gcpRegional":   {1, func(a []string) shape { return gcpRegional(a[0]) }},
	"gkeBackupPlan": fixed(gkeBackupPlan),
	"gkeCluster":    fixed(gkeCluster),
	"gkeNodePool":   fixed(gkeNodePool),
	// iamMember(key, prefix): a binding on the resource named by input key,
	// written prefix+value ("b/<bucket>").
	"iamMember": {2, func(a []string) shape {
		return iamMember(func(c *call) (string, error) {
			v, err := c.need(a[0])
			if err != nil {
				return "", err
			}
			return a[1] + v, nil
		})
	}},
	// Cloud KMS: see ids_gcp_kms.go.
	"kmsCryptoKey":      fixed(kmsCryptoKey),
	"kmsKeyRing":        fixed(kmsKeyRing),
	"pamEntitlement":    fixed(pamEntitlement),
	"projectCustomRole": fixed(projectCustomRole),
	"routerNat":         fixed(routerNat),
	"serviceAccount":    fixed(serviceAccount),
	// Secret Manager: projects/<p>/secrets/<secretId> and its version 1.
	"secretManagerSecret":  fixed(secretManagerSecret),
	"secretManagerVersion": fixed(secretManagerVersion),
	"storageBucket":        fixed(storageBucket),
}

// cloudIdentityGroup shapes groups/<id>, the Cloud Identity resource name
// of a group: what memberships name as their group. The ID derives from the
// group's email, as groupLookup answers it, so a created group and a
// lookup of its email agree.
func cloudIdentityGroup(c *call) (string, error) {
	if _, err := c.need("parent"); err != nil {
		return "", err
	}
	email, ok := stringOf(c.object("groupKey"), "id")
	if !ok {
		return "", fmt.Errorf("input \"groupKey.id\" is not set; Plinth sets every group email explicitly")
	}
	id := cloudIdentityGroupName(email)
	c.set("name", id)
	return id, nil
}

// cloudIdentityGroupName is groups/<id>, where id is 15 lowercase letters
// and digits derived from the group's email, the shape Cloud Identity gives
// group IDs ("01tuee744837sjz").
func cloudIdentityGroupName(email string) string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	sum := sha1.Sum([]byte("cloud-identity-group\x00" + strings.ToLower(email)))
	id := []byte{'0'}
	for _, x := range sum[:14] {
		id = append(id, alphabet[int(x)%len(alphabet)])
	}
	return "groups/" + string(id)
}

// cloudIdentityMembership shapes groups/<group id>/memberships/<id>, where
// id is the 21-digit ID Cloud Identity gives the member.
func cloudIdentityMembership(c *call) (string, error) {
	group, err := c.need("group")
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(group, "groups/") {
		return "", fmt.Errorf("group %q is not a group resource name (groups/<id>); memberships name the group by its name, not its email", group)
	}
	member, ok := stringOf(c.object("preferredMemberKey"), "id")
	if !ok {
		return "", fmt.Errorf("input \"preferredMemberKey.id\" is not set")
	}
	id := fmt.Sprintf("%s/memberships/%s", group, digitsFrom("cloud-identity-member", strings.ToLower(member), 21))
	c.set("name", id)
	return id, nil
}

// pamEntitlement shapes <parent>/locations/<location>/entitlements/<id>,
// which is also the entitlement's name, in the AVAILABLE state.
func pamEntitlement(c *call) (string, error) {
	in, err := c.needs("parent", "location", "entitlementId")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("%s/locations/%s/entitlements/%s", in[0], in[1], in[2])
	c.set("name", id)
	c.set("state", "AVAILABLE")
	c.set("etag", "BwY"+base64.RawURLEncoding.EncodeToString([]byte(digitsFrom("etag", id, 6))))
	return id, nil
}

// gkeBackupPlan shapes projects/<p>/locations/<l>/backupPlans/<name>, with
// the plan's UID, an etag and the READY state. The name output stays the
// short name, as the provider reports it.
func gkeBackupPlan(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "name", "cluster")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("projects/%s/locations/%s/backupPlans/%s", project, in[0], in[1])
	c.set("project", project)
	c.set("uid", uuidFrom("backup-plan", id))
	c.set("etag", "BwY"+base64.RawURLEncoding.EncodeToString([]byte(digitsFrom("etag", id, 6))))
	c.set("state", "READY")
	return id, nil
}

// projectCustomRole shapes projects/<p>/roles/<roleId>, which is also the
// role's name: what IAM bindings name as their role.
func projectCustomRole(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	roleID, err := c.need("roleId")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("projects/%s/roles/%s", project, roleID)
	c.set("name", id)
	c.set("project", project)
	c.set("deleted", false)
	return id, nil
}

// storageBucket shapes a GCS bucket: its ID is its (global) name, with the
// gs:// URL, the JSON API self-link and the project.
func storageBucket(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	name, err := c.need("name")
	if err != nil {
		return "", err
	}
	c.set("project", project)
	c.set("url", "gs://"+name)
	c.set("selfLink", "https://www.googleapis.com/storage/v1/b/"+name)
	return name, nil
}

const gkeAPI = "https://container.googleapis.com/v1/"

// gkeCluster shapes projects/<p>/locations/<l>/clusters/<name>, with the
// endpoint (the control plane's private address, the second of the master
// /28, when the public endpoint is off; a public address otherwise), the
// cluster CA and the self-link.
func gkeCluster(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "name")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("projects/%s/locations/%s/clusters/%s", project, in[0], in[1])

	pcc := c.object("privateClusterConfig")
	public := ipFrom(34, "gke/"+id)
	endpoint := public
	if cidr, ok := stringOf(pcc, "masterIpv4CidrBlock"); ok {
		prefix, err := netip.ParsePrefix(cidr)
		if err != nil {
			return "", fmt.Errorf("privateClusterConfig.masterIpv4CidrBlock %q: %w", cidr, err)
		}
		private := prefix.Addr().Next().Next().String()
		fill := map[string]any{"privateEndpoint": private, "publicEndpoint": public}
		if b, _ := boolOf(pcc, "enablePrivateEndpoint"); b {
			endpoint = private
			delete(fill, "publicEndpoint")
		}
		c.merge("privateClusterConfig", fill)
	}
	c.merge("masterAuth", map[string]any{"clusterCaCertificate": caCertificate(id)})
	c.set("endpoint", endpoint)
	c.set("project", project)
	c.set("selfLink", gkeAPI+id)
	return id, nil
}

// gkeNodePool shapes projects/<p>/locations/<l>/clusters/<c>/nodePools/<name>.
// The cluster input may be the cluster's name or its ID.
func gkeNodePool(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "cluster", "name")
	if err != nil {
		return "", err
	}
	location, cluster, name := in[0], in[1][strings.LastIndex(in[1], "/")+1:], in[2]
	c.set("project", project)
	return fmt.Sprintf("projects/%s/locations/%s/clusters/%s/nodePools/%s", project, location, cluster, name), nil
}

// serviceAccount shapes projects/<p>/serviceAccounts/<email>, with the
// email, the "serviceAccount:<email>" member and a 21-digit unique ID
// derived from the email.
func serviceAccount(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	accountID, err := c.need("accountId")
	if err != nil {
		return "", err
	}
	email := fmt.Sprintf("%s@%s.iam.gserviceaccount.com", accountID, project)
	id := fmt.Sprintf("projects/%s/serviceAccounts/%s", project, email)
	c.set("email", email)
	c.set("member", "serviceAccount:"+email)
	c.set("name", id)
	c.set("project", project)
	c.set("uniqueId", digitsFrom("service-account", email, 21))
	return id, nil
}

// iamMember shapes an IAM member binding as the provider reports it:
// "<resource>/<role>/<member>", where resource is what the binding is on.
func iamMember(resourceOf func(c *call) (string, error)) shape {
	return func(c *call) (string, error) {
		res, err := resourceOf(c)
		if err != nil {
			return "", err
		}
		role, err := c.need("role")
		if err != nil {
			return "", err
		}
		member, err := c.need("member")
		if err != nil {
			return "", err
		}
		c.set("etag", "BwY"+base64.RawURLEncoding.EncodeToString([]byte(digitsFrom("etag", res+role+member, 6))))
		return strings.Join([]string{res, role, member}, "/"), nil
	}
}

// caCertificate is a stable, base64-encoded placeholder of a cluster CA in
// PEM form. It is not a valid certificate: nothing here connects.
func caCertificate(id string) string {
	sum := sha1.Sum([]byte(id))
	pem := "-----BEGIN CERTIFICATE-----\nMOCKCLOUD" + base64.StdEncoding.EncodeToString(sum[:]) + "\n-----END CERTIFICATE-----\n"
	return base64.StdEncoding.EncodeToString([]byte(pem))
}

// digitsFrom returns n stable decimal digits derived from parts, the first
// of them non-zero (GCP unique IDs start with 1).
func digitsFrom(kind, value string, n int) string {
	var b strings.Builder
	b.WriteByte('1')
	for i := 0; b.Len() < n; i++ {
		sum := sha1.Sum([]byte(fmt.Sprintf("%s\x00%s\x00%d", kind, value, i)))
		for _, x := range sum {
			if b.Len() == n {
				break
			}
			b.WriteByte('0' + x%10)
		}
	}
	return b.String()
}

// object returns the object input key, or nil when it is missing or not an
// object.
func (c *call) object(key string) resource.PropertyMap {
	v, ok := c.in[resource.PropertyKey(key)]
	if !ok {
		return nil
	}
	v = plainProperty(v)
	if v.IsObject() {
		return v.ObjectValue()
	}
	return nil
}

// merge sets the object output key to its input overlaid with fill.
func (c *call) merge(key string, fill map[string]any) {
	out := resource.PropertyMap{}
	for k, v := range c.object(key) {
		out[k] = v
	}
	for k, v := range fill {
		out[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	c.out[resource.PropertyKey(key)] = resource.NewObjectProperty(out)
}

func stringOf(m resource.PropertyMap, key string) (string, bool) {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return "", false
	}
	v = plainProperty(v)
	if !v.IsString() || v.StringValue() == "" {
		return "", false
	}
	return v.StringValue(), true
}

func boolOf(m resource.PropertyMap, key string) (bool, bool) {
	v, ok := m[resource.PropertyKey(key)]
	if !ok {
		return false, false
	}
	v = plainProperty(v)
	return v.IsBool() && v.BoolValue(), v.IsBool()
}

// plainProperty unwraps secrets and known outputs.
func plainProperty(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput() && v.OutputValue().Known:
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// gcpLocated shapes a regional resource of collection the way GCP names
// it, projects/<p>/locations/<region>/<collection>/<name>, in the given
// state: Cloud Scheduler jobs and Workflows (whose executions Cloud
// Scheduler starts at <ID>/executions). The name output stays the short
// name, as the provider reports it.
func gcpLocated(collection, state string) shape {
	return func(c *call) (string, error) {
		project, err := gcpProject(c)
		if err != nil {
			return "", err
		}
		region := c.fromProvider("region")
		if region == "" {
			return "", fmt.Errorf("no region on the %s or its provider", collection)
		}
		name, err := c.need("name")
		if err != nil {
			return "", err
		}
		c.set("project", project)
		c.set("region", region)
		c.set("state", state)
		return fmt.Sprintf("projects/%s/locations/%s/%s/%s", project, region, collection, name), nil
	}
}

// secretManagerSecret shapes projects/<p>/secrets/<secretId>, the secret's
// resource name.
func secretManagerSecret(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	secretID, err := c.need("secretId")
	if err != nil {
		return "", err
	}
	id := fmt.Sprintf("projects/%s/secrets/%s", project, secretID)
	c.set("name", id)
	c.set("project", project)
	return id, nil
}

// secretManagerVersion shapes <secret>/versions/1: the first version of
// the secret it names, as a new version is numbered.
func secretManagerVersion(c *call) (string, error) {
	secret, err := c.need("secret")
	if err != nil {
		return "", err
	}
	id := secret + "/versions/1"
	c.set("name", id)
	c.set("version", "1")
	c.set("enabled", true)
	return id, nil
}

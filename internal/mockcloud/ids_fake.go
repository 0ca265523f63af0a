package mockcloud

// fakeShapes answers the test backend's types (platform/fake).
var fakeShapes = map[string]shape{
	"plinthfake:index:AccessCatalog": fake("access-catalogs"),
	"plinthfake:index:AccessPackage": fake("access-packages"),
	"plinthfake:index:BackupPlan":    fake("backup-plans"),
	"plinthfake:index:Bucket":        fake("buckets"),
	"plinthfake:index:EgressIP": withOutputs(fake("egress-ips"), func(c *call) {
		c.set("address", ipFrom(203, c.str("name")))
	}),
	"plinthfake:index:Cluster": withOutputs(fake("clusters"), func(c *call) {
		name := c.str("name")
		c.set("endpoint", "https://"+name+".fake.internal:443")
		c.set("issuerUrl", "https://oidc.fake.internal/"+uuidFrom("issuer", name)+"/")
		c.set("principalId", uuidFrom("control-plane", name))
		c.set("clientId", uuidFrom("nodes", name))
	}),
	"plinthfake:index:Grant": fake("grants"),
	"plinthfake:index:Group": fake("groups"),
	"plinthfake:index:Identity": withOutputs(fake("identities"), func(c *call) {
		c.set("clientId", uuidFrom("client", c.str("name")))
		c.set("principalId", uuidFrom("principal", c.str("name")))
	}),
	"plinthfake:index:Network":  fake("networks"),
	"plinthfake:index:NodePool": fake("node-pools"),
	"plinthfake:index:Schedule": withOutputs(fake("schedules"), func(c *call) {
		c.set("principalId", uuidFrom("principal", c.str("name")))
	}),
	"plinthfake:index:Subnet": fake("subnets"),
}

// fake shapes the test backend's resources: fake://<collection>/<name>.
func fake(collection string) shape {
	return func(c *call) (string, error) {
		name, err := c.need("name")
		return "fake://" + collection + "/" + name, err
	}
}

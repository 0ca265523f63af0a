package mockcloud

// fakeShapes are the ID shapes of the test backend's types
// (platform/fake/faketypes names them).
var fakeShapes = map[string]shapeKind{
	// fake(collection): fake://<collection>/<name>.
	"fake": {1, func(a []string) shape { return fake(a[0]) }},
	"fakeCluster": fixed(withOutputs(fake("clusters"), func(c *call) {
		name := c.str("name")
		c.set("endpoint", "https://"+name+".fake.internal:443")
		c.set("issuerUrl", "https://oidc.fake.internal/"+uuidFrom("issuer", name)+"/")
		c.set("principalId", uuidFrom("control-plane", name))
		c.set("clientId", uuidFrom("nodes", name))
	})),
	"fakeEgressIP": fixed(withOutputs(fake("egress-ips"), func(c *call) {
		c.set("address", ipFrom(203, c.str("name")))
	})),
	"fakeIdentity": fixed(withOutputs(fake("identities"), func(c *call) {
		c.set("clientId", uuidFrom("client", c.str("name")))
		c.set("principalId", uuidFrom("principal", c.str("name")))
	})),
	"fakeSchedule": fixed(withOutputs(fake("schedules"), func(c *call) {
		c.set("principalId", uuidFrom("principal", c.str("name")))
	})),
}

// fake shapes the test backend's resources: fake://<collection>/<name>.
func fake(collection string) shape {
	return func(c *call) (string, error) {
		name, err := c.need("name")
		return "fake://" + collection + "/" + name, err
	}
}

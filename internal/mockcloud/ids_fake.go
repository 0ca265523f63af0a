package mockcloud

// fakeShapes answers the test backend's types (platform/fake).
var fakeShapes = map[string]shape{
	"plinthfake:index:EgressIP": withOutputs(fake("egress-ips"), func(c *call) {
		c.set("address", ipFrom(203, c.str("name")))
	}),
	"plinthfake:index:Network": fake("networks"),
	"plinthfake:index:Subnet":  fake("subnets"),
}

// fake shapes the test backend's resources: fake://<collection>/<name>.
func fake(collection string) shape {
	return func(c *call) (string, error) {
		name, err := c.need("name")
		return "fake://" + collection + "/" + name, err
	}
}

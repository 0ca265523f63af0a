package mockcloud

// gcpShapes answers the pulumi-gcp types. Keep it sorted by type.
var gcpShapes = map[string]shape{
	"gcp:compute/address:Address": withOutputs(gcpRegional("addresses"), func(c *call) {
		c.set("address", ipFrom(34, c.str("name")))
	}),
	"gcp:compute/firewall:Firewall":     gcpGlobal("firewalls"),
	"gcp:compute/network:Network":       gcpGlobal("networks"),
	"gcp:compute/router:Router":         gcpRegional("routers"),
	"gcp:compute/routerNat:RouterNat":   routerNat,
	"gcp:compute/subnetwork:Subnetwork": gcpRegional("subnetworks"),
}

package faketypes

import rt "github.com/plinth-dev/plinth/platform/resourcetype"

// Registry holds every type the fake backend registers.
var Registry = rt.NewRegistry(
	rt.Type{Token: "pulumi:providers:plinthfake"},
	fake("AccessCatalog", rt.ID("fake", "access-catalogs")),
	fake("Alert", rt.ID("fake", "alerts")),
	fake("AccessPackage", rt.ID("fake", "access-packages")),
	fake("BackupPlan", rt.ID("fake", "backup-plans")),
	fake("Bucket", rt.ID("fake", "buckets")),
	fake("Cluster", rt.ID("fakeCluster")),
	fake("Edge", rt.ID("fake", "edges")),
	fake("EgressIP", rt.ID("fakeEgressIP")),
	untagged(fake("Grant", rt.ID("fake", "grants"))),
	fake("Group", rt.ID("fake", "groups")),
	fake("Identity", rt.ID("fakeIdentity")),
	untagged(fake("ImagePolicy", rt.ID("fake", "image-policies"))),
	fake("MetricsStore", rt.ID("fake", "metrics-stores")),
	fake("Network", rt.ID("fake", "networks")),
	fake("NodePool", rt.ID("fake", "node-pools")),
	fake("Receiver", rt.ID("fake", "receivers")),
	untagged(fake("Record", rt.ID("fake", "records"))),
	fake("Registry", rt.ID("fake", "registries")),
	fake("Schedule", rt.ID("fakeSchedule")),
	fake("SecretStore", rt.ID("fake", "secret-stores")),
	untagged(fake("Subnet", rt.ID("fake", "subnets"))),
	fake("Zone", rt.ID("fake", "zones")),
)

// fake is the entry of plinthfake:index:<name>.
func fake(name string, id rt.MockID) rt.Type {
	return rt.Type{Token: "plinthfake:index:" + name, Tags: "tags", MockID: id}
}

// untagged is t without tags: as in the clouds, a subnet and a role
// grant take none.
func untagged(t rt.Type) rt.Type {
	t.Tags = ""
	return t
}

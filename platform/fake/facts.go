package fake

import (
	"fmt"
	"time"

	"github.com/plinth-dev/plinth/platform"
)

func init() { platform.RegisterCloud(Facts) }

// Facts are the fake cloud's facts: Azure's shape (zones "1".."3", a
// four-hour window, admin groups that hold cluster-admin, three approval
// stages) with hours as the access unit, IDs of any form without spaces,
// no DNS01 solver, no Velero plugin and no managed Prometheus to scrape
// with.
// Tests of a rule that follows a real cloud resolve against that cloud's
// facts (aksfacts.Facts, gkefacts.Facts) instead, and the fake, a stand-in
// for every cloud (StandIn), builds what they resolved.
var Facts = platform.CloudFacts{
	Cloud:              platform.CloudFake,
	Name:               "fake",
	Service:            "fake Kubernetes",
	Zones:              platform.Zones{Names: []string{"1", "2", "3"}, Default: []string{"1", "2", "3"}},
	MachineType:        "fake-4x16",
	DevMachineType:     "fake-2x8",
	MinWindowHours:     4,
	Groups:             platform.IDFormat{Want: "a group ID without spaces", Example: "payments-developers"},
	Principals:         platform.IDFormat{Want: "an ID without spaces", Example: "payments-leads"},
	AccessUnit:         time.Hour,
	AccessUnitRule:     "must be whole hours, at least 1h",
	MaxApprovalStages:  3,
	AccessReviews:      true,
	TeamExistingGroups: true,
	FlowLogRetention:   true,
	NodePoolNodes:      func(_, pool string) string { return "fake-" + pool + "-.*" },
	// kube-state-metrics' node series, as on AKS.
	Nodes: platform.NodeQueries{
		NotReady: `kube_node_status_condition{condition="Ready",status="true",` + platform.ClusterSelector + `} == 0`,
		Count: func(nodes string) string {
			return fmt.Sprintf(`count(kube_node_info{node=~%q,%s})`, nodes, platform.ClusterSelector)
		},
	},
	StandIn: true,
	Pushers: platform.IDFormat{Want: "an ID without spaces", Example: "ci-images"},
	// Like GCP: attestations are verified.
	ImageAttestation: platform.ImageAttestation{Supported: true, Attestors: platform.IDFormat{Want: "an attestor name without spaces", Example: "built-by-ci"}},

	// Like AKS: admin groups are standing cluster-admin.
	AdminGroupsAreClusterAdmin: true,
}

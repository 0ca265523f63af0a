package platformtest

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// PowerScheduleTestBackend is what the power schedule suite needs: a
// network and cluster to schedule, and the capability under test.
type PowerScheduleTestBackend interface {
	platform.NetworkBackend
	platform.ClusterBackend
	platform.PowerScheduleBackend
}

// NewPowerScheduleBackend creates the backend under test inside a Pulumi
// program.
type NewPowerScheduleBackend func(ctx *pulumi.Context) (PowerScheduleTestBackend, error)

// powerName is the logical name of the suite's power schedule.
const powerName = "hours"

// powerTags are the schedule's own tags (not the cluster's), so that C7
// shows which tags reach its children.
var powerTags = platform.Tags{"environment": "dev", "managed-by": "plinth", "cost-center": "cc-2001"}

// powerSpec is the schedule the suite asks for: Monday to Friday, 07:00 to
// 19:00 in Berlin, with powerTags.
func powerSpec(cluster platform.ClusterSpec, out *platform.ClusterOutputs) platform.PowerScheduleSpec {
	return platform.PowerScheduleSpec{
		Name:     powerName,
		Cluster:  cluster,
		Outputs:  out,
		Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Start:    "07:00",
		Stop:     "19:00",
		TimeZone: "Europe/Berlin",
		Tags:     powerTags.Merge(),
	}
}

// powerResult holds what a power schedule render resolved: the outputs of
// the cluster and of the schedule, and NewPowerSchedule's error.
type powerResult struct {
	mu                                 sync.Mutex
	clusterID, nodeIdentity, controlID string
	stop, start, principal             string
	err                                error
}

func (r *powerResult) set(dst *string) func(string) string {
	return func(v string) string {
		r.mu.Lock()
		*dst = v
		r.mu.Unlock()
		return v
	}
}

// renderPower renders the suite's network ("prodnet") and cluster ("prod")
// and, under a component of its own, the power schedule of powerSpec as
// changed by mutate. NewPowerSchedule's error goes into res, not into the
// render, so that a rejected spec still yields its snapshot.
func renderPower(newBackend NewPowerScheduleBackend, mutate func(*platform.PowerScheduleSpec), res *powerResult) (*Snapshot, error) {
	return renderOnCluster(newBackend, func(ctx *pulumi.Context, b PowerScheduleTestBackend, sc *suiteCluster) error {
		clusterSpec, cluster := sc.spec, sc.outputs
		cluster.ID.ApplyT(res.set(&res.clusterID))
		cluster.NodeIdentity.ApplyT(res.set(&res.nodeIdentity))
		cluster.ControlPlanePrincipalID.ApplyT(res.set(&res.controlID))

		spec := powerSpec(clusterSpec, cluster)
		if mutate != nil {
			mutate(&spec)
		}
		pp := &parent{}
		if err := ctx.RegisterComponentResource(parentType, spec.Name, pp); err != nil {
			return err
		}
		out, err := b.NewPowerSchedule(ctx, spec, pulumi.Parent(pp))
		if err != nil {
			res.err = err
			return nil
		}
		out.StopSchedule.ApplyT(res.set(&res.stop))
		out.StartSchedule.ApplyT(res.set(&res.start))
		out.PrincipalID.ApplyT(res.set(&res.principal))
		return nil
	})
}

// descendants returns the resources whose parent chain reaches the
// top-level suite component named name.
func descendants(snap *Snapshot, name string) []*Resource {
	var root string
	for _, r := range snap.Resources {
		if r.Type == parentType && r.Parent == "" && r.Name == name {
			root = r.URN
		}
	}
	var out []*Resource
	for i := range snap.Resources {
		r := &snap.Resources[i]
		for p := r.Parent; p != "" && root != ""; {
			if p == root {
				out = append(out, r)
				break
			}
			up := snap.ByURN(p)
			if up == nil {
				break
			}
			p = up.Parent
		}
	}
	return out
}

// PowerScheduleConformance runs the power schedule rules of
// docs/contract.md against a backend. In one stack it creates the "prod"
// network and cluster of ClusterConformance and the power schedule
// "hours" for that cluster (Monday to Friday, 07:00 to 19:00,
// Europe/Berlin, three tags), and checks:
//
//   - C1-C3 on every child; C2 as "hours-" + anything, which the AKS
//     schedules, whose names carry their timing, also follow;
//   - C4: the stop and start schedule IDs and the principal are set, and
//     the two schedules differ;
//   - C7: every child with a "tags" or "labels" input carries each of the
//     spec's tags, and at least one child does;
//   - C8: a spec with a time zone that is not an IANA name is refused with
//     an error naming powerSchedule.timeZone, and nothing is registered;
//   - C16: a child names the cluster's ID, and the principal is neither the
//     cluster's node identity nor its control plane's.
func PowerScheduleConformance(t *testing.T, newBackend NewPowerScheduleBackend) {
	t.Helper()
	t.Run("power schedule", func(t *testing.T) {
		res := &powerResult{}
		snap, err := renderPower(newBackend, nil, res)
		if err != nil {
			t.Fatalf("power schedule suite: %v", err)
		}
		if res.err != nil {
			t.Fatalf("power schedule suite: NewPowerSchedule: %v", res.err)
		}
		checkChildren(t, snap)
		children := descendants(snap, powerName)
		res.mu.Lock()
		defer res.mu.Unlock()
		checkPowerOutputs(t, res)
		checkTags(t, children, powerTags, nil, true)
		checkPowerTarget(t, children, res)
	})

	t.Run("rejected time zone", func(t *testing.T) {
		res := &powerResult{}
		snap, err := renderPower(newBackend, func(s *platform.PowerScheduleSpec) { s.TimeZone = "Mars/Olympus" }, res)
		if err != nil {
			t.Fatalf("power schedule suite: %v", err)
		}
		checkRejected(t, res.err, `powerSchedule.timeZone "Mars/Olympus"`, `a power schedule with the time zone "Mars/Olympus"`, descendants(snap, powerName))
	})
}

// checkPowerOutputs holds the resolved outputs to C4. The caller holds
// res.mu.
func checkPowerOutputs(t *testing.T, res *powerResult) {
	t.Helper()
	if res.stop == "" || res.start == "" || res.principal == "" {
		t.Errorf("C4: stop schedule %q, start schedule %q and principal %q must be set", res.stop, res.start, res.principal)
	}
	if res.stop != "" && res.stop == res.start {
		t.Errorf("C4: stop and start are the same schedule %q", res.stop)
	}
}

// checkPowerTarget holds the schedule to C16: it acts on the cluster of
// its spec, through an identity that is not the cluster's. The caller
// holds res.mu.
func checkPowerTarget(t *testing.T, children []*Resource, res *powerResult) {
	t.Helper()
	if res.clusterID == "" {
		t.Fatal("C4: the cluster's ID is empty")
	}
	var named []string
	for _, r := range children {
		data, err := json.Marshal(r.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), res.clusterID) {
			named = append(named, r.Name)
		}
	}
	if len(named) == 0 {
		t.Errorf("C16: no child of the power schedule names the cluster's ID %q; the schedule must act on that cluster", res.clusterID)
	}
	others := map[string]string{"node identity": res.nodeIdentity, "control plane identity": res.controlID}
	for _, which := range slices.Sorted(maps.Keys(others)) {
		if id := others[which]; id != "" && id == res.principal {
			t.Errorf("C16: the power schedule's principal %q is the cluster's %s; it needs an identity of its own", res.principal, which)
		}
	}
}

package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The operations a Danger names.
const (
	// DangerDelete: the resource leaves the program and is deleted.
	DangerDelete = "delete"
	// DangerReplace: a new resource replaces it, and the old one is
	// deleted.
	DangerReplace = "replace"
)

// Danger is a resource that a preview or a saved plan deletes or replaces:
// what an approver must see before saying yes, and what a rollout refuses
// unless it is allowed by name (Allowed).
type Danger struct {
	// Op is DangerDelete or DangerReplace.
	Op string
	// URN is the resource's URN; Type its type token.
	URN, Type string
	// Protected: the resource has the protect option, so the engine will
	// refuse the operation until protection is lifted in a reviewed change.
	Protected bool
	// Retained: the resource has retainOnDelete, so its delete only drops
	// it from the state and leaves it in the cloud.
	Retained bool
}

// Name is the resource's logical name, the last part of its URN.
func (d Danger) Name() string {
	if u := resource.URN(d.URN); u.IsValid() {
		return u.Name()
	}
	return d.URN
}

// String is one line for a person: "replace gcp:container/cluster:Cluster
// prod-gke-cluster (protected)".
func (d Danger) String() string {
	s := fmt.Sprintf("%s %s %s", d.Op, d.Type, d.Name())
	var notes []string
	if d.Protected {
		notes = append(notes, "protected")
	}
	if d.Retained {
		notes = append(notes, "retained on delete")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// dangerOp is the Danger operation of an engine step, or "".
func dangerOp(op apitype.OpType) string {
	switch op {
	case apitype.OpDelete:
		return DangerDelete
	case apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced:
		return DangerReplace
	}
	return ""
}

// dangerList gathers dangers by URN, in the order first seen: a
// replacement is several steps (create-replacement, replace,
// delete-replaced) of one resource.
type dangerList struct {
	list []Danger
}

func (l *dangerList) add(d Danger) {
	i := slices.IndexFunc(l.list, func(e Danger) bool { return e.URN == d.URN })
	if i < 0 {
		l.list = append(l.list, d)
		return
	}
	e := &l.list[i]
	if d.Op == DangerReplace {
		e.Op = DangerReplace
	}
	e.Protected = e.Protected || d.Protected
	e.Retained = e.Retained || d.Retained
	if e.Type == "" {
		e.Type = d.Type
	}
}

// dangersOf reads a preview's engine events until the channel closes and
// returns the deletes and replaces among its steps.
func dangersOf(ch <-chan events.EngineEvent) []Danger {
	var l dangerList
	for e := range ch {
		if e.ResourcePreEvent == nil {
			continue
		}
		m := e.ResourcePreEvent.Metadata
		op := dangerOp(m.Op)
		if op == "" {
			continue
		}
		d := Danger{Op: op, URN: m.URN, Type: m.Type}
		for _, st := range []*apitype.StepEventStateMetadata{m.Old, m.New} {
			if st != nil {
				d.Protected = d.Protected || st.Protect
				d.Retained = d.Retained || st.RetainOnDelete
			}
		}
		l.add(d)
	}
	return l.list
}

// PlanDangers returns the deletes and replaces of the plan saved at path
// (plinth preview --save-plan, or a rollout's plan), sorted by URN, and
// the stacks its resources belong to. A plan has no old state: a delete's
// protection is not known from it (the engine refuses to delete a
// protected resource anyway).
func PlanDangers(path string) (dangers []Danger, stacks []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var plan apitype.DeploymentPlanV1
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, nil, fmt.Errorf("%s is not a Pulumi plan: %w", path, err)
	}
	if plan.ResourcePlans == nil {
		// The versioned envelope: {"version": 1, "plan": {...}}.
		var v apitype.VersionedDeploymentPlan
		if err := json.Unmarshal(data, &v); err == nil && len(v.Plan) > 0 {
			if err := json.Unmarshal(v.Plan, &plan); err != nil {
				return nil, nil, fmt.Errorf("%s is not a Pulumi plan: %w", path, err)
			}
		}
	}
	if plan.ResourcePlans == nil {
		return nil, nil, fmt.Errorf("%s is not a Pulumi plan: it has no resource plans; save one with plinth preview STACK --save-plan FILE", path)
	}
	var l dangerList
	for _, urn := range slices.Sorted(func(yield func(resource.URN) bool) {
		for u := range plan.ResourcePlans {
			if !yield(u) {
				return
			}
		}
	}) {
		rp := plan.ResourcePlans[urn]
		if urn.IsValid() && !slices.Contains(stacks, urn.Stack().String()) {
			stacks = append(stacks, urn.Stack().String())
		}
		for _, step := range rp.Steps {
			op := dangerOp(step)
			if op == "" {
				continue
			}
			d := Danger{Op: op, URN: string(urn)}
			if urn.IsValid() {
				d.Type = string(urn.Type())
			}
			if rp.Goal != nil {
				d.Protected = rp.Goal.Protect
			}
			l.add(d)
		}
	}
	return l.list, stacks, nil
}

// Allow names the deletes and replaces a person accepts: each entry is a
// resource's logical name (the last part of its URN) or its whole URN.
type Allow struct {
	Delete, Replace []string
}

// Refused returns the dangers a does not allow, in order. A replace is
// allowed by Replace; a delete by Delete.
func (a Allow) Refused(dangers []Danger) []Danger {
	var out []Danger
	for _, d := range dangers {
		names := a.Delete
		if d.Op == DangerReplace {
			names = a.Replace
		}
		if !slices.Contains(names, d.Name()) && !slices.Contains(names, d.URN) {
			out = append(out, d)
		}
	}
	return out
}

// RefusedError says which dangers are not allowed and how to allow them.
func RefusedError(stack string, refused []Danger) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d deletes or replaces not allowed: ", stack, len(refused))
	var flags []string
	for i, d := range refused {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(d.String())
		flags = append(flags, "--allow-"+d.Op+" "+d.Name())
	}
	fmt.Fprintf(&b, "\nreview them in the preview; if they are intended, allow each by name: %s", strings.Join(flags, " "))
	return errors.New(b.String())
}

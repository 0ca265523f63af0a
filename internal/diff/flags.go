package diff

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
)

// ProductionClass is the class of production stacks (see Class).
const ProductionClass = "prod"

// labelInputs are the inputs that carry a resource's labels: Azure tags, GCP
// labels and GKE resourceLabels.
var labelInputs = []string{"tags", "labels", "resourceLabels"}

// Class returns the class a stack's resources are labeled with: the value
// of the "class" key in their tags, labels or resourceLabels inputs, such
// as "prod", "staging" or "dev". If resources disagree, the most common
// value wins (ties go to the alphabetically first); "" if none has one.
func Class(s *snapshot.Snapshot) string {
	if s == nil {
		return ""
	}
	counts := map[string]int{}
	for _, r := range s.Resources {
		for _, input := range labelInputs {
			labels, _ := r.Inputs[input].(map[string]any)
			if class, ok := labels["class"].(string); ok && class != "" {
				counts[class]++
			}
		}
	}
	best := ""
	for _, class := range slices.Sorted(maps.Keys(counts)) {
		if counts[class] > counts[best] {
			best = class
		}
	}
	return best
}

// isStateful reports whether a resource of type typ (whatever its API
// version) holds data, or everything inside it, as its registry says:
// deleting or replacing one loses what it holds.
func isStateful(typ string) bool {
	t, ok := typeregistry.All.LookupAnyVersion(typ)
	return ok && t.Stateful
}

// label names a resource in messages: "AgentPool prod-aks-pool-apps".
func label(r *snapshot.Resource) string {
	typ := r.Type
	if i := strings.LastIndex(typ, ":"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ + " " + r.Name
}

// lossFlags flags the deletion or replacement (action "deleted" or
// "replaced") of r, as it was in the old snapshot.
func lossFlags(r *snapshot.Resource, action string) []Flag {
	var out []Flag
	if isStateful(r.Type) {
		out = append(out, Flag{ID: FlagStateful, Severity: Danger, Message: fmt.Sprintf(
			"%s is stateful and is %s: what it holds does not carry over", label(r), action)})
	}
	if why := protection(r); why != "" {
		verb := strings.TrimSuffix(action, "d")
		out = append(out, Flag{ID: FlagProtected, Severity: Danger, Message: fmt.Sprintf(
			"%s is protected (%s) and is %s: the deployment will refuse to %s it", label(r), why, action, verb)})
	}
	return out
}

// protection says what protects r from deletion, or "" if nothing does.
func protection(r *snapshot.Resource) string {
	switch {
	case r.Protect:
		return "protect option"
	case r.Inputs["deletionProtection"] == true:
		return "deletionProtection input"
	}
	return ""
}

// replaceFlag names the properties that force r's replacement: replaced by
// the provider, or refused in place by the cloud API.
func replaceFlag(r *snapshot.Resource, replaced, refused []string) Flag {
	var parts []string
	if len(replaced) > 0 {
		parts = append(parts, fmt.Sprintf("%s is replaced (deleted and created again) because %s changed",
			label(r), strings.Join(replaced, ", ")))
	} else {
		parts = append(parts, fmt.Sprintf("%s must be replaced", label(r)))
	}
	if len(refused) > 0 {
		parts = append(parts, fmt.Sprintf("%s cannot change in place: the cloud API refuses it, "+
			"so the deployment fails until the resource is replaced", strings.Join(refused, ", ")))
	}
	return Flag{ID: FlagReplace, Severity: Warning, Message: strings.Join(parts, "; ")}
}

// noAliasFlag flags old, removed, and r, added with the same type and name:
// without an alias Pulumi deletes the one and creates the other.
func noAliasFlag(old, r *snapshot.Resource) Flag {
	why := "its URN changed"
	switch {
	case old.Parent != r.Parent:
		why = "its parent changed"
	case old.Type != r.Type:
		why = "its type token changed"
	}
	return Flag{ID: FlagNoAlias, Severity: Danger, Message: fmt.Sprintf(
		"%s: %s without an alias, so Pulumi deletes %s and creates %s; "+
			"add pulumi.Aliases with the old URN to move it instead (on the topmost component that moved: its children inherit it)", label(old), why, old.URN, r.URN)}
}

// Report is the diff of several stacks, ready to render.
type Report struct {
	// Version is the version of the JSON shape (JSONVersion).
	Version int         `json:"version"`
	Stacks  []StackDiff `json:"stacks"`
	// Flags are report-level flags (PROD-WITH-OTHERS); resource flags stay
	// on their resources.
	Flags []Flag `json:"flags"`
}

// JSONVersion is the version of the JSON shape WriteJSON writes.
const JSONVersion = 1

// Summarize builds the report of several stacks' diffs, sorted by stack
// name, with the report-level flags.
func Summarize(stacks []StackDiff) Report {
	r := Report{Version: JSONVersion, Stacks: slices.Clone(stacks), Flags: []Flag{}}
	slices.SortStableFunc(r.Stacks, func(a, b StackDiff) int { return cmp.Compare(a.Stack, b.Stack) })
	if f, ok := prodWithOthers(r.Stacks); ok {
		r.Flags = append(r.Flags, f)
	}
	return r
}

// prodWithOthers flags a report where a production stack changes together
// with at least one other stack.
func prodWithOthers(stacks []StackDiff) (Flag, bool) {
	var prod, others []string
	for _, s := range stacks {
		switch {
		case !s.HasChanges():
		case s.Production:
			prod = append(prod, s.Stack)
		default:
			others = append(others, s.Stack)
		}
	}
	if len(prod) == 0 || len(prod)+len(others) < 2 {
		return Flag{}, false
	}
	touched := fmt.Sprintf("production (%s) and other stacks (%s)", strings.Join(prod, ", "), strings.Join(others, ", "))
	if len(others) == 0 {
		touched = fmt.Sprintf("several production stacks (%s)", strings.Join(prod, ", "))
	}
	return Flag{ID: FlagProdWithOthers, Severity: Warning, Message: "this change touches " + touched +
		" at once: split it so production changes are reviewed and rolled out on their own"}, true
}

// HasChanges reports whether any stack changes.
func (r Report) HasChanges() bool {
	return slices.ContainsFunc(r.Stacks, StackDiff.HasChanges)
}

// HasFlags reports whether the report carries any flag of severity danger,
// at report level or on a resource.
func (r Report) HasFlags() bool {
	for _, f := range r.allFlags() {
		if f.flag.Severity == Danger {
			return true
		}
	}
	return false
}

// placedFlag is a flag with where it was raised.
type placedFlag struct {
	stack string // "" for report-level flags
	flag  Flag
}

// allFlags lists every flag, danger first, then by ID, stack and message.
func (r Report) allFlags() []placedFlag {
	var out []placedFlag
	for _, f := range r.Flags {
		out = append(out, placedFlag{flag: f})
	}
	for _, s := range r.Stacks {
		for _, f := range stackFlags(s) {
			out = append(out, placedFlag{stack: s.Stack, flag: f})
		}
	}
	slices.SortStableFunc(out, func(a, b placedFlag) int {
		return cmp.Or(
			cmp.Compare(severityRank(a.flag.Severity), severityRank(b.flag.Severity)),
			cmp.Compare(a.flag.ID, b.flag.ID),
			cmp.Compare(a.stack, b.stack),
			cmp.Compare(a.flag.Message, b.flag.Message))
	})
	return out
}

// stackFlags lists the flags of a stack's resources, danger first, then by
// ID and message.
func stackFlags(s StackDiff) []Flag {
	var out []Flag
	for _, c := range slices.Concat(s.Removed, s.Renamed, s.Changed, s.Moved, s.Added) {
		out = append(out, c.Flags...)
	}
	sortFlags(out)
	return out
}

// sortFlags orders flags danger first, then by ID and message.
func sortFlags(flags []Flag) {
	slices.SortStableFunc(flags, func(a, b Flag) int {
		return cmp.Or(
			cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
			cmp.Compare(a.ID, b.ID),
			cmp.Compare(a.Message, b.Message))
	})
}

func severityRank(s Severity) int {
	if s == Danger {
		return 0
	}
	return 1
}

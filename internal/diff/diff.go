package diff

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// Severity says how much a flag matters. HasFlags counts only Danger.
type Severity string

// Flag severities.
const (
	// Danger marks what must not merge unnoticed: lost data, a refused
	// deletion, a destroyed and recreated resource.
	Danger Severity = "danger"
	// Warning marks what deserves a second look.
	Warning Severity = "warning"
)

// Flag IDs. They are stable: the CLI, CI and reviewers may match on them.
const (
	// FlagReplace: a property change forces the resource to be replaced.
	FlagReplace = "REPLACE"
	// FlagStateful: a stateful resource (cluster, node pool, network, subnet,
	// storage, resource group, key vault, DNS zone, disk) is deleted or
	// replaced.
	FlagStateful = "STATEFUL"
	// FlagProtected: a resource protected in the old snapshot is deleted or
	// replaced; the deployment will refuse it.
	FlagProtected = "PROTECTED"
	// FlagNoAlias: a resource's URN changed without an alias, so it is
	// deleted and created again instead of moved.
	FlagNoAlias = "NO-ALIAS"
	// FlagRename: a resource is removed and another of the same type added
	// under a new name that names the same cloud resource (the same cloud
	// name or identifying inputs), without an alias: the flag says which
	// alias keeps it.
	FlagRename = "RENAME"
	// FlagProdWithOthers: one change touches a production stack and another
	// stack (report level).
	FlagProdWithOthers = "PROD-WITH-OTHERS"
)

// Flag is one thing a reviewer must see.
type Flag struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Message names the resource (or stacks) and says what happens.
	Message string `json:"message"`
}

// PropertyChange is one changed input or resource option.
type PropertyChange struct {
	// Path is a Pulumi property path: nested keys joined by '.', list
	// elements as [i], odd keys quoted (tags["a.b"]). Options are under
	// "options." (options.protect, options.dependsOn, ...).
	Path string `json:"path"`
	// Old and New are the values, secrets and unknowns as the snapshot wrote
	// them ("[secret]", "[unknown]"). Null when absent; see the flags.
	Old any `json:"old"`
	New any `json:"new"`
	// OldAbsent and NewAbsent tell an absent value from a null one.
	OldAbsent bool `json:"oldAbsent,omitempty"`
	NewAbsent bool `json:"newAbsent,omitempty"`
	// ForcesReplacement is true when the change cannot be applied in place.
	ForcesReplacement bool `json:"forcesReplacement,omitempty"`
	// Refused qualifies ForcesReplacement: the provider would try an
	// in-place update, which the cloud API rejects.
	Refused bool `json:"refused,omitempty"`
	// Ignored is true when the resource's ignoreChanges covers the path:
	// the deployment will not apply it.
	Ignored bool `json:"ignored,omitempty"`
}

// ResourceChange is one added, removed, changed or moved resource.
type ResourceChange struct {
	URN string `json:"urn"`
	// OldURN is the URN the resource moves from (moved and renamed
	// resources only); OldName its old name (renamed resources only).
	OldURN  string `json:"oldUrn,omitempty"`
	OldName string `json:"oldName,omitempty"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	// Replace is true when a property change cannot be applied in place.
	Replace bool `json:"replace"`
	// Properties lists input and option changes in path order; empty for
	// added and removed resources.
	Properties []PropertyChange `json:"properties"`
	Flags      []Flag           `json:"flags"`
}

// Counts sums up a stack's changes the way `pulumi preview` does.
type Counts struct {
	Add int `json:"add"`
	// Change counts updated resources that are not replaced: changed ones,
	// and moved ones with changes besides their new parent.
	Change  int `json:"change"`
	Replace int `json:"replace"`
	Delete  int `json:"delete"`
	Move    int `json:"move"`
	// Rename counts resources renamed without an alias (Renamed).
	Rename int `json:"rename"`
}

// StackDiff is the difference between two snapshots of one stack.
type StackDiff struct {
	Stack string `json:"stack"`
	// Production is true when either snapshot's Class is "prod".
	Production bool `json:"production"`
	// Summary is filled by Compare.
	Summary Counts           `json:"summary"`
	Added   []ResourceChange `json:"added"`
	Removed []ResourceChange `json:"removed"`
	// Changed holds resources kept under the same URN whose inputs or
	// options change; changes covered by ignoreChanges alone do not count.
	Changed []ResourceChange `json:"changed"`
	// Moved holds resources whose new URN aliases a removed one.
	Moved []ResourceChange `json:"moved"`
	// Renamed holds resources removed and added again under a new name
	// without an alias, the new one naming the same cloud resource: one
	// entry each instead of a removal and an addition, flagged RENAME.
	Renamed []ResourceChange `json:"renamed"`
}

// HasChanges reports whether anything in the stack changes.
func (s StackDiff) HasChanges() bool {
	return len(s.Added)+len(s.Removed)+len(s.Changed)+len(s.Moved)+len(s.Renamed) > 0
}

// Compare diffs two snapshots of one stack. from may be nil (a new stack)
// and to may be nil (a removed stack). Resources match by URN; a resource
// whose old URN is gone and listed in the new one's aliases is moved.
func Compare(from, to *snapshot.Snapshot) StackDiff {
	olds, news := byURN(from), byURN(to)
	d := StackDiff{Stack: stackName(from, to), Production: isProduction(from) || isProduction(to)}

	moves := findMoves(olds, news)
	movedFrom := map[string]bool{}
	for _, old := range moves {
		movedFrom[old.URN] = true
	}

	var added, removed []*snapshot.Resource
	for _, r := range sortedResources(to) {
		old, moved := olds[r.URN], moves[r.URN]
		switch {
		case old != nil:
			if c, ok := compareResource(old, r); ok {
				d.Changed = append(d.Changed, c)
			}
		case moved != nil:
			c, _ := compareResource(moved, r)
			c.OldURN = moved.URN
			d.Moved = append(d.Moved, c)
		default:
			added = append(added, r)
		}
	}
	for _, r := range sortedResources(from) {
		if news[r.URN] == nil && !movedFrom[r.URN] {
			removed = append(removed, r)
		}
	}

	recreated := pairRecreated(removed, added)
	renamed := pairRenamed(unpaired(removed, recreated), unpaired(added, invert(recreated)))
	renamedTo := invert(renamed)
	for _, r := range added {
		if renamedTo[r.URN] == nil {
			d.Added = append(d.Added, entry(r))
		}
	}
	for _, r := range removed {
		if to := renamed[r.URN]; to != nil {
			d.Renamed = append(d.Renamed, renamedEntry(r, to))
			continue
		}
		d.Removed = append(d.Removed, removedEntry(r, recreated[r.URN]))
	}
	slices.SortFunc(d.Renamed, func(a, b ResourceChange) int { return cmp.Compare(a.URN, b.URN) })
	d.Summary = countChanges(d)
	return d
}

func stackName(from, to *snapshot.Snapshot) string {
	if to != nil {
		return to.Stack
	}
	if from != nil {
		return from.Stack
	}
	return ""
}

func isProduction(s *snapshot.Snapshot) bool {
	return s != nil && Class(s) == ProductionClass
}

func byURN(s *snapshot.Snapshot) map[string]*snapshot.Resource {
	out := map[string]*snapshot.Resource{}
	for _, r := range sortedResources(s) {
		out[r.URN] = r
	}
	return out
}

// sortedResources returns the resources in URN order, whatever order the
// snapshot holds them in.
func sortedResources(s *snapshot.Snapshot) []*snapshot.Resource {
	if s == nil {
		return nil
	}
	out := make([]*snapshot.Resource, len(s.Resources))
	for i := range s.Resources {
		out[i] = &s.Resources[i]
	}
	slices.SortStableFunc(out, func(a, b *snapshot.Resource) int { return cmp.Compare(a.URN, b.URN) })
	return out
}

// findMoves maps the URN of each new resource that moves to the old resource
// it moves from: an old URN that is gone and that is one of the new
// resource's aliases (aliasesOf). Each old resource moves at most once, to
// the first new URN.
func findMoves(olds, news map[string]*snapshot.Resource) map[string]*snapshot.Resource {
	moves := map[string]*snapshot.Resource{}
	taken := map[string]bool{}
	aliases := aliasesOf(olds, news)
	for _, urn := range slices.Sorted(maps.Keys(news)) {
		if olds[urn] != nil {
			continue
		}
		for _, alias := range aliases(news[urn]) {
			old := olds[alias]
			if old == nil || news[alias] != nil || taken[alias] {
				continue
			}
			moves[urn] = old
			taken[alias] = true
			break
		}
	}
	return moves
}

// aliasesOf returns a function giving every URN a new resource answers to,
// as the engine sees it:
//   - the aliases it declares (pulumi.Aliases);
//   - an old resource under the same parent and name whose type differs
//     only in its API version (the SDK's own aliases, which snapshots leave
//     out: snapshot.SameTypeAcrossVersions);
//   - its URN under each alias of its parent: Pulumi gives children their
//     parent's aliases, so aliasing a component moves its whole subtree.
func aliasesOf(olds, news map[string]*snapshot.Resource) func(*snapshot.Resource) []string {
	memo := map[string][]string{}
	byParentName := map[string][]*snapshot.Resource{}
	for _, o := range olds {
		byParentName[o.Parent+"::"+o.Name] = append(byParentName[o.Parent+"::"+o.Name], o)
	}
	var aliases func(r *snapshot.Resource) []string
	aliases = func(r *snapshot.Resource) []string {
		if a, ok := memo[r.URN]; ok {
			return a
		}
		memo[r.URN] = nil // a cycle of parents ends here
		out := slices.Clone(r.Aliases)
		for _, o := range byParentName[r.Parent+"::"+r.Name] {
			if snapshot.SameTypeAcrossVersions(o.Type, r.Type) {
				out = append(out, o.URN)
			}
		}
		if p := news[r.Parent]; p != nil {
			for _, pa := range aliases(p) {
				if u, ok := childURN(pa, r.Type, r.Name); ok {
					out = append(out, u)
				}
			}
		}
		slices.Sort(out)
		memo[r.URN] = out
		return out
	}
	return aliases
}

// childURN is the URN of a child of type typ and name under the parent
// whose URN is parent: urn:pulumi:<stack>::<project>::<parent's type
// chain>$<typ>::<name>.
func childURN(parent, typ, name string) (string, bool) {
	parts := strings.SplitN(parent, "::", 4)
	if len(parts) != 4 {
		return "", false
	}
	return parts[0] + "::" + parts[1] + "::" + parts[2] + "$" + typ + "::" + name, true
}

// pairRecreated finds, for each removed resource, an added one of the same
// type (API version aside) and name: the same resource under a new URN
// without an alias. It maps the removed URN to the added resource.
func pairRecreated(removed, added []*snapshot.Resource) map[string]*snapshot.Resource {
	out := map[string]*snapshot.Resource{}
	used := map[string]bool{}
	for _, old := range removed {
		for _, r := range added {
			if used[r.URN] || r.Name != old.Name || resourcetype.BaseType(r.Type) != resourcetype.BaseType(old.Type) {
				continue
			}
			out[old.URN] = r
			used[r.URN] = true
			break
		}
	}
	return out
}

// unpaired returns the resources of rs that pairs does not map.
func unpaired(rs []*snapshot.Resource, pairs map[string]*snapshot.Resource) []*snapshot.Resource {
	var out []*snapshot.Resource
	for _, r := range rs {
		if pairs[r.URN] == nil {
			out = append(out, r)
		}
	}
	return out
}

// invert maps each resource a pairing maps to back to its partner.
func invert(pairs map[string]*snapshot.Resource) map[string]*snapshot.Resource {
	out := map[string]*snapshot.Resource{}
	for urn, r := range pairs {
		out[r.URN] = &snapshot.Resource{URN: urn}
	}
	return out
}

// compareResource diffs one resource kept (or moved) across snapshots. It
// reports false when nothing but ignored inputs changed.
func compareResource(old, r *snapshot.Resource) (ResourceChange, bool) {
	c := entry(r)
	c.Properties = propertyChanges(old, r)
	changed := false
	var replaced, refused []string
	for _, p := range c.Properties {
		if p.Ignored {
			continue
		}
		changed = true
		switch {
		case p.ForcesReplacement && p.Refused:
			refused = append(refused, p.Path)
		case p.ForcesReplacement:
			replaced = append(replaced, p.Path)
		}
	}
	if len(replaced)+len(refused) > 0 {
		c.Replace = true
		c.Flags = append(c.Flags, replaceFlag(r, replaced, refused))
		c.Flags = append(c.Flags, lossFlags(old, "replaced")...)
		sortFlags(c.Flags)
	}
	return c, changed
}

func entry(r *snapshot.Resource) ResourceChange {
	return ResourceChange{URN: r.URN, Type: r.Type, Name: r.Name, Properties: []PropertyChange{}, Flags: []Flag{}}
}

// removedEntry builds the entry of a deleted resource; recreated is the
// added resource that takes its place without an alias, or nil.
func removedEntry(r, recreated *snapshot.Resource) ResourceChange {
	c := entry(r)
	c.Flags = append(c.Flags, lossFlags(r, "deleted")...)
	if recreated != nil {
		c.Flags = append(c.Flags, noAliasFlag(r, recreated))
	}
	sortFlags(c.Flags)
	return c
}

func countChanges(d StackDiff) Counts {
	n := Counts{Add: len(d.Added), Delete: len(d.Removed), Move: len(d.Moved), Rename: len(d.Renamed)}
	for _, c := range slices.Concat(d.Changed, d.Moved) {
		switch {
		case c.Replace:
			n.Replace++
		case hasApplied(c):
			n.Change++
		}
	}
	return n
}

// hasApplied reports whether a change has a property change the deployment
// applies: not ignored, and for a moved resource not the new parent, which
// is the move itself.
func hasApplied(c ResourceChange) bool {
	return slices.ContainsFunc(c.Properties, func(p PropertyChange) bool {
		return !p.Ignored && (c.OldURN == "" || p.Path != "options.parent")
	})
}

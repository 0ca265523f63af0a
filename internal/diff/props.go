package diff

import (
	"encoding/json"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// shortList is the longest compact JSON, in characters, of a list of
// scalars that is compared as one value ("availabilityZones: ["1","2"] →
// ["1"]") rather than element by element.
const shortList = 80

// rawChange is a property change before it is annotated.
type rawChange struct {
	path         []step
	old, new     any
	oldOK, newOK bool
}

// propertyChanges lists the input changes of a resource in path order, then
// its option changes, annotated with ignoreChanges and replacements.
func propertyChanges(old, r *snapshot.Resource) []PropertyChange {
	var raw []rawChange
	walk(nil, old.Inputs, true, r.Inputs, true, &raw)
	ignored := parsePaths(r.IgnoreChanges)

	out := []PropertyChange{}
	for _, c := range raw {
		p := PropertyChange{
			Path: formatPath(c.path), Old: c.old, New: c.new,
			OldAbsent: !c.oldOK, NewAbsent: !c.newOK,
		}
		p.Ignored = slices.ContainsFunc(ignored, func(ig []step) bool { return hasPrefix(c.path, ig) })
		if !p.Ignored {
			if rule, ok := replacementFor(r.Type, c.path, c.old, c.new); ok {
				p.ForcesReplacement, p.Refused = true, rule.refused
			}
		}
		out = append(out, p)
	}
	return append(out, optionChanges(old, r)...)
}

// parsePaths parses ignoreChanges entries; one that does not parse ignores
// nothing here (Pulumi skips it too).
func parsePaths(paths []string) [][]step {
	var out [][]step
	for _, s := range paths {
		if p, err := parsePath(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// walk compares two values at path and appends the differences. A side
// that is absent (ok false) compares as missing at every path below it, so
// a block that appears is listed leaf by leaf.
func walk(path []step, old any, oldOK bool, new any, newOK bool, out *[]rawChange) {
	if !oldOK && !newOK {
		return
	}
	if om, nm, ok := bothMaps(old, oldOK, new, newOK); ok {
		walkMaps(path, om, oldOK, nm, newOK, out)
		return
	}
	if ol, nl, ok := bothLists(old, oldOK, new, newOK); ok {
		walkLists(path, ol, oldOK, nl, newOK, out)
		return
	}
	if oldOK && newOK && equalValues(old, new) {
		return
	}
	*out = append(*out, rawChange{path: path, old: old, new: new, oldOK: oldOK, newOK: newOK})
}

// bothMaps reports whether the values are maps (or absent) worth walking
// key by key: an empty map next to an absent value is compared whole, so
// that "{} → (none)" still shows.
func bothMaps(old any, oldOK bool, new any, newOK bool) (map[string]any, map[string]any, bool) {
	om, oIs := old.(map[string]any)
	nm, nIs := new.(map[string]any)
	if (oldOK && !oIs) || (newOK && !nIs) {
		return nil, nil, false
	}
	return om, nm, len(om) > 0 || len(nm) > 0 || (oldOK && newOK)
}

func walkMaps(path []step, old map[string]any, oldOK bool, new map[string]any, newOK bool, out *[]rawChange) {
	keys := slices.Collect(maps.Keys(old))
	for k := range new {
		if _, dup := old[k]; !dup {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		ov, ook := old[k]
		nv, nok := new[k]
		walk(appendStep(path, keyStep(k)), ov, oldOK && ook, nv, newOK && nok, out)
	}
}

// bothLists reports whether the values are lists (or absent) to compare
// element by element. Short lists of scalars are compared whole instead.
func bothLists(old any, oldOK bool, new any, newOK bool) ([]any, []any, bool) {
	ol, oIs := old.([]any)
	nl, nIs := new.([]any)
	if (oldOK && !oIs) || (newOK && !nIs) {
		return nil, nil, false
	}
	if isShortScalarList(ol) && isShortScalarList(nl) {
		return nil, nil, false
	}
	return ol, nl, true
}

func isShortScalarList(l []any) bool {
	for _, v := range l {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return utf8.RuneCountInString(compactJSON(l)) <= shortList
}

func walkLists(path []step, old []any, oldOK bool, new []any, newOK bool, out *[]rawChange) {
	for i := range max(len(old), len(new)) {
		var ov, nv any
		if i < len(old) {
			ov = old[i]
		}
		if i < len(new) {
			nv = new[i]
		}
		walk(appendStep(path, indexStep(i)), ov, oldOK && i < len(old), nv, newOK && i < len(new), out)
	}
}

// equalValues compares decoded JSON values; numbers compare by value, so a
// snapshot read from disk (float64) equals one built in Go (int).
func equalValues(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !equalValues(av, bv) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equalValues)
	}
	if an, ok := number(a); ok {
		bn, ok := number(b)
		return ok && an == bn
	}
	if _, ok := number(b); ok {
		return false
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// optionChanges lists changed resource options, in path order. Options that
// are empty strings (no parent, no provider) read as absent.
func optionChanges(old, r *snapshot.Resource) []PropertyChange {
	var out []PropertyChange
	out = append(out, setChanges("options.dependsOn", old.DependsOn, r.DependsOn)...)
	out = append(out, setChanges("options.ignoreChanges", old.IgnoreChanges, r.IgnoreChanges)...)
	out = append(out, stringChange("options.parent", old.Parent, r.Parent)...)
	out = append(out, boolChange("options.protect", old.Protect, r.Protect)...)
	out = append(out, stringChange("options.provider", old.Provider, r.Provider)...)
	out = append(out, boolChange("options.retainOnDelete", old.RetainOnDelete, r.RetainOnDelete)...)
	return out
}

// setChanges compares two lists as sets: one change per removed element,
// then one per added element, each in sorted order.
func setChanges(path string, old, new []string) []PropertyChange {
	var out []PropertyChange
	for _, v := range sortedDifference(old, new) {
		out = append(out, PropertyChange{Path: path, Old: v, New: nil, NewAbsent: true})
	}
	for _, v := range sortedDifference(new, old) {
		out = append(out, PropertyChange{Path: path, Old: nil, New: v, OldAbsent: true})
	}
	return out
}

// sortedDifference returns the elements of a missing from b, sorted.
func sortedDifference(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

func stringChange(path, old, new string) []PropertyChange {
	if old == new {
		return nil
	}
	return []PropertyChange{{
		Path: path, Old: nonEmpty(old), New: nonEmpty(new),
		OldAbsent: old == "", NewAbsent: new == "",
	}}
}

// nonEmpty returns s, or nil for the empty string (an absent option).
func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func boolChange(path string, old, new bool) []PropertyChange {
	if old == new {
		return nil
	}
	return []PropertyChange{{Path: path, Old: old, New: new}}
}

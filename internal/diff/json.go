package diff

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as indented JSON ending in a newline. The
// shape is documented in the package documentation; lists are always
// present ([] when empty), stacks are sorted by name, resources by URN and
// properties by path, so two runs on the same snapshots write the same
// bytes.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r.withEmptyLists())
}

// withEmptyLists returns a copy of r whose nil lists are empty, so that
// they encode as [] rather than null.
func (r Report) withEmptyLists() Report {
	out := Report{Version: r.Version, Flags: orEmpty(r.Flags), Stacks: make([]StackDiff, len(r.Stacks))}
	for i, s := range r.Stacks {
		s.Added = changesWithEmptyLists(s.Added)
		s.Removed = changesWithEmptyLists(s.Removed)
		s.Changed = changesWithEmptyLists(s.Changed)
		s.Moved = changesWithEmptyLists(s.Moved)
		s.Renamed = changesWithEmptyLists(s.Renamed)
		out.Stacks[i] = s
	}
	return out
}

func changesWithEmptyLists(in []ResourceChange) []ResourceChange {
	out := make([]ResourceChange, len(in))
	for i, c := range in {
		c.Properties = orEmpty(c.Properties)
		c.Flags = orEmpty(c.Flags)
		out[i] = c
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

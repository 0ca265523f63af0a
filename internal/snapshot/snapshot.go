// Package snapshot is the resource-graph snapshot format Plinth writes for
// every stack: what reviewers read in pull requests and what the CLI renders,
// checks and diffs. The shape is a public interface; see docs/snapshots.md.
//
// A snapshot is deterministic: resources sorted by URN, map keys sorted,
// secrets written as "[secret]", and no random IDs or timestamps.
package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// SecretValue replaces every secret value in a snapshot.
const SecretValue = "[secret]"

// UnknownValue stands for a value that is not known until deployment.
const UnknownValue = "[unknown]"

// Snapshot is the resource graph of one stack.
type Snapshot struct {
	// Stack is the stack name, e.g. "prod-aks".
	Stack string `json:"stack"`
	// Resources holds every registered resource, components included,
	// sorted by URN.
	Resources []Resource `json:"resources"`
}

// Resource is one registered resource.
type Resource struct {
	URN            string   `json:"urn"`
	Type           string   `json:"type"`
	Name           string   `json:"name"`
	Custom         bool     `json:"custom"`
	Parent         string   `json:"parent"`
	Provider       string   `json:"provider"`
	Protect        bool     `json:"protect"`
	RetainOnDelete bool     `json:"retainOnDelete"`
	DependsOn      []string `json:"dependsOn"`
	IgnoreChanges  []string `json:"ignoreChanges"`
	// Aliases are the URNs the resource had before (pulumi.Aliases): with
	// one, a changed URN moves the resource instead of replacing it.
	Aliases []string       `json:"aliases"`
	Inputs  map[string]any `json:"inputs"`
}

// Sort orders the resources by URN and normalizes nil lists to empty ones, so
// that encoding is byte-for-byte stable.
func (s *Snapshot) Sort() {
	slices.SortFunc(s.Resources, func(a, b Resource) int { return strings.Compare(a.URN, b.URN) })
	for i := range s.Resources {
		r := &s.Resources[i]
		r.DependsOn = sortedSet(r.DependsOn)
		r.IgnoreChanges = sortedSet(r.IgnoreChanges)
		r.Aliases = sortedSet(r.Aliases)
		if r.Inputs == nil {
			r.Inputs = map[string]any{}
		}
	}
}

func sortedSet(in []string) []string {
	out := append([]string{}, in...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Marshal encodes the snapshot as indented JSON ending in a newline. HTML
// characters are not escaped so URNs and values read as written.
func (s *Snapshot) Marshal() ([]byte, error) {
	s.Sort()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Read decodes a snapshot written by Marshal.
func Read(r io.Reader) (*Snapshot, error) {
	var s Snapshot
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	return &s, nil
}

// Find returns the resource with the given type and name, or nil.
func (s *Snapshot) Find(typ, name string) *Resource {
	for i := range s.Resources {
		if r := &s.Resources[i]; r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// OfType returns every resource of the given type, in URN order.
func (s *Snapshot) OfType(typ string) []*Resource {
	var out []*Resource
	for i := range s.Resources {
		if r := &s.Resources[i]; r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// ByURN returns the resource with the given URN, or nil.
func (s *Snapshot) ByURN(urn string) *Resource {
	for i := range s.Resources {
		if r := &s.Resources[i]; r.URN == urn {
			return r
		}
	}
	return nil
}

// Input returns the input at a dotted path such as "addressSpace.addressPrefixes",
// and whether it exists. List elements are addressed by index: "subnets.0.name".
func (r *Resource) Input(path string) (any, bool) {
	var cur any = r.Inputs
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// SameTypeAcrossVersions reports whether two type tokens name the same
// resource in different API versions of its module, such as
// "azure-native:authorization/v20150701:RoleAssignment" and
// "azure-native:authorization:RoleAssignment". azure-native aliases every
// resource to each of its API versions: snapshots leave those aliases out
// of Resource.Aliases (dozens per resource), and readers of a snapshot
// treat a resource whose type changes only so, under the same parent and
// name, as aliased.
func SameTypeAcrossVersions(a, b string) bool {
	strip := func(t string) string {
		pkg, rest, ok := strings.Cut(t, ":")
		if !ok {
			return t
		}
		module, name, ok := strings.Cut(rest, ":")
		if !ok {
			return t
		}
		module, _, _ = strings.Cut(module, "/")
		return pkg + ":" + module + ":" + name
	}
	return a != b && strip(a) == strip(b)
}

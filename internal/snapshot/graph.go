package snapshot

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Graph is the component tree of a snapshot and the dependencies between
// its components: what `plinth graph` draws for docs and pull requests.
type Graph struct {
	// Stack is the snapshot's stack.
	Stack string
	// Components are the component resources, in snapshot order (URN
	// order, as Marshal and Read leave it).
	Components []Resource
	// Contains maps a component's URN to its child components' URNs.
	Contains map[string][]string
	// DependsOn maps a component's URN to the components whose resources
	// its own resources depend on, outside its own subtree.
	DependsOn map[string][]string
}

// Graph builds the component graph: each resource belongs to its nearest
// component ancestor (or itself, for a component), and a dependency of a
// resource in component A on a resource in component B (through dependsOn
// or through a provider B created, such as a cluster's Kubernetes
// provider) becomes an edge A → B, unless one contains the other.
func (s *Snapshot) Graph() Graph {
	byURN := make(map[string]*Resource, len(s.Resources))
	for i := range s.Resources {
		byURN[s.Resources[i].URN] = &s.Resources[i]
	}
	// owner returns the component a resource belongs to ("" for none).
	owner := func(urn string) string {
		for r := byURN[urn]; r != nil; r = byURN[r.Parent] {
			if !r.Custom {
				return r.URN
			}
		}
		return ""
	}
	g := Graph{Stack: s.Stack, Contains: map[string][]string{}, DependsOn: map[string][]string{}}
	for _, r := range s.Resources {
		if r.Custom {
			continue
		}
		g.Components = append(g.Components, r)
		if p := owner(r.Parent); p != "" {
			g.Contains[p] = append(g.Contains[p], r.URN)
		}
	}
	// within reports whether component a is b or lies inside it.
	within := func(a, b string) bool {
		for r := byURN[a]; r != nil; r = byURN[r.Parent] {
			if r.URN == b {
				return true
			}
		}
		return false
	}
	for _, r := range s.Resources {
		from := owner(r.URN)
		deps := r.DependsOn
		if r.Provider != "" {
			// A provider reference is "<provider URN>::<provider ID>".
			deps = append(slices.Clone(deps), r.Provider[:strings.LastIndex(r.Provider, "::")])
		}
		for _, d := range deps {
			to := owner(d)
			if from == "" || to == "" || within(from, to) || within(to, from) {
				continue
			}
			if !slices.Contains(g.DependsOn[from], to) {
				g.DependsOn[from] = append(g.DependsOn[from], to)
			}
		}
	}
	for k := range g.DependsOn {
		slices.Sort(g.DependsOn[k])
	}
	return g
}

// ids numbers the components for diagram node IDs: c0, c1, ...
func (g Graph) ids() map[string]string {
	ids := make(map[string]string, len(g.Components))
	for i, c := range g.Components {
		ids[c.URN] = fmt.Sprintf("c%d", i)
	}
	return ids
}

// label is what a diagram shows for a component: its type's last segment
// and its name, e.g. "Cluster prod-aks".
func label(r Resource) string {
	t := r.Type
	if i := strings.LastIndexAny(t, ":/"); i >= 0 {
		t = t[i+1:]
	}
	return t + " " + r.Name
}

// WriteMermaid draws g as a Mermaid flowchart: solid arrows from a
// component to the components it contains, dashed arrows labeled
// "depends on" between components.
func (g Graph) WriteMermaid(w io.Writer) error {
	ids := g.ids()
	var b strings.Builder
	fmt.Fprintf(&b, "%%%% %s: components and their dependencies\ngraph TD\n", g.Stack)
	for _, c := range g.Components {
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", ids[c.URN], label(c))
	}
	for _, c := range g.Components {
		for _, child := range g.Contains[c.URN] {
			fmt.Fprintf(&b, "  %s --> %s\n", ids[c.URN], ids[child])
		}
	}
	for _, c := range g.Components {
		for _, dep := range g.DependsOn[c.URN] {
			fmt.Fprintf(&b, "  %s -. depends on .-> %s\n", ids[c.URN], ids[dep])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDot draws g in Graphviz DOT: solid edges for containment, dashed
// edges labeled "depends on".
func (g Graph) WriteDot(w io.Writer) error {
	ids := g.ids()
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %q {\n  rankdir=TB;\n  node [shape=box];\n", g.Stack)
	for _, c := range g.Components {
		fmt.Fprintf(&b, "  %s [label=%q];\n", ids[c.URN], label(c))
	}
	for _, c := range g.Components {
		for _, child := range g.Contains[c.URN] {
			fmt.Fprintf(&b, "  %s -> %s;\n", ids[c.URN], ids[child])
		}
	}
	for _, c := range g.Components {
		for _, dep := range g.DependsOn[c.URN] {
			fmt.Fprintf(&b, "  %s -> %s [style=dashed, label=\"depends on\"];\n", ids[c.URN], ids[dep])
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

package snapshot

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Summary counts the snapshot's resources: "14 resources (1 component,
// 13 cloud)".
func (s *Snapshot) Summary() string {
	components := 0
	for _, r := range s.Resources {
		if !r.Custom {
			components++
		}
	}
	return fmt.Sprintf("%s (%s, %d cloud)", plural(len(s.Resources), "resource"), plural(components, "component"), len(s.Resources)-components)
}

// WriteTree prints the snapshot as an indented tree of parents and children,
// followed by the number of resources of each type:
//
//	prod-aks: 14 resources (1 component, 13 cloud)
//	└─ plinth:components:Network core
//	   ├─ azure-native:network/v20240501:VirtualNetwork core-vnet
//	   ...
func (s *Snapshot) WriteTree(w io.Writer) error {
	children := map[string][]*Resource{}
	for i := range s.Resources {
		r := &s.Resources[i]
		children[r.Parent] = append(children[r.Parent], r)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", s.Stack, s.Summary())
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		kids := children[parent]
		for i, r := range kids {
			branch, next := "├─ ", "│  "
			if i == len(kids)-1 {
				branch, next = "└─ ", "   "
			}
			fmt.Fprintf(&b, "%s%s%s %s\n", indent, branch, r.Type, r.Name)
			walk(r.URN, indent+next)
		}
	}
	walk("", "")
	b.WriteString("\nby type:\n")
	counts := s.CountByType()
	width := 0
	for t := range counts {
		width = max(width, len(t))
	}
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(&b, "  %-*s %4d\n", width, t, counts[t])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// CountByType returns the number of resources of each type.
func (s *Snapshot) CountByType() map[string]int {
	counts := map[string]int{}
	for _, r := range s.Resources {
		counts[r.Type]++
	}
	return counts
}

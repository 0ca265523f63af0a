package diff

import (
	"fmt"
	"strconv"
	"strings"
)

// anyIndex is the index of a "[*]" step: it matches every list element.
const anyIndex = -1

// step is one element of a property path: a map key or a list index.
type step struct {
	key     string
	index   int
	isIndex bool
}

func keyStep(k string) step { return step{key: k} }
func indexStep(i int) step  { return step{index: i, isIndex: true} }
func appendStep(p []step, s step) []step {
	out := make([]step, len(p), len(p)+1)
	copy(out, p)
	return append(out, s)
}

// formatPath writes a path the way Pulumi writes property paths (and
// ignoreChanges entries): keys joined by '.', list indices as [i], and keys
// that would be ambiguous quoted as ["key"].
func formatPath(p []step) string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s.isIndex && s.index == anyIndex:
			b.WriteString("[*]")
		case s.isIndex:
			fmt.Fprintf(&b, "[%d]", s.index)
		case needsQuoting(s.key):
			fmt.Fprintf(&b, "[%s]", strconv.Quote(s.key))
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.key)
		}
	}
	return b.String()
}

// needsQuoting reports whether a key cannot be written bare in a path, for
// example a Kubernetes label key such as "kubernetes.io/os".
func needsQuoting(k string) bool {
	return k == "" || strings.ContainsAny(k, ".[]\"* ")
}

// parsePath reads a path written by formatPath, a replace-table entry or an
// ignoreChanges entry: "a.b", "a[0].b", "a[*].b", `a["k.8s.io"]`.
func parsePath(s string) ([]step, error) {
	var out []step
	for i := 0; i < len(s); {
		switch s[i] {
		case '.':
			i++
		case '[':
			st, n, err := parseBracket(s[i:])
			if err != nil {
				return nil, fmt.Errorf("path %q: %w", s, err)
			}
			out = append(out, st)
			i += n
		default:
			end := strings.IndexAny(s[i:], ".[")
			if end < 0 {
				end = len(s) - i
			}
			out = append(out, keyStep(s[i:i+end]))
			i += end
		}
	}
	return out, nil
}

// parseBracket reads one bracketed step at the start of s and returns it
// with the number of bytes it used.
func parseBracket(s string) (step, int, error) {
	if strings.HasPrefix(s, `["`) {
		quoted, err := strconv.QuotedPrefix(s[1:])
		if err != nil || !strings.HasPrefix(s[1+len(quoted):], "]") {
			return step{}, 0, fmt.Errorf("unterminated quoted key in %q", s)
		}
		key, _ := strconv.Unquote(quoted)
		return keyStep(key), len(quoted) + 2, nil
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return step{}, 0, fmt.Errorf("missing ']' in %q", s)
	}
	inner := s[1:end]
	if inner == "*" {
		return indexStep(anyIndex), end + 1, nil
	}
	i, err := strconv.Atoi(inner)
	if err != nil || i < 0 {
		return step{}, 0, fmt.Errorf("index %q is not a number or '*'", inner)
	}
	return indexStep(i), end + 1, nil
}

// stepsMatch reports whether two steps name the same element: "[*]" on
// either side matches any index, and a bare "*" (Pulumi's wildcard in
// ignoreChanges) matches any key or index.
func stepsMatch(a, b step) bool {
	if isWildcard(a) || isWildcard(b) {
		return true
	}
	if a.isIndex != b.isIndex {
		return false
	}
	if !a.isIndex {
		return a.key == b.key
	}
	return a.index == anyIndex || b.index == anyIndex || a.index == b.index
}

func isWildcard(s step) bool { return !s.isIndex && s.key == "*" }

// hasPrefix reports whether path starts with prefix (step by step).
func hasPrefix(path, prefix []step) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i := range prefix {
		if !stepsMatch(path[i], prefix[i]) {
			return false
		}
	}
	return true
}

// overlaps reports whether a change at path touches the property at rule:
// the change is inside the rule's property (networkProfile.podCidr under
// networkProfile), or the change replaces a whole value that contains it
// (nodeConfig replaced wholesale contains nodeConfig.spot).
func overlaps(path, rule []step) bool {
	return hasPrefix(path, rule) || hasPrefix(rule, path)
}

// mustParsePath parses paths written in this package's source; a bad one is
// a programming error caught by the tests.
func mustParsePath(s string) []step {
	p, err := parsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

package strictyaml

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// Key returns the YAML key of a struct field: the name in its `yaml` tag, or
// else the Go name in lowerCamelCase, whose leading run of capitals is
// lowercased except for a last capital that starts the next word
// (DNSZoneID→dnsZoneID, AKS→aks). A field tagged `yaml:"-"` keeps the key
// it would have, so that a file setting it can be named in the error.
func Key(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
		return name
	}
	r := []rune(f.Name)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) && unicode.IsLower(r[n]) {
		n-- // "IPCount": the C starts "Count".
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// fieldInfo is one exported field of a struct as YAML sees it.
type fieldInfo struct {
	key     string
	index   int
	program bool // tagged `yaml:"-"`: set by the program, never by a file
}

// fieldsOf returns the exported fields of struct type t in declaration order.
func fieldsOf(t reflect.Type) []fieldInfo {
	var fs []fieldInfo
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fs = append(fs, fieldInfo{key: Key(f), index: i, program: f.Tag.Get("yaml") == "-"})
		}
	}
	return fs
}

// checkType returns a programmer error when type t, reached at where, holds
// a field that YAML cannot fill. seen stops recursive types.
func checkType(t reflect.Type, where string, seen map[reflect.Type]bool) error {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return nil
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return nil
		}
	case reflect.Pointer, reflect.Slice:
		return checkType(t.Elem(), where, seen)
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			return checkType(t.Elem(), where, seen)
		}
	case reflect.Struct:
		if seen[t] {
			return nil
		}
		seen[t] = true
		return checkStruct(t, where, seen)
	}
	return fmt.Errorf("strictyaml: %s has type %s, which YAML cannot hold; tag it `yaml:\"-\"` if the program sets it", where, t)
}

// checkStruct checks the fields of struct type t that a file may set.
func checkStruct(t reflect.Type, where string, seen map[reflect.Type]bool) error {
	owner := map[string]string{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("yaml") == "-" {
			continue
		}
		at := where + "." + f.Name
		if f.Anonymous {
			return fmt.Errorf("strictyaml: %s is embedded, which is not supported; name the field or tag it `yaml:\"-\"`", at)
		}
		if prev, dup := owner[Key(f)]; dup {
			return fmt.Errorf("strictyaml: %s and %s both have the key %q; rename one with a yaml tag", prev, at, Key(f))
		}
		owner[Key(f)] = at
		if err := checkType(f.Type, at, seen); err != nil {
			return err
		}
	}
	return nil
}

// suggest names the known field closest to an unknown key: one that differs
// only in case or by at most two edits, or else the list of known fields.
func suggest(key string, fs []fieldInfo) string {
	var known []string
	best, bestDist := "", 3
	for _, f := range fs {
		if f.program {
			continue
		}
		known = append(known, f.key)
		if d := distance(strings.ToLower(key), strings.ToLower(f.key)); d < bestDist && d < len(key) {
			best, bestDist = f.key, d
		}
	}
	switch {
	case best != "":
		return fmt.Sprintf("did you mean %q?", best)
	case len(known) == 0:
		return "this mapping takes no fields; remove it"
	}
	return "known fields: " + strings.Join(known, ", ")
}

// distance is the Levenshtein edit distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := []int{i + 1}
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur = append(cur, min(prev[j]+cost, prev[j+1]+1, cur[j]+1))
		}
		prev = cur
	}
	return prev[len(rb)]
}

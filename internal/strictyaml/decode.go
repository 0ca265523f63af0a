package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/platform/field"
)

// Unmarshal decodes the single YAML document in data onto the value v points
// to (a non-nil pointer to a struct), strictly; every problem is returned at
// once as a *field.ErrorList, paths rooted at root. Fields the document does
// not mention keep their values (see the package doc). On error v may be
// partly updated. A v whose type YAML cannot fill gives a plain error.
func Unmarshal(data []byte, root field.Path, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("strictyaml: Unmarshal needs a non-nil pointer to a struct, got %T", v)
	}
	if err := checkType(rv.Elem().Type(), rv.Elem().Type().String(), map[reflect.Type]bool{}); err != nil {
		return err
	}
	var errs field.List
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF) || err == nil && doc.Content[0].ShortTag() == "!!null":
		errs.Addf(root, nil, "the file is empty; write a mapping of fields")
		return errs.Err()
	case err != nil:
		errs.Addf(root, nil, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return errs.Err()
	}
	top := doc.Content[0]
	if a := selfAlias(top, map[*yaml.Node]bool{}); a != nil {
		errs.Addf(root, nil, "alias *%s is inside the value it names (line %d); write the value out", a.Value, a.Line)
		return errs.Err()
	}
	d := &decoder{}
	if top.Kind == yaml.MappingNode {
		d.decodeStruct(top, root, rv.Elem())
	} else {
		d.wrong(top, root, "a mapping of fields at the top")
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errs.Addf(root, nil, "a second document starts on line %d; keep one document per file", extra.Line)
	} else if !errors.Is(err, io.EOF) {
		d.errs.Addf(root, nil, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return d.errs.Err()
}

// selfAlias returns the first alias inside the value of its own anchor,
// which would expand forever; open holds the nodes being walked. An alias to
// anything else names a node that is complete, so one walk that does not
// follow aliases finds every cycle.
func selfAlias(n *yaml.Node, open map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		if open[n.Alias] {
			return n
		}
		return nil
	}
	open[n] = true
	defer delete(open, n)
	for _, c := range n.Content {
		if a := selfAlias(c, open); a != nil {
			return a
		}
	}
	return nil
}

// MaxAliasExpansion is how many values the aliases of one document may
// expand to, all aliases together: an alias (*name) decodes the whole value
// its anchor names again, so aliases of aliases grow exponentially (a
// "billion laughs" file of a few hundred bytes expands to gigabytes). Real
// configuration repeats a few small values; a document past the limit is
// refused at its first alias beyond it.
const MaxAliasExpansion = 10000

// decoder collects the problems of one document.
type decoder struct {
	errs field.List
	// alias is the outermost alias being followed (nil when none), at
	// aliasPath; expanded counts the values decoded through aliases; over
	// is set once expanded passed MaxAliasExpansion, which stops decoding.
	alias     *yaml.Node
	aliasPath field.Path
	expanded  int
	over      bool
}

// enter resolves node n at path, following an alias, and counts what
// aliases expand to. It returns the node to decode and done, which
// tells the caller to stop: the expansion went over MaxAliasExpansion
// (reported once, at the outermost alias) or already had. A caller that
// resolved an alias calls the returned leave when it is done with the
// node.
func (d *decoder) enter(n *yaml.Node, path field.Path) (node *yaml.Node, leave func(), done bool) {
	leave = func() {}
	if d.over {
		return nil, leave, true
	}
	if n.Kind == yaml.AliasNode {
		if d.alias == nil {
			d.alias, d.aliasPath = n, path
			leave = func() { d.alias = nil }
		}
		n = n.Alias
	}
	if d.alias != nil {
		if d.expanded++; d.expanded > MaxAliasExpansion {
			d.over = true
			d.errs.Addf(d.aliasPath, "*"+d.alias.Value, "aliases expand to more than %d values in this file (line %d); write the values out instead of repeating them through aliases", MaxAliasExpansion, d.alias.Line)
			return nil, leave, true
		}
	}
	return n, leave, false
}

// wrong records that node n at path is not what, e.g. "an integer".
func (d *decoder) wrong(n *yaml.Node, path field.Path, what string) {
	switch n.Kind {
	case yaml.MappingNode:
		d.errs.Addf(path, nil, "expected %s, got a mapping (line %d)", what, n.Line)
	case yaml.SequenceNode:
		d.errs.Addf(path, nil, "expected %s, got a list (line %d)", what, n.Line)
	default:
		d.errs.Addf(path, n.Value, "expected %s (line %d)", what, n.Line)
	}
}

// entries yields the key and value nodes of mapping n, reporting keys that
// are not plain scalars, merge keys and duplicates instead of yielding them.
// child makes an entry's path: Path.Child for struct fields, Path.Key for
// map entries.
func (d *decoder) entries(n *yaml.Node, path field.Path, child func(field.Path, string) field.Path) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			switch line, dup := first[k.Value]; {
			case k.ShortTag() == "!!merge":
				d.errs.Addf(child(path, k.Value), nil, "merge keys are not supported (line %d); write the fields out", k.Line)
			case k.Kind != yaml.ScalarNode:
				d.wrong(k, path, "a plain key")
			case dup:
				d.errs.Addf(child(path, k.Value), nil, "duplicate key (line %d); it is already set on line %d, keep one", k.Line, line)
			default:
				first[k.Value] = k.Line
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// decodeStruct decodes mapping n onto struct v field by field; fields the
// mapping does not name keep their values.
func (d *decoder) decodeStruct(n *yaml.Node, path field.Path, v reflect.Value) {
	fs := fieldsOf(v.Type())
	for k, val := range d.entries(n, path, field.Path.Child) {
		p := path.Child(k.Value)
		i := slices.IndexFunc(fs, func(f fieldInfo) bool { return f.key == k.Value })
		switch {
		case i < 0:
			d.errs.Addf(p, nil, "unknown field (line %d); %s", k.Line, suggest(k.Value, fs))
		case fs[i].program:
			d.errs.Addf(p, nil, "set by the program, not in the file (line %d); remove it", k.Line)
		default:
			d.decode(val, p, v.Field(fs[i].index))
		}
	}
}

// decode decodes node n onto v, which must be settable.
func (d *decoder) decode(n *yaml.Node, path field.Path, v reflect.Value) {
	n, leave, done := d.enter(n, path)
	defer leave()
	if done {
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		v.SetZero()
		return
	}
	if v.Type() == durationType {
		d.duration(n, path, v)
		return
	}
	switch t := v.Type(); t.Kind() {
	case reflect.Pointer:
		// Decode onto a copy so that a pointee the caller shares (a
		// profile's default) is never written through.
		p := reflect.New(t.Elem())
		if !v.IsNil() {
			p.Elem().Set(v.Elem())
		}
		d.decode(n, path, p.Elem())
		v.Set(p)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.wrong(n, path, "a mapping of fields")
			return
		}
		d.decodeStruct(n, path, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.wrong(n, path, "a list")
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, path.Index(i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.wrong(n, path, "a mapping")
			return
		}
		m := reflect.MakeMap(t)
		for k, val := range d.entries(n, path, field.Path.Key) {
			e := reflect.New(t.Elem()).Elem()
			d.decode(val, path.Key(k.Value), e)
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(t.Key()), e)
		}
		v.Set(m)
	case reflect.Interface:
		if g := d.generic(n, path); g != nil {
			v.Set(reflect.ValueOf(g))
		}
	default:
		d.scalar(n, path, v)
	}
}

// generic decodes n as untyped data: map[string]any, []any, string, bool,
// int, float64 or nil. Other tags, such as timestamps, stay strings.
func (d *decoder) generic(n *yaml.Node, path field.Path) any {
	n, leave, done := d.enter(n, path)
	defer leave()
	if done {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for k, val := range d.entries(n, path, field.Path.Key) {
			m[k.Value] = d.generic(val, path.Key(k.Value))
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = d.generic(c, path.Index(i))
		}
		return s
	}
	var out any
	what := ""
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		out, what = new(bool), "true or false"
	case "!!int":
		out, what = new(int), "an integer that fits in 64 bits"
	case "!!float":
		out, what = new(float64), "a number"
	default:
		return n.Value
	}
	if err := n.Decode(out); err != nil {
		d.wrong(n, path, what)
		return nil
	}
	if f, ok := out.(*float64); ok && (math.IsNaN(*f) || math.IsInf(*f, 0)) {
		// Helm values travel as JSON, which has neither.
		d.wrong(n, path, "a finite number (not .nan or .inf)")
		return nil
	}
	return reflect.ValueOf(out).Elem().Interface()
}

// scalar decodes scalar node n onto v, a string, bool, integer or float.
func (d *decoder) scalar(n *yaml.Node, path field.Path, v reflect.Value) {
	tag := n.ShortTag()
	switch v.Kind() {
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.wrong(n, path, "a string")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || tag != "!!bool" || n.Decode(&b) != nil {
			d.wrong(n, path, "true or false")
			return
		}
		v.SetBool(b)
	case reflect.Float32, reflect.Float64:
		// NaN and the infinities pass every range check (NaN compares
		// false with everything), so a file may not write them.
		var f float64
		switch {
		case n.Kind != yaml.ScalarNode || (tag != "!!float" && tag != "!!int") || n.Decode(&f) != nil:
			d.wrong(n, path, "a number")
			return
		case math.IsNaN(f) || math.IsInf(f, 0) || v.OverflowFloat(f):
			d.wrong(n, path, "a finite number (not .nan or .inf)")
			return
		}
		v.SetFloat(f)
	default:
		d.integer(n, path, v)
	}
}

// integer decodes an integer scalar onto v, an int or uint of any size,
// reporting values that are not integers or do not fit.
func (d *decoder) integer(n *yaml.Node, path field.Path, v reflect.Value) {
	// YAML tags an integer too big for int64 as a float, hence both tags;
	// big.Int reads YAML's 0x, 0o, 0b and _ forms.
	i, ok := new(big.Int).SetString(n.Value, 0)
	if tag := n.ShortTag(); n.Kind != yaml.ScalarNode || !ok || (tag != "!!int" && tag != "!!float") {
		d.wrong(n, path, "an integer")
		return
	}
	bits := uint(v.Type().Bits())
	lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), bits)
	if v.CanInt() {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	hi.Sub(hi, big.NewInt(1))
	if i.Cmp(lo) < 0 || i.Cmp(hi) > 0 {
		d.wrong(n, path, fmt.Sprintf("an integer from %s to %s", lo, hi))
		return
	}
	if v.CanInt() {
		v.SetInt(i.Int64())
	} else {
		v.SetUint(i.Uint64())
	}
}

// durationType is time.Duration, which a file writes as a Go duration
// string.
var durationType = reflect.TypeFor[time.Duration]()

// duration decodes a Go duration string ("720h", "1h30m"; see
// time.ParseDuration) onto v, a time.Duration. A bare number is refused:
// it has no unit, and nanoseconds are never what was meant.
func (d *decoder) duration(n *yaml.Node, path field.Path, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		d.wrong(n, path, `a duration such as "720h"`)
		return
	}
	switch tag := n.ShortTag(); {
	case tag == "!!int" || tag == "!!float":
		hint := ""
		if ns, err := strconv.ParseInt(n.Value, 10, 64); err == nil && ns >= int64(time.Second) {
			hint = fmt.Sprintf("; read as nanoseconds, as Plinth once did, this is %q", formatDuration(time.Duration(ns)))
		}
		d.errs.Addf(path, n.Value, "a duration needs its unit (line %d); write a Go duration such as \"720h\" for 30 days (units h, m, s)%s", n.Line, hint)
		return
	case tag != "!!str":
		d.wrong(n, path, `a duration such as "720h"`)
		return
	}
	t, err := time.ParseDuration(n.Value)
	if err != nil {
		hint := ""
		if days, ok := strings.CutSuffix(n.Value, "d"); ok {
			if i, err := strconv.Atoi(days); err == nil {
				hint = fmt.Sprintf(", so %d days is \"%dh\"", i, 24*i)
			}
		}
		d.errs.Addf(path, n.Value, "not a duration (line %d); write a Go duration such as \"720h\" or \"1h30m\" (units h, m, s; there is no day unit%s)", n.Line, hint)
		return
	}
	v.SetInt(int64(t))
}

// formatDuration writes d as time.Duration.String does, without the zero
// minutes and seconds of whole hours and minutes: "720h", "1h30m", "90s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

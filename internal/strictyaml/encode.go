package strictyaml

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Marshal encodes v (struct or pointer to struct) as YAML with the same keys
// Unmarshal reads, omitting zero-valued fields and `yaml:"-"` fields, struct
// fields in declaration order, map keys sorted. Unmarshal(Marshal(x)) onto a
// zero value must give back x (for decodable types: values held in an `any`
// come back as map[string]any, []any, string, bool, int or float64).
func Marshal(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("strictyaml: Marshal needs a struct or a non-nil pointer to one, got %T", v)
	}
	if err := checkType(rv.Type(), rv.Type().String(), map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	n, err := encode(rv)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// scalar returns a scalar node. Tagging strings "!!str" makes the encoder
// quote text that would read back as another type, such as "1.30" or "true".
func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// encode returns the node for v; a nil pointer, slice, map or interface is
// null, which Unmarshal reads back as the zero value.
func encode(v reflect.Value) (*yaml.Node, error) {
	if v.Type() == durationType {
		return scalar("!!str", formatDuration(time.Duration(v.Int()))), nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return scalar("!!null", "null"), nil
		}
		if v.Kind() == reflect.Interface {
			// checkType saw only the static type; check what it holds.
			if err := checkType(v.Elem().Type(), "a value in an interface", map[reflect.Type]bool{}); err != nil {
				return nil, err
			}
		}
		return encode(v.Elem())
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, f := range fieldsOf(v.Type()) {
			if fv := v.Field(f.index); !f.program && !fv.IsZero() {
				if err := appendEntry(n, f.key, fv); err != nil {
					return nil, err
				}
			}
		}
		return n, nil
	case reflect.Slice:
		if v.IsNil() {
			return scalar("!!null", "null"), nil
		}
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			c, err := encode(v.Index(i))
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case reflect.Map:
		if v.IsNil() {
			return scalar("!!null", "null"), nil
		}
		n := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			if err := appendEntry(n, k.String(), v.MapIndex(k)); err != nil {
				return nil, err
			}
		}
		return n, nil
	case reflect.String:
		return scalar("!!str", v.String()), nil
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool())), nil
	case reflect.Float32, reflect.Float64:
		return scalar("!!float", formatFloat(v.Float(), v.Type().Bits())), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar("!!int", strconv.FormatInt(v.Int(), 10)), nil
	default: // checkType allows no other kind but the uints
		return scalar("!!int", strconv.FormatUint(v.Uint(), 10)), nil
	}
}

// appendEntry appends key and the node of v to mapping n.
func appendEntry(n *yaml.Node, key string, v reflect.Value) error {
	c, err := encode(v)
	if err != nil {
		return err
	}
	n.Content = append(n.Content, scalar("!!str", key), c)
	return nil
}

// formatFloat writes f in YAML, always with a point or exponent so that a
// whole number held in an `any` reads back as a float64, not an int.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case math.IsNaN(f):
		return ".nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, bits)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

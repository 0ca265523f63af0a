package helm

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
)

var inputType = reflect.TypeFor[pulumi.Input]()

// Encode turns a typed values struct into Helm values. Struct fields are
// named by their json tags and follow encoding/json's omitempty; fields
// that hold a pulumi.Input (an ID, a client ID known only after deployment)
// are passed through as they are, so values stay known where they can.
func Encode(v any) pulumi.Map {
	m, _ := encode(reflect.ValueOf(v)).(pulumi.Map)
	if m == nil {
		m = pulumi.Map{}
	}
	return m
}

func encode(v reflect.Value) pulumi.Input {
	if !v.IsValid() {
		return nil
	}
	if v.Type().Implements(inputType) {
		if v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer || v.Kind() == reflect.Map {
			if v.IsNil() {
				return nil
			}
		}
		return v.Interface().(pulumi.Input)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return encode(v.Elem())
	case reflect.Struct:
		out := pulumi.Map{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omitEmpty := jsonName(f)
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			if omitEmpty && fv.IsZero() {
				continue
			}
			if e := encode(fv); e != nil {
				out[name] = e
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := pulumi.Map{}
		for _, k := range v.MapKeys() {
			if e := encode(v.MapIndex(k)); e != nil {
				out[fmt.Sprint(k.Interface())] = e
			}
		}
		return out
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make(pulumi.Array, 0, v.Len())
		for i := range v.Len() {
			if e := encode(v.Index(i)); e != nil {
				out = append(out, e)
			}
		}
		return out
	case reflect.String:
		return pulumi.String(v.String())
	case reflect.Bool:
		return pulumi.Bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return pulumi.Int(int(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return pulumi.Int(int(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return pulumi.Float64(v.Float())
	}
	panic(fmt.Sprintf("helm: cannot encode %s as Helm values", v.Type()))
}

func jsonName(f reflect.StructField) (name string, omitEmpty bool) {
	tag := f.Tag.Get("json")
	if tag == "" {
		return f.Name, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, slices.Contains(strings.Split(opts, ","), "omitempty")
}

// Merge adds raw values to typed ones and returns the result. Raw values
// may add keys at any depth; a raw value at a path a typed value sets is an
// error under path naming that path, because typed fields win and a user's
// value is never dropped silently.
func Merge(typed pulumi.Map, raw map[string]any, path field.Path) (pulumi.Map, error) {
	var errs field.List
	out := merge(typed, raw, path, &errs)
	return out, errs.Err()
}

func merge(typed pulumi.Map, raw map[string]any, path field.Path, errs *field.List) pulumi.Map {
	out := maps.Clone(typed)
	if out == nil {
		out = pulumi.Map{}
	}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		rv := raw[k]
		tv, set := out[k]
		if !set {
			if e := encode(reflect.ValueOf(rv)); e != nil {
				out[k] = e
			}
			continue
		}
		tm, typedMap := tv.(pulumi.Map)
		rm, rawMap := rv.(map[string]any)
		if typedMap && rawMap {
			out[k] = merge(tm, rm, path.Key(k), errs)
			continue
		}
		errs.Addf(path.Key(k), fmt.Sprint(rv), "Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value")
	}
	return out
}

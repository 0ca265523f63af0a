// Package inputs turns typed Go values into Pulumi inputs, for what Plinth
// registers or fills without an SDK's Args: Helm values and Kubernetes
// objects' specs (internal/helm, tagged `json`), and the azure-native
// resources the AKS backend registers by type token (tagged `pulumi`).
//
// This package imports no cloud or Kubernetes SDK.
package inputs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

var inputType = reflect.TypeFor[pulumi.Input]()

// Encode turns v, a struct, into a map of inputs. Struct fields are named
// by their tag of the given key ("json", "pulumi"), or by their Go name
// when they have none; "-" leaves a field out, and ",omitempty" leaves it
// out when it is zero. Nil pointers, slices, maps and inputs are left out.
// Fields that hold a pulumi.Input (an ID, a client ID known only after
// deployment) are passed through as they are, so that values stay known
// where they can and dependencies and secrets are kept.
func Encode(v any, tag string) pulumi.Map {
	m, _ := Value(v, tag).(pulumi.Map)
	if m == nil {
		m = pulumi.Map{}
	}
	return m
}

// Value turns v into one input as Encode does, nil when there is nothing
// to send. It panics on a kind it does not write (channels, functions),
// which only a programming error passes it.
func Value(v any, tag string) pulumi.Input {
	return encode(reflect.ValueOf(v), tag)
}

func encode(v reflect.Value, tag string) pulumi.Input {
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
		return encode(v.Elem(), tag)
	case reflect.Struct:
		out := pulumi.Map{}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, omitEmpty := fieldName(f, tag)
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			if omitEmpty && fv.IsZero() {
				continue
			}
			if e := encode(fv, tag); e != nil {
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
			if e := encode(v.MapIndex(k), tag); e != nil {
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
			if e := encode(v.Index(i), tag); e != nil {
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
	panic(fmt.Sprintf("inputs: cannot encode %s as Pulumi inputs", v.Type()))
}

// fieldName returns f's name under the tag key, and whether it is
// omitted when zero.
func fieldName(f reflect.StructField, key string) (name string, omitEmpty bool) {
	tag := f.Tag.Get(key)
	if tag == "" {
		return f.Name, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, slices.Contains(strings.Split(opts, ","), "omitempty")
}

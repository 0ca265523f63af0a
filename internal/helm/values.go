package helm

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/inputs"
	"github.com/plinth-dev/plinth/platform/field"
)

// Encode turns a typed values struct into Helm values. Struct fields are
// named by their json tags and follow encoding/json's omitempty; fields
// that hold a pulumi.Input (an ID, a client ID known only after deployment)
// are passed through as they are, so values stay known where they can
// (inputs.Encode).
func Encode(v any) pulumi.Map { return inputs.Encode(v, "json") }

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
			if e := inputs.Value(rv, "json"); e != nil {
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

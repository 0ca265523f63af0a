package schemagen

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/schemagen/internal/fixture"
)

// generate returns the schema of fixture.Config under cfg, decoded.
func generate(t *testing.T, cfg Config) map[string]any {
	t.Helper()
	module, err := FindModule(".")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Root, cfg.Module = reflect.TypeFor[fixture.Config](), module
	data, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return s
}

// schemaAt returns the schema at the property path "items.[].id" ("[]" is the
// items of an array, "{}" the values of a map).
func schemaAt(t *testing.T, s map[string]any, path string) map[string]any {
	t.Helper()
	for _, p := range strings.Split(path, ".") {
		var next any
		switch p {
		case "[]":
			next = s["items"]
		case "{}":
			next = s["additionalProperties"]
		default:
			props, _ := s["properties"].(map[string]any)
			next = props[p]
		}
		n, ok := next.(map[string]any)
		if !ok {
			t.Fatalf("no schema at %s (%s)", path, p)
		}
		s = n
	}
	return s
}

// is compares a schema keyword with its JSON form.
func is(t *testing.T, s map[string]any, path, keyword, want string) {
	t.Helper()
	v := s
	if path != "" {
		v = schemaAt(t, s, path)
	}
	got, err := json.Marshal(v[keyword])
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s %s = %s, want %s", path, keyword, got, want)
	}
}

func TestGenerate(t *testing.T) {
	s := generate(t, Config{
		ID:       "https://example.com/config.schema.json",
		Title:    "Config",
		Defaults: []any{fixture.Config{Defaulted: "set"}},
		Exclude:  []any{fixture.Test},
	})
	for _, c := range []struct{ path, keyword, want string }{
		{"", "$schema", `"http://json-schema.org/draft-07/schema#"`},
		{"", "$id", `"https://example.com/config.schema.json"`},
		{"", "description", `"Config is the top level of a file."`},
		// Only the top level may not be null.
		{"", "type", `"object"`},
		{"", "additionalProperties", `false`},
		// Name is required; Defaulted is too, but the default sets it;
		// Inner holds a required field; a condition is no requirement.
		{"", "required", `["name","inner"]`},
		{"name", "type", `["string","number","boolean"]`},
		{"name", "description", `"Name names it. Required."`},
		{"count", "type", `["integer","null"]`},
		{"defaulted", "type", `["string","number","boolean","null"]`},
		{"mode", "enum", `["fast","slow",null]`},
		{"mode", "enumDescriptions", `["Fast runs fast.","Slow runs slow."]`},
		{"mode", "description", `"Mode picks the mode."`},
		{"small", "minimum", `0`},
		{"small", "maximum", `255`},
		{"wait", "type", `["string","null"]`},
		{"wait", "pattern", `"` + strings.ReplaceAll(DurationPattern, `\`, `\\`) + `"`},
		{"switch", "type", `["boolean","null"]`},
		{"inner", "type", `"object"`},
		{"inner", "required", `["id"]`},
		{"inner.ratio", "type", `["number","null"]`},
		{"inner.ratio", "description", `"Ratio is a trailing comment."`},
		// A pointer may be left out or null: its required fields count
		// only when it is written.
		{"optional", "type", `["object","null"]`},
		{"optional", "required", `["id"]`},
		// A list element with a required field cannot be null.
		{"items", "type", `["array","null"]`},
		{"items.[]", "type", `"object"`},
		{"items.[]", "description", `"Inner is a nested mapping."`},
		{"byMode", "propertyNames", `{"description":"Mode is how a thing runs.","enum":["fast","slow"],"enumDescriptions":["Fast runs fast.","Slow runs slow."],"type":"string"}`},
		{"byMode.{}", "type", `["string","number","boolean","null"]`},
		{"values.{}", "type", `null`},
		{"other", "description", `"Renamed has a yaml tag."`},
	} {
		is(t, s, c.path, c.keyword, c.want)
	}
	var keys []string
	for k := range s["properties"].(map[string]any) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"byMode", "count", "defaulted", "inner", "items", "mode", "name", "optional", "other", "small", "switch", "values", "wait"}; !slices.Equal(keys, want) {
		t.Errorf("properties %v, want %v (no program field, no unexported field)", keys, want)
	}
}

// Without defaults, a field its doc calls required is required; one listed
// in Optional is not, nor is the struct that holds it.
func TestGenerateRequiredAndOptional(t *testing.T) {
	is(t, generate(t, Config{}), "", "required", `["name","inner","defaulted"]`)
	s := generate(t, Config{Optional: []string{"inner.id", "items[].id"}})
	is(t, s, "", "required", `["name","defaulted"]`)
	is(t, s, "inner", "required", `null`)
	is(t, s, "items.[]", "type", `["object","null"]`)
	is(t, s, "optional", "required", `["id"]`)
}

type (
	embedded  struct{ fixture.Inner }
	recursive struct{ Next *recursive }
	function  struct{ F func() }
	intKeys   struct{ M map[int]string }
)

// What strictyaml cannot read is an error naming the field.
func TestGenerateRefuses(t *testing.T) {
	module, err := FindModule(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		root reflect.Type
		want string
	}{
		{reflect.TypeFor[string](), "schemagen: Root must be a struct type, got string"},
		{reflect.TypeFor[embedded](), "schemagen: inner (schemagen.embedded.Inner) is embedded, which strictyaml does not read"},
		{reflect.TypeFor[recursive](), "schemagen: next (schemagen.recursive) contains itself; recursive types are not supported"},
		{reflect.TypeFor[function](), "schemagen: f is a func(), which YAML cannot hold"},
		{reflect.TypeFor[intKeys](), "schemagen: m is a map[int]string; YAML keys are strings"},
	} {
		_, err := Generate(Config{Root: c.root, Module: module})
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: %v, want %s", c.root, err, c.want)
		}
	}
}

// DurationPattern accepts exactly what time.ParseDuration does.
func TestDurationPattern(t *testing.T) {
	re := regexp.MustCompile(DurationPattern)
	for _, d := range []string{"0", "720h", "1h30m", "1.5h", ".5s", "300ms", "2us", "3µs", "-1h", "+5m", "1h0m0s", "10ns",
		"", "90d", "1", "h", "1.h0", "1 h", "0s0", "--1h", "1e3s", "0x10s"} {
		_, err := time.ParseDuration(d)
		if re.MatchString(d) != (err == nil) {
			t.Errorf("%q: pattern matches %v, ParseDuration error %v", d, re.MatchString(d), err)
		}
	}
}

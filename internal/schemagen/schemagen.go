package schemagen

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"time"

	"github.com/plinth-dev/plinth/internal/strictyaml"
)

// Draft is the JSON Schema version Generate writes: draft-07, the newest
// that the YAML language server behind VS Code's and other editors' YAML
// support implements in full.
const Draft = "http://json-schema.org/draft-07/schema#"

// Config says what Generate describes.
type Config struct {
	// Root is the type a file decodes into (strictyaml.Unmarshal): a
	// struct.
	Root reflect.Type
	// ID, Title, Comment and Description are the schema's $id, title,
	// $comment and description. Description unset: Root's doc comment.
	ID, Title, Comment, Description string
	// Defaults are the values of Root a file may be decoded onto (an
	// environment's class profiles): a field its doc comment calls
	// required is required in the file only where every default leaves
	// it zero. Unset: the zero value.
	Defaults []any
	// Optional lists the fields, as YAML paths ("access.breakGlass.name",
	// "teams[].team"), that their doc comment calls required but that a
	// default fills where the type is used there.
	Optional []string
	// Exclude lists constants that are not part of their type's enum,
	// such as a cloud only tests deploy to.
	Exclude []any
	// Module is the source of Root's module, read for the doc comments
	// and the constants; types of other modules get no descriptions.
	Module Module
}

// Generate returns the JSON Schema of the YAML files that strictyaml reads
// into cfg.Root, indented, with a final newline.
func Generate(cfg Config) ([]byte, error) {
	if cfg.Root == nil || cfg.Root.Kind() != reflect.Struct {
		return nil, fmt.Errorf("schemagen: Root must be a struct type, got %v", cfg.Root)
	}
	g := &generator{cfg: cfg, src: &sources{module: cfg.Module, pkgs: map[string]*pkgDocs{}}, open: map[reflect.Type]bool{}}
	defaults := []reflect.Value{reflect.Zero(cfg.Root)}
	if len(cfg.Defaults) > 0 {
		defaults = nil
		for _, d := range cfg.Defaults {
			v := reflect.ValueOf(d)
			if v.Type() != cfg.Root {
				return nil, fmt.Errorf("schemagen: a default is a %s, not a %s", v.Type(), cfg.Root)
			}
			defaults = append(defaults, v)
		}
	}
	s, _, err := g.object(cfg.Root, defaults, "")
	if err != nil {
		return nil, err
	}
	s.Schema, s.ID, s.Title, s.Comment = Draft, cfg.ID, cfg.Title, cfg.Comment
	if cfg.Description != "" {
		s.Description = cfg.Description
	}
	return encode(s)
}

// generator walks a type; open holds the structs being walked, so that a
// recursive type is reported instead of followed forever.
type generator struct {
	cfg  Config
	src  *sources
	open map[reflect.Type]bool
}

// durationType is time.Duration, which strictyaml reads from a Go
// duration string.
var durationType = reflect.TypeFor[time.Duration]()

// DurationPattern matches what time.ParseDuration accepts: "0", or signed
// decimal numbers each with a unit (ns, us, µs, ms, s, m, h), such as
// "720h" or "1h30m".
const DurationPattern = `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// requiredSentence finds the sentence "Required." in a doc comment; a
// condition ("Required in production.", "Required unless ...") does not
// make a field required in every file.
var requiredSentence = regexp.MustCompile(`(^|[.;:]\s+|\n)Required\.`)

// value returns the schema of a value of type t at path (the YAML path,
// "teams[].levels[].name"); defaults are the values the file is decoded
// onto (zero values where nothing is). required reports a struct with a
// required field, whose zero value (what null gives) is no valid value.
func (g *generator) value(t reflect.Type, defaults []reflect.Value, path string) (s *Schema, required bool, err error) {
	if t == durationType {
		return &Schema{
			Type:                Types{"string"},
			Pattern:             DurationPattern,
			PatternErrorMessage: `a Go duration such as "720h" or "1h30m" (units h, m, s; there is no day unit, so 90 days is "2160h")`,
		}, false, nil
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.object(t, defaults, path)
	case reflect.Pointer:
		// A nil pointer is none: null is valid whatever the pointee holds.
		var elems []reflect.Value
		for _, d := range defaults {
			if d.IsNil() {
				elems = append(elems, reflect.Zero(t.Elem()))
			} else {
				elems = append(elems, d.Elem())
			}
		}
		s, _, err := g.value(t.Elem(), elems, path)
		return s, false, err
	case reflect.Slice:
		items, err := g.element(t.Elem(), path+"[]")
		if err != nil {
			return nil, false, err
		}
		return &Schema{Type: Types{"array"}, Items: items, Description: items.Description}, false, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, false, fmt.Errorf("schemagen: %s is a %s; YAML keys are strings", at(path), t)
		}
		values, err := g.element(t.Elem(), path+"[]")
		if err != nil {
			return nil, false, err
		}
		s := &Schema{Type: Types{"object"}, AdditionalProperties: values, Description: values.Description}
		if keys, err := g.enum(t.Key()); err != nil {
			return nil, false, err
		} else if keys != nil {
			s.PropertyNames = keys
		}
		return s, false, nil
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return nil, false, fmt.Errorf("schemagen: %s is a %s, which YAML cannot hold", at(path), t)
		}
		return &Schema{}, false, nil // untyped: anything
	case reflect.Bool:
		return &Schema{Type: Types{"boolean"}}, false, nil
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: Types{"number"}}, false, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s := &Schema{Type: Types{"integer"}}
		if bits := t.Bits(); bits < 64 {
			lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
			s.Minimum, s.Maximum = &lo, &hi
		}
		return s, false, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		lo := int64(0)
		s := &Schema{Type: Types{"integer"}, Minimum: &lo}
		if bits := t.Bits(); bits < 64 {
			hi := int64(uint64(math.MaxUint64) >> (64 - bits))
			s.Maximum = &hi
		}
		return s, false, nil
	case reflect.String:
		enum, err := g.enum(t)
		if err != nil || enum != nil {
			return enum, false, err
		}
		// strictyaml gives a string field any scalar's text:
		// kubernetesVersion: 1.33 is "1.33".
		return &Schema{Type: Types{"string", "number", "boolean"}}, false, nil
	}
	return nil, false, fmt.Errorf("schemagen: %s is a %s, which YAML cannot hold", at(path), t)
}

// at names path in an error: the top level is "the top level".
func at(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// element returns the schema of a list element or map value of type t,
// which starts from its zero value: null is allowed unless the zero value
// is invalid (a struct with a required field).
func (g *generator) element(t reflect.Type, path string) (*Schema, error) {
	s, required, err := g.value(t, []reflect.Value{reflect.Zero(t)}, path)
	if err == nil && !required {
		s.nullable()
	}
	return s, err
}

// object returns the schema of struct type t: its fields as strictyaml
// keys them, and no other key. required reports a required field.
func (g *generator) object(t reflect.Type, defaults []reflect.Value, path string) (s *Schema, required bool, err error) {
	if g.open[t] {
		return nil, false, fmt.Errorf("schemagen: %s (%s) contains itself; recursive types are not supported", at(path), t)
	}
	g.open[t] = true
	defer delete(g.open, t)
	td, p, err := g.docs(t)
	if err != nil {
		return nil, false, err
	}
	s = &Schema{Type: Types{"object"}, Properties: &Properties{}, AdditionalProperties: false}
	if td != nil {
		s.Description = p.text(td.doc)
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("yaml") == "-" {
			continue
		}
		key := strictyaml.Key(f)
		fieldPath := key
		if path != "" {
			fieldPath = path + "." + key
		}
		if f.Anonymous {
			return nil, false, fmt.Errorf("schemagen: %s (%s.%s) is embedded, which strictyaml does not read", fieldPath, t, f.Name)
		}
		var fieldDefaults []reflect.Value
		set := false
		for _, d := range defaults {
			fieldDefaults = append(fieldDefaults, d.Field(i))
			set = set || !d.Field(i).IsZero()
		}
		fs, holdsRequired, err := g.value(f.Type, fieldDefaults, fieldPath)
		if err != nil {
			return nil, false, err
		}
		doc := ""
		if td != nil {
			doc = td.fields[f.Name]
		}
		// A field is required where its doc says so and no default sets
		// it, and where it holds a struct (not a pointer to one, which may
		// be left out) with a required field.
		req := requiredSentence.MatchString(doc) && !set && !slices.Contains(g.cfg.Optional, fieldPath) ||
			holdsRequired && f.Type.Kind() == reflect.Struct
		if !req {
			fs.nullable()
		}
		if d := p.text(doc); d != "" {
			fs.Description = d
		}
		*s.Properties = append(*s.Properties, Property{Name: key, Schema: fs})
		if req {
			s.Required = append(s.Required, key)
		}
	}
	return s, len(s.Required) > 0, nil
}

// docs returns the docs of named type t and of its package (nil for a
// type outside the module).
func (g *generator) docs(t reflect.Type) (*typeDocs, *pkgDocs, error) {
	if t.PkgPath() == "" {
		return nil, nil, nil
	}
	p, err := g.src.pkg(t.PkgPath())
	if p == nil || err != nil {
		return nil, p, err
	}
	return p.types[t.Name()], p, nil
}

// enum returns the schema of named string type t when its package declares
// constants of it (less cfg.Exclude): a string that is one of their values,
// described by the type's doc comment and each value by its constant's.
// It returns nil for a type without constants.
func (g *generator) enum(t reflect.Type) (*Schema, error) {
	td, p, err := g.docs(t)
	if err != nil || td == nil || len(td.consts) == 0 {
		return nil, err
	}
	s := &Schema{Type: Types{"string"}, Description: p.text(td.doc)}
	for _, c := range td.consts {
		if slices.Contains(s.Enum, any(c.value)) || g.excluded(t, c.value) {
			continue
		}
		s.Enum = append(s.Enum, c.value)
		s.EnumDescriptions = append(s.EnumDescriptions, p.text(c.doc))
	}
	if !slices.ContainsFunc(s.EnumDescriptions, func(d string) bool { return d != "" }) {
		s.EnumDescriptions = nil
	}
	return s, nil
}

// excluded reports whether the constant of type t with value v is in
// cfg.Exclude.
func (g *generator) excluded(t reflect.Type, v string) bool {
	return slices.ContainsFunc(g.cfg.Exclude, func(x any) bool {
		xv := reflect.ValueOf(x)
		return xv.Type() == t && xv.String() == v
	})
}

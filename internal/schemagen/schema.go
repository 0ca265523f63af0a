package schemagen

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Schema is a JSON Schema (draft-07) of the keywords Generate writes, in
// the order it writes them.
type Schema struct {
	Schema      string `json:"$schema,omitempty"`
	ID          string `json:"$id,omitempty"`
	Comment     string `json:"$comment,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is one type name or several: a single one is written as a
	// string.
	Type Types `json:"type,omitempty"`
	Enum []any `json:"enum,omitempty"`
	// EnumDescriptions documents Enum's values in order; VS Code's YAML
	// and JSON language services show them in completions. Validators
	// ignore it.
	EnumDescriptions []string `json:"enumDescriptions,omitempty"`
	Pattern          string   `json:"pattern,omitempty"`
	// PatternErrorMessage replaces the language services' "does not
	// match the pattern" with what is expected. Validators ignore it.
	PatternErrorMessage string      `json:"patternErrorMessage,omitempty"`
	Minimum             *int64      `json:"minimum,omitempty"`
	Maximum             *int64      `json:"maximum,omitempty"`
	Items               *Schema     `json:"items,omitempty"`
	Properties          *Properties `json:"properties,omitempty"`
	PropertyNames       *Schema     `json:"propertyNames,omitempty"`
	// AdditionalProperties is false or a *Schema; nil leaves it out.
	AdditionalProperties any      `json:"additionalProperties,omitempty"`
	Required             []string `json:"required,omitempty"`
}

// Types is the type keyword: one JSON type or several.
type Types []string

// MarshalJSON writes one type as a string, several as an array.
func (t Types) MarshalJSON() ([]byte, error) {
	if len(t) == 1 {
		return marshal(t[0])
	}
	return marshal([]string(t))
}

// Property is one named property of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Properties are an object's properties in the order of the Go fields.
type Properties []Property

// MarshalJSON writes the properties as a JSON object in their order.
func (ps Properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(p.Name)
		if err != nil {
			return nil, err
		}
		v, err := marshal(p.Schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// nullable lets s be null as well, which strictyaml reads as the zero
// value. A schema without a type (anything) already allows it.
func (s *Schema) nullable() {
	if len(s.Type) == 0 || slices.Contains(s.Type, "null") {
		return
	}
	s.Type = append(s.Type, "null")
	if s.Enum != nil {
		s.Enum = append(s.Enum, nil)
	}
}

// marshal is json.Marshal without escaping <, > and &, which descriptions
// use ("<name>-<team>") and which need no escaping outside HTML.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encode writes s as indented JSON ending in a newline.
func encode(s *Schema) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

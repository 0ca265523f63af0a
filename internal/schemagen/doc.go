// Package schemagen writes the JSON Schema of a YAML file that
// internal/strictyaml reads into a Go type, so that editors (the YAML
// language server of VS Code, JetBrains IDEs) complete, check and document
// the file as it is written.
//
// The structure comes from the Go type through reflect, mirroring what
// strictyaml accepts: a struct is an object of its exported fields, keyed
// as strictyaml.Key spells them, with no other key (additionalProperties
// false; a field tagged `yaml:"-"` is set by the program and so left out);
// a slice is an array, a map an object of its values, an untyped value
// (any) anything, a time.Duration a Go duration string, and any value but
// the top level may be null, which strictyaml reads as the zero value. A
// string field takes any scalar's text, so it accepts numbers and booleans
// too, except a named string type whose package declares constants of it:
// that is an enum of the constants' values.
//
// Doc comments are not in a compiled program, so the descriptions come from
// the source: each package of the module is parsed (go/parser, go/doc) for
// its types' and fields' doc comments and its constants. A field's doc
// comment that says "Required." makes the field required, unless one of
// the values the file is overlaid on (Config.Defaults: the class profiles)
// already sets it or Config.Optional names it; a struct field holding a
// required field is then required too.
//
// Environment is the schema of an environment file (environment.Load),
// which go generate ./environment/ writes to
// environment/environment.schema.json (the envschema command).
package schemagen

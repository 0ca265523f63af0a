// Package strictyaml loads typed Go structs from YAML files strictly, and
// writes them back.
//
// A struct field's key is its Go name in lowerCamelCase (see Key), or the
// name in its `yaml:"name"` tag. A field tagged `yaml:"-"` is set by the
// program: a file that sets it is an error. Unexported fields are ignored.
// Embedded (anonymous) exported fields are not supported, because a
// promoted key's origin would be invisible in the file; name the field or
// tag it `yaml:"-"`.
//
// Unmarshal decodes onto a value that may already hold defaults (a class
// profile), so a file overrides it field by field: an absent key keeps the
// field, a mapping merges into a struct, a list or mapping replaces a slice
// or map wholesale, an explicit null resets the field to its zero value, and
// a pointer's old pointee is copied, never written through.
//
// Decoding is strict. Unknown keys, duplicate keys, merge keys (<<), values
// of the wrong type, out-of-range integers, a second document and a
// top level that is not a mapping are all errors, returned together as one
// *field.ErrorList in document order, each with the key's path, the value as
// written, its line and the fix. Aliases (*name) are followed, up to
// MaxAliasExpansion values for the whole document, so that a "billion
// laughs" file is refused at once instead of expanding to gigabytes. A
// string field takes any scalar's literal text, so `kubernetesVersion: 1.30`
// gives "1.30"; bool, integer and float fields need a YAML bool, integer or
// number, and a float field a finite one (.nan and .inf pass every range
// check, so they are refused, also inside untyped values). A time.Duration
// field takes a Go duration string (time.ParseDuration: "720h", "1h30m");
// a bare number is refused with a hint, since it has no unit, and Marshal
// writes durations the same way ("720h").
//
// A field whose Go type cannot come from YAML (a func, a chan, an interface
// with methods, a map without string keys) is a programmer error: both
// Unmarshal and Marshal return a plain error naming the field and its type
// unless the field is tagged `yaml:"-"`.
package strictyaml

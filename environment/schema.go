package environment

import (
	_ "embed" // the schema file
	"slices"
)

//go:generate go run ../internal/schemagen/envschema -o environment.schema.json

// jsonSchema is environment.schema.json, generated from the Environment
// type and its doc comments (internal/schemagen); a test keeps it current.
//
//go:embed environment.schema.json
var jsonSchema []byte

// JSONSchema returns the JSON Schema (draft-07) of an environment file as
// Load reads it: the keys of Environment and of its components' Args, each
// described by its doc comment, with the required ones, the values of the
// enumerated ones (class, cloud, tier, ...) and no other key. Editors that
// speak JSON Schema (VS Code's YAML extension, JetBrains IDEs) complete,
// check and document an environment file with it; `plinth schema` writes
// it. The schema checks what the file says, not what Validate checks
// across fields (address ranges, names, production's rules).
func JSONSchema() []byte { return slices.Clone(jsonSchema) }

package schemagen

import (
	"reflect"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"

	// The profiles read each cloud's facts; a profile of a cloud whose
	// facts are not linked leaves out what they decide.
	_ "github.com/plinth-dev/plinth/platform/aks/aksfacts"
	_ "github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// EnvironmentSchemaID is the $id of the environment schema: where the
// schema of the main branch is published.
const EnvironmentSchemaID = "https://raw.githubusercontent.com/plinth-dev/plinth/main/environment/environment.schema.json"

// environmentClouds are the clouds a team deploys to; platform.CloudFake,
// the test backend's, is left out of the cloud field's values.
var environmentClouds = []platform.Cloud{platform.CloudAzure, platform.CloudGCP}

// Environment returns the JSON Schema of an environment file
// (environment.Load), with the descriptions read from the source of
// module, Plinth's own: environment/environment.schema.json, which the
// environment package embeds (environment.JSONSchema).
func Environment(module Module) ([]byte, error) {
	var profiles []any
	for _, class := range environment.Classes {
		for _, cloud := range environmentClouds {
			// The file's class and cloud pick the profile, which
			// sets them only because the file did.
			p := environment.Profile(class, cloud)
			p.Class, p.Cloud = "", ""
			profiles = append(profiles, p)
		}
	}
	return Generate(Config{
		Root:    reflect.TypeFor[environment.Environment](),
		ID:      EnvironmentSchemaID,
		Title:   "Plinth environment",
		Comment: "Generated from the Go types of github.com/plinth-dev/plinth/environment and their doc comments by go generate ./environment/ (internal/schemagen); do not edit. A team's program writes the schema of the Plinth it is built with: go run . schema --output environment.schema.json.",
		Description: "One Plinth environment, as environment.Load reads it: one platform on one cloud, one Pulumi stack. " +
			"class and cloud pick the profile the file is overlaid on; every key present overrides the profile's field: " +
			"a mapping merges into the field, a list or a map replaces it, null resets it to the component default. " +
			"Keys are the Go field names in lowerCamelCase (docs/stacks.md).",
		Defaults: profiles,
		// The break-glass level is a Level whose unset name the catalog
		// fills (accesspackage.DefaultBreakGlassName).
		Optional: []string{"access.breakGlass.name"},
		Exclude:  []any{platform.CloudFake},
		Module:   module,
	})
}

// Command envschema writes the JSON Schema of an environment file,
// generated from the Go types of package environment and their doc
// comments (schemagen.Environment). go generate ./environment/ runs it:
//
//	go run ../internal/schemagen/envschema -o environment.schema.json
//
// It finds the module's source from the working directory up.
package main

package aks

import "github.com/plinth-dev/plinth/platform/aks/akstypes"

// TagsProperty returns the input property that carries tags for a resource
// type the AKS backend registers ("tags"), "" when the type accepts none,
// and known=false for a type this backend does not register (its registry,
// platform/aks/akstypes, then needs the type).
//
// The backend's tests check each answer against the SDK's Args type, so
// the answers follow the SDK versions in go.mod. A test that walks every
// resource of a snapshot can check that each taggable resource carries the
// required tags.
func TagsProperty(typeToken string) (property string, known bool) {
	return akstypes.Registry.TagsProperty(typeToken)
}

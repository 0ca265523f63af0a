package gke

import "github.com/plinth-dev/plinth/platform/gke/gketypes"

// TagsProperty returns the input property that carries labels for a
// resource type the GKE backend registers ("labels", "resourceLabels", or a
// nested path such as "nodeConfig.resourceLabels"), "" when the type
// accepts none, and known=false for a type this backend does not register
// (its registry, platform/gke/gketypes, then needs the type).
//
// The property is the one the backend puts the spec's tags on. A cluster
// carries them twice, on its resourceLabels and on its temporary default
// pool's nodeConfig.resourceLabels; TagsProperty names the first. The
// backend's tests check each answer against the SDK's Args type.
func TagsProperty(typeToken string) (property string, known bool) {
	return gketypes.Registry.TagsProperty(typeToken)
}

package check

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func tagsRule() Rule {
	return Rule{
		ID:       "PLN010",
		Title:    "Required tags on every taggable resource",
		Severity: SeverityWarning,
		Rationale: "Write-up lesson on cost: resource tags. Baseline: tags on every resource. Every Azure resource " +
			"that takes tags and every GCP resource that takes labels carries platform.RequiredTags (environment, " +
			"owner, cost-center, managed-by, plinth-version), so that cost and inventory reports attribute it. A " +
			"resource type the backend's registry does not know is a finding too, so a new type cannot slip by. " +
			"A warning: a missing tag costs attribution, not availability.",
		Classes: allClasses,
		Check:   checkTags,
	}
}

// taggedPackages are the packages whose resources take Plinth's tags: those
// of the cloud backends. Kubernetes objects carry labels of their own, and
// other packages' types are not in the backends' registries.
var taggedPackages = []string{"azure-native", "azuread", "gcp"}

func checkTags(t Target) []Finding {
	if t.TagsProperty == nil {
		return []Finding{{Message: "tags cannot be checked: no TagsProperty table was given (pass the project's, project.Project.TagsProperty, or a backend's, aks.TagsProperty or gke.TagsProperty)"}}
	}
	var out []Finding
	unknown := map[string][]*snapshot.Resource{}
	var unknownOrder []string
	for i := range t.Snapshot.Resources {
		r := &t.Snapshot.Resources[i]
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || !slices.Contains(taggedPackages, packageOf(r.Type)) {
			continue
		}
		prop, known := t.TagsProperty(r.Type)
		switch {
		case !known:
			if len(unknown[r.Type]) == 0 {
				unknownOrder = append(unknownOrder, r.Type)
			}
			unknown[r.Type] = append(unknown[r.Type], r)
		case prop != "":
			if f, ok := checkResourceTags(r, prop); !ok {
				out = append(out, f)
			}
		}
	}
	// One finding per unknown type, on its first resource.
	for _, typ := range unknownOrder {
		rs := unknown[typ]
		out = append(out, note(rs[0], "the tags table does not know type %q (%d resources of it), so their tags cannot be checked; "+
			"add the type to the backend's registry (platform/aks/akstypes, platform/gke/gketypes)", typ, len(rs)))
	}
	return out
}

// checkResourceTags checks that the tags at prop carry every required tag
// with a value.
func checkResourceTags(r *snapshot.Resource, prop string) (Finding, bool) {
	tags := stringMap(get(r.Inputs, strings.Split(prop, ".")...))
	var missing []string
	for _, k := range platform.RequiredTags {
		if tags[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return Finding{}, true
	}
	return invalid(r, field.Path(prop), nil, "lacks the required tags %s; create the resource with the environment's tags (%s)",
		quoted(missing), strings.Join(platform.RequiredTags, ", ")), false
}

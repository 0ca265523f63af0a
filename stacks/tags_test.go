package stacks_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/stacks"
)

// TestEveryTaggableResourceIsTagged walks every stack's snapshot and fails
// on a cloud resource that accepts tags (Azure) or labels (GCP) but lacks
// one of platform.RequiredTags, or whose owner is wrong: a team's access
// is owned by the team, everything else by the platform team. A resource
// type the backends do not know fails too, so that a new type cannot slip
// past the check.
func TestEveryTaggableResourceIsTagged(t *testing.T) {
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		want := env.BaseTags()
		checked := 0
		for _, r := range snap.Resources {
			pkg, _, _ := strings.Cut(r.Type, ":")
			cloud := pkg == "azure-native" || pkg == "azuread" || pkg == "gcp"
			if !cloud || !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
				continue
			}
			prop, known := stacks.Project().TagsProperty(r.Type)
			if !known {
				t.Errorf("%s: %s is not in the %s backend's registry of resource types (akstypes, gketypes); add it", env.Name, r.Type, pkg)
				continue
			}
			if prop == "" {
				continue
			}
			checked++
			var path []any
			for _, p := range strings.Split(prop, ".") {
				path = append(path, p)
			}
			tags := platformtest.StringMap(t, platformtest.At(t, r.Inputs, path...))
			owner := "platform"
			for _, team := range env.Teams {
				if strings.HasPrefix(r.Name, env.TeamPackageName(team.Team)+"-") {
					owner = team.Team
				}
			}
			for _, k := range platform.RequiredTags {
				w := want[k]
				if k == platform.TagOwner {
					w = owner
				}
				if tags[k] != w {
					t.Errorf("%s: %s %s: %s[%q] = %q, want %q", env.Name, r.Type, r.Name, prop, k, tags[k], w)
				}
			}
		}
		if checked < 5 {
			t.Errorf("%s: checked the tags of only %d resources", env.Name, checked)
		}
	}
}

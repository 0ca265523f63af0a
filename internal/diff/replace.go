package diff

import (
	"sync"

	"github.com/plinth-dev/plinth/internal/typeregistry"
)

// The input paths whose change cannot be applied in place come from the
// resource-type registries (internal/typeregistry: each backend's, with the
// source of every rule for the pinned provider versions). Two kinds:
//
//   - replaced: the Pulumi provider itself plans a delete and a create
//     (azure-native "willReplaceOnChanges", terraform-bridged "ForceNew").
//   - refused: the provider plans an in-place update, but the cloud API
//     rejects it; the deployment fails until the resource is replaced (by
//     hand, or with the replaceOnChanges option).
//
// Paths are Pulumi property paths over the inputs, matched by prefix: an
// entry "networkProfile" covers "networkProfile.podCidr"; "[*]" matches
// any list index.

// replaceRule is one registry rule (resourcetype.Replace) with its path
// parsed.
type replaceRule struct {
	path []step
	// refused is true when the provider would update in place and the cloud
	// API rejects it, false when the provider plans the replacement itself.
	refused bool
	// when, if set, limits the rule to the changes it returns true for; it
	// gets the old and new values at the changed path.
	when func(old, new any) bool
}

// replaceRules are the rules of every registered type, by token, parsed
// once. A path that does not parse is a programming error in a registry:
// it panics, and every test of this package with it.
var replaceRules = sync.OnceValue(func() map[string][]replaceRule {
	out := map[string][]replaceRule{}
	for _, t := range typeregistry.All.Types() {
		for _, r := range t.Replaces {
			out[t.Token] = append(out[t.Token], replaceRule{path: mustParsePath(r.Path), refused: r.Refused, when: r.When})
		}
	}
	return out
})

// rulesOf returns the replace rules of type typ, whatever its API version.
func rulesOf(typ string) []replaceRule {
	t, ok := typeregistry.All.LookupAnyVersion(typ)
	if !ok {
		return nil
	}
	return replaceRules()[t.Token]
}

// replacementFor returns the rule that makes a change at path of a resource
// of type typ unappliable in place, if any.
func replacementFor(typ string, path []step, old, new any) (replaceRule, bool) {
	for _, r := range rulesOf(typ) {
		if !overlaps(path, r.path) {
			continue
		}
		if r.when != nil && !r.when(old, new) {
			continue
		}
		return r, true
	}
	return replaceRule{}, false
}

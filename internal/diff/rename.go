package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/resourcetype"
)

// identityRule says which inputs name a resource of a provider in its
// cloud: two resources of one type whose identifying inputs are equal are
// the same cloud resource, whatever their Pulumi names.
type identityRule struct {
	// Prefix is the type tokens' prefix ("kubernetes:helm.sh/").
	Prefix string
	// Inputs returns the identifying input paths of a resource with these
	// inputs; none means the resource has no identity of this kind.
	Inputs func(inputs map[string]any) []string
	// Source says why these inputs identify the resource.
	Source string
}

// identityRules are tried in order; a type no rule covers, or a resource
// without its rule's inputs, is identified by all its inputs together.
var identityRules = []identityRule{
	{
		Prefix: "kubernetes:helm.sh/",
		Inputs: fixed("name", "namespace"),
		Source: "Helm stores a release under its name in its namespace (helm.sh/docs: helm install NAME)",
	},
	{
		Prefix: "kubernetes:",
		Inputs: fixed("metadata.name", "metadata.namespace"),
		Source: "a Kubernetes object is its kind, namespace and name (kubernetes.io/docs/concepts/overview/working-with-objects/names)",
	},
	{
		Prefix: "azure-native:",
		Inputs: armNames,
		Source: "an Azure resource ID is its scope, resource group and the names of the resource and its parents, " +
			"each an input of the azure-native resource (the path parameters of the ARM REST API's PUT)",
	},
	{
		Prefix: "azuread:",
		Inputs: fixed("displayName"),
		Source: "Entra ID assigns object IDs; Plinth names each object it creates by a display name of its own",
	},
	{
		Prefix: "gcp:",
		Inputs: func(in map[string]any) []string {
			if _, ok := in["name"]; !ok {
				return nil
			}
			return []string{"name", "project", "location", "region", "zone", "bucket", "managedZone", "cluster"}
		},
		Source: "a Google Cloud resource is its name within its project, location and parent (cloud.google.com/apis/design/resource_names)",
	},
}

// fixed is a rule's Inputs that names the same paths for every resource.
func fixed(paths ...string) func(map[string]any) []string {
	return func(map[string]any) []string { return paths }
}

// armNames are the ARM ID's parts among an azure-native resource's
// inputs: the scope, the resource group and every "<type>Name".
func armNames(in map[string]any) []string {
	var out []string
	named := false
	for k := range in {
		switch {
		case k == "scope" || k == "resourceGroupName":
			out = append(out, k)
		case strings.HasSuffix(k, "Name") && k != "displayName":
			out = append(out, k)
			named = true
		}
	}
	if !named {
		return nil
	}
	slices.Sort(out)
	return out
}

// cloudIdentity returns what names custom resource r in its cloud, as one
// comparable text, and the same for people ("resourceName \"x\""); ok is
// false for components, providers and resources without inputs.
func cloudIdentity(r *snapshot.Resource) (key, shown string, ok bool) {
	if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") || len(r.Inputs) == 0 {
		return "", "", false
	}
	var paths []string
	for _, rule := range identityRules {
		if strings.HasPrefix(r.Type, rule.Prefix) {
			paths = rule.Inputs(r.Inputs)
			break
		}
	}
	var parts []string
	for _, p := range paths {
		if v, found := lookup(r.Inputs, p); found {
			parts = append(parts, fmt.Sprintf("%s %s", p, formatValue(v, false)))
		}
	}
	if len(parts) == 0 {
		// All inputs together: equal inputs under another name are the
		// same object.
		all := compactJSON(r.Inputs)
		return resourcetype.BaseType(r.Type) + " " + all, "the same inputs", true
	}
	return resourcetype.BaseType(r.Type) + " " + strings.Join(parts, ", "), strings.Join(parts, ", "), true
}

// lookup returns the value at a dotted path of plain keys.
func lookup(m map[string]any, path string) (any, bool) {
	var v any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// pairRenamed finds, for each removed resource, an added one of the same
// type (API version aside) under another name that names the same cloud
// resource (cloudIdentity): the resource renamed in Pulumi without an
// alias. It maps the removed URN to the added resource.
func pairRenamed(removed, added []*snapshot.Resource) map[string]*snapshot.Resource {
	out := map[string]*snapshot.Resource{}
	used := map[string]bool{}
	for _, old := range removed {
		key, _, ok := cloudIdentity(old)
		if !ok {
			continue
		}
		for _, r := range added {
			if used[r.URN] || r.Name == old.Name {
				continue
			}
			if k, _, ok := cloudIdentity(r); ok && k == key {
				out[old.URN] = r
				used[r.URN] = true
				break
			}
		}
	}
	return out
}

// renamedEntry is the one entry of old, removed, and r, added as the same
// cloud resource under a new name: r's changes against old, the RENAME
// flag, and what deleting old loses.
func renamedEntry(old, r *snapshot.Resource) ResourceChange {
	c, _ := compareResource(old, r)
	c.OldURN, c.OldName = old.URN, old.Name
	c.Replace = false
	c.Flags = append([]Flag{renameFlag(old, r)}, lossFlags(old, "deleted")...)
	sortFlags(c.Flags)
	return c
}

// renameFlag says that r is old renamed, and which alias keeps it.
func renameFlag(old, r *snapshot.Resource) Flag {
	_, shown, _ := cloudIdentity(old)
	alias := fmt.Sprintf("pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(%q)}})", old.Name)
	if old.Parent != r.Parent {
		alias = fmt.Sprintf("pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(%q), ParentURN: pulumi.URN(%q)}})", old.Name, old.Parent)
	}
	return Flag{ID: FlagRename, Severity: Danger, Message: fmt.Sprintf(
		"%s is renamed to %s, which names the same cloud resource (%s): without an alias Pulumi creates %s, "+
			"which fails on the taken name or takes over the existing resource, and then deletes %s with the resource; "+
			"add %s to %s's resource options",
		label(old), r.Name, shown, r.Name, old.Name, alias, r.Name)}
}

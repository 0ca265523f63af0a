package resourcetype

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Type is what Plinth knows about one resource type it registers.
type Type struct {
	// Token is the type token, API version included:
	// "azure-native:network/v20240501:Subnet".
	Token string
	// Stateful is true for a type that holds data, or everything inside
	// it: deleting or replacing one loses what it holds, and plinth diff
	// flags that STATEFUL.
	Stateful bool
	// Replaces are the inputs whose change cannot be applied in place, for
	// the provider versions Plinth pins; plinth diff flags such a change
	// REPLACE. They include the rules every type of the token's package
	// shares (a Kubernetes object's name and namespace).
	Replaces []Replace
	// Tags is the input property that carries Plinth's tags: "tags",
	// "labels", "resourceLabels", a nested path such as
	// "nodeConfig.resourceLabels", or "" when the type takes none.
	Tags string
	// MockID is how internal/mockcloud answers a registration of the type:
	// with the ID (and computed outputs) the cloud would return. The zero
	// MockID is for providers, which mockcloud answers all alike.
	MockID MockID
}

// Replace is one input path whose change cannot be applied in place.
type Replace struct {
	// Path is a Pulumi property path over the inputs, matched by prefix:
	// "networkProfile" covers "networkProfile.podCidr"; "[*]" matches any
	// list index.
	Path string
	// Refused is true when the provider plans an update in place and the
	// cloud API rejects it (the deployment fails until the resource is
	// replaced), false when the provider plans the replacement itself.
	Refused bool
	// When, if set, limits the rule to the changes it returns true for; it
	// gets the old and new values at the changed path. A value it cannot
	// read (absent, unknown, another type) should count as a replacement:
	// the reviewer looks rather than misses it.
	When func(old, new any) bool
	// Source says where the rule comes from, for the pinned provider
	// versions: a provider's source file, the cloud's documentation.
	Source string
}

// Replaced is a rule for path whose change the provider replaces.
func Replaced(path, source string) Replace { return Replace{Path: path, Source: source} }

// Refused is a rule for path whose change the provider applies in place
// and the cloud API refuses.
func Refused(path, source string) Replace { return Replace{Path: path, Refused: true, Source: source} }

// If returns r limited to the changes when returns true for.
func (r Replace) If(when func(old, new any) bool) Replace {
	r.When = when
	return r
}

// TurnedOff is true when a setting goes from true to anything else: for a
// feature the cloud cannot disable once enabled.
func TurnedOff(old, new any) bool { return old == true && new != true }

// MockID names one of internal/mockcloud's ID shapes and its parameters,
// such as {"armChild", ["Microsoft.Network/virtualNetworks",
// "virtualNetworkName", "subnets", "subnetName"]} for
// /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<name>.
// internal/mockcloud documents each shape; its tests check that every
// registry entry names one it has, with the right number of parameters.
type MockID struct {
	// Shape is the name of the shape.
	Shape string
	// Args are its parameters: input names, ARM type paths, collections.
	Args []string
}

// ID returns the MockID of shape with args.
func ID(shape string, args ...string) MockID { return MockID{Shape: shape, Args: args} }

// Registry is a set of types, looked up by token. Create it with
// NewRegistry; it is read-only after.
type Registry struct {
	types map[string]Type
	// base maps each type's token without its API version (BaseType) to
	// the token.
	base map[string]string
}

// NewRegistry returns the registry of types. It panics on an empty or
// repeated token, or on two API versions of one type: a registry is a
// package-level table, wrong only through a programming error.
func NewRegistry(types ...Type) *Registry {
	r := &Registry{types: make(map[string]Type, len(types)), base: make(map[string]string, len(types))}
	for _, t := range types {
		if t.Token == "" {
			panic("resourcetype: a type without a token")
		}
		if _, dup := r.types[t.Token]; dup {
			panic("resourcetype: " + t.Token + " registered twice")
		}
		b := BaseType(t.Token)
		if other, dup := r.base[b]; dup {
			panic(fmt.Sprintf("resourcetype: %s and %s are one type at two API versions", other, t.Token))
		}
		r.types[t.Token], r.base[b] = t, t.Token
	}
	return r
}

// Merge returns one registry of the types of every registry given. It
// panics when two of them list the same type.
func Merge(registries ...*Registry) *Registry {
	var all []Type
	for _, r := range registries {
		all = append(all, r.Types()...)
	}
	return NewRegistry(all...)
}

// Lookup returns the type of exactly token.
func (r *Registry) Lookup(token string) (Type, bool) {
	t, ok := r.types[token]
	return t, ok
}

// LookupAnyVersion returns the type of token, or of the same azure-native
// type at another API version ("azure-native:network:Subnet" finds
// "azure-native:network/v20240501:Subnet"): the provider decides
// replacements whatever the API version, and an old snapshot may hold
// another one.
func (r *Registry) LookupAnyVersion(token string) (Type, bool) {
	if t, ok := r.types[token]; ok {
		return t, true
	}
	exact, ok := r.base[BaseType(token)]
	if !ok {
		return Type{}, false
	}
	return r.types[exact], true
}

// Tokens returns the tokens of the registry's types, sorted.
func (r *Registry) Tokens() []string { return slices.Sorted(maps.Keys(r.types)) }

// Types returns the registry's types, sorted by token.
func (r *Registry) Types() []Type {
	out := make([]Type, 0, len(r.types))
	for _, token := range r.Tokens() {
		out = append(out, r.types[token])
	}
	return out
}

// TagsProperty returns the input property that carries tags for token
// (Type.Tags), and known=false for a type the registry does not list.
func (r *Registry) TagsProperty(token string) (property string, known bool) {
	t, known := r.types[token]
	return t.Tags, known
}

// BaseType drops the API version from an azure-native type token, so
// "azure-native:network/v20240501:Subnet" reads
// "azure-native:network:Subnet". Other tokens are returned unchanged.
func BaseType(token string) string {
	parts := strings.Split(token, ":")
	if len(parts) != 3 || parts[0] != "azure-native" {
		return token
	}
	module, version, ok := strings.Cut(parts[1], "/")
	if !ok || !strings.HasPrefix(version, "v") {
		return token
	}
	return parts[0] + ":" + module + ":" + parts[2]
}

// WithPackageRules returns types with rules prepended to the Replaces of
// each type whose token is in package pkg ("azure-native", "gcp",
// "kubernetes"): the rules every resource of a provider shares, such as
// the resource group in every azure-native resource's URL.
func WithPackageRules(pkg string, rules []Replace, types ...Type) []Type {
	out := make([]Type, len(types))
	for i, t := range types {
		if strings.HasPrefix(t.Token, pkg+":") {
			t.Replaces = slices.Concat(rules, t.Replaces)
		}
		out[i] = t
	}
	return out
}

package aks

import (
	"maps"
	"slices"
)

// RegisteredTypeTokens lists the type tokens TagsProperty knows, sorted,
// for the tests of package aks_test.
func RegisteredTypeTokens() []string {
	return slices.Sorted(maps.Keys(registeredTypes))
}

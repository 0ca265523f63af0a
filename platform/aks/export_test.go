package aks

import "reflect"

// TypedArgs are the inputs structs of the types the backend registers by
// type token (observability_types.go), by token, for the registry's tags
// test.
var TypedArgs = map[string]reflect.Type{
	azureMonitorWorkspaceType: reflect.TypeFor[azureMonitorWorkspaceArgs](),
	prometheusRuleGroupType:   reflect.TypeFor[prometheusRuleGroupArgs](),
}

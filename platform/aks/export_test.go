package aks

import (
	"reflect"
	"runtime/debug"
	"testing"
)

// TypedArgs are the inputs structs of the types the backend registers by
// type token (observability_types.go), by token, for the registry's tags
// test.
var TypedArgs = map[string]reflect.Type{
	azureMonitorWorkspaceType: reflect.TypeFor[azureMonitorWorkspaceArgs](),
	prometheusRuleGroupType:   reflect.TypeFor[prometheusRuleGroupArgs](),
}

// BuildFrom makes the backend read info as the program's build information
// (where the power schedule's runbook is published) until t ends.
func BuildFrom(t testing.TB, info *debug.BuildInfo) {
	old := readBuildInfo
	readBuildInfo = func() (*debug.BuildInfo, bool) { return info, info != nil }
	t.Cleanup(func() { readBuildInfo = old })
}

// TeamBuild is the build information of a team's program that requires
// Plinth at version, replaced by replace when it is not nil.
func TeamBuild(version string, replace *debug.Module) *debug.BuildInfo {
	return &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/acme/shop-platform", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/pulumi/pulumi/sdk/v3", Version: "v3.250.0"},
			{Path: plinthModule, Version: version, Replace: replace},
		},
	}
}

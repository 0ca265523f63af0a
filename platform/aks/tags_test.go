package aks_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// TestTagsPropertyKnowsEveryRegisteredType renders every capability of
// the backend (a locked network, a cluster with monitoring, workload
// identities, locked backup storage, access packages and a power schedule)
// and checks each registered type against TagsProperty: known, carrying
// the spec's tags where it takes tags and no tags where it takes none. The
// table holds nothing the backend does not register.
func TestTagsPropertyKnowsEveryRegisteredType(t *testing.T) {
	backupSnap, _ := renderBackup(t, func(s *platform.BackupStorageSpec) { s.Locked = true })
	clusterSnap, _ := renderCluster(t, nil)
	accessSnap, _ := renderAccess(t, nil)
	powerSnap, _ := renderPower(t, nil)
	snaps := []*platformtest.Snapshot{renderNetworkLock(t, true, ""), clusterSnap, backupSnap, accessSnap, powerSnap}

	registered := map[string]bool{}
	for _, snap := range snaps {
		for i := range snap.Resources {
			r := &snap.Resources[i]
			if !r.Custom {
				continue // the tests' components
			}
			registered[r.Type] = true
			property, known := aks.TagsProperty(r.Type)
			if !known {
				t.Errorf("%s %s: TagsProperty does not know the type; add it to registeredTypes", r.Type, r.Name)
				continue
			}
			tags, tagged := r.Input("tags")
			switch {
			case property == "" && tagged:
				t.Errorf("%s %s has tags %v, but TagsProperty says the type takes none", r.Type, r.Name, tags)
			case property != "" && strings.HasPrefix(r.Type, "pulumi:providers:"):
				t.Errorf("%s: a provider with tags %q", r.Type, property)
			case property != "" && !tagged:
				t.Errorf("%s %s: no %s input, though the type takes tags (C7)", r.Type, r.Name, property)
			}
		}
	}
	if known := aks.RegisteredTypeTokens(); !slices.Equal(known, slices.Sorted(maps.Keys(registered))) {
		for _, typ := range known {
			if !registered[typ] {
				t.Errorf("TagsProperty knows %s, which no test render registers: a typo, or a type the backend no longer uses", typ)
			}
		}
	}
}

func TestTagsProperty(t *testing.T) {
	for _, tc := range []struct {
		typ, property string
		known         bool
	}{
		{"azure-native:resources:ResourceGroup", "tags", true},
		{"azure-native:containerservice/v20241001:ManagedCluster", "tags", true},
		{"azure-native:automation/v20231101:AutomationAccount", "tags", true},
		{"azure-native:authorization:RoleAssignment", "", true},
		{"azure-native:network/v20240501:Subnet", "", true},
		{"azure-native:automation/v20231101:Schedule", "", true},
		{"azuread:index/group:Group", "", true},
		{"pulumi:providers:azure-native", "", true},
		{"azure-native:network/v20230901:VirtualNetwork", "", false}, // another API version
		{"gcp:compute/network:Network", "", false},
		{"", "", false},
	} {
		property, known := aks.TagsProperty(tc.typ)
		if property != tc.property || known != tc.known {
			t.Errorf("TagsProperty(%q) = %q, %v; want %q, %v", tc.typ, property, known, tc.property, tc.known)
		}
	}
}

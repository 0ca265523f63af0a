package resourcetype_test

import (
	"slices"
	"testing"

	rt "github.com/plinth-dev/plinth/platform/resourcetype"
)

func TestBaseType(t *testing.T) {
	for in, want := range map[string]string{
		"azure-native:network/v20240501:Subnet":                    "azure-native:network:Subnet",
		"azure-native:containerservice/v20241002preview:AgentPool": "azure-native:containerservice:AgentPool",
		"azure-native:storage:StorageAccount":                      "azure-native:storage:StorageAccount",
		"gcp:container/nodePool:NodePool":                          "gcp:container/nodePool:NodePool",
		"kubernetes:networking.k8s.io/v1:NetworkPolicy":            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
		"plinth:components:Cluster":                                "plinth:components:Cluster",
	} {
		if got := rt.BaseType(in); got != want {
			t.Errorf("BaseType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	r := rt.NewRegistry(
		rt.Type{Token: "azure-native:network/v20240501:Subnet", Stateful: true},
		rt.Type{Token: "gcp:storage/bucket:Bucket", Tags: "labels"},
	)
	for _, tc := range []struct {
		token        string
		exact, found bool
	}{
		{"azure-native:network/v20240501:Subnet", true, true},
		{"azure-native:network/v20230901:Subnet", false, true},
		{"azure-native:network:Subnet", false, true},
		{"gcp:storage/bucket:Bucket", true, true},
		{"gcp:storage/v2:Bucket", false, false},
		{"azure-native:network:VirtualNetwork", false, false},
	} {
		if _, ok := r.Lookup(tc.token); ok != tc.exact {
			t.Errorf("Lookup(%s) found %v, want %v", tc.token, ok, tc.exact)
		}
		if _, ok := r.LookupAnyVersion(tc.token); ok != tc.found {
			t.Errorf("LookupAnyVersion(%s) found %v, want %v", tc.token, ok, tc.found)
		}
	}
	if p, known := r.TagsProperty("gcp:storage/bucket:Bucket"); p != "labels" || !known {
		t.Errorf("TagsProperty(bucket) = %q, %v", p, known)
	}
	if p, known := r.TagsProperty("azure-native:network:Subnet"); p != "" || known {
		t.Errorf("TagsProperty of another API version = %q, %v; want unknown", p, known)
	}
	if got := r.Tokens(); !slices.Equal(got, []string{"azure-native:network/v20240501:Subnet", "gcp:storage/bucket:Bucket"}) {
		t.Errorf("Tokens() = %v", got)
	}
}

func TestNewRegistryRefusesDuplicates(t *testing.T) {
	for name, types := range map[string][]rt.Type{
		"no token":         {{}},
		"twice":            {{Token: "gcp:storage/bucket:Bucket"}, {Token: "gcp:storage/bucket:Bucket"}},
		"two versions":     {{Token: "azure-native:network/v20240501:Subnet"}, {Token: "azure-native:network:Subnet"}},
		"merged twice":     nil,
		"package rules ok": {{Token: "kubernetes:core/v1:Namespace"}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recovered := recover(); (recovered != nil) != (name != "package rules ok") {
					t.Errorf("panic %v", recovered)
				}
			}()
			if types == nil {
				one := rt.NewRegistry(rt.Type{Token: "gcp:storage/bucket:Bucket"})
				rt.Merge(one, one)
				return
			}
			rt.NewRegistry(types...)
		})
	}
}

func TestWithPackageRules(t *testing.T) {
	shared := []rt.Replace{rt.Replaced("metadata.name", "s")}
	got := rt.WithPackageRules("kubernetes", shared,
		rt.Type{Token: "kubernetes:core/v1:Namespace", Replaces: []rt.Replace{rt.Refused("spec", "t")}},
		rt.Type{Token: "pulumi:providers:kubernetes"},
	)
	if paths := pathsOf(got[0].Replaces); !slices.Equal(paths, []string{"metadata.name", "spec"}) {
		t.Errorf("namespace rules %v, want the package's first", paths)
	}
	if len(got[1].Replaces) != 0 {
		t.Errorf("the provider got %v; it is not in package kubernetes", got[1].Replaces)
	}
}

func TestIfAndTurnedOff(t *testing.T) {
	r := rt.Refused("oidc", "s").If(rt.TurnedOff)
	if !r.Refused || r.When == nil || !r.When(true, false) || r.When(false, true) || !r.When(true, nil) {
		t.Errorf("Refused(...).If(TurnedOff) = %+v", r)
	}
}

func pathsOf(rs []rt.Replace) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Path)
	}
	return out
}

package diff

import (
	"strings"
	"testing"
)

func TestPathsRoundTrip(t *testing.T) {
	for _, s := range []string{
		"vmSize",
		"networkProfile.networkPolicy",
		"agentPoolProfiles[0].vmSize",
		"agentPoolProfiles[*].count",
		`nodeLabels["kubernetes.io/os"]`,
		`metadata.annotations["a \"quoted\" key"].x[12]`,
	} {
		p, err := parsePath(s)
		if err != nil {
			t.Errorf("parsePath(%q): %v", s, err)
			continue
		}
		if got := formatPath(p); got != s {
			t.Errorf("formatPath(parsePath(%q)) = %q", s, got)
		}
	}
	for _, bad := range []string{"a[", "a[x]", "a[-1]", `a["x]`} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("parsePath(%q) accepted a bad path", bad)
		}
	}
}

func TestPathMatching(t *testing.T) {
	for _, tc := range []struct {
		path, rule string
		want       bool
	}{
		{"networkProfile.podCidr", "networkProfile", true},
		{"networkProfile", "networkProfile", true},
		{"networkProfileX", "networkProfile", false},
		{"nodeConfig", "nodeConfig.spot", true},
		{"agentPoolProfiles[3].count", "agentPoolProfiles[*].count", true},
		{"agentPoolProfiles[3].vmSize", "agentPoolProfiles[*].count", false},
		{"agentPoolProfiles[3].count", "agentPoolProfiles[2].count", false},
		{"tags.owner", "tags.*", true},
		{`nodeLabels["kubernetes.io/os"]`, "nodeLabels", true},
	} {
		if got := overlaps(mustParsePath(tc.path), mustParsePath(tc.rule)); got != tc.want {
			t.Errorf("overlaps(%s, %s) = %v, want %v", tc.path, tc.rule, got, tc.want)
		}
	}
}

func TestStatefulTypes(t *testing.T) {
	for typ, want := range map[string]bool{
		"azure-native:network/v20240501:Subnet":         true,
		"azure-native:containerservice:ManagedCluster":  true, // another API version
		"azuread:index/group:Group":                     true,
		"azure-native:keyvault:Vault":                   true,  // a team's vault of the AKS secret store
		"azure-native:keyvault:ManagedHsm":              false, // Plinth creates none: no registry lists it
		"gcp:storage/bucket:Bucket":                     true,
		"kubernetes:core/v1:Namespace":                  true,
		"azure-native:authorization:RoleAssignment":     false,
		"gcp:serviceaccount/account:Account":            false,
		"kubernetes:networking.k8s.io/v1:NetworkPolicy": false,
	} {
		if got := isStateful(typ); got != want {
			t.Errorf("isStateful(%s) = %v, want %v", typ, got, want)
		}
	}
}

func TestClassOfCommittedSnapshots(t *testing.T) {
	for _, stack := range []string{"dev-aks", "staging-aks", "prod-aks", "dev-gke", "staging-gke", "prod-gke"} {
		want, _, _ := strings.Cut(stack, "-")
		if got := Class(readSnapshot(t, stack)); got != want {
			t.Errorf("Class(%s) = %q, want %q", stack, got, want)
		}
	}
}

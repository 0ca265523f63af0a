package stacks_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestSafetyDocCountsProtectedResources keeps docs/safety.md's counts of
// protected resources true of the snapshots.
func TestSafetyDocCountsProtectedResources(t *testing.T) {
	doc, err := os.ReadFile("../docs/safety.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(doc)), " ")
	count := map[string]int{}
	for snap, env := range committed(t) {
		for _, r := range snap.Resources {
			if r.Protect {
				count[env.Name]++
			}
		}
	}
	want := fmt.Sprintf("`staging-aks` protects %d resources, `prod-aks` %d, `staging-gke` %d and `prod-gke` %d",
		count["staging-aks"], count["prod-aks"], count["staging-gke"], count["prod-gke"])
	if !strings.Contains(text, want) {
		t.Errorf("docs/safety.md does not say %q", want)
	}
}

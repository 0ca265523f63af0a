package stacks_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/stacks"
)

// heldRules is what a stack's snapshot holds its team namespaces to: each
// bound guardrail policy (its validations and actions, as JSON), and
// the Pod Security level every team namespace enforces; with the rules of
// the baseline they hold.
type heldRules struct {
	policies    map[string]string
	podSecurity map[string]bool
	rules       map[platform.WorkloadRule]bool
}

func held(t *testing.T, snap *snapshot.Snapshot) heldRules {
	t.Helper()
	byName := map[string]guardrails.Policy{}
	for _, p := range guardrails.Policies(true) {
		byName[p.Name] = p
	}
	h := heldRules{policies: map[string]string{}, podSecurity: map[string]bool{}, rules: map[platform.WorkloadRule]bool{}}
	actions := map[string]any{}
	for _, r := range snap.Resources {
		if r.Type == "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding" {
			md, _ := r.Inputs["metadata"].(map[string]any)
			spec, _ := r.Inputs["spec"].(map[string]any)
			actions[md["name"].(string)] = spec["validationActions"]
		}
	}
	for _, r := range snap.Resources {
		md, _ := r.Inputs["metadata"].(map[string]any)
		switch r.Type {
		case "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy":
			name := md["name"].(string)
			p, ok := byName[name]
			if !ok {
				continue // the tenancy policies
			}
			spec, _ := r.Inputs["spec"].(map[string]any)
			b, err := json.Marshal([]any{spec["validations"], spec["variables"], actions[name]})
			if err != nil {
				t.Fatal(err)
			}
			h.policies[name] = string(b)
			if actions[name] != nil {
				h.rules[p.Holds] = true
			}
		case "kubernetes:core/v1:Namespace":
			labels, _ := md["labels"].(map[string]any)
			if labels["team"] == nil {
				continue
			}
			level, _ := labels["pod-security.kubernetes.io/enforce"].(string)
			h.podSecurity[level] = true
		}
	}
	if len(h.podSecurity) > 0 && !h.podSecurity[""] {
		h.rules[platform.RulePodSecurity] = true
	}
	return h
}

// TestBothCloudsHoldTheSameRules: in each class, the AKS and the GKE
// stack bind the same guardrail policies, with the same validations and
// actions, and enforce the same Pod Security level in their team
// namespaces: every rule of the baseline holds, with the same meaning, on
// both clouds. The clouds' own controls (Azure Policy assignments, Binary
// Authorization) come on top, and the backends' tests hold them.
func TestBothCloudsHoldTheSameRules(t *testing.T) {
	byClass := map[environment.Class]map[platform.Cloud]heldRules{}
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			t.Fatal(err)
		}
		if byClass[env.Class] == nil {
			byClass[env.Class] = map[platform.Cloud]heldRules{}
		}
		byClass[env.Class][env.Cloud] = held(t, snap)
	}
	for class, clouds := range byClass {
		aks, gke := clouds[platform.CloudAzure], clouds[platform.CloudGCP]
		if !maps.Equal(aks.policies, gke.policies) {
			t.Errorf("%s: the guardrail policies differ between the clouds:\nAKS %v\nGKE %v", class, aks.policies, gke.policies)
		}
		if !maps.Equal(aks.podSecurity, gke.podSecurity) {
			t.Errorf("%s: team namespaces enforce %v on AKS, %v on GKE", class, aks.podSecurity, gke.podSecurity)
		}
		for cloud, h := range clouds {
			got := slices.Sorted(maps.Keys(h.rules))
			want := slices.Sorted(slices.Values(platform.WorkloadRules))
			if !slices.Equal(got, want) {
				t.Errorf("%s on %s: the rules held are %v, want every rule of the baseline %v", class, cloud, got, want)
			}
		}
		want := map[string]bool{"restricted": true}
		if class == environment.Dev {
			want = map[string]bool{"baseline": true} // audited: restricted warns
		}
		if !maps.Equal(aks.podSecurity, want) {
			t.Errorf("%s: team namespaces enforce %v, want %v", class, aks.podSecurity, want)
		}
	}
}

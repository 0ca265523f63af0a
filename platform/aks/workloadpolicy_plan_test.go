package aks

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/format"
)

func workloadPolicySpec(enforce bool) platform.WorkloadPolicySpec {
	return platform.WorkloadPolicySpec{
		Name:       "prod-guardrails",
		Cluster:    backupSpec().Cluster,
		Enforce:    enforce,
		Registries: []pulumi.StringInput{pulumi.String("crprod1a2b3c4d.azurecr.io/")},
		Tags:       platform.Tags{"environment": "prod"},
	}
}

// TestEveryWorkloadRuleIsCoveredOrLeftWithAReason: each rule of the
// baseline has a built-in definition or is listed, with the reason, as
// held by the in-cluster admission policies alone; the definitions follow
// the order of platform.WorkloadRules, each with a GUID, display name,
// source file and fix.
func TestEveryWorkloadRuleIsCoveredOrLeftWithAReason(t *testing.T) {
	covered := map[platform.WorkloadRule]bool{}
	last := -1
	for _, d := range workloadPolicyDefinitions {
		i := slices.Index(platform.WorkloadRules, d.Rule)
		if i < 0 {
			t.Errorf("%s: rule %q is not a platform.WorkloadRule", d.Key, d.Rule)
		}
		if i < last {
			t.Errorf("%s: out of the order of platform.WorkloadRules", d.Key)
		}
		last = i
		covered[d.Rule] = true
		if !format.UUID(d.GUID) || d.DisplayName == "" || !strings.HasSuffix(d.File, ".json") || d.Fix == "" {
			t.Errorf("%s: GUID %q, display name %q, file %q, fix %q", d.Key, d.GUID, d.DisplayName, d.File, d.Fix)
		}
		for _, k := range []string{"effect", "excludedNamespaces", "allowedContainerImagesRegex"} {
			if _, ok := d.Params[k]; ok {
				t.Errorf("%s: Params sets %s, which the plan sets", d.Key, k)
			}
		}
	}
	for _, r := range platform.WorkloadRules {
		if !covered[r] && workloadRuleGaps[r] == "" {
			t.Errorf("rule %q: no built-in definition, and no reason in workloadRuleGaps", r)
		}
	}
	for r, why := range workloadRuleGaps {
		if !slices.Contains(platform.WorkloadRules, r) || len(why) < 40 {
			t.Errorf("gap %q: %q; want a rule of the baseline and the reason", r, why)
		}
	}
}

func TestPlanWorkloadPolicy(t *testing.T) {
	for _, tc := range []struct {
		enforce               bool
		effect, controlEffect string
	}{{true, "Deny", "deny"}, {false, "Audit", "audit"}} {
		p, err := planWorkloadPolicy(workloadPolicySpec(tc.enforce))
		if err != nil {
			t.Fatal(err)
		}
		if p.Effect != tc.effect || p.ControlEffect != tc.controlEffect || p.EnforcementMode != "Default" {
			t.Errorf("enforce %v: effect %s/%s mode %s", tc.enforce, p.Effect, p.ControlEffect, p.EnforcementMode)
		}
		if len(p.Assignments) != len(workloadPolicyDefinitions) {
			t.Fatalf("%d assignments for %d definitions", len(p.Assignments), len(workloadPolicyDefinitions))
		}
		for _, a := range p.Assignments {
			want := tc.effect
			if a.Definition.Rule == platform.RulePodSecurity {
				want = "Audit" // a namespace may keep baseline; its label decides
			}
			if a.Params["effect"] != want || a.Effect != want {
				t.Errorf("%s: effect %v, want %s", a.Name, a.Params["effect"], want)
			}
			if got := a.Params["excludedNamespaces"]; !reflect.DeepEqual(got, toAny(platformNamespaces)) {
				t.Errorf("%s: excludedNamespaces %v", a.Name, got)
			}
			if len(a.Name) > maxPolicyAssignmentName || len(a.DisplayName) > 128 || len(a.Description) > 512 || len(a.Message) > 1024 {
				t.Errorf("%s: a name, display name, description or message too long for Azure", a.Name)
			}
			if !strings.Contains(a.Message, string(a.Definition.Rule)) || !strings.Contains(a.Message, a.Definition.Fix) {
				t.Errorf("%s: message %q should name the rule and the fix", a.Name, a.Message)
			}
		}
		controls := p.controls()
		if c := controls[0]; c.Rule != platform.RulePrivileged || c.Effect != tc.controlEffect ||
			c.Control != "Azure Policy 95edb821-ddaf-4404-9732-666045e056b4 (Kubernetes cluster should not allow privileged containers)" {
			t.Errorf("first control %+v", c)
		}
	}
	p, _ := planWorkloadPolicy(workloadPolicySpec(true))
	byKey := map[string]policyAssignmentPlan{}
	for _, a := range p.Assignments {
		byKey[strings.TrimPrefix(a.Name, "prod-guardrails-")] = a
	}
	for key, want := range map[string]map[string]any{
		"no-host-paths":           {"allowedHostPaths": map[string]any{"paths": []any{}}},
		"no-privilege-escalation": {"forcePrivilegeEscalationToBeFalse": true},
		"pod-security-restricted": {"allowedCapabilities": []any{"NET_BIND_SERVICE"}, "requiredDropCapabilities": []any{"ALL"}},
	} {
		for k, v := range want {
			if got := byKey[key].Params[k]; !reflect.DeepEqual(got, v) {
				t.Errorf("%s: %s = %v, want %v", key, k, got, v)
			}
		}
	}
	if d := byKey["pod-security-restricted"].Definition; d.id() != "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00" {
		t.Errorf("the restricted initiative's ID %s", d.id())
	}
	if d := byKey["allowed-images"].Definition; !d.ImageRegex || d.id() != "/providers/Microsoft.Authorization/policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469" {
		t.Errorf("allowed images: %+v", d)
	}
}

// TestPlanWorkloadPolicyRejects: attestors are refused with Azure's
// reason, as are a missing cluster and registries.
func TestPlanWorkloadPolicyRejects(t *testing.T) {
	s := workloadPolicySpec(true)
	s.Attestors = []string{"projects/p/attestors/built-by-ci"}
	s.Cluster, s.Registries = nil, nil
	_, err := planWorkloadPolicy(s)
	for _, w := range []string{
		`workloadPolicy.attestors[0] "projects/p/attestors/built-by-ci": AKS verifies no image attestations at admission without a preview feature; remove attestors`,
		"workloadPolicy.cluster: required",
		"workloadPolicy.registries: required",
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error\n%v\nwant it to contain\n%s", err, w)
		}
	}
	s = workloadPolicySpec(true)
	s.Cluster = &platform.ClusterOutputs{}
	if _, err := planWorkloadPolicy(s); err == nil || !strings.Contains(err.Error(), "workloadPolicy.cluster.id: required") {
		t.Errorf("a cluster without its ID: %v", err)
	}
}

func TestImagesRegex(t *testing.T) {
	re, err := imagesRegex([]string{"crprod1a2b3c4d.azurecr.io/", "mcr.microsoft.com/oss/"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := `^(crprod1a2b3c4d\.azurecr\.io/|mcr\.microsoft\.com/oss/).+$`; re != want {
		t.Errorf("regex %s, want %s", re, want)
	}
	r := regexp.MustCompile(re)
	for img, admit := range map[string]bool{
		"crprod1a2b3c4d.azurecr.io/payments/api:1.4.2": true,
		"mcr.microsoft.com/oss/nginx/nginx:1.27":       true,
		"crprod1a2b3c4d.azurecr.io.evil.com/api:1":     false,
		"crprod1a2b3c4dXazurecr.io/api:1":              false,
		"docker.io/library/nginx:1.27":                 false,
		"mcr.microsoft.com/dotnet/aspnet:8.0":          false,
		"crprod1a2b3c4d.azurecr.io/":                   false,
	} {
		if r.MatchString(img) != admit {
			t.Errorf("%s: admitted %v, want %v", img, !admit, admit)
		}
	}
	// The mesh's proxy, injected into meshed team pods, is admitted by
	// its image name and nothing beside it.
	re, err = imagesRegex([]string{"crprod1a2b3c4d.azurecr.io/"}, []string{"cr.l5d.io/linkerd/proxy:*"})
	if err != nil {
		t.Fatal(err)
	}
	r = regexp.MustCompile(re)
	for img, admit := range map[string]bool{
		"cr.l5d.io/linkerd/proxy:edge-26.8.3":      true,
		"cr.l5d.io/linkerd/controller:edge-26.8.3": false,
		"cr.l5d.io/linkerd/proxy-evil:1":           false,
	} {
		if r.MatchString(img) != admit {
			t.Errorf("with the mesh: %s: admitted %v, want %v", img, !admit, admit)
		}
	}
	if _, err := imagesRegex([]string{"crprod.azurecr.io"}, nil); err == nil ||
		!strings.Contains(err.Error(), `workloadPolicy.registries[0] "crprod.azurecr.io": not an image prefix; end it with "/"`) {
		t.Errorf("a prefix without '/': %v", err)
	}
}

// TestPlatformNamespacesAreExcluded: the namespaces a spec adds (the
// service mesh's) are left out of every assignment beside the well-known
// ones, each once.
func TestPlatformNamespacesAreExcluded(t *testing.T) {
	spec := workloadPolicySpec(true)
	spec.PlatformNamespaces = []string{"linkerd", "linkerd-cni", "ingress"}
	p, err := planWorkloadPolicy(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(platformNamespaces), "linkerd", "linkerd-cni")
	if !slices.Equal(p.ExcludedNamespaces, want) {
		t.Errorf("excluded %v, want %v", p.ExcludedNamespaces, want)
	}
}

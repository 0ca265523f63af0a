package aks_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const policyAssignments = "azure-native:authorization:PolicyAssignment"

// renderWorkloadPolicy renders the prod cluster of renderCluster and,
// under a test component "guardrails", the cluster's workload policy
// "prod-guardrails", enforced as given, admitting the images of a
// registry "prod" of that cluster and of mcr.microsoft.com/oss/ (changed
// by mutate).
func renderWorkloadPolicy(t *testing.T, enforce bool, mutate func(*platform.WorkloadPolicySpec)) (*platformtest.Snapshot, *platform.WorkloadPolicyOutputs, error) {
	t.Helper()
	var (
		out  *platform.WorkloadPolicyOutputs
		perr error
	)
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, e := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
		if e != nil {
			return e
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, e := b.NewNetwork(ctx, netSpec)
		if e != nil {
			return e
		}
		spec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, e := b.NewCluster(ctx, spec)
		if e != nil {
			return e
		}
		registry, e := b.NewRegistry(ctx, platform.RegistrySpec{Name: "prod", Cluster: cluster, Network: spec.Network, Tags: spec.Tags})
		if e != nil {
			return e
		}
		parent := &testComponent{}
		if e := ctx.RegisterComponentResource("plinth:test:WorkloadPolicy", "guardrails", parent); e != nil {
			return e
		}
		s := platform.WorkloadPolicySpec{
			Name: "prod-guardrails", Cluster: cluster, Enforce: enforce,
			Registries: []pulumi.StringInput{registry.Prefix, pulumi.String("mcr.microsoft.com/oss/")},
			Tags:       spec.Tags,
		}
		if mutate != nil {
			mutate(&s)
		}
		out, perr = b.NewWorkloadPolicy(ctx, s, pulumi.Parent(parent))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, out, perr
}

// The assignments Plinth makes, by name: definition, and the parameters
// beside effect and excludedNamespaces.
var wantAssignments = map[string]struct {
	definition string
	params     map[string]any
}{
	"prod-guardrails-no-privileged":           {"policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4", nil},
	"prod-guardrails-no-host-namespaces":      {"policyDefinitions/47a1ee2f-2a2a-4576-bf2a-e0e36709c2b8", nil},
	"prod-guardrails-no-host-paths":           {"policyDefinitions/098fc59e-46c7-4d99-9b16-64990e543d75", map[string]any{"allowedHostPaths": map[string]any{"paths": []any{}}}},
	"prod-guardrails-no-privilege-escalation": {"policyDefinitions/1c6e92c9-99f0-4e55-9cf2-0c234dc48f99", map[string]any{"forcePrivilegeEscalationToBeFalse": true}},
	"prod-guardrails-allowed-images":          {"policyDefinitions/febd0533-8e55-448f-b837-bd0e06f16469", nil}, // and the regex, checked below
	"prod-guardrails-resource-requests":       {"policyDefinitions/03a4ecdb-0684-4039-be91-2762979e1bc8", nil},
	"prod-guardrails-no-latest-tag":           {"policyDefinitions/021f8078-41a0-40e6-81b6-c6597da9f3ee", nil},
	"prod-guardrails-internal-load-balancers": {"policyDefinitions/3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e", nil},
	"prod-guardrails-pod-security-restricted": {"policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00",
		map[string]any{"allowedCapabilities": []any{"NET_BIND_SERVICE"}, "requiredDropCapabilities": []any{"ALL"}}},
}

// TestWorkloadPolicyAssignments: one assignment per built-in definition,
// scoped to exactly the cluster, enforced (mode Default) with the effect
// Deny, excluding the platform's namespaces, with its own parameters, a
// display name, a description and a message that says what to fix; the
// allowed images are exactly the registries' prefixes.
func TestWorkloadPolicyAssignments(t *testing.T) {
	snap, _, err := renderWorkloadPolicy(t, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := snap.OfType(policyAssignments)
	if len(all) != len(wantAssignments) {
		t.Errorf("%d policy assignments, want %d", len(all), len(wantAssignments))
	}
	excluded := []any{"kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system", "cert-manager", "ingress", "velero", "external-dns"}
	for name, want := range wantAssignments {
		a := snap.Find(policyAssignments, name)
		if a == nil {
			t.Errorf("no assignment %s", name)
			continue
		}
		effect := "Deny"
		if strings.HasSuffix(name, "-pod-security-restricted") {
			effect = "Audit" // a namespace may keep baseline; its label decides
		}
		expect(t, a, map[string]any{
			"policyAssignmentName":                name,
			"scope":                               clusterID,
			"policyDefinitionId":                  "/providers/Microsoft.Authorization/" + want.definition,
			"enforcementMode":                     "Default",
			"parameters.effect.value":             effect,
			"parameters.excludedNamespaces.value": excluded,
		})
		for k, v := range want.params {
			if got, _ := a.Input("parameters." + k + ".value"); !reflect.DeepEqual(got, v) {
				t.Errorf("%s: parameter %s = %#v, want %#v", name, k, got, v)
			}
		}
		display, _ := a.Input("displayName")
		description, _ := a.Input("description")
		message, _ := a.Input("nonComplianceMessages.0.message")
		if d, _ := display.(string); !strings.HasPrefix(d, "Plinth prod-guardrails: Kubernetes") {
			t.Errorf("%s: display name %q", name, display)
		}
		if d, _ := description.(string); !strings.Contains(d, "team namespaces") {
			t.Errorf("%s: description %q", name, description)
		}
		if m, _ := message.(string); !strings.HasPrefix(m, "Plinth workload rule ") {
			t.Errorf("%s: non-compliance message %q", name, message)
		}
		if _, tagged := a.Input("tags"); tagged {
			t.Errorf("%s: tags on a policy assignment, which takes none", name)
		}
	}
	regex, _ := snap.Find(policyAssignments, "prod-guardrails-allowed-images").Input("parameters.allowedContainerImagesRegex.value")
	re, _ := regex.(string)
	if !strings.HasPrefix(re, `^(crprod`) || !strings.HasSuffix(re, `\.azurecr\.io/|mcr\.microsoft\.com/oss/).+$`) {
		t.Errorf("allowedContainerImagesRegex %q; want ^(<registry>\\.azurecr\\.io/|mcr\\.microsoft\\.com/oss/).+$", re)
	}
	name, _ := platformtest.Input(t, snap.Find(registryType, "prod-registry"), "registryName").(string)
	if want := `^(` + name + `\.azurecr\.io/|mcr\.microsoft\.com/oss/).+$`; re != want {
		t.Errorf("allowedContainerImagesRegex %q, want %q", re, want)
	}
}

// TestWorkloadPolicyAudits: without Enforce every assignment audits, and
// the controls say so, one per assignment in the order of the rules.
func TestWorkloadPolicyAudits(t *testing.T) {
	snap, out, err := renderWorkloadPolicy(t, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range snap.OfType(policyAssignments) {
		expect(t, a, map[string]any{"parameters.effect.value": "Audit", "enforcementMode": "Default"})
	}
	if len(out.Controls) != len(wantAssignments) {
		t.Fatalf("%d controls, want %d", len(out.Controls), len(wantAssignments))
	}
	last := 0
	for _, c := range out.Controls {
		i := 0
		for i < len(platform.WorkloadRules) && platform.WorkloadRules[i] != c.Rule {
			i++
		}
		if i < last || i == len(platform.WorkloadRules) {
			t.Errorf("control %+v out of the order of platform.WorkloadRules", c)
		}
		last = i
		if c.Effect != "audit" || !strings.HasPrefix(c.Control, "Azure Policy ") {
			t.Errorf("control %+v", c)
		}
	}
	want := platform.WorkloadControl{Rule: platform.RuleGateway, Effect: "audit",
		Control: "Azure Policy 3fc4dc25-5baf-40d8-9b05-7fe74c1bc64e (Kubernetes clusters should use internal load balancers)"}
	if c := out.Controls[len(out.Controls)-2]; c != want {
		t.Errorf("gateway control %+v, want %+v", c, want)
	}
	if c := out.Controls[len(out.Controls)-1]; c.Rule != platform.RulePodSecurity ||
		c.Control != "Azure Policy 42b8ef37-b724-4e24-bbc8-7a7708edfe00 (Kubernetes cluster pod security restricted standards for Linux-based workloads)" {
		t.Errorf("pod security control %+v", c)
	}
}

// TestWorkloadPolicyRefusesAttestors: AKS verifies no attestations, and
// says what to do instead; nothing of the policy is registered.
func TestWorkloadPolicyRefusesAttestors(t *testing.T) {
	snap, _, err := renderWorkloadPolicy(t, true, func(s *platform.WorkloadPolicySpec) {
		s.Attestors = []string{"projects/prod/attestors/built-by-ci"}
	})
	want := `workloadPolicy.attestors[0] "projects/prod/attestors/built-by-ci": ` + aksfacts.Facts.ImageAttestation.Why
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %s", err, want)
	}
	if n := len(snap.OfType(policyAssignments)); n != 0 {
		t.Errorf("%d policy assignments registered for a refused policy", n)
	}
}

// TestPlatformNamespacesAreTheComponents: the namespaces the assignments
// exclude are those the platform's components deploy into.
func TestPlatformNamespacesAreTheComponents(t *testing.T) {
	snap, _, err := renderWorkloadPolicy(t, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := snap.Find(policyAssignments, "prod-guardrails-no-privileged").Input("parameters.excludedNamespaces.value")
	list, _ := got.([]any)
	for _, ns := range []string{certmanager.Namespace, backup.Namespace, ingress.DefaultNamespace} {
		found := false
		for _, v := range list {
			found = found || v == ns
		}
		if !found {
			t.Errorf("excludedNamespaces %v lack %q, a platform component's namespace", list, ns)
		}
	}
}

package environment_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// TestGuardrailsPerClass: every profile has the workload rules, enforced
// (Deny) in staging and production and audited (Audit, Warn) in dev, on
// both clouds; production refuses to go without them.
func TestGuardrailsPerClass(t *testing.T) {
	const bindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
	for _, cloud := range []platform.Cloud{platform.CloudAzure, platform.CloudGCP} {
		for class, want := range map[environment.Class][]any{
			environment.Dev: {"Audit", "Warn"}, environment.Staging: {"Deny"}, environment.Prod: {"Deny"},
		} {
			env := define(class, cloud)
			snap, _ := mustRender(t, env)
			n := 0
			for _, b := range snap.OfType(bindingType) {
				if name, _ := b.Input("metadata.name"); !strings.HasPrefix(name.(string), "plinth-guardrails-") {
					continue
				}
				n++
				if got, _ := b.Input("spec.validationActions"); !reflect.DeepEqual(got, want) {
					t.Errorf("%s on %s: %s validationActions %v, want %v", class, cloud, b.Name, got, want)
				}
			}
			if n != len(guardrails.Policies(true)) {
				t.Errorf("%s on %s: %d guardrail bindings, want %d", class, cloud, n, len(guardrails.Policies(true)))
			}
		}
	}

	prod := define(environment.Prod, platform.CloudAzure)
	prod.Guardrails = nil
	if err := prod.Validate(); err == nil || !strings.Contains(err.Error(), `guardrails: required: a production environment enforces the workload rules; set guardrails (an empty mapping enforces them)`) {
		t.Errorf("production without guardrails: %v", err)
	}
	prod.Guardrails = &guardrails.Args{Mode: guardrails.ModeAudit}
	if err := prod.Validate(); err == nil || !strings.Contains(err.Error(), `guardrails.mode "audit": production enforces the workload rules`) {
		t.Errorf("production auditing only: %v", err)
	}
}

// TestGuardrailsYAML: the YAML field guardrails overlays the profile.
func TestGuardrailsYAML(t *testing.T) {
	env, err := environment.Load([]byte("name: dev-aks\nclass: dev\ncloud: azure\ncostCenter: cc-1\nguardrails:\n  allowedRegistries: [acmedev.azurecr.io/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := &guardrails.Args{Mode: guardrails.ModeAudit, AllowedRegistries: []string{"acmedev.azurecr.io/"}}
	if !reflect.DeepEqual(env.Guardrails, want) {
		t.Errorf("guardrails %+v, want %+v", env.Guardrails, want)
	}
}

// TestRegistryPerClass: every profile has a registry, private outside dev;
// the guardrails admit its prefix, and the cloud's image policy gets it.
func TestRegistryPerClass(t *testing.T) {
	for _, cloud := range clouds {
		for _, class := range environment.Classes {
			env := define(class, cloud)
			snap, b := mustRender(t, env)
			regs := b.Registries()
			if len(regs) != 1 {
				t.Fatalf("%s on %s: %d registries", class, cloud, len(regs))
			}
			if r := regs[0]; r.Private != (class != environment.Dev) || r.Locked != (class == environment.Prod) || r.UntaggedRetentionDays != 7 {
				t.Errorf("%s on %s: registry %+v", class, cloud, r)
			}
			cm := snap.Find("kubernetes:core/v1:ConfigMap", env.Name+"-guardrails-registries")
			if got, _ := cm.Input("data.registries"); got != "registry.fake/"+env.Name+"/" {
				t.Errorf("%s on %s: the guardrails admit %v, want the registry's prefix", class, cloud, got)
			}
			pols := b.WorkloadPolicies()
			if len(pols) != 1 || pols[0].Enforce != (class != environment.Dev) || len(pols[0].SystemImages) == 0 {
				t.Errorf("%s on %s: workload policies %+v", class, cloud, pols)
			}
		}
	}
	prod := define(environment.Prod, platform.CloudGCP)
	prod.Registry = nil
	if err := prod.Validate(); err == nil || !strings.Contains(err.Error(), "guardrails.allowedRegistries: required: production admits images only from the platform's registries") {
		t.Errorf("production without a registry: %v", err)
	}
	prod.Guardrails.AllowedRegistries = []string{"europe-docker.pkg.dev/acme-shared/images/"}
	if err := prod.Validate(); err != nil {
		t.Errorf("production with a shared registry instead: %v", err)
	}
}

// TestRestrictedPodSecurityWhereEnforced: with the guardrails enforced, a
// team namespace that leaves podSecurity unset enforces restricted, listed
// or made by default; in
// dev (audited) it enforces baseline and warns about restricted; a
// namespace's own setting is kept.
func TestRestrictedPodSecurityWhereEnforced(t *testing.T) {
	for class, want := range map[environment.Class]string{environment.Dev: "baseline", environment.Staging: "restricted", environment.Prod: "restricted"} {
		env := define(class, platform.CloudAzure)
		env.Teams[1].Namespaces[0].PodSecurity = "baseline"
		// A team without namespaces gets one named after it, at the
		// environment's default too.
		env.Teams = append(env.Teams, team(platform.CloudAzure, "search"))
		snap, _ := mustRender(t, env)
		for _, c := range []struct{ ns, want string }{{"payments", want}, {"search", want}, {"checkout", "baseline"}} {
			var ns *platformtest.Resource
			for _, r := range snap.OfType("kubernetes:core/v1:Namespace") {
				if name, _ := r.Input("metadata.name"); name == c.ns {
					ns = r
				}
			}
			if ns == nil {
				t.Fatalf("%s: no namespace %s", class, c.ns)
			}
			labels, _ := ns.Input("metadata.labels")
			if got := labels.(map[string]any)["pod-security.kubernetes.io/enforce"]; got != c.want {
				t.Errorf("%s: namespace %s enforces %v, want %s", class, c.ns, got, c.want)
			}
		}
	}
}

// TestCatalogPodSecurity: the access catalog's podSecurity is the
// default of every team namespace and wins over the guardrails'; a bad
// value is refused at its path.
func TestCatalogPodSecurity(t *testing.T) {
	env := define(environment.Prod, platform.CloudGCP)
	env.Access.PodSecurity = "baseline"
	snap, _ := mustRender(t, env)
	for _, r := range snap.OfType("kubernetes:core/v1:Namespace") {
		labels, _ := r.Input("metadata.labels")
		if l := labels.(map[string]any); l["team"] != nil && l["pod-security.kubernetes.io/enforce"] != "baseline" {
			t.Errorf("%s enforces %v, want the catalog's baseline", r.Name, l["pod-security.kubernetes.io/enforce"])
		}
	}
	env.Access.PodSecurity = "privileged"
	if err := env.Validate(); err == nil || !strings.Contains(err.Error(), `access.podSecurity "privileged": must be "baseline" or "restricted": the standard a team namespace enforces when it sets none`) {
		t.Errorf("a privileged default: %v", err)
	}
}

// TestRegistryYAML: the YAML field registry overlays the profile.
func TestRegistryYAML(t *testing.T) {
	env, err := environment.Load([]byte("name: dev-gke\nclass: dev\ncloud: gcp\ncostCenter: cc-1\nregistry:\n  pushers: [ci-images@acme-dev.iam.gserviceaccount.com]\n  untaggedRetentionDays: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if env.Registry == nil || !reflect.DeepEqual(env.Registry.Pushers, []string{"ci-images@acme-dev.iam.gserviceaccount.com"}) ||
		env.Registry.UntaggedRetentionDays == nil || *env.Registry.UntaggedRetentionDays != 0 || env.Registry.Private == nil || *env.Registry.Private {
		t.Errorf("registry %+v", env.Registry)
	}
}

package environment_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
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
			if n != len(guardrails.Policies(nil)) {
				t.Errorf("%s on %s: %d guardrail bindings, want %d", class, cloud, n, len(guardrails.Policies(nil)))
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

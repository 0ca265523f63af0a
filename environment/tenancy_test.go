package environment_test

import (
	"testing"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

// TestTeamsServeHostnamesBelowTheDNSZone: a team without hostnames gets
// "<team>.<zone>" and "*.<team>.<zone>" of cert-manager's DNS zone, a
// team's own hostnames stay its own, and access.domain set by hand wins.
func TestTeamsServeHostnamesBelowTheDNSZone(t *testing.T) {
	env := define(environment.Dev, platform.CloudAzure)
	env.Teams[1].Hostnames = []string{"shop.example.com"}
	snap, _ := mustRender(t, env)
	for _, c := range []struct{ pkg, ns, want string }{
		{"dev-env-payments", "payments", "payments.dev-env.example.com,*.payments.dev-env.example.com"},
		{"dev-env-checkout", "checkout", "shop.example.com"},
	} {
		cm := snap.Find("kubernetes:core/v1:ConfigMap", c.pkg+"-"+c.ns+"-tenancy")
		if cm == nil {
			t.Fatalf("no tenancy parameters for %s", c.pkg)
		}
		if got, _ := cm.Input("data.hostnames"); got != c.want {
			t.Errorf("%s: hostnames %v, want %s", c.pkg, got, c.want)
		}
	}
	if n := len(snap.OfType("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")); n != len(accesspackage.TenancyPolicies())+len(guardrails.Policies(true)) {
		t.Errorf("%d policy bindings, want one per tenancy policy and per guardrail", n)
	}

	env = define(environment.Dev, platform.CloudAzure)
	env.Access.Domain = "apps.example.com"
	snap, _ = mustRender(t, env)
	cm := snap.Find("kubernetes:core/v1:ConfigMap", "dev-env-payments-payments-tenancy")
	if got, _ := cm.Input("data.hostnames"); got != "payments.apps.example.com,*.payments.apps.example.com" {
		t.Errorf("access.domain set: hostnames %v", got)
	}
}

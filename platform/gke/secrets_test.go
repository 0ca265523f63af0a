package gke_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const iamMember = "gcp:projects/iAMMember:IAMMember"

var secretsExpectations = platformtest.SecretsExpectations{
	Writers:    map[string][]string{"payments": {"payments-admins@acme.example", "payments-leads@acme.example"}},
	ReaderRole: "roles/secretmanager.secretAccessor",
	WriterRole: "projects/" + project + "/roles/plinth.secrets.secretWriter",
	Prefixed:   true,
	Grants: func(t testing.TB, r *platformtest.Resource) []platformtest.SecretGrant {
		if r.Type != iamMember {
			return nil
		}
		str := func(p string) string { s, _ := platformtest.Input(t, r, p).(string); return s }
		principal := str("member")
		for _, p := range []string{"serviceAccount:", "group:"} {
			principal = strings.TrimPrefix(principal, p)
		}
		return []platformtest.SecretGrant{{Role: str("role"), Scope: str("project"), Condition: str("condition.expression"), Principal: principal}}
	},
	TagsProperty: gke.TagsProperty,
}

func TestSecretsConformance(t *testing.T) {
	platformtest.SecretsConformance(t, func(ctx *pulumi.Context) (platformtest.SecretsTestBackend, error) {
		return newBackend(ctx)
	}, secretsExpectations)
}

// renderSecrets renders the prod cluster and, under a component "secrets",
// the suite's private, locked store.
func renderSecrets(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	r := renderStack(t, nil, func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs, r *rendered) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Secrets", "secrets", parent); err != nil {
			return err
		}
		s := platformtest.SecretStoreSpec(secretsExpectations, true, true)
		s.Cluster, s.Network = out, spec.Network
		_, err := b.NewSecretStore(ctx, s, pulumi.Parent(parent))
		return err
	})
	return r.snap
}

// TestSecretStoreGrants: each team's identity is bound to exactly its
// Kubernetes service account and reads, through the project NUMBER's
// secret names, only the secrets named "<team>-"; writers get the custom
// writer role under the same condition; nothing is protected (nothing here
// holds the secrets).
func TestSecretStoreGrants(t *testing.T) {
	snap := renderSecrets(t)
	account := find(t, snap, "gcp:serviceaccount/account:Account", "secrets-payments-identity")
	expect(t, account, "accountId", "payments-secrets")
	expect(t, account, "project", project)
	binding := find(t, snap, "gcp:serviceaccount/iAMMember:IAMMember", "secrets-payments-workload-identity-user")
	expect(t, binding, "role", "roles/iam.workloadIdentityUser")
	expect(t, binding, "member", "serviceAccount:"+workloadPool+"[payments/secrets-reader]")
	expect(t, binding, "serviceAccountId", "projects/"+project+"/serviceAccounts/payments-secrets@"+project+".iam.gserviceaccount.com")

	number := regexp.MustCompile(`^resource\.name\.startsWith\("projects/[1-9][0-9]{11}/secrets/payments-"\)$`)
	reader := find(t, snap, iamMember, "secrets-payments-secret-accessor")
	expect(t, reader, "role", "roles/secretmanager.secretAccessor")
	expect(t, reader, "member", "serviceAccount:payments-secrets@"+project+".iam.gserviceaccount.com")
	expect(t, reader, "project", project)
	if got, _ := platformtest.Input(t, reader, "condition.expression").(string); !number.MatchString(got) {
		t.Errorf("reader condition %q; want the payments- prefix under the project number", got)
	}
	writer := find(t, snap, iamMember, "secrets-payments-secret-writer-2")
	expect(t, writer, "member", "group:payments-leads@acme.example")
	expect(t, writer, "role", "projects/"+project+"/roles/plinth.secrets.secretWriter")
	if got, _ := platformtest.Input(t, writer, "condition.expression").(string); !number.MatchString(got) {
		t.Errorf("writer condition %q", got)
	}
	role := find(t, snap, "gcp:projects/iAMCustomRole:IAMCustomRole", "secrets-secret-writer-role")
	for _, p := range platformtest.Input(t, role, "permissions").([]any) {
		if strings.Contains(p.(string), "IamPolicy") {
			t.Errorf("writer role grants %s", p)
		}
	}
	if snap.Find(iamMember, "secrets-search-secret-writer-1") != nil {
		t.Error("team search has no writers, yet a writer binding")
	}
	for _, r := range snap.Resources {
		if strings.HasPrefix(r.Name, "secrets-") && r.Protect {
			t.Errorf("%s %s protected; the GCP store holds nothing of the stack's", r.Type, r.Name)
		}
	}
}

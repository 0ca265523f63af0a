package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func secretSpec() platform.SecretStoreSpec {
	return platform.SecretStoreSpec{
		Name:    "secrets",
		Cluster: &platform.ClusterOutputs{},
		Teams: []platform.SecretTeamSpec{
			{Team: "payments", Namespace: "payments", ServiceAccount: "secrets-reader", Writers: []pulumi.StringInput{pulumi.String("payments-admins@acme.example")}},
			{Team: "search", Namespace: "search", ServiceAccount: "secrets-reader"},
		},
		Private:        true,
		SoftDeleteDays: 90,
		Locked:         true,
	}
}

func TestPlanSecretStore(t *testing.T) {
	p := planSecretStore("acme-prod", "123456789012", secretSpec())
	want := secretTeamPlan{
		Team: "payments", Index: 0, Prefix: "payments-",
		Account: serviceAccountPlan{Name: "secrets-payments-identity", AccountID: "payments-secrets", DisplayName: "Secrets reader of team payments"},
		Binding: "secrets-payments-workload-identity-user",
		Reader:  "secrets-payments-secret-accessor", ReaderRole: "roles/secretmanager.secretAccessor",
		Writers: []string{"secrets-payments-secret-writer-1"},
		Condition: iamCondition{
			Title:       "Secrets of team payments",
			Description: `Only Secret Manager secrets whose ID starts with "payments-" (Plinth secret store).`,
			// The project NUMBER: Secret Manager's resource names in IAM
			// conditions never carry the project ID.
			Expression: `resource.name.startsWith("projects/123456789012/secrets/payments-")`,
		},
	}
	if len(p.Teams) != 2 || !reflect.DeepEqual(p.Teams[0], want) {
		t.Errorf("team payments\n%+v\nwant\n%+v", p.Teams[0], want)
	}
	if s := p.Teams[1]; s.Condition.Expression != `resource.name.startsWith("projects/123456789012/secrets/search-")` || len(s.Writers) != 0 || s.Account.AccountID != "search-secrets" {
		t.Errorf("team search %+v", s)
	}
	if p.WriterRole == nil || p.WriterRole.RoleID != "plinth.secrets.secretWriter" || p.WriterRole.Name != "secrets-secret-writer-role" {
		t.Fatalf("writer role %+v", p.WriterRole)
	}
	for _, perm := range p.WriterRole.Permissions {
		if strings.Contains(perm, "IamPolicy") || strings.HasSuffix(perm, ".list") && perm != "secretmanager.versions.list" {
			t.Errorf("writer role has %s: writers must not change access, and project-level lists never match the condition", perm)
		}
	}
	for _, perm := range []string{"secretmanager.secrets.create", "secretmanager.versions.add", "secretmanager.secrets.delete"} {
		if !contains(p.WriterRole.Permissions, perm) {
			t.Errorf("writer role lacks %s", perm)
		}
	}
	noWriters := secretSpec()
	noWriters.Teams[0].Writers = nil
	if p := planSecretStore("acme-prod", "1", noWriters); p.WriterRole != nil {
		t.Errorf("a store without writers defines the writer role %+v", p.WriterRole)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestValidateSecretStore(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.SecretStoreSpec)
		want   []string
	}{
		{"a team's name starts with another's prefix", func(s *platform.SecretStoreSpec) { s.Teams[1].Team = "payments-eu" },
			[]string{`secretStore.teams[1].team "payments-eu": starts with "payments-", the prefix of the secrets of secretStore.teams[0].team "payments"`}},
		{"too long for a service account", func(s *platform.SecretStoreSpec) { s.Teams[1].Team = "a-team-of-twenty-threes" },
			[]string{`secretStore.teams[1].team "a-team-of-twenty-threes": gives the service account ID "a-team-of-twenty-threes-secrets"`}},
		{"duplicates and days", func(s *platform.SecretStoreSpec) { s.Teams[1].Team = "payments"; s.SoftDeleteDays = 100 },
			[]string{`secretStore.teams[1].team "payments": repeats secretStore.teams[0].team`, "secretStore.softDeleteDays 100"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := secretSpec()
			tc.mutate(&spec)
			err := validateSecretStore(spec, field.NewPath("secretStore"))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant\n%s", err, w)
				}
			}
		})
	}
	if err := validateSecretStore(secretSpec(), field.NewPath("secretStore")); err != nil {
		t.Errorf("the plan's spec is refused: %v", err)
	}
}

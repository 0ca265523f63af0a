package fake_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestSecretsConformance(t *testing.T) {
	platformtest.SecretsConformance(t, func(ctx *pulumi.Context) (platformtest.SecretsTestBackend, error) {
		return fake.New(ctx, "fake")
	}, platformtest.SecretsExpectations{
		Writers:    map[string][]string{"payments": {"payments-admins", "payments-leads"}},
		ReaderRole: fake.SecretsReaderRole,
		WriterRole: fake.SecretsWriterRole,
		StoreType:  fake.SecretStoreType,
		Grants: func(t testing.TB, r *platformtest.Resource) []platformtest.SecretGrant {
			if r.Type != fake.GrantType || !strings.HasPrefix(r.Name, "secrets-") {
				return nil
			}
			str := func(p string) string { s, _ := platformtest.Input(t, r, p).(string); return s }
			return []platformtest.SecretGrant{{Role: str("role"), Scope: str("scope"), Principal: str("principal")}}
		},
	})
}

package cluster_test

import (
	"errors"
	"testing"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func TestSecretsEncryptionDefaultsOn(t *testing.T) {
	for _, target := range []platform.Target{onFake, onFakeProd} {
		_, b, _, err := render(t, "prod", target, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := b.Clusters()[0].SecretsEncryption
		if e == nil || e.KeyRotationDays != cluster.DefaultKeyRotationDays {
			t.Errorf("production %v: SecretsEncryption = %+v, want a key rotated every %d days", target.Production, e, cluster.DefaultKeyRotationDays)
		}
	}
}

func TestSecretsEncryptionSettings(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target platform.Target
		set    cluster.SecretsEncryption
		want   string // an error; "" for none
		days   int    // the spec's KeyRotationDays; 0 for no encryption
	}{
		{name: "monthly", target: onFakeProd, set: cluster.SecretsEncryption{KeyRotationDays: 30}, days: 30},
		{name: "off outside production", target: onFake, set: cluster.SecretsEncryption{Disabled: true}},
		{
			name: "off in production", target: onFakeProd, set: cluster.SecretsEncryption{Disabled: true},
			want: `cluster.secretsEncryption.disabled true: a production cluster encrypts its Secrets in etcd with a key of its own in fake's key management service; remove disabled`,
		},
		{
			name: "rotation too often", target: onFake, set: cluster.SecretsEncryption{KeyRotationDays: 3},
			want: `cluster.secretsEncryption.keyRotationDays 3: must be 7..730 days, e.g. 90 (Key Vault rotates a key at most weekly)`,
		},
		{
			name: "rotation never", target: onFakeProd, set: cluster.SecretsEncryption{KeyRotationDays: 3650},
			want: `cluster.secretsEncryption.keyRotationDays 3650: must be 7..730 days, e.g. 90 (Key Vault rotates a key at most weekly)`,
		},
		{
			name: "rotation of nothing", target: onFake, set: cluster.SecretsEncryption{Disabled: true, KeyRotationDays: 30},
			want: `cluster.secretsEncryption.keyRotationDays 30: set while secretsEncryption.disabled is true; remove one of them`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, b, _, err := render(t, "prod", tc.target, func(a *cluster.Args) { a.SecretsEncryption = tc.set })
			if tc.want != "" {
				var list *field.ErrorList
				if !errors.As(err, &list) || list.Error() != tc.want {
					t.Fatalf("error = %v, want exactly %s", err, tc.want)
				}
				if n := len(b.Clusters()); n != 0 {
					t.Errorf("%d clusters registered after a refused spec (C8)", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e := b.Clusters()[0].SecretsEncryption
			switch {
			case tc.days == 0 && e != nil:
				t.Errorf("SecretsEncryption = %+v, want none", e)
			case tc.days != 0 && (e == nil || e.KeyRotationDays != tc.days):
				t.Errorf("SecretsEncryption = %+v, want %d days", e, tc.days)
			}
		})
	}
}

package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

func TestPlanKMS(t *testing.T) {
	base := kmsPlan{
		Vault: "prod-kms-vault", Key: "prod-kms-key", Grant: "prod-control-plane-kms-crypto-user",
		SKU: "standard", RBACAuthorization: true, PurgeProtection: true, SoftDelete: true, SoftDeleteDays: 90,
		PublicNetworkAccess: "Enabled", NetworkDefaultAction: "Allow", NetworkBypass: "None",
		KeyName: "kubernetes-secrets", KeyType: "RSA", KeySize: 2048, KeyOps: []string{"encrypt", "decrypt"},
		RotateAfter: "P90D", NetworkAccess: "Public",
	}
	for _, tc := range []struct {
		name   string
		enc    *platform.SecretsEncryptionSpec
		retain bool
		want   *kmsPlan
	}{
		{name: "off", enc: nil, want: nil},
		{name: "quarterly, not retained", enc: &platform.SecretsEncryptionSpec{KeyRotationDays: 90}, want: &base},
		{name: "monthly, production", enc: &platform.SecretsEncryptionSpec{KeyRotationDays: 30}, retain: true, want: func() *kmsPlan {
			p := base
			p.RotateAfter, p.Protect = "P30D", true
			return &p
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := planKMS(platform.ClusterSpec{Name: "prod", SecretsEncryption: tc.enc, Retain: tc.retain})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("planKMS:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestPlanClusterCarriesKMS(t *testing.T) {
	spec := clusterSpec()
	if p := planCluster(clusterConfig(), spec); p.KMS != nil {
		t.Errorf("KMS planned without SecretsEncryption: %+v", p.KMS)
	}
	spec.SecretsEncryption = &platform.SecretsEncryptionSpec{KeyRotationDays: 60}
	if p := planCluster(clusterConfig(), spec); p.KMS == nil || p.KMS.RotateAfter != "P60D" {
		t.Errorf("KMS = %+v, want one rotating after P60D", p.KMS)
	}
}

func TestCheckKMSRefusesAnUnresolvedRotation(t *testing.T) {
	spec := clusterSpec()
	spec.SecretsEncryption = &platform.SecretsEncryptionSpec{}
	err := checkCluster(clusterConfig(), spec)
	want := `cluster.secretsEncryption.keyRotationDays 0: Key Vault rotates a key after 7 to 730 days here; resolve the spec with components/cluster`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("checkCluster = %v, want %s", err, want)
	}
}

func TestKMSVaultName(t *testing.T) {
	const sub = "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"
	a, err := kmsVaultName(sub, "prod-rg", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "kmsprod") || len(a) != len("kmsprod")+8 || !keyVaultNamePattern.MatchString(a) {
		t.Errorf("vault name %q, want kmsprod and 8 hex characters", a)
	}
	// Global names: another group or subscription gives another name; the
	// same inputs always the same.
	if b, _ := kmsVaultName(sub, "other-rg", "prod"); b == a {
		t.Errorf("vault name %q does not depend on the resource group", b)
	}
	if again, _ := kmsVaultName(sub, "prod-rg", "prod"); again != a {
		t.Errorf("vault name %q then %q for the same inputs", a, again)
	}
	long, err := kmsVaultName(sub, "prod-rg", "a-twenty-four-char-name1")
	if err != nil || len(long) > 24 {
		t.Errorf("vault name %q (%v) for a 24-character logical name; want at most 24 characters", long, err)
	}
}

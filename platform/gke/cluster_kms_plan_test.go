package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

func TestPlanKMS(t *testing.T) {
	base := kmsPlan{
		KeyRing: "prod-kms-keyring", Key: "prod-kms-key", Grant: "prod-kms-key-gke-agent",
		Location: "europe-west1", Purpose: "ENCRYPT_DECRYPT", RotationPeriod: "7776000s",
		Algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", ProtectionLevel: "SOFTWARE",
		Role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
	}
	for _, tc := range []struct {
		name   string
		enc    *platform.SecretsEncryptionSpec
		retain bool
		want   *kmsPlan
	}{
		{name: "off", want: nil},
		{name: "quarterly", enc: &platform.SecretsEncryptionSpec{KeyRotationDays: 90}, want: &base},
		{name: "weekly, production", enc: &platform.SecretsEncryptionSpec{KeyRotationDays: 7}, retain: true, want: func() *kmsPlan {
			p := base
			p.RotationPeriod, p.Protect = "604800s", true
			return &p
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := planKMS(testConfig, platform.ClusterSpec{Name: "prod", SecretsEncryption: tc.enc, Retain: tc.retain})
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("planKMS:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestServiceAgent(t *testing.T) {
	if got, want := serviceAgent("123456789012"), "serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com"; got != want {
		t.Errorf("serviceAgent = %q, want %q", got, want)
	}
}

func TestValidateRefusesAnUnresolvedRotation(t *testing.T) {
	spec := clusterSpec()
	spec.SecretsEncryption = &platform.SecretsEncryptionSpec{}
	err := validateClusterSpec(testConfig, spec, "cluster")
	want := "cluster.secretsEncryption.keyRotationDays 0: Cloud KMS rotates a key after 1 to 730 days here; resolve the spec with components/cluster"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("validateClusterSpec = %v, want %s", err, want)
	}
}

package gke_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

const (
	keyRingID = "projects/" + project + "/locations/europe-west1/keyRings/prod-kms-keyring"
	cryptoKey = keyRingID + "/cryptoKeys/prod-kms-key"
)

var agentPattern = regexp.MustCompile(`^serviceAccount:service-[1-9][0-9]{11}@container-engine-robot\.iam\.gserviceaccount\.com$`)

// TestSecretsEncryption checks the key ring, the key, the service agent's
// only right (on that key) and the cluster's databaseEncryption, which
// waits for the right.
func TestSecretsEncryption(t *testing.T) {
	r := renderCluster(t, func(s *platform.ClusterSpec) {
		s.SecretsEncryption = &platform.SecretsEncryptionSpec{KeyRotationDays: 30}
		s.Retain = true
	}, false)
	if r.clusterErr != nil {
		t.Fatal(r.clusterErr)
	}
	ring := find(t, r.snap, "gcp:kms/keyRing:KeyRing", "prod-kms-keyring")
	expect(t, ring, "name", "prod-kms-keyring")
	expect(t, ring, "location", "europe-west1")
	expect(t, ring, "project", project)
	key := find(t, r.snap, "gcp:kms/cryptoKey:CryptoKey", "prod-kms-key")
	expect(t, key, "keyRing", keyRingID)
	expect(t, key, "purpose", "ENCRYPT_DECRYPT")
	expect(t, key, "rotationPeriod", "2592000s")
	expect(t, key, "versionTemplate.algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION")
	expect(t, key, "labels.environment", "prod")

	grants := r.snap.OfType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
	if len(grants) != 1 {
		t.Fatalf("%d CryptoKeyIAMMembers, want exactly the service agent's", len(grants))
	}
	g := grants[0]
	expect(t, g, "cryptoKeyId", cryptoKey)
	expect(t, g, "role", "roles/cloudkms.cryptoKeyEncrypterDecrypter")
	member, _ := g.Inputs["member"].(string)
	if !agentPattern.MatchString(member) {
		t.Errorf("member %q, want the project's GKE service agent, serviceAccount:service-<number>@container-engine-robot.iam.gserviceaccount.com", member)
	}
	// Nothing else grants on KMS: no key ring or project binding.
	for _, typ := range []string{"gcp:kms/keyRingIAMMember:KeyRingIAMMember", "gcp:projects/iAMMember:IAMMember"} {
		for _, m := range r.snap.OfType(typ) {
			if role, _ := m.Inputs["role"].(string); role == "roles/cloudkms.cryptoKeyEncrypterDecrypter" {
				t.Errorf("%s %s grants %s beyond the key", typ, m.Name, role)
			}
		}
	}

	cluster := find(t, r.snap, clusterType, "prod-cluster")
	expect(t, cluster, "databaseEncryption.state", "ENCRYPTED")
	expect(t, cluster, "databaseEncryption.keyName", cryptoKey)
	if !slices.Contains(cluster.DependsOn, g.URN) {
		t.Errorf("the cluster does not wait for %s; dependsOn %v", g.Name, cluster.DependsOn)
	}
	for _, res := range []string{ring.Name, key.Name} {
		rr := r.snap.Find(map[string]string{ring.Name: ring.Type, key.Name: key.Type}[res], res)
		if !rr.Protect || !rr.RetainOnDelete {
			t.Errorf("%s: protect %v, retainOnDelete %v; a production cluster's key is kept", res, rr.Protect, rr.RetainOnDelete)
		}
	}
}

func TestNoSecretsEncryptionWithoutSpec(t *testing.T) {
	r := prodCluster(t)
	for _, typ := range []string{"gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"} {
		if n := len(r.snap.OfType(typ)); n != 0 {
			t.Errorf("%d %s without SecretsEncryption", n, typ)
		}
	}
	if v, ok := find(t, r.snap, clusterType, "prod-cluster").Input("databaseEncryption"); ok {
		t.Errorf("databaseEncryption = %v without SecretsEncryption", v)
	}
}

func TestSecretsEncryptionNotRetainedOutsideProduction(t *testing.T) {
	r := renderCluster(t, func(s *platform.ClusterSpec) {
		s.SecretsEncryption = &platform.SecretsEncryptionSpec{KeyRotationDays: 90}
		s.Retain = false
	}, false)
	for _, typ := range []string{"gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey"} {
		for _, res := range r.snap.OfType(typ) {
			if res.Protect || res.RetainOnDelete {
				t.Errorf("%s: protect %v, retainOnDelete %v outside production", res.Name, res.Protect, res.RetainOnDelete)
			}
		}
	}
}

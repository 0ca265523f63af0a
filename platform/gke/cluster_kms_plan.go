package gke

import (
	"fmt"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Application-layer secrets encryption settings that are not spec fields
// (docs/components/cluster.md#secrets-encryption).
const (
	// kmsPurpose is the only purpose GKE takes for its key: symmetric
	// encryption.
	kmsPurpose = "ENCRYPT_DECRYPT"
	// kmsAlgorithm and kmsProtectionLevel are the key versions' algorithm
	// and where they live: Cloud KMS software keys (HSM costs more and a
	// wrapping key gains nothing from it).
	kmsAlgorithm       = "GOOGLE_SYMMETRIC_ENCRYPTION"
	kmsProtectionLevel = "SOFTWARE"
	// kmsEncrypterDecrypter is the role GKE's service agent needs on the
	// key, and nothing more: encrypt and decrypt with it, never manage it.
	kmsEncrypterDecrypter = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
	// gkeServiceAgent is the member the GKE control plane acts as on a
	// project, by the project's number.
	gkeServiceAgent = "serviceAccount:service-%s@container-engine-robot.iam.gserviceaccount.com"
	// databaseEncrypted is databaseEncryption.state with a key.
	databaseEncrypted = "ENCRYPTED"
)

// kmsPlan is the cloud-side shape of a ClusterSpec's SecretsEncryption on
// GKE, computed without Pulumi.
type kmsPlan struct {
	// KeyRing and Key are the Pulumi and Cloud KMS names of the key ring
	// and the key; Grant the Pulumi name of the service agent's role on
	// the key.
	KeyRing, Key, Grant string
	// Location is the key ring's location: the cluster's region, where
	// GKE requires the key to be (a zonal cluster's region too).
	Location string
	// Purpose, RotationPeriod ("<seconds>s"), Algorithm and
	// ProtectionLevel describe the key.
	Purpose, RotationPeriod, Algorithm, ProtectionLevel string
	// Role is what the service agent gets on the key.
	Role string
	// Protect is pulumi.Protect and pulumi.RetainOnDelete on the key ring
	// and the key.
	Protect bool
}

// planKMS plans the key ring and key of spec's Secrets encryption; nil when
// spec.SecretsEncryption is nil.
func planKMS(cfg Config, spec platform.ClusterSpec) *kmsPlan {
	e := spec.SecretsEncryption
	if e == nil {
		return nil
	}
	n := spec.Name
	return &kmsPlan{
		KeyRing:         platform.ChildName(n, "kms-keyring"),
		Key:             platform.ChildName(n, "kms-key"),
		Grant:           platform.ChildName(n, "kms-key-gke-agent"),
		Location:        cfg.Region,
		Purpose:         kmsPurpose,
		RotationPeriod:  fmt.Sprintf("%ds", e.KeyRotationDays*secondsPerDay),
		Algorithm:       kmsAlgorithm,
		ProtectionLevel: kmsProtectionLevel,
		Role:            kmsEncrypterDecrypter,
		Protect:         spec.Retain,
	}
}

// serviceAgent is the GKE service agent of the project with the given
// number, as an IAM member.
func serviceAgent(projectNumber string) string { return fmt.Sprintf(gkeServiceAgent, projectNumber) }

// checkKMS reports what Cloud KMS needs beyond the validated spec.
func checkKMS(path field.Path, spec platform.ClusterSpec) []*field.Error {
	if e := spec.SecretsEncryption; e != nil && (e.KeyRotationDays < 1 || e.KeyRotationDays > 730) {
		return []*field.Error{field.Invalid(path.Child("secretsEncryption").Child("keyRotationDays"), e.KeyRotationDays,
			"Cloud KMS rotates a key after 1 to 730 days here; resolve the spec with components/cluster")}
	}
	return nil
}

package check

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

func init() { fixtures = append(fixtures, encryptionFixtures...) }

// encryptionFixtures take the cloud key off production's Secrets.
var encryptionFixtures = []fixture{
	{
		name: "PLN014 AKS without KMS etcd encryption", stack: "prod-aks",
		want: []string{
			"PLN014 error prod-aks-aks | ManagedCluster prod-aks-aks: securityProfile.azureKeyVaultKms.enabled: Secrets are stored in etcd without a key of the cluster's; turn on KMS etcd encryption with a Key Vault key (the Cluster component does unless secretsEncryption.disabled)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-aks"), "securityProfile.azureKeyVaultKms", nil)
		},
	},
	{
		name: "PLN014 AKS KMS without a key", stack: "prod-aks",
		want: []string{
			"PLN014 error prod-aks-aks | ManagedCluster prod-aks-aks: securityProfile.azureKeyVaultKms.keyId: KMS etcd encryption is on without a key; name the Key Vault key's version",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-aks-aks"), "securityProfile.azureKeyVaultKms", map[string]any{"enabled": true, "keyVaultNetworkAccess": "Public"})
		},
	},
	{
		name: "PLN014 GKE secrets decrypted", stack: "prod-gke",
		want: []string{
			"PLN014 error prod-gke-cluster | Cluster prod-gke-cluster: databaseEncryption.state \"DECRYPTED\": Secrets are stored in etcd without a key of the cluster's; set it to \"ENCRYPTED\" with a Cloud KMS key (the Cluster component does unless secretsEncryption.disabled)",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-cluster"), "databaseEncryption", map[string]any{"state": "DECRYPTED"})
		},
	},
	{
		name: "PLN014 GKE encrypted without a key", stack: "prod-gke",
		want: []string{
			"PLN014 error prod-gke-cluster | Cluster prod-gke-cluster: databaseEncryption.keyName: application-layer secrets encryption is on without a key; name the Cloud KMS key",
		},
		mutate: func(t *testing.T, s *snapshot.Snapshot) {
			set(t, find(t, s, "prod-gke-cluster"), "databaseEncryption", map[string]any{"state": "ENCRYPTED"})
		},
	},
}

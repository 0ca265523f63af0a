package check

// The encryption rules read the cluster resource: an AKS ManagedCluster's
// securityProfile, a GKE Cluster's databaseEncryption.

func secretsEncryptionRule() Rule {
	return Rule{
		ID:       "PLN014",
		Title:    "Production Secrets encrypted in etcd with a cloud key",
		Severity: SeverityError,
		Rationale: "Issue 19; the AKS baseline and the GKE hardening guide: Kubernetes Secrets are encrypted at rest " +
			"with a key of the cloud's key management service (AKS KMS etcd encryption with a Key Vault key, " +
			"GKE application-layer secrets encryption with a Cloud KMS key), so that a copy of etcd or its disks " +
			"is unreadable without the key, and the key can be rotated and revoked. The Cluster component " +
			"refuses secretsEncryption.disabled in production for the same reason.",
		Classes: []string{ClassProd},
		Check:   checkSecretsEncryption,
	}
}

func checkSecretsEncryption(t Target) []Finding {
	var out []Finding
	for _, c := range aksCluster.in(t.Snapshot) {
		kms := get(c.Inputs, "securityProfile", "azureKeyVaultKms")
		switch {
		case !isTrue(kms, "enabled"):
			out = append(out, invalid(c, "securityProfile.azureKeyVaultKms.enabled", get(kms, "enabled"),
				"Secrets are stored in etcd without a key of the cluster's; turn on KMS etcd encryption with a Key Vault key "+
					"(the Cluster component does unless secretsEncryption.disabled)"))
		case str(kms, "keyId") == "":
			out = append(out, invalid(c, "securityProfile.azureKeyVaultKms.keyId", nil,
				"KMS etcd encryption is on without a key; name the Key Vault key's version"))
		}
	}
	for _, c := range gkeCluster.in(t.Snapshot) {
		enc := get(c.Inputs, "databaseEncryption")
		switch state := str(enc, "state"); {
		case state != "ENCRYPTED":
			out = append(out, invalid(c, "databaseEncryption.state", nonEmpty(state),
				"Secrets are stored in etcd without a key of the cluster's; set it to \"ENCRYPTED\" with a Cloud KMS key "+
					"(the Cluster component does unless secretsEncryption.disabled)"))
		case str(enc, "keyName") == "":
			out = append(out, invalid(c, "databaseEncryption.keyName", nil,
				"application-layer secrets encryption is on without a key; name the Cloud KMS key"))
		}
	}
	return out
}

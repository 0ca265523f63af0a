package environment_test

import (
	"testing"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

// TestProfilesEncryptSecrets: production and staging keep the component's
// default (a cluster key); dev opts out, because the key's container
// outlives a destroyed dev stack.
func TestProfilesEncryptSecrets(t *testing.T) {
	for _, cloud := range []platform.Cloud{platform.CloudAzure, platform.CloudGCP} {
		for class, off := range map[environment.Class]bool{environment.Prod: false, environment.Staging: false, environment.Dev: true} {
			e := environment.Profile(class, cloud).Cluster.SecretsEncryption
			if e.Disabled != off || e.KeyRotationDays != 0 {
				t.Errorf("%s on %s: secretsEncryption %+v, want disabled %v and the default rotation", class, cloud, e, off)
			}
		}
	}
}

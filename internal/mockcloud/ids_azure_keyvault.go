package mockcloud

import (
	"fmt"
	"strings"
)

// keyVaultKey shapes a key of a vault,
// .../providers/Microsoft.KeyVault/vaults/<vault>/keys/<key>, with the
// URIs Key Vault reports: keyUri https://<vault>.vault.azure.net/keys/<key>
// and keyUriWithVersion, the same followed by the current version's 32 hex
// characters, which derive from the vault and key names.
func keyVaultKey(c *call) (string, error) {
	id, err := armChild("Microsoft.KeyVault/vaults", "vaultName", "keys", "keyName")(c)
	if err != nil {
		return "", err
	}
	vault, key := c.str("vaultName"), c.str("keyName")
	uri := fmt.Sprintf("https://%s.vault.azure.net/keys/%s", vault, key)
	version := strings.ReplaceAll(uuidFrom("key-version", vault, key), "-", "")
	c.set("keyUri", uri)
	c.set("keyUriWithVersion", uri+"/"+version)
	return id, nil
}

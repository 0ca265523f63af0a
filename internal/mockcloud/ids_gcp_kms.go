package mockcloud

// kmsKeyRing shapes projects/<project>/locations/<location>/keyRings/<name>,
// a Cloud KMS key ring's ID.
func kmsKeyRing(c *call) (string, error) {
	project, err := gcpProject(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("location", "name")
	if err != nil {
		return "", err
	}
	c.set("project", project)
	return "projects/" + project + "/locations/" + in[0] + "/keyRings/" + in[1], nil
}

// kmsCryptoKey shapes <key ring>/cryptoKeys/<name>, a Cloud KMS key's ID,
// which GKE's databaseEncryption.keyName and IAM bindings on the key name.
func kmsCryptoKey(c *call) (string, error) {
	in, err := c.needs("keyRing", "name")
	if err != nil {
		return "", err
	}
	return in[0] + "/cryptoKeys/" + in[1], nil
}

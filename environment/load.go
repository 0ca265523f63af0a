package environment

import (
	"fmt"
	"os"

	"github.com/plinth-dev/plinth/internal/strictyaml"
)

// Load reads an environment from YAML. The keys are the
// Environment's field names in lowerCamelCase ("costCenter",
// "cluster.systemPool.zones"); class and cloud pick the profile
// (Profile), and every key present overrides the profile's field: a
// mapping merges into the field, a list or map replaces it, null resets it
// to the component default. An unknown key or a value of the wrong type is
// an error naming every problem, each with its path and line.
//
// Load does not Validate: the DNS zone cert-manager uses comes from the
// stack's configuration (CertManager.DNSZone), and New validates the
// environment it is given before registering anything.
//
//	name: staging-aks
//	class: staging
//	cloud: azure
//	costCenter: cc-4711
//	network:
//	  addressSpace: 10.15.0.0/16
//	teams:
//	  - team: payments
func Load(data []byte) (Environment, error) {
	// The first pass reads the class and cloud (and finds the file's own
	// problems); the second overlays the file on their profile.
	var head Environment
	if err := strictyaml.Unmarshal(data, "", &head); err != nil {
		return Environment{}, err
	}
	env := Profile(head.Class, head.Cloud)
	if err := strictyaml.Unmarshal(data, "", &env); err != nil {
		return Environment{}, err
	}
	return env, nil
}

// LoadFile is Load of the file at path; its errors start with the path.
func LoadFile(path string) (Environment, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Environment{}, err
	}
	env, err := Load(data)
	if err != nil {
		return env, fmt.Errorf("%s:\n%w", path, err)
	}
	return env, nil
}

// Marshal writes env as YAML that Load reads back: every field that is set
// (non-zero), in the Environment's field order, the profile's included, so
// the file says everything. A field set back to its zero value where the
// class's profile sets it is not written, and Load would give it the
// profile's value again: write such a field as null by hand.
func Marshal(env Environment) ([]byte, error) {
	return strictyaml.Marshal(env)
}

package platform

// ConfigNamespace is the Pulumi configuration namespace of everything
// Plinth reads from a stack's configuration: the coordinates a backend
// deploys at (plinth:azureSubscriptionId, plinth:gcpProject, ...), the DNS
// zone (plinth:dnsZoneName, plinth:dnsZoneId), and the stack's pins
// (plinth:version, plinth:class).
const ConfigNamespace = "plinth"

// StackConfig is the part of a stack's Pulumi configuration, in
// ConfigNamespace, that a backend reads its coordinates from. Keys are
// written without the namespace ("azureSubscriptionId").
type StackConfig interface {
	// Require returns the value of key, and records the key as missing
	// when it is unset, so that every missing key is reported at once with
	// the command that sets it.
	Require(key string) string
	// Get returns the value of key, or "" when it is unset.
	Get(key string) string
}

package platform

import (
	"errors"
	"fmt"

	"github.com/plinth-dev/plinth/platform/field"
)

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

// ConfigErrors rewrites the field errors err holds for values that came
// from stack's configuration so that each names the configuration key its
// value came from, with the command that sets it: keys maps a field path
// ("aks.subscriptionID") to its key without the namespace
// ("azureSubscriptionId"). The errors at other paths are kept as they
// are, and an error that holds no field errors is returned unchanged.
func ConfigErrors(err error, stack string, keys map[field.Path]string) error {
	var list *field.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	var out field.List
	for _, e := range list.Errors {
		key, ok := keys[e.Path]
		if !ok {
			out.Add(e)
			continue
		}
		out.Add(&field.Error{
			Path:   field.Path(ConfigNamespace + ":" + key),
			Value:  e.Value,
			Detail: fmt.Sprintf("%s; set it with: pulumi config set %s:%s <value> -s %s", e.Detail, ConfigNamespace, key, stack),
		})
	}
	return out.Err()
}

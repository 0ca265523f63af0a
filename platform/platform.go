package platform

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
)

// Cloud names the cloud a backend deploys to.
type Cloud string

// The clouds Plinth has a backend for.
const (
	// CloudAzure is Microsoft Azure, served by platform/aks.
	CloudAzure Cloud = "azure"
	// CloudGCP is Google Cloud, served by platform/gke.
	CloudGCP Cloud = "gcp"
	// CloudFake is the in-memory test backend in platform/fake.
	CloudFake Cloud = "fake"
)

// Backend is what every backend is: something that knows its cloud. The
// capabilities a component needs are separate, narrow interfaces
// (NetworkBackend, ...) so that a component depends only on what it uses.
type Backend interface {
	// Cloud returns the cloud this backend deploys to.
	Cloud() Cloud
}

// ProviderBackend is a backend that deploys through one explicit provider
// of its cloud (azure-native on Azure, gcp on Google Cloud). Resources a
// team adds beside the platform take it too (project.Project.Extend):
// default providers are disabled, so nothing lands in whatever account the
// shell points at.
type ProviderBackend interface {
	// Provider returns the backend's cloud provider.
	Provider() pulumi.ProviderResource
}

// Tags are the key/value pairs a backend puts on every cloud resource that
// accepts them: Azure tags, GCP labels. Backends copy the map; they never
// modify the caller's.
type Tags map[string]string

// Merge returns a new Tags holding t overlaid with each of others in order;
// later maps win on equal keys. Nil inputs are allowed.
func (t Tags) Merge(others ...map[string]string) Tags {
	out := make(Tags, len(t))
	for k, v := range t {
		out[k] = v
	}
	for _, o := range others {
		for k, v := range o {
			out[k] = v
		}
	}
	return out
}

// ChildName is the name of a component's child with the given role:
// "<component>-<role>". Every backend names children this way so that names
// derive only from the component's logical name (contract rule C2).
func ChildName(component, role string) string {
	return fmt.Sprintf("%s-%s", component, role)
}

// Validate checks tag keys and values against the rules both clouds accept
// (GCP labels are the stricter): keys 1-63 characters of lowercase letters,
// digits, '_' and '-' starting with a letter; values 0-63 of the same
// characters. One stack definition must deploy to either cloud, so both
// backends get the same rules.
func (t Tags) Validate(path field.Path) field.List {
	var errs field.List
	for _, k := range slices.Sorted(maps.Keys(t)) {
		if !labelKey.MatchString(k) {
			errs.Addf(path.Key(k), k, "tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)")
		}
		if v := t[k]; !labelValue.MatchString(v) {
			errs.Addf(path.Key(k), v, "tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. \"v0-1-0\"")
		}
	}
	return errs
}

var (
	labelKey   = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	labelValue = regexp.MustCompile(`^[a-z0-9_-]{0,63}$`)
)

// MaxNameLength is the longest logical name a component accepts. Backends
// append role suffixes ("-private-endpoints-nsg") and must stay within every
// cloud's name limits.
const MaxNameLength = 24

var logicalName = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)

// ValidateName checks a component's logical name: 1-24 lowercase letters,
// digits and '-', starting with a letter and not ending with '-'. Every cloud
// name a backend derives from it is then valid on both clouds.
func ValidateName(path field.Path, name string) *field.Error {
	switch {
	case name == "":
		return field.Required(path, "give the component a logical name such as \"core\"")
	case len(name) > MaxNameLength:
		return field.Invalid(path, name, "longer than %d characters; cloud names derived from it would be rejected", MaxNameLength)
	case !logicalName.MatchString(name):
		return field.Invalid(path, name, "use lowercase letters, digits and '-', starting with a letter and not ending with '-'")
	}
	return nil
}

package platform

import "strings"

// Version is the Plinth release this code belongs to. Stacks tag every
// resource with it (TagPlinthVersion) so that an inventory shows which
// release manages what; bumping it is a reviewed change of every tag.
const Version = "0.1.0"

// The tag keys every resource of a Plinth environment carries (Azure tags,
// GCP labels). A stacks test walks every snapshot and fails on a taggable
// resource without them.
const (
	// TagEnvironment names the environment, e.g. "prod-aks".
	TagEnvironment = "environment"
	// TagOwner names who answers for the resource: the platform team for
	// the platform, the product team for a team's access.
	TagOwner = "owner"
	// TagCostCenter is the cost center the resource is billed to.
	TagCostCenter = "cost-center"
	// TagManagedBy is always ManagedBy.
	TagManagedBy = "managed-by"
	// TagPlinthVersion is VersionLabel(Version).
	TagPlinthVersion = "plinth-version"
)

// ManagedBy is the value of TagManagedBy.
const ManagedBy = "plinth"

// RequiredTags lists the keys every taggable resource of an environment
// carries, in a stable order.
var RequiredTags = []string{TagEnvironment, TagOwner, TagCostCenter, TagManagedBy, TagPlinthVersion}

// VersionLabel writes a version as a tag value both clouds accept (GCP
// label values allow no dots or capitals): "0.1.0" becomes "v0-1-0".
func VersionLabel(version string) string {
	v := strings.ToLower(strings.TrimPrefix(version, "v"))
	return "v" + strings.NewReplacer(".", "-", "+", "_").Replace(v)
}

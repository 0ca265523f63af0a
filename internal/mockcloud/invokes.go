package mockcloud

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// invoke answers one function call.
type invoke func(c *call) (resource.PropertyMap, error)

// invokes answers each function (data source) the backends call: the
// union of the per-cloud tables in invokes_azure.go and invokes_gcp.go.
var invokes = merge(azureInvokes, gcpInvokes)

// projectNumber returns a stable 12-digit project number for a project ID.
func projectNumber(project string) string {
	id := uuidFrom("project-number", project)
	digits := make([]byte, 0, 12)
	for i := 0; len(digits) < 12 && i < len(id); i++ {
		if c := id[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	for len(digits) < 12 {
		digits = append(digits, '7')
	}
	if digits[0] == '0' {
		digits[0] = '1'
	}
	return string(digits)
}

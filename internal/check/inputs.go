package check

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
	"github.com/plinth-dev/plinth/platform/field"
)

// get walks v, decoded JSON, down the given map keys. Unlike
// snapshot.Resource.Input it takes keys that contain dots, such as
// Kubernetes annotation names.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// str returns the string at keys below v, or "".
func str(v any, keys ...string) string {
	s, _ := get(v, keys...).(string)
	return s
}

// isTrue reports whether the value at keys below v is the boolean true (or
// the string "true", as Helm values and AKS add-on configs write it).
func isTrue(v any, keys ...string) bool {
	switch b := get(v, keys...).(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}

// number returns the number at keys below v, or 0.
func number(v any, keys ...string) float64 {
	n, _ := get(v, keys...).(float64)
	return n
}

// list returns the list at keys below v, or nil.
func list(v any, keys ...string) []any {
	l, _ := get(v, keys...).([]any)
	return l
}

// stringList returns the string elements of the list at keys below v.
func stringList(v any, keys ...string) []string {
	var out []string
	for _, e := range list(v, keys...) {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stringMap returns the string values of a decoded JSON object, or nil.
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := e.(string); ok {
			out[k] = s
		}
	}
	return out
}

// kind matches the type tokens of one resource type whatever its API
// version: kind{"azure-native", "network", "Subnet"} matches
// "azure-native:network:Subnet" and "azure-native:network/v20240501:Subnet".
type kind struct{ pkg, module, name string }

func (k kind) is(typeToken string) bool {
	parts := strings.Split(typeToken, ":")
	if len(parts) != 3 || parts[0] != k.pkg || parts[2] != k.name {
		return false
	}
	return parts[1] == k.module || strings.HasPrefix(parts[1], k.module+"/v")
}

// in returns the resources of the kind, in URN order.
func (k kind) in(s *snapshot.Snapshot) []*snapshot.Resource {
	var out []*snapshot.Resource
	for i := range s.Resources {
		if r := &s.Resources[i]; k.is(r.Type) {
			out = append(out, r)
		}
	}
	return out
}

// kindOf is the kind of a type token a registry lists
// (internal/typeregistry), whatever its API version. It panics on a token
// no registry lists: a rule about a type Plinth does not create would
// check nothing, silently.
func kindOf(token string) kind {
	if _, ok := typeregistry.All.Lookup(token); !ok {
		panic("check: no registry lists " + token)
	}
	parts := strings.Split(token, ":")
	module := parts[1]
	if i := strings.LastIndex(module, "/"); i >= 0 && isAPIVersion(module[i+1:]) {
		module = module[:i]
	}
	return kind{parts[0], module, parts[2]}
}

// isAPIVersion reports whether s is an API version: "v1", "v20240501".
func isAPIVersion(s string) bool {
	return len(s) > 1 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9'
}

// The resource types the rules read.
var (
	aksCluster     = kindOf("azure-native:containerservice/v20241001:ManagedCluster")
	aksAgentPool   = kindOf("azure-native:containerservice/v20241001:AgentPool")
	azureRG        = kindOf("azure-native:resources:ResourceGroup")
	azureVNet      = kindOf("azure-native:network/v20240501:VirtualNetwork")
	azureSubnet    = kindOf("azure-native:network/v20240501:Subnet")
	azureLock      = kindOf("azure-native:authorization:ManagementLockByScope")
	azureRoleAssn  = kindOf("azure-native:authorization:RoleAssignment")
	azureRoleDef   = kindOf("azure-native:authorization:RoleDefinition")
	azureIdentity  = kindOf("azure-native:managedidentity:UserAssignedIdentity")
	azureFederated = kindOf("azure-native:managedidentity:FederatedIdentityCredential")
	azureStorage   = kindOf("azure-native:storage:StorageAccount")
	azureBlobSvc   = kindOf("azure-native:storage:BlobServiceProperties")

	gkeCluster     = kindOf("gcp:container/cluster:Cluster")
	gkeNodePool    = kindOf("gcp:container/nodePool:NodePool")
	gcpNetwork     = kindOf("gcp:compute/network:Network")
	gcpSubnetwork  = kindOf("gcp:compute/subnetwork:Subnetwork")
	gcpBucket      = kindOf("gcp:storage/bucket:Bucket")
	gkeBackupPlan  = kindOf("gcp:gkebackup/backupPlan:BackupPlan")
	gcpSAIAMMember = kindOf("gcp:serviceaccount/iAMMember:IAMMember")
	gcpEntitlement = kindOf("gcp:privilegedaccessmanager/entitlement:entitlement")

	entraCatalogResource = kindOf("azuread:index/accessPackageResourceCatalogAssociation:AccessPackageResourceCatalogAssociation")
	entraPackageResource = kindOf("azuread:index/accessPackageResourcePackageAssociation:AccessPackageResourcePackageAssociation")

	helmRelease   = kindOf("kubernetes:helm.sh/v3:Release")
	teamNamespace = kindOf("kubernetes:core/v1:Namespace")
	clusterIssuer = kindOf("kubernetes:cert-manager.io/v1:ClusterIssuer")

	// Types Plinth never creates, which the rules look for anyway: a
	// binding another program added counts for workload identity, and a
	// standing cluster-wide binding is a finding.
	gcpSAIAMBinding    = kind{"gcp", "serviceaccount/iAMBinding", "IAMBinding"}
	clusterRoleBinding = kind{"kubernetes", "rbac.authorization.k8s.io", "ClusterRoleBinding"}
)

// typeName is the last part of a type token: "ManagedCluster".
func typeName(typeToken string) string {
	return typeToken[strings.LastIndex(typeToken, ":")+1:]
}

// label names a resource in messages: "ManagedCluster prod-aks-aks".
func label(r *snapshot.Resource) string {
	return typeName(r.Type) + " " + r.Name
}

// note is a finding about r with a free-form message.
func note(r *snapshot.Resource, format string, args ...any) Finding {
	return Finding{URN: r.URN, Message: label(r) + ": " + fmt.Sprintf(format, args...)}
}

// invalid is a finding about the input at path of r, written as Plinth
// writes every invalid field: `path "value": detail`, or `path: detail`
// when the input is missing (value nil).
func invalid(r *snapshot.Resource, path field.Path, value any, detail string, args ...any) Finding {
	return Finding{URN: r.URN, Message: label(r) + ": " + field.Invalid(path, value, detail, args...).Error()}
}

// releasesOf returns the Helm releases of a chart, whether named plainly
// ("velero") or as a repository path ("oci://.../velero").
func releasesOf(s *snapshot.Snapshot, chart string) []*snapshot.Resource {
	var out []*snapshot.Resource
	for _, r := range helmRelease.in(s) {
		c := str(r.Inputs, "chart")
		if c == chart || strings.HasSuffix(c, "/"+chart) {
			out = append(out, r)
		}
	}
	return out
}

// openCIDR reports whether a range admits every address.
func openCIDR(cidr string) bool {
	p, err := netip.ParsePrefix(strings.TrimSpace(cidr))
	return err == nil && p.Bits() == 0
}

// sameARM reports whether two Azure resource IDs name the same resource:
// ARM IDs are case-insensitive, and a trailing slash is not significant.
func sameARM(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(b, "/"))
}

// armSuffix is the part of an Azure resource ID after the subscription:
// "/resourceGroups/rg/providers/...". Comparing it matches an ID written
// with any subscription, since the snapshot does not always hold one.
func armSuffix(id string) string {
	parts := strings.SplitN(strings.TrimSuffix(id, "/"), "/", 4)
	if len(parts) < 4 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") {
		return id
	}
	return "/" + parts[3]
}

// armID is the suffix of the ID of a resource in a resource group.
func armID(resourceGroup, provider, name string) string {
	return fmt.Sprintf("/resourceGroups/%s/providers/%s/%s", resourceGroup, provider, name)
}

// dependsOn reports whether r depends on the resource with the given URN.
// The SDK records a dependency on every resource whose outputs feed an
// input, so this links, e.g., a role assignment to the identity whose
// principal ID it grants to even though outputs are not in the snapshot.
func dependsOn(r *snapshot.Resource, urn string) bool {
	for _, d := range r.DependsOn {
		if d == urn {
			return true
		}
	}
	return false
}

// quoted writes strings quoted and comma-separated: "a", "b".
func quoted(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

package gke

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// The levels a grant's role is bound at.
const (
	levelProject = "project"
	levelBucket  = "bucket"
	// levelManagedZone is one Cloud DNS managed zone; the grant's scope
	// is the zone's resource name, projects/<project>/managedZones/<zone>.
	levelManagedZone = "managedZone"
)

// grantMapping is what one grant role becomes on GCP: a predefined Role,
// or a project-level Custom role created in the grant's scope project,
// bound at Level. Name ends the Pulumi name of the binding and says what
// it grants where; "" keeps the grant role's name.
type grantMapping struct {
	Role, Level, Name string
	Custom            *customRole
}

// customRole is a project-level custom role Plinth defines.
type customRole struct {
	// Suffix ends the role ID: "plinth.<name>.<suffix>".
	Suffix, Title, Description string
	Permissions                []string
}

// grantRoles maps each grant to the GCP role it becomes and the level it is
// bound at.
var grantRoles = map[platform.GrantRole]grantMapping{
	// Cloud DNS: roles/dns.admin on the one managed zone the scope names
	// (its lowest level), so that the identity changes records in that zone
	// and in no other zone of the project. cert-manager's solver names the
	// zone (hostedZoneName), so it needs no dns.managedZones.list on the
	// project.
	platform.GrantDNSZoneContributor: {Role: "roles/dns.admin", Level: levelManagedZone, Name: "dns-zone-admin"},
	// Object storage: read, write and delete objects of one bucket, not the
	// bucket itself. The identity can also sign blobs as itself (urlSigner).
	platform.GrantObjectStorageWriter: {Role: "roles/storage.objectAdmin", Level: levelBucket},
	// Disk snapshots: a custom role on the project that holds the disks,
	// with the permissions Velero's GCP plugin documents for its volume
	// snapshotter and nothing else.
	platform.GrantDiskSnapshotOperator: {Level: levelProject, Custom: &diskSnapshotOperator},
}

// diskSnapshotOperator holds exactly the compute permissions of the custom
// role that velero-plugin-for-gcp's README (vmware-tanzu/velero-plugin-for-gcp,
// "Create Custom Role with Permissions for the Velero GSA", on its main
// branch in 2026, plugin v1.14) lists, without its storage.objects.* permissions (those come from
// GrantObjectStorageWriter, on the bucket only) and without
// iam.serviceAccounts.signBlob (urlSigner, on the account itself only).
// compute.snapshots.setLabels lets the plugin copy a disk's labels to its
// snapshot (v1.14+; older plugins never ask for it). The README does not
// list compute.disks.setLabels, so it is not here.
var diskSnapshotOperator = customRole{
	Suffix:      "diskSnapshotOperator",
	Title:       "Plinth disk snapshot operator",
	Description: "Reads disks, snapshots them, creates disks from snapshots and deletes snapshots: what Velero's GCP volume snapshotter needs.",
	Permissions: []string{
		"compute.disks.create",
		"compute.disks.createSnapshot",
		"compute.disks.get",
		"compute.projects.get",
		"compute.snapshots.create",
		"compute.snapshots.delete",
		"compute.snapshots.get",
		"compute.snapshots.setLabels",
		"compute.snapshots.useReadOnly",
		"compute.zones.get",
	},
}

// urlSigner lets an identity that writes objects sign blobs as itself, and
// nothing more: one permission, bound on the identity's own service account
// (so it can sign as no other account). Velero's GCP plugin needs it under
// workload identity, which gives it no private key: `velero backup
// download`, `backup logs`, `backup describe` and `restore describe` fetch
// their files through V4 signed URLs the server signs with the IAM
// Credentials signBlob call as the BackupStorageLocation's serviceAccount.
// roles/iam.serviceAccountTokenCreator on the account itself would also
// work but carries signJwt, getAccessToken, getOpenIdToken and
// implicitDelegation too; the plugin's README puts signBlob in its
// project-wide role, which would let it sign as every account of the
// project. This custom role is exactly signBlob, on exactly this account.
var urlSigner = customRole{
	Suffix:      "urlSigner",
	Title:       "Plinth URL signer",
	Description: "Signs blobs as the service account it is bound on, for signed URLs to objects the account can read.",
	Permissions: []string{"iam.serviceAccounts.signBlob"},
}

// customRoleID is what GCP accepts as a custom role ID.
var customRoleID = regexp.MustCompile(`^[a-zA-Z0-9_.]{3,64}$`)

// roleID derives the ID of a custom role an identity gets from the
// identity's logical name: "plinth.<name>.<suffix>", '-' written as '_'
// (IDs take no '-'; logical names hold no '_', so distinct names give
// distinct IDs), and n appended for the n-th role of the same kind (n > 1).
// Like the service-account ID it must be unique in its project: two stacks
// in one project need distinct identity names.
func roleID(name, suffix string, n int) string {
	id := "plinth." + strings.ReplaceAll(name, "-", "_") + "." + suffix
	if n > 1 {
		id += strconv.Itoa(n)
	}
	return id
}

// maxDescription is the longest service-account description GCP accepts,
// in bytes.
const maxDescription = 256

// limit cuts s to at most n bytes (Kubernetes names are ASCII).
func limit(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// serviceAccountID is what GCP accepts as a service-account ID: 6-30
// characters, a lowercase letter first, a letter or digit last.
var serviceAccountID = regexp.MustCompile(`^[a-z][-a-z0-9]{4,28}[a-z0-9]$`)

// identityPlan is the cloud-side shape of a WorkloadIdentitySpec on GKE.
type identityPlan struct {
	Account serviceAccountPlan
	// Binding is the Pulumi name of the workloadIdentityUser binding; its
	// member is "serviceAccount:<pool>[<namespace>/<service account>]".
	Binding, Namespace, ServiceAccount string
	Grants                             []grantPlan
	// Signer lets the account sign blobs as itself; nil unless a grant is
	// GrantObjectStorageWriter.
	Signer *signerPlan
}

type grantPlan struct {
	// Name is the Pulumi name: "<name>-<suffix>", the suffix saying what
	// is granted ("dns-zone-admin") or else the grant role, with "-2",
	// "-3"... for further grants of the same role. Names follow the role,
	// not the position, so removing one grant never replaces another.
	Name, Role, Level string
	// Custom is the custom role the grant creates in its scope project and
	// binds instead of Role; nil for predefined roles.
	Custom *customRolePlan
	// Index is the grant's position in the spec (its Scope).
	Index int
}

// customRolePlan is one custom role: Name is the Pulumi name, RoleID the
// cloud one.
type customRolePlan struct {
	Name, RoleID, Title, Description string
	Permissions                      []string
}

// signerPlan is the urlSigner role, created in the backend's project, and
// the Pulumi name of its binding on the identity's own account.
type signerPlan struct {
	Role    customRolePlan
	Binding string
}

// planCustomRole plans the n-th custom role r of the identity named
// identity, registered under the Pulumi name name.
func planCustomRole(identity, name string, r customRole, n int) customRolePlan {
	return customRolePlan{
		Name:        name,
		RoleID:      roleID(identity, r.Suffix, n),
		Title:       r.Title,
		Description: r.Description,
		Permissions: slices.Clone(r.Permissions),
	}
}

// planIdentity maps a WorkloadIdentitySpec to GCP settings.
func planIdentity(spec platform.WorkloadIdentitySpec) identityPlan {
	n := spec.Name
	p := identityPlan{
		Account: serviceAccountPlan{
			Name:        platform.ChildName(n, "identity"),
			AccountID:   accountID(n),
			DisplayName: "Workload identity " + n,
		},
		Binding:        platform.ChildName(n, "workload-identity-user"),
		Namespace:      spec.Namespace,
		ServiceAccount: spec.ServiceAccount,
	}
	seen := map[platform.GrantRole]int{}
	for i, g := range spec.Grants {
		seen[g.Role]++
		c := seen[g.Role]
		r := grantRoles[g.Role]
		suffix := r.Name
		if suffix == "" {
			suffix = string(g.Role)
		}
		name := platform.ChildName(n, suffix)
		if c > 1 {
			name = fmt.Sprintf("%s-%d", name, c)
		}
		gp := grantPlan{Name: name, Role: r.Role, Level: r.Level, Index: i}
		if r.Custom != nil {
			cr := planCustomRole(n, name+"-role", *r.Custom, c)
			gp.Custom = &cr
		}
		p.Grants = append(p.Grants, gp)
	}
	if seen[platform.GrantObjectStorageWriter] > 0 {
		p.Signer = &signerPlan{
			Role:    planCustomRole(n, platform.ChildName(n, "url-signer-role"), urlSigner, 1),
			Binding: platform.ChildName(n, "url-signer"),
		}
	}
	return p
}

// accountID derives the Google service account ID from the identity's
// logical name: "<name>-wi", and "<name>-wi-gsa" for names too short for
// GCP's 6-character minimum. A logical name of at most
// platform.MaxNameLength characters always gives a valid ID. The ID must be
// unique in the project: two stacks in one project need distinct names.
func accountID(name string) string {
	id := name + "-wi"
	if len(id) < 6 {
		id += "-gsa"
	}
	return id
}

func validateIdentitySpec(spec platform.WorkloadIdentitySpec, path field.Path) error {
	var errs field.List
	if id := accountID(spec.Name); !serviceAccountID.MatchString(id) {
		errs.Addf(path.Child("name"), spec.Name, "gives the Google service account ID %q, which GCP rejects; use 1-%d lowercase letters, digits and '-'", id, platform.MaxNameLength)
	} else if id := roleID(spec.Name, diskSnapshotOperator.Suffix, len(spec.Grants)); !customRoleID.MatchString(id) {
		errs.Addf(path.Child("name"), spec.Name, "gives the custom role ID %q, which GCP rejects; use 1-%d lowercase letters, digits and '-'", id, platform.MaxNameLength)
	}
	if spec.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the cluster the workload runs in: its workload identity pool is what the binding names"))
	}
	if spec.Namespace == "" {
		errs.Add(field.Required(path.Child("namespace"), "the Kubernetes namespace of the service account"))
	}
	if spec.ServiceAccount == "" {
		errs.Add(field.Required(path.Child("serviceAccount"), "the Kubernetes service account the workload runs as"))
	}
	for i, g := range spec.Grants {
		if _, ok := grantRoles[g.Role]; !ok {
			errs.Addf(path.Child("grants").Index(i).Child("role"), string(g.Role), "not a grant role; use one of %v", platform.GrantRoles)
		}
		if g.Scope == nil {
			errs.Add(field.Required(path.Child("grants").Index(i).Child("scope"), "the managed zone's resource name projects/<project>/managedZones/<zone> (DNS), the project ID (disk snapshots: ClusterOutputs.DiskScope) or the bucket name (object storage) the grant applies to"))
		}
	}
	return errs.Err()
}

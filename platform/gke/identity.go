package gke

import (
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// ServiceAccountAnnotation is the Kubernetes service-account annotation that
// binds it to a Google service account under GKE workload identity.
const ServiceAccountAnnotation = "iam.gke.io/gcp-service-account"

// workloadIdentityUser lets a Kubernetes service account act as a Google
// service account.
const workloadIdentityUser = "roles/iam.workloadIdentityUser"

// grantRoles maps each grant to the GCP role it becomes and the level it is
// bound at.
var grantRoles = map[platform.GrantRole]struct{ Role, Level string }{
	// Cloud DNS: cert-manager's documented setup (and the contract's
	// Grant.Scope, a project ID) bind roles/dns.admin on the zone's
	// project. Cloud DNS also takes IAM on a single managed zone
	// (dns.DnsManagedZoneIamMember); cert-manager then also needs
	// dns.managedZones.list on the project, or hostedZoneName in its
	// issuer. Moving to zone scope is a change of the contract's Scope.
	platform.GrantDNSZoneContributor: {Role: "roles/dns.admin", Level: "project"},
	// Object storage: read, write and delete objects of one bucket, not the
	// bucket itself.
	platform.GrantObjectStorageWriter: {Role: "roles/storage.objectAdmin", Level: "bucket"},
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
}

type grantPlan struct {
	// Name is the Pulumi name: "<name>-<grant role>", with "-2", "-3"...
	// for further grants of the same role. Names follow the role, not the
	// position, so removing one grant never replaces another.
	Name, Role, Level string
	// Index is the grant's position in the spec (its Scope).
	Index int
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
		name := platform.ChildName(n, string(g.Role))
		if c := seen[g.Role]; c > 1 {
			name = fmt.Sprintf("%s-%d", name, c)
		}
		r := grantRoles[g.Role]
		p.Grants = append(p.Grants, grantPlan{Name: name, Role: r.Role, Level: r.Level, Index: i})
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
			errs.Add(field.Required(path.Child("grants").Index(i).Child("scope"), "the project ID (DNS) or bucket name (object storage) the grant applies to"))
		}
	}
	return errs.Err()
}

// NewWorkloadIdentity gives the Kubernetes service account
// spec.Namespace/spec.ServiceAccount a Google service account of its own,
// "<name>-wi@<project>.iam.gserviceaccount.com":
//
//   - roles/iam.workloadIdentityUser on that account for the member
//     "serviceAccount:<project>.svc.id.goog[<namespace>/<service account>]",
//     the cluster's workload identity pool, so that only this Kubernetes
//     service account can act as it;
//   - each grant at its scope: GrantDNSZoneContributor is roles/dns.admin on
//     the project Grant.Scope names (Cloud DNS zone-level IAM would be
//     narrower; the contract's Scope is a project today);
//     GrantObjectStorageWriter is roles/storage.objectAdmin on the bucket
//     Grant.Scope names.
//
// The workload puts ServiceAccountAnnotations on its Kubernetes service
// account (iam.gke.io/gcp-service-account); GKE needs no pod labels.
// ClientID is the account's email, as cert-manager and Velero take it;
// PrincipalID its numeric unique ID. spec.Tags go nowhere: service accounts
// and IAM bindings take no labels.
func (b *Backend) NewWorkloadIdentity(ctx *pulumi.Context, spec platform.WorkloadIdentitySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadIdentity, error) {
	if err := validateIdentitySpec(spec, field.NewPath("workloadIdentity")); err != nil {
		return nil, err
	}
	plan := planIdentity(spec)

	sa, err := serviceaccount.NewAccount(ctx, plan.Account.Name, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(plan.Account.AccountID),
		DisplayName: pulumi.String(plan.Account.DisplayName),
		Description: pulumi.String(limit(fmt.Sprintf("Workload identity of the Kubernetes service account %s (bound as %s[%s/%s]).", spec.Subject(), workloadPool(b.cfg.Project), spec.Namespace, spec.ServiceAccount), maxDescription)),
		Project:     pulumi.String(b.cfg.Project),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}

	// The pool output carries the dependency on the cluster: the binding
	// fails until the project's workload identity pool exists.
	_, err = serviceaccount.NewIAMMember(ctx, plan.Binding, &serviceaccount.IAMMemberArgs{
		ServiceAccountId: sa.Name,
		Role:             pulumi.String(workloadIdentityUser),
		Member:           pulumi.Sprintf("serviceAccount:%s[%s/%s]", spec.Cluster.WorkloadIdentityPool, plan.Namespace, plan.ServiceAccount),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}

	member := pulumi.Sprintf("serviceAccount:%s", sa.Email)
	for _, g := range plan.Grants {
		scope := spec.Grants[g.Index].Scope
		switch g.Level {
		case "project":
			_, err = projects.NewIAMMember(ctx, g.Name, &projects.IAMMemberArgs{
				Project: scope,
				Role:    pulumi.String(g.Role),
				Member:  member,
			}, b.opts(opts)...)
		case "bucket":
			_, err = storage.NewBucketIAMMember(ctx, g.Name, &storage.BucketIAMMemberArgs{
				Bucket: scope,
				Role:   pulumi.String(g.Role),
				Member: member,
			}, b.opts(opts)...)
		}
		if err != nil {
			return nil, err
		}
	}

	return &platform.WorkloadIdentity{
		ServiceAccountAnnotations: pulumi.StringMap{ServiceAccountAnnotation: sa.Email}.ToStringMapOutput(),
		PodLabels:                 map[string]string{},
		ClientID:                  sa.Email,
		PrincipalID:               sa.UniqueId,
	}, nil
}

package gke

import (
	"fmt"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/dns"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// ServiceAccountAnnotation is the Kubernetes service-account annotation that
// binds it to a Google service account under GKE workload identity.
const ServiceAccountAnnotation = "iam.gke.io/gcp-service-account"

// workloadIdentityUser lets a Kubernetes service account act as a Google
// service account.
const workloadIdentityUser = "roles/iam.workloadIdentityUser"

// NewWorkloadIdentity gives the Kubernetes service account
// spec.Namespace/spec.ServiceAccount a Google service account of its own,
// "<name>-wi@<project>.iam.gserviceaccount.com":
//
//   - roles/iam.workloadIdentityUser on that account for the member
//     "serviceAccount:<project>.svc.id.goog[<namespace>/<service account>]",
//     the cluster's workload identity pool, so that only this Kubernetes
//     service account can act as it;
//   - each grant at its scope: GrantDNSZoneContributor is roles/dns.admin on
//     the one Cloud DNS managed zone Grant.Scope names
//     (projects/<project>/managedZones/<zone>), bound as
//     "<name>-dns-zone-admin": records of the project's other zones are out
//     of reach;
//     GrantObjectStorageWriter is roles/storage.objectAdmin on the bucket
//     Grant.Scope names; GrantDiskSnapshotOperator is a custom role
//     "plinth.<name>.diskSnapshotOperator" (names written with '_' for
//     '-'), created in the project Grant.Scope names and bound there, with
//     exactly the compute permissions Velero's GCP plugin documents for
//     volume snapshots;
//   - with any GrantObjectStorageWriter, a custom role
//     "plinth.<name>.urlSigner" in the backend's project holding only
//     iam.serviceAccounts.signBlob, bound on the account itself: the
//     workload can sign URLs to the objects it can read, as itself and as
//     no other account (Velero's download and describe commands need it).
//
// Creating custom roles needs iam.roles.create on their project (for
// example roles/iam.roleAdmin) for whoever runs `pulumi up`. GCP keeps a
// deleted custom role for 7 to 37 days and the provider undeletes it when
// the same ID is created again.
//
// The workload puts ServiceAccountAnnotations on its Kubernetes service
// account (iam.gke.io/gcp-service-account); GKE needs no pod labels.
// ClientID is the account's email, as cert-manager and Velero take it;
// PrincipalID its numeric unique ID. spec.Tags go nowhere: service accounts,
// custom roles and IAM bindings take no labels.
func (b *Backend) NewWorkloadIdentity(ctx *pulumi.Context, spec platform.WorkloadIdentitySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadIdentity, error) {
	if err := validateIdentitySpec(spec, field.NewPath("workloadIdentity")); err != nil {
		return nil, err
	}
	plan := planIdentity(spec)

	sa, err := b.newBoundAccount(ctx, plan.Account, plan.Binding, spec.Cluster, plan.Namespace, plan.ServiceAccount, opts)
	if err != nil {
		return nil, err
	}

	member := pulumi.Sprintf("serviceAccount:%s", sa.Email)
	for _, g := range plan.Grants {
		scope := spec.Grants[g.Index].Scope
		role := pulumi.String(g.Role).ToStringOutput()
		if g.Custom != nil {
			cr, err := b.newCustomRole(ctx, *g.Custom, scope, opts)
			if err != nil {
				return nil, err
			}
			role = cr.Name
		}
		switch g.Level {
		case levelProject:
			_, err = projects.NewIAMMember(ctx, g.Name, &projects.IAMMemberArgs{
				Project: scope,
				Role:    role,
				Member:  member,
			}, b.opts(opts)...)
		case levelBucket:
			_, err = storage.NewBucketIAMMember(ctx, g.Name, &storage.BucketIAMMemberArgs{
				Bucket: scope,
				Role:   role,
				Member: member,
			}, b.opts(opts)...)
		case levelManagedZone:
			zone := managedZone(scope, field.NewPath("workloadIdentity").Child("grants").Index(g.Index).Child("scope"))
			_, err = dns.NewDnsManagedZoneIamMember(ctx, g.Name, &dns.DnsManagedZoneIamMemberArgs{
				Project:     zone(func(z format.CloudDNSZone) string { return z.Project }),
				ManagedZone: zone(func(z format.CloudDNSZone) string { return z.Name }),
				Role:        role,
				Member:      member,
			}, b.opts(opts)...)
		}
		if err != nil {
			return nil, err
		}
	}

	if plan.Signer != nil {
		cr, err := b.newCustomRole(ctx, plan.Signer.Role, pulumi.String(b.cfg.Project), opts)
		if err != nil {
			return nil, err
		}
		if _, err := serviceaccount.NewIAMMember(ctx, plan.Signer.Binding, &serviceaccount.IAMMemberArgs{
			ServiceAccountId: sa.Name,
			Role:             cr.Name,
			Member:           member,
		}, b.opts(opts)...); err != nil {
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

// managedZone parses scope, a Cloud DNS managed zone's resource name
// (projects/<project>/managedZones/<zone>), and returns a function that
// reads one part of it; any other value fails the deployment before the
// grant is created, with an error at path.
func managedZone(scope pulumi.StringInput, path field.Path) func(part func(format.CloudDNSZone) string) pulumi.StringOutput {
	return func(part func(format.CloudDNSZone) string) pulumi.StringOutput {
		return scope.ToStringOutput().ApplyT(func(id string) (string, error) {
			z, ok := format.ParseCloudDNSZoneID(id)
			if !ok {
				return "", field.Invalid(path, id, "not a Cloud DNS managed zone; give its resource name, projects/<project>/managedZones/<zone name>")
			}
			return part(z), nil
		}).(pulumi.StringOutput)
	}
}

// newCustomRole registers the custom role r in project. Its Name output,
// "projects/<project>/roles/<role ID>", is what bindings name.
func (b *Backend) newCustomRole(ctx *pulumi.Context, r customRolePlan, project pulumi.StringInput, opts []pulumi.ResourceOption) (*projects.IAMCustomRole, error) {
	return projects.NewIAMCustomRole(ctx, r.Name, &projects.IAMCustomRoleArgs{
		Project:     project,
		RoleId:      pulumi.String(r.RoleID),
		Title:       pulumi.String(r.Title),
		Description: pulumi.String(r.Description),
		Permissions: pulumi.ToStringArray(r.Permissions),
		Stage:       pulumi.String("GA"),
	}, b.opts(opts)...)
}

// newBoundAccount registers the Google service account a and binds the
// Kubernetes service account namespace/name of cluster to it: the binding
// (Pulumi name binding) gives roles/iam.workloadIdentityUser on a to
// "serviceAccount:<pool>[<namespace>/<name>]" only.
func (b *Backend) newBoundAccount(ctx *pulumi.Context, a serviceAccountPlan, binding string, cluster *platform.ClusterOutputs, namespace, name string, opts []pulumi.ResourceOption) (*serviceaccount.Account, error) {
	subject := platform.WorkloadIdentitySpec{Namespace: namespace, ServiceAccount: name}.Subject()
	sa, err := serviceaccount.NewAccount(ctx, a.Name, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(a.AccountID),
		DisplayName: pulumi.String(a.DisplayName),
		Description: pulumi.String(limit(fmt.Sprintf("Workload identity of the Kubernetes service account %s (bound as %s[%s/%s]).", subject, workloadPool(b.cfg.Project), namespace, name), maxDescription)),
		Project:     pulumi.String(b.cfg.Project),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	// The pool output carries the dependency on the cluster: the binding
	// fails until the project's workload identity pool exists.
	_, err = serviceaccount.NewIAMMember(ctx, binding, &serviceaccount.IAMMemberArgs{
		ServiceAccountId: sa.Name,
		Role:             pulumi.String(workloadIdentityUser),
		Member:           pulumi.Sprintf("serviceAccount:%s[%s/%s]", cluster.WorkloadIdentityPool, namespace, name),
	}, b.opts(opts)...)
	return sa, err
}

package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudidentity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/privilegedaccessmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewAccessCatalog registers nothing: Google Cloud has no access-package
// catalog (entitlements belong to the project they grant on). The catalog it
// returns has an empty ID, as the contract says for GCP; NewAccessPackage
// does not read it.
func (b *Backend) NewAccessCatalog(_ *pulumi.Context, _ platform.AccessCatalogSpec, _ ...pulumi.ResourceOption) (*platform.AccessCatalog, error) {
	return &platform.AccessCatalog{ID: pulumi.String("").ToStringOutput()}, nil
}

// NewAccessPackage gives each access level of spec a Google group and a
// Privileged Access Manager (PAM) entitlement on the backend's project:
//
//   - the group, unless the level names an ExistingGroup: a Cloud Identity
//     security group "plinth-<name>-<level>@<GroupDomain>" under
//     "customers/<CustomerID>" (labels discussion_forum and security; the
//     security label can never be removed), created empty, and made a
//     member of gke-security-groups@<GroupDomain> so that Google Groups for
//     RBAC shows it to the clusters. That group's resource name is looked
//     up by its email (cloudidentity getGroupLookup); the cluster must use
//     it as its security group (ClusterSpec.AdminGroups[0]). Membership of
//     the level's group is managed in Google Groups, not here. An
//     ExistingGroup must already be a member, directly or nested, of the
//     cluster's security group;
//   - the entitlement "plinth-<name>-<level>" (location global): the
//     level's Requestors may request it for at most MaxDuration, with a
//     justification when Justification is set; each approval stage is one
//     manual approval step (one approval needed, approvers justify their
//     decision); with no stages grants are activated without approval, and
//     still end after MaxDuration. An active grant binds, on the project,
//     to the requesting user only: roles/container.clusterViewer for the
//     view, edit and admin roles, roles/container.admin for cluster-admin.
//
// That is how levels are time-bound on GKE: a user must hold
// container.clusters.get on the project before GKE authenticates them to a
// cluster, and clusterViewer holds nothing more. So a member of a level's
// group reaches the clusters, with the Kubernetes rights the component's
// RoleBindings give the group, only while a grant is active. No group gets
// standing IAM; a standing clusterViewer would make every grant pointless.
// Three consequences the caller must know:
//
//   - the gate is per project, not per level: a user in the groups of two
//     levels (or holding container.clusters.get by any other role, such as
//     roles/viewer) has the rights of both as soon as any grant is active;
//     give each person one level's group per team, and keep project-wide
//     roles off the members;
//   - a cluster-admin grant needs no group: container.admin authorizes
//     every Kubernetes call through IAM. Binding cluster-admin to that
//     level's group in Kubernetes would give its members cluster-admin
//     whenever any of their grants is active;
//   - PAM has no access reviews: a level with Review set is rejected. It
//     expires a pending request after 24 hours, whatever the approval
//     stage's TimeoutDays says (a longer timeout is logged as a warning).
//
// Changing a level's approval stages replaces its entitlement (the provider
// cannot update approvalWorkflow); entitlements are deleted before they are
// replaced, since their ID is fixed. spec.Namespaces and spec.Cluster are
// not read: the grants are on the project. spec.Tags go nowhere: groups take
// only Cloud Identity's own labels, and entitlements take none.
//
// Groups[level] is the group's email, as ID and as the Kubernetes subject;
// for a created group it resolves once the group exists.
func (b *Backend) NewAccessPackage(ctx *pulumi.Context, spec platform.AccessPackageSpec, opts ...pulumi.ResourceOption) (*platform.AccessPackageOutputs, error) {
	if err := validateAccessSpec(b.cfg, spec, field.NewPath("accessPackage")); err != nil {
		return nil, err
	}
	plan := planAccess(b.cfg, spec)
	for _, w := range plan.Warnings {
		if err := ctx.Log.Warn(w, nil); err != nil {
			return nil, err
		}
	}

	var security pulumi.StringOutput
	if plan.SecurityGroup != "" {
		security = cloudidentity.GetGroupLookupOutput(ctx, cloudidentity.GetGroupLookupOutputArgs{
			GroupKey: cloudidentity.GetGroupLookupGroupKeyArgs{Id: pulumi.String(plan.SecurityGroup)},
		}, pulumi.Provider(b.provider)).Name()
	}

	out := &platform.AccessPackageOutputs{Groups: map[string]platform.AccessGroup{}}
	for _, l := range plan.Levels {
		email := pulumi.String(l.Email).ToStringOutput()
		if g := l.Group; g != nil {
			grp, err := cloudidentity.NewGroup(ctx, g.Name, &cloudidentity.GroupArgs{
				Parent:             pulumi.String(g.Parent),
				GroupKey:           &cloudidentity.GroupGroupKeyArgs{Id: pulumi.String(l.Email)},
				DisplayName:        pulumi.String(g.DisplayName),
				Description:        pulumi.String(g.Description),
				Labels:             pulumi.ToStringMap(g.Labels),
				InitialGroupConfig: pulumi.String("EMPTY"),
			}, b.opts(opts)...)
			if err != nil {
				return nil, err
			}
			email = grp.GroupKey.Id()
			if _, err := cloudidentity.NewGroupMembership(ctx, g.Membership, &cloudidentity.GroupMembershipArgs{
				Group:              security,
				PreferredMemberKey: &cloudidentity.GroupMembershipPreferredMemberKeyArgs{Id: email},
				Roles:              cloudidentity.GroupMembershipRoleArray{&cloudidentity.GroupMembershipRoleArgs{Name: pulumi.String("MEMBER")}},
			}, b.opts(opts)...); err != nil {
				return nil, err
			}
		}
		if err := b.newEntitlement(ctx, l.Entitlement, opts); err != nil {
			return nil, err
		}
		out.Groups[l.Level] = platform.AccessGroup{ID: email, Subject: email}
	}
	return out, nil
}

// newEntitlement registers the entitlement e.
func (b *Backend) newEntitlement(ctx *pulumi.Context, e entitlementPlan, opts []pulumi.ResourceOption) error {
	justification := &privilegedaccessmanager.EntitlementRequesterJustificationConfigArgs{
		NotMandatory: &privilegedaccessmanager.EntitlementRequesterJustificationConfigNotMandatoryArgs{},
	}
	if e.Justification {
		justification = &privilegedaccessmanager.EntitlementRequesterJustificationConfigArgs{
			Unstructured: &privilegedaccessmanager.EntitlementRequesterJustificationConfigUnstructuredArgs{},
		}
	}
	var bindings privilegedaccessmanager.EntitlementPrivilegedAccessGcpIamAccessRoleBindingArray
	for _, r := range e.Roles {
		bindings = append(bindings, &privilegedaccessmanager.EntitlementPrivilegedAccessGcpIamAccessRoleBindingArgs{Role: pulumi.String(r)})
	}
	args := &privilegedaccessmanager.EntitlementArgs{
		EntitlementId:      pulumi.String(e.ID),
		Location:           pulumi.String(pamLocation),
		Parent:             pulumi.String(e.Parent),
		MaxRequestDuration: pulumi.String(e.MaxRequestDuration),
		EligibleUsers: privilegedaccessmanager.EntitlementEligibleUserArray{
			&privilegedaccessmanager.EntitlementEligibleUserArgs{Principals: pulumi.ToStringArray(e.EligibleUsers)},
		},
		RequesterJustificationConfig: justification,
		PrivilegedAccess: &privilegedaccessmanager.EntitlementPrivilegedAccessArgs{
			GcpIamAccess: &privilegedaccessmanager.EntitlementPrivilegedAccessGcpIamAccessArgs{
				Resource:     pulumi.String(e.Resource),
				ResourceType: pulumi.String(pamResourceType),
				RoleBindings: bindings,
			},
		},
	}
	if len(e.Steps) > 0 {
		var steps privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsStepArray
		for _, approvers := range e.Steps {
			steps = append(steps, &privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsStepArgs{
				ApprovalsNeeded: pulumi.Int(1),
				Approvers: &privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsStepApproversArgs{
					Principals: pulumi.ToStringArray(approvers),
				},
			})
		}
		args.ApprovalWorkflow = &privilegedaccessmanager.EntitlementApprovalWorkflowArgs{
			ManualApprovals: &privilegedaccessmanager.EntitlementApprovalWorkflowManualApprovalsArgs{
				RequireApproverJustification: pulumi.Bool(true),
				Steps:                        steps,
			},
		}
	}
	// approvalWorkflow forces a new entitlement, under the same ID: the old
	// one must go first.
	_, err := privilegedaccessmanager.NewEntitlement(ctx, e.Name, args, b.opts(opts, pulumi.DeleteBeforeReplace(true))...)
	return err
}

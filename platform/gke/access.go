package gke

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudidentity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/privilegedaccessmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// NewAccessCatalog sets up the environment's JIT Groups environment when a
// team of spec.Packages has a level (a level that is not cluster-admin):
// JIT Groups (github.com/GoogleCloudPlatform/jit-groups, 2.0 to 2.3) is how
// a team's level is approved and time-bound on GKE. In the backend's
// project it registers:
//
//   - the environment's service account jit-<JITEnvironment>, which the
//     JIT Groups application (Config.JITApplication) may act as
//     (roles/iam.serviceAccountTokenCreator on that account only);
//   - the Secret Manager secret jit-<JITEnvironment> with the environment's
//     policy as its version, readable by that account only: per team a
//     system, per level a JIT group (jit.<JITEnvironment>.<team>.<level>@
//     <GroupDomain>, gkeEnabled so that JIT Groups adds it to
//     gke-security-groups) that the level's requestors may join (without
//     approval when the level has no stage), its approvers approve, for
//     at most MaxDuration, with a justification when the level asks for
//     one; the group holds roles/container.clusterViewer on the project
//     while it has members, which is all GKE requires before it
//     authenticates a user (the Kubernetes rights are the RoleBindings');
//   - roles/resourcemanager.projectIamAdmin on the project for that
//     account, conditioned so that it can grant and revoke
//     roles/container.clusterViewer and no other role.
//
// The catalog's ID is the secret's resource name; with no team level it
// registers nothing and its ID is empty. The organization deploys the JIT
// Groups application once and lists each environment's service account in
// it (docs/components/accesspackage.md).
func (b *Backend) NewAccessCatalog(ctx *pulumi.Context, spec platform.AccessCatalogSpec, opts ...pulumi.ResourceOption) (*platform.AccessCatalog, error) {
	if err := validateJIT(b.cfg, spec.Packages, field.NewPath("accessCatalog")); err != nil {
		return nil, err
	}
	plan, ok := planJIT(b.cfg, spec)
	if !ok {
		return &platform.AccessCatalog{ID: pulumi.String("").ToStringOutput()}, nil
	}
	b.publish(spec.Packages)
	sa, err := serviceaccount.NewAccount(ctx, plan.Account.Name, &serviceaccount.AccountArgs{
		AccountId:   pulumi.String(plan.Account.AccountID),
		DisplayName: pulumi.String(plan.Account.DisplayName),
		Description: pulumi.String(limit(plan.Account.Description, maxDescription)),
		Project:     pulumi.String(plan.Project),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	if _, err := serviceaccount.NewIAMMember(ctx, plan.Impersonation, &serviceaccount.IAMMemberArgs{
		ServiceAccountId: sa.Name,
		Role:             pulumi.String(roleTokenCreator),
		Member:           pulumi.String(plan.Application),
	}, b.opts(opts)...); err != nil {
		return nil, err
	}
	secret, err := secretmanager.NewSecret(ctx, plan.Secret, &secretmanager.SecretArgs{
		Project:     pulumi.String(plan.Project),
		SecretId:    pulumi.String(plan.SecretID),
		Labels:      pulumi.ToStringMap(plan.Labels),
		Replication: &secretmanager.SecretReplicationArgs{Auto: &secretmanager.SecretReplicationAutoArgs{}},
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	if _, err := secretmanager.NewSecretVersion(ctx, plan.Version, &secretmanager.SecretVersionArgs{
		Secret:     secret.ID(),
		SecretData: pulumi.String(plan.Policy),
	}, b.opts(opts)...); err != nil {
		return nil, err
	}
	member := pulumi.Sprintf("serviceAccount:%s", sa.Email)
	if _, err := secretmanager.NewSecretIamMember(ctx, plan.SecretAccess, &secretmanager.SecretIamMemberArgs{
		Project:  pulumi.String(plan.Project),
		SecretId: secret.SecretId,
		Role:     pulumi.String(roleSecretAccessor),
		Member:   member,
	}, b.opts(opts)...); err != nil {
		return nil, err
	}
	if _, err := projects.NewIAMMember(ctx, plan.Grant, &projects.IAMMemberArgs{
		Project: pulumi.String(plan.Project),
		Role:    pulumi.String(roleProjectIAMAdmin),
		Member:  member,
		Condition: &projects.IAMMemberConditionArgs{
			Title:       pulumi.String(plan.Condition.Title),
			Description: pulumi.String(plan.Condition.Description),
			Expression:  pulumi.String(plan.Condition.Expression),
		},
	}, b.opts(opts)...); err != nil {
		return nil, err
	}
	return &platform.AccessCatalog{ID: secret.Name}, nil
}

// publish records the packages whose levels the environment's JIT Groups
// policy holds.
func (b *Backend) publish(pkgs []platform.AccessPackageSpec) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.jitTeams == nil {
		b.jitTeams = map[string]platform.AccessPackageSpec{}
	}
	for _, p := range pkgs {
		b.jitTeams[p.Name] = p
	}
}

// checkPublished says why spec's team levels are not those the policy
// NewAccessCatalog wrote holds, or "" when they are.
func (b *Backend) checkPublished(spec platform.AccessPackageSpec) string {
	if teamLevels([]platform.AccessPackageSpec{spec}) == 0 {
		return ""
	}
	b.mu.Lock()
	p, ok := b.jitTeams[spec.Name]
	b.mu.Unlock()
	switch {
	case !ok:
		return "its levels are not in the environment's JIT Groups policy: pass the package in the catalog's Packages (AccessCatalogSpec) to NewAccessCatalog, before NewAccessPackage"
	case p.Team != spec.Team || !slices.Equal(p.Namespaces, spec.Namespaces) || !reflect.DeepEqual(p.Levels, spec.Levels):
		return "differs from the package the catalog's JIT Groups policy was written with; pass NewAccessPackage the same spec as AccessCatalogSpec.Packages"
	}
	return ""
}

// NewAccessPackage gives each access level of spec its group:
//
//   - a team level (view, edit, admin) is the JIT group
//     jit.<JITEnvironment>.<team>.<level>@<GroupDomain> of the policy
//     NewAccessCatalog wrote, so nothing is registered here: JIT Groups
//     creates the group on the first join and adds it to
//     gke-security-groups, approves each membership as the level says and
//     removes it after at most MaxDuration. The package must have been in
//     the catalog's Packages, exactly as given here;
//   - a cluster-admin level (break-glass) is a Privileged Access Manager
//     (PAM) entitlement "plinth-<name>-<level>" (location global) on the
//     project: the level's Requestors may request it for at most
//     MaxDuration, with a justification when Justification is set; each
//     approval stage is one manual approval step (one approval needed,
//     approvers justify their decision); an active grant binds
//     roles/container.admin on the project to the requesting user only,
//     which authorizes every Kubernetes call through IAM. The level also
//     gets a group, unless it names an ExistingGroup: a Cloud Identity
//     security group "plinth-<name>-<level>@<GroupDomain>" under
//     "customers/<CustomerID>" (labels discussion_forum and security; the
//     security label can never be removed), created empty and made a
//     member of gke-security-groups@<GroupDomain>; nothing binds it in
//     Kubernetes (a binding would make its standing members cluster-admin).
//
// So on GKE every team level is approved and expires per level, as on
// AKS: what a member holds is the membership JIT Groups granted, for that
// level only, and clusterViewer comes with the membership. No group gets
// standing IAM. PAM has no access reviews and JIT Groups neither: a level
// with Review is rejected. Both expire pending requests on their own
// clocks (PAM after 24 hours; JIT Groups after its APPROVAL_TIMEOUT), not
// after the approval stage's TimeoutDays (a longer timeout is logged as a
// warning).
//
// Changing a cluster-admin level's approval stages replaces its
// entitlement (the provider cannot update approvalWorkflow); entitlements
// are deleted before they are replaced, since their ID is fixed.
// spec.Cluster is not read: the grants are on the project. spec.Tags go
// nowhere: groups take only Cloud Identity's own labels, and entitlements
// take none.
//
// Groups[level] is the group's email, as ID and as the Kubernetes subject;
// for a created group it resolves once the group exists.
func (b *Backend) NewAccessPackage(ctx *pulumi.Context, spec platform.AccessPackageSpec, opts ...pulumi.ResourceOption) (*platform.AccessPackageOutputs, error) {
	if err := validateAccessSpec(b.cfg, spec, field.NewPath("accessPackage")); err != nil {
		return nil, err
	}
	if why := b.checkPublished(spec); why != "" {
		return nil, fmt.Errorf("accessPackage %q: %s", spec.Name, why)
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
			}, b.retained(opts, spec.Retain, pulumi.Protect(spec.Retain))...)
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
		if e := l.Entitlement; e != nil {
			if err := b.newEntitlement(ctx, *e, opts); err != nil {
				return nil, err
			}
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

package aks

import (
	"slices"

	"sync"

	"github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	"github.com/pulumi/pulumi-azuread/sdk/v5/go/azuread"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// lazyProvider is a provider the backend registers on first use, once.
type lazyProvider struct {
	once     sync.Once
	provider pulumi.ProviderResource
	err      error
}

// entraProvider returns the backend's explicit azuread provider for
// Config.TenantID, named "<name>-azuread" after the backend's azure-native
// provider and registered with the same options, on the first call. A
// stack that never asks for access registers none. The caller has checked
// that TenantID is set (requireTenant).
func (b *Backend) entraProvider(ctx *pulumi.Context) (pulumi.ProviderResource, error) {
	b.entra.once.Do(func() {
		b.entra.provider, b.entra.err = azuread.NewProvider(ctx, b.name+"-azuread", &azuread.ProviderArgs{
			TenantId: pulumi.String(b.cfg.TenantID),
		}, b.providerOpts...)
	})
	return b.entra.provider, b.entra.err
}

// entraOpts returns the options of an Entra ID child: the caller's (which
// carry the component parent) and the explicit azuread provider.
func (b *Backend) entraOpts(ctx *pulumi.Context, given []pulumi.ResourceOption, more ...pulumi.ResourceOption) ([]pulumi.ResourceOption, error) {
	p, err := b.entraProvider(ctx)
	if err != nil {
		return nil, err
	}
	out := append([]pulumi.ResourceOption{}, given...)
	out = append(out, pulumi.Provider(p))
	return append(out, more...), nil
}

// NewAccessCatalog creates the platform's one entitlement-management
// catalog in Entra ID, "plinth-<name>": published, so that its access
// packages can be requested, and not externally visible, so that only
// users of the tenant can request them. Entra ID objects take no tags:
// spec.Tags go nowhere.
//
// It uses the backend's explicit azuread provider for Config.TenantID and
// fails, registering nothing, without a tenant.
func (b *Backend) NewAccessCatalog(ctx *pulumi.Context, spec platform.AccessCatalogSpec, opts ...pulumi.ResourceOption) (*platform.AccessCatalog, error) {
	plan, err := planAccessCatalog(b.cfg, spec)
	if err != nil {
		return nil, err
	}
	o, err := b.entraOpts(ctx, opts)
	if err != nil {
		return nil, err
	}
	catalog, err := azuread.NewAccessPackageCatalog(ctx, plan.Catalog, &azuread.AccessPackageCatalogArgs{
		DisplayName:       pulumi.String(plan.DisplayName),
		Description:       pulumi.String(plan.Description),
		Published:         pulumi.Bool(plan.Published),
		ExternallyVisible: pulumi.Bool(plan.ExternallyVisible),
	}, o...)
	if err != nil {
		return nil, err
	}
	return &platform.AccessCatalog{ID: catalog.ID().ToStringOutput()}, nil
}

// NewAccessPackage creates a team's request-based access to the cluster.
// For each level, in order:
//
//   - an Entra security group "plinth-<name>-<level>" (not mail-enabled,
//     duplicate display names refused), unless the level names an
//     ExistingGroup, whose object ID is then used and no group is created;
//   - the group as a resource of spec.Catalog (origin system AadGroup);
//   - an access package "<team> <level>" in the catalog whose assignment
//     makes the requestor a Member of the group;
//   - its assignment policy: who may request (the listed users and the
//     members of the listed groups, nobody else), the approval stages with
//     their approvers and timeouts (approval is required exactly when
//     there are stages), justification, expiry after MaxDuration (whole
//     days), no extension, and the recurring review by the listed
//     reviewers that removes access nobody confirmed;
//   - the group's AKS role assignments (principal type Group, names
//     derived from scope, role and group as roleAssignmentName does): the
//     Azure Kubernetes Service Cluster User Role at the cluster, which
//     only fetches a kubeconfig; for view, edit and admin the AKS RBAC
//     Reader, Writer or Admin role at exactly each namespace scope
//     <clusterId>/namespaces/<ns>; for cluster-admin (break-glass) AKS
//     RBAC Cluster Admin at the cluster, held only while the membership
//     lasts, and nothing per namespace.
//
// Entra ID objects and role assignments take no tags: spec.Tags go
// nowhere. The outputs name each level's group by its object ID, which is
// also what a Kubernetes RoleBinding names as kind Group on AKS with Entra
// ID. Nothing is registered when the spec is rejected, including a
// missing tenant, a principal that is not "user:<uuid>" or
// "group:<uuid>", an ExistingGroup that is not a UUID, a cluster-admin
// level in a package with namespaces, and a MaxDuration that is not a
// whole number of days.
func (b *Backend) NewAccessPackage(ctx *pulumi.Context, spec platform.AccessPackageSpec, opts ...pulumi.ResourceOption) (*platform.AccessPackageOutputs, error) {
	plan, err := planAccessPackage(b.cfg, spec)
	if err != nil {
		return nil, err
	}
	out := &platform.AccessPackageOutputs{Groups: map[string]platform.AccessGroup{}}
	for _, l := range plan.Levels {
		group, err := b.newAccessLevel(ctx, spec, l, opts)
		if err != nil {
			return nil, err
		}
		out.Groups[l.Name] = platform.AccessGroup{ID: group, Subject: group}
	}
	return out, nil
}

// newAccessLevel registers one level and returns its group's object ID.
func (b *Backend) newAccessLevel(ctx *pulumi.Context, spec platform.AccessPackageSpec, l accessLevelPlan, opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	entra, err := b.entraOpts(ctx, opts)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	groupID := pulumi.String(l.ExistingGroup).ToStringOutput()
	if l.ExistingGroup == "" {
		description := spec.Cluster.ID.ApplyT(func(id string) string {
			return accessGroupDescription(spec.Team, l.Name, l.Role, id)
		}).(pulumi.StringOutput)
		group, err := azuread.NewGroup(ctx, l.Group, &azuread.GroupArgs{
			DisplayName:           pulumi.String(l.GroupDisplayName),
			MailNickname:          pulumi.String(l.MailNickname),
			Description:           description,
			SecurityEnabled:       pulumi.Bool(true),
			MailEnabled:           pulumi.Bool(false),
			PreventDuplicateNames: pulumi.Bool(true),
		}, retainGroup(entra, spec.Retain)...)
		if err != nil {
			return pulumi.StringOutput{}, err
		}
		groupID = group.ObjectId
	}
	resource, err := azuread.NewAccessPackageResourceCatalogAssociation(ctx, l.CatalogResource, &azuread.AccessPackageResourceCatalogAssociationArgs{
		CatalogId:            spec.Catalog.ID,
		ResourceOriginId:     groupID,
		ResourceOriginSystem: pulumi.String(groupOriginSystem),
	}, entra...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	pkg, err := azuread.NewAccessPackage(ctx, l.Package, &azuread.AccessPackageArgs{
		CatalogId:   spec.Catalog.ID,
		DisplayName: pulumi.String(l.PackageDisplayName),
		Description: pulumi.String(l.PackageDescription),
		Hidden:      pulumi.Bool(false),
	}, entra...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	membership, err := azuread.NewAccessPackageResourcePackageAssociation(ctx, l.PackageResource, &azuread.AccessPackageResourcePackageAssociationArgs{
		AccessPackageId:              pkg.ID().ToStringOutput(),
		CatalogResourceAssociationId: resource.ID().ToStringOutput(),
		AccessType:                   pulumi.String(groupAccessType),
	}, entra...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	// The policy waits for the group to be in the package: a request
	// granted earlier would give nothing.
	policyOpts, err := b.entraOpts(ctx, opts, pulumi.DependsOn([]pulumi.Resource{membership}))
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if _, err := azuread.NewAccessPackageAssignmentPolicy(ctx, l.Policy, accessPolicyArgs(l, pkg.ID().ToStringOutput()), policyOpts...); err != nil {
		return pulumi.StringOutput{}, err
	}

	for _, a := range l.Assignments {
		scope := spec.Cluster.ID
		if a.Namespace != "" {
			ns := a.Namespace
			scope = spec.Cluster.ID.ApplyT(func(id string) string { return namespaceScope(id, ns) }).(pulumi.StringOutput)
		}
		if _, err := b.assignToGroup(ctx, a.Resource, a.Role, scope, groupID, opts); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	return groupID, nil
}

// accessPolicyArgs maps a level's plan to its assignment policy.
func accessPolicyArgs(l accessLevelPlan, accessPackageID pulumi.StringOutput) *azuread.AccessPackageAssignmentPolicyArgs {
	requestors := azuread.AccessPackageAssignmentPolicyRequestorSettingsRequestorArray{}
	for _, s := range l.Requestors {
		requestors = append(requestors, azuread.AccessPackageAssignmentPolicyRequestorSettingsRequestorArgs{
			SubjectType: pulumi.String(s.SubjectType),
			ObjectId:    pulumi.String(s.ObjectID),
		})
	}
	stages := azuread.AccessPackageAssignmentPolicyApprovalSettingsApprovalStageArray{}
	for _, st := range l.Stages {
		approvers := azuread.AccessPackageAssignmentPolicyApprovalSettingsApprovalStagePrimaryApproverArray{}
		for _, s := range st.Approvers {
			approvers = append(approvers, azuread.AccessPackageAssignmentPolicyApprovalSettingsApprovalStagePrimaryApproverArgs{
				SubjectType: pulumi.String(s.SubjectType),
				ObjectId:    pulumi.String(s.ObjectID),
			})
		}
		stages = append(stages, azuread.AccessPackageAssignmentPolicyApprovalSettingsApprovalStageArgs{
			ApprovalTimeoutInDays: pulumi.Int(st.TimeoutDays),
			PrimaryApprovers:      approvers,
		})
	}
	// The review block is sent even without a review: with enabled false,
	// removing a review from the spec disables it (the provider ignores a
	// block that disappears).
	review := &azuread.AccessPackageAssignmentPolicyAssignmentReviewSettingsArgs{Enabled: pulumi.Bool(l.Review.Enabled)}
	if l.Review.Enabled {
		reviewers := azuread.AccessPackageAssignmentPolicyAssignmentReviewSettingsReviewerArray{}
		for _, s := range l.Review.Reviewers {
			reviewers = append(reviewers, azuread.AccessPackageAssignmentPolicyAssignmentReviewSettingsReviewerArgs{
				SubjectType: pulumi.String(s.SubjectType),
				ObjectId:    pulumi.String(s.ObjectID),
			})
		}
		review.ReviewFrequency = pulumi.String(l.Review.Frequency)
		review.DurationInDays = pulumi.Int(l.Review.DurationDays)
		review.ReviewType = pulumi.String(l.Review.Type)
		review.Reviewers = reviewers
		review.AccessReviewTimeoutBehavior = pulumi.String(l.Review.TimeoutBehavior)
	}
	return &azuread.AccessPackageAssignmentPolicyArgs{
		AccessPackageId:  accessPackageID,
		DisplayName:      pulumi.String(l.PolicyDisplayName),
		Description:      pulumi.String(l.PolicyDescription),
		DurationInDays:   pulumi.Int(l.DurationDays),
		ExtensionEnabled: pulumi.Bool(false),
		RequestorSettings: &azuread.AccessPackageAssignmentPolicyRequestorSettingsArgs{
			ScopeType:        pulumi.String(requestorScope),
			RequestsAccepted: pulumi.Bool(true),
			Requestors:       requestors,
		},
		ApprovalSettings: &azuread.AccessPackageAssignmentPolicyApprovalSettingsArgs{
			ApprovalRequired:               pulumi.Bool(l.ApprovalRequired),
			ApprovalRequiredForExtension:   pulumi.Bool(false),
			RequestorJustificationRequired: pulumi.Bool(l.Justification),
			ApprovalStages:                 stages,
		},
		AssignmentReviewSettings: review,
	}
}

// assignToGroup gives the Entra group with object ID principal the role at
// exactly scope, with the backend's azure-native provider. name is the
// Pulumi name; the Azure name derives from scope, role and principal
// (roleAssignmentName), as assign's does.
func (b *Backend) assignToGroup(ctx *pulumi.Context, name string, role roleDefinition, scope, principal pulumi.StringOutput, opts []pulumi.ResourceOption) (*authorization.RoleAssignment, error) {
	roleID := role.id(b.cfg.SubscriptionID)
	assignmentName := pulumi.All(scope, principal).ApplyT(func(v []any) string {
		return roleAssignmentName(v[0].(string), roleID, v[1].(string))
	}).(pulumi.StringOutput)
	return authorization.NewRoleAssignment(ctx, name, &authorization.RoleAssignmentArgs{
		RoleAssignmentName: assignmentName,
		Scope:              scope,
		RoleDefinitionId:   pulumi.String(roleID),
		PrincipalId:        principal,
		PrincipalType:      pulumi.String(groupPrincipalType),
	}, b.opts(opts)...)
}

// retainGroup adds to opts, for a retained package (AccessPackageSpec.Retain),
// pulumi.Protect and pulumi.RetainOnDelete: a directory group holds its
// members, whom no stack can give back.
func retainGroup(opts []pulumi.ResourceOption, retain bool) []pulumi.ResourceOption {
	if !retain {
		return opts
	}
	return append(slices.Clone(opts), pulumi.Protect(true), pulumi.RetainOnDelete(true))
}

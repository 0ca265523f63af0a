package aks

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Access settings that are not spec fields: each is what Entra ID
// entitlement management (through pulumi-azuread v5, Microsoft Graph beta)
// and AKS need, or the one safe choice.
const (
	// accessDisplayPrefix starts the display names of the catalog and the
	// groups Plinth creates, so that they stand out in a tenant shared with
	// other tools.
	accessDisplayPrefix = "plinth-"
	// groupOriginSystem is an Entra group's origin system as a catalog
	// resource.
	groupOriginSystem = "AadGroup"
	// groupAccessType: an assignment of the access package makes the
	// requestor a member of the group, never an owner.
	groupAccessType = "Member"
	// requestorScope: only the listed users, and the members of the listed
	// groups, may request a level.
	requestorScope = "SpecificDirectorySubjects"
	// subjectUser and subjectGroupMembers are the entitlement-management
	// subject types of "user:<id>" and "group:<id>".
	subjectUser         = "singleUser"
	subjectGroupMembers = "groupMembers"
	// reviewType: the listed reviewers review, not the members themselves
	// nor their managers.
	reviewType = "Reviewers"
	// reviewTimeoutBehavior removes access no reviewer confirmed in time.
	reviewTimeoutBehavior = "removeAccess"
	// accessReviewDurationDays is how long each review stays open. The
	// provider requires it with a review; 14 days is half the shortest
	// recurrence (monthly), so reviews never overlap.
	accessReviewDurationDays = 14
	// maxAccessDurationDays is the longest assignment durationInDays takes
	// (the provider accepts 0-3660; 0 means no expiry, which Plinth never
	// sets).
	maxAccessDurationDays = 3660
	// maxMailNicknameLength is Entra's limit for a group's mailNickname.
	maxMailNicknameLength = 64
	// groupPrincipalType tells ARM that a role assignment's principal is a
	// group, so it skips the directory lookup that fails for a group
	// created seconds earlier.
	groupPrincipalType = "Group"
)

// accessReviewFrequencies maps AccessReview.Every to the recurrence
// entitlement management takes.
var accessReviewFrequencies = map[string]string{
	"monthly":      "monthly",
	"quarterly":    "quarterly",
	"semiannually": "halfyearly",
	"annually":     "annual",
}

// namespaceRoles maps each namespaced access role to the AKS RBAC role
// assigned at each of the team's namespaces.
var namespaceRoles = map[platform.AccessRole]roleDefinition{
	platform.AccessView:  roleAKSRBACReader,
	platform.AccessEdit:  roleAKSRBACWriter,
	platform.AccessAdmin: roleAKSRBACAdmin,
}

var (
	// accessLevelPattern is a level name: it becomes part of display
	// names, the group's mail nickname and Pulumi names.
	accessLevelPattern = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
)

// accessCatalogPlan is the cloud-side shape of an AccessCatalogSpec.
type accessCatalogPlan struct {
	// Catalog is the catalog's Pulumi name; DisplayName and Description
	// what requestors see.
	Catalog, DisplayName, Description string
	// Published makes the catalog's packages requestable;
	// ExternallyVisible would let users outside the tenant request them.
	Published, ExternallyVisible bool
}

// planAccessCatalog checks what Azure needs and plans the catalog. Nothing
// is registered when it fails.
func planAccessCatalog(cfg Config, spec platform.AccessCatalogSpec) (accessCatalogPlan, error) {
	path := field.NewPath("accessCatalog")
	var errs field.List
	errs.Add(requireTenant(cfg))
	errs.Add(platform.ValidateName(path.Child("name"), spec.Name))
	if strings.TrimSpace(spec.Description) == "" {
		errs.Add(field.Required(path.Child("description"), "Entra ID shows it to requestors; say whose access the catalog holds"))
	}
	if err := errs.Err(); err != nil {
		return accessCatalogPlan{}, err
	}
	return accessCatalogPlan{
		Catalog:           platform.ChildName(spec.Name, "catalog"),
		DisplayName:       accessDisplayPrefix + spec.Name,
		Description:       spec.Description,
		Published:         true,
		ExternallyVisible: false,
	}, nil
}

// accessPlan is the cloud-side shape of an AccessPackageSpec: one plan
// per level, in the spec's order.
type accessPlan struct {
	Levels []accessLevelPlan
}

// accessLevelPlan is one access level: its directory group, the group as
// a resource of the catalog, the access package that grants membership,
// its assignment policy, and the AKS role assignments of the group.
type accessLevelPlan struct {
	// Name and Role are the level's.
	Name string
	Role platform.AccessRole
	// Group, CatalogResource, Package, PackageResource and Policy are the
	// Pulumi names of the children: "<name>-<level>-<role>". Group is
	// empty when ExistingGroup is set.
	Group, CatalogResource, Package, PackageResource, Policy string
	// ExistingGroup is the object ID of the group to use instead of
	// creating one.
	ExistingGroup string
	// GroupDisplayName and MailNickname name the group Plinth creates:
	// "plinth-<name>-<level>". Its description names the cluster, an
	// output (see accessGroupDescription).
	GroupDisplayName, MailNickname string
	// PackageDisplayName ("<team> <level>") and PackageDescription are
	// what requestors see in My Access.
	PackageDisplayName, PackageDescription string
	// PolicyDisplayName and PolicyDescription describe the assignment
	// policy.
	PolicyDisplayName, PolicyDescription string
	// Requestors may request the level.
	Requestors []accessSubject
	// ApprovalRequired is set exactly when there are Stages.
	ApprovalRequired bool
	Stages           []approvalStagePlan
	// Justification requires requestors to say why.
	Justification bool
	// DurationDays is how long an assignment lasts: MaxDuration in days.
	DurationDays int
	// Review is the recurring review; Enabled is false without one (the
	// block is sent anyway, so that removing a review disables it).
	Review accessReviewPlan
	// Assignments are the AKS role assignments of the group.
	Assignments []accessAssignmentPlan
}

// accessSubject is a principal as entitlement management takes it.
type accessSubject struct {
	// SubjectType is subjectUser or subjectGroupMembers.
	SubjectType string
	// ObjectID is the user's or group's Entra object ID.
	ObjectID string
}

// approvalStagePlan is one approval stage.
type approvalStagePlan struct {
	// TimeoutDays is how long the stage waits before the request expires.
	TimeoutDays int
	// Approvers are asked to approve.
	Approvers []accessSubject
}

// accessReviewPlan is the assignment review of a level.
type accessReviewPlan struct {
	Enabled bool
	// Frequency is entitlement management's recurrence: monthly,
	// quarterly, halfyearly or annual.
	Frequency string
	// DurationDays is how long each review stays open.
	DurationDays int
	// Type is reviewType; Reviewers review.
	Type      string
	Reviewers []accessSubject
	// TimeoutBehavior is reviewTimeoutBehavior.
	TimeoutBehavior string
}

// accessAssignmentPlan is one AKS role assignment of a level's group.
type accessAssignmentPlan struct {
	// Resource is the role assignment's Pulumi name.
	Resource string
	// Role is the built-in role.
	Role roleDefinition
	// Namespace scopes the assignment to <clusterId>/namespaces/<ns>;
	// empty means the cluster itself.
	Namespace string
}

// requireTenant fails when the backend has no tenant: the azuread
// provider needs it.
func requireTenant(cfg Config) *field.Error {
	if cfg.TenantID == "" {
		return field.Required(field.NewPath("aks").Child("tenantID"), "access packages and groups live in the Entra ID tenant; set it (az account show --query tenantId)")
	}
	return nil
}

// planAccessPackage checks what Azure needs beyond the resolved spec and
// plans every level. Nothing is registered when it fails.
//
// Each level gets the AKS Cluster User Role at the cluster, so its
// members can fetch a kubeconfig (which carries no Kubernetes rights of
// its own). A namespaced level (view, edit, admin) gets its AKS RBAC role
// at each of the team's namespaces and nowhere else. A cluster-admin
// level is break-glass: AKS RBAC Cluster Admin at the cluster, time-bound
// through the policy's duration, and only in an access package with no
// namespaces, so that it is never mistaken for a team's namespaced access.
func planAccessPackage(cfg Config, spec platform.AccessPackageSpec) (accessPlan, error) {
	if err := checkAccessPackage(cfg, spec); err != nil {
		return accessPlan{}, err
	}
	var p accessPlan
	for _, l := range spec.Levels {
		p.Levels = append(p.Levels, planAccessLevel(spec, l))
	}
	return p, nil
}

// checkAccessPackage reports what planAccessPackage needs beyond the
// resolved spec, every problem at once.
func checkAccessPackage(cfg Config, spec platform.AccessPackageSpec) error {
	path := field.NewPath("accessPackage")
	var errs field.List
	errs.Add(requireTenant(cfg))
	errs.Add(platform.ValidateName(path.Child("name"), spec.Name))
	if strings.TrimSpace(spec.Team) == "" {
		errs.Add(field.Required(path.Child("team"), "the team's name; access packages and groups are named after it"))
	}
	switch {
	case spec.Cluster == nil:
		errs.Add(field.Required(path.Child("cluster"), "the outputs of the cluster the access is to"))
	case spec.Cluster.ID.OutputState == nil:
		errs.Add(field.Required(path.Child("cluster").Child("id"), "the cluster's ARM ID; role assignments are scoped to it and its namespaces"))
	}
	if spec.Catalog == nil || spec.Catalog.ID.OutputState == nil {
		errs.Add(field.Required(path.Child("catalog"), "the platform's catalog; create it once with NewAccessCatalog"))
	}
	seenNS := map[string]bool{}
	for i, ns := range spec.Namespaces {
		p := path.Child("namespaces").Index(i)
		switch {
		case !format.DNSLabel(ns):
			errs.Addf(p, ns, "not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)")
		case seenNS[ns]:
			errs.Addf(p, ns, "listed twice")
		}
		seenNS[ns] = true
	}
	if len(spec.Levels) == 0 {
		errs.Add(field.Required(path.Child("levels"), "at least one access level"))
	}
	seen := map[string]bool{}
	var namespaced []string
	for i, l := range spec.Levels {
		lp := path.Child("levels").Index(i)
		switch {
		case l.Name == "":
			errs.Add(field.Required(lp.Child("name"), "the level's name, e.g. \"developer\""))
		case !accessLevelPattern.MatchString(l.Name):
			errs.Addf(lp.Child("name"), l.Name, "use lowercase letters, digits and '-', starting with a letter and not ending with '-'")
		case seen[l.Name]:
			errs.Addf(lp.Child("name"), l.Name, "two levels have this name")
		case len(groupDisplayName(spec.Name, l.Name)) > maxMailNicknameLength && l.ExistingGroup == "":
			errs.Addf(lp.Child("name"), l.Name, "the group's mail nickname %q is longer than the %d characters Entra ID takes; shorten the level or package name",
				groupDisplayName(spec.Name, l.Name), maxMailNicknameLength)
		}
		seen[l.Name] = true
		switch _, ok := namespaceRoles[l.Role]; {
		case ok:
			namespaced = append(namespaced, l.Name)
		case l.Role == platform.AccessClusterAdmin:
			if len(spec.Namespaces) > 0 {
				errs.Addf(lp.Child("role"), string(l.Role), "break-glass is cluster-wide and never part of a team's namespaced access; "+
					"put it in an access package of its own with no namespaces (this one has %s)", strings.Join(spec.Namespaces, ", "))
			}
		default:
			errs.Addf(lp.Child("role"), string(l.Role), "AKS maps only %v", platform.AccessRoles)
		}
		checkAccessLevel(&errs, lp, l)
	}
	if len(spec.Namespaces) == 0 && len(namespaced) > 0 {
		errs.Add(field.Required(path.Child("namespaces"), "levels %s are granted in the team's namespaces only", strings.Join(namespaced, ", ")))
	}
	return errs.Err()
}

// checkAccessLevel adds to errs what is wrong with level l's principals,
// approval stages, duration, review and existing group; lp is its path.
func checkAccessLevel(errs *field.List, lp field.Path, l platform.AccessLevelSpec) {
	checkPrincipals(errs, lp.Child("requestors"), l.Requestors, "who may request the level")
	for j, st := range l.Approval {
		sp := lp.Child("approval").Index(j)
		if st.TimeoutDays < 1 {
			errs.Addf(sp.Child("timeoutDays"), st.TimeoutDays, "a stage waits at least one day for its approvers")
		}
		checkPrincipals(errs, sp.Child("approvers"), st.Approvers, "who approves at this stage")
	}
	if _, err := accessDurationDays(lp.Child("maxDuration"), l.MaxDuration); err != nil {
		errs.Add(err)
	}
	if rv := l.Review; rv != nil {
		rp := lp.Child("review")
		if _, ok := accessReviewFrequencies[rv.Every]; !ok {
			errs.Addf(rp.Child("every"), rv.Every, "use monthly, quarterly, semiannually or annually")
		}
		checkPrincipals(errs, rp.Child("reviewers"), rv.Reviewers, "who reviews the level's members")
	}
	if g := l.ExistingGroup; g != "" && !format.UUID(g) {
		detail := "not an Entra group object ID (a UUID); find it with az ad group show --group <name> --query id"
		if strings.HasPrefix(g, "group:") {
			detail = "give the bare object ID, without \"group:\""
		}
		errs.Addf(lp.Child("existingGroup"), g, "%s", detail)
	}
}

// planAccessLevel plans one level of a checked spec.
func planAccessLevel(spec platform.AccessPackageSpec, l platform.AccessLevelSpec) accessLevelPlan {
	child := func(role string) string { return platform.ChildName(spec.Name, l.Name+"-"+role) }
	days, _ := accessDurationDays("", l.MaxDuration)
	lp := accessLevelPlan{
		Name:               l.Name,
		Role:               l.Role,
		CatalogResource:    child("catalog-resource"),
		Package:            child("package"),
		PackageResource:    child("package-resource"),
		Policy:             child("policy"),
		ExistingGroup:      l.ExistingGroup,
		PackageDisplayName: spec.Team + " " + l.Name,
		PackageDescription: accessPackageDescription(spec, l, days),
		PolicyDisplayName:  spec.Team + " " + l.Name,
		PolicyDescription:  accessPolicyDescription(l, days),
		Requestors:         mustAccessSubjects(l.Requestors),
		ApprovalRequired:   len(l.Approval) > 0,
		Justification:      l.Justification,
		DurationDays:       days,
		Review:             accessReviewPlan{Enabled: false},
	}
	if l.ExistingGroup == "" {
		lp.Group = child("group")
		lp.GroupDisplayName = groupDisplayName(spec.Name, l.Name)
		lp.MailNickname = lp.GroupDisplayName
	}
	for _, st := range l.Approval {
		lp.Stages = append(lp.Stages, approvalStagePlan{TimeoutDays: st.TimeoutDays, Approvers: mustAccessSubjects(st.Approvers)})
	}
	if rv := l.Review; rv != nil {
		lp.Review = accessReviewPlan{
			Enabled:         true,
			Frequency:       accessReviewFrequencies[rv.Every],
			DurationDays:    accessReviewDurationDays,
			Type:            reviewType,
			Reviewers:       mustAccessSubjects(rv.Reviewers),
			TimeoutBehavior: reviewTimeoutBehavior,
		}
	}
	// Every level may fetch a kubeconfig; its rights come from the
	// assignments below.
	lp.Assignments = append(lp.Assignments, accessAssignmentPlan{Resource: child("cluster-user"), Role: roleAKSClusterUser})
	if l.Role == platform.AccessClusterAdmin {
		lp.Assignments = append(lp.Assignments, accessAssignmentPlan{Resource: child("cluster-admin"), Role: roleAKSRBACClusterAdmin})
		return lp
	}
	for _, ns := range spec.Namespaces {
		lp.Assignments = append(lp.Assignments, accessAssignmentPlan{Resource: child("ns-" + ns), Role: namespaceRoles[l.Role], Namespace: ns})
	}
	return lp
}

// groupDisplayName is the display name and mail nickname of the group
// Plinth creates for a level: "plinth-<name>-<level>".
func groupDisplayName(name, level string) string {
	return accessDisplayPrefix + name + "-" + level
}

// accessGroupDescription describes the group of a level in Entra ID.
func accessGroupDescription(team, level string, role platform.AccessRole, clusterID string) string {
	return fmt.Sprintf("Members of team %s's access level %s (%s) on AKS cluster %s. "+
		"Managed by Plinth: members join and leave through the access package; do not add them by hand.", team, level, role, clusterID)
}

// accessPackageDescription is what requestors read in My Access.
func accessPackageDescription(spec platform.AccessPackageSpec, l platform.AccessLevelSpec, durationDays int) string {
	if l.Role == platform.AccessClusterAdmin {
		return fmt.Sprintf("Break-glass for %s: cluster-admin on the whole AKS cluster, expiring after %d day(s). Request it only in an incident.", spec.Team, durationDays)
	}
	return fmt.Sprintf("Kubernetes %s access for team %s in the namespaces %s, expiring after %d day(s).", l.Role, spec.Team, strings.Join(spec.Namespaces, ", "), durationDays)
}

// accessPolicyDescription describes a level's assignment policy.
func accessPolicyDescription(l platform.AccessLevelSpec, durationDays int) string {
	approval := "granted without approval"
	if n := len(l.Approval); n > 0 {
		approval = fmt.Sprintf("%d approval stage(s)", n)
	}
	review := "no review"
	if l.Review != nil {
		review = "reviewed " + l.Review.Every
	}
	return fmt.Sprintf("Requests by the listed requestors: %s; assignments expire after %d day(s); %s. Managed by Plinth.", approval, durationDays, review)
}

// accessDurationDays expresses d as durationInDays, the only relative
// expiry pulumi-azuread v5 has: a whole number of days from 1 to 3660.
func accessDurationDays(path field.Path, d time.Duration) (int, *field.Error) {
	const day = 24 * time.Hour
	if d <= 0 || d%day != 0 || d/day > maxAccessDurationDays {
		return 0, field.Invalid(path, d.String(), "Entra ID access package assignments expire after whole days (durationInDays); "+
			"use a multiple of 24h from 24h to %dh (%d days)", maxAccessDurationDays*24, maxAccessDurationDays)
	}
	return int(d / day), nil
}

// checkPrincipals adds to errs that principals, at path, is empty (who
// says who they must be) or holds principals that are not
// "user:<object ID>" or "group:<object ID>".
func checkPrincipals(errs *field.List, path field.Path, principals []string, who string) {
	if len(principals) == 0 {
		errs.Add(field.Required(path, "%s: \"user:<object ID>\" or \"group:<object ID>\"", who))
	}
	for i, p := range principals {
		_, err := parseAccessPrincipal(path.Index(i), p)
		errs.Add(err)
	}
}

// parseAccessPrincipal maps "user:<object ID>" to a single user and
// "group:<object ID>" to the group's members.
func parseAccessPrincipal(path field.Path, principal string) (accessSubject, *field.Error) {
	kind, id, _ := strings.Cut(principal, ":")
	var s accessSubject
	switch kind {
	case "user":
		s.SubjectType = subjectUser
	case "group":
		s.SubjectType = subjectGroupMembers
	}
	if s.SubjectType == "" || !format.UUID(id) {
		return accessSubject{}, field.Invalid(path, principal, "want \"user:<object ID>\" or \"group:<object ID>\" with the Entra object ID, a UUID "+
			"(az ad user show --id <upn> --query id; az ad group show --group <name> --query id)")
	}
	s.ObjectID = id
	return s, nil
}

// mustAccessSubjects maps principals a checked spec holds.
func mustAccessSubjects(principals []string) []accessSubject {
	out := make([]accessSubject, 0, len(principals))
	for _, p := range principals {
		s, err := parseAccessPrincipal("", p)
		if err != nil {
			panic(err) // planAccessPackage checked every principal
		}
		out = append(out, s)
	}
	return out
}

// namespaceScope is the ARM scope of a role assignment that holds in one
// namespace of an AKS cluster with Azure RBAC for Kubernetes.
func namespaceScope(clusterID, namespace string) string {
	return clusterID + "/namespaces/" + namespace
}

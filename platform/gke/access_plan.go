package gke

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// IAM roles the access entitlements grant.
const (
	// roleClusterViewer holds container.clusters.get and .list and nothing
	// else: what GKE requires of a user before it authenticates them to a
	// cluster of the project. It gives no Kubernetes rights; those come from
	// RoleBindings to the level's group.
	roleClusterViewer = "roles/container.clusterViewer"
	// roleContainerAdmin is full control of the project's clusters and of
	// every Kubernetes object in them: break-glass only.
	roleContainerAdmin = "roles/container.admin"
)

// entitlementRoles maps each access role to the IAM roles its Privileged
// Access Manager entitlement grants on the project while a grant is active.
var entitlementRoles = map[platform.AccessRole][]string{
	platform.AccessView:         {roleClusterViewer},
	platform.AccessEdit:         {roleClusterViewer},
	platform.AccessAdmin:        {roleClusterViewer},
	platform.AccessClusterAdmin: {roleContainerAdmin},
}

// Privileged Access Manager settings and limits.
const (
	// pamLocation is where project entitlements live.
	pamLocation = "global"
	// pamResourceType is the type of the resource the entitlements grant
	// roles on: the project.
	pamResourceType = "cloudresourcemanager.googleapis.com/Project"
	// maxRequestors is the most requesting principals an entitlement
	// takes.
	maxRequestors = 20
	// maxApprovalStages is the most approval levels an entitlement takes;
	// the second needs Security Command Center Premium or Enterprise on the
	// organization (a preview feature in 2026).
	maxApprovalStages = 2
	// pendingRequestDays is how long a grant request waits for approval
	// before Privileged Access Manager expires it. It is fixed.
	pendingRequestDays = 1
)

// securityGroupPrefix is the local part GKE's Google Groups for RBAC
// requires of the group that holds every group clusters see.
const securityGroupPrefix = "gke-security-groups"

// accessGroupLabels make a Cloud Identity group a Google Group that is also
// a security group, the kind Google Groups for RBAC and IAM conditions
// expect. The security label cannot be removed once set.
var accessGroupLabels = map[string]string{
	"cloudidentity.googleapis.com/groups.discussion_forum": "",
	"cloudidentity.googleapis.com/groups.security":         "",
}

var (
	// accessLevelName is a level name: lowercase letters, digits and '-',
	// a letter first, not ending with '-'.
	accessLevelName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)
	// entitlementID is what Privileged Access Manager accepts as an
	// entitlement ID: 4-63 lowercase letters, digits and '-', a letter
	// first.
	entitlementID = regexp.MustCompile(`^[a-z][a-z0-9-]{3,62}$`)
)

// accessPlan is the cloud-side shape of an AccessPackageSpec on GKE.
type accessPlan struct {
	// SecurityGroup is gke-security-groups@<GroupDomain>, which every
	// created group joins; "" when no level creates a group.
	SecurityGroup string
	// Levels are the spec's levels, in order.
	Levels []accessLevelPlan
	// Warnings are told to whoever runs the stack: settings GKE cannot
	// honor as written but that are safe to deploy.
	Warnings []string
}

// accessLevelPlan is what one level becomes.
type accessLevelPlan struct {
	// Level is the level's name, the key of AccessPackageOutputs.Groups.
	Level string
	// Email is the level's group: created, or the ExistingGroup.
	Email string
	// Group is the group to create; nil for an ExistingGroup and for a
	// team level, whose JIT group JIT Groups creates.
	Group *accessGroupPlan
	// Entitlement is a cluster-admin level's Privileged Access Manager
	// entitlement; nil for a team level, a JIT group.
	Entitlement *entitlementPlan
}

// accessGroupPlan is a Cloud Identity group and its membership in the
// cluster's Google Groups for RBAC group.
type accessGroupPlan struct {
	// Name is the group's Pulumi name: "<name>-<level>-group".
	Name string
	// Parent is "customers/<CustomerID>".
	Parent, DisplayName, Description string
	Labels                           map[string]string
	// Membership is the Pulumi name of the group's membership in
	// SecurityGroup: "<name>-<level>-gke-security".
	Membership string
}

// entitlementPlan is one Privileged Access Manager entitlement on the
// backend's project.
type entitlementPlan struct {
	// Name is the Pulumi name: "<name>-<level>-entitlement".
	Name string
	// ID is the entitlement ID, "plinth-<name>-<level>"; Parent is
	// "projects/<project>".
	ID, Parent string
	// MaxRequestDuration is the level's MaxDuration in seconds: "28800s".
	MaxRequestDuration string
	// EligibleUsers are the level's requestors.
	EligibleUsers []string
	// Justification makes requestors say why (unstructured); otherwise it
	// is notMandatory.
	Justification bool
	// Steps are the approval steps, in order; nil means grants need no
	// approval (no approvalWorkflow).
	Steps [][]string
	// Resource is "//cloudresourcemanager.googleapis.com/projects/<project>".
	Resource string
	// Roles are the IAM roles an active grant binds on Resource.
	Roles []string
}

// accessID is the name of a level's group (before the "@") and the ID of
// its entitlement: "plinth-<name>-<level>".
func accessID(name, level string) string {
	return "plinth-" + name + "-" + level
}

// seconds writes d as a protobuf Duration: "28800s".
func seconds(d time.Duration) string {
	return fmt.Sprintf("%ds", int64(d/time.Second))
}

// planAccess maps a validated AccessPackageSpec to groups and entitlements:
// a team level (view, edit, admin) to its JIT group, which JIT Groups
// creates and whose memberships it approves and expires (the environment's
// policy, planJIT); a cluster-admin level to a group and a Privileged
// Access Manager entitlement of roles/container.admin.
func planAccess(cfg Config, spec platform.AccessPackageSpec) accessPlan {
	team := spec.Team
	if team == "" {
		team = spec.Name
	}
	var p accessPlan
	for _, l := range spec.Levels {
		if l.Role != platform.AccessClusterAdmin {
			p.Levels = append(p.Levels, accessLevelPlan{Level: l.Name, Email: jitGroupEmail(cfg.JITEnvironment, team, l.Name, cfg.GroupDomain)})
			for _, s := range l.Approval {
				if s.TimeoutDays > 0 {
					p.Warnings = append(p.Warnings, fmt.Sprintf("access level %s/%s: JIT Groups expires a join request after its APPROVAL_TIMEOUT (an application setting, 60 minutes unless set), not after the %d days the approval stage asks for; requestors then ask again", spec.Name, l.Name, s.TimeoutDays))
				}
			}
			continue
		}
		id := accessID(spec.Name, l.Name)
		lp := accessLevelPlan{
			Level: l.Name,
			Email: l.ExistingGroup,
			Entitlement: &entitlementPlan{
				Name:               platform.ChildName(spec.Name, l.Name+"-entitlement"),
				ID:                 id,
				Parent:             "projects/" + cfg.Project,
				MaxRequestDuration: seconds(l.MaxDuration),
				EligibleUsers:      slices.Clone(l.Requestors),
				Justification:      l.Justification,
				Resource:           "//cloudresourcemanager.googleapis.com/projects/" + cfg.Project,
				Roles:              slices.Clone(entitlementRoles[l.Role]),
			},
		}
		for _, s := range l.Approval {
			lp.Entitlement.Steps = append(lp.Entitlement.Steps, slices.Clone(s.Approvers))
			if s.TimeoutDays > pendingRequestDays {
				p.Warnings = append(p.Warnings, fmt.Sprintf("access level %s/%s: Privileged Access Manager expires a grant request after 24 hours without a decision, not after the %d days the approval stage asks for; requestors then ask again", spec.Name, l.Name, s.TimeoutDays))
			}
		}
		if l.ExistingGroup == "" {
			lp.Email = id + "@" + cfg.GroupDomain
			p.SecurityGroup = securityGroupPrefix + "@" + cfg.GroupDomain
			lp.Group = &accessGroupPlan{
				Name:        platform.ChildName(spec.Name, l.Name+"-group"),
				Parent:      "customers/" + cfg.CustomerID,
				DisplayName: fmt.Sprintf("%s %s (Plinth)", team, l.Name),
				Description: groupDescription(cfg, team, id),
				Labels:      maps.Clone(accessGroupLabels),
				Membership:  platform.ChildName(spec.Name, l.Name+"-gke-security"),
			}
		}
		p.Levels = append(p.Levels, lp)
	}
	return p
}

// groupDescription tells a Google Groups admin what membership of a
// cluster-admin level's group gives.
func groupDescription(cfg Config, team, id string) string {
	return fmt.Sprintf("Break-glass access of team %s. Members requesting a grant of the Privileged Access Manager entitlement %s on project %s get roles/container.admin there until the grant ends. Managed by Plinth.", team, id, cfg.Project)
}

// validateAccessSpec checks what JIT Groups (team levels), Cloud Identity
// and Privileged Access Manager (cluster-admin levels) constrain, and that
// cfg has what they need. Problems come back together under path (and
// "gke" for the Config).
func validateAccessSpec(cfg Config, spec platform.AccessPackageSpec, path field.Path) error {
	var errs field.List
	if len(spec.Levels) == 0 {
		errs.Add(field.Required(path.Child("levels"), "at least one access level; each becomes a JIT group, or for cluster-admin a Privileged Access Manager entitlement"))
	}
	if teamLevels([]platform.AccessPackageSpec{spec}) > 0 {
		checkJITConfig(&errs, cfg)
	}
	checkJITLevels(&errs, spec, path)
	seen := map[string]bool{}
	var creates []string // paths of the levels that create a group
	for i, l := range spec.Levels {
		lp := path.Child("levels").Index(i)
		if l.Name != "" && seen[l.Name] {
			errs.Addf(lp.Child("name"), l.Name, "another level has this name; each level is one group named after it")
		}
		seen[l.Name] = true
		if l.Role != platform.AccessClusterAdmin {
			continue // checkJITLevels
		}
		switch id := accessID(spec.Name, l.Name); {
		case l.Name == "":
			errs.Add(field.Required(lp.Child("name"), "the level's name, e.g. \"break-glass\""))
		case !accessLevelName.MatchString(l.Name):
			errs.Addf(lp.Child("name"), l.Name, "use lowercase letters, digits and '-', starting with a letter and not ending with '-'")
		case !entitlementID.MatchString(id):
			errs.Addf(lp.Child("name"), l.Name, "gives the entitlement ID and group name %q, which Privileged Access Manager rejects: at most 63 characters; shorten the level or package name", id)
		}
		switch n := len(l.Requestors); {
		case n == 0:
			errs.Add(field.Required(lp.Child("requestors"), "at least one principal (\"user:<email>\" or \"group:<email>\") who may request the level; Privileged Access Manager needs eligible users"))
		case n > maxRequestors:
			errs.Addf(lp.Child("requestors"), n, "Privileged Access Manager takes at most %d requesting principals per entitlement; name a group instead of its members (\"group:<email>\")", maxRequestors)
		}
		checkPrincipals(&errs, lp.Child("requestors"), l.Requestors)
		if n := len(l.Approval); n > maxApprovalStages {
			errs.Addf(lp.Child("approval"), n, "Privileged Access Manager takes at most %d approval stages", maxApprovalStages)
		}
		for j, s := range l.Approval {
			sp := lp.Child("approval").Index(j)
			if len(s.Approvers) == 0 {
				errs.Add(field.Required(sp.Child("approvers"), "at least one principal (\"user:<email>\" or \"group:<email>\") who may approve; leave out the stage for grants without approval"))
			}
			checkPrincipals(&errs, sp.Child("approvers"), s.Approvers)
		}
		switch {
		case l.MaxDuration <= 0:
			errs.Addf(lp.Child("maxDuration"), l.MaxDuration.String(), "every grant must end: give how long it lasts, e.g. 8h")
		case l.MaxDuration%time.Second != 0:
			errs.Addf(lp.Child("maxDuration"), l.MaxDuration.String(), "Privileged Access Manager counts grant durations in whole seconds; use e.g. 8h or 90m")
		}
		if l.Review != nil {
			errs.Addf(lp.Child("review"), l.Review.Every, "Privileged Access Manager has no access reviews (they are an Entra ID feature); on GKE every grant ends after maxDuration (%s) and must be requested again, so leave review unset for GKE", l.MaxDuration)
		}
		switch g := l.ExistingGroup; {
		case g == "":
			creates = append(creates, lp.String())
		case strings.HasPrefix(g, "group:"):
			errs.Addf(lp.Child("existingGroup"), g, "give the group's email alone, without \"group:\"")
		case !format.Email(g):
			errs.Addf(lp.Child("existingGroup"), g, "not a Google group email; on GKE an existing group is named by its email, e.g. \"platform-admins@acme.example\" (Entra object IDs are Azure's)")
		}
	}
	if len(creates) > 0 {
		cp := field.NewPath("gke")
		if cfg.CustomerID == "" {
			errs.Add(field.Required(cp.Child("customerID"), "the Cloud Identity customer ID groups are created under, e.g. \"C03az79cb\" (gcloud organizations list, DIRECTORY_CUSTOMER_ID), because %s create a group; or give those levels an existingGroup", strings.Join(creates, ", ")))
		}
		if cfg.GroupDomain == "" && teamLevels([]platform.AccessPackageSpec{spec}) == 0 { // else checkJITConfig said it
			errs.Add(field.Required(cp.Child("groupDomain"), "the domain groups are created in, e.g. \"acme.example\", because %s create a group; or give those levels an existingGroup", strings.Join(creates, ", ")))
		}
	}
	return errs.Err()
}

// checkPrincipals adds an error for each entry of list at path that is not
// "user:<email>" or "group:<email>", or that repeats an earlier one.
func checkPrincipals(errs *field.List, path field.Path, list []string) {
	seen := map[string]bool{}
	for i, p := range list {
		switch {
		case !googlePrincipal(p):
			errs.Addf(path.Index(i), p, "not a Google principal; on GKE write \"user:<email>\" or \"group:<email>\" (Entra object IDs are Azure's)")
		case seen[strings.ToLower(p)]:
			errs.Addf(path.Index(i), p, "listed twice")
		}
		seen[strings.ToLower(p)] = true
	}
}

// googlePrincipal reports whether p is a v1 IAM principal of a Google user
// or group: "user:<email>" or "group:<email>".
func googlePrincipal(p string) bool {
	kind, email, ok := strings.Cut(p, ":")
	return ok && (kind == "user" || kind == "group") && format.Email(email)
}

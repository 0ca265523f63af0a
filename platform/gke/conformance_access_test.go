package gke_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestAccessConformance(t *testing.T) {
	env := "//cloudresourcemanager.googleapis.com/projects/" + project
	viewer := []platformtest.AccessGrant{{Role: clusterViewer, Scope: env}}
	platformtest.AccessConformance(t, func(ctx *pulumi.Context) (platformtest.AccessTestBackend, error) {
		return gke.New(ctx, "gcp", accessConfig)
	}, platformtest.AccessExpectations{
		Members:        "group:payments@acme.example",
		Leads:          "group:payments-leads@acme.example",
		Security:       "user:security@acme.example",
		ExistingGroup:  "payments-admins@acme.example",
		GroupType:      groupType,
		GroupNameInput: "groupKey.id",
		GroupName:      "plinth-{package}-{level}@acme.example",
		Environment:    env,
		// Privileged Access Manager binds an active grant's roles on the
		// project to the requesting user, not to the group.
		LevelGrants: map[platform.AccessRole][]platformtest.AccessGrant{
			platform.AccessView:         viewer,
			platform.AccessEdit:         viewer,
			platform.AccessAdmin:        viewer,
			platform.AccessClusterAdmin: {{Role: containerAdmin, Scope: env}},
		},
		Grants:       entitlementGrants,
		Policy:       entitlementPolicy,
		TagsProperty: gke.TagsProperty,
	})
}

// entitlementGrants reads the role bindings of an entitlement as grants.
func entitlementGrants(t testing.TB, r *platformtest.Resource) []platformtest.AccessGrant {
	if r.Type != entitlementType {
		return nil
	}
	access := platformtest.Input(t, r, "privilegedAccess.gcpIamAccess")
	scope := platformtest.At(t, access, "resource").(string)
	var out []platformtest.AccessGrant
	for _, b := range platformtest.At(t, access, "roleBindings").([]any) {
		out = append(out, platformtest.AccessGrant{Role: platformtest.At(t, b, "role").(string), Scope: scope})
	}
	return out
}

// entitlementPolicy reads an entitlement as a request policy. Privileged
// Access Manager keeps no approval timeouts and no reviews.
func entitlementPolicy(t testing.TB, r *platformtest.Resource) (platformtest.AccessPolicy, bool) {
	if r.Type != entitlementType {
		return platformtest.AccessPolicy{}, false
	}
	secs, err := strconv.Atoi(strings.TrimSuffix(platformtest.Input(t, r, "maxRequestDuration").(string), "s"))
	if err != nil {
		t.Fatalf("%s: maxRequestDuration: %v", r.Name, err)
	}
	_, justification := platformtest.Input(t, r, "requesterJustificationConfig").(map[string]any)["unstructured"]
	p := platformtest.AccessPolicy{Justification: justification, MaxDuration: time.Duration(secs) * time.Second}
	for _, u := range platformtest.Input(t, r, "eligibleUsers").([]any) {
		p.Requestors = append(p.Requestors, stringList(t, platformtest.At(t, u, "principals"))...)
	}
	if steps, ok := r.Input("approvalWorkflow.manualApprovals.steps"); ok {
		for _, s := range steps.([]any) {
			p.Approval = append(p.Approval, platform.ApprovalStage{Approvers: stringList(t, platformtest.At(t, s, "approvers", "principals"))})
		}
	}
	return p, true
}

// stringList reads a snapshot input holding a list of strings.
func stringList(t testing.TB, v any) []string {
	var out []string
	for _, p := range v.([]any) {
		out = append(out, p.(string))
	}
	return out
}

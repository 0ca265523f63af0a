package aks_test

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestAccessConformance(t *testing.T) {
	perNamespace := func(role string) []platformtest.AccessGrant {
		return []platformtest.AccessGrant{
			{Role: aksClusterUser, Scope: "{cluster}", Principal: "{group}"},
			{Role: role, Scope: "{cluster}/namespaces/{namespace}", Principal: "{group}"},
		}
	}
	platformtest.AccessConformance(t, func(ctx *pulumi.Context) (platformtest.AccessTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	}, platformtest.AccessExpectations{
		Members:           "group:" + devsGroup,
		Leads:             "group:" + leadsGroup,
		Security:          "user:" + securityUser,
		ExistingGroup:     existingGroup,
		CatalogType:       catalogType,
		LevelsNameCatalog: true,
		GroupType:         groupType,
		GroupNameInput:    "displayName",
		GroupName:         "plinth-{package}-{level}",
		Reviews:           true,
		ApprovalTimeouts:  true,
		Environment:       "{cluster}",
		LevelGrants: map[platform.AccessRole][]platformtest.AccessGrant{
			platform.AccessView:  perNamespace(aksRBACReader),
			platform.AccessEdit:  perNamespace(aksRBACWriter),
			platform.AccessAdmin: perNamespace(aksRBACAdmin),
			platform.AccessClusterAdmin: {
				{Role: aksClusterUser, Scope: "{cluster}", Principal: "{group}"},
				{Role: aksRBACClusterAdmin, Scope: "{cluster}", Principal: "{group}"},
			},
		},
		Grants:       entraGrants,
		Policy:       entraPolicy,
		TagsProperty: aks.TagsProperty,
	})
}

// entraGrants reads a role assignment as a grant.
func entraGrants(t testing.TB, r *platformtest.Resource) []platformtest.AccessGrant {
	if r.Type != roleAssignmentType {
		return nil
	}
	return []platformtest.AccessGrant{{
		Role:      platformtest.Input(t, r, "roleDefinitionId").(string),
		Scope:     platformtest.Input(t, r, "scope").(string),
		Principal: platformtest.Input(t, r, "principalId").(string),
	}}
}

// reviewEvery maps entitlement management's review frequencies back to
// AccessReview.Every.
var reviewEvery = map[string]string{"monthly": "monthly", "quarterly": "quarterly", "halfyearly": "semiannually", "annual": "annually"}

// entraPolicy reads an assignment policy as a request policy.
func entraPolicy(t testing.TB, r *platformtest.Resource) (platformtest.AccessPolicy, bool) {
	if r.Type != policyType {
		return platformtest.AccessPolicy{}, false
	}
	p := platformtest.AccessPolicy{
		Requestors:    entraSubjects(t, platformtest.Input(t, r, "requestorSettings.requestors")),
		Justification: platformtest.Input(t, r, "approvalSettings.requestorJustificationRequired").(bool),
		MaxDuration:   time.Duration(platformtest.Input(t, r, "durationInDays").(float64)) * 24 * time.Hour,
	}
	stages, _ := r.Input("approvalSettings.approvalStages")
	list, _ := stages.([]any)
	for _, st := range list {
		p.Approval = append(p.Approval, platform.ApprovalStage{
			Approvers:   entraSubjects(t, platformtest.At(t, st, "primaryApprovers")),
			TimeoutDays: int(platformtest.At(t, st, "approvalTimeoutInDays").(float64)),
		})
	}
	if required := platformtest.Input(t, r, "approvalSettings.approvalRequired").(bool); required != (len(p.Approval) > 0) {
		t.Errorf("%s: approvalRequired is %v with %d approval stages; approval is required exactly when there are stages", r.Name, required, len(p.Approval))
	}
	if platformtest.Input(t, r, "assignmentReviewSettings.enabled").(bool) {
		p.Review = &platform.AccessReview{
			Every:     reviewEvery[platformtest.Input(t, r, "assignmentReviewSettings.reviewFrequency").(string)],
			Reviewers: entraSubjects(t, platformtest.Input(t, r, "assignmentReviewSettings.reviewers")),
		}
	}
	return p, true
}

// entraSubjects reads entitlement-management subjects as principals.
func entraSubjects(t testing.TB, v any) []string {
	kinds := map[string]string{"singleUser": "user:", "groupMembers": "group:"}
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("subjects %#v are not a list", v)
	}
	var out []string
	for _, s := range list {
		kind, ok := kinds[platformtest.At(t, s, "subjectType").(string)]
		if !ok {
			t.Fatalf("subject %v: unknown subject type", s)
		}
		out = append(out, kind+platformtest.At(t, s, "objectId").(string))
	}
	return out
}

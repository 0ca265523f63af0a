package gke_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestAccessConformance(t *testing.T) {
	env := "//cloudresourcemanager.googleapis.com/projects/" + project
	platformtest.AccessConformance(t, func(ctx *pulumi.Context) (platformtest.AccessTestBackend, error) {
		return gke.New(ctx, "gcp", accessConfig)
	}, platformtest.AccessExpectations{
		Members:  "group:payments@acme.example",
		Leads:    "group:payments-leads@acme.example",
		Security: "user:security@acme.example",
		// A team level's group is its JIT group: JIT Groups creates it,
		// and approves and expires its memberships as the catalog's
		// policy says.
		TeamGroupsOutside: true,
		TeamGroupName:     "jit.prod.{team}.{level}@acme.example",
		CatalogPolicies:   jitPolicies,
		MaxApprovalStages: gkefacts.Facts.MaxApprovalStages,
		CatalogType:       "gcp:secretmanager/secret:Secret",
		CatalogRoles:      []string{"jit-account", "jit-impersonation", "jit-policy-version", "jit-policy-access", "jit-grants"},
		GroupType:         groupType,
		GroupNameInput:    "groupKey.id",
		GroupName:         "plinth-{package}-{level}@acme.example",
		Environment:       env,
		// A team level holds no IAM in the stack: its JIT group holds
		// clusterViewer while it has members (TestJITPolicy). Privileged
		// Access Manager binds an active break-glass grant's role on the
		// project to the requesting user, not to the group.
		LevelGrants: map[platform.AccessRole][]platformtest.AccessGrant{
			platform.AccessClusterAdmin: {{Role: containerAdmin, Scope: env}},
		},
		Grants:       entitlementGrants,
		Policy:       entitlementPolicy,
		TagsProperty: gke.TagsProperty,
	})
}

// jitPolicies reads the JIT Groups policy the catalog writes for spec
// back into request policies: JOIN names a requestor, APPROVE_SELF a level
// without approval, APPROVE_OTHERS an approver of its one stage, the expiry
// constraint's max the maximum duration, the justification expression a
// justification.
func jitPolicies(spec platform.AccessCatalogSpec) map[string]platformtest.AccessPolicy {
	var doc struct {
		Environment struct {
			Systems []struct {
				Name   string
				Groups []struct {
					Name        string
					Access      []struct{ Principal, Allow string }
					Constraints struct {
						Join []struct{ Type, Name, Max string }
					}
				}
			}
		}
	}
	if err := yaml.Unmarshal([]byte(gke.JITPolicy(accessConfig, spec)), &doc); err != nil {
		panic(err)
	}
	pkg := map[string]string{}
	for _, p := range spec.Packages {
		pkg[p.Team] = p.Name
	}
	out := map[string]platformtest.AccessPolicy{}
	for _, sys := range doc.Environment.Systems {
		for _, g := range sys.Groups {
			var p platformtest.AccessPolicy
			var approvers []string
			for _, ace := range g.Access {
				allow := strings.Split(ace.Allow, ", ")
				if slices.Contains(allow, "JOIN") {
					p.Requestors = append(p.Requestors, ace.Principal)
				}
				if slices.Contains(allow, "APPROVE_OTHERS") {
					approvers = append(approvers, ace.Principal)
				}
			}
			if len(approvers) > 0 {
				p.Approval = []platform.ApprovalStage{{Approvers: approvers}}
			}
			for _, c := range g.Constraints.Join {
				switch {
				case c.Type == "expiry":
					p.MaxDuration = isoDuration(c.Max)
				case c.Type == "expression" && c.Name == "justification":
					p.Justification = true
				}
			}
			out[pkg[sys.Name]+"/"+g.Name] = p
		}
	}
	return out
}

// isoDuration reads the ISO 8601 durations JIT Groups takes: P<d>D,
// PT<h>H<m>M and their combinations.
func isoDuration(s string) time.Duration {
	var d time.Duration
	n := 0
	for _, r := range strings.TrimPrefix(s, "P") {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r == 'D':
			d, n = d+time.Duration(n)*24*time.Hour, 0
		case r == 'H':
			d, n = d+time.Duration(n)*time.Hour, 0
		case r == 'M':
			d, n = d+time.Duration(n)*time.Minute, 0
		}
	}
	return d
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

package accesspackage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// level is a valid custom level to start a case from.
func level(name string, role platform.AccessRole) accesspackage.Level {
	return accesspackage.Level{Name: name, Role: role, Requestors: []string{"group:payments-members"},
		Approval: []platform.ApprovalStage{{Approvers: []string{"group:payments-leads"}}}}
}

func levels(ls ...accesspackage.Level) func(a *accesspackage.Args) {
	return func(a *accesspackage.Args) { a.Levels = ls }
}

// expectErrors checks that err is a *field.ErrorList rendering exactly want.
func expectErrors(t *testing.T, err error, want []string) {
	t.Helper()
	var list *field.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v is not a *field.ErrorList", err)
	}
	if got, want := list.Error(), strings.Join(want, "\n"); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
}

// expectNothingRegistered checks that no team access reached the backend
// or the cluster.
func expectNothingRegistered(t *testing.T, res result) {
	t.Helper()
	if n := len(res.backend.AccessPackages()); n != 0 {
		t.Errorf("%d access packages created despite invalid args", n)
	}
	for _, typ := range []string{accesspackage.TypeToken, namespaceType, roleBindingType, netpolType, quotaType, fake.GroupType} {
		if n := len(res.snap.OfType(typ)); n != 0 {
			t.Errorf("%d %s registered despite invalid args", n, typ)
		}
	}
}

func TestValidation(t *testing.T) {
	no := false
	for _, tc := range []struct {
		name   string
		cloud  platform.CloudFacts
		mutate func(a *accesspackage.Args)
		want   []string
	}{
		{"namespace names Kubernetes rejects", fake.Facts, func(a *accesspackage.Args) {
			a.Namespaces = []accesspackage.Namespace{{Name: "Payments_API"}, {Name: "payments-"}, {Name: strings.Repeat("p", 64)}, {}}
		}, []string{
			`accessPackage.namespaces[0].name "Payments_API": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
			`accessPackage.namespaces[1].name "payments-": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
			`accessPackage.namespaces[2].name "` + strings.Repeat("p", 64) + `": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
			`accessPackage.namespaces[3].name: required: the namespace's name, a DNS-1123 label such as "payments"`,
		}},
		{"duplicate namespace", fake.Facts, func(a *accesspackage.Args) {
			a.Namespaces = []accesspackage.Namespace{{Name: "payments"}, {Name: "payments"}}
		}, []string{`accessPackage.namespaces[1].name "payments": repeats accessPackage.namespaces[0]; list each namespace once`}},
		{"reserved namespaces", fake.Facts, func(a *accesspackage.Args) {
			a.IngressNamespace = "traefik"
			a.Namespaces = []accesspackage.Namespace{{Name: "kube-system"}, {Name: "default"}, {Name: "traefik"}, {Name: "cert-manager"}, {Name: "gke-managed-system"}}
		}, []string{
			`accessPackage.namespaces[0].name "kube-system": reserved (names starting with "kube-" belong to Kubernetes and the clouds): a team must not get rights in it; pick a namespace of the team's own`,
			`accessPackage.namespaces[1].name "default": reserved (a platform or Kubernetes namespace): a team must not get rights in it; pick a namespace of the team's own`,
			`accessPackage.namespaces[2].name "traefik": is the ingress controller's namespace (ingressNamespace); a team must not get rights in it; pick a namespace of the team's own`,
			`accessPackage.namespaces[3].name "cert-manager": reserved (a platform or Kubernetes namespace): a team must not get rights in it; pick a namespace of the team's own`,
			`accessPackage.namespaces[4].name "gke-managed-system": reserved (names starting with "gke-" belong to Kubernetes and the clouds): a team must not get rights in it; pick a namespace of the team's own`,
		}},
		{"duplicate level names", fake.Facts, levels(level("dev", platform.AccessEdit), level("dev", platform.AccessView)),
			[]string{`accessPackage.levels[1].name "dev": repeats accessPackage.levels[0].name; level names are unique within a team`}},
		{"bad level name", fake.Facts, levels(level("Developer", platform.AccessEdit), level("", platform.AccessView)), []string{
			`accessPackage.levels[0].name "Developer": use 1-20 lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
			`accessPackage.levels[1].name: required: the level's name, e.g. "developer"`,
		}},
		{"no approvers where approval is required", fake.Facts, func(a *accesspackage.Args) {
			a.Approvers = nil
			a.Levels = []accesspackage.Level{{Name: "dev", Role: platform.AccessEdit}}
		}, []string{`accessPackage.levels[0].approval: required: approval required: add approvers (an approval stage, or the package's approvers) or set noApproval`}},
		{"stage without approvers, bad timeout", fake.Facts, levels(accesspackage.Level{Name: "dev", Role: platform.AccessEdit,
			Approval: []platform.ApprovalStage{{TimeoutDays: 30}}}), []string{
			`accessPackage.levels[0].approval[0].approvers: required: who approves this stage, e.g. "group:<team leads>"`,
			`accessPackage.levels[0].approval[0].timeoutDays 30: must be 1..14; leave it unset for 1`,
		}},
		{"approval and noApproval", fake.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.NoApproval = true
			a.Levels = []accesspackage.Level{l}
		}, []string{`accessPackage.levels[0].noApproval true: the level also has approval stages; remove one of the two`}},
		{"admin without approval", fake.Facts, levels(accesspackage.Level{Name: "admin", Role: platform.AccessAdmin, NoApproval: true}),
			[]string{`accessPackage.levels[0].noApproval true: admin can change the namespace's RoleBindings and read its secrets; it always needs approval: remove noApproval and add approvers`}},
		{"duration longer than the platform maximum", fake.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.MaxDuration = 100 * 24 * time.Hour
			a.Levels = []accesspackage.Level{l}
		}, []string{`accessPackage.levels[0].maxDuration 2400h0m0s: longer than the platform maximum 2160h0m0s (90 days, accessCatalog.maxDuration); shorten the level's maxDuration or raise the catalog's`}},
		{"duration in minutes", fake.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.MaxDuration = 90 * time.Minute
			a.Levels = []accesspackage.Level{l}
		}, []string{`accessPackage.levels[0].maxDuration 1h30m0s: must be whole hours, at least 1h`}},
		{"bad principals", fake.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.Requestors = []string{"alice", "team:payments", "user:alice smith"}
			l.Approval[0].Approvers = []string{"user:"}
			a.Levels = []accesspackage.Level{l}
			a.Approvers = []string{"payments leads"}
		}, []string{
			`accessPackage.approvers[0] "payments leads": a principal is "user:<id>" or "group:<id>"; on fake the id is an ID without spaces, e.g. "group:payments-leads"`,
			`accessPackage.levels[0].requestors[0] "alice": a principal is "user:<id>" or "group:<id>"; on fake the id is an ID without spaces, e.g. "group:payments-leads"`,
			`accessPackage.levels[0].requestors[1] "team:payments": a principal is "user:<id>" or "group:<id>"; on fake the id is an ID without spaces, e.g. "group:payments-leads"`,
			`accessPackage.levels[0].requestors[2] "user:alice smith": on fake the id is an ID without spaces, e.g. "user:payments-leads"`,
			`accessPackage.levels[0].approval[0].approvers[0] "user:": a principal is "user:<id>" or "group:<id>"; on fake the id is an ID without spaces, e.g. "group:payments-leads"`,
		}},
		{"cluster-admin in a team", fake.Facts, levels(level("root", platform.AccessClusterAdmin)),
			[]string{`accessPackage.levels[0].role "cluster-admin": only the catalog's break-glass level may grant cluster-wide rights; use admin for the team's namespaces, or accessCatalog.breakGlass for incidents`}},
		{"unknown and missing role", fake.Facts, levels(level("owner", "owner"), level("dev", "")), []string{
			`accessPackage.levels[0].role "owner": must be view, edit or admin`,
			`accessPackage.levels[1].role: required: what members may do: view, edit or admin in the team's namespaces`,
		}},
		{"no requestors", fake.Facts, func(a *accesspackage.Args) {
			a.Requestors = nil
			l := level("dev", platform.AccessEdit)
			l.Requestors = nil
			a.Levels = []accesspackage.Level{l}
		}, []string{`accessPackage.levels[0].requestors: required: who may request the level: set requestors on the level, or the package's requestors`}},
		{"default levels without requestors or approvers", fake.Facts, func(a *accesspackage.Args) { a.Requestors, a.Approvers = nil, nil }, []string{
			`accessPackage.requestors: required: the default levels (reader, developer, admin) need requestors: the principals who may request them, e.g. "group:<team members>"; or set levels`,
			`accessPackage.approvers: required: the default levels developer and admin need approval: name the approvers, e.g. the team's leads; or set levels with approval stages`,
		}},
		{"bad review", fake.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.Review = &platform.AccessReview{Every: "weekly"}
			a.Levels = []accesspackage.Level{l}
		}, []string{
			`accessPackage.levels[0].review.every "weekly": must be one of monthly, quarterly, semiannually, annually`,
			`accessPackage.levels[0].review.reviewers: required: who reviews the level's members, e.g. the team's leads`,
		}},
		{"one existing group for two levels", fake.Facts, func(a *accesspackage.Args) {
			r, d := level("reader", platform.AccessView), level("dev", platform.AccessEdit)
			r.ExistingGroup, d.ExistingGroup = "engineers", "engineers"
			a.Levels = []accesspackage.Level{r, d}
		}, []string{`accessPackage.levels[1].existingGroup "engineers": already the group of accessPackage.levels[0]; a group backs one level, or its members would hold both roles`}},
		{"team name", fake.Facts, func(a *accesspackage.Args) { a.Team, a.Namespaces = "Payments", nil }, []string{
			`accessPackage.team "Payments": use 1-30 lowercase letters, digits and '-', starting with a letter and not ending with '-'`,
		}},
		{"missing team", fake.Facts, func(a *accesspackage.Args) { a.Team = "" },
			[]string{`accessPackage.team: required: the team's name, e.g. "payments"`}},
		{"missing cost center", fake.Facts, func(a *accesspackage.Args) { a.CostCenter = "" },
			[]string{`accessPackage.costCenter: required: the cost center the team's namespaces are charged to, e.g. "cc-1234"; set it here or on the catalog, or tag the cluster with "cost-center"`}},
		{"tags", fake.Facts, func(a *accesspackage.Args) { a.Tags = map[string]string{"team": "billing", "tier": "gold-"} }, []string{
			`accessPackage.tags["team"] "billing": Plinth sets this label from accessPackage.team; remove the tag`,
			`accessPackage.tags["tier"] "gold-": a Kubernetes label value starts and ends with a letter or digit`,
		}},
		{"quota and limits", fake.Facts, func(a *accesspackage.Args) {
			a.Namespaces[0].Quota = &accesspackage.Quota{CPU: "eight", Memory: "64Gi", Pods: -1}
			a.Namespaces[0].Limits = &accesspackage.Limits{CPURequest: "16", MemoryRequest: "1Gi", MemoryLimit: "512Mi", CPULimit: "100m"}
			a.Namespaces[1].Limits = &accesspackage.Limits{MemoryLimit: "64Gi"}
			a.Namespaces[1].PodSecurity = "privileged"
		}, []string{
			`accessPackage.namespaces[0].quota.cpu "eight": not a Kubernetes quantity; write e.g. "8", "500m", "16Gi"`,
			`accessPackage.namespaces[0].quota.memoryLimit "32Gi": less than quota.memory "64Gi"; limits are at least requests, so no pod could use the requested memory`,
			`accessPackage.namespaces[0].quota.pods -1: a count cannot be negative`,
			`accessPackage.namespaces[0].limits.memoryLimit "512Mi": less than limits.memoryRequest "1Gi"; Kubernetes rejects a default limit below the default request`,
			`accessPackage.namespaces[0].limits.cpuLimit "100m": less than limits.cpuRequest "16"; Kubernetes rejects a default limit below the default request`,
			`accessPackage.namespaces[1].limits.memoryLimit "64Gi": more than quota.memoryLimit "32Gi"; no container with the default limit would fit`,
			`accessPackage.namespaces[1].podSecurity "privileged": must be "baseline" or "restricted"; a team namespace never runs privileged pods`,
		}},
		{"Azure principals are object IDs", aksfacts.Facts, func(a *accesspackage.Args) {
			l := level("dev", platform.AccessEdit)
			l.Requestors = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", "group:payments"}
			l.Approval[0].Approvers = []string{"user:alice@example.com"}
			l.ExistingGroup = "payments-devs"
			a.Levels = []accesspackage.Level{l}
			a.Requestors, a.Approvers = nil, nil
		}, []string{
			`accessPackage.levels[0].requestors[1] "group:payments": on Azure the id is an Entra object ID, e.g. "group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
			`accessPackage.levels[0].approval[0].approvers[0] "user:alice@example.com": on Azure the id is an Entra object ID, e.g. "user:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
			`accessPackage.levels[0].existingGroup "payments-devs": not a group ID; use an Entra group object ID, e.g. "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
		}},
		{"GCP: emails, two approval stages, no reviews", gkefacts.Facts, func(a *accesspackage.Args) {
			a.Levels = []accesspackage.Level{{
				Name: "dev", Role: platform.AccessEdit, Requestors: []string{"group:payments@example.com", "user:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"},
				Approval: []platform.ApprovalStage{
					{Approvers: []string{"group:payments-leads@example.com"}},
					{Approvers: []string{"user:cto@example.com"}},
					{Approvers: []string{"user:ciso@example.com"}},
				},
				Justification: &no,
				Review:        &platform.AccessReview{Every: "quarterly", Reviewers: []string{"group:payments-leads@example.com"}},
			}}
			a.Requestors, a.Approvers = nil, nil
		}, []string{
			`accessPackage.levels[0].requestors[1] "user:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e": on GCP the id is an email address, e.g. "user:payments-leads@example.com"`,
			`accessPackage.levels[0].approval 3: at most 1 approval stage on gcp; merge stages`,
			`accessPackage.levels[0].review "quarterly": GCP has no access reviews: JIT group memberships and Privileged Access Manager grants end after maxDuration and are requested again; leave review unset on GCP`,
		}},
		{"GCP: a team level is its JIT group", gkefacts.Facts, func(a *accesspackage.Args) {
			a.Requestors, a.Approvers = []string{"group:payments@example.com"}, []string{"group:payments-leads@example.com"}
			a.Levels = []accesspackage.Level{{Name: "reader", Role: platform.AccessView, NoApproval: true, ExistingGroup: "all-engineers@example.com"}}
		}, []string{`accessPackage.levels[0].existingGroup "all-engineers@example.com": on GCP a team level's group is its JIT group (jit.<environment>.<team>.<level>@<domain>), whose memberships JIT Groups approves and expires; an existing group's members would hold the level for good: remove existingGroup`}},
		{"GCP: team names of at most 16 characters", gkefacts.Facts, func(a *accesspackage.Args) {
			a.Team = "payments-and-billing"
			a.Namespaces = []accesspackage.Namespace{{Name: "payments"}}
			a.Requestors, a.Approvers = []string{"group:payments@example.com"}, []string{"group:payments-leads@example.com"}
		}, []string{`accessPackage.team "payments-and-billing": longer than 16 characters, the most on gcp: JIT Groups takes system names of at most 16 characters, and a team is a system of the environment's JIT Groups policy; shorten it`}},
		{"Azure: a team level may use an existing group", aksfacts.Facts, func(a *accesspackage.Args) {
			a.Requestors, a.Approvers = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"}, []string{"group:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}
			a.Levels = []accesspackage.Level{{Name: "reader", Role: platform.AccessView, NoApproval: true, MaxDuration: 24 * time.Hour, ExistingGroup: "notagroup"}}
		}, []string{`accessPackage.levels[0].existingGroup "notagroup": not a group ID; use an Entra group object ID, e.g. "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`}},
		{"GCP: at most 20 requestors", gkefacts.Facts, func(a *accesspackage.Args) {
			a.Requestors, a.Approvers = nil, []string{"group:payments-leads@example.com"}
			for i := range 21 {
				a.Requestors = append(a.Requestors, fmt.Sprintf("user:dev%d@example.com", i))
			}
		}, []string{`accessPackage.requestors 21: at most 20 requestors on gcp; name a group ("group:<id>") instead of its members`}},
		{"Azure: whole days", aksfacts.Facts, func(a *accesspackage.Args) {
			a.Requestors, a.Approvers = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"}, []string{"group:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}
			a.Levels = []accesspackage.Level{{Name: "admin", Role: platform.AccessAdmin, MaxDuration: 8 * time.Hour}}
		}, []string{`accessPackage.levels[0].maxDuration 8h0m0s: must be whole days, at least 24h: Entra access package assignments expire after whole days`}},
		{"repeated principals", fake.Facts, func(a *accesspackage.Args) {
			a.Requestors = []string{"group:payments-members", "group:Payments-Members"}
		}, []string{`accessPackage.requestors[1] "group:Payments-Members": repeats accessPackage.requestors[0]; list each principal once`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := render(t, tc.cloud, nil, with(payments(), tc.mutate))
			if res.catalogErr != nil {
				t.Fatal(res.catalogErr)
			}
			expectErrors(t, res.errs[0], tc.want)
			expectNothingRegistered(t, res)
		})
	}
}

func TestCatalogValidation(t *testing.T) {
	no := false
	for _, tc := range []struct {
		name   string
		mutate func(a *accesspackage.CatalogArgs)
		want   []string
	}{
		{"break-glass without approval", func(a *accesspackage.CatalogArgs) {
			a.BreakGlass = &accesspackage.Level{Requestors: []string{"group:oncall"}, NoApproval: true}
		}, []string{`accessCatalog.breakGlass.noApproval true: break-glass access always needs approval; remove noApproval and add an approval stage`}},
		{"break-glass without stages or requestors", func(a *accesspackage.CatalogArgs) { a.BreakGlass = &accesspackage.Level{} }, []string{
			`accessCatalog.breakGlass.requestors: required: who may request break-glass access, e.g. the platform on-call group`,
			`accessCatalog.breakGlass.approval: required: break-glass access needs at least one approval stage with approvers`,
		}},
		{"break-glass too long, wrong role, no justification", func(a *accesspackage.CatalogArgs) {
			breakGlass(a)
			a.BreakGlass.MaxDuration = 12 * time.Hour
			a.BreakGlass.Role = platform.AccessAdmin
			a.BreakGlass.Justification = &no
		}, []string{
			`accessCatalog.breakGlass.role "admin": the break-glass level is cluster-admin; leave role unset, and give teams their rights through AccessPackage levels`,
			`accessCatalog.breakGlass.justification false: break-glass access always requires a justification; leave justification unset`,
			`accessCatalog.breakGlass.maxDuration 12h0m0s: break-glass grants last at most 8h0m0s; shorten it`,
		}},
		{"platform maximum too long", func(a *accesspackage.CatalogArgs) { a.MaxDuration = 400 * 24 * time.Hour },
			[]string{`accessCatalog.maxDuration 9600h0m0s: at most 8760h0m0s (365 days); leave it unset for 2160h0m0s (90 days)`}},
		{"platform maximum in minutes", func(a *accesspackage.CatalogArgs) { a.MaxDuration = 30 * time.Minute },
			[]string{`accessCatalog.maxDuration 30m0s: must be whole hours, at least 1h; leave it unset for 2160h0m0s (90 days)`}},
		{"environment other than the cluster's", func(a *accesspackage.CatalogArgs) { a.Environment = "prod" },
			[]string{`accessCatalog.environment "prod": the cluster is tagged environment "dev"; pass the cluster of this environment, or leave environment unset to use the cluster's`}},
		{"labels", func(a *accesspackage.CatalogArgs) {
			a.CostCenter = "CC 1"
			a.Tags = map[string]string{"environment": "dev"}
			a.ReservedNamespaces = []string{"Monitoring"}
		}, []string{
			`accessCatalog.costCenter "CC 1": not a label value; use 1-63 lowercase letters, digits, '_' and '-', starting and ending with a letter or digit`,
			`accessCatalog.reservedNamespaces[0] "Monitoring": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
			`accessCatalog.tags["environment"] "dev": Plinth sets this label from accessCatalog.environment; remove the tag`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := render(t, fake.Facts, tc.mutate)
			expectErrors(t, res.catalogErr, tc.want)
			if res.snap.Find(accesspackage.CatalogTypeToken, "dev") != nil || len(res.backend.Catalogs()) != 0 || len(res.backend.AccessPackages()) != 0 {
				t.Error("the catalog was registered despite invalid args")
			}
		})
	}
}

func TestLogicalNamesAreCheckedLikeEveryComponent(t *testing.T) {
	// "staging-aks-payments" (20 characters) is the name the stacks give a
	// team's package: it must be accepted.
	args := accesspackage.CatalogArgs{Environment: "dev"}
	if _, err := args.Resolve("staging-aks-payments", field.NewPath("accessCatalog"), on(fake.Facts), platform.ClusterSpec{}); err != nil {
		t.Fatalf("a 20-character name is rejected: %v", err)
	}
	_, err := args.Resolve("platform-westeurope-shared", field.NewPath("accessCatalog"), on(fake.Facts), platform.ClusterSpec{})
	expectErrors(t, err, []string{
		`accessCatalog.name "platform-westeurope-shared": longer than 24 characters; cloud names derived from it would be rejected`,
	})
}

func TestPackageAndCatalogNeedDistinctNames(t *testing.T) {
	tm := payments()
	tm.name = "dev"
	res := render(t, fake.Facts, nil, tm)
	expectErrors(t, res.errs[0], []string{
		`accessPackage.name "dev": the catalog has this name, and the backends would give both the same names; name the package after the team`,
	})
}

func TestBreakGlassIsOneDayAtMostOnAzure(t *testing.T) {
	res := render(t, aksfacts.Facts, func(a *accesspackage.CatalogArgs) {
		a.BreakGlass = &accesspackage.Level{
			Requestors:  []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"},
			Approval:    []platform.ApprovalStage{{Approvers: []string{"group:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}}},
			MaxDuration: 48 * time.Hour,
		}
	})
	expectErrors(t, res.catalogErr, []string{`accessCatalog.breakGlass.maxDuration 48h0m0s: break-glass grants last at most 24h0m0s; shorten it`})
}

func TestReservedNamespacesOfTheCatalog(t *testing.T) {
	res := render(t, fake.Facts, func(a *accesspackage.CatalogArgs) { a.ReservedNamespaces = []string{"monitoring"} },
		with(payments(), func(a *accesspackage.Args) { a.Namespaces = []accesspackage.Namespace{{Name: "monitoring"}} }))
	expectErrors(t, res.errs[0], []string{
		`accessPackage.namespaces[0].name "monitoring": reserved (a platform or Kubernetes namespace): a team must not get rights in it; pick a namespace of the team's own`,
	})
}

func TestEnvironmentIsRequiredWithoutAClusterTag(t *testing.T) {
	_, err := accesspackage.CatalogArgs{}.Resolve("dev", field.NewPath("accessCatalog"), on(fake.Facts), platform.ClusterSpec{Name: "dev"})
	expectErrors(t, err, []string{
		`accessCatalog.environment: required: the "environment" label of every team namespace, e.g. "prod"; set it, or tag the cluster with "environment"`,
	})
}

// A package resolves against a resolved catalog, and ResolvePackages
// needs one too.
func TestResolveNeedsTheResolvedCatalog(t *testing.T) {
	_, err := payments().args.Resolve("payments", field.NewPath("accessPackage"), accesspackage.ResolvedCatalog{})
	expectErrors(t, err, []string{"accessPackage.catalog: required: resolve the platform's catalog first (CatalogArgs.Resolve) and pass it"})
	_, err = accesspackage.ResolvePackages(accesspackage.ResolvedCatalog{}, packages(payments()), field.NewPath("teams"))
	if want := "accessPackages: the catalog is not resolved; pass what CatalogArgs.Resolve returns"; err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// NewCatalog takes what CatalogArgs.Resolve returned, the backend and the
// cluster; New what Args.Resolve returned and the catalog it was resolved
// against. Without them they register nothing and say what to pass.
func TestNewNeedsTheResolvedSettingsTheBackendTheClusterAndTheCatalog(t *testing.T) {
	var (
		b        *fake.Backend
		errs     []error
		returned int
	)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, on(fake.Facts))
		if err != nil {
			return err
		}
		rc, err := accesspackage.CatalogArgs{}.Resolve("dev", field.NewPath("accessCatalog"), on(fake.Facts), cl.Spec)
		if err != nil {
			return err
		}
		r, err := payments().args.Resolve("payments", field.NewPath("accessPackage"), rc)
		if err != nil {
			return err
		}
		for _, call := range []func() (*accesspackage.Catalog, error){
			func() (*accesspackage.Catalog, error) {
				return accesspackage.NewCatalog(ctx, accesspackage.ResolvedCatalog{}, b, cl)
			},
			func() (*accesspackage.Catalog, error) { return accesspackage.NewCatalog(ctx, rc, nil, cl) },
			func() (*accesspackage.Catalog, error) { return accesspackage.NewCatalog(ctx, rc, b, nil) },
			func() (*accesspackage.Catalog, error) {
				return accesspackage.NewCatalog(ctx, rc, b, &cluster.Cluster{})
			},
		} {
			c, err := call()
			if c != nil {
				returned++
			}
			errs = append(errs, err)
		}
		// A catalog resolved from the same settings is another catalog:
		// its claims are not those r would be checked against.
		other, err := accesspackage.CatalogArgs{}.Resolve("other", field.NewPath("accessCatalog"), on(fake.Facts), cl.Spec)
		if err != nil {
			return err
		}
		otherCat, err := accesspackage.NewCatalog(ctx, other, b, cl)
		if err != nil {
			return err
		}
		for _, call := range []func() (*accesspackage.AccessPackage, error){
			func() (*accesspackage.AccessPackage, error) {
				return accesspackage.New(ctx, accesspackage.Resolved{}, otherCat)
			},
			func() (*accesspackage.AccessPackage, error) { return accesspackage.New(ctx, r, nil) },
			func() (*accesspackage.AccessPackage, error) {
				return accesspackage.New(ctx, r, &accesspackage.Catalog{})
			},
			func() (*accesspackage.AccessPackage, error) { return accesspackage.New(ctx, r, otherCat) },
		} {
			p, err := call()
			if p != nil {
				returned++
			}
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		"accessCatalog: not resolved; pass what CatalogArgs.Resolve returns",
		`accessCatalog "dev": no backend; pass the backend the cluster was created with`,
		`accessCatalog "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`,
		`accessCatalog "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`,
		"accessPackage: not resolved; pass what Args.Resolve returns",
		`accessPackage "payments": no catalog; pass the *Catalog NewCatalog returned`,
		`accessPackage "payments": no catalog; pass the *Catalog NewCatalog returned`,
		`accessPackage "payments": resolved against another catalog than "other"; resolve it against the catalog it is created in`,
	} {
		if errs[i] == nil || errs[i].Error() != want {
			t.Errorf("call %d: error:\n%v\nwant:\n%s", i, errs[i], want)
		}
	}
	if returned != 0 {
		t.Errorf("%d components returned with an error", returned)
	}
	if got := b.Catalogs(); len(got) != 1 || got[0].Name != "other" {
		t.Errorf("catalogs created: %+v; want only the valid one, other", got)
	}
	if len(b.AccessPackages()) != 0 || snap.Find(accesspackage.CatalogTypeToken, "dev") != nil || snap.Find(accesspackage.TypeToken, "payments") != nil {
		t.Error("a catalog or package was registered without what it needs")
	}
}

func TestValidAzureAndGCPPrincipals(t *testing.T) {
	for _, tc := range []struct {
		cloud platform.CloudFacts
		p     [2]string
	}{
		{aksfacts.Facts, [2]string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", "user:7a1d0e9c-8b7a-4f1c-9b2e-3d4a4c8e9b7f"}},
		{gkefacts.Facts, [2]string{"group:payments@example.com", "user:alice.smith@example.com"}},
	} {
		t.Run(tc.cloud.Name, func(t *testing.T) {
			mustRender(t, tc.cloud, nil, with(payments(), func(a *accesspackage.Args) { a.Requestors, a.Approvers = []string{tc.p[0]}, []string{tc.p[1]} }))
		})
	}
}

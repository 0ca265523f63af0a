package accesspackage_test

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// One catalog per platform, with a break-glass level; one AccessPackage per
// team. The team gets the default levels: reader (view, no approval),
// developer (edit) and admin (admin), the latter two approved by the
// team's leads, each bound in the team's namespace only. Each component is
// resolved first (pure: nothing is registered, every problem is reported),
// then created: the catalog with the backend and the cluster, the package
// in the catalog.
func ExampleNew() {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "prod", aks.Config{...}), with
		// Entra object IDs as principal IDs, or gke.New with emails.
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target, err := platform.TargetOf(backend, false)
		if err != nil {
			return err
		}
		netR, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, netR, backend)
		if err != nil {
			return err
		}
		clR, err := cluster.Args{Tags: map[string]string{"environment": "prod"}}.Resolve("prod", field.NewPath("cluster"), target, netR.Spec())
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, clR, backend, net)
		if err != nil {
			return err
		}

		catR, err := accesspackage.CatalogArgs{
			CostCenter: "cc-platform",
			BreakGlass: &accesspackage.Level{
				Requestors: []string{"group:platform-oncall"},
				Approval:   []platform.ApprovalStage{{Approvers: []string{"group:platform-leads"}}},
			},
		}.Resolve("prod", field.NewPath("accessCatalog"), target, clR.Spec())
		if err != nil {
			return err
		}
		// Resolve every team before creating the catalog: the catalog
		// hands them all to the backend (on GKE it writes them into the
		// environment's one JIT Groups policy).
		pkgR, err := accesspackage.Args{
			Team:       "payments",
			CostCenter: "cc-1234",
			Requestors: []string{"group:payments-members"},
			Approvers:  []string{"group:payments-leads"},
		}.Resolve("payments", field.NewPath("accessPackage"), catR)
		if err != nil {
			return err
		}
		catalog, err := accesspackage.NewCatalog(ctx, catR, backend, cl)
		if err != nil {
			return err
		}
		if _, err := accesspackage.New(ctx, pkgR, catalog); err != nil {
			return err
		}
		for _, pkg := range backend.AccessPackages() {
			for _, l := range pkg.Levels {
				fmt.Printf("%s/%s: %s in %v, %d approval stage(s), justification %v, expires after %v\n",
					pkg.Team, l.Name, l.Role, pkg.Namespaces, len(l.Approval), l.Justification, l.MaxDuration)
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// platform/break-glass: cluster-admin in [], 1 approval stage(s), justification true, expires after 4h0m0s
	// payments/reader: view in [payments], 0 approval stage(s), justification true, expires after 2160h0m0s
	// payments/developer: edit in [payments], 1 approval stage(s), justification true, expires after 720h0m0s
	// payments/admin: admin in [payments], 1 approval stage(s), justification true, expires after 8h0m0s
}

// Resolve reports every problem at once, field path first, before anything
// is registered or claimed: it needs only the resolved catalog.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: fake.Facts}
	catalog, err := accesspackage.CatalogArgs{MaxDuration: 30 * 24 * time.Hour}.
		Resolve("dev", field.NewPath("accessCatalog"), target, platform.ClusterSpec{Name: "dev", Tags: platform.Tags{"environment": "dev"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	args := accesspackage.Args{
		Team:       "payments",
		CostCenter: "cc-1234",
		Namespaces: []accesspackage.Namespace{{Name: "Payments"}, {Name: "kube-system"}},
		Requestors: []string{"group:payments-members"},
		Levels: []accesspackage.Level{
			{Name: "developer", Role: platform.AccessEdit, MaxDuration: 90 * 24 * time.Hour},
			{Name: "root", Role: platform.AccessClusterAdmin, NoApproval: true},
		},
	}
	_, err = args.Resolve("payments", field.NewPath("accessPackage"), catalog)
	fmt.Println(err)
	// Output:
	// accessPackage.namespaces[0].name "Payments": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit
	// accessPackage.namespaces[1].name "kube-system": reserved (names starting with "kube-" belong to Kubernetes and the clouds): a team must not get rights in it; pick a namespace of the team's own
	// accessPackage.levels[0].approval: required: approval required: add approvers (an approval stage, or the package's approvers) or set noApproval
	// accessPackage.levels[0].maxDuration 2160h0m0s: longer than the platform maximum 720h0m0s (30 days, accessCatalog.maxDuration); shorten the level's maxDuration or raise the catalog's
	// accessPackage.levels[1].role "cluster-admin": only the catalog's break-glass level may grant cluster-wide rights; use admin for the team's namespaces, or accessCatalog.breakGlass for incidents
}

// ResolvePackages resolves every team of a platform against its catalog
// and reports, with each package's own problems, what two packages would
// share: a team, a namespace or a group belongs to one package.
func ExampleResolvePackages() {
	target := platform.Target{Cloud: fake.Facts}
	catalog, err := accesspackage.CatalogArgs{}.
		Resolve("dev", field.NewPath("accessCatalog"), target, platform.ClusterSpec{Name: "dev", Tags: platform.Tags{"environment": "dev"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	team := func(name string, namespaces ...string) accesspackage.Package {
		a := accesspackage.Args{
			Team:       name,
			CostCenter: "cc-1234",
			Requestors: []string{"group:" + name + "-members"},
			Approvers:  []string{"group:" + name + "-leads"},
		}
		for _, ns := range namespaces {
			a.Namespaces = append(a.Namespaces, accesspackage.Namespace{Name: ns})
		}
		return accesspackage.Package{Name: name, Args: a}
	}
	_, err = accesspackage.ResolvePackages(catalog, []accesspackage.Package{
		team("payments", "payments", "shared"),
		team("checkout", "checkout", "shared"),
	}, field.NewPath("teams"))
	fmt.Println(err)
	// Output:
	// teams[1].namespaces[1].name "shared": already belongs to team "payments" (AccessPackage "payments"); team "checkout" (AccessPackage "checkout") cannot share it: a namespace has exactly one team; pick another name
}

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
// team's leads, each bound in the team's namespace only.
func ExampleNew() {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "prod", aks.Config{...}), with
		// Entra object IDs as principal IDs, or gke.New with emails.
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		net, err := network.New(ctx, "prod", &network.Args{Backend: backend, AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, "prod", &cluster.Args{Backend: backend, Network: net, Tags: map[string]string{"environment": "prod"}})
		if err != nil {
			return err
		}
		catalog, err := accesspackage.NewCatalog(ctx, "prod", &accesspackage.CatalogArgs{
			Backend:    backend,
			Cluster:    cl,
			CostCenter: "cc-platform",
			BreakGlass: &accesspackage.Level{
				Requestors: []string{"group:platform-oncall"},
				Approval:   []platform.ApprovalStage{{Approvers: []string{"group:platform-leads"}}},
			},
		})
		if err != nil {
			return err
		}
		_, err = accesspackage.New(ctx, "payments", &accesspackage.Args{
			Catalog:    catalog,
			Team:       "payments",
			CostCenter: "cc-1234",
			Requestors: []string{"group:payments-members"},
			Approvers:  []string{"group:payments-leads"},
		})
		if err != nil {
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
// is registered or claimed.
func ExampleArgs_Resolve() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		net, err := network.New(ctx, "dev", &network.Args{Backend: backend, AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, "dev", &cluster.Args{Backend: backend, Network: net, Tags: map[string]string{"environment": "dev"}})
		if err != nil {
			return err
		}
		catalog, err := accesspackage.NewCatalog(ctx, "dev", &accesspackage.CatalogArgs{Backend: backend, Cluster: cl, MaxDuration: 30 * 24 * time.Hour})
		if err != nil {
			return err
		}
		args := accesspackage.Args{
			Catalog:    catalog,
			Team:       "payments",
			CostCenter: "cc-1234",
			Namespaces: []accesspackage.Namespace{{Name: "Payments"}, {Name: "kube-system"}},
			Requestors: []string{"group:payments-members"},
			Levels: []accesspackage.Level{
				{Name: "developer", Role: platform.AccessEdit, MaxDuration: 90 * 24 * time.Hour},
				{Name: "root", Role: platform.AccessClusterAdmin, NoApproval: true},
			},
		}
		_, err = args.Resolve("payments", field.NewPath("accessPackage"))
		fmt.Println(err)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// accessPackage.namespaces[0].name "Payments": not a namespace name Kubernetes accepts; use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit
	// accessPackage.namespaces[1].name "kube-system": reserved (names starting with "kube-" belong to Kubernetes and the clouds): a team must not get rights in it; pick a namespace of the team's own
	// accessPackage.levels[0].approval: required: approval required: add approvers (an approval stage, or the package's approvers) or set noApproval
	// accessPackage.levels[0].maxDuration 2160h0m0s: longer than the platform maximum 720h0m0s (30 days, accessCatalog.maxDuration); shorten the level's maxDuration or raise the catalog's
	// accessPackage.levels[1].role "cluster-admin": only the catalog's break-glass level may grant cluster-wide rights; use admin for the team's namespaces, or accessCatalog.breakGlass for incidents
}

package backup_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// A production Backup needs no settings: resolved against a production
// target it is locked, geo-redundant storage with 30 days of soft delete,
// Velero on workload identity, and daily and weekly schedules. It is
// resolved first (pure: nothing is registered, every problem is reported),
// then created with the backend and the cluster.
func ExampleNew() {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		// In a real program: backend, err := aks.New(ctx, "prod",
		// aks.Config{...}) and target, err := platform.TargetOf(backend,
		// true). Here the fake backend, which records what it is asked
		// for, builds what is resolved against Azure's facts.
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target := platform.Target{Cloud: aksfacts.Facts, Production: true}

		netR, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, netR, backend)
		if err != nil {
			return err
		}
		clR, err := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), target, netR.Spec())
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, clR, backend, net)
		if err != nil {
			return err
		}

		r, err := backup.Args{}.Resolve("prod", field.NewPath("backup"), target, clR.Spec())
		if err != nil {
			return err
		}
		bk, err := backup.New(ctx, r, backend, cl)
		if err != nil {
			return err
		}
		s := bk.Spec
		fmt.Println("locked", s.Locked, "redundancy", s.Redundancy, "soft delete", s.SoftDeleteDays, "days")
		for _, sc := range s.Schedules {
			fmt.Println(sc.Name, sc.Cron, sc.TTL, sc.Volumes)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// locked true redundancy geo soft delete 30 days
	// daily 0 1 * * * 720h0m0s snapshots
	// weekly 0 3 * * 0 2160h0m0s snapshots
}

// Invalid schedules are reported all at once, field path first, by
// Resolve: before anything is registered, with only the target and the
// resolved cluster.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: aksfacts.Facts}
	args := backup.Args{
		Schedules: []backup.Schedule{{
			Name:               "apps",
			Cron:               "@daily",
			TTL:                0,
			IncludedNamespaces: []string{"shop"},
			ExcludedNamespaces: []string{"shop"},
		}},
	}
	// The cluster's network has the subnet Azure's private endpoint for
	// the storage needs.
	c := platform.ClusterSpec{Name: "prod"}
	c.Network.Spec.Subnets = []platform.SubnetSpec{{Role: platform.SubnetNodes}, {Role: platform.SubnetPrivateEndpoints}}
	_, err := args.Resolve("prod", field.NewPath("backup"), target, c)
	fmt.Println(err)
	// Output:
	// backup.schedules[0].cron "@daily": descriptors are not accepted; write the five fields instead: "0 0 * * *"
	// backup.schedules[0].ttl "0s": must be positive: how long each backup is kept, e.g. 30 * backup.Day
	// backup.schedules[0].excludedNamespaces[0] "shop": also in backup.schedules[0].includedNamespaces[0]; a namespace is either included or excluded, remove it from one list
}

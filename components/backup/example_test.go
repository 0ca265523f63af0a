package backup_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// newCluster creates the network and cluster the examples back up.
func newCluster(ctx *pulumi.Context, b *fake.Backend) (*cluster.Cluster, error) {
	net, err := network.New(ctx, "prod", &network.Args{Backend: b, AddressSpace: "10.20.0.0/16"})
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, "prod", &cluster.Args{Backend: b, Network: net, Production: true})
}

// A production Backup needs only a backend and the cluster: locked,
// geo-redundant storage with 30 days of soft delete, Velero on workload
// identity, and daily and weekly schedules.
func ExampleNew() {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "prod", aks.Config{...}) or
		// gke.New(ctx, "prod", gke.Config{...}).
		b, err := fake.NewAs(ctx, "fake", platform.CloudAzure)
		if err != nil {
			return err
		}
		c, err := newCluster(ctx, b)
		if err != nil {
			return err
		}
		bk, err := backup.New(ctx, "prod", &backup.Args{
			Backend:    b,
			Cluster:    c,
			Production: true,
		})
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

// Invalid schedules are reported all at once, field path first, before
// anything is registered.
func ExampleNew_invalid() {
	var invalid error
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		b, err := fake.NewAs(ctx, "fake", platform.CloudAzure)
		if err != nil {
			return err
		}
		c, err := newCluster(ctx, b)
		if err != nil {
			return err
		}
		_, err = backup.New(ctx, "prod", &backup.Args{
			Backend: b,
			Cluster: c,
			Schedules: []backup.Schedule{{
				Name:               "apps",
				Cron:               "@daily",
				TTL:                0,
				IncludedNamespaces: []string{"shop"},
				ExcludedNamespaces: []string{"shop"},
			}},
		})
		invalid = err
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(invalid)
	// Output:
	// backup.schedules[0].cron "@daily": descriptors are not accepted; write the five fields instead: "0 0 * * *"
	// backup.schedules[0].ttl "0s": must be positive: how long each backup is kept, e.g. 30 * backup.Day
	// backup.schedules[0].excludedNamespaces[0] "shop": also in backup.schedules[0].includedNamespaces[0]; a namespace is either included or excluded, remove it from one list
}

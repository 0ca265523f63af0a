package cluster_test

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// newCluster resolves the network and the cluster against target, then
// creates both through b: the two steps of every component.
func newCluster(ctx *pulumi.Context, b *fake.Backend, target platform.Target, name string, args cluster.Args) (*cluster.Cluster, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve(name, field.NewPath("network"), target)
	if err != nil {
		return nil, err
	}
	r, err := args.Resolve(name, field.NewPath("cluster"), target, nr.Spec())
	if err != nil {
		return nil, err
	}
	net, err := network.New(ctx, nr, b)
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, r, b, net)
}

// A production cluster needs a network and one user pool for the
// workloads; everything else defaults to the production settings of the
// target's cloud: a system pool over three zones, the cloud's machine type,
// a private API server, the Standard tier, the stable channel and a Sunday
// maintenance window.
func ExampleNew() {
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		// In a real program the backend is aks.New(ctx, "prod",
		// aks.Config{...}) and the target platform.TargetOf(backend, true).
		// Here the settings are resolved against Azure's facts and built on
		// the fake backend.
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target := platform.Target{Cloud: aksfacts.Facts, Region: "westeurope", Production: true}
		c, err := newCluster(ctx, b, target, "prod", cluster.Args{
			UserPools: []cluster.NodePool{{Name: "apps", MachineType: "Standard_D8ds_v5"}},
		})
		if err != nil {
			return err
		}
		s := c.Spec
		for _, p := range s.Pools {
			fmt.Println(p.Name, p.MachineType, "zones", p.Zones, "nodes", p.MinCount, "to", p.MaxCount)
		}
		fmt.Println("tier", s.Tier, "private API", s.PrivateAPI)
		fmt.Printf("channel %s, window %s %02d:00 UTC for %d hours\n", s.Channel, s.Window.Day, s.Window.StartHour, s.Window.DurationHours)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// system Standard_D4ds_v5 zones [1 2 3] nodes 3 to 6
	// apps Standard_D8ds_v5 zones [1 2 3] nodes 1 to 10
	// tier standard private API true
	// channel stable, window Sunday 02:00 UTC for 12 hours
}

// A development cluster opts out explicitly: the free tier, one zone, a user
// pool on spot capacity and a public API server that only one office range
// may reach.
func ExampleNew_development() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target := platform.Target{Cloud: aksfacts.Facts, Region: "westeurope"}
		c, err := newCluster(ctx, b, target, "dev", cluster.Args{
			Tier:       platform.TierFree,
			SystemPool: cluster.NodePool{Zones: []string{"1"}, MinCount: 1, MaxCount: 2},
			UserPools: []cluster.NodePool{
				{Name: "spot", Zones: []string{"1"}, Spot: true, MinCount: 0, MaxCount: 3},
			},
			APIServer: cluster.APIServer{Public: true, AuthorizedCIDRs: []string{"203.0.113.0/24"}},
		})
		if err != nil {
			return err
		}
		s := c.Spec
		for _, p := range s.Pools {
			fmt.Println(p.Name, "zones", p.Zones, "spot", p.Spot, "nodes", p.MinCount, "to", p.MaxCount)
		}
		fmt.Println("tier", s.Tier, "private API", s.PrivateAPI, "authorized", s.AuthorizedCIDRs)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// system zones [1] spot false nodes 1 to 2
	// spot zones [1] spot true nodes 0 to 3
	// tier free private API false authorized [203.0.113.0/24]
}

// A production target refuses the development opt-outs. Resolve needs no
// backend and no Pulumi program: it reports every problem at once, field
// path first, before anything is created; the error is a *field.ErrorList
// for programs that want the problems one by one.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: aksfacts.Facts, Region: "westeurope", Production: true}
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", field.NewPath("network"), target)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = cluster.Args{
		Tier:       platform.TierFree,
		SystemPool: cluster.NodePool{Zones: []string{"1"}},
		UserPools:  []cluster.NodePool{{Name: "apps", Zones: []string{"1", "2"}}},
		APIServer:  cluster.APIServer{Public: true},
	}.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
	var list *field.ErrorList
	if errors.As(err, &list) {
		for _, e := range list.Errors {
			fmt.Println(e)
		}
	}
	// Output:
	// cluster.systemPool.zones "1": a production system pool spans at least 3 zones so one zone outage leaves add-ons running
	// cluster.userPools[0].zones "[1 2]": a production pool spreads over at least 3 zones; list 3 or leave zones unset
	// cluster.apiServer.public true: a public API server must be limited to authorizedCIDRs, in every class; add the ranges of operators and CI that may reach it, e.g. ["203.0.113.0/24"], or keep it private
	// cluster.tier "free": a production cluster needs the "standard" tier and its uptime SLA
}

package network_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// A network needs an address space; subnets, pod and service ranges, NAT
// and flow logs default from there. It is made in two steps: Resolve checks
// the settings against the target (the backend's cloud and region) and
// completes them, then New creates what was resolved through the backend.
func ExampleNew() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "dev", aks.Config{...}) or
		// gke.New(ctx, "dev", gke.Config{...}).
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target, err := platform.TargetOf(backend, false)
		if err != nil {
			return err
		}
		r, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("dev", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, r, backend)
		if err != nil {
			return err
		}
		for _, sn := range net.Spec.Subnets {
			fmt.Println(sn.Role, sn.CIDR)
		}
		fmt.Println("pods", net.Spec.PodCIDR, "services", net.Spec.ServiceCIDR)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// nodes 10.20.0.0/18
	// ingress 10.20.64.0/21
	// private-endpoints 10.20.72.0/21
	// pods 100.64.0.0/14 services 100.68.0.0/16
}

// Resolve needs no backend and no Pulumi program: it checks the settings
// against plain data (here Azure's facts) and reports every problem at
// once, field path first, before anything is registered.
func ExampleArgs_Resolve() {
	args := network.Args{
		AddressSpace: "10.20.0.0/16",
		Subnets: []network.Subnet{
			{Role: "nodes", CIDR: "10.20.0.0/18"},
			{Role: "ingress", CIDR: "10.20.32.0/21"},
		},
		NAT: network.NAT{IPCount: 20},
	}
	_, err := args.Resolve("prod", field.NewPath("network"), platform.Target{Cloud: aksfacts.Facts, Region: "westeurope", Production: true, Lock: true})
	fmt.Println(err)
	// Output:
	// network.subnets[1].cidr "10.20.32.0/21": overlaps network.subnets[0].cidr "10.20.0.0/18"; ranges must not share addresses
	// network.nat.ipCount 20: must be 1..16 (the Azure NAT gateway limit)
}

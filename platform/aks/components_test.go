package aks_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// newNetwork resolves args against the backend's target (its cloud's facts
// and region) and creates the network, as a program that uses the Network
// component directly does.
func newNetwork(ctx *pulumi.Context, b platform.NetworkBackend, name string, args network.Args) (*network.Network, error) {
	t, err := platform.TargetOf(b, false)
	if err != nil {
		return nil, err
	}
	r, err := args.Resolve(name, field.NewPath("network"), t)
	if err != nil {
		return nil, err
	}
	return network.New(ctx, r, b)
}

// newCluster resolves args against the backend's target and the network,
// and creates the cluster.
func newCluster(ctx *pulumi.Context, b platform.ClusterBackend, net *network.Network, name string, args cluster.Args) (*cluster.Cluster, error) {
	t, err := platform.TargetOf(b, false)
	if err != nil {
		return nil, err
	}
	r, err := args.Resolve(name, field.NewPath("cluster"), t, net.Spec)
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, r, b, net)
}

package gke_test

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

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

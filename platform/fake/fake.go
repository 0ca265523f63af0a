package fake

import (
	"fmt"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// Resource types the fake registers; internal/mockcloud answers them.
const (
	ProviderType = "pulumi:providers:plinthfake"
	NetworkType  = "plinthfake:index:Network"
	SubnetType   = "plinthfake:index:Subnet"
	EgressIPType = "plinthfake:index:EgressIP"
)

// Backend implements the platform contract without a cloud. Create it with
// New inside a Pulumi program.
type Backend struct {
	provider pulumi.ProviderResource

	mu       sync.Mutex
	networks []platform.NetworkSpec
}

var (
	_ platform.Backend        = (*Backend)(nil)
	_ platform.NetworkBackend = (*Backend)(nil)
)

type providerState struct{ pulumi.ProviderResourceState }

type resourceState struct {
	pulumi.CustomResourceState
	Name    pulumi.StringOutput `pulumi:"name"`
	Address pulumi.StringOutput `pulumi:"address"`
}

// New registers the fake's explicit provider, named name.
func New(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*Backend, error) {
	var p providerState
	if err := ctx.RegisterResource(ProviderType, name, pulumi.Map{}, &p, opts...); err != nil {
		return nil, err
	}
	return &Backend{provider: &p}, nil
}

// Cloud returns platform.CloudFake.
func (b *Backend) Cloud() platform.Cloud { return platform.CloudFake }

// Networks returns the specs NewNetwork received, in call order.
func (b *Backend) Networks() []platform.NetworkSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.NetworkSpec(nil), b.networks...)
}

// NewNetwork registers one network, one subnet per role and one egress
// address per NAT IP, all parented by opts and named after spec.Name.
func (b *Backend) NewNetwork(ctx *pulumi.Context, spec platform.NetworkSpec, opts ...pulumi.ResourceOption) (*platform.NetworkOutputs, error) {
	b.mu.Lock()
	b.networks = append(b.networks, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	n := spec.Name
	var nw resourceState
	err := ctx.RegisterResource(NetworkType, platform.ChildName(n, "network"), pulumi.Map{
		"name":         pulumi.String(platform.ChildName(n, "network")),
		"addressSpace": pulumi.String(spec.AddressSpace),
		"podCidr":      pulumi.String(spec.PodCIDR),
		"serviceCidr":  pulumi.String(spec.ServiceCIDR),
		"tags":         pulumi.ToStringMap(spec.Tags),
	}, &nw, opts...)
	if err != nil {
		return nil, err
	}
	out := &platform.NetworkOutputs{
		ID:        nw.ID().ToStringOutput(),
		Name:      nw.Name,
		Subnets:   map[platform.SubnetRole]platform.SubnetOutputs{},
		EgressIPs: pulumi.ToStringArray(nil).ToStringArrayOutput(),
	}
	for _, sn := range spec.Subnets {
		var s resourceState
		err := ctx.RegisterResource(SubnetType, platform.ChildName(n, string(sn.Role)), pulumi.Map{
			"name":    pulumi.String(string(sn.Role)),
			"network": nw.ID(),
			"cidr":    pulumi.String(sn.CIDR),
		}, &s, opts...)
		if err != nil {
			return nil, err
		}
		out.Subnets[sn.Role] = platform.SubnetOutputs{ID: s.ID().ToStringOutput(), Name: s.Name}
	}
	if spec.NAT.Enabled {
		var ips pulumi.StringArray
		for i := range spec.NAT.IPCount {
			name := platform.ChildName(n, fmt.Sprintf("egress-ip-%d", i+1))
			var ip resourceState
			if err := ctx.RegisterResource(EgressIPType, name, pulumi.Map{"name": pulumi.String(name), "tags": pulumi.ToStringMap(spec.Tags)}, &ip, opts...); err != nil {
				return nil, err
			}
			ips = append(ips, ip.Address)
		}
		out.EgressIPs = ips.ToStringArrayOutput()
	}
	return out, nil
}

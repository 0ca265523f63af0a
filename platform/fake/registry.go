package fake

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Resource types of the fake's registry and image policy.
const (
	// RegistryType is a fake container registry.
	RegistryType = "plinthfake:index:Registry"
	// ImagePolicyType is the fake cloud's image admission policy.
	ImagePolicyType = "plinthfake:index:ImagePolicy"
)

// Roles of the fake's registry grants.
const (
	// RegistryPullRole is the nodes' right on the registry.
	RegistryPullRole = "registry-pull"
	// RegistryPushRole is a pusher's right on the registry.
	RegistryPushRole = "registry-push"
)

// Registries returns the specs NewRegistry received, in call order.
func (b *Backend) Registries() []platform.RegistrySpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.RegistrySpec(nil), b.registries...)
}

// WorkloadPolicies returns the specs NewWorkloadPolicy received, in call
// order.
func (b *Backend) WorkloadPolicies() []platform.WorkloadPolicySpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.WorkloadPolicySpec(nil), b.policies...)
}

// NewRegistry registers a registry "<name>-registry" (protected and
// retained on delete when spec.Locked), a grant "<name>-nodes-pull" of
// RegistryPullRole on it to the cluster's node identity and a grant
// "<name>-pusher-<k>" of RegistryPushRole to each pusher. Its prefix is
// "registry.fake/<name>/". The fake cloud's registries have no endpoint
// (Facts.RegistrySubnet is empty): spec.Private is recorded, nothing more.
// It refuses, registering nothing, a spec RegistrySpec.Validate refuses.
func (b *Backend) NewRegistry(ctx *pulumi.Context, spec platform.RegistrySpec, opts ...pulumi.ResourceOption) (*platform.RegistryOutputs, error) {
	if err := spec.Validate(field.NewPath("registry"), Facts).Err(); err != nil {
		return nil, fmt.Errorf("fake: registry %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.registries = append(b.registries, spec)
	b.mu.Unlock()

	withProvider := append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider))
	keep := append(append([]pulumi.ResourceOption{}, withProvider...), pulumi.Protect(spec.Locked), pulumi.RetainOnDelete(spec.Locked))
	name := platform.ChildName(spec.Name, "registry")
	prefix := "registry.fake/" + spec.Name + "/"
	var reg resourceState
	if err := ctx.RegisterResource(RegistryType, name, pulumi.Map{
		"name":                  pulumi.String(name),
		"prefix":                pulumi.String(prefix),
		"private":               pulumi.Bool(spec.Private),
		"untaggedRetentionDays": pulumi.Int(spec.UntaggedRetentionDays),
		"locked":                pulumi.Bool(spec.Locked),
		"tags":                  pulumi.ToStringMap(spec.Tags),
	}, &reg, keep...); err != nil {
		return nil, err
	}
	if err := b.secretGrant(ctx, platform.ChildName(spec.Name, "nodes-pull"), RegistryPullRole, reg.ID(), spec.Cluster.NodeIdentity, withProvider); err != nil {
		return nil, err
	}
	for k, p := range spec.Pushers {
		if err := b.secretGrant(ctx, platform.ChildName(spec.Name, fmt.Sprintf("pusher-%d", k+1)), RegistryPushRole, reg.ID(), pulumi.String(p), withProvider); err != nil {
			return nil, err
		}
	}
	return &platform.RegistryOutputs{ID: reg.ID().ToStringOutput(), Prefix: pulumi.String(prefix).ToStringOutput()}, nil
}

// NewWorkloadPolicy registers the fake cloud's image policy
// "<name>-image-policy": the registries and system images it admits, the
// attestors it requires and whether it denies or audits. It returns one
// control, over RuleRegistries. It refuses, registering nothing, a spec
// WorkloadPolicySpec.Validate refuses.
func (b *Backend) NewWorkloadPolicy(ctx *pulumi.Context, spec platform.WorkloadPolicySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadPolicyOutputs, error) {
	if err := spec.Validate(field.NewPath("guardrails"), Facts).Err(); err != nil {
		return nil, fmt.Errorf("fake: workload policy %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.policies = append(b.policies, spec)
	b.mu.Unlock()
	effect := "audit"
	if spec.Enforce {
		effect = "deny"
	}
	name := platform.ChildName(spec.Name, "image-policy")
	var p resourceState
	if err := ctx.RegisterResource(ImagePolicyType, name, pulumi.Map{
		"name":           pulumi.String(name),
		"registries":     pulumi.StringArray(spec.Registries),
		"systemImages":   pulumi.ToStringArray(spec.SystemImages),
		"injectedImages": pulumi.ToStringArray(spec.InjectedImages),
		"attestors":      pulumi.ToStringArray(spec.Attestors),
		"effect":         pulumi.String(effect),
	}, &p, append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider))...); err != nil {
		return nil, err
	}
	return &platform.WorkloadPolicyOutputs{Controls: []platform.WorkloadControl{
		{Rule: platform.RuleRegistries, Control: "fake image policy " + name, Effect: effect},
	}}, nil
}

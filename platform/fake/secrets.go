package fake

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// SecretStoreType is a team's store of a fake secret store.
const SecretStoreType = "plinthfake:index:SecretStore"

// Roles of the fake's secret grants.
const (
	// SecretsReaderRole is a team identity's right on its store.
	SecretsReaderRole = "secrets-reader"
	// SecretsWriterRole is a writer group's right on its team's store.
	SecretsWriterRole = "secrets-writer"
)

// SecretStores returns the specs NewSecretStore received, in call order.
func (b *Backend) SecretStores() []platform.SecretStoreSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.SecretStoreSpec(nil), b.secrets...)
}

// NewSecretStore registers, per team, a store "<name>-<team>-store" of its
// own (protected and retained on delete when spec.Locked), a workload
// identity "<name>-<team>" (NewWorkloadIdentity) with a grant
// "<name>-<team>-reader" of SecretsReaderRole on the store, and a grant
// "<name>-<team>-writer-<k>" of SecretsWriterRole on the store for each
// writer. The fake cloud's stores have no endpoint (Facts.SecretStoreSubnet
// is empty): spec.Private is recorded on the store, nothing more. It
// refuses, registering nothing, a spec SecretStoreSpec.Validate refuses.
func (b *Backend) NewSecretStore(ctx *pulumi.Context, spec platform.SecretStoreSpec, opts ...pulumi.ResourceOption) (*platform.SecretStoreOutputs, error) {
	if err := spec.Validate(field.NewPath("secretStore")).Err(); err != nil {
		return nil, fmt.Errorf("fake: secret store %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.secrets = append(b.secrets, spec)
	b.mu.Unlock()

	withProvider := append(append([]pulumi.ResourceOption{}, opts...), pulumi.Provider(b.provider))
	keep := append(append([]pulumi.ResourceOption{}, withProvider...), pulumi.Protect(spec.Locked), pulumi.RetainOnDelete(spec.Locked))
	out := &platform.SecretStoreOutputs{Teams: map[string]platform.TeamSecrets{}}
	for _, t := range spec.Teams {
		tn := platform.ChildName(spec.Name, t.Team)
		name := platform.ChildName(tn, "store")
		var store resourceState
		if err := ctx.RegisterResource(SecretStoreType, name, pulumi.Map{
			"name":           pulumi.String(name),
			"team":           pulumi.String(t.Team),
			"private":        pulumi.Bool(spec.Private),
			"softDeleteDays": pulumi.Int(spec.SoftDeleteDays),
			"locked":         pulumi.Bool(spec.Locked),
			"tags":           pulumi.ToStringMap(spec.TeamTags(t)),
		}, &store, keep...); err != nil {
			return nil, err
		}
		identity, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: tn, Cluster: spec.Cluster, Namespace: t.Namespace, ServiceAccount: t.ServiceAccount, Tags: spec.TeamTags(t),
		}, opts...)
		if err != nil {
			return nil, err
		}
		if err := b.secretGrant(ctx, platform.ChildName(tn, "reader"), SecretsReaderRole, store.ID(), identity.PrincipalID, withProvider); err != nil {
			return nil, err
		}
		for k, w := range t.Writers {
			if err := b.secretGrant(ctx, platform.ChildName(tn, fmt.Sprintf("writer-%d", k+1)), SecretsWriterRole, store.ID(), w, withProvider); err != nil {
				return nil, err
			}
		}
		out.Teams[t.Team] = platform.TeamSecrets{
			Team:           t.Team,
			Store:          store.Name,
			URI:            pulumi.Sprintf("fake://secret-stores/%s", store.Name),
			Namespace:      t.Namespace,
			ServiceAccount: t.ServiceAccount,
			Identity:       identity,
		}
	}
	return out, nil
}

// secretGrant registers a grant of role on scope to principal.
func (b *Backend) secretGrant(ctx *pulumi.Context, name, role string, scope pulumi.IDOutput, principal pulumi.StringInput, opts []pulumi.ResourceOption) error {
	var g resourceState
	return ctx.RegisterResource(GrantType, name, pulumi.Map{
		"name":      pulumi.String(name),
		"role":      pulumi.String(role),
		"scope":     scope,
		"principal": principal,
	}, &g, opts...)
}

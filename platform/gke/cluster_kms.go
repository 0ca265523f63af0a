package gke

import (
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/organizations"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterKMS is the cluster's Cloud KMS key and the grant the cluster
// waits for.
type clusterKMS struct {
	keyRing *kms.KeyRing
	key     *kms.CryptoKey
	grant   *kms.CryptoKeyIAMMember
}

// newClusterKMS registers the key ring and the key of the cluster's
// application-layer secrets encryption, and roles/cloudkms.
// cryptoKeyEncrypterDecrypter for the project's GKE service agent on that
// key only. Nothing when p is nil.
//
// Cloud KMS deletes neither key rings nor keys: when one leaves the stack,
// the provider only forgets the key ring, and destroys the key's versions
// (after the key's scheduled destruction period, 30 days), which makes
// every Secret the cluster encrypted with them unreadable. With p.Protect
// both are protected and retained on delete, so that nothing is forgotten
// or destroyed.
func (b *Backend) newClusterKMS(ctx *pulumi.Context, p *kmsPlan, labels pulumi.StringMap, opts []pulumi.ResourceOption) (*clusterKMS, error) {
	if p == nil {
		return nil, nil
	}
	// Protected with p.Protect; otherwise the key inherits its parent's
	// protection, as the environment's Protect sets it (staging).
	var protect []pulumi.ResourceOption
	if p.Protect {
		protect = append(protect, pulumi.Protect(true))
	}
	keep := b.retained(opts, p.Protect, protect...)
	ring, err := kms.NewKeyRing(ctx, p.KeyRing, &kms.KeyRingArgs{
		Name:     pulumi.String(p.KeyRing),
		Project:  pulumi.String(b.cfg.Project),
		Location: pulumi.String(p.Location),
	}, keep...)
	if err != nil {
		return nil, err
	}
	key, err := kms.NewCryptoKey(ctx, p.Key, &kms.CryptoKeyArgs{
		Name:           pulumi.String(p.Key),
		KeyRing:        ring.ID().ToStringOutput(),
		Purpose:        pulumi.String(p.Purpose),
		RotationPeriod: pulumi.String(p.RotationPeriod),
		VersionTemplate: &kms.CryptoKeyVersionTemplateArgs{
			Algorithm:       pulumi.String(p.Algorithm),
			ProtectionLevel: pulumi.String(p.ProtectionLevel),
		},
		Labels: labels,
	}, keep...)
	if err != nil {
		return nil, err
	}
	// The service agent is Google's, named by the project's number, which
	// Resource Manager reports.
	project := organizations.LookupProjectOutput(ctx, organizations.LookupProjectOutputArgs{
		ProjectId: pulumi.String(b.cfg.Project),
	}, pulumi.Provider(b.provider))
	grant, err := kms.NewCryptoKeyIAMMember(ctx, p.Grant, &kms.CryptoKeyIAMMemberArgs{
		CryptoKeyId: key.ID().ToStringOutput(),
		Role:        pulumi.String(p.Role),
		Member:      project.Number().ApplyT(serviceAgent).(pulumi.StringOutput),
	}, b.opts(opts)...)
	if err != nil {
		return nil, err
	}
	return &clusterKMS{keyRing: ring, key: key, grant: grant}, nil
}

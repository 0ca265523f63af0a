package certmanager_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// cert-manager with DNS01 in an Azure DNS zone: the controller gets a
// workload identity of its own with DNS Zone Contributor on that zone only.
// Each component is resolved against the target first (pure: nothing is
// registered, every problem is reported), then created with the backend
// and the cluster.
func ExampleNew() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: backend, err := aks.New(ctx, "dev",
		// aks.Config{...}) and target, err := platform.TargetOf(backend,
		// false). Here the fake backend builds what is resolved against
		// Azure's facts.
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target := platform.Target{Cloud: aksfacts.Facts}

		netR, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("dev", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, netR, backend)
		if err != nil {
			return err
		}
		clR, err := cluster.Args{}.Resolve("dev", field.NewPath("cluster"), target, netR.Spec())
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, clR, backend, net)
		if err != nil {
			return err
		}

		cmR, err := certmanager.Args{
			Email: "platform@example.com",
			DNSZone: &certmanager.DNSZone{
				Name: "dev.example.com",
				// In a real program: the zone's ID output, e.g. zone.ID().
				ID: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/dev.example.com"),
			},
		}.Resolve("dev", field.NewPath("certManager"), target, clR.Spec())
		if err != nil {
			return err
		}
		if _, err := certmanager.New(ctx, cmR, backend, cl); err != nil {
			return err
		}
		for _, id := range backend.Identities() {
			fmt.Println(id.Name, id.Subject())
			for _, g := range id.Grants {
				fmt.Println("grant:", g.Role)
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println("issuers:", certmanager.ProductionIssuerName, certmanager.StagingIssuerName, certmanager.InternalCAIssuerName)
	// Output:
	// dev-cert-manager system:serviceaccount:cert-manager:cert-manager
	// grant: dns-zone-contributor
	// issuers: letsencrypt-production letsencrypt-staging plinth-internal-ca
}

// Resolve reports every problem at once, field path first, before anything
// is registered: it needs only the target and the resolved cluster.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: aksfacts.Facts, Production: true}
	args := certmanager.Args{
		Email:      "platform",
		ACMEServer: "http://acme.example.com/directory",
		Replicas:   1,
	}
	_, err := args.Resolve("prod", field.NewPath("certManager"), target, platform.ClusterSpec{Name: "prod"})
	fmt.Println(err)
	// Output:
	// certManager.email "platform": not an email address; write only the address, e.g. "platform@example.com"
	// certManager.ingressClass: required: without dnsZone, ACME uses HTTP01 through an ingress class; name it (e.g. "traefik"), or give dnsZone for DNS01
	// certManager.acmeServer "http://acme.example.com/directory": an ACME directory must be an https URL, e.g. "https://acme-v02.api.letsencrypt.org/directory"; account keys and orders must not travel in clear text
	// certManager.replicas 1: a production cert-manager runs at least 2 replicas of the controller, webhook and CA injector, so that a node drain or a zone outage does not stop issuance or block the API server's calls to the webhook
}

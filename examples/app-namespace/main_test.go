package main

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/platformref"
)

const platformStack = "acme/shop-platform/shop-staging"

// sharedPlatform renders the platform team's staging platform, which gives
// the storefront team its namespace, and returns what its stack exports:
// the outputs a stack reference reads after it is deployed.
func sharedPlatform(t *testing.T) platformtest.Outputs {
	t.Helper()
	env := environment.Profile(environment.Staging, platform.CloudAzure)
	env.Name, env.CostCenter = "shop-staging", "cc-1200"
	env.Network.AddressSpace = "10.61.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	env.CertManager.IngressClass = "traefik"
	env.DNS = nil // no zone here: certificates through HTTP01
	env.Teams = []accesspackage.Args{{
		Team:       "storefront",
		Requestors: []string{"group:7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"},
		Approvers:  []string{"group:8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a"},
	}}
	outs, _, err := platformtest.RenderOutputs(env.Name, func(ctx *pulumi.Context) (pulumi.Map, error) {
		b, err := aks.New(ctx, env.Name, aks.Config{
			SubscriptionID: "00000000-0000-0000-0000-000000000000",
			TenantID:       "00000000-0000-0000-0000-000000000001",
			Location:       "francecentral",
			// This module builds Plinth from the repository around it, which
			// names no published commit to download the runbook from.
			RunbookBaseURL: "https://ops.shop.example/plinth",
		})
		if err != nil {
			return nil, err
		}
		p, err := environment.New(ctx, env, b)
		if err != nil {
			return nil, err
		}
		return p.Outputs(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// The storefront lands in the team's namespace, on the platform's cluster
// through its kubeconfig (kept secret), behind its ingress class with a
// certificate from its issuer.
func TestStorefrontOnTheSharedPlatform(t *testing.T) {
	outs := sharedPlatform(t)
	snap, err := platformtest.Render("storefront-staging", Program(platformStack, Storefront("shop.staging.example.com")),
		platformtest.WithStackOutputs(platformStack, outs))
	if err != nil {
		t.Fatal(err)
	}
	provider := snap.Find("pulumi:providers:kubernetes", "platform")
	if got := platformtest.Input(t, provider, "kubeconfig"); got != platformtest.SecretValue {
		t.Errorf("the provider's kubeconfig is %v, want the platform's, secret", got)
	}
	var workloads int
	for _, r := range snap.Resources {
		if !strings.HasPrefix(r.Type, "kubernetes:") {
			continue
		}
		workloads++
		if got := platformtest.Input(t, &r, "metadata.namespace"); got != "storefront" {
			t.Errorf("%s %s is in namespace %v, want the team's, storefront", r.Type, r.Name, got)
		}
		if !strings.HasPrefix(r.Provider, provider.URN+"::") {
			t.Errorf("%s %s deploys through %s, want the platform's kubeconfig", r.Type, r.Name, r.Provider)
		}
	}
	if workloads != 5 {
		t.Errorf("%d Kubernetes objects, want Deployment, PodDisruptionBudget, Service, Ingress and SecretProviderClass", workloads)
	}

	// The database password comes from the team's vault, read by the
	// team's secrets reader, mounted as a file.
	spc := snap.Find("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass", "web-secrets")
	if spc == nil {
		t.Fatal("no SecretProviderClass")
	}
	secrets := outs.Values[platformref.OutputTeamSecrets].(map[string]any)["storefront"].(map[string]any)
	for path, want := range map[string]any{
		"spec.provider":                "azure",
		"spec.parameters.keyvaultName": secrets[platformref.SecretsStore],
		"spec.parameters.clientID":     secrets[platformref.SecretsClientID],
		"spec.parameters.tenantId":     secrets[platformref.SecretsTenantID],
		"spec.parameters.objects":      "array:\n  - |\n    objectName: database-password\n    objectType: secret\n",
	} {
		if got := platformtest.Input(t, spc, path); got != want || got == "" {
			t.Errorf("SecretProviderClass %s = %v, want %v", path, got, want)
		}
	}
	dep := snap.Find("kubernetes:apps/v1:Deployment", "web")
	if got := platformtest.Input(t, dep, "spec.template.spec.serviceAccountName"); got != secrets[platformref.SecretsServiceAccount] || got != "secrets-reader" {
		t.Errorf("pods run as %v, want the team's secrets reader", got)
	}
	if got := platformtest.Input(t, dep, "spec.template.spec.volumes.0.csi.driver"); got != "secrets-store.csi.k8s.io" {
		t.Errorf("volume driver %v", got)
	}
	if got := platformtest.Input(t, dep, "spec.template.spec.containers.0.volumeMounts.0.mountPath"); got != "/mnt/secrets" {
		t.Errorf("mounted at %v", got)
	}

	// The image comes from the platform's registry, which the guardrails
	// admit.
	if got, want := platformtest.Input(t, dep, "spec.template.spec.containers.0.image"), outs.Values[platformref.OutputRegistry].(string)+"storefront/web:1.4.2"; got != want {
		t.Errorf("image %v, want %s", got, want)
	}

	ing := snap.Find("kubernetes:networking.k8s.io/v1:Ingress", "web")
	if got, want := platformtest.Input(t, ing, "spec.ingressClassName"), outs.Values[platformref.OutputIngressClassName]; got != want {
		t.Errorf("ingress class = %v, want the platform's %v", got, want)
	}
	issuer := platformtest.At(t, platformtest.Input(t, ing, "metadata.annotations"), "cert-manager.io/cluster-issuer")
	if want := outs.Values[platformref.OutputCertificateIssuer]; issuer != want || issuer == "" {
		t.Errorf("cluster issuer = %v, want the platform's %v", issuer, want)
	}
}

// A namespace the platform did not give the team stops the deployment
// before anything lands, saying what to ask for.
func TestNamespaceOfAnotherTeamIsRefused(t *testing.T) {
	app := Storefront("shop.staging.example.com")
	app.Namespace = "checkout"
	_, err := platformtest.Render("storefront-staging", Program(platformStack, app),
		platformtest.WithStackOutputs(platformStack, sharedPlatform(t)))
	if err == nil || !strings.Contains(err.Error(), `gives team "storefront" no namespace "checkout" (its namespaces: storefront)`) {
		t.Errorf("err = %v, want the refusal naming the team's namespaces", err)
	}
}

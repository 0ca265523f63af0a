package platformref_test

import (
	"strings"
	"testing"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	_ "github.com/plinth-dev/plinth/platform/aks/aksfacts" // the Azure facts
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/platformref"
)

const platformStack = "acme/shop-platform/shop-staging"

// platformOutputs renders a staging platform with two teams on the fake
// backend and returns what its stack exports.
func platformOutputs(t *testing.T) platformtest.Outputs {
	t.Helper()
	env := environment.Profile(environment.Staging, platform.CloudAzure)
	env.Name, env.CostCenter = "shop-staging", "cc-1200"
	env.Network.AddressSpace = "10.61.0.0/16"
	env.CertManager.Email = "platform@shop.example"
	env.CertManager.IngressClass = "traefik"
	env.DNS = nil // no zone: certificates through HTTP01, records by hand
	env.Teams = []accesspackage.Args{
		{
			Team:       "storefront",
			Namespaces: []accesspackage.Namespace{{Name: "storefront"}, {Name: "storefront-jobs"}},
			Requestors: []string{"group:7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"},
			Approvers:  []string{"group:8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a"},
		},
		{
			Team:       "search",
			Requestors: []string{"group:9e3f4a5b-6c7d-4e8f-0a9b-1c2d3e4f5a6b"},
			Approvers:  []string{"group:8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a"},
		},
	}
	outs, _, err := platformtest.RenderOutputs(env.Name, func(ctx *pulumi.Context) (pulumi.Map, error) {
		b, err := fake.New(ctx, "fake")
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

// app is an application stack that reads the platform and writes what it
// read into a ConfigMap in its team's namespace, for the test to see.
func app(stack, team, namespace string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := platformref.Read(ctx, "platform", stack)
		if err != nil {
			return err
		}
		k8s, err := p.Provider(ctx, "platform")
		if err != nil {
			return err
		}
		_, err = corev1.NewConfigMap(ctx, "seen", &corev1.ConfigMapArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("seen"), Namespace: p.Namespace(team, namespace)},
			Data: pulumi.StringMap{
				"version":      p.PlinthVersion,
				"environment":  p.Environment,
				"class":        p.Class,
				"cloud":        p.Cloud,
				"cluster":      p.ClusterName,
				"ingressClass": p.IngressClassName,
				"issuer":       p.CertificateIssuer,
				"oidcIssuer":   p.OIDCIssuerURL,
				"image":        p.Image("storefront/web", "1.4.2"),
				"pinned":       p.Image("storefront/web", "sha256:4f1e000000000000000000000000000000000000000000000000000000000000"),
			},
		}, pulumi.Provider(k8s))
		return err
	}
}

// image is an application stack that names one image of the platform's
// registry in a ConfigMap.
func image(stack, name, version string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := platformref.Read(ctx, "platform", stack)
		if err != nil {
			return err
		}
		_, err = corev1.NewConfigMap(ctx, "image", &corev1.ConfigMapArgs{Data: pulumi.StringMap{"image": p.Image(name, version)}})
		return err
	}
}

func TestExportsAreSecretWhereTheyMustBe(t *testing.T) {
	outs := platformOutputs(t)
	if len(outs.Secret) != 1 || outs.Secret[0] != platformref.OutputKubeconfig {
		t.Errorf("secret outputs = %v, want exactly [%s]", outs.Secret, platformref.OutputKubeconfig)
	}
	teams, ok := outs.Values[platformref.OutputTeamNamespaces].(map[string]any)
	if !ok {
		t.Fatalf("%s = %#v, want a map", platformref.OutputTeamNamespaces, outs.Values[platformref.OutputTeamNamespaces])
	}
	if got := teams["storefront"]; len(got.([]any)) != 2 {
		t.Errorf("storefront's namespaces = %v, want storefront and storefront-jobs", got)
	}
	if got := outs.Values[platformref.OutputPlinthVersion]; got != platform.Version {
		t.Errorf("plinthVersion = %v, want %s", got, platform.Version)
	}
}

// What the platform exports is what the application reads, in the
// namespace the platform gave its team, with the platform's kubeconfig,
// kept secret.
func TestApplicationReadsThePlatform(t *testing.T) {
	outs := platformOutputs(t)
	snap, err := platformtest.Render("storefront-staging", app(platformStack, "storefront", "storefront-jobs"),
		platformtest.WithStackOutputs(platformStack, outs))
	if err != nil {
		t.Fatal(err)
	}
	cm := snap.Find("kubernetes:core/v1:ConfigMap", "seen")
	if got := platformtest.Input(t, cm, "metadata.namespace"); got != "storefront-jobs" {
		t.Errorf("namespace = %v, want storefront-jobs", got)
	}
	data := platformtest.StringMap(t, platformtest.Input(t, cm, "data"))
	want := map[string]string{
		"version":      platform.Version,
		"environment":  "shop-staging",
		"class":        "staging",
		"cloud":        "azure",
		"cluster":      outs.Values[platformref.OutputClusterName].(string),
		"ingressClass": outs.Values[platformref.OutputIngressClassName].(string),
		"issuer":       outs.Values[platformref.OutputCertificateIssuer].(string),
		"oidcIssuer":   outs.Values[platformref.OutputOIDCIssuerURL].(string),
		"image":        "registry.fake/shop-staging/storefront/web:1.4.2",
		"pinned":       "registry.fake/shop-staging/storefront/web@sha256:4f1e000000000000000000000000000000000000000000000000000000000000",
	}
	for k, v := range want {
		if data[k] != v || v == "" {
			t.Errorf("data[%s] = %q, want %q", k, data[k], v)
		}
	}
	provider := snap.Find("pulumi:providers:kubernetes", "platform")
	if got := platformtest.Input(t, provider, "kubeconfig"); got != platformtest.SecretValue {
		t.Errorf("the provider's kubeconfig is %v, want it secret", got)
	}
	if !strings.HasPrefix(cm.Provider, provider.URN+"::") {
		t.Errorf("the ConfigMap deploys through %s, want the platform's provider", cm.Provider)
	}
}

func TestErrorsNameTheStackAndTheFix(t *testing.T) {
	outs := platformOutputs(t)
	withoutKubeconfig := platformtest.Outputs{Values: map[string]any{}}
	withoutRegistry := platformtest.Outputs{Values: map[string]any{}}
	for k, v := range outs.Values {
		if k != platformref.OutputKubeconfig {
			withoutKubeconfig.Values[k] = v
		}
		if k != platformref.OutputRegistry {
			withoutRegistry.Values[k] = v
		}
	}
	for _, c := range []struct {
		name    string
		program pulumi.RunFunc
		outputs platformtest.Outputs
		want    []string
	}{
		{"unknown team", app(platformStack, "checkout", "checkout"), outs, []string{
			`platform stack acme/shop-platform/shop-staging has no team "checkout" (its teams: search, storefront)`,
			"ask the platform team to add the team",
		}},
		{"namespace of no team", app(platformStack, "storefront", "search"), outs, []string{
			`gives team "storefront" no namespace "search" (its namespaces: storefront, storefront-jobs)`,
			`add "search" to the team's access package`,
		}},
		{"missing output", app(platformStack, "storefront", "storefront"), withoutKubeconfig, []string{
			`platform stack acme/shop-platform/shop-staging exports no "kubeconfig"`,
		}},
		{"latest", image(platformStack, "storefront/web", "latest"), outs, []string{
			`image storefront/web: version "latest": name a version, a tag other than latest ("1.4.2") or a digest ("sha256:..."); the guardrails refuse images without one`,
		}},
		{"build metadata", image(platformStack, "storefront/web", "1.2.3+build"), outs, []string{
			`image storefront/web: version "1.2.3+build": a tag is 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (no '+': write build metadata with '-' or '_'), e.g. "1.4.2"`,
		}},
		{"a short digest", image(platformStack, "storefront/web", "sha256:nothex"), outs, []string{
			`image storefront/web: version "sha256:nothex": a digest is "sha256:" and 64 lowercase hex digits`,
		}},
		{"a tag in the name", image(platformStack, "storefront/web:1.4", "1.4"), outs, []string{
			`image "storefront/web:1.4": write the repository path in the registry, in lowercase, without tag or digest, e.g. "checkout/api"`,
		}},
		{"no registry", image(platformStack, "storefront/web", "1.4.2"), withoutRegistry, []string{
			`platform stack acme/shop-platform/shop-staging exports no registry: the environment has no registry; ask the platform team to set registry in the environment`,
		}},
		{"short stack name", app("shop-staging", "storefront", "storefront"), outs, []string{
			`platform stack "shop-staging": want <organization>/<project>/<stack>`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := platformtest.Render("storefront-staging", c.program, platformtest.WithStackOutputs(platformStack, c.outputs))
			if err == nil {
				t.Fatal("rendered; want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// A reference the test did not answer fails rather than reading nothing.
func TestUnansweredReferenceFails(t *testing.T) {
	_, err := platformtest.Render("storefront-staging", app("acme/other/prod", "storefront", "storefront"),
		platformtest.WithStackOutputs(platformStack, platformOutputs(t)))
	if err == nil || !strings.Contains(err.Error(), `stack reference to "acme/other/prod": the mocks have no outputs for it (they have: acme/shop-platform/shop-staging)`) {
		t.Errorf("err = %v", err)
	}
}

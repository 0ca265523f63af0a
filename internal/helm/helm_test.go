package helm_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform/field"
)

type service struct {
	Annotations pulumi.StringMapInput `json:"annotations,omitempty"`
	Type        string                `json:"type,omitempty"`
}

type values struct {
	Replicas int                             `json:"replicaCount"`
	Enabled  *bool                           `json:"enabled,omitempty"`
	Skipped  string                          `json:"skipped,omitempty"`
	Labels   map[string]string               `json:"labels,omitempty"`
	Service  service                         `json:"service"`
	Spread   []helm.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	Ignored  string                          `json:"-"`
	Untagged string
}

// render installs one release under mocks and returns its registration.
func render(t *testing.T, r helm.Release) *snapshot.Resource {
	t.Helper()
	snap, err := mockcloud.Render("helm", func(ctx *pulumi.Context) error {
		_, err := helm.Install(ctx, "svc", r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rel := snap.Find("kubernetes:helm.sh/v3:Release", "svc-release")
	if rel == nil {
		t.Fatal("no release svc-release registered")
	}
	return rel
}

func TestEncodeFollowsJSONTagsAndPassesInputsThrough(t *testing.T) {
	on := false
	rel := render(t, helm.Release{
		Chart: helm.Traefik, Name: "svc", Namespace: "svc", PodSecurity: helm.Restricted,
		Values: values{
			Replicas: 2,
			Enabled:  &on,
			Service:  service{Annotations: pulumi.StringMap{"a": pulumi.String("b").ToStringOutput()}},
			Spread:   helm.ZoneSpread(map[string]string{"app": "svc"}),
			Ignored:  "x",
			Untagged: "u",
		},
	})
	v := rel.Inputs["values"].(map[string]any)
	if v["replicaCount"] != float64(2) || v["enabled"] != false || v["Untagged"] != "u" {
		t.Errorf("scalars: %v", v)
	}
	for _, k := range []string{"skipped", "labels", "-", "Ignored"} {
		if _, ok := v[k]; ok {
			t.Errorf("values has %q; empty omitempty fields and json:\"-\" must be left out", k)
		}
	}
	svc := v["service"].(map[string]any)
	if got := svc["annotations"].(map[string]any)["a"]; got != "b" {
		t.Errorf("an output inside typed values must pass through; got %v", got)
	}
	if _, ok := svc["type"]; ok {
		t.Error("service.type is empty and omitempty; it must be left out")
	}
	spread := v["topologySpreadConstraints"].([]any)[0].(map[string]any)
	if spread["topologyKey"] != helm.ZoneKey || spread["whenUnsatisfiable"] != "DoNotSchedule" || spread["maxSkew"] != float64(1) {
		t.Errorf("zone spread: %v", spread)
	}
	if rel.Inputs["chart"] != "traefik" || rel.Inputs["version"] != helm.Traefik.Version || rel.Inputs["name"] != "svc" {
		t.Errorf("release identity: chart %v version %v name %v", rel.Inputs["chart"], rel.Inputs["version"], rel.Inputs["name"])
	}
	if rel.Inputs["atomic"] != true || rel.Inputs["maxHistory"] != float64(helm.MaxHistory) {
		t.Errorf("release safety: atomic %v maxHistory %v", rel.Inputs["atomic"], rel.Inputs["maxHistory"])
	}
	if repo := rel.Inputs["repositoryOpts"].(map[string]any)["repo"]; repo != helm.Traefik.Repo {
		t.Errorf("repo %v, want %s", repo, helm.Traefik.Repo)
	}
}

func TestRawValuesAddButNeverOverrideTypedOnes(t *testing.T) {
	typed := helm.Encode(values{Replicas: 2, Service: service{Type: "LoadBalancer"}})

	merged, err := helm.Merge(typed, map[string]any{
		"service": map[string]any{"loadBalancerClass": "x"},
		"extra":   []any{"a"},
	}, field.NewPath("ingress").Child("values"))
	if err != nil {
		t.Fatalf("adding keys must be allowed: %v", err)
	}
	if merged["extra"] == nil || merged["service"].(pulumi.Map)["loadBalancerClass"] == nil || merged["service"].(pulumi.Map)["type"] == nil {
		t.Errorf("merged values lost keys: %v", merged)
	}
	if _, ok := typed["extra"]; ok {
		t.Error("Merge modified the typed values it was given")
	}

	_, err = helm.Merge(typed, map[string]any{
		"replicaCount": 1,
		"service":      map[string]any{"type": "ClusterIP"},
	}, field.NewPath("ingress").Child("values"))
	if err == nil {
		t.Fatal("raw values overriding typed ones must be an error")
	}
	for _, want := range []string{`ingress.values["replicaCount"] "1"`, `ingress.values["service"]["type"] "ClusterIP"`, "set the typed field"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestInstallLabelsTheNamespaceAndEnforcesPodSecurity(t *testing.T) {
	snap, err := mockcloud.Render("helm", func(ctx *pulumi.Context) error {
		_, err := helm.Install(ctx, "svc", helm.Release{
			Chart: helm.Velero, Name: "velero", Namespace: "velero", PodSecurity: helm.Baseline,
			Labels: map[string]string{"managed-by": "plinth", "environment": "dev"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ns := snap.Find("kubernetes:core/v1:Namespace", "svc-namespace")
	if ns == nil {
		t.Fatal("no namespace")
	}
	md := ns.Inputs["metadata"].(map[string]any)
	labels := md["labels"].(map[string]any)
	if md["name"] != "velero" || labels["managed-by"] != "plinth" || labels["environment"] != "dev" ||
		labels["pod-security.kubernetes.io/enforce"] != "baseline" {
		t.Errorf("namespace metadata %v", md)
	}
	rel := snap.Find("kubernetes:helm.sh/v3:Release", "svc-release")
	if rel.Inputs["namespace"] != "velero" {
		t.Errorf("release namespace %v", rel.Inputs["namespace"])
	}
}

func TestInstallRegistersNothingWhenValuesCollide(t *testing.T) {
	snap, err := mockcloud.Render("helm", func(ctx *pulumi.Context) error {
		_, err := helm.Install(ctx, "svc", helm.Release{
			Chart: helm.Traefik, Name: "svc", Namespace: "svc", PodSecurity: helm.Restricted,
			Values: values{Replicas: 2}, Raw: map[string]any{"replicaCount": 3}, RawPath: field.NewPath("x").Child("values"),
		})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), `x.values["replicaCount"]`) {
		t.Fatalf("err = %v", err)
	}
	if snap != nil && len(snap.Resources) > 0 {
		t.Errorf("registered %d resources before failing", len(snap.Resources))
	}
}

func TestEveryPinIsExact(t *testing.T) {
	for _, c := range []helm.Chart{helm.Traefik, helm.IngressNginx, helm.CertManager, helm.Velero} {
		if c.Name == "" || !strings.HasPrefix(c.Repo, "https://") || strings.ContainsAny(c.Version, "^~*<>= x") || c.Version == "" {
			t.Errorf("chart %+v: name, https repo and an exact version are required", c)
		}
	}
	for _, img := range []string{helm.VeleroPluginAzure, helm.VeleroPluginGCP} {
		if _, tag, ok := strings.Cut(img, ":"); !ok || tag == "" || tag == "latest" {
			t.Errorf("image %q must be pinned to a tag", img)
		}
	}
}

package environment_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// meshOn is env with the mesh, and its checkout namespace in it.
func meshOn(env environment.Environment) environment.Environment {
	env.Mesh = &mesh.Args{}
	for i := range env.Teams {
		if env.Teams[i].Team == "checkout" {
			env.Teams[i].Namespaces = []accesspackage.Namespace{{Name: "checkout", Mesh: &accesspackage.NamespaceMesh{}}}
		}
	}
	return env
}

// TestMeshIsOffByDefault: no profile has a mesh, and without one nothing
// of it is created or admitted.
func TestMeshIsOffByDefault(t *testing.T) {
	for _, cloud := range clouds {
		for _, class := range environment.Classes {
			env := define(class, cloud)
			if env.Mesh != nil {
				t.Errorf("%s on %s: the profile has a mesh", class, cloud)
			}
			snap, _ := mustRender(t, env)
			if len(snap.OfType(mesh.TypeToken)) != 0 {
				t.Errorf("%s on %s: a mesh without mesh", class, cloud)
			}
			cm := snap.Find("kubernetes:core/v1:ConfigMap", env.Name+"-guardrails-registries")
			if got, _ := cm.Input("data.registries"); strings.Contains(got.(string), "linkerd") {
				t.Errorf("%s on %s: the guardrails admit the mesh's proxy without a mesh: %v", class, cloud, got)
			}
		}
	}
}

// TestMeshPerClass: with the mesh, the control plane is HA outside dev;
// the ingress controller joins it; the guardrails and the cloud's image
// controls admit the proxy the mesh injects into team pods, and nothing
// else of the mesh's registry; the meshed namespace gets the mesh's
// authorization; the baseline watches the mesh.
func TestMeshPerClass(t *testing.T) {
	for _, cloud := range clouds {
		for _, class := range environment.Classes {
			env := meshOn(define(class, cloud))
			snap, _ := mustRender(t, env)
			cp := snap.Find(helm.ReleaseType, env.Name+"-linkerd-control-plane-release")
			if cp == nil {
				t.Fatalf("%s on %s: no control plane", class, cloud)
			}
			want := 1.0
			if class != environment.Dev {
				want = mesh.ControllerReplicas
			}
			if got := platformtest.Input(t, cp, "values.controllerReplicas"); got != want {
				t.Errorf("%s on %s: %v controller replicas, want %v", class, cloud, got, want)
			}
			traefik := platformtest.Input(t, snap.Find(helm.ReleaseType, env.Name+"-ingress-release"), "values").(map[string]any)
			if got := platformtest.At(t, traefik, "deployment", "podAnnotations", "linkerd.io/inject"); got != "enabled" {
				t.Errorf("%s on %s: Traefik's pods are not meshed: %v", class, cloud, got)
			}
			if platformtest.At(t, traefik, "providers", "kubernetesIngress", "nativeLBByDefault") != true {
				t.Errorf("%s on %s: Traefik routes to endpoints, around the mesh", class, cloud)
			}
			cm := snap.Find("kubernetes:core/v1:ConfigMap", env.Name+"-guardrails-registries")
			got, _ := cm.Input("data.registries")
			if !slices.Contains(strings.Split(got.(string), ","), helm.MeshProxyImage) || strings.Contains(got.(string), "linkerd/controller") {
				t.Errorf("%s on %s: the team namespaces admit %v, want the registry and the mesh's proxy", class, cloud, got)
			}
			policy := snap.OfType(fake.ImagePolicyType)[0]
			if got := platformtest.Input(t, policy, "injectedImages"); !reflect.DeepEqual(got, []any{helm.MeshProxyImage + "*"}) {
				t.Errorf("%s on %s: the cloud's controls admit %v in team pods", class, cloud, got)
			}
			if sys := platformtest.Input(t, policy, "systemImages").([]any); !slices.Contains(sys, any("cr.l5d.io/linkerd/controller:*")) {
				t.Errorf("%s on %s: the whole cluster's control does not admit the mesh's controller: %v", class, cloud, sys)
			}
			if snap.Find("kubernetes:policy.linkerd.io/v1alpha1:AuthorizationPolicy", env.Name+"-checkout-checkout-mesh-authorization") == nil {
				t.Errorf("%s on %s: the meshed namespace has no authorization", class, cloud)
			}
			clients := snap.Find("kubernetes:policy.linkerd.io/v1alpha1:MeshTLSAuthentication", env.Name+"-checkout-checkout-mesh-clients")
			if got := platformtest.Input(t, clients, "spec.identityRefs.1"); !reflect.DeepEqual(got, map[string]any{"kind": "ServiceAccount", "name": "traefik", "namespace": ingress.DefaultNamespace}) {
				t.Errorf("%s on %s: the meshed namespace admits %v, want the ingress controller", class, cloud, got)
			}
			var alerts []string
			for _, a := range snap.OfType(fake.AlertType) {
				alerts = append(alerts, a.Name)
			}
			if !slices.ContainsFunc(alerts, func(n string) bool { return strings.HasSuffix(n, "MeshControlPlaneDown") }) {
				t.Errorf("%s on %s: no mesh alert among %v", class, cloud, alerts)
			}
		}
	}
}

// TestMeshRefusals: each mistake is one error naming the field, before
// anything is registered.
func TestMeshRefusals(t *testing.T) {
	off := false
	for _, c := range []struct {
		name   string
		change func(e *environment.Environment)
		want   string
	}{
		{"a namespace joins no mesh", func(e *environment.Environment) {
			e.Teams[1].Namespaces = []accesspackage.Namespace{{Name: "checkout", Mesh: &accesspackage.NamespaceMesh{}}}
		}, `teams[1].namespaces[0].mesh "joined": the cluster has no service mesh to join; add mesh to the environment`},
		{"a production mesh without HA", func(e *environment.Environment) { *e = meshOn(*e); e.Mesh.HA = &off },
			`mesh.ha false: a production mesh runs its control plane highly available`},
		{"a mesh with ingress-nginx", func(e *environment.Environment) {
			*e = meshOn(*e)
			e.Ingress.Controller = "ingress-nginx" // deprecated, kept to migrate
		}, `the service mesh meshes Traefik only`},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := define(environment.Prod, platform.CloudAzure)
			c.change(&env)
			_, err := env.Resolve("")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %q", err, c.want)
			}
			if _, b, err := render(t, env); err == nil || len(b.Clusters()) > 0 {
				t.Errorf("New registered something: %v", err)
			}
		})
	}
}

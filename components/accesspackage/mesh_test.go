package accesspackage_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// withMesh gives the catalog the cluster's mesh.
func withMesh(a *accesspackage.CatalogArgs) {
	a.Mesh = &accesspackage.CatalogMesh{Namespace: "linkerd", IngressServiceAccount: "traefik"}
}

// meshed is payments with its batch namespace in the mesh on ports http
// and metrics, its first namespace out of it.
func meshed() team {
	return with(payments(), func(a *accesspackage.Args) {
		a.Namespaces[1].Mesh = &accesspackage.NamespaceMesh{Ports: []string{"http", "metrics"}}
		// Entra object IDs: the test renders on Azure's facts.
		a.Requestors = []string{"group:0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"}
		a.Approvers = []string{"group:1c8f3d5e-0b2a-4f4c-9d7e-6a5b4c3d2e1f"}
	})
}

// TestMeshedNamespaceIsDefaultDenyLikeItsNetworkPolicies: a meshed
// namespace has its pods injected and the mesh's default deny; its ports
// admit its own pods and the ingress controller by their mesh identities,
// as its network policies admit them; the proxies' admin port admits the
// metrics collectors' pod range too; its proxies may call the control
// plane, and the collectors scrape them. An unmeshed namespace gets none
// of it.
func TestMeshedNamespaceIsDefaultDenyLikeItsNetworkPolicies(t *testing.T) {
	res := mustRender(t, aksfacts.Facts, withMesh, meshed())
	ns := res.snap.Find(namespaceType, "payments-payments-batch-namespace")
	if got := in(t, ns, "metadata.annotations"); !reflect.DeepEqual(got, map[string]any{
		"linkerd.io/inject": "enabled", "config.linkerd.io/default-inbound-policy": "deny",
	}) {
		t.Errorf("meshed namespace annotations %v", got)
	}
	if a, ok := res.snap.Find(namespaceType, "payments-payments-namespace").Input("metadata.annotations"); ok && a != nil {
		t.Errorf("an unmeshed namespace is annotated %v", a)
	}

	object := func(typ, role string) map[string]any {
		r := res.snap.Find("kubernetes:policy.linkerd.io/"+typ, "payments-payments-batch-"+role)
		if r == nil {
			t.Fatalf("no %s %s", typ, role)
		}
		if got := in(t, r, "metadata.namespace"); got != "payments-batch" {
			t.Errorf("%s is in %v", role, got)
		}
		return in(t, r, "spec").(map[string]any)
	}
	for port, role := range map[string]string{"http": "mesh-port-http", "metrics": "mesh-port-metrics"} {
		if spec := object("v1beta3:Server", role); !reflect.DeepEqual(spec, map[string]any{"podSelector": map[string]any{}, "port": port}) {
			t.Errorf("server %s: %v", port, spec)
		}
	}
	if spec := object("v1beta3:Server", "mesh-server-admin"); spec["port"] != "linkerd-admin" {
		t.Errorf("admin server %v", spec)
	}
	clients := object("v1alpha1:MeshTLSAuthentication", "mesh-clients")
	wantClients := map[string]any{"identityRefs": []any{
		map[string]any{"kind": "Namespace", "name": "payments-batch"},
		map[string]any{"kind": "ServiceAccount", "name": "traefik", "namespace": "ingress"},
	}}
	if !reflect.DeepEqual(clients, wantClients) {
		t.Errorf("mesh clients %v\nwant %v", clients, wantClients)
	}
	authz := object("v1alpha1:AuthorizationPolicy", "mesh-authorization")
	if !reflect.DeepEqual(authz["targetRef"], map[string]any{"kind": "Namespace", "name": "payments-batch"}) ||
		platformtest.At(t, authz, "requiredAuthenticationRefs", 0, "name") != accesspackage.MeshClientsName {
		t.Errorf("namespace authorization %v", authz)
	}
	collectors := object("v1alpha1:NetworkAuthentication", "mesh-collectors")
	if got := platformtest.At(t, collectors, "networks", 0, "cidr"); got == "" || !strings.Contains(got.(string), "/") {
		t.Errorf("the collectors' network %v, want the cluster's pod range", got)
	}
	metrics := object("v1alpha1:AuthorizationPolicy", "mesh-metrics")
	if platformtest.At(t, metrics, "targetRef", "name") != accesspackage.MeshAdminServerName {
		t.Errorf("metrics authorization %v", metrics)
	}

	pol := in(t, res.snap.Find(netpolType, "payments-payments-batch-allow-mesh"), "spec").(map[string]any)
	egress := platformtest.At(t, pol, "egress", 0).(map[string]any)
	if !reflect.DeepEqual(platformtest.At(t, egress, "to", 0, "namespaceSelector", "matchLabels"), map[string]any{"kubernetes.io/metadata.name": "linkerd"}) {
		t.Errorf("the proxies call %v", egress["to"])
	}
	var ports []float64
	for _, p := range egress["ports"].([]any) {
		ports = append(ports, p.(map[string]any)["port"].(float64))
	}
	if !reflect.DeepEqual(ports, []float64{8080, 8086, 8090}) {
		t.Errorf("the proxies call the control plane on %v", ports)
	}
	ingress := platformtest.At(t, pol, "ingress", 0).(map[string]any)
	if !reflect.DeepEqual(platformtest.At(t, ingress, "from", 0, "namespaceSelector", "matchLabels"), map[string]any{"kubernetes.io/metadata.name": "kube-system"}) ||
		platformtest.At(t, ingress, "ports", 0, "port") != 4191.0 {
		t.Errorf("the collectors scrape %v", ingress)
	}
	if res.snap.Find("kubernetes:azmonitoring.coreos.com/v1:PodMonitor", "payments-payments-batch-mesh-metrics-monitor") == nil {
		t.Error("no monitor of the meshed namespace's proxies")
	}
	if res.snap.Find(netpolType, "payments-payments-allow-mesh") != nil || res.snap.Find("kubernetes:policy.linkerd.io/v1beta3:Server", "payments-payments-mesh-port-http") != nil {
		t.Error("an unmeshed namespace got mesh objects")
	}
}

// TestMeshDefaultPorts: a namespace that names no ports serves http and
// grpc.
func TestMeshDefaultPorts(t *testing.T) {
	res := mustRender(t, gkefacts.Facts, withMesh, with(checkout(), func(a *accesspackage.Args) {
		a.Namespaces = []accesspackage.Namespace{{Name: "checkout", Mesh: &accesspackage.NamespaceMesh{}}}
		a.Requestors = []string{"group:checkout@example.com"}
		a.Approvers = []string{"group:checkout-leads@example.com"}
	}))
	for _, port := range accesspackage.DefaultMeshPorts {
		if res.snap.Find("kubernetes:policy.linkerd.io/v1beta3:Server", "checkout-checkout-mesh-port-"+port) == nil {
			t.Errorf("no server for %s", port)
		}
	}
}

// TestMeshRefusals: a namespace cannot join a mesh the cluster has not,
// and its ports are container port names, each once, never the proxy's.
func TestMeshRefusals(t *testing.T) {
	for _, c := range []struct {
		name  string
		cat   func(a *accesspackage.CatalogArgs)
		ports []string
		want  []string
	}{
		{"no mesh", nil, nil, []string{
			`accessPackage.namespaces[0].mesh "joined": the cluster has no service mesh to join; add mesh to the environment (an empty mapping installs it), or remove mesh here`,
		}},
		{"bad ports", withMesh, []string{"HTTP", "http", "http", "linkerd-admin", "a-very-long-port-name", "8080", "proxy-admin", "admin"}, []string{
			`accessPackage.namespaces[0].mesh.ports[0] "HTTP": not a container port name: 1-15 lowercase letters, digits and '-', with a letter, not starting or ending with '-', e.g. "http"`,
			`accessPackage.namespaces[0].mesh.ports[2] "http": repeats accessPackage.namespaces[0].mesh.ports[1]; list each port once`,
			`accessPackage.namespaces[0].mesh.ports[3] "linkerd-admin": is the mesh proxy's own port, which Plinth authorizes for the metrics collectors only; remove it`,
			`accessPackage.namespaces[0].mesh.ports[4] "a-very-long-port-name": not a container port name`,
			`accessPackage.namespaces[0].mesh.ports[5] "8080": not a container port name`,
			`accessPackage.namespaces[0].mesh.ports[6] "proxy-admin": would name its Server "plinth-proxy-admin", the proxies' admin port's; rename the container port`,
		}},
		{"no ports", withMesh, []string{}, []string{
			`accessPackage.namespaces[0].mesh.ports: required: the names of the container ports the namespace's pods serve on`,
		}},
	} {
		res := render(t, fake.Facts, c.cat, with(checkout(), func(a *accesspackage.Args) {
			a.Namespaces = []accesspackage.Namespace{{Name: "checkout", Mesh: &accesspackage.NamespaceMesh{Ports: c.ports}}}
		}))
		err := res.errs[0]
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: missing %q in\n%v", c.name, w, err)
			}
		}
		if n := len(res.snap.OfType(namespaceType)); n != 0 {
			t.Errorf("%s: %d namespaces registered", c.name, n)
		}
	}
}

// TestMeshPortNamedAdmin: a port named like the admin Server's role is
// its own Server.
func TestMeshPortNamedAdmin(t *testing.T) {
	res := mustRender(t, gkefacts.Facts, withMesh, with(checkout(), func(a *accesspackage.Args) {
		a.Namespaces = []accesspackage.Namespace{{Name: "checkout", Mesh: &accesspackage.NamespaceMesh{Ports: []string{"admin"}}}}
		a.Requestors = []string{"group:checkout@example.com"}
		a.Approvers = []string{"group:checkout-leads@example.com"}
	}))
	admin := res.snap.Find("kubernetes:policy.linkerd.io/v1beta3:Server", "checkout-checkout-mesh-port-admin")
	proxy := res.snap.Find("kubernetes:policy.linkerd.io/v1beta3:Server", "checkout-checkout-mesh-server-admin")
	if admin == nil || proxy == nil || in(t, admin, "metadata.name") != "plinth-admin" || in(t, proxy, "spec.port") != "linkerd-admin" {
		t.Errorf("servers: port admin %v, proxy admin %v", admin, proxy)
	}
}

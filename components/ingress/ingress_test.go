package ingress_test

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	releaseType   = "kubernetes:helm.sh/v3:Release"
	namespaceType = "kubernetes:core/v1:Namespace"
)

// outputs are the component's outputs, captured while rendering.
type outputs struct {
	mu                                                          sync.Mutex
	ingressClass, gatewayClass, gatewayName, namespace, address string
}

func (o *outputs) set(dst *string) func(string) string {
	return func(v string) string {
		o.mu.Lock()
		*dst = v
		o.mu.Unlock()
		return v
	}
}

// setup is the network the cluster lives in (nil subnets: the default
// layout) and the target everything is resolved against (unset: the fake
// cloud, not production).
type setup struct {
	subnets []network.Subnet
	target  platform.Target
}

// render resolves a network, a cluster and an ingress named "edge" against
// the setup's target and creates them on the fake backend. It returns
// whatever was registered, also when the ingress fails, so that tests can
// check that nothing was.
func render(t *testing.T, s setup, mutate func(a *ingress.Args)) (*platformtest.Snapshot, *outputs, error) {
	t.Helper()
	out := &outputs{}
	target := s.target
	if target.Cloud.Cloud == "" {
		target = platform.Target{Cloud: fake.Facts}
	}
	m := mockcloud.New("test")
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16", Subnets: s.subnets,
			Tags: map[string]string{"environment": "test", "cost-center": "cc-1"}}.Resolve("net", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, backend)
		if err != nil {
			return err
		}
		cr, err := cluster.Args{UserPools: []cluster.NodePool{{Name: "apps"}}}.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, cr, backend, net)
		if err != nil {
			return err
		}
		var args ingress.Args
		if mutate != nil {
			mutate(&args)
		}
		r, err := args.Resolve("edge", field.NewPath("ingress"), target, cr.Spec())
		if err != nil {
			return err
		}
		ing, err := ingress.New(ctx, r, backend, c)
		if err != nil {
			return err
		}
		// Exported, so that the program waits for each.
		ctx.Export("ingressClass", ing.IngressClassName.ApplyT(out.set(&out.ingressClass)))
		ctx.Export("gatewayClass", ing.GatewayClassName.ApplyT(out.set(&out.gatewayClass)))
		ctx.Export("gatewayName", ing.GatewayName.ApplyT(out.set(&out.gatewayName)))
		ctx.Export("namespace", ing.Namespace.ApplyT(out.set(&out.namespace)))
		ctx.Export("address", ing.Address.ApplyT(out.set(&out.address)))
		return nil
	}, pulumi.WithMocks(mockcloud.Project, "test", m))
	return m.Snapshot(), out, err
}

// mustRender renders valid args and returns the release.
func mustRender(t *testing.T, mutate func(a *ingress.Args)) (*platformtest.Snapshot, *platformtest.Resource, *outputs) {
	t.Helper()
	snap, out, err := render(t, setup{}, mutate)
	if err != nil {
		t.Fatal(err)
	}
	rel := snap.Find(releaseType, "edge-ingress-release")
	if rel == nil {
		t.Fatal("no release edge-release")
	}
	return snap, rel, out
}

// value returns the Helm value at a path of keys (keys may hold dots, as
// annotation and label keys do).
func value(t *testing.T, rel *platformtest.Resource, keys ...string) any {
	t.Helper()
	cur := rel.Inputs["values"]
	for i, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("values.%s is %T, not a map", strings.Join(keys[:i], "."), cur)
		}
		if cur, ok = m[k]; !ok {
			t.Fatalf("values.%s is not set", strings.Join(keys[:i+1], "."))
		}
	}
	return cur
}

func hasValue(rel *platformtest.Resource, keys ...string) bool {
	cur := rel.Inputs["values"]
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[k]; !ok {
			return false
		}
	}
	return true
}

func wantValue(t *testing.T, rel *platformtest.Resource, want any, keys ...string) {
	t.Helper()
	if got := value(t, rel, keys...); !reflect.DeepEqual(got, want) {
		t.Errorf("values.%s = %#v, want %#v", strings.Join(keys, "."), got, want)
	}
}

// mockAddress is the address internal/mockcloud answers for a read of the
// Service with the given ID (its ipFrom(10, id)), so that a test can tell
// which Service was read.
func mockAddress(id string) string {
	sum := sha1.Sum([]byte(id))
	return fmt.Sprintf("10.%d.%d.%d", sum[0], sum[1], max(sum[2], 1))
}

func TestTraefikIsTheDefault(t *testing.T) {
	snap, rel, out := mustRender(t, nil)

	comp := snap.Find(ingress.TypeToken, "edge")
	ns := snap.Find(namespaceType, "edge-ingress-namespace")
	if comp == nil || ns == nil {
		t.Fatalf("component %v or namespace %v missing", comp, ns)
	}
	for _, r := range []*platformtest.Resource{ns, rel} {
		if r.Parent != comp.URN {
			t.Errorf("%s parent = %q, want the component", r.Name, r.Parent)
		}
		if !strings.Contains(r.Provider, "prod-kubernetes") {
			t.Errorf("%s provider = %q, want the cluster's prod-kubernetes", r.Name, r.Provider)
		}
	}

	if helm.Traefik.Name != "traefik" || !strings.HasPrefix(helm.Traefik.Version, "37.") {
		t.Fatalf("pinned Traefik chart is %+v; the typed values are written for chart 37.x", helm.Traefik)
	}
	for path, want := range map[string]any{
		"chart":                      helm.Traefik.Name,
		"version":                    helm.Traefik.Version,
		"repositoryOpts.repo":        helm.Traefik.Repo,
		"name":                       "traefik",
		"namespace":                  "ingress",
		"atomic":                     true,
		"values.deployment.replicas": 2.0,
	} {
		if got := platformtest.Input(t, rel, path); got != want {
			t.Errorf("release %s = %#v, want %#v", path, got, want)
		}
	}
	wantValue(t, rel, map[string]any{"enabled": true, "isDefaultClass": true, "name": "traefik"}, "ingressClass")
	wantValue(t, rel, map[string]any{"enabled": true, "ingressClass": "traefik"}, "providers", "kubernetesIngress")
	wantValue(t, rel, "metrics", "metrics", "prometheus", "entryPoint")
	wantValue(t, rel, "Local", "service", "spec", "externalTrafficPolicy")
	wantValue(t, rel, "RuntimeDefault", "podSecurityContext", "seccompProfile", "type")

	if out.ingressClass != "traefik" || out.gatewayClass != "traefik" || out.gatewayName != ingress.GatewayName || out.namespace != "ingress" {
		t.Errorf("outputs = class %q, gateway class %q, gateway %q, namespace %q", out.ingressClass, out.gatewayClass, out.gatewayName, out.namespace)
	}
}

func TestServiceAnnotationsAreTheBackends(t *testing.T) {
	for _, tc := range []struct {
		name       string
		controller ingress.Controller
		public     bool
		path       []string
		want       map[string]string
	}{
		{"traefik internal", ingress.ControllerTraefik, false, []string{"service", "annotations"},
			map[string]string{"plinth.dev/load-balancer": "internal", "plinth.dev/subnet": "ingress"}},
		{"traefik public", ingress.ControllerTraefik, true, []string{"service", "annotations"},
			map[string]string{"plinth.dev/load-balancer": "public"}},
		{"ingress-nginx internal", ingress.ControllerIngressNginx, false, []string{"controller", "service", "annotations"},
			map[string]string{"plinth.dev/load-balancer": "internal", "plinth.dev/subnet": "ingress"}},
		{"ingress-nginx public", ingress.ControllerIngressNginx, true, []string{"controller", "service", "annotations"},
			map[string]string{"plinth.dev/load-balancer": "public"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, rel, _ := mustRender(t, func(a *ingress.Args) {
				a.Controller = tc.controller
				a.Public = tc.public
			})
			// The fake names each subnet after its role; the annotation must
			// carry the network's ingress subnet, not a name the component
			// made up.
			if sn := snap.Find(fake.SubnetType, "net-ingress"); sn == nil || platformtest.Input(t, sn, "name") != "ingress" {
				t.Fatalf("network's ingress subnet = %v", sn)
			}
			if got := platformtest.StringMap(t, value(t, rel, tc.path...)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("service annotations = %v, want exactly the backend's %v", got, tc.want)
			}
		})
	}
}

func TestIngressClass(t *testing.T) {
	_, rel, out := mustRender(t, func(a *ingress.Args) {
		a.IngressClassName = "internal"
		a.NotDefaultClass = true
	})
	wantValue(t, rel, map[string]any{"enabled": true, "isDefaultClass": false, "name": "internal"}, "ingressClass")
	// Traefik serves only its own class, so two controllers can share a
	// cluster.
	wantValue(t, rel, "internal", "providers", "kubernetesIngress", "ingressClass")
	if out.ingressClass != "internal" {
		t.Errorf("IngressClassName = %q", out.ingressClass)
	}
}

func TestGateway(t *testing.T) {
	t.Run("on by default", func(t *testing.T) {
		_, rel, _ := mustRender(t, nil)
		wantValue(t, rel, map[string]any{"enabled": true, "labelselector": "plinth.dev/gateway-class=traefik"}, "providers", "kubernetesGateway")
		wantValue(t, rel, map[string]any{"enabled": true, "name": "traefik", "labels": map[string]any{"plinth.dev/gateway-class": "traefik"}}, "gatewayClass")
		wantValue(t, rel, true, "gateway", "enabled")
		wantValue(t, rel, ingress.GatewayName, "gateway", "name")
		wantValue(t, rel, map[string]any{"from": "All"}, "gateway", "listeners", "web", "namespacePolicy")
	})
	t.Run("class name and route namespaces", func(t *testing.T) {
		_, rel, out := mustRender(t, func(a *ingress.Args) {
			a.Gateway = ingress.Gateway{ClassName: "internal", RouteNamespaceLabels: map[string]string{"plinth.dev/ingress": "internal"}}
		})
		wantValue(t, rel, "plinth.dev/gateway-class=internal", "providers", "kubernetesGateway", "labelselector")
		wantValue(t, rel, "internal", "gatewayClass", "name")
		wantValue(t, rel, map[string]any{"from": "Selector", "selector": map[string]any{"matchLabels": map[string]any{"plinth.dev/ingress": "internal"}}},
			"gateway", "listeners", "web", "namespacePolicy")
		if out.gatewayClass != "internal" {
			t.Errorf("GatewayClassName = %q", out.gatewayClass)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		_, rel, out := mustRender(t, func(a *ingress.Args) { a.Gateway.Disabled = true })
		wantValue(t, rel, map[string]any{"enabled": false}, "providers", "kubernetesGateway")
		wantValue(t, rel, map[string]any{"enabled": false}, "gateway")
		wantValue(t, rel, map[string]any{"enabled": false}, "gatewayClass")
		if out.gatewayClass != "" || out.gatewayName != "" {
			t.Errorf("GatewayClassName %q, GatewayName %q; want both empty", out.gatewayClass, out.gatewayName)
		}
	})
}

func TestIngressNginxMigrationOption(t *testing.T) {
	_, rel, out := mustRender(t, func(a *ingress.Args) { a.Controller = ingress.ControllerIngressNginx })
	for path, want := range map[string]any{
		"chart":               helm.IngressNginx.Name,
		"version":             helm.IngressNginx.Version,
		"repositoryOpts.repo": helm.IngressNginx.Repo,
		"name":                "ingress-nginx",
		"namespace":           "ingress",
	} {
		if got := platformtest.Input(t, rel, path); got != want {
			t.Errorf("release %s = %#v, want %#v", path, got, want)
		}
	}
	wantValue(t, rel, 2.0, "controller", "replicaCount")
	wantValue(t, rel, 1.0, "controller", "maxUnavailable")
	wantValue(t, rel, "nginx", "controller", "ingressClass")
	wantValue(t, rel, map[string]any{"enabled": true, "default": true, "name": "nginx"}, "controller", "ingressClassResource")
	wantValue(t, rel, map[string]any{"enabled": true}, "controller", "metrics")
	wantValue(t, rel, "Local", "controller", "service", "externalTrafficPolicy")
	wantValue(t, rel, []any{map[string]any{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}},
		"controller", "admissionWebhooks", "patch", "tolerations")
	for _, k := range []string{"gateway", "gatewayClass", "providers", "deployment"} {
		if hasValue(rel, k) {
			t.Errorf("values.%s is set; it belongs to the Traefik chart", k)
		}
	}
	if out.ingressClass != "nginx" || out.gatewayClass != "" || out.gatewayName != "" {
		t.Errorf("outputs = class %q, gateway class %q, gateway %q", out.ingressClass, out.gatewayClass, out.gatewayName)
	}
}

func TestHighAvailability(t *testing.T) {
	for _, tc := range []struct {
		name       string
		mutate     func(a *ingress.Args)
		prefix     []string
		pods       map[string]any
		replicas   []string
		pdbEnabled bool
	}{
		{
			name:     "traefik",
			mutate:   func(a *ingress.Args) { a.Namespace = "edge-ingress" },
			pods:     map[string]any{"app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-edge-ingress"},
			replicas: []string{"deployment", "replicas"},
		},
		{
			name:     "ingress-nginx",
			mutate:   func(a *ingress.Args) { a.Controller = ingress.ControllerIngressNginx },
			prefix:   []string{"controller"},
			pods:     map[string]any{"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/component": "controller"},
			replicas: []string{"controller", "replicaCount"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rel, _ := mustRender(t, tc.mutate)
			at := func(keys ...string) []string { return append(append([]string{}, tc.prefix...), keys...) }
			wantValue(t, rel, 2.0, tc.replicas...)
			wantValue(t, rel, []any{map[string]any{
				"maxSkew":           1.0,
				"topologyKey":       "topology.kubernetes.io/zone",
				"whenUnsatisfiable": "DoNotSchedule",
				"labelSelector":     map[string]any{"matchLabels": tc.pods},
			}}, at("topologySpreadConstraints")...)
			wantValue(t, rel, map[string]any{"podAntiAffinity": map[string]any{
				"preferredDuringSchedulingIgnoredDuringExecution": []any{map[string]any{
					"weight": 100.0,
					"podAffinityTerm": map[string]any{
						"labelSelector": map[string]any{"matchLabels": tc.pods},
						"topologyKey":   "kubernetes.io/hostname",
					},
				}},
			}}, at("affinity")...)
			// A cluster add-on: allowed on the tainted system pool too.
			wantValue(t, rel, []any{map[string]any{"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}}, at("tolerations")...)
		})
	}
	_, rel, _ := mustRender(t, nil)
	wantValue(t, rel, map[string]any{"enabled": true, "maxUnavailable": 1.0}, "podDisruptionBudget")

	// One replica is an explicit, non-production choice.
	_, rel, _ = mustRender(t, func(a *ingress.Args) { a.Replicas = 1 })
	wantValue(t, rel, 1.0, "deployment", "replicas")
}

func TestLabels(t *testing.T) {
	for _, c := range []ingress.Controller{ingress.ControllerTraefik, ingress.ControllerIngressNginx} {
		t.Run(string(c), func(t *testing.T) {
			snap, rel, _ := mustRender(t, func(a *ingress.Args) {
				a.Controller = c
				a.Tags = map[string]string{"team": "platform", "environment": "prod"}
			})
			// The cluster's tags (from its network), the ingress's over them.
			want := map[string]string{"team": "platform", "environment": "prod", "cost-center": "cc-1", "managed-by": "plinth"}
			if got := platformtest.StringMap(t, value(t, rel, "commonLabels")); !reflect.DeepEqual(got, want) {
				t.Errorf("commonLabels = %v, want %v", got, want)
			}
			ns := snap.Find(namespaceType, "edge-ingress-namespace")
			labels := platformtest.StringMap(t, platformtest.Input(t, ns, "metadata.labels"))
			for k, v := range want {
				if labels[k] != v {
					t.Errorf("namespace label %s = %q, want %q", k, labels[k], v)
				}
			}
			if labels["pod-security.kubernetes.io/enforce"] != "restricted" {
				t.Errorf("namespace Pod Security = %q, want restricted", labels["pod-security.kubernetes.io/enforce"])
			}
			if got := platformtest.Input(t, ns, "metadata.name"); got != "ingress" {
				t.Errorf("namespace name = %v", got)
			}
		})
	}
}

func TestRawValues(t *testing.T) {
	_, rel, _ := mustRender(t, func(a *ingress.Args) {
		a.Values = map[string]any{
			"logs":       map[string]any{"access": map[string]any{"enabled": true}},
			"deployment": map[string]any{"terminationGracePeriodSeconds": 90},
			"service": map[string]any{
				"spec":        map[string]any{"loadBalancerSourceRanges": []any{"10.0.0.0/8"}},
				"annotations": map[string]any{"example.com/static-address": "10.20.64.10"},
			},
		}
	})
	// Raw values may add an annotation; the backend's stay as they are.
	wantValue(t, rel, map[string]any{"plinth.dev/load-balancer": "internal", "plinth.dev/subnet": "ingress", "example.com/static-address": "10.20.64.10"},
		"service", "annotations")
	wantValue(t, rel, true, "logs", "access", "enabled")
	wantValue(t, rel, 90.0, "deployment", "terminationGracePeriodSeconds")
	wantValue(t, rel, 2.0, "deployment", "replicas")
	wantValue(t, rel, []any{"10.0.0.0/8"}, "service", "spec", "loadBalancerSourceRanges")
	wantValue(t, rel, "Local", "service", "spec", "externalTrafficPolicy")
}

func TestValidation(t *testing.T) {
	noIngressSubnet := setup{subnets: []network.Subnet{{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"}}}
	for _, tc := range []struct {
		name   string
		setup  setup
		mutate func(a *ingress.Args)
		want   []string
	}{
		{
			name:   "unknown controller",
			mutate: func(a *ingress.Args) { a.Controller = "haproxy" },
			want:   []string{`ingress.controller "haproxy": use "traefik" (ingress.ControllerTraefik) or, only to migrate, "ingress-nginx"`},
		},
		{
			name: "gateway with ingress-nginx",
			mutate: func(a *ingress.Args) {
				a.Controller = ingress.ControllerIngressNginx
				a.Gateway = ingress.Gateway{ClassName: "nginx", RouteNamespaceLabels: map[string]string{"team": "a"}}
			},
			want: []string{
				`ingress.gateway.className "nginx": ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller "traefik"`,
				`ingress.gateway.routeNamespaceLabels: ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller "traefik"`,
			},
		},
		{
			name:   "gateway settings while disabled",
			mutate: func(a *ingress.Args) { a.Gateway = ingress.Gateway{Disabled: true, ClassName: "traefik"} },
			want:   []string{`ingress.gateway.className "traefik": set while gateway.disabled is true; remove one of them`},
		},
		{
			name:   "one replica in production",
			setup:  setup{target: platform.Target{Cloud: fake.Facts, Production: true}},
			mutate: func(a *ingress.Args) { a.Replicas = 1 },
			want:   []string{`ingress.replicas 1: a production ingress runs at least 2 replicas so that losing a node or a zone keeps it serving; leave it unset or raise it`},
		},
		{
			name:   "negative replicas",
			mutate: func(a *ingress.Args) { a.Replicas = -1 },
			want:   []string{`ingress.replicas -1: must be at least 1; leave it unset for 2`},
		},
		{
			name:   "namespace not a DNS label",
			mutate: func(a *ingress.Args) { a.Namespace = "Ingress_NS" },
			want:   []string{`ingress.namespace "Ingress_NS": a namespace name is a DNS label: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`},
		},
		{
			name:   "namespace every cluster has",
			mutate: func(a *ingress.Args) { a.Namespace = "kube-system" },
			want:   []string{`ingress.namespace "kube-system": exists in every cluster; the component creates its own namespace and enforces a Pod Security level on it, so pick another name, e.g. "ingress"`},
		},
		{
			name: "class names",
			mutate: func(a *ingress.Args) {
				a.IngressClassName = "Internal"
				a.Gateway.ClassName = "-gw"
				a.Gateway.RouteNamespaceLabels = map[string]string{"bad key!": "ok", "kubernetes.io/metadata.name": "-x"}
			},
			want: []string{
				`ingress.ingressClassName "Internal": an IngressClass name is a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
				`ingress.gateway.className "-gw": a GatewayClass name is a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`,
				`ingress.gateway.routeNamespaceLabels["bad key!"] "bad key!": not a label key: an optional DNS subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, e.g. "kubernetes.io/metadata.name"`,
				`ingress.gateway.routeNamespaceLabels["kubernetes.io/metadata.name"] "-x": not a label value: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
			},
		},
		{
			name:   "tags",
			mutate: func(a *ingress.Args) { a.Tags = map[string]string{"managed-by": "terraform", "Team": "x"} },
			want: []string{
				`ingress.tags["Team"] "Team": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
				`ingress.tags["managed-by"] "terraform": Plinth labels everything it manages "managed-by": "plinth"; remove this tag`,
			},
		},
		{
			name:   "internal load balancer without an ingress subnet",
			setup:  noIngressSubnet,
			mutate: nil,
			want:   []string{`ingress.public false: an internal load balancer takes its address from the network's "ingress" subnet, and the cluster's network has none; add a subnet with that role to the network, or set public`},
		},
		{
			name: "raw value over a typed one",
			mutate: func(a *ingress.Args) {
				a.Values = map[string]any{"deployment": map[string]any{"replicas": 5}, "ingressClass": map[string]any{"name": "other"}}
			},
			want: []string{
				`ingress.values["deployment"]["replicas"] "5": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
				`ingress.values["ingressClass"]["name"] "other": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
			},
		},
		{
			// The load balancer's annotations are the backend's: Resolve
			// cannot know them, New refuses a raw value over one before
			// registering anything.
			name: "raw value over one of the backend's annotations",
			mutate: func(a *ingress.Args) {
				a.Values = map[string]any{"service": map[string]any{"annotations": map[string]any{"plinth.dev/subnet": "other", "example.com/x": "y"}}}
			},
			want: []string{
				`ingress.values["service"]["annotations"]["plinth.dev/subnet"] "other": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, _, err := render(t, tc.setup, tc.mutate)
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not a *field.ErrorList", err)
			}
			if got, want := list.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			assertNothingRegistered(t, snap)
		})
	}

	t.Run("public without an ingress subnet is fine", func(t *testing.T) {
		_, _, err := render(t, noIngressSubnet, func(a *ingress.Args) { a.Public = true })
		if err != nil {
			t.Fatal(err)
		}
	})
}

func assertNothingRegistered(t *testing.T, snap *platformtest.Snapshot) {
	t.Helper()
	if snap.Find(fake.ClusterType, "prod-cluster") == nil {
		t.Fatal("the cluster was not rendered; the test setup is broken")
	}
	for _, typ := range []string{ingress.TypeToken, namespaceType, releaseType} {
		if rs := snap.OfType(typ); len(rs) > 0 {
			t.Errorf("%s %s was registered despite invalid args", typ, rs[0].Name)
		}
	}
}

// New refuses, before registering anything, a value Resolve did not make,
// a missing backend and a missing or unmade cluster: plain errors, not
// field errors.
func TestNewNeedsResolvedArgsABackendAndACluster(t *testing.T) {
	for _, tc := range []struct {
		name       string
		unresolved bool
		noBackend  bool
		host       func(c *cluster.Cluster) cluster.Host
		want       string
	}{
		{name: "not resolved", unresolved: true,
			want: `ingress: not resolved; pass what Args.Resolve returns`},
		{name: "no backend", noBackend: true,
			want: `ingress "edge": no backend; pass the backend the cluster was created with`},
		{name: "no cluster", host: func(*cluster.Cluster) cluster.Host { return nil },
			want: `ingress "edge": no cluster; pass the *cluster.Cluster that cluster.New returned`},
		{name: "nil cluster", host: func(*cluster.Cluster) cluster.Host { return (*cluster.Cluster)(nil) },
			want: `ingress "edge": no cluster; pass the *cluster.Cluster that cluster.New returned`},
		{name: "cluster cluster.New did not make", host: func(*cluster.Cluster) cluster.Host { return &cluster.Cluster{} },
			want: `ingress "edge": no cluster; pass the *cluster.Cluster that cluster.New returned`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			m := mockcloud.New("test")
			rerr := pulumi.RunErr(func(ctx *pulumi.Context) error {
				backend, ferr := fake.New(ctx, "fake")
				if ferr != nil {
					return ferr
				}
				nr, ferr := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), onFake)
				if ferr != nil {
					return ferr
				}
				net, ferr := network.New(ctx, nr, backend)
				if ferr != nil {
					return ferr
				}
				cr, ferr := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), onFake, nr.Spec())
				if ferr != nil {
					return ferr
				}
				c, ferr := cluster.New(ctx, cr, backend, net)
				if ferr != nil {
					return ferr
				}
				r, ferr := ingress.Args{}.Resolve("edge", field.NewPath("ingress"), onFake, cr.Spec())
				if ferr != nil {
					return ferr
				}
				if tc.unresolved {
					r = ingress.Resolved{}
				}
				var lb platform.LoadBalancerBackend = backend
				if tc.noBackend {
					lb = nil
				}
				var host cluster.Host = c
				if tc.host != nil {
					host = tc.host(c)
				}
				_, err = ingress.New(ctx, r, lb, host)
				return nil
			}, pulumi.WithMocks(mockcloud.Project, "test", m))
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			var list *field.ErrorList
			if errors.As(err, &list) {
				t.Error("the error is a *field.ErrorList; want a plain error")
			}
			assertNothingRegistered(t, m.Snapshot())
		})
	}

	// The name is checked with the settings, by Resolve.
	_, err := ingress.Args{Public: true}.Resolve("Edge", field.NewPath("ingress"), onFake, platform.ClusterSpec{})
	want := `ingress.name "Edge": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// Resolve completes the settings per controller, without a backend or a
// program; a production target accepts the defaults (a public load
// balancer is resolved outside production, which refuses it).
func TestResolveCompletesTheSettings(t *testing.T) {
	c, err := resolvedCluster()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args ingress.Args
		want ingress.Args
	}{
		{ingress.Args{}, ingress.Args{Controller: ingress.ControllerTraefik, IngressClassName: "traefik", LoadBalancerIP: "10.20.64.10",
			Gateway: ingress.Gateway{ClassName: "traefik"}, Replicas: 2, Namespace: "ingress"}},
		{ingress.Args{Controller: ingress.ControllerIngressNginx, Replicas: 3, Namespace: "edge", LoadBalancerIP: "10.20.64.200"},
			ingress.Args{Controller: ingress.ControllerIngressNginx, IngressClassName: "nginx", Replicas: 3, Namespace: "edge", LoadBalancerIP: "10.20.64.200"}},
		{ingress.Args{Gateway: ingress.Gateway{Disabled: true}, Public: true},
			ingress.Args{Controller: ingress.ControllerTraefik, IngressClassName: "traefik", Public: true,
				Gateway: ingress.Gateway{Disabled: true}, Replicas: 2, Namespace: "ingress"}},
	} {
		r, err := tc.args.Resolve("edge", field.NewPath("ingress"), platform.Target{Cloud: fake.Facts, Production: !tc.args.Public}, c)
		if err != nil {
			t.Errorf("%+v: %v", tc.args, err)
			continue
		}
		if !reflect.DeepEqual(r.Spec(), tc.want) {
			t.Errorf("Resolve(%+v).Spec() = %+v\nwant %+v", tc.args, r.Spec(), tc.want)
		}
	}
}

// resolvedCluster resolves a cluster in the default network on the fake
// cloud, as an environment does before creating anything.
func resolvedCluster() (platform.ClusterSpec, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), onFake)
	if err != nil {
		return platform.ClusterSpec{}, err
	}
	cr, err := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), onFake, nr.Spec())
	return cr.Spec(), err
}

// onFake is the fake cloud's target, outside production.
var onFake = platform.Target{Cloud: fake.Facts}

// TestAddress: an internal load balancer's address is fixed in the
// ingress subnet, set on the Service and known without reading it; a
// public one's is read from the Service the chart creates.
func TestAddress(t *testing.T) {
	for _, tc := range []struct {
		controller ingress.Controller
		namespace  string
		service    string
		valuesPath []string
	}{
		{ingress.ControllerTraefik, "ingress", "traefik", []string{"service", "spec", "loadBalancerIP"}},
		{ingress.ControllerIngressNginx, "edge", "ingress-nginx-controller", []string{"controller", "service", "loadBalancerIP"}},
	} {
		t.Run(string(tc.controller), func(t *testing.T) {
			snap, rel, out := mustRender(t, func(a *ingress.Args) {
				a.Controller = tc.controller
				a.Namespace = tc.namespace
			})
			if out.address != "10.20.64.10" {
				t.Errorf("Address = %q, want the ingress subnet's address %d", out.address, ingress.DefaultAddressOffset)
			}
			v := platformtest.Input(t, rel, "values")
			keys := make([]any, len(tc.valuesPath))
			for i, k := range tc.valuesPath {
				keys[i] = k
			}
			if got := platformtest.At(t, v, keys...); got != "10.20.64.10" {
				t.Errorf("the Service asks for %v", got)
			}
			if n := len(snap.OfType("kubernetes:core/v1:Service")); n != 0 {
				t.Errorf("%d Service reads for an internal address", n)
			}

			_, _, out = mustRender(t, func(a *ingress.Args) {
				a.Controller = tc.controller
				a.Namespace = tc.namespace
				a.Public = true
			})
			// The mock answers the read of <namespace>/<service> with an
			// address derived from that ID: the right Service was read.
			if want := mockAddress(tc.namespace + "/" + tc.service); out.address != want {
				t.Errorf("public Address = %q, want %q (the load balancer of %s/%s)", out.address, want, tc.namespace, tc.service)
			}
		})
	}
}

// TestLoadBalancerIPRefusals: an address must be a usable one of the
// ingress subnet, and a public load balancer takes none.
func TestLoadBalancerIPRefusals(t *testing.T) {
	c, err := resolvedCluster()
	if err != nil {
		t.Fatal(err)
	}
	for ip, want := range map[string]string{
		"10.20.64":     `ingress.loadBalancerIP "10.20.64": not an IPv4 address; write one of the ingress subnet 10.20.64.0/21, e.g. "10.20.64.10"`,
		"10.20.72.10":  `ingress.loadBalancerIP "10.20.72.10": not a usable address of the ingress subnet 10.20.64.0/21 (10.20.64.4 to 10.20.71.253; the clouds reserve the others), e.g. "10.20.64.10"`,
		"10.20.64.1":   `ingress.loadBalancerIP "10.20.64.1": not a usable address of the ingress subnet`,
		"10.20.71.255": `ingress.loadBalancerIP "10.20.71.255": not a usable address of the ingress subnet`,
	} {
		_, err := ingress.Args{LoadBalancerIP: ip}.Resolve("edge", field.NewPath("ingress"), onFake, c)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v\nwant %s", ip, err, want)
		}
	}
	_, err = ingress.Args{LoadBalancerIP: "10.20.64.10", Public: true}.Resolve("edge", field.NewPath("ingress"), onFake, c)
	if err == nil || !strings.Contains(err.Error(), `ingress.loadBalancerIP "10.20.64.10": a public load balancer takes its address from the cloud; remove loadBalancerIP, or public`) {
		t.Errorf("public with an address: %v", err)
	}
}

func TestTheControllerIsScrapedByTheManagedPrometheus(t *testing.T) {
	for _, tc := range []struct {
		cloud    platform.CloudFacts
		typ      string
		endpoint string
	}{
		{aksfacts.Facts, "kubernetes:azmonitoring.coreos.com/v1:PodMonitor", "podMetricsEndpoints"},
		{gkefacts.Facts, "kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "endpoints"},
	} {
		snap, _, err := render(t, setup{target: platform.Target{Cloud: tc.cloud}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := snap.Find(tc.typ, "edge-ingress-metrics")
		if m == nil {
			t.Fatalf("%s: no %s", tc.cloud.Cloud, tc.typ)
		}
		for path, want := range map[string]any{
			"metadata.namespace":              "ingress",
			"metadata.name":                   "traefik",
			"spec." + tc.endpoint + ".0.port": "metrics",
			"spec." + tc.endpoint + ".0.path": "/metrics",
		} {
			if got, _ := m.Input(path); got != want {
				t.Errorf("%s: %s = %v, want %v", tc.cloud.Cloud, path, got, want)
			}
		}
		// The controller's pods, by the chart's selector labels.
		if sel, _ := m.Input("spec.selector.matchLabels"); sel.(map[string]any)["app.kubernetes.io/name"] != "traefik" {
			t.Errorf("%s: selector %v", tc.cloud.Cloud, sel)
		}
		if len(m.DependsOn) != 1 || !strings.Contains(m.DependsOn[0], "helm.sh/v3:Release") {
			t.Errorf("%s: depends on %v, want the release that creates the namespace", tc.cloud.Cloud, m.DependsOn)
		}
	}
	// Without the cloud's managed Prometheus (the fake's), nothing to scrape with.
	plain, _, _ := mustRender(t, nil)
	for _, r := range plain.Resources {
		if strings.Contains(r.Type, "PodMonitor") {
			t.Errorf("%s registered without a managed Prometheus", r.Type)
		}
	}
}

// HTTPS by default: with the wildcard certificate's Secret the default
// Gateway gets an HTTPS listener with it, Traefik serves it by default and
// redirects HTTP to HTTPS; an edge gets the HTTPS port's appProtocol and
// the ping port. Production refuses a bare public load balancer.
func TestHTTPSAndTheEdge(t *testing.T) {
	_, rel, _ := mustRender(t, func(a *ingress.Args) { a.TLSSecret, a.Edge = "platform-wildcard-tls", true })
	want := map[string]any{
		"port": 8443.0, "protocol": "HTTPS", "mode": "Terminate", "namespacePolicy": map[string]any{"from": "All"},
		"certificateRefs": []any{map[string]any{"kind": "Secret", "name": "platform-wildcard-tls"}},
	}
	wantValue(t, rel, want, "gateway", "listeners", "websecure")
	wantValue(t, rel, map[string]any{"to": "websecure", "scheme": "https", "permanent": true}, "ports", "web", "redirections", "entryPoint")
	wantValue(t, rel, "platform-wildcard-tls", "tlsStore", "default", "defaultCertificate", "secretName")
	wantValue(t, rel, "https", "ports", "websecure", "appProtocol")
	wantValue(t, rel, true, "ports", "traefik", "expose", "default")
	wantValue(t, rel, float64(ingress.HealthPort), "ports", "traefik", "exposedPort")

	_, plain, _ := mustRender(t, nil)
	if hasValue(plain, "ports") || hasValue(plain, "tlsStore") || hasValue(plain, "gateway", "listeners", "websecure") {
		t.Error("without a certificate or an edge, the chart's ports, TLS store and listeners are left alone")
	}

	c, err := resolvedCluster()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ingress.Args{Public: true}.Resolve("edge", field.NewPath("ingress"), platform.Target{Cloud: fake.Facts, Production: true}, c)
	if err == nil || err.Error() != "ingress.public true: production refuses a bare public load balancer: traffic from the internet comes through the environment's edge, with its firewall; remove public and set edge" {
		t.Errorf("public in production: %v", err)
	}
}

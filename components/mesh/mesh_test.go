package mesh_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	certificateType = "kubernetes:cert-manager.io/v1:Certificate"
	issuerType      = "kubernetes:cert-manager.io/v1:ClusterIssuer"
	bundleType      = "kubernetes:trust.cert-manager.io/v1alpha1:Bundle"
	namespaceType   = "kubernetes:core/v1:Namespace"
)

// clusterSpec resolves a network and a cluster of tg.
func clusterSpec(t *testing.T, tg platform.Target) (network.Resolved, cluster.Resolved) {
	t.Helper()
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), tg)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := cluster.Args{Tags: map[string]string{"environment": "stage"}}.Resolve("stage", field.NewPath("cluster"), tg, nr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	return nr, cr
}

func TestResolve(t *testing.T) {
	off, on := false, true
	for _, c := range []struct {
		name       string
		production bool
		args       mesh.Args
		ha         bool
	}{
		{"production defaults to HA", true, mesh.Args{}, true},
		{"elsewhere the component defaults to one replica", false, mesh.Args{}, false},
		{"HA asked for", false, mesh.Args{HA: &on}, true},
		{"HA off outside production", false, mesh.Args{HA: &off}, false},
	} {
		tg := platform.Target{Cloud: aksfacts.Facts, Production: c.production}
		_, cr := clusterSpec(t, tg)
		r, err := c.args.Resolve("stage", "mesh", tg, cr.Spec())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.HA() != c.ha {
			t.Errorf("%s: HA %v, want %v", c.name, r.HA(), c.ha)
		}
	}
}

// Bad settings are refused at Resolve, all at once, naming the field, the
// value and the fix.
func TestResolveRefuses(t *testing.T) {
	off := false
	tg := platform.Target{Cloud: gkefacts.Facts, Production: true}
	_, cr := clusterSpec(t, tg)
	_, err := mesh.Args{
		HA:     &off,
		Values: map[string]any{"identity": map[string]any{"externalCA": false}, "linkerdVersion": "edge-26.9.1"},
		Tags:   map[string]string{"Bad Key": "x"},
	}.Resolve("stage", "mesh", tg, cr.Spec())
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`mesh.ha false: a production mesh runs its control plane highly available`,
		`mesh.values["identity"]["externalCA"] "false": Plinth sets this value from a typed field`,
		`mesh.tags`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "linkerdVersion") {
		t.Errorf("a raw value Plinth does not set is refused:\n%v", err)
	}
}

// render installs cert-manager and the mesh resolved from a against tg on
// a fake cluster.
func render(t *testing.T, tg platform.Target, a mesh.Args) *platformtest.Snapshot {
	t.Helper()
	nr, cr := clusterSpec(t, tg)
	r, err := a.Resolve("stage", "mesh", tg, cr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		cmr, err := certmanager.Args{Email: "platform@example.com", IngressClass: "traefik"}.Resolve("stage", field.NewPath("certManager"), tg, cl.Spec)
		if err != nil {
			return err
		}
		cm, err := certmanager.New(ctx, cmr, b, cl)
		if err != nil {
			return err
		}
		_, err = mesh.New(ctx, r.WithIngress("ingress", "traefik"), cl, cm)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestTrustIsRootedInCertManager: the anchor is a self-signed CA of
// cert-manager's, the identity issuer a CA the anchor signs, renewed well
// before it ends; trust-manager copies the anchor's certificate, and only
// it, to the control plane's namespace; the control plane takes both from
// the cluster (externalCA), so no key or certificate passes through the
// program, its state or its snapshot.
func TestTrustIsRootedInCertManager(t *testing.T) {
	snap := render(t, platform.Target{Cloud: aksfacts.Facts}, mesh.Args{})
	anchor := snap.Find(certificateType, "stage-trust-anchor")
	spec := platformtest.Input(t, anchor, "spec").(map[string]any)
	if ns := platformtest.Input(t, anchor, "metadata.namespace"); ns != certmanager.Namespace {
		t.Errorf("the anchor is in %v, want cert-manager's namespace, where its ClusterIssuer reads it", ns)
	}
	want := map[string]any{
		"isCA": true, "secretName": mesh.TrustAnchorSecret, "duration": mesh.AnchorDuration, "renewBefore": mesh.AnchorRenewBefore,
		"issuerRef":  map[string]any{"name": certmanager.SelfSignedIssuerName, "kind": "ClusterIssuer", "group": "cert-manager.io"},
		"privateKey": map[string]any{"algorithm": "ECDSA", "size": 256.0, "rotationPolicy": "Always"},
	}
	for k, v := range want {
		if !reflect.DeepEqual(spec[k], v) {
			t.Errorf("anchor spec.%s = %v, want %v", k, spec[k], v)
		}
	}
	issuer := platformtest.Input(t, snap.Find(issuerType, "stage-trust-anchor-issuer"), "spec").(map[string]any)
	if !reflect.DeepEqual(issuer, map[string]any{"ca": map[string]any{"secretName": mesh.TrustAnchorSecret}}) {
		t.Errorf("the anchor's issuer %v", issuer)
	}
	identity := snap.Find(certificateType, "stage-identity-issuer")
	ispec := platformtest.Input(t, identity, "spec").(map[string]any)
	if platformtest.Input(t, identity, "metadata.namespace") != mesh.Namespace || ispec["isCA"] != true ||
		ispec["secretName"] != mesh.IdentityIssuerSecret || ispec["duration"] != "48h" || ispec["renewBefore"] != "25h" ||
		platformtest.At(t, ispec, "issuerRef", "name") != mesh.TrustAnchorSecret {
		t.Errorf("identity issuer %v", ispec)
	}
	bundle := platformtest.Input(t, snap.Find(bundleType, "stage-trust-roots"), "spec").(map[string]any)
	wantBundle := map[string]any{
		"sources": []any{map[string]any{"secret": map[string]any{"name": mesh.TrustAnchorSecret, "key": "tls.crt"}}},
		"target": map[string]any{
			"configMap":         map[string]any{"key": mesh.TrustRootsKey},
			"namespaceSelector": map[string]any{"matchLabels": map[string]any{"linkerd.io/is-control-plane": "true"}},
		},
	}
	if !reflect.DeepEqual(bundle, wantBundle) {
		t.Errorf("bundle %v\nwant %v", bundle, wantBundle)
	}
	// Nothing the program sends holds a key or a certificate.
	b, err := json.Marshal(snap.Resources)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"PRIVATE KEY", "BEGIN CERTIFICATE", "keyPEM", "crtPEM", "identityTrustAnchorsPEM", "tls.key"} {
		if strings.Contains(string(b), s) {
			t.Errorf("the snapshot holds %q", s)
		}
	}
	cp := platformtest.Input(t, snap.Find(helm.ReleaseType, "stage-linkerd-control-plane-release"), "values").(map[string]any)
	if platformtest.At(t, cp, "identity", "externalCA") != true || platformtest.At(t, cp, "identity", "issuer", "scheme") != "kubernetes.io/tls" {
		t.Errorf("the control plane does not take its issuer from cert-manager: %v", cp["identity"])
	}
}

// TestPreviousAnchor: during a rotation the old anchor's certificate is
// trusted too.
func TestPreviousAnchor(t *testing.T) {
	snap := render(t, platform.Target{Cloud: aksfacts.Facts}, mesh.Args{KeepPreviousAnchor: true})
	sources := platformtest.Input(t, snap.Find(bundleType, "stage-trust-roots"), "spec.sources").([]any)
	if len(sources) != 2 || platformtest.At(t, sources[1], "secret", "name") != mesh.PreviousAnchorSecret || platformtest.At(t, sources[1], "secret", "key") != "tls.crt" {
		t.Errorf("sources %v, want the anchor and the previous anchor's certificates", sources)
	}
}

// TestControlPlane: HA in production (three controllers apart, budgets,
// webhooks that fail closed), one replica elsewhere; the CNI plugin
// instead of a privileged init container, so the control plane's
// namespace is restricted; the control plane starts after its trust
// roots, its issuer, its CRDs and the CNI plugin.
func TestControlPlane(t *testing.T) {
	for _, c := range []struct {
		facts      platform.CloudFacts
		production bool
		replicas   float64
		failure    string
		cniBin     any
	}{
		{aksfacts.Facts, true, 3, "Fail", nil},
		{gkefacts.Facts, false, 1, "Ignore", "/home/kubernetes/bin"},
	} {
		snap := render(t, platform.Target{Cloud: c.facts, Production: c.production}, mesh.Args{})
		rel := snap.Find(helm.ReleaseType, "stage-linkerd-control-plane-release")
		v := platformtest.Input(t, rel, "values").(map[string]any)
		if v["controllerReplicas"] != c.replicas || v["webhookFailurePolicy"] != c.failure || v["enablePodAntiAffinity"] != c.production ||
			v["enablePodDisruptionBudget"] != c.production || v["cniEnabled"] != true || v["disableHeartBeat"] != true {
			t.Errorf("%s production %v: values %v", c.facts.Name, c.production, v)
		}
		if got := platformtest.At(t, v, "proxy", "resources"); !reflect.DeepEqual(got, map[string]any{
			"cpu": map[string]any{"request": mesh.ProxyCPURequest}, "memory": map[string]any{"request": mesh.ProxyMemoryRequest, "limit": mesh.ProxyMemoryLimit},
		}) {
			t.Errorf("the proxy's resources %v: the guardrails need requests and a memory limit", got)
		}
		if platformtest.Input(t, rel, "namespace") != mesh.Namespace || platformtest.Input(t, rel, "version") != helm.LinkerdControlPlane.Version {
			t.Errorf("release %v", rel.Inputs)
		}
		for _, dep := range []string{"stage-identity-issuer", "stage-trust-roots", "stage-linkerd-crds-release", "stage-linkerd-cni-release"} {
			if !slices.ContainsFunc(rel.DependsOn, func(urn string) bool { return strings.HasSuffix(urn, "::"+dep) }) {
				t.Errorf("the control plane does not wait for %s: %v", dep, rel.DependsOn)
			}
		}
		ns := snap.Find(namespaceType, "stage-linkerd-namespace")
		labels := platformtest.Input(t, ns, "metadata.labels").(map[string]any)
		if labels["pod-security.kubernetes.io/enforce"] != "restricted" || labels["linkerd.io/is-control-plane"] != "true" || labels["environment"] != "stage" {
			t.Errorf("the control plane's namespace labels %v", labels)
		}
		cni := snap.Find(helm.ReleaseType, "stage-linkerd-cni-release")
		cv := platformtest.Input(t, cni, "values").(map[string]any)
		if _, ok := cv["priorityClassName"]; cv["destCNIBinDir"] != c.cniBin || ok {
			t.Errorf("%s: CNI values %v", c.facts.Name, cv)
		}
		tm := platformtest.Input(t, snap.Find(helm.ReleaseType, "stage-trust-manager-release"), "values").(map[string]any)
		if platformtest.At(t, tm, "app", "trust", "namespace") != certmanager.Namespace || !reflect.DeepEqual(platformtest.At(t, tm, "app", "targetNamespaces"), []any{mesh.Namespace}) {
			t.Errorf("trust-manager reads and writes %v", tm["app"])
		}
	}
}

// TestControlPlaneMetrics: the identity, destination and injector
// controllers are scraped where the cluster has managed metrics.
func TestControlPlaneMetrics(t *testing.T) {
	snap := render(t, platform.Target{Cloud: gkefacts.Facts}, mesh.Args{})
	for _, c := range []struct{ component, port string }{{"identity", "ident-admin"}, {"destination", "dest-admin"}, {"proxy-injector", "injector-admin"}} {
		m := snap.Find("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "stage-linkerd-"+c.component+"-metrics")
		if m == nil {
			t.Fatalf("no monitor of %s", c.component)
		}
		if platformtest.Input(t, m, "metadata.namespace") != mesh.Namespace || platformtest.Input(t, m, "spec.endpoints.0.port") != c.port {
			t.Errorf("%s monitor %v", c.component, m.Inputs)
		}
	}
}

func TestNewNeedsResolvedArgsCertManagerAndACluster(t *testing.T) {
	tg := platform.Target{Cloud: aksfacts.Facts}
	_, cr := clusterSpec(t, tg)
	r, err := mesh.Args{}.Resolve("stage", "mesh", tg, cr.Spec())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		resolved mesh.Resolved
		cm       *certmanager.CertManager
		want     string
	}{
		{mesh.Resolved{}, &certmanager.CertManager{Release: &helm.ReleaseResource{}}, "mesh: not resolved"},
		{r, nil, `mesh "stage": no cert-manager`},
		{r, &certmanager.CertManager{Release: &helm.ReleaseResource{}}, `mesh "stage": no cluster`},
	} {
		_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
			_, err := mesh.New(ctx, c.resolved, nil, c.cm)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

// TestIngressRestartsIntoTheMesh: the ingress controller's pod template
// carries the control plane's revision once it is deployed, so that its
// pods, which may predate the injector, roll into the mesh.
func TestIngressRestartsIntoTheMesh(t *testing.T) {
	snap := render(t, platform.Target{Cloud: aksfacts.Facts}, mesh.Args{})
	patch := snap.Find("kubernetes:apps/v1:DeploymentPatch", "stage-ingress-restart")
	if patch == nil {
		t.Fatal("no patch of the ingress controller")
	}
	if platformtest.Input(t, patch, "metadata.name") != "traefik" || platformtest.Input(t, patch, "metadata.namespace") != "ingress" {
		t.Errorf("patches %v", patch.Inputs["metadata"])
	}
	annotations := platformtest.Input(t, patch, "spec.template.metadata.annotations").(map[string]any)
	if _, ok := annotations[mesh.RestartAnnotation]; !ok {
		t.Errorf("pod annotations %v", annotations)
	}
	if !slices.ContainsFunc(patch.DependsOn, func(urn string) bool { return strings.HasSuffix(urn, "::stage-linkerd-control-plane-release") }) {
		t.Errorf("the patch does not wait for the control plane: %v", patch.DependsOn)
	}
}

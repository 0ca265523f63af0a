package certmanager_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
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
	zoneName     = "dev.example.com"
	subscription = "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a"
	azureZoneID  = "/subscriptions/" + subscription + "/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/" + zoneName
	gcpProject   = "acme-dns-prod"
	gcpZone      = "dev-example-com"
	gcpZoneID    = "projects/" + gcpProject + "/managedZones/" + gcpZone

	releaseType = "kubernetes:helm.sh/v3:Release"
	issuerType  = "kubernetes:cert-manager.io/v1:ClusterIssuer"
	certType    = "kubernetes:cert-manager.io/v1:Certificate"
)

// on is the target of a development deployment to the cloud of facts;
// prod the target of a production one. Tests of a cloud's rules resolve
// against its facts and build on the fake backend, which records specs.
func on(facts platform.CloudFacts) platform.Target { return platform.Target{Cloud: facts} }

func prod(facts platform.CloudFacts) platform.Target {
	return platform.Target{Cloud: facts, Production: true}
}

// clusterTags are the tags of the cluster cert-manager runs in.
var clusterTags = map[string]string{"environment": "dev"}

// args are the settings the tests start from: on a cloud with a DNS01
// solver a DNS zone with the cloud's form of ID; elsewhere HTTP01 through
// "traefik".
func args(cloud platform.CloudFacts) certmanager.Args {
	a := certmanager.Args{Email: "platform@example.com"}
	switch cloud.DNS01 {
	case platform.DNS01AzureDNS:
		a.DNSZone = &certmanager.DNSZone{Name: zoneName, ID: pulumi.String(azureZoneID)}
	case platform.DNS01CloudDNS:
		a.DNSZone = &certmanager.DNSZone{Name: zoneName, ID: pulumi.String(gcpZoneID)}
	default:
		a.IngressClass = "traefik"
	}
	return a
}

// resolve resolves args(tg.Cloud), changed by mutate, against tg and a
// cluster tagged clusterTags, as an environment does before it creates
// anything.
func resolve(tg platform.Target, mutate func(a *certmanager.Args)) (certmanager.Resolved, error) {
	a := args(tg.Cloud)
	if mutate != nil {
		mutate(&a)
	}
	return a.Resolve("dev", field.NewPath("certManager"), tg, platform.ClusterSpec{Name: "dev", Tags: clusterTags})
}

// newCluster resolves and creates a network and the cluster "dev" for tg
// through b.
func newCluster(ctx *pulumi.Context, b *fake.Backend, tg platform.Target) (*cluster.Cluster, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), tg)
	if err != nil {
		return nil, err
	}
	net, err := network.New(ctx, nr, b)
	if err != nil {
		return nil, err
	}
	cr, err := cluster.Args{Tags: clusterTags}.Resolve("dev", field.NewPath("cluster"), tg, nr.Spec())
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, cr, b, net)
}

// result is one rendered program.
type result struct {
	snap     *platformtest.Snapshot
	backend  *fake.Backend
	clientID string // the identity's client ID, once known
}

// render creates, on the fake backend, a network, a cluster and
// cert-manager "dev" resolved against tg from args(tg.Cloud) changed by
// mutate.
func render(t *testing.T, tg platform.Target, mutate func(a *certmanager.Args)) (result, error) {
	t.Helper()
	var (
		res result
		mu  sync.Mutex
	)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		res.backend = b
		cl, err := newCluster(ctx, b, tg)
		if err != nil {
			return err
		}
		a := args(tg.Cloud)
		if mutate != nil {
			mutate(&a)
		}
		r, err := a.Resolve("dev", field.NewPath("certManager"), tg, cl.Spec)
		if err != nil {
			return err
		}
		cm, err := certmanager.New(ctx, r, b, cl)
		if err != nil {
			return err
		}
		if cm.Identity != nil {
			cm.Identity.ClientID.ApplyT(func(id string) string {
				mu.Lock()
				res.clientID = id
				mu.Unlock()
				return id
			})
		}
		return nil
	})
	res.snap = snap
	return res, err
}

func mustRender(t *testing.T, tg platform.Target, mutate func(a *certmanager.Args)) result {
	t.Helper()
	res, err := render(t, tg, mutate)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func has(v any, key string) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[key]
	return ok
}

func values(t *testing.T, snap *platformtest.Snapshot) map[string]any {
	t.Helper()
	rel := snap.Find(releaseType, "dev-cert-manager-release")
	return platformtest.Input(t, rel, "values").(map[string]any)
}

func issuerSpec(t *testing.T, snap *platformtest.Snapshot, issuer string) map[string]any {
	t.Helper()
	r := snap.Find(issuerType, "dev-"+issuer)
	if got := platformtest.Input(t, r, "metadata.name"); got != issuer {
		t.Fatalf("ClusterIssuer dev-%s is named %v in the cluster", issuer, got)
	}
	return platformtest.Input(t, r, "spec").(map[string]any)
}

func TestIdentityIsBoundToCertManagerWithOneZoneGrant(t *testing.T) {
	for _, tc := range []struct {
		cloud platform.CloudFacts
		scope string
	}{{aksfacts.Facts, azureZoneID}, {gkefacts.Facts, gcpZoneID}} {
		t.Run(tc.cloud.Name, func(t *testing.T) {
			var (
				b    *fake.Backend
				host *cluster.Cluster
				cm   *certmanager.CertManager
			)
			snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
				var err error
				if b, err = fake.New(ctx, "fake"); err != nil {
					return err
				}
				if host, err = newCluster(ctx, b, on(tc.cloud)); err != nil {
					return err
				}
				r, err := args(tc.cloud).Resolve("dev", field.NewPath("certManager"), on(tc.cloud), host.Spec)
				if err != nil {
					return err
				}
				cm, err = certmanager.New(ctx, r, b, host)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			res := result{snap: snap, backend: b}
			ids := res.backend.Identities()
			if len(ids) != 1 {
				t.Fatalf("identities = %d, want 1", len(ids))
			}
			s := ids[0]
			if s.Name != "dev-cert-manager" || s.Namespace != "cert-manager" || s.ServiceAccount != "cert-manager" ||
				s.Subject() != "system:serviceaccount:cert-manager:cert-manager" {
				t.Errorf("identity spec = %s %s/%s (%s)", s.Name, s.Namespace, s.ServiceAccount, s.Subject())
			}
			if s.Cluster == nil || s.Cluster != host.Outputs {
				t.Error("identity spec is not for the cluster's outputs; the federated credential needs its OIDC issuer")
			}
			if cm.Identity == nil {
				t.Error("the component has no Identity")
			}
			if s.Tags["environment"] != "dev" {
				t.Errorf("identity tags = %v; want the cluster's", s.Tags)
			}
			if len(s.Grants) != 1 || s.Grants[0].Role != platform.GrantDNSZoneContributor {
				t.Fatalf("grants = %+v; want exactly one DNS zone contributor grant", s.Grants)
			}
			grants := res.snap.OfType(fake.GrantType)
			if len(grants) != 1 {
				t.Fatalf("grant resources = %d, want 1", len(grants))
			}
			if got := platformtest.Input(t, grants[0], "scope"); got != tc.scope {
				t.Errorf("grant scope = %v, want exactly the zone %s", got, tc.scope)
			}
			comp := res.snap.Find(certmanager.TypeToken, "dev")
			id := res.snap.Find(fake.IdentityType, "dev-cert-manager-identity")
			if id == nil || id.Parent != comp.URN {
				t.Errorf("identity %v is not a child of the component", id)
			}
		})
	}
}

func TestIdentityReachesTheChart(t *testing.T) {
	res := mustRender(t, on(aksfacts.Facts), nil)
	if res.clientID == "" {
		t.Fatal("identity client ID unknown")
	}
	v := values(t, res.snap)
	sa := platformtest.At(t, v, "serviceAccount").(map[string]any)
	if sa["name"] != "cert-manager" || sa["create"] != true {
		t.Errorf("serviceAccount = %v; want the chart's cert-manager account, created", sa)
	}
	if got := platformtest.At(t, sa, "annotations", "plinth.dev/fake-identity"); got != res.clientID {
		t.Errorf("service account annotation = %v, want the identity's client ID %s", got, res.clientID)
	}
	if got := platformtest.At(t, v, "podLabels", "plinth.dev/fake-identity"); got != "true" {
		t.Errorf("controller pod label = %v, want the identity's pod label", got)
	}
	for _, w := range []string{"webhook", "cainjector"} {
		if has(platformtest.At(t, v, w), "podLabels") {
			t.Errorf("%s gets the identity's pod labels; only the controller talks to the cloud", w)
		}
	}
}

func TestAzureDNS01UsesTheWorkloadIdentity(t *testing.T) {
	res := mustRender(t, on(aksfacts.Facts), nil)
	for issuer, server := range map[string]string{
		certmanager.ProductionIssuerName: certmanager.DefaultACMEServer,
		certmanager.StagingIssuerName:    certmanager.DefaultACMEStagingServer,
	} {
		acme := platformtest.At(t, issuerSpec(t, res.snap, issuer), "acme")
		if platformtest.At(t, acme, "server") != server || platformtest.At(t, acme, "email") != "platform@example.com" ||
			platformtest.At(t, acme, "privateKeySecretRef", "name") != issuer+"-account" {
			t.Errorf("%s: acme = %v", issuer, acme)
		}
		solvers := platformtest.At(t, acme, "solvers").([]any)
		if len(solvers) != 1 {
			t.Fatalf("%s: solvers = %v; want only DNS01", issuer, solvers)
		}
		if got := platformtest.At(t, solvers[0], "selector", "dnsZones"); !reflect.DeepEqual(got, []any{zoneName}) {
			t.Errorf("%s: selector = %v", issuer, got)
		}
		az := platformtest.At(t, solvers[0], "dns01", "azureDNS")
		want := map[string]any{
			"subscriptionID":    subscription,
			"resourceGroupName": "dns-rg",
			"hostedZoneName":    zoneName,
			"environment":       "AzurePublicCloud",
			"managedIdentity":   map[string]any{"clientID": res.clientID},
		}
		if !reflect.DeepEqual(az, want) {
			t.Errorf("%s: azureDNS = %v\nwant %v", issuer, az, want)
		}
	}
}

func TestGCPCloudDNSUsesAmbientCredentials(t *testing.T) {
	res := mustRender(t, on(gkefacts.Facts), nil)
	for _, issuer := range []string{certmanager.ProductionIssuerName, certmanager.StagingIssuerName} {
		solvers := platformtest.At(t, issuerSpec(t, res.snap, issuer), "acme", "solvers").([]any)
		if len(solvers) != 1 {
			t.Fatalf("%s: solvers = %v", issuer, solvers)
		}
		dns := platformtest.At(t, solvers[0], "dns01")
		// The project and the managed zone: with hostedZoneName the solver
		// lists no zones, so its grant on the one zone is all it needs.
		if want := map[string]any{"cloudDNS": map[string]any{"project": gcpProject, "hostedZoneName": gcpZone}}; !reflect.DeepEqual(dns, want) {
			t.Errorf("%s: dns01 = %v, want %v (no serviceAccountSecretRef: GKE workload identity)", issuer, dns, want)
		}
	}
	if got := platformtest.At(t, values(t, res.snap), "serviceAccount", "annotations", "plinth.dev/fake-identity"); got != res.clientID {
		t.Errorf("service account annotation = %v, want %s", got, res.clientID)
	}
}

func TestHTTP01WithoutZoneHasNoIdentity(t *testing.T) {
	res := mustRender(t, on(fake.Facts), nil)
	if n := len(res.backend.Identities()); n != 0 {
		t.Errorf("identities = %d; HTTP01 needs no cloud rights", n)
	}
	if n := len(res.snap.OfType(fake.IdentityType)) + len(res.snap.OfType(fake.GrantType)); n != 0 {
		t.Errorf("%d identity resources registered", n)
	}
	for _, issuer := range []string{certmanager.ProductionIssuerName, certmanager.StagingIssuerName} {
		solvers := platformtest.At(t, issuerSpec(t, res.snap, issuer), "acme", "solvers")
		want := []any{map[string]any{"http01": map[string]any{"ingress": map[string]any{"ingressClassName": "traefik"}}}}
		if !reflect.DeepEqual(solvers, want) {
			t.Errorf("%s: solvers = %v, want %v", issuer, solvers, want)
		}
	}
	v := values(t, res.snap)
	if has(v, "podLabels") || has(platformtest.At(t, v, "serviceAccount"), "annotations") {
		t.Errorf("identity values set without an identity: %v", v)
	}
}

func TestZoneWithIngressClassFallsBackToHTTP01(t *testing.T) {
	res := mustRender(t, on(gkefacts.Facts), func(a *certmanager.Args) { a.IngressClass = "traefik" })
	solvers := platformtest.At(t, issuerSpec(t, res.snap, certmanager.ProductionIssuerName), "acme", "solvers").([]any)
	if len(solvers) != 2 {
		t.Fatalf("solvers = %v; want DNS01 for the zone and HTTP01 for the rest", solvers)
	}
	if !has(solvers[0], "selector") || !has(solvers[0], "dns01") {
		t.Errorf("first solver = %v; want DNS01 limited to the zone", solvers[0])
	}
	if has(solvers[1], "selector") || platformtest.At(t, solvers[1], "http01", "ingress", "ingressClassName") != "traefik" {
		t.Errorf("second solver = %v; want HTTP01 without a selector", solvers[1])
	}
}

func TestCustomACMEServers(t *testing.T) {
	res := mustRender(t, on(fake.Facts), func(a *certmanager.Args) {
		a.ACMEServer = "https://acme.internal.example/directory"
		a.ACMEStagingServer = "https://acme.internal.example/staging"
	})
	if got := platformtest.At(t, issuerSpec(t, res.snap, certmanager.ProductionIssuerName), "acme", "server"); got != "https://acme.internal.example/directory" {
		t.Errorf("production server = %v", got)
	}
	if got := platformtest.At(t, issuerSpec(t, res.snap, certmanager.StagingIssuerName), "acme", "server"); got != "https://acme.internal.example/staging" {
		t.Errorf("staging server = %v", got)
	}
}

func TestInternalCAChain(t *testing.T) {
	res := mustRender(t, on(fake.Facts), nil)
	snap := res.snap
	rel := snap.Find(releaseType, "dev-cert-manager-release")
	self := snap.Find(issuerType, "dev-plinth-selfsigned")
	cert := snap.Find(certType, "dev-internal-ca")
	ca := snap.Find(issuerType, "dev-plinth-internal-ca")
	if rel == nil || self == nil || cert == nil || ca == nil {
		t.Fatalf("release %v, self-signed issuer %v, CA certificate %v, CA issuer %v", rel, self, cert, ca)
	}
	if got := issuerSpec(t, snap, "plinth-selfsigned"); !reflect.DeepEqual(got, map[string]any{"selfSigned": map[string]any{}}) {
		t.Errorf("self-signed spec = %v", got)
	}
	if platformtest.Input(t, cert, "metadata.namespace") != "cert-manager" || platformtest.Input(t, cert, "metadata.name") != "plinth-internal-ca" {
		t.Errorf("CA certificate metadata = %v", platformtest.Input(t, cert, "metadata"))
	}
	spec := platformtest.Input(t, cert, "spec")
	if platformtest.At(t, spec, "isCA") != true || platformtest.At(t, spec, "secretName") != "plinth-internal-ca" || platformtest.At(t, spec, "duration") != "87600h" {
		t.Errorf("CA certificate spec = %v", spec)
	}
	if got := platformtest.At(t, spec, "privateKey"); !reflect.DeepEqual(got, map[string]any{"algorithm": "ECDSA", "size": 256.0, "rotationPolicy": "Always"}) {
		t.Errorf("CA key = %v; want ECDSA P-256", got)
	}
	if got := platformtest.At(t, spec, "issuerRef"); !reflect.DeepEqual(got, map[string]any{"name": "plinth-selfsigned", "kind": "ClusterIssuer", "group": "cert-manager.io"}) {
		t.Errorf("CA certificate issuer = %v", got)
	}
	if got := issuerSpec(t, snap, "plinth-internal-ca"); !reflect.DeepEqual(got, map[string]any{"ca": map[string]any{"secretName": "plinth-internal-ca"}}) {
		t.Errorf("CA issuer spec = %v; want the certificate's secret", got)
	}

	dependsOn := func(r *platformtest.Resource, on ...*platformtest.Resource) {
		t.Helper()
		for _, o := range on {
			found := false
			for _, d := range r.DependsOn {
				found = found || d == o.URN
			}
			if !found {
				t.Errorf("%s does not depend on %s", r.Name, o.Name)
			}
		}
	}
	dependsOn(cert, rel, self)
	dependsOn(ca, rel, cert)
	for _, issuer := range snap.OfType(issuerType) {
		dependsOn(issuer, rel)
	}
}

func TestKubernetesObjectsUseTheClusterProvider(t *testing.T) {
	res := mustRender(t, on(aksfacts.Facts), nil)
	comp := res.snap.Find(certmanager.TypeToken, "dev")
	provider := res.snap.Find("pulumi:providers:kubernetes", "dev-kubernetes")
	for _, typ := range []string{"kubernetes:core/v1:Namespace", releaseType, issuerType, certType} {
		rs := res.snap.OfType(typ)
		if len(rs) == 0 {
			t.Errorf("no %s", typ)
		}
		for _, r := range rs {
			if r.Parent != comp.URN || !strings.HasPrefix(r.Provider, provider.URN+"::") {
				t.Errorf("%s: parent %s, provider %s; want the component and the cluster's provider", r.Name, r.Parent, r.Provider)
			}
		}
	}
	if n := len(res.snap.OfType(issuerType)); n != 4 {
		t.Errorf("ClusterIssuers = %d, want production, staging, self-signed and internal CA", n)
	}
}

func TestChartIsPinnedWithCRDs(t *testing.T) {
	res := mustRender(t, on(fake.Facts), nil)
	rel := res.snap.Find(releaseType, "dev-cert-manager-release")
	if platformtest.Input(t, rel, "chart") != helm.CertManager.Name || platformtest.Input(t, rel, "version") != helm.CertManager.Version ||
		platformtest.Input(t, rel, "repositoryOpts.repo") != helm.CertManager.Repo {
		t.Errorf("chart = %v %v from %v; want %+v", platformtest.Input(t, rel, "chart"), platformtest.Input(t, rel, "version"),
			platformtest.Input(t, rel, "repositoryOpts.repo"), helm.CertManager)
	}
	if platformtest.Input(t, rel, "name") != "cert-manager" || platformtest.Input(t, rel, "namespace") != "cert-manager" {
		t.Errorf("release %v in %v", platformtest.Input(t, rel, "name"), platformtest.Input(t, rel, "namespace"))
	}
	v := values(t, res.snap)
	if got := platformtest.At(t, v, "crds"); !reflect.DeepEqual(got, map[string]any{"enabled": true, "keep": true}) {
		t.Errorf("crds = %v; want the chart to install and keep them", got)
	}
	if platformtest.At(t, v, "prometheus", "enabled") != true {
		t.Error("metrics are off")
	}
	if platformtest.At(t, v, "global", "leaderElection", "namespace") != "cert-manager" {
		t.Errorf("leader election in %v; kube-system is managed on AKS", platformtest.At(t, v, "global", "leaderElection"))
	}
}

func TestHighAvailability(t *testing.T) {
	res := mustRender(t, prod(fake.Facts), nil)
	v := values(t, res.snap)
	for component, w := range map[string]any{"controller": v, "webhook": platformtest.At(t, v, "webhook"), "cainjector": platformtest.At(t, v, "cainjector")} {
		pods := map[string]any{"app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": component}
		if platformtest.At(t, w, "replicaCount") != 2.0 {
			t.Errorf("%s: replicaCount = %v", component, platformtest.At(t, w, "replicaCount"))
		}
		if got := platformtest.At(t, w, "podDisruptionBudget"); !reflect.DeepEqual(got, map[string]any{"enabled": true, "maxUnavailable": 1.0}) {
			t.Errorf("%s: podDisruptionBudget = %v", component, got)
		}
		spread := platformtest.At(t, w, "topologySpreadConstraints", 0)
		if platformtest.At(t, spread, "topologyKey") != helm.ZoneKey || platformtest.At(t, spread, "whenUnsatisfiable") != "DoNotSchedule" ||
			!reflect.DeepEqual(platformtest.At(t, spread, "labelSelector", "matchLabels"), pods) {
			t.Errorf("%s: spread = %v", component, spread)
		}
		term := platformtest.At(t, w, "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "podAffinityTerm")
		if platformtest.At(t, term, "topologyKey") != helm.HostKey || !reflect.DeepEqual(platformtest.At(t, term, "labelSelector", "matchLabels"), pods) {
			t.Errorf("%s: anti-affinity = %v", component, term)
		}
		if got := platformtest.At(t, w, "tolerations", 0, "key"); got != "CriticalAddonsOnly" {
			t.Errorf("%s: tolerations = %v; want the system pool's taint tolerated", component, got)
		}
	}
}

func TestSingleReplicaHasNoDisruptionBudget(t *testing.T) {
	res := mustRender(t, on(fake.Facts), func(a *certmanager.Args) { a.Replicas = 1 })
	v := values(t, res.snap)
	for component, w := range map[string]any{"controller": v, "webhook": platformtest.At(t, v, "webhook"), "cainjector": platformtest.At(t, v, "cainjector")} {
		if platformtest.At(t, w, "replicaCount") != 1.0 || platformtest.At(t, w, "podDisruptionBudget", "enabled") != false {
			t.Errorf("%s: %v replicas, PDB %v; a PDB on one replica blocks node drains", component, platformtest.At(t, w, "replicaCount"), platformtest.At(t, w, "podDisruptionBudget"))
		}
	}
}

func TestLabels(t *testing.T) {
	res := mustRender(t, on(fake.Facts), func(a *certmanager.Args) { a.Tags = map[string]string{"team": "platform"} })
	want := map[string]any{"environment": "dev", "team": "platform", "managed-by": "plinth"}
	if got := platformtest.At(t, values(t, res.snap), "global", "commonLabels"); !reflect.DeepEqual(got, want) {
		t.Errorf("chart commonLabels = %v, want %v", got, want)
	}
	ns := res.snap.Find("kubernetes:core/v1:Namespace", "dev-cert-manager-namespace")
	labels := platformtest.Input(t, ns, "metadata.labels")
	for k, v := range want {
		if platformtest.At(t, labels, k) != v {
			t.Errorf("namespace label %s = %v", k, platformtest.At(t, labels, k))
		}
	}
	if platformtest.At(t, labels, "pod-security.kubernetes.io/enforce") != "restricted" {
		t.Errorf("namespace pod security = %v", labels)
	}
	for _, r := range append(res.snap.OfType(issuerType), res.snap.OfType(certType)...) {
		if got := platformtest.Input(t, r, "metadata.labels"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s labels = %v", r.Name, got)
		}
	}
}

func TestRawValuesAddKeys(t *testing.T) {
	res := mustRender(t, on(fake.Facts), func(a *certmanager.Args) {
		a.Values = map[string]any{"webhook": map[string]any{"timeoutSeconds": 10}, "dns01RecursiveNameserversOnly": true}
	})
	v := values(t, res.snap)
	if platformtest.At(t, v, "webhook", "timeoutSeconds") != 10.0 || platformtest.At(t, v, "dns01RecursiveNameserversOnly") != true || platformtest.At(t, v, "webhook", "replicaCount") != 2.0 {
		t.Errorf("raw values not merged beside the typed ones: %v", v)
	}
}

func TestValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target platform.Target
		mutate func(a *certmanager.Args)
		want   []string
	}{
		{"missing email", on(fake.Facts), func(a *certmanager.Args) { a.Email = "" },
			[]string{`certManager.email: required: the ACME account's contact address, e.g. "platform@example.com"; the ACME server sends expiry and account notices there`}},
		{"email with a display name", on(fake.Facts), func(a *certmanager.Args) { a.Email = "Platform <platform@example.com>" },
			[]string{`certManager.email "Platform <platform@example.com>": not an email address; write only the address, e.g. "platform@example.com"`}},
		{"email without a domain", on(fake.Facts), func(a *certmanager.Args) { a.Email = "platform@localhost" },
			[]string{`certManager.email "platform@localhost": the domain "localhost" is not a DNS name; ACME servers accept only addresses with a resolvable domain`}},
		{"email that is no address", on(fake.Facts), func(a *certmanager.Args) { a.Email = "platform" },
			[]string{`certManager.email "platform": not an email address; write only the address, e.g. "platform@example.com"`}},
		{"malformed zone names", on(aksfacts.Facts), func(a *certmanager.Args) { a.DNSZone.Name = "dev_example" },
			[]string{`certManager.dnsZone.name "dev_example": not a DNS zone name; use dot-separated labels of lowercase letters, digits and '-', e.g. "dev.example.com"`}},
		{"zone name with a trailing dot", on(gkefacts.Facts), func(a *certmanager.Args) { a.DNSZone.Name = "dev.example.com." },
			[]string{`certManager.dnsZone.name "dev.example.com.": remove the trailing dot`}},
		{"zone name in capitals", on(gkefacts.Facts), func(a *certmanager.Args) { a.DNSZone.Name = "Dev.Example.com" },
			[]string{`certManager.dnsZone.name "Dev.Example.com": write the DNS name in lowercase`}},
		{"zone without an ID", on(aksfacts.Facts), func(a *certmanager.Args) { a.DNSZone.ID = nil },
			[]string{`certManager.dnsZone.id: required: the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>`}},
		{"private zone ID on Azure", on(aksfacts.Facts), func(a *certmanager.Args) {
			a.DNSZone.ID = pulumi.String(strings.Replace(azureZoneID, "dnszones", "privateDnsZones", 1))
		}, []string{`certManager.dnsZone.id "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns-rg/providers/Microsoft.Network/privateDnsZones/dev.example.com": not an Azure DNS zone resource ID; use the DNS zone's resource ID, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone> (a private DNS zone cannot answer public ACME challenges)`}},
		{"zone ID of another zone", on(aksfacts.Facts), func(a *certmanager.Args) { a.DNSZone.Name = "prod.example.com" },
			[]string{`certManager.dnsZone.id "` + azureZoneID + `": names the zone "dev.example.com", but dnsZone.name is "prod.example.com"; pass the ID of the zone you name`}},
		{"a project alone on GCP", on(gkefacts.Facts), func(a *certmanager.Args) { a.DNSZone.ID = pulumi.String("acme-dns-prod") },
			[]string{`certManager.dnsZone.id "acme-dns-prod": a project alone does not say which zone cert-manager may change; on GCP dnsZone.id is the Cloud DNS managed zone's resource name, projects/<project>/managedZones/<zone name>, e.g. "projects/acme-dns-prod/managedZones/dev-acme-example" (gcloud dns managed-zones list --project <project>; the zone name is not its DNS name): write projects/acme-dns-prod/managedZones/<zone name>`}},
		{"the DNS name as zone name on GCP", on(gkefacts.Facts), func(a *certmanager.Args) {
			a.DNSZone.ID = pulumi.String("projects/acme-dns-prod/managedZones/dev.example.com")
		},
			[]string{`certManager.dnsZone.id "projects/acme-dns-prod/managedZones/dev.example.com": not a Cloud DNS zone; on GCP dnsZone.id is the Cloud DNS managed zone's resource name, projects/<project>/managedZones/<zone name>, e.g. "projects/acme-dns-prod/managedZones/dev-acme-example" (gcloud dns managed-zones list --project <project>; the zone name is not its DNS name)`}},
		{"zone on a cloud without a solver", on(fake.Facts), func(a *certmanager.Args) {
			a.DNSZone = &certmanager.DNSZone{Name: zoneName, ID: pulumi.String("zone")}
		}, []string{`certManager.dnsZone "dev.example.com": cert-manager has no DNS01 solver for fake's DNS; remove dnsZone to use HTTP01 through ingressClass`}},
		{"neither zone nor ingress class", on(fake.Facts), func(a *certmanager.Args) { a.IngressClass = "" },
			[]string{`certManager.ingressClass: required: without dnsZone, ACME uses HTTP01 through an ingress class; name it (e.g. "traefik"), or give dnsZone for DNS01`}},
		{"malformed ingress class", on(fake.Facts), func(a *certmanager.Args) { a.IngressClass = "Traefik" },
			[]string{`certManager.ingressClass "Traefik": not an IngressClass name; use lowercase letters, digits, '-' and '.'`}},
		{"ACME servers that are not https", on(fake.Facts), func(a *certmanager.Args) {
			a.ACMEServer = "http://acme.internal.example/directory"
			a.ACMEStagingServer = "acme-staging.example"
		}, []string{
			`certManager.acmeServer "http://acme.internal.example/directory": an ACME directory must be an https URL, e.g. "https://acme-v02.api.letsencrypt.org/directory"; account keys and orders must not travel in clear text`,
			`certManager.acmeStagingServer "acme-staging.example": an ACME directory must be an https URL, e.g. "https://acme-v02.api.letsencrypt.org/directory"; account keys and orders must not travel in clear text`,
		}},
		{"production with one replica", prod(fake.Facts), func(a *certmanager.Args) { a.Replicas = 1 },
			[]string{`certManager.replicas 1: a production cert-manager runs at least 2 replicas of the controller, webhook and CA injector, so that a node drain or a zone outage does not stop issuance or block the API server's calls to the webhook`}},
		{"negative replicas", on(fake.Facts), func(a *certmanager.Args) { a.Replicas = -1 },
			[]string{`certManager.replicas -1: must be at least 1; leave it unset for 2`}},
		{"raw values colliding with typed ones", on(aksfacts.Facts), func(a *certmanager.Args) {
			a.Values = map[string]any{
				"crds":           map[string]any{"enabled": false},
				"webhook":        map[string]any{"replicaCount": 1, "timeoutSeconds": 10},
				"serviceAccount": map[string]any{"annotations": map[string]any{"x": "y"}},
			}
		}, []string{
			`certManager.values["crds"]["enabled"] "false": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
			`certManager.values["serviceAccount"]["annotations"] "map[x:y]": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
			`certManager.values["webhook"]["replicaCount"] "1": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
		}},
		{"tags", on(fake.Facts), func(a *certmanager.Args) { a.Tags = map[string]string{"Team": "x"} },
			[]string{`certManager.tags["Team"] "Team": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Resolve takes no context and no backend: invalid settings
			// are reported before anything can be registered.
			r, err := resolve(tc.target, tc.mutate)
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not a *field.ErrorList", err)
			}
			if got, want := list.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if !reflect.DeepEqual(r, certmanager.Resolved{}) {
				t.Errorf("Resolve returned %+v with its error; New must get nothing to install", r.Spec())
			}
		})
	}
}

func TestZoneIDKnownAfterDeploymentIsCheckedWhenKnown(t *testing.T) {
	_, err := render(t, on(aksfacts.Facts), func(a *certmanager.Args) {
		a.DNSZone.ID = pulumi.String("/subscriptions/" + subscription + "/dns-rg/dev.example.com").ToStringOutput()
	})
	want := `certManager.dnsZone.id "/subscriptions/` + subscription + `/dns-rg/dev.example.com": not an Azure DNS zone resource ID`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %s", err, want)
	}
}

// New takes what Resolve returned, the backend and the cluster; without
// any of them it registers nothing and says what to pass.
func TestNewNeedsTheResolvedSettingsABackendAndTheCluster(t *testing.T) {
	r, err := resolve(on(fake.Facts), nil)
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, on(fake.Facts))
		if err != nil {
			return err
		}
		for _, call := range []func() (*certmanager.CertManager, error){
			func() (*certmanager.CertManager, error) { return certmanager.New(ctx, certmanager.Resolved{}, b, cl) },
			func() (*certmanager.CertManager, error) { return certmanager.New(ctx, r, nil, cl) },
			func() (*certmanager.CertManager, error) { return certmanager.New(ctx, r, b, nil) },
			func() (*certmanager.CertManager, error) { return certmanager.New(ctx, r, b, &cluster.Cluster{}) },
		} {
			cm, err := call()
			if cm != nil {
				t.Errorf("New returned a component with the error %v", err)
			}
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		"certManager: not resolved; pass what Args.Resolve returns",
		`certManager "dev": no backend; pass the backend the cluster was created with`,
		`certManager "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`,
		`certManager "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`,
	} {
		if errs[i] == nil || errs[i].Error() != want {
			t.Errorf("call %d: error:\n%v\nwant:\n%s", i, errs[i], want)
		}
	}
	if snap.Find(certmanager.TypeToken, "dev") != nil || len(snap.OfType(releaseType)) != 0 || len(snap.OfType(fake.IdentityType)) != 0 {
		t.Error("resources registered without what New needs")
	}
}

func TestResolveFillsDefaults(t *testing.T) {
	r, err := resolve(on(fake.Facts), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Spec()
	if got.ACMEServer != certmanager.DefaultACMEServer || got.ACMEStagingServer != certmanager.DefaultACMEStagingServer || got.Replicas != 2 {
		t.Errorf("resolved = %+v", got)
	}
	if got.Email != "platform@example.com" || got.IngressClass != "traefik" {
		t.Errorf("resolved = %+v; the settings given must be kept", got)
	}
	if (certmanager.Resolved{}).Spec().ACMEServer != "" {
		t.Error("a zero Resolved has defaults")
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
		res := mustRender(t, platform.Target{Cloud: tc.cloud}, nil)
		m := res.snap.Find(tc.typ, "dev-cert-manager-metrics")
		if m == nil {
			t.Fatalf("%s: no %s", tc.cloud.Cloud, tc.typ)
		}
		for path, want := range map[string]any{
			"metadata.namespace":              certmanager.Namespace,
			"spec." + tc.endpoint + ".0.port": "http-metrics",
			"spec." + tc.endpoint + ".0.path": "/metrics",
		} {
			if got, _ := m.Input(path); got != want {
				t.Errorf("%s: %s = %v, want %v", tc.cloud.Cloud, path, got, want)
			}
		}
		sel, _ := m.Input("spec.selector.matchLabels")
		if l := sel.(map[string]any); l["app.kubernetes.io/component"] != "controller" || l["app.kubernetes.io/instance"] != certmanager.ReleaseName {
			t.Errorf("%s: selector %v, want the controller's pods", tc.cloud.Cloud, sel)
		}
	}
}

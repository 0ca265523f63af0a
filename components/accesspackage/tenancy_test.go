package accesspackage_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	vapType        = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
	vapBindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
	configMapType  = "kubernetes:core/v1:ConfigMap"
)

// byTeam is the match condition every tenancy policy starts with: the
// request's groups hold one of the team's level groups, or the service
// account group of one of its namespaces. The namespace controller
// (system:serviceaccount:kube-system:namespace-controller, groups
// system:serviceaccounts, system:serviceaccounts:kube-system and
// system:authenticated) holds neither, and kube-system is never a team
// namespace (ReservedNamespacePrefixes), so deleting a team is never
// judged.
const byTeam = `has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in params.data.groups.split(',') || params.data.namespaces.split(',').exists(ns, g == 'system:serviceaccounts:' + ns))`

func TestTenancyPoliciesJudgeOnlyTheTeamsRequests(t *testing.T) {
	policies := accesspackage.TenancyPolicies()
	var names []string
	for _, p := range policies {
		names = append(names, p.Name)
		if len(p.MatchConditions) == 0 || p.MatchConditions[0] != (accesspackage.NamedExpression{Name: "by-team", Expression: byTeam}) {
			t.Errorf("%s: first match condition %v, want by-team", p.Name, p.MatchConditions)
		}
		for _, c := range p.MatchConditions {
			if strings.Contains(c.Expression, "namespace-controller") || strings.Contains(c.Expression, "kube-system") {
				t.Errorf("%s: %s names a system identity; the policies match the team, not exemptions", p.Name, c.Name)
			}
		}
		for _, v := range p.Validations {
			if v.Reason != "Forbidden" || v.Message == "" || strings.ContainsAny(v.Message, "\n") {
				t.Errorf("%s: validation %q: reason %q, message %q", p.Name, v.Expression, v.Reason, v.Message)
			}
		}
	}
	want := []string{accesspackage.BindingsPolicyName, accesspackage.ProtectPolicyName, accesspackage.HostnamesPolicyName}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("policies %v, want %v", names, want)
	}
	if slices.Contains(accesspackage.ReservedNamespacePrefixes, "kube-") == false {
		t.Error("kube-system could become a team namespace, and the namespace controller a team service account")
	}
}

// rules flattens a policy's resource rules to "group/resource:OPS".
func rules(p accesspackage.TenancyPolicy) []string {
	var out []string
	for _, r := range p.Rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				out = append(out, g+"/"+res+":"+strings.Join(r.Operations, ","))
			}
		}
	}
	return out
}

func TestTenancyPolicyRules(t *testing.T) {
	p := accesspackage.TenancyPolicies()
	for _, c := range []struct {
		policy accesspackage.TenancyPolicy
		want   []string
	}{
		{p[0], []string{"rbac.authorization.k8s.io/rolebindings:CREATE,UPDATE"}},
		{p[1], []string{
			"/resourcequotas:CREATE,UPDATE,DELETE", "/limitranges:CREATE,UPDATE,DELETE", "/configmaps:CREATE,UPDATE,DELETE",
			"networking.k8s.io/networkpolicies:CREATE,UPDATE,DELETE", "rbac.authorization.k8s.io/rolebindings:CREATE,UPDATE,DELETE",
		}},
		{p[2], []string{
			"gateway.networking.k8s.io/httproutes:CREATE,UPDATE", "gateway.networking.k8s.io/grpcroutes:CREATE,UPDATE", "gateway.networking.k8s.io/tlsroutes:CREATE,UPDATE",
			"networking.k8s.io/ingresses:CREATE,UPDATE",
			"traefik.io/ingressroutes:CREATE,UPDATE", "traefik.io/ingressroutetcps:CREATE,UPDATE", "traefik.io/ingressrouteudps:CREATE,UPDATE",
		}},
	} {
		if got := rules(c.policy); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s rules:\n got %v\nwant %v", c.policy.Name, got, c.want)
		}
	}
}

func TestTenancyExpressions(t *testing.T) {
	p := accesspackage.TenancyPolicies()
	bindings, protect, hosts := p[0], p[1], p[2]

	if got := bindings.Validations[0].Expression; got != `!has(object.subjects) || object.subjects.all(s, (s.kind == 'Group' && s.name in variables.groups) || (s.kind == 'ServiceAccount' && (!has(s.namespace) || s.namespace == '' || s.namespace in variables.namespaces)))` {
		t.Errorf("bindings: subjects rule %s", got)
	}
	if got := protect.MatchConditions[1]; got.Name != "plinth-object" ||
		got.Expression != `(has(request.name) && request.name.startsWith('plinth-')) || (request.operation == 'CREATE' && has(object.metadata.generateName) && object.metadata.generateName.startsWith('plinth-'))` {
		t.Errorf("protect: plinth-object condition %+v", got)
	}
	if got := protect.Validations; len(got) != 1 || got[0].Expression != "false" {
		t.Errorf("protect: validations %+v, want one that refuses whatever matched", got)
	}

	allowed := func(h string) string {
		return `variables.allowed.exists(a, a == ` + h + ` || (a.startsWith('*.') && ` + h + `.endsWith(a.substring(1))))`
	}
	var exprs []string
	for _, v := range hosts.Validations {
		exprs = append(exprs, v.Expression)
	}
	want := []string{
		`request.resource.group != 'traefik.io'`,
		`!variables.isRoute || (has(object.spec.hostnames) && size(object.spec.hostnames) > 0)`,
		`!variables.isRoute || !has(object.spec.hostnames) || object.spec.hostnames.all(h, ` + allowed("h") + `)`,
		`!variables.isIngress || !has(object.spec.defaultBackend)`,
		`!variables.isIngress || !has(object.spec.rules) || object.spec.rules.all(r, has(r.host) && ` + allowed("r.host") + `)`,
		`!variables.isIngress || !has(object.spec.tls) || object.spec.tls.all(t, !has(t.hosts) || t.hosts.all(h, ` + allowed("h") + `))`,
	}
	if !reflect.DeepEqual(exprs, want) {
		t.Errorf("hostnames validations:\n got %q\nwant %q", exprs, want)
	}
	if got := hosts.Variables[0]; got.Name != "allowed" || got.Expression != `params.data.hostnames.split(',').filter(a, a != '')` {
		t.Errorf("hostnames: allowed = %+v", got)
	}
}

func TestTenancyParams(t *testing.T) {
	got := accesspackage.TenancyParams("payments", []string{"g-reader", "g-dev"}, []string{"payments", "payments-batch"}, []string{"payments.example.com", "*.payments.example.com"})
	want := map[string]string{
		"team": "payments", "groups": "g-reader,g-dev", "namespaces": "payments,payments-batch",
		"hostnames": "payments.example.com,*.payments.example.com",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("params %v, want %v", got, want)
	}
	if got := accesspackage.TenancyParams("a", []string{"g"}, []string{"a"}, nil)["hostnames"]; got != "" {
		t.Errorf("no hostnames: %q, want empty (the policy then allows none)", got)
	}
}

func TestHostnameAllowed(t *testing.T) {
	team := []string{"shop.example.com", "*.payments.example.com"}
	for _, c := range []struct {
		host string
		want bool
	}{
		{"shop.example.com", true},
		{"a.shop.example.com", false}, // an exact name allows nothing below it
		{"api.payments.example.com", true},
		{"a.b.payments.example.com", true},
		{"*.payments.example.com", true},
		{"*.eu.payments.example.com", true},
		{"payments.example.com", false}, // a wildcard does not allow its own domain
		{"xpayments.example.com", false},
		{"*.example.com", false},
		{"example.com", false},
		{"", false},
	} {
		if got := accesspackage.HostnameAllowed(team, c.host); got != c.want {
			t.Errorf("HostnameAllowed(%v, %q) = %v, want %v", team, c.host, got, c.want)
		}
	}
	if accesspackage.HostnameAllowed(nil, "shop.example.com") {
		t.Error("a team without hostnames is allowed a hostname")
	}
}

func TestDefaultHostnames(t *testing.T) {
	if got := accesspackage.DefaultHostnames("payments", "prod.example.com"); !reflect.DeepEqual(got, []string{"payments.prod.example.com", "*.payments.prod.example.com"}) {
		t.Errorf("defaults %v", got)
	}
	if got := accesspackage.DefaultHostnames("payments", ""); got != nil {
		t.Errorf("without a domain: %v, want none", got)
	}
}

// withDomain sets the catalog's domain.
func withDomain(a *accesspackage.CatalogArgs) { a.Domain = "dev.example.com" }

func TestHostnamesResolve(t *testing.T) {
	cat := resolveCatalog(t, fake.Facts, withDomain)
	rs, err := accesspackage.ResolvePackages(cat, packages(payments(), with(checkout(), func(a *accesspackage.Args) {
		a.Hostnames = []string{"shop.example.com", "*.shop.example.com"}
	})), "teams")
	if err != nil {
		t.Fatal(err)
	}
	if got := rs[0].Spec().Hostnames; !reflect.DeepEqual(got, []string{"payments.dev.example.com", "*.payments.dev.example.com"}) {
		t.Errorf("payments: default hostnames %v", got)
	}
	if got := rs[1].Spec().Hostnames; !reflect.DeepEqual(got, []string{"shop.example.com", "*.shop.example.com"}) {
		t.Errorf("checkout: hostnames %v", got)
	}
	none, err := payments().args.Resolve("payments", "accessPackage", resolveCatalog(t, fake.Facts, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := none.Spec().Hostnames; got != nil {
		t.Errorf("without a domain: hostnames %v, want none", got)
	}
}

func TestHostnameErrors(t *testing.T) {
	_, err := with(payments(), func(a *accesspackage.Args) {
		a.Hostnames = []string{"Shop.example.com", "shop", "*.com", "a.*.example.com", "shop.example.com.", "10.0.0.1", "ok.example.com", "ok.example.com", "Orders_Lift.example"}
	}).args.Resolve("payments", "accessPackage", resolveCatalog(t, fake.Facts, nil))
	bad := `not a hostname: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, e.g. "shop.example.com", or a wildcard "*.shop.example.com" for the names below it`
	expectErrors(t, err, []string{
		`accessPackage.hostnames[0] "Shop.example.com": write hostnames in lowercase, as Ingresses and HTTPRoutes must, e.g. "shop.example.com"`,
		`accessPackage.hostnames[1] "shop": ` + bad,
		`accessPackage.hostnames[2] "*.com": ` + bad,
		`accessPackage.hostnames[3] "a.*.example.com": ` + bad,
		`accessPackage.hostnames[4] "shop.example.com.": ` + bad,
		`accessPackage.hostnames[5] "10.0.0.1": ` + bad,
		`accessPackage.hostnames[7] "ok.example.com": repeats accessPackage.hostnames[6]; list each hostname once`,
		// Lowercase alone would not make it valid: no lowercase hint.
		`accessPackage.hostnames[8] "Orders_Lift.example": ` + bad,
	})

	_, err = accesspackage.CatalogArgs{Domain: "example"}.Resolve("dev", "accessCatalog", on(fake.Facts), platform.ClusterSpec{Tags: clusterTags})
	expectErrors(t, err, []string{
		`accessCatalog.domain "example": not a DNS domain: use a lowercase DNS name of at least two dot-separated labels (1-63 letters, digits and '-', starting and ending with a letter or digit), at most 253 characters, no trailing dot, not an IP address, e.g. "prod.example.com"; teams get hostnames below it`,
	})
}

func TestTwoTeamsNeverShareAHostname(t *testing.T) {
	cat := resolveCatalog(t, fake.Facts, withDomain)
	_, err := accesspackage.ResolvePackages(cat, packages(
		payments(),
		with(checkout(), func(a *accesspackage.Args) {
			a.Hostnames = []string{"checkout.dev.example.com", "api.payments.dev.example.com", "*.dev.example.com"}
		}),
	), "teams")
	expectErrors(t, err, []string{
		`teams[1].hostnames[1] "api.payments.dev.example.com": overlaps "*.payments.dev.example.com" of team "payments" (AccessPackage "payments"); team "checkout" (AccessPackage "checkout") cannot share it: a hostname is served by one team; pick names under the team's own domain`,
		`teams[1].hostnames[2] "*.dev.example.com": overlaps "payments.dev.example.com" of team "payments" (AccessPackage "payments"); team "checkout" (AccessPackage "checkout") cannot share it: a hostname is served by one team; pick names under the team's own domain`,
	})
}

func TestTenancyNeedsKubernetes130(t *testing.T) {
	_, err := accesspackage.CatalogArgs{}.Resolve("dev", "accessCatalog", on(fake.Facts), platform.ClusterSpec{Tags: clusterTags, KubernetesVersion: "1.29"})
	expectErrors(t, err, []string{
		`accessCatalog "1.29": the cluster runs Kubernetes 1.29; the tenancy policies that hold teams to their namespaces need ValidatingAdmissionPolicy (Kubernetes 1.30 or later): upgrade the cluster first`,
	})
	for _, v := range []string{"1.30", "1.34", "", "latest"} {
		if _, err := (accesspackage.CatalogArgs{}).Resolve("dev", "accessCatalog", on(fake.Facts), platform.ClusterSpec{Tags: clusterTags, KubernetesVersion: v}); err != nil {
			t.Errorf("version %q: %v", v, err)
		}
	}
}

// renderTenancy resolves the catalog (with withDomain) and every team
// first, then creates them, as an environment does.
func renderTenancy(t *testing.T, teams ...team) (*accesspackage.Catalog, []*accesspackage.AccessPackage, *platformtest.Snapshot) {
	t.Helper()
	var cat *accesspackage.Catalog
	var pkgs []*accesspackage.AccessPackage
	tg := on(fake.Facts)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		cl, err := newCluster(ctx, b, tg)
		if err != nil {
			return err
		}
		rc, err := accesspackage.CatalogArgs{Domain: "dev.example.com"}.Resolve("dev", field.NewPath("accessCatalog"), tg, cl.Spec)
		if err != nil {
			return err
		}
		rs, err := accesspackage.ResolvePackages(rc, packages(teams...), "teams")
		if err != nil {
			return err
		}
		if cat, err = accesspackage.NewCatalog(ctx, rc, b, cl); err != nil {
			return err
		}
		for _, r := range rs {
			p, err := accesspackage.New(ctx, r, cat)
			if err != nil {
				return err
			}
			pkgs = append(pkgs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat, pkgs, snap
}

func TestTheCatalogBindsEachPolicyToTheTeamNamespaces(t *testing.T) {
	_, _, snap := renderTenancy(t, payments(), checkout())
	catalog := snap.Find(accesspackage.CatalogTypeToken, "dev")
	policies := snap.OfType(vapType)
	bindings := snap.OfType(vapBindingType)
	if len(policies) != 3 || len(bindings) != 3 {
		t.Fatalf("%d policies and %d bindings, want one of each per rule, whatever the number of teams", len(policies), len(bindings))
	}
	for _, p := range accesspackage.TenancyPolicies() {
		vap := snap.Find(vapType, "dev-"+p.Role+"-policy")
		b := snap.Find(vapBindingType, "dev-"+p.Role+"-binding")
		if vap == nil || b == nil {
			t.Fatalf("%s: policy %v, binding %v", p.Name, vap, b)
		}
		for _, r := range []*platformtest.Resource{vap, b} {
			if r.Parent != catalog.URN {
				t.Errorf("%s: parent %s, want the catalog", r.Name, r.Parent)
			}
			if in(t, r, "metadata.name") != p.Name || in(t, r, "metadata.labels.managed-by") != "plinth" || in(t, r, "metadata.labels.environment") != "dev" {
				t.Errorf("%s: metadata %v", r.Name, in(t, r, "metadata"))
			}
		}
		if in(t, vap, "spec.failurePolicy") != "Fail" || in(t, vap, "spec.paramKind.kind") != "ConfigMap" || in(t, vap, "spec.paramKind.apiVersion") != "v1" {
			t.Errorf("%s: spec %v", p.Name, in(t, vap, "spec"))
		}
		if got := in(t, vap, "spec.matchConditions").([]any)[0].(map[string]any); got["name"] != "by-team" || got["expression"] != byTeam {
			t.Errorf("%s: first match condition %v", p.Name, got)
		}
		if got := in(t, b, "spec.policyName"); got != p.Name {
			t.Errorf("%s: binding names policy %v", p.Name, got)
		}
		if got := in(t, b, "spec.paramRef"); !reflect.DeepEqual(got, map[string]any{"name": "plinth-tenancy", "parameterNotFoundAction": "Allow"}) {
			t.Errorf("%s: paramRef %v; the parameters are the request namespace's ConfigMap, and a namespace without them is left alone", p.Name, got)
		}
		if got := in(t, b, "spec.validationActions"); !reflect.DeepEqual(got, []any{"Deny"}) {
			t.Errorf("%s: validationActions %v, want Deny in every class", p.Name, got)
		}
		want := map[string]any{
			"matchLabels":      map[string]any{"managed-by": "plinth"},
			"matchExpressions": []any{map[string]any{"key": "team", "operator": "Exists"}},
		}
		if got := in(t, b, "spec.matchResources.namespaceSelector"); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: namespaceSelector %v, want %v", p.Name, got, want)
		}
	}
}

func TestEachTeamNamespaceHoldsTheTeamsParameters(t *testing.T) {
	_, _, snap := renderTenancy(t, payments(), checkout())
	groups := func(pkg string) string {
		var g []string
		for _, l := range []string{"reader", "developer", "admin"} {
			g = append(g, groupID(pkg, l))
		}
		return strings.Join(g, ",")
	}
	for _, c := range []struct {
		pkg, ns string
		want    map[string]any
	}{
		{"payments", "payments", map[string]any{"team": "payments", "groups": groups("payments"), "namespaces": "payments,payments-batch", "hostnames": "payments.dev.example.com,*.payments.dev.example.com"}},
		{"payments", "payments-batch", map[string]any{"team": "payments", "groups": groups("payments"), "namespaces": "payments,payments-batch", "hostnames": "payments.dev.example.com,*.payments.dev.example.com"}},
		{"checkout", "checkout", map[string]any{"team": "checkout", "groups": groups("checkout"), "namespaces": "checkout", "hostnames": "checkout.dev.example.com,*.checkout.dev.example.com"}},
	} {
		cm := snap.Find(configMapType, c.pkg+"-"+c.ns+"-tenancy")
		if cm == nil {
			t.Fatalf("no tenancy parameters in %s", c.ns)
		}
		if cm.Parent != snap.Find(accesspackage.TypeToken, c.pkg).URN {
			t.Errorf("%s: parent %s", cm.Name, cm.Parent)
		}
		if in(t, cm, "metadata.name") != "plinth-tenancy" || in(t, cm, "metadata.namespace") != c.ns || in(t, cm, "metadata.labels.team") != c.pkg {
			t.Errorf("%s: metadata %v", cm.Name, in(t, cm, "metadata"))
		}
		if got := in(t, cm, "data"); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: data\n got %v\nwant %v", cm.Name, got, c.want)
		}
	}
	if n := len(snap.OfType(configMapType)); n != 3 {
		t.Errorf("%d ConfigMaps, want one per team namespace", n)
	}
	// The namespaces carry what the bindings select.
	ns := snap.Find(namespaceType, "payments-payments-namespace")
	if in(t, ns, "metadata.labels.managed-by") != "plinth" || in(t, ns, "metadata.labels.team") != "payments" {
		t.Errorf("namespace labels %v", in(t, ns, "metadata.labels"))
	}
}

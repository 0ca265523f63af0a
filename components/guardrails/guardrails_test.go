package guardrails_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	vapType        = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"
	vapBindingType = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"
)

var registries = []string{"acmeprod.azurecr.io/", "europe-west1-docker.pkg.dev/acme-prod/apps/"}

// rules flattens a policy's resource rules to "group/resource:OPS".
func rules(p guardrails.Policy) []string {
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

func TestPoliciesCoverTheBaseline(t *testing.T) {
	workloads := []string{
		"/pods:CREATE,UPDATE",
		"apps/deployments:CREATE,UPDATE", "apps/statefulsets:CREATE,UPDATE", "apps/daemonsets:CREATE,UPDATE", "apps/replicasets:CREATE,UPDATE",
		"batch/jobs:CREATE,UPDATE", "batch/cronjobs:CREATE,UPDATE",
	}
	want := []struct {
		name  string
		rules []string
		check []string
	}{
		{guardrails.PodsPolicyName, workloads, []string{"privileged", "host-namespaces", "host-path", "privilege-escalation"}},
		{guardrails.ResourcesPolicyName, []string{"/pods:CREATE,UPDATE"}, []string{"requests", "memory-limit"}},
		{guardrails.ImagesPolicyName, workloads, []string{"image-tag"}},
		{guardrails.RegistriesPolicyName, workloads, []string{"registry"}},
		{guardrails.ServicesPolicyName, []string{"/services:CREATE,UPDATE"}, []string{"service-type"}},
	}
	ps := guardrails.Policies(true)
	if len(ps) != len(want) {
		t.Fatalf("%d policies, want %d", len(ps), len(want))
	}
	for i, p := range ps {
		w := want[i]
		if p.Name != w.name || p.Role != strings.TrimPrefix(w.name, "plinth-") {
			t.Errorf("policy %d: %s (role %s), want %s", i, p.Name, p.Role, w.name)
		}
		if got := rules(p); !reflect.DeepEqual(got, w.rules) {
			t.Errorf("%s rules:\n got %v\nwant %v", p.Name, got, w.rules)
		}
		var names []string
		for _, v := range p.Validations {
			names = append(names, v.Rule)
			if v.Message == "" || strings.Contains(v.Message, "\n") || v.MessageExpression == "" && v.Rule != "host-namespaces" {
				t.Errorf("%s/%s: message %q, message expression %q", p.Name, v.Rule, v.Message, v.MessageExpression)
			}
		}
		if !reflect.DeepEqual(names, w.check) {
			t.Errorf("%s validations %v, want %v", p.Name, names, w.check)
		}
		if len(p.MatchConditions) != 1 || p.MatchConditions[0] != (guardrails.NamedExpression{
			Name: "spec-changed", Expression: `request.operation == 'CREATE' || !has(oldObject.spec) || object.spec != oldObject.spec`,
		}) {
			t.Errorf("%s: match conditions %v", p.Name, p.MatchConditions)
		}
	}
	var names []string
	for _, p := range guardrails.Policies(false) {
		names = append(names, p.Name)
	}
	if !reflect.DeepEqual(names, []string{guardrails.PodsPolicyName, guardrails.ResourcesPolicyName, guardrails.ImagesPolicyName, guardrails.ServicesPolicyName}) {
		t.Errorf("without registries: %v; the registry rule is bound only with registries", names)
	}
}

func TestExpressions(t *testing.T) {
	exprs := map[string]string{}
	vars := map[string]string{}
	for _, p := range guardrails.Policies(true) {
		for _, v := range p.Validations {
			exprs[v.Rule] = v.Expression
		}
		for _, v := range p.Variables {
			vars[p.Role+"."+v.Name] = v.Expression
		}
	}
	all := func(ok string) string { return `variables.containers.all(c, ` + ok + `)` }
	want := map[string]string{
		"privileged":           all(`!has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false`),
		"host-namespaces":      `!(has(variables.podSpec.hostNetwork) && variables.podSpec.hostNetwork) && !(has(variables.podSpec.hostPID) && variables.podSpec.hostPID) && !(has(variables.podSpec.hostIPC) && variables.podSpec.hostIPC)`,
		"host-path":            `!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))`,
		"privilege-escalation": all(`has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false`),
		"requests":             all(`has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests`),
		"memory-limit":         all(`has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits`),
		"image-tag":            all(`c.image.contains('@') || (c.image.lastIndexOf(':') > c.image.lastIndexOf('/') && !c.image.endsWith(':latest'))`),
		"registry":             all(`variables.registries.exists(r, r != '' && c.image.startsWith(r))`),
		"service-type":         `!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])`,
	}
	if !reflect.DeepEqual(exprs, want) {
		for k, w := range want {
			if exprs[k] != w {
				t.Errorf("%s:\n got %s\nwant %s", k, exprs[k], w)
			}
		}
		t.Errorf("rules %d, want %d", len(exprs), len(want))
	}
	podSpec := `request.kind.kind == 'Pod' ? object.spec : (request.kind.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)`
	containers := `variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])`
	for _, role := range []string{"guardrails-pods", "guardrails-resources", "guardrails-images", "guardrails-registries"} {
		if vars[role+".podSpec"] != podSpec || vars[role+".containers"] != containers {
			t.Errorf("%s: podSpec %q, containers %q", role, vars[role+".podSpec"], vars[role+".containers"])
		}
	}
	// The list is the parameters' ConfigMap's, which the binding names.
	if got := vars["guardrails-registries.registries"]; got != `params.data.registries.split(',')` {
		t.Errorf("registries %s", got)
	}
	// A message expression quotes the message: its apostrophes escaped.
	reg := guardrails.Policies(true)[3].Validations[0]
	if !strings.HasSuffix(reg.MessageExpression, `': images come only from the platform\'s registries: ' + params.data.registries`) {
		t.Errorf("registry message expression %s", reg.MessageExpression)
	}
}

func TestModes(t *testing.T) {
	for _, c := range []struct {
		mode guardrails.Mode
		want []string
	}{
		{guardrails.ModeEnforce, []string{"Deny"}},
		{guardrails.ModeAudit, []string{"Audit", "Warn"}},
	} {
		if got := c.mode.ValidationActions(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.mode, got, c.want)
		}
	}
	r, err := guardrails.Args{}.Resolve("dev", "guardrails", platform.Target{Cloud: fake.Facts}, platform.ClusterSpec{}, false)
	if err != nil || r.Spec().Mode != guardrails.ModeEnforce {
		t.Errorf("default mode %q, %v; want enforce", r.Spec().Mode, err)
	}
}

func TestResolveErrors(t *testing.T) {
	prod := platform.Target{Cloud: fake.Facts, Production: true}
	_, err := guardrails.Args{Mode: guardrails.ModeAudit, AllowedRegistries: []string{
		"acme.azurecr.io", "https://acme.azurecr.io/", "Acme.azurecr.io/", "nginx/", "acme.azurecr.io/'x/", "ok.example.com/", "ok.example.com/", "a.io//b/",
	}}.Resolve("prod", "guardrails", prod, platform.ClusterSpec{}, false)
	ex := `e.g. "acmeprod.azurecr.io/" or "europe-west1-docker.pkg.dev/acme-prod/apps/"`
	want := []string{
		`guardrails.mode "audit": production enforces the workload rules; set mode to "enforce" (or leave it unset)`,
		`guardrails.allowedRegistries[0] "acme.azurecr.io": end the prefix with "/" (and no empty path segment), so that "acme.azurecr.io" does not also allow "acme.azurecr.io.evil.example"; ` + ex,
		`guardrails.allowedRegistries[1] "https://acme.azurecr.io/": write the registry without a scheme, ` + ex,
		`guardrails.allowedRegistries[2] "Acme.azurecr.io/": write registries in lowercase, as image references do, ` + ex,
		`guardrails.allowedRegistries[3] "nginx/": start with the registry's host name (it has a dot), ` + ex,
		`guardrails.allowedRegistries[4] "acme.azurecr.io/'x/": not a registry prefix: use lowercase letters, digits, '.', '-', '_', ':' and '/', ` + ex,
		`guardrails.allowedRegistries[6] "ok.example.com/": repeats guardrails.allowedRegistries[5]; list each registry once`,
		`guardrails.allowedRegistries[7] "a.io//b/": end the prefix with "/" (and no empty path segment), so that "acme.azurecr.io" does not also allow "acme.azurecr.io.evil.example"; ` + ex,
	}
	var got []string
	if err != nil {
		got = strings.Split(err.Error(), "\n")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors:\n got %q\nwant %q", got, want)
	}
	if _, err := (guardrails.Args{Mode: "warn"}).Resolve("dev", "guardrails", platform.Target{Cloud: fake.Facts}, platform.ClusterSpec{}, false); err == nil ||
		err.Error() != `guardrails.mode "warn": must be "enforce" or "audit"` {
		t.Errorf("unknown mode: %v", err)
	}
}

// render creates the guardrails "dev" of a on a fake cluster tagged
// environment: dev, with the registry prefix registry ("" for none).
func render(t *testing.T, a guardrails.Args, registry string) *platformtest.Snapshot {
	t.Helper()
	tg := platform.Target{Cloud: fake.Facts}
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("net", field.NewPath("network"), tg)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		cr, err := cluster.Args{Tags: map[string]string{"environment": "dev"}}.Resolve("dev", field.NewPath("cluster"), tg, nr.Spec())
		if err != nil {
			return err
		}
		cl, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		r, err := a.Resolve("dev", "guardrails", tg, cl.Spec, registry != "")
		if err != nil {
			return err
		}
		var prefix pulumi.StringInput
		if registry != "" {
			prefix = pulumi.String(registry)
		}
		_, err = guardrails.New(ctx, r, b, cl, prefix)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestNewBindsEachPolicyToTheTeamNamespaces(t *testing.T) {
	for _, c := range []struct {
		args     guardrails.Args
		registry string
		actions  []any
		n        int
	}{
		{guardrails.Args{}, "", []any{"Deny"}, 4},
		{guardrails.Args{Mode: guardrails.ModeAudit, AllowedRegistries: registries}, "", []any{"Audit", "Warn"}, 5},
		{guardrails.Args{}, "registry.fake/dev/", []any{"Deny"}, 5},
	} {
		snap := render(t, c.args, c.registry)
		comp := snap.Find(guardrails.TypeToken, "dev")
		if comp == nil {
			t.Fatal("no component")
		}
		if len(snap.OfType(vapType)) != c.n || len(snap.OfType(vapBindingType)) != c.n {
			t.Fatalf("%+v: %d policies and %d bindings, want %d of each", c.args, len(snap.OfType(vapType)), len(snap.OfType(vapBindingType)), c.n)
		}
		for _, p := range guardrails.Policies(c.n == 5) {
			vap := snap.Find(vapType, "dev-"+p.Role+"-policy")
			b := snap.Find(vapBindingType, "dev-"+p.Role+"-binding")
			if vap == nil || b == nil {
				t.Fatalf("%s: policy %v, binding %v", p.Name, vap, b)
			}
			for _, r := range []*platformtest.Resource{vap, b} {
				if r.Parent != comp.URN {
					t.Errorf("%s: parent %s, want the component", r.Name, r.Parent)
				}
				if platformtest.Input(t, r, "metadata.name") != p.Name || platformtest.Input(t, r, "metadata.labels.managed-by") != "plinth" ||
					platformtest.Input(t, r, "metadata.labels.environment") != "dev" {
					t.Errorf("%s: metadata %v", r.Name, platformtest.Input(t, r, "metadata"))
				}
			}
			if platformtest.Input(t, vap, "spec.failurePolicy") != "Fail" {
				t.Errorf("%s: failurePolicy %v", p.Name, platformtest.Input(t, vap, "spec.failurePolicy"))
			}
			if n := len(platformtest.Input(t, vap, "spec.validations").([]any)); n != len(p.Validations) {
				t.Errorf("%s: %d validations, want %d", p.Name, n, len(p.Validations))
			}
			if got := platformtest.Input(t, b, "spec.policyName"); got != p.Name {
				t.Errorf("%s: binding names %v", p.Name, got)
			}
			if got := platformtest.Input(t, b, "spec.validationActions"); !reflect.DeepEqual(got, c.actions) {
				t.Errorf("%s: validationActions %v, want %v", p.Name, got, c.actions)
			}
			want := map[string]any{
				"matchLabels":      map[string]any{"managed-by": "plinth"},
				"matchExpressions": []any{map[string]any{"key": "team", "operator": "Exists"}},
			}
			if got := platformtest.Input(t, b, "spec.matchResources.namespaceSelector"); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: namespaceSelector %v, want %v", p.Name, got, want)
			}
		}
	}
}

func TestNewNeedsResolvedArgsAndACluster(t *testing.T) {
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		_, err := guardrails.New(ctx, guardrails.Resolved{}, nil, nil, nil)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not resolved") {
		t.Errorf("unresolved: %v", err)
	}
}

func TestRegistriesComeFromTheEnvironmentsRegistryAndTheList(t *testing.T) {
	snap := render(t, guardrails.Args{AllowedRegistries: []string{"mcr.microsoft.com/dotnet/"}}, "registry.fake/dev/")
	cm := snap.Find("kubernetes:core/v1:ConfigMap", "dev-guardrails-registries")
	if cm == nil {
		t.Fatal("no registries ConfigMap")
	}
	if ns, name := platformtest.Input(t, cm, "metadata.namespace"), platformtest.Input(t, cm, "metadata.name"); ns != guardrails.RegistriesParamsNamespace || name != guardrails.RegistriesParamsName {
		t.Errorf("ConfigMap %v/%v", ns, name)
	}
	if got := platformtest.Input(t, cm, "data.registries"); got != "registry.fake/dev/,mcr.microsoft.com/dotnet/" {
		t.Errorf("registries %q: want the environment's registry, then the listed ones", got)
	}
	b := snap.Find(vapBindingType, "dev-guardrails-registries-binding")
	want := map[string]any{"name": guardrails.RegistriesParamsName, "namespace": "kube-system", "parameterNotFoundAction": "Deny"}
	if got := platformtest.Input(t, b, "spec.paramRef"); !reflect.DeepEqual(got, want) {
		t.Errorf("paramRef %v, want %v: a missing list refuses every image", got, want)
	}
	vap := snap.Find(vapType, "dev-guardrails-registries-policy")
	if got := platformtest.Input(t, vap, "spec.paramKind"); !reflect.DeepEqual(got, map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}) {
		t.Errorf("paramKind %v", got)
	}
	// No other binding takes parameters.
	if got, ok := platformtest.Input(t, snap.Find(vapBindingType, "dev-guardrails-pods-binding"), "spec").(map[string]any)["paramRef"]; ok {
		t.Errorf("pods binding paramRef %v", got)
	}
}

func TestTheCloudsControlsGetTheRegistriesAndTheSystemImages(t *testing.T) {
	for _, c := range []struct {
		args   guardrails.Args
		effect string
	}{
		{guardrails.Args{Attestors: []string{"built-by-ci"}}, "deny"},
		{guardrails.Args{Mode: guardrails.ModeAudit}, "audit"},
	} {
		snap := render(t, c.args, "registry.fake/dev/")
		p := snap.Find(fake.ImagePolicyType, "dev-image-policy")
		if p == nil {
			t.Fatal("no image policy")
		}
		if p.Parent != snap.Find(guardrails.TypeToken, "dev").URN {
			t.Errorf("image policy parent %s", p.Parent)
		}
		if got := platformtest.Input(t, p, "registries"); !reflect.DeepEqual(got, []any{"registry.fake/dev/"}) {
			t.Errorf("registries %v", got)
		}
		images := platformtest.Input(t, p, "systemImages").([]any)
		if len(images) == 0 || !slices.Contains(images, any("quay.io/jetstack/cert-manager-*")) {
			t.Errorf("system images %v: want the platform's charts' images", images)
		}
		if got := platformtest.Input(t, p, "effect"); got != c.effect {
			t.Errorf("%+v: effect %v, want %s", c.args, got, c.effect)
		}
		attestors := []any{}
		for _, a := range c.args.Attestors {
			attestors = append(attestors, a)
		}
		if got, _ := platformtest.Input(t, p, "attestors").([]any); !reflect.DeepEqual(got, attestors) {
			t.Errorf("attestors %v, want %v", got, attestors)
		}
	}
	// Without any registry there is nothing to admit, and no cloud policy.
	if snap := render(t, guardrails.Args{}, ""); snap.Find(fake.ImagePolicyType, "dev-image-policy") != nil {
		t.Error("an image policy without registries")
	}
}

func TestResolveRegistriesAndAttestors(t *testing.T) {
	prod := platform.Target{Cloud: fake.Facts, Production: true}
	if _, err := (guardrails.Args{}).Resolve("prod", "guardrails", prod, platform.ClusterSpec{}, false); err == nil ||
		err.Error() != `guardrails.allowedRegistries: required: production admits images only from the platform's registries; add registry to the environment (an empty mapping creates one), or list the registries here` {
		t.Errorf("production without registries: %v", err)
	}
	for _, ok := range []struct {
		registry bool
		list     []string
	}{{true, nil}, {false, []string{"acme.azurecr.io/"}}} {
		if _, err := (guardrails.Args{AllowedRegistries: ok.list}).Resolve("prod", "guardrails", prod, platform.ClusterSpec{}, ok.registry); err != nil {
			t.Errorf("production with registry %v and list %v: %v", ok.registry, ok.list, err)
		}
	}
	onAKS := platform.Target{Cloud: aksfacts.Facts}
	_, err := (guardrails.Args{Attestors: []string{"projects/acme-prod/attestors/ci"}}).Resolve("dev", "guardrails", onAKS, platform.ClusterSpec{}, true)
	if err == nil || !strings.HasPrefix(err.Error(), `guardrails.attestors[0] "projects/acme-prod/attestors/ci": AKS verifies no image attestations at admission`) {
		t.Errorf("attestors on AKS: %v", err)
	}
	onGKE := platform.Target{Cloud: gkefacts.Facts}
	_, err = (guardrails.Args{Attestors: []string{"projects/acme-prod/attestors/ci", "built-by-ci"}}).Resolve("dev", "guardrails", onGKE, platform.ClusterSpec{}, true)
	if err == nil || err.Error() != `guardrails.attestors[1] "built-by-ci": not a Binary Authorization attestor, projects/<project>/attestors/<name>, e.g. "projects/acme-prod/attestors/built-by-ci"` {
		t.Errorf("a bad attestor on GKE: %v", err)
	}
	_, err = (guardrails.Args{Attestors: []string{"projects/acme-prod/attestors/ci", "projects/acme-prod/attestors/ci"}}).Resolve("dev", "guardrails", onGKE, platform.ClusterSpec{}, true)
	if err == nil || err.Error() != `guardrails.attestors[1] "projects/acme-prod/attestors/ci": repeats guardrails.attestors[0]; list each attestor once` {
		t.Errorf("a repeated attestor: %v", err)
	}
}

func TestNewRefusesARegistryItWasNotResolvedFor(t *testing.T) {
	for _, c := range []struct {
		resolved bool
		prefix   pulumi.StringInput
		want     string
	}{
		{true, nil, `guardrails "dev": resolved with the environment's registry, and given none; pass its Registry.Prefix`},
		{false, pulumi.String("registry.fake/dev/"), `guardrails "dev": given a registry, and resolved without one; resolve with registry true`},
	} {
		r, err := guardrails.Args{}.Resolve("dev", "guardrails", platform.Target{Cloud: fake.Facts}, platform.ClusterSpec{}, c.resolved)
		if err != nil {
			t.Fatal(err)
		}
		_, err = platformtest.Render("test", func(ctx *pulumi.Context) error {
			b, err := fake.New(ctx, "fake")
			if err != nil {
				return err
			}
			_, err = guardrails.New(ctx, r, b, nil, c.prefix)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

// TestPoliciesHoldEveryRuleButPodSecurity: each policy holds one rule of
// the baseline, and together they hold all of them but the Pod Security
// level, which the team namespaces' labels enforce (AccessPackage).
func TestPoliciesHoldEveryRuleButPodSecurity(t *testing.T) {
	var held []platform.WorkloadRule
	for _, p := range guardrails.Policies(true) {
		if p.Holds == "" || slices.Contains(held, p.Holds) {
			t.Errorf("%s holds %q", p.Name, p.Holds)
		}
		held = append(held, p.Holds)
	}
	want := slices.DeleteFunc(slices.Clone(platform.WorkloadRules), func(r platform.WorkloadRule) bool { return r == platform.RulePodSecurity })
	slices.Sort(held)
	slices.Sort(want)
	if !slices.Equal(held, want) {
		t.Errorf("policies hold %v, want %v", held, want)
	}
}

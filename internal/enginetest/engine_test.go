//go:build integration && unix

package enginetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/deploy"
	"github.com/plinth-dev/plinth/internal/diff"
	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/internal/pulumicli"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platformref"
	"github.com/plinth-dev/plinth/project"
	"github.com/plinth-dev/plinth/stacks"
)

// pulumiCommand returns the pinned Pulumi CLI for the Automation API, or
// skips the test when there is none.
func pulumiCommand(t *testing.T) auto.PulumiCommand {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cli, err := pulumicli.Find(repo)
	if errors.Is(err, pulumicli.ErrNotFound) {
		t.Skipf("the real-engine test needs the Pulumi CLI v%s; build it with `make tools` (or set %s): %v",
			pulumicli.Version, pulumicli.EnvVar, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := deploy.Command(cli)
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestStacksOnTheRealEngine runs each of the six stacks' programs on the
// real engine against the test providers; see runStack. `make integration`
// runs it (build tag integration).
func TestStacksOnTheRealEngine(t *testing.T) {
	packages := map[platform.Cloud][]string{
		platform.CloudAzure: {"azure-native", "azuread", "kubernetes"},
		platform.CloudGCP:   {"gcp", "kubernetes"},
	}
	for _, env := range stacks.All() {
		t.Run(env.Name, func(t *testing.T) { runStack(t, stacks.Project(), env.Name, packages[env.Cloud]...) })
	}
}

// TestATeamProjectOnTheRealEngine runs a team's own project as runStack
// runs the reference stacks: examples/team-stack, the shop team's
// platform, with its project name (shop-platform), its stack names and
// the environments of its YAML files, on AKS alone.
func TestATeamProjectOnTheRealEngine(t *testing.T) {
	team := project.Project{
		Name:   "shop-platform",
		Stacks: project.YAML(os.DirFS("../../examples/team-stack"), "environments/*.yaml"),
		Clouds: []project.Cloud{aks.Cloud{}},
	}
	runStack(t, team, "shop-staging", "azure-native", "azuread", "kubernetes")
}

// workspaceOptions are the options of a stack of project on the file
// backend, served by providers, with nothing downloadable.
func workspaceOptions(t *testing.T, cmd auto.PulumiCommand, project, backend string, providers *enginetest.Providers) []auto.LocalWorkspaceOption {
	return []auto.LocalWorkspaceOption{
		auto.Pulumi(cmd),
		auto.WorkDir(t.TempDir()),
		auto.PulumiHome(t.TempDir()),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + filepath.ToSlash(backend)},
		}),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(map[string]string{
			"PULUMI_CONFIG_PASSPHRASE": "enginetest",
			"PULUMI_DEBUG_PROVIDERS":   providers.DebugEnv(),
			// Fail at once, naming the plugin, if the engine ever wants a
			// provider the test does not serve: nothing can be downloaded.
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
			"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		}),
	}
}

// assertApplicationReadsThePlatform deploys a team's application stack,
// a project of its own on the same backend, that reads the deployed
// platform through a real stack reference (platformref.Read): the engine
// resolves the reference from the platform's state, the kubeconfig stays a
// secret, and the team's namespace resolves.
func assertApplicationReadsThePlatform(ctx context.Context, t *testing.T, cmd auto.PulumiCommand, backend, project string, providers *enginetest.Providers, env environment.Environment, platformOutputs auto.OutputMap) {
	t.Helper()
	team := env.Teams[0].Team
	ref := "organization/" + project + "/" + env.Name
	app, err := auto.UpsertStackInlineSource(ctx, team+"-"+env.Name, "team-app", func(ctx *pulumi.Context) error {
		p, err := platformref.Read(ctx, "platform", ref)
		if err != nil {
			return err
		}
		k8s, err := p.Provider(ctx, "platform")
		if err != nil {
			return err
		}
		ns := p.Namespace(team, team)
		_, err = corev1.NewConfigMap(ctx, "app", &corev1.ConfigMapArgs{
			Metadata: metav1.ObjectMetaArgs{Name: pulumi.String("app"), Namespace: ns},
			Data:     pulumi.StringMap{"ingressClass": p.IngressClassName, "issuer": p.CertificateIssuer},
		}, pulumi.Provider(k8s))
		ctx.Export("namespace", ns)
		ctx.Export("clusterName", p.ClusterName)
		ctx.Export("kubeconfig", p.Kubeconfig)
		return err
	}, workspaceOptions(t, cmd, "team-app", backend, providers)...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := app.Up(ctx, optup.ProgressStreams(logWriter(t)))
	if err != nil {
		t.Fatalf("up of the application stack referencing %s: %v", ref, err)
	}
	if got := res.Outputs["namespace"].Value; got != team {
		t.Errorf("the application's namespace = %v, want %s", got, team)
	}
	if got, want := res.Outputs["clusterName"].Value, platformOutputs["clusterName"].Value; got != want {
		t.Errorf("the application read cluster %v, the platform exports %v", got, want)
	}
	if !res.Outputs["kubeconfig"].Secret {
		t.Error("the kubeconfig read through the reference is not a secret")
	}
}

// runStack runs the named stack's program (at its placeholder coordinates)
// on the real engine against test providers for packages, with state in a
// local file backend: a preview of the empty stack, up, a preview, a
// refresh, an up with the cost center changed, and a destroy. The engine
// must accept every registration (unique URNs, parents, dependencies,
// providers, secrets), create exactly the resources the offline render
// draws, find nothing to change or drift afterwards, update a changed tag
// in place, and delete every resource before the resources it depends on.
func runStack(t *testing.T, proj project.Project, name string, packages ...string) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine; skipped with -short")
	}
	cmd := pulumiCommand(t)
	env, err := proj.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	providers, lane := startProviders(t, renderIn(t, proj, env), packages...)

	ctx := context.Background()
	backend := t.TempDir()
	stack, err := auto.UpsertStackInlineSource(ctx, env.Name, proj.Name, proj.OfflineProgram(env),
		workspaceOptions(t, cmd, proj.Name, backend, providers)...)
	if err != nil {
		t.Fatal(err)
	}

	// A first preview sees every computed output unknown.
	first := preview(ctx, t, stack, "first preview")
	assertOnly(t, "first preview", first, apitype.OpCreate)

	start := time.Now()
	up, err := stack.Up(ctx, optup.ProgressStreams(logWriter(t)))
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	t.Logf("up in %v: %v", time.Since(start).Round(time.Millisecond), *up.Summary.ResourceChanges)
	if got, want := (*up.Summary.ResourceChanges)[string(apitype.OpCreate)], first[apitype.OpCreate]; got != want {
		t.Errorf("up created %d resources, the first preview planned %d", got, want)
	}
	// The ingress address comes from the live read of the controller's
	// Service (mockcloud.ReadLive), the kubeconfig from an invoke.
	if addr, _ := up.Outputs["ingressAddress"].Value.(string); !strings.HasPrefix(addr, "10.") {
		t.Errorf("ingressAddress output = %v, want the load-balancer address the Service read answers", up.Outputs["ingressAddress"].Value)
	}
	if !up.Outputs["kubeconfig"].Secret {
		t.Error("the kubeconfig output is not a secret")
	}
	// What application stacks read through platformref.
	if missing := deploy.MissingOutputs(up.Outputs); len(missing) > 0 {
		t.Errorf("outputs missing after up: %v", missing)
	}
	state := readState(t, backend, proj.Name, env.Name)
	assertSameResourcesAsTheRender(t, proj, env, state)
	assertUniqueURNs(t, state)
	assertKubeconfigEncrypted(t, state)
	upCalls := providers.Calls()
	created := assertOneCreatePerCustomResource(t, upCalls, state)
	if lane != nil {
		n := lane.assertDeployedForReal(t, upCalls, state)
		t.Logf("Kubernetes lane: %d objects deployed through the real provider; on the test double: %v", n, lane.doubled)
		asked := lane.assertAccessModel(t, env, levelGroups(t, env, state), breakGlassGroup(t, state))
		t.Logf("Kubernetes lane: %d SubjectAccessReviews", asked)
	}
	assertApplicationReadsThePlatform(ctx, t, cmd, backend, proj.Name, providers, env, up.Outputs)
	if lane != nil {
		// The application's ConfigMap went into the team's namespace
		// through the real provider.
		app := 0
		for urn, id := range realObjects(providers.Calls()) {
			if strings.Contains(urn, "::team-app::") {
				app++
				lane.assertPresent(t, map[string]string{urn: id})
			}
		}
		if app != 1 {
			t.Errorf("the application stack created %d objects through the real provider, want its ConfigMap", app)
		}
	}

	providers.ResetCalls()
	assertOnly(t, "second preview", preview(ctx, t, stack, "second preview"), apitype.OpSame)
	start = time.Now()
	refreshed, err := stack.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	t.Logf("refresh in %v: %v", time.Since(start).Round(time.Millisecond), *refreshed.Summary.ResourceChanges)
	assertOnly(t, "refresh", *refreshed.Summary.ResourceChanges, apitype.OpSame)
	if calls := providers.Calls(); len(calls) != 0 {
		t.Errorf("the preview or the refresh changed resources: %v", calls)
	}

	// A new cost center retags resources in place: updates only, IDs kept,
	// and exactly the resources the offline diff of the two renders says
	// change.
	before := renderIn(t, proj, env)
	env.CostCenter = "cc-enginetest"
	expected := changedURNs(diff.Compare(before, renderIn(t, proj, env)))
	stack.Workspace().SetProgram(proj.OfflineProgram(env))
	planned := preview(ctx, t, stack, "preview of the new cost center")
	assertOnly(t, "preview of the new cost center", planned, apitype.OpSame, apitype.OpUpdate)
	start = time.Now()
	retagged, err := stack.Up(ctx)
	if err != nil {
		t.Fatalf("up of the new cost center: %v", err)
	}
	t.Logf("up of the new cost center in %v: %v", time.Since(start).Round(time.Millisecond), *retagged.Summary.ResourceChanges)
	if got := (*retagged.Summary.ResourceChanges)[string(apitype.OpUpdate)]; got == 0 || got != planned[apitype.OpUpdate] {
		t.Errorf("up of the new cost center updated %d resources, its preview planned %d", got, planned[apitype.OpUpdate])
	}
	assertUpdatesKeepIDs(t, providers.Calls(), created)
	assertUpdatedExactly(t, providers.Calls(), expected)
	assertOnly(t, "preview after the new cost center", preview(ctx, t, stack, "preview after the new cost center"), apitype.OpSame)
	if lane != nil {
		lane.assertNamespaceLabel(t, env.Teams[0].Team, "cost-center", env.CostCenter)
	}

	state = readState(t, backend, proj.Name, env.Name)
	providers.ResetCalls()
	start = time.Now()
	destroyed, err := stack.Destroy(ctx)
	if env.Protect {
		// Production and staging protect their network and cluster: the
		// engine refuses the destroy and deletes nothing protected.
		if err == nil || !strings.Contains(err.Error(), "protected") {
			t.Fatalf("destroy of protected %s: err = %v, want the engine's refusal", env.Name, err)
		}
		assertNothingProtectedDeleted(t, providers.Calls(), state)
		if lane != nil {
			retireProtected(ctx, t, stack, lane, realObjects(upCalls), state)
		}
		return
	}
	if err != nil {
		t.Fatalf("destroy: %v", err)
	}
	t.Logf("destroy in %v: %v", time.Since(start).Round(time.Millisecond), *destroyed.Summary.ResourceChanges)
	assertDeletesInDependencyOrder(t, providers.Calls(), created, state)
	if lane != nil {
		lane.assertGone(t, realObjects(upCalls))
	}
}

// retireProtected retires a protected stack as its operators would once
// a destroy is refused: it lifts the protection in the state (what
// `pulumi state unprotect --all` does) and destroys the stack. The
// objects Plinth retains on delete (a production team's namespaces) stay
// in the API server, with what is in them; every other object the real
// provider created is gone.
func retireProtected(ctx context.Context, t *testing.T, stack auto.Stack, lane *lane, objects map[string]string, state deployment) {
	t.Helper()
	exported, err := stack.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	for i := range d.Resources {
		d.Resources[i].Protect = false
	}
	if exported.Deployment, err = json.Marshal(d); err != nil {
		t.Fatal(err)
	}
	if err := stack.Import(ctx, exported); err != nil {
		t.Fatalf("import of the unprotected state: %v", err)
	}
	start := time.Now()
	res, err := stack.Destroy(ctx)
	if err != nil {
		t.Fatalf("destroy after unprotecting: %v", err)
	}
	t.Logf("destroy after unprotecting in %v: %v", time.Since(start).Round(time.Millisecond), *res.Summary.ResourceChanges)
	retained, gone := map[string]string{}, map[string]string{}
	for _, r := range state.Resources {
		id, ok := objects[string(r.URN)]
		switch {
		case !ok:
		case r.RetainOnDelete:
			retained[string(r.URN)] = id
		default:
			gone[string(r.URN)] = id
		}
	}
	lane.assertGone(t, gone)
	lane.assertPresent(t, retained)
}

// breakGlassGroup returns the Kubernetes subject of the break-glass
// group in the state, or "" when the stack has none.
func breakGlassGroup(t *testing.T, state deployment) string {
	t.Helper()
	for _, r := range state.Resources {
		if strings.HasSuffix(string(r.URN), "-break-glass-group") {
			return groupSubject(t, r)
		}
	}
	return ""
}

// levelGroups returns the Kubernetes subject of each team's level groups:
// team -> level -> subject. On Azure, the Entra groups of the state
// (<stack>-<team>-<level>-group) name them. On GCP the JIT Groups
// application creates them, outside the state, as
// jit.<environment>.<team>.<level>@<domain> (platform/gke); the subject
// is then that address up to the domain, ending in "@".
func levelGroups(t *testing.T, env environment.Environment, state deployment) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	if env.Cloud == platform.CloudGCP {
		for _, team := range env.Teams {
			out[team.Team] = map[string]string{}
			for level := range levelRoles {
				out[team.Team][level] = "jit." + env.Name + "." + team.Team + "." + level + "@"
			}
		}
		return out
	}
	stack := env.Name
	for _, r := range state.Resources {
		name, ok := strings.CutSuffix(r.URN.Name(), "-group")
		if !ok || (r.Type != "azuread:index/group:Group" && r.Type != "gcp:cloudidentity/group:Group") {
			continue
		}
		name, ok = strings.CutPrefix(name, stack+"-")
		i := strings.LastIndex(name, "-")
		if !ok || i < 0 || levelRoles[name[i+1:]] == "" {
			continue
		}
		team, level := name[:i], name[i+1:]
		if out[team] == nil {
			out[team] = map[string]string{}
		}
		out[team][level] = groupSubject(t, r)
	}
	return out
}

// groupSubject is how Kubernetes names a directory group of the state:
// an Entra group's object ID, a Google group's address.
func groupSubject(t *testing.T, r apitype.ResourceV3) string {
	t.Helper()
	switch r.Type {
	case "azuread:index/group:Group":
		if id, ok := r.Outputs["objectId"].(string); ok {
			return id
		}
	case "gcp:cloudidentity/group:Group":
		if key, ok := r.Outputs["groupKey"].(map[string]any); ok {
			if id, ok := key["id"].(string); ok {
				return id
			}
		}
	}
	t.Errorf("%s: no group ID in its outputs %v", r.URN, r.Outputs)
	return ""
}

// preview runs a preview and returns its change summary.
func preview(ctx context.Context, t *testing.T, stack auto.Stack, what string) map[apitype.OpType]int {
	t.Helper()
	start := time.Now()
	res, err := stack.Preview(ctx)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	t.Logf("%s in %v: %v", what, time.Since(start).Round(time.Millisecond), res.ChangeSummary)
	return res.ChangeSummary
}

// assertOnly fails when summary counts an operation other than ops.
func assertOnly[Op ~string](t *testing.T, run string, summary map[Op]int, ops ...apitype.OpType) {
	t.Helper()
	for op, n := range summary {
		if !slices.Contains(ops, apitype.OpType(op)) {
			t.Errorf("%s: %d to %s, want only %v: %v", run, n, op, ops, summary)
		}
	}
}

// assertUpdatesKeepIDs checks that the providers were asked for updates
// only, each of a created resource under the ID it was created with.
func assertUpdatesKeepIDs(t *testing.T, calls []enginetest.Call, created map[string]string) {
	t.Helper()
	for _, c := range calls {
		if c.Op != enginetest.OpUpdate || c.ID != created[c.URN] {
			t.Errorf("retagging asked for %s of %s with ID %q, created with %q", c.Op, c.URN, c.ID, created[c.URN])
		}
	}
}

// logWriter sends the engine's progress to the test log, line by line.
func logWriter(t *testing.T) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
			if strings.TrimSpace(line) != "" {
				t.Log(line)
			}
		}
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// deployment is the stack's state as the backend stores it (secrets
// encrypted), and its raw JSON.
type deployment struct {
	apitype.DeploymentV3
	raw string
}

// readState reads the stack's checkpoint from the file backend in dir.
// (stack.Export would decrypt the secrets: it runs `stack export
// --show-secrets`.)
func readState(t *testing.T, dir, project, stack string) deployment {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, ".pulumi", "stacks", project, stack+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var checkpoint struct {
		Checkpoint apitype.CheckpointV3 `json:"checkpoint"`
	}
	if err := json.Unmarshal(raw, &checkpoint); err != nil {
		t.Fatal(err)
	}
	if checkpoint.Checkpoint.Latest == nil {
		t.Fatal("the checkpoint holds no deployment")
	}
	return deployment{DeploymentV3: *checkpoint.Checkpoint.Latest, raw: string(raw)}
}

// assertSameResourcesAsTheRender compares the URNs in the engine's state
// with those of the offline render under mocks: the same program must
// register the same resources in both.
func assertSameResourcesAsTheRender(t *testing.T, proj project.Project, env environment.Environment, state deployment) {
	t.Helper()
	snap := renderIn(t, proj, env)
	var rendered, engine []string
	for _, r := range snap.Resources {
		rendered = append(rendered, r.URN)
	}
	for _, r := range state.Resources {
		// The render records registrations only: not the stack itself,
		// and not the live objects the program reads (External).
		if r.Type != "pulumi:pulumi:Stack" && !r.External {
			engine = append(engine, string(r.URN))
		}
	}
	slices.Sort(rendered)
	slices.Sort(engine)
	for _, u := range rendered {
		if _, found := slices.BinarySearch(engine, u); !found {
			t.Errorf("rendered but not in the engine's state: %s", u)
		}
	}
	for _, u := range engine {
		if _, found := slices.BinarySearch(rendered, u); !found {
			t.Errorf("in the engine's state but not rendered: %s", u)
		}
	}
}

func assertUniqueURNs(t *testing.T, state deployment) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range state.Resources {
		if seen[string(r.URN)] {
			t.Errorf("URN twice in the state: %s", r.URN)
		}
		seen[string(r.URN)] = true
	}
}

// assertKubeconfigEncrypted checks that the cluster credentials reach the
// state only encrypted: the Kubernetes provider's kubeconfig input is a
// secret, and no plaintext of it (its kubelogin exec block) is anywhere.
func assertKubeconfigEncrypted(t *testing.T, state deployment) {
	t.Helper()
	if strings.Contains(state.raw, "kubelogin") {
		t.Error("the state holds the kubeconfig in plaintext")
	}
	for _, r := range state.Resources {
		if r.Type != "pulumi:providers:kubernetes" {
			continue
		}
		secret, ok := r.Inputs["kubeconfig"].(map[string]any)
		if !ok || secret["ciphertext"] == nil {
			t.Errorf("%s: kubeconfig input = %v, want an encrypted secret", r.URN, r.Inputs["kubeconfig"])
		}
		return
	}
	t.Error("no Kubernetes provider in the state")
}

// assertOneCreatePerCustomResource checks that the providers were asked to
// create each custom resource of the state once, with the ID the state
// holds, and nothing else. Providers themselves are created by the engine,
// components by nobody.
func assertOneCreatePerCustomResource(t *testing.T, calls []enginetest.Call, state deployment) map[string]string {
	t.Helper()
	created := map[string]string{}
	for _, c := range calls {
		if c.Op != enginetest.OpCreate {
			t.Errorf("up asked for %s of %s", c.Op, c.URN)
			continue
		}
		if _, dup := created[c.URN]; dup {
			t.Errorf("created twice: %s", c.URN)
		}
		created[c.URN] = c.ID
	}
	n := 0
	for _, r := range state.Resources {
		if !r.Custom || strings.HasPrefix(string(r.Type), "pulumi:providers:") || r.External {
			continue
		}
		n++
		if id, ok := created[string(r.URN)]; !ok || id != string(r.ID) {
			t.Errorf("%s (ID %s in the state) was created with ID %q", r.URN, r.ID, id)
		}
	}
	if n != len(created) {
		t.Errorf("%d creates for %d custom resources", len(created), n)
	}
	return created
}

// assertDeletesInDependencyOrder checks that destroy deleted each created
// resource once, with its ID, and each before every resource it depends
// on (the engine starts a delete only once the dependents' deletes have
// returned, and the providers record a delete before returning) — except
// the resources deleted with another (pulumi.DeletedWith, e.g. the AKS
// agent pools with their cluster), whose deletes the engine skips.
func assertDeletesInDependencyOrder(t *testing.T, calls []enginetest.Call, created map[string]string, state deployment) {
	t.Helper()
	order := map[string]int{}
	for i, c := range calls {
		if c.Op != enginetest.OpDelete {
			t.Errorf("destroy asked for %s of %s", c.Op, c.URN)
			continue
		}
		if _, dup := order[c.URN]; dup {
			t.Errorf("deleted twice: %s", c.URN)
		}
		if c.ID != created[c.URN] {
			t.Errorf("%s deleted with ID %q, created with %q", c.URN, c.ID, created[c.URN])
		}
		order[c.URN] = i
	}
	for _, r := range state.Resources {
		urn := string(r.URN)
		if _, ok := created[urn]; !ok {
			continue
		}
		i, deleted := order[urn]
		switch {
		case r.DeletedWith != "" && deleted:
			t.Errorf("%s was deleted, though it goes with %s", urn, r.DeletedWith)
		case r.DeletedWith != "":
			if _, ok := order[string(r.DeletedWith)]; !ok {
				t.Errorf("%s goes with %s, which was not deleted either", urn, r.DeletedWith)
			}
		case !deleted:
			t.Errorf("created but not deleted: %s", urn)
		}
		for _, dep := range r.Dependencies {
			if j, ok := order[string(dep)]; deleted && ok && j < i {
				t.Errorf("%s was deleted before %s, which depends on it", dep, urn)
			}
		}
	}
}

// renderIn draws env offline as a stack of proj, as plinth plan does.
func renderIn(t *testing.T, proj project.Project, env environment.Environment) *snapshot.Snapshot {
	t.Helper()
	snap, err := proj.RenderEnvironment(env)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// changedURNs are the custom resources a diff says change in place.
func changedURNs(d diff.StackDiff) map[string]bool {
	out := map[string]bool{}
	for _, c := range d.Changed {
		out[c.URN] = true
	}
	return out
}

// assertUpdatedExactly checks that the engine updated exactly the
// resources the offline diff predicted, no more and no fewer.
func assertUpdatedExactly(t *testing.T, calls []enginetest.Call, expected map[string]bool) {
	t.Helper()
	updated := map[string]bool{}
	for _, c := range calls {
		if c.Op == enginetest.OpUpdate {
			updated[c.URN] = true
		}
	}
	for urn := range expected {
		if !updated[urn] && !strings.Contains(urn, "::pulumi:providers:") && isCustom(urn) {
			t.Errorf("the diff predicted an update of %s; the engine did not update it", urn)
		}
	}
	for urn := range updated {
		if !expected[urn] {
			t.Errorf("the engine updated %s, which the diff did not predict", urn)
		}
	}
	if len(updated) == 0 {
		t.Error("nothing was updated")
	}
}

// isCustom reports whether a URN names a cloud or Kubernetes resource, not
// a component (whose type is plinth:...).
func isCustom(urn string) bool {
	return !strings.HasPrefix(typeOf(urn), "plinth:")
}

// assertNothingProtectedDeleted checks that a refused destroy deleted no
// protected resource.
func assertNothingProtectedDeleted(t *testing.T, calls []enginetest.Call, state deployment) {
	t.Helper()
	protected := map[string]bool{}
	for _, r := range state.Resources {
		if r.Protect {
			protected[string(r.URN)] = true
		}
	}
	if len(protected) == 0 {
		t.Fatal("nothing in the state is protected")
	}
	for _, c := range calls {
		if c.Op == enginetest.OpDelete && protected[c.URN] {
			t.Errorf("the refused destroy deleted protected %s", c.URN)
		}
	}
}

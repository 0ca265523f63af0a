package docstest

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"golang.org/x/mod/modfile"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/project"
)

// templateDir is the `pulumi new` template of a team's platform, in the
// repository (docs/getting-started.md).
const templateDir = "templates/team-platform"

// The project name and description a team gives `pulumi new`.
const (
	teamProject     = "shop-platform"
	teamDescription = "The shop team's Kubernetes platforms: dev and prod."
)

// recorder is a platform.StackConfig that answers every key with "" and
// records the keys asked for: true for a key required.
type recorder map[string]bool

func (r recorder) Require(key string) string { r[key] = true; return "" }
func (r recorder) Get(key string) string {
	if _, ok := r[key]; !ok {
		r[key] = false
	}
	return ""
}

// aksKeys returns the configuration keys (namespace plinth) the template's
// program reads for an AKS stack, and whether the stack must set them: the
// program's own (its DNS zone and its pins; stacks/pulumiyaml_test.go keeps
// that list whole) and those aks.Cloud asks for.
func aksKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := recorder{
		project.ConfigDNSZoneName: true,
		project.ConfigDNSZoneID:   false,
		environment.ConfigVersion: false,
		environment.ConfigClass:   false,
	}
	_, _ = mockcloud.Attempt("keys", func(ctx *pulumi.Context) error {
		aks.Cloud{}.Region(keys)
		// Blank coordinates: refused before anything is registered, once
		// every key was asked for.
		_, _ = aks.Cloud{}.Backend(ctx, "keys", keys)
		return nil
	})
	if !keys[aks.ConfigSubscriptionID] {
		t.Fatalf("aks.Cloud did not require %s: %v", aks.ConfigSubscriptionID, keys)
	}
	return keys
}

// TestTeamPlatformTemplate renders templates/team-platform as `pulumi
// new` does, with Pulumi's own code: it loads the template, checks what it
// asks for the first stack, copies its files substituting ${PROJECT} and
// ${DESCRIPTION}, and rewrites Pulumi.yaml with the project's name and
// description and without the template section. Then, in the new
// directory with go.mod pointed at this checkout, `go test ./...` builds
// the program and runs the template's own tests: every environment
// renders and passes plinth check (skipped with -short).
func TestTeamPlatformTemplate(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(repo, filepath.FromSlash(templateDir))
	tmpl, err := workspace.LoadTemplate(src)
	if err != nil {
		t.Fatalf("pulumi new cannot load the template: %v", err)
	}
	if tmpl.Description == "" || tmpl.Quickstart == "" {
		t.Errorf("the template has no description or quickstart: %+v", tmpl)
	}
	checkPrompts(t, tmpl.Config, aksKeys(t))

	dst := filepath.Join(t.TempDir(), teamProject)
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := workspace.CopyTemplateFilesDryRun(src, dst, teamProject); err != nil {
		t.Fatal(err)
	}
	if err := workspace.CopyTemplateFiles(src, dst, false, teamProject, teamDescription); err != nil {
		t.Fatal(err)
	}
	pulumiYAML := filepath.Join(dst, "Pulumi.yaml")
	proj, err := workspace.LoadProject(pulumiYAML)
	if err != nil {
		t.Fatalf("the rendered Pulumi.yaml: %v", err)
	}
	if proj.Name.String() != teamProject || proj.Description == nil || *proj.Description != teamDescription {
		t.Errorf("rendered Pulumi.yaml: name %q, description %v", proj.Name, proj.Description)
	}
	proj.Name, proj.Template = tokens.PackageName(teamProject), nil
	if err := proj.Save(pulumiYAML); err != nil {
		t.Fatalf("pulumi new saves Pulumi.yaml: %v", err)
	}
	checkRendered(t, repo, dst)

	if testing.Short() {
		t.Skip("builds the rendered project against the cloud SDK; skipped with -short")
	}
	goCmd(t, dst, "mod", "edit", "-replace", "github.com/plinth-dev/plinth="+repo)
	goCmd(t, dst, "mod", "tidy")
	goCmd(t, dst, "test", "./...")
}

// checkPrompts checks what `pulumi new` asks for the first stack: every
// key an AKS stack must set, each a key the program reads, described, the
// release this is, and a class whose environment is the stack pulumi new
// creates (dev).
func checkPrompts(t *testing.T, prompts map[string]workspace.ProjectTemplateConfigValue, keys map[string]bool) {
	t.Helper()
	for key, p := range prompts {
		name, ok := strings.CutPrefix(key, platform.ConfigNamespace+":")
		if _, read := keys[name]; !ok || !read {
			t.Errorf("the template asks for %s, which the program does not read", key)
		}
		if strings.TrimSpace(p.Description) == "" {
			t.Errorf("the template asks for %s without a description", key)
		}
	}
	for name, required := range keys {
		if _, asked := prompts[platform.ConfigNamespace+":"+name]; required && !asked {
			t.Errorf("the template does not ask for %s:%s, which an AKS stack must set", platform.ConfigNamespace, name)
		}
	}
	if got := prompts["plinth:version"].Default; got != platform.Version {
		t.Errorf("plinth:version defaults to %q, want this release, %s", got, platform.Version)
	}
	if got := prompts["plinth:class"].Default; got != string(environment.Dev) {
		t.Errorf("plinth:class defaults to %q, want dev: pulumi new's first stack is dev", got)
	}
}

// checkRendered checks the files pulumi new wrote in dir: no placeholder
// left, the program named as Pulumi.yaml names the project, Plinth
// required at this release, the review workflow the one the examples
// use, and the environments those the first stack's class and name expect.
func checkRendered(t *testing.T, repo, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, p := range []string{"${PROJECT}", "${DESCRIPTION}"} {
			if bytes.Contains(data, []byte(p)) {
				t.Errorf("%s still holds %s", path, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mainGo, err := os.ReadFile(filepath.Join(dir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mainGo), `Name:   "`+teamProject+`"`) {
		t.Errorf("main.go does not name its project %q, as Pulumi.yaml does:\n%s", teamProject, mainGo)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		t.Fatal(err)
	}
	if mod.Module.Mod.Path != teamProject || !slices.ContainsFunc(mod.Require, func(r *modfile.Require) bool {
		return r.Mod.Path == "github.com/plinth-dev/plinth" && r.Mod.Version == "v"+platform.Version
	}) {
		t.Errorf("go.mod: module %s, requires %v; want module %s requiring github.com/plinth-dev/plinth v%s", mod.Module.Mod.Path, mod.Require, teamProject, platform.Version)
	}
	workflow, err := os.ReadFile(filepath.Join(dir, ".github", "workflows", "review.yml"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join(repo, "examples", "team-stack", ".github", "workflows", "review.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(workflow, example) {
		t.Error("the template's .github/workflows/review.yml differs from examples/team-stack's, whose test checks it against the review action")
	}
	review, err := os.ReadFile(filepath.Join(repo, "docs", "review.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(review, append(append([]byte("```yaml\n"), workflow...), "```\n"...)) {
		t.Error("docs/review.md#github-actions does not show the template's .github/workflows/review.yml as it is")
	}
	envs, err := project.YAML(os.DirFS(dir), "environments/*.yaml")()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := project.Names(envs), []string{"dev", "prod"}; !slices.Equal(got, want) {
		t.Errorf("the template's environments are %v, want %v", got, want)
	}
	for _, env := range envs {
		if string(env.Class) != env.Name || env.Cloud != platform.CloudAzure {
			t.Errorf("environment %s: class %s, cloud %s; want class %s on Azure", env.Name, env.Class, env.Cloud, env.Name)
		}
		// The editor's modeline, as in getting-started's environments: the
		// schema that `go run . schema --output environment.schema.json`
		// writes beside environments/.
		data, err := os.ReadFile(filepath.Join(dir, "environments", env.Name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(string(data), "\n"); first != "# yaml-language-server: $schema=../environment.schema.json" {
			t.Errorf("environments/%s.yaml starts with %q, not the modeline naming ../environment.schema.json", env.Name, first)
		}
	}
}

// goCmd runs the go command in dir, offline: the module cache holds every
// module this repository's build needs, and there is no checksum database
// to ask (go.sum is written from the cached modules' own hashes).
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

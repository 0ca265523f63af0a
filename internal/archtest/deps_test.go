package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/plinth-dev/plinth"

// cloudSDKs are the module prefixes only platform/aks and platform/gke may
// depend on: compiling them costs minutes and gigabytes (docs/architecture.md).
var cloudSDKs = []string{
	"github.com/pulumi/pulumi-azure-native-sdk",
	"github.com/pulumi/pulumi-azuread",
	"github.com/pulumi/pulumi-gcp",
}

// mayUseCloudSDKs are the packages allowed to reach a cloud SDK: the
// backends, the reference project (stacks) and its program (cmd/), the
// engine tests' providers (internal/enginetest), and the test that follows
// the getting-started page (internal/docstest). The library a team links,
// the command line (cli) and the project (project) included, is not among
// them: a project links the SDK of the clouds it lists and no other. Nor
// are the backends' resource-type registries (registries).
func mayUseCloudSDKs(pkg string) bool {
	return !hasPrefix(pkg, registries...) &&
		hasPrefix(pkg, "platform/aks", "platform/gke", "stacks", "cmd/", "internal/enginetest", "internal/docstest")
}

// registries are the backends' descriptions of themselves: their
// resource-type registries and their cloud facts. They live under the
// backends but import no cloud SDK, so that internal/mockcloud,
// internal/diff, the command line and environment validation read them
// for free.
var registries = []string{"platform/aks/akstypes", "platform/gke/gketypes", "platform/aks/aksfacts", "platform/gke/gkefacts"}

// testsMayUseCloudSDKs are the packages whose tests (not their code) may
// reach a cloud SDK: they run the reference project through the command
// line and the engine.
func testsMayUseCloudSDKs(pkg string) bool {
	return hasPrefix(pkg, "cli", "internal/deploy")
}

func hasPrefix(pkg string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(pkg, module+"/"+p) {
			return true
		}
	}
	return false
}

// importGraph parses the imports of every Go file of the module (tests
// included) and returns package -> imported packages; testGraph holds the
// imports of the test files alone. It reads the files
// itself, rather than running `go list`, so that `go test` caching notices
// every change.
func importGraph(t *testing.T) map[string][]string {
	t.Helper()
	code, tests := graphs(t)
	for pkg, imports := range tests {
		for _, ip := range imports {
			if !slices.Contains(code[pkg], ip) {
				code[pkg] = append(code[pkg], ip)
			}
		}
	}
	return code
}

// graphs returns the imports of each package's code and, apart, those of
// its test files.
func graphs(t *testing.T) (code, tests map[string][]string) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	code, tests = map[string][]string{}, map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			// tools/, examples/ and templates/team-platform are separate
			// modules (a directory with a go.mod of its own); bin/ holds
			// builds.
			if p != root && (strings.HasPrefix(name, ".") || name == "tools" || name == "examples" || name == "bin" || name == "testdata" || isModule(p)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		pkg := path.Join(module, filepath.ToSlash(rel))
		graph := code
		if strings.HasSuffix(p, "_test.go") {
			graph = tests
		}
		for _, imp := range f.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			if !slices.Contains(graph[pkg], ip) {
				graph[pkg] = append(graph[pkg], ip)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return code, tests
}

// isModule reports whether dir holds a Go module of its own.
func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}

// TestNoCloudSDKOutsideBackends checks the dependency rule on every package
// and its tests, through the module's own packages (their code: the test
// files of an imported package are not compiled in): nothing but the
// backends and what composes them reaches a cloud SDK.
func TestNoCloudSDKOutsideBackends(t *testing.T) {
	graph, tests := graphs(t)
	checked := 0
	for pkg := range graph {
		if mayUseCloudSDKs(pkg) {
			continue
		}
		checked++
		seen := map[string]bool{}
		var walk func(p string, chain []string)
		walk = func(p string, chain []string) {
			if seen[p] {
				return
			}
			seen[p] = true
			for _, sdk := range cloudSDKs {
				if strings.HasPrefix(p, sdk) {
					t.Errorf("%s reaches %s through %s; only platform/aks and platform/gke may import cloud SDKs",
						pkg, sdk, strings.Join(chain, " -> "))
					return
				}
			}
			if !strings.HasPrefix(p, module) {
				return
			}
			for _, next := range graph[p] {
				walk(next, append(slices.Clone(chain), next))
			}
			if p == pkg && !testsMayUseCloudSDKs(pkg) {
				for _, next := range tests[p] {
					walk(next, append(slices.Clone(chain), next))
				}
			}
		}
		walk(pkg, []string{pkg})
	}
	if checked < 8 {
		t.Fatalf("checked only %d packages; is the walk finding the module?", checked)
	}
}

// TestPlatformIsALeaf checks that the contract imports no component, backend
// or stack: of the module, only its two leaves, field paths and the shared
// formats.
func TestPlatformIsALeaf(t *testing.T) {
	code, _ := graphs(t) // its own external tests import it, as they must
	for _, imp := range code[module+"/platform"] {
		if strings.HasPrefix(imp, module+"/") && imp != module+"/platform/field" && imp != module+"/platform/format" {
			t.Errorf("platform imports %s; it must stay a leaf", imp)
		}
	}
}

// heavyKubernetes are Kubernetes SDK packages that pull every Kubernetes
// API package into a build (the YAML support behind helm/v3's Chart, and
// the packages that embed it): about 200 s and 2 GB more on a cold build of
// a component (docs/architecture.md). Helm releases are registered by
// internal/helm without them.
var heavyKubernetes = []string{
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/yaml",
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/",
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/kustomize",
}

// TestNoHeavyKubernetesPackages checks that no package of the module
// imports the Kubernetes SDK's YAML-based packages.
func TestNoHeavyKubernetesPackages(t *testing.T) {
	for pkg, imports := range importGraph(t) {
		for _, imp := range imports {
			for _, heavy := range heavyKubernetes {
				if strings.HasPrefix(imp, heavy) {
					t.Errorf("%s imports %s, which compiles every Kubernetes API package; register the resource by its type token instead (see internal/helm.ReleaseResource)", pkg, imp)
				}
			}
		}
	}
}

// TestAProjectLinksOnlyItsCloud lists (go list -deps) what a team's
// program links when it follows docs/getting-started.md: the command line
// (cli), the project (project) and the one cloud it lists. An AKS project
// links no Google Cloud SDK, a GKE project no Azure SDK.
func TestAProjectLinksOnlyItsCloud(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	for _, tc := range []struct {
		cloud, own string
	}{
		{"platform/aks", "github.com/pulumi/pulumi-azure-native-sdk"},
		{"platform/gke", "github.com/pulumi/pulumi-gcp"},
	} {
		out, err := exec.Command("go", "list", "-deps", module+"/cli", module+"/project", module+"/"+tc.cloud).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		own := 0
		for _, d := range strings.Fields(string(out)) {
			for _, sdk := range cloudSDKs {
				switch {
				case !strings.HasPrefix(d, sdk):
				case sdk == tc.own:
					own++
				case tc.own == "github.com/pulumi/pulumi-azure-native-sdk" && sdk == "github.com/pulumi/pulumi-azuread":
					// Entra ID is Azure's too.
				default:
					t.Errorf("a project on %s links %s", tc.cloud, d)
				}
			}
		}
		if own == 0 {
			t.Errorf("a project on %s links no package of %s; is go list looking at it?", tc.cloud, tc.own)
		}
	}
}

// TestRegistriesAreChecked makes sure the walk of
// TestNoCloudSDKOutsideBackends covers the backends' registries, which sit
// under the backends' own directories.
func TestRegistriesAreChecked(t *testing.T) {
	code, _ := graphs(t)
	for _, r := range registries {
		pkg := module + "/" + r
		if _, ok := code[pkg]; !ok {
			t.Errorf("no package %s; update registries", pkg)
		}
		if mayUseCloudSDKs(pkg) {
			t.Errorf("%s may reach a cloud SDK", pkg)
		}
	}
}

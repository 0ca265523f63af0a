package stacks_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/project"
	"github.com/plinth-dev/plinth/stacks"
)

// programKeys are the configuration keys (namespace plinth) the program
// reads for every stack, whatever its cloud, and whether every stack must
// set them: project.Project.Program's DNS zone and environment.New's pins.
// Each cloud's keys are recorded from the cloud itself (cloudKeys).
// TestConfigurationIsReadInKnownPlaces keeps this list whole.
var programKeys = map[string]bool{
	project.ConfigDNSZoneName: true,
	project.ConfigDNSZoneID:   false, // required only without the DNS component
	environment.ConfigVersion: false,
	environment.ConfigClass:   false,
}

// refusedKeys are read only to refuse a stack that sets them: declaring
// one in Pulumi.yaml would invite setting it.
var refusedKeys = []string{"environment"}

// configReaders are the only files that read the stack's configuration in
// namespace plinth with Pulumi's config package; the clouds read theirs
// through platform.StackConfig, which cloudKeys records.
var configReaders = []string{"environment/pins.go", "project/program.go"}

// recorder is a platform.StackConfig that answers every key with "" and
// records which keys were asked for, and which of them were required.
type recorder struct{ read, required map[string]bool }

func (r recorder) Require(key string) string { r.read[key], r.required[key] = true, true; return "" }
func (r recorder) Get(key string) string     { r.read[key] = true; return "" }

// cloudKeys returns the keys cloud reads from a stack's configuration
// (the region, and the backend's coordinates), and those it requires.
func cloudKeys(t *testing.T, cloud project.Cloud) (read, required map[string]bool) {
	t.Helper()
	r := recorder{read: map[string]bool{}, required: map[string]bool{}}
	_, _ = mockcloud.Attempt("keys", func(ctx *pulumi.Context) error {
		cloud.Region(r)
		// Blank coordinates: the backend refuses them before it registers
		// anything, having asked for every key.
		_, _ = cloud.Backend(ctx, "keys", r)
		return nil
	})
	if len(r.read) == 0 {
		t.Fatalf("cloud %s read no configuration", cloud.Name())
	}
	return r.read, r.required
}

// readKeys returns every key the reference program reads, with whether
// every stack of the project must set it: the program's keys, and each
// cloud's (required of every stack only if every cloud requires it).
func readKeys(t *testing.T) map[string]bool {
	t.Helper()
	keys := maps.Clone(programKeys)
	clouds := stacks.Project().Clouds
	requiredBy := map[string]int{}
	for _, c := range clouds {
		read, required := cloudKeys(t, c)
		for k := range read {
			if _, ok := programKeys[k]; ok {
				t.Errorf("cloud %s reads %s, a key of the program's own", c.Name(), k)
			}
			keys[k] = false
		}
		for k := range required {
			requiredBy[k]++
		}
	}
	for k, n := range requiredBy {
		keys[k] = n == len(clouds)
	}
	return keys
}

// loadProject reads the repository's Pulumi.yaml as the Pulumi CLI does,
// with its schema and its rules for configuration declarations.
func loadProject(t *testing.T) *workspace.Project {
	t.Helper()
	proj, err := workspace.LoadProject(filepath.Join("..", "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("Pulumi refuses Pulumi.yaml: %v", err)
	}
	if proj.Name.String() != stacks.ProjectName {
		t.Fatalf("Pulumi.yaml names %q, the program %q", proj.Name, stacks.ProjectName)
	}
	return proj
}

// TestPulumiYAMLDeclaresTheStackConfiguration checks that Pulumi.yaml
// declares every key the program reads, typed and described, and no other:
// a key every stack must set without a default, so that Pulumi names it
// before the program runs; every other key with the default "", which the
// program reads as unset (an AKS stack leaves the GKE keys unset, and the
// reverse). docs/deploying.md's table lists each.
func TestPulumiYAMLDeclaresTheStackConfiguration(t *testing.T) {
	proj := loadProject(t)
	read := readKeys(t)
	deploying, err := os.ReadFile(filepath.Join("..", "docs", "deploying.md"))
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for key, decl := range proj.Config {
		if strings.HasPrefix(key, "pulumi:") {
			continue
		}
		name, ok := strings.CutPrefix(key, platform.ConfigNamespace+":")
		if !ok {
			t.Errorf("Pulumi.yaml declares %s: write the program's keys as %s:<key>, as pulumi config set takes them", key, platform.ConfigNamespace)
			continue
		}
		declared[name] = true
		required, isRead := read[name]
		switch {
		case slices.Contains(refusedKeys, name):
			t.Errorf("Pulumi.yaml declares %s, which the program refuses", key)
			continue
		case !isRead:
			t.Errorf("Pulumi.yaml declares %s, which the program does not read", key)
			continue
		}
		if decl.TypeName() != "string" || strings.TrimSpace(decl.Description) == "" {
			t.Errorf("%s: type %q, description %q; want type string and a description", key, decl.TypeName(), decl.Description)
		}
		switch {
		case required && decl.Default != nil:
			t.Errorf("%s: every stack must set it, but it has the default %#v", key, decl.Default)
		case !required && decl.Default != "":
			t.Errorf("%s: a stack may leave it unset, so declare default \"\" (unset to the program), not %#v: without a default Pulumi requires it of every stack", key, decl.Default)
		}
		if !strings.Contains(string(deploying), "| `"+key+"` |") {
			t.Errorf("%s is not in docs/deploying.md's stack configuration table", key)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(read)) {
		if !declared[name] {
			t.Errorf("the program reads %s:%s, which Pulumi.yaml does not declare", platform.ConfigNamespace, name)
		}
	}
}

// TestConfigurationIsReadInKnownPlaces keeps programKeys whole: only
// configReaders use Pulumi's config package (or Context.GetConfig), and
// every key constant of the packages they are in (Config*, config*) is
// listed.
func TestConfigurationIsReadInKnownPlaces(t *testing.T) {
	const configPackage = "github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	keyConst := regexp.MustCompile(`^[Cc]onfig[A-Z]`)
	listed := slices.Concat(slices.Collect(maps.Keys(programKeys)), refusedKeys)
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("..", path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			// Other modules (examples, templates, tools) are programs of
			// their own.
			if rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == "bin" || fileExists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		reader := slices.Contains(configReaders, rel)
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == configPackage && !reader {
				t.Errorf("%s reads stack configuration; add its keys to programKeys and the file to configReaders, and declare the keys in Pulumi.yaml", rel)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "GetConfig" {
					t.Errorf("%s: %s reads stack configuration; read it where configReaders do", fset.Position(n.Pos()), n.Sel.Name)
				}
			case *ast.ValueSpec:
				dir := filepath.ToSlash(filepath.Dir(rel))
				if !slices.ContainsFunc(configReaders, func(r string) bool { return filepath.ToSlash(filepath.Dir(r)) == dir }) {
					return true
				}
				for i, name := range n.Names {
					if !keyConst.MatchString(name.Name) || i >= len(n.Values) {
						continue
					}
					if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if key, _ := strconv.Unquote(lit.Value); !slices.Contains(listed, key) {
							t.Errorf("%s: %s = %q is a configuration key that programKeys does not list", fset.Position(name.Pos()), name.Name, key)
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// stackConfig is a stack's configuration as Pulumi hands it to the
// program: Pulumi.<stack>.yaml's values (cfg), merged with the values of
// the stack's ESC environments (env, its pulumiConfig), and completed
// with Pulumi.yaml's defaults, validated as `pulumi up` validates them.
func stackConfig(t *testing.T, proj *workspace.Project, stack string, cfg, env map[string]string) (map[string]string, error) {
	t.Helper()
	m := config.Map{}
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			t.Fatal(err)
		}
		m[key] = config.NewValue(v)
	}
	pulumiConfig := map[string]esc.Value{}
	for k, v := range env {
		pulumiConfig[k] = esc.NewValue(v)
	}
	if err := workspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), stack, proj, esc.NewValue(pulumiConfig), m, config.NopEncrypter, config.NopDecrypter); err != nil {
		return nil, err
	}
	plain, err := m.Decrypt(config.NopDecrypter)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range plain {
		out[k.String()] = v
	}
	return out, nil
}

// azureDev is a complete configuration of the dev-aks stack, built from
// this working tree (so it names where the power schedule's runbook is
// served).
func azureDev() map[string]string {
	return map[string]string{
		"plinth:azureSubscriptionId": "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", "plinth:azureTenantId": "6a2d7c3f-4e5b-4d9f-8c0a-3b2e1f0d9c8b",
		"plinth:azureLocation": "francecentral", "plinth:azureRunbookBaseUrl": "https://ops.acme.example/plinth",
		"plinth:dnsZoneName": "dev.acme.example",
		"plinth:dnsZoneId":   "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/dev.acme.example",
	}
}

// Pulumi's own validation of Pulumi.yaml's declarations: each cloud's
// stacks deploy with their own cloud's keys only, the defaults reach the
// program as unset, a key every stack needs is named by Pulumi before the
// program runs, an ESC environment can supply it, and a value in the
// stack's file wins over the environment's.
func TestDeclaredConfigurationAsPulumiAppliesIt(t *testing.T) {
	proj := loadProject(t)
	for stack, cfg := range map[string]map[string]string{"dev-aks": azureDev(), "dev-gke": gcpDev()} {
		applied, err := stackConfig(t, proj, stack, cfg, nil)
		if err != nil {
			t.Fatalf("%s: Pulumi refuses a complete configuration: %v", stack, err)
		}
		if got := applied["plinth:version"]; got != "" {
			t.Errorf("%s: plinth:version defaults to %q, want unset", stack, got)
		}
		if _, err := deployed(t, stack, applied); err != nil {
			t.Errorf("%s: the program refuses the configuration Pulumi hands it: %v", stack, err)
		}
	}

	cfg := azureDev()
	delete(cfg, "plinth:dnsZoneName")
	if _, err := stackConfig(t, proj, "dev-aks", cfg, nil); err == nil || !strings.Contains(err.Error(), "plinth:dnsZoneName") {
		t.Errorf("a stack without plinth:dnsZoneName: err = %v, want Pulumi to name the key", err)
	}
	applied, err := stackConfig(t, proj, "dev-aks", cfg, map[string]string{"plinth:dnsZoneName": "esc.acme.example", "plinth:azureLocation": "westeurope"})
	if err != nil {
		t.Fatalf("plinth:dnsZoneName from an ESC environment: %v", err)
	}
	if got := applied["plinth:dnsZoneName"]; got != "esc.acme.example" {
		t.Errorf("plinth:dnsZoneName = %q, want the environment's", got)
	}
	if got := applied["plinth:azureLocation"]; got != "francecentral" {
		t.Errorf("plinth:azureLocation = %q, want the stack file's value over the environment's", got)
	}

	// A cloud's key left unset passes Pulumi (the other cloud's stacks
	// leave it unset too) and is named by the program, with its fix.
	cfg = azureDev()
	delete(cfg, "plinth:azureSubscriptionId")
	applied, err = stackConfig(t, proj, "dev-aks", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = deployed(t, "dev-aks", applied)
	if want := "plinth:azureSubscriptionId is not set; run: pulumi config set plinth:azureSubscriptionId <value> -s dev-aks"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

package stacks_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/check"
	"github.com/plinth-dev/plinth/internal/pulumicli"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/stacks"
)

// The README's factual claims that the snapshots and the code can check.
// Each test quotes the README's sentence as it is: a reworded claim fails
// here until the test checks the new one.

// readme returns README.md with its whitespace runs made single spaces.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// claim fails the test unless the README says sentence.
func claim(t *testing.T, text, sentence string) {
	t.Helper()
	if !strings.Contains(text, sentence) {
		t.Fatalf("README.md no longer says %q: update this test to what it says now, and check that", sentence)
	}
}

// committed reads the committed snapshot of every reference stack, with its
// environment.
func committed(t *testing.T) map[*snapshot.Snapshot]environment.Environment {
	t.Helper()
	out := map[*snapshot.Snapshot]environment.Environment{}
	for _, env := range stacks.All() {
		f, err := os.Open(filepath.Join("snapshots", env.Name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		snap, err := snapshot.Read(f)
		_ = f.Close()
		if err != nil {
			t.Fatalf("%s: %v", env.Name, err)
		}
		out[snap] = env
	}
	return out
}

// replicated is how a chart's values run one of its workloads highly
// available: the paths of its replica count, its disruption budget switch
// and its zone spread.
type replicated struct{ replicas, budget, spread string }

// workloads are the workloads of each chart the README calls replicated.
var workloads = map[string][]replicated{
	"traefik": {{"deployment.replicas", "podDisruptionBudget.enabled", "topologySpreadConstraints"}},
	"cert-manager": {
		{"replicaCount", "podDisruptionBudget.enabled", "topologySpreadConstraints"},
		{"webhook.replicaCount", "webhook.podDisruptionBudget.enabled", "webhook.topologySpreadConstraints"},
		{"cainjector.replicaCount", "cainjector.podDisruptionBudget.enabled", "cainjector.topologySpreadConstraints"},
	},
	"trust-manager": {{"replicaCount", "podDisruptionBudget.enabled", "topologySpreadConstraints"}},
	// Linkerd's chart spreads its controllers itself: enablePodAntiAffinity
	// (set by its HA mode) keeps replicas off one node and prefers other
	// zones.
	"linkerd-control-plane": {{"controllerReplicas", "enablePodDisruptionBudget", "enablePodAntiAffinity"}},
}

// TestReadmeReplicatedServices: every cluster service is a pinned Helm
// release; the ones the README calls replicated run at least two replicas
// with a disruption budget and zone spread in every reference stack that
// has them (the mesh outside dev only), and the ones it says run one
// replica do. A chart of a new service fails until the README says which.
func TestReadmeReplicatedServices(t *testing.T) {
	text := readme(t)
	claim(t, text, "Every cluster service is a pinned Helm release")
	claim(t, text, "The ingress, cert-manager, trust-manager and (outside dev) the mesh's controllers run replicated, with disruption budgets and zone spread")
	claim(t, text, "Velero and external-dns run one replica")
	outsideDevOnly := map[string]bool{"linkerd-control-plane": true}
	single := []string{"velero", "external-dns"}
	// Charts that run no service of their own: the mesh's CRDs, and its
	// CNI plugin, a DaemonSet on every node.
	noService := []string{"linkerd-crds", "linkerd2-cni"}

	seen := map[string]bool{}
	for snap, env := range committed(t) {
		for _, r := range snap.OfType("kubernetes:helm.sh/v3:Release") {
			chart, _ := r.Input("chart")
			name, _ := chart.(string)
			seen[name] = true
			if v, _ := r.Input("version"); v == nil || v == "" {
				t.Errorf("%s: %s is not pinned to a chart version", env.Name, r.Name)
			}
			switch ws, ha := workloads[name]; {
			case ha && (!outsideDevOnly[name] || env.Class != environment.Dev):
				for _, w := range ws {
					if n, _ := r.Input("values." + w.replicas); !atLeast(n, 2) {
						t.Errorf("%s: %s runs %v replicas (%s); the README says it runs replicated", env.Name, r.Name, n, w.replicas)
					}
					if on, _ := r.Input("values." + w.budget); on != true {
						t.Errorf("%s: %s has no disruption budget (%s is %v); the README says it has one", env.Name, r.Name, w.budget, on)
					}
					if !spreadOverZones(r, w.spread) {
						t.Errorf("%s: %s does not spread over zones (%s); the README says it does", env.Name, r.Name, w.spread)
					}
				}
			case ha || slices.Contains(single, name):
				for _, path := range []string{"replicas", "replicaCount", "deployment.replicas", "controllerReplicas"} {
					if n, ok := r.Input("values." + path); ok && atLeast(n, 2) {
						t.Errorf("%s: %s runs %v replicas (%s); the README says it runs one", env.Name, r.Name, n, path)
					}
				}
			case slices.Contains(noService, name):
			default:
				t.Errorf("%s: chart %s (%s) is a cluster service the README does not say runs replicated or runs one replica", env.Name, name, r.Name)
			}
		}
	}
	for name := range workloads {
		if !seen[name] {
			t.Errorf("no reference stack runs %s: the README's claim about it is checked nowhere", name)
		}
	}
}

// atLeast reports whether n, a number from a snapshot, is at least min.
func atLeast(n any, minimum float64) bool {
	f, ok := n.(float64)
	return ok && f >= minimum
}

// spreadOverZones reports whether the value at path of a release is true
// (a chart that spreads by itself) or topology spread constraints over
// topology.kubernetes.io/zone.
func spreadOverZones(r *snapshot.Resource, path string) bool {
	v, _ := r.Input("values." + path)
	if v == true {
		return true
	}
	list, _ := v.([]any)
	for _, c := range list {
		if m, _ := c.(map[string]any); m["topologyKey"] == "topology.kubernetes.io/zone" {
			return true
		}
	}
	return false
}

var resourceGroupID = regexp.MustCompile(`^/subscriptions/[^/]+/resourceGroups/[^/]+$`)

// TestReadmeProductionLocks: production protects and retains its stateful
// cloud resources (Stateful in the backends' registries, as check rule
// PLN009 reads them; the platform's own namespaces hold nothing of their
// own), production on Azure locks its
// resource group against deletion and its backup storage, GCP stacks carry
// no lock, and dev and staging stop at night (a power schedule) while
// production does not.
func TestReadmeProductionLocks(t *testing.T) {
	text := readme(t)
	claim(t, text, "Production protects and retains its stateful resources, and on Azure locks its resource group against deletion (GCP has no such lock;")
	claim(t, text, "dev and staging stop at night")
	claim(t, text, "storage without shared keys, ZRS or GRS, locked in production")
	for snap, env := range committed(t) {
		prod := env.Class == environment.Prod
		var groupLocks, storageLocks int
		for _, r := range snap.Resources {
			pkg, _, _ := strings.Cut(r.Type, ":")
			cloud := pkg == "azure-native" || pkg == "gcp" || pkg == "azuread"
			if typ, ok := typeregistry.All.LookupAnyVersion(r.Type); prod && r.Custom && cloud && ok && typ.Stateful && (!r.Protect || !r.RetainOnDelete) {
				t.Errorf("%s: %s %s is stateful, protect %v, retainOnDelete %v; the README says production protects and retains it", env.Name, r.Type, r.Name, r.Protect, r.RetainOnDelete)
			}
			if !strings.Contains(strings.ToLower(r.Type), "lock") {
				continue
			}
			if !prod || env.Cloud != platform.CloudAzure {
				t.Errorf("%s: %s %s is a lock; the README says only production on Azure locks", env.Name, r.Type, r.Name)
				continue
			}
			level, _ := r.Input("level")
			scope, _ := r.Input("scope")
			s, _ := scope.(string)
			switch {
			case level != "CanNotDelete":
			case resourceGroupID.MatchString(s):
				groupLocks++
			case strings.Contains(s, "/providers/Microsoft.Storage/storageAccounts/"):
				storageLocks++
			}
		}
		if prod && env.Cloud == platform.CloudAzure && (groupLocks == 0 || storageLocks == 0) {
			t.Errorf("%s: %d CanNotDelete locks on a resource group, %d on backup storage; the README says production locks both", env.Name, groupLocks, storageLocks)
		}
		var schedule bool
		for _, r := range snap.Resources {
			schedule = schedule || (r.Custom && strings.Contains(r.URN, "plinth:components:PowerSchedule"))
		}
		if schedule == prod {
			t.Errorf("%s (%s): power schedule %v; the README says dev and staging stop at night, production does not", env.Name, env.Class, schedule)
		}
	}
}

// conformanceSuites maps the README's names of the capabilities with a
// shared conformance suite to the suite in platform/platformtest.
var conformanceSuites = map[string]string{
	"network":                               "NetworkConformance",
	"cluster":                               "ClusterConformance",
	"workload identity":                     "ClusterConformance", // the suite's identity half
	"backup storage":                        "ServicesConformance",
	"power schedule":                        "PowerScheduleConformance",
	"observability":                         "ObservabilityConformance",
	"secrets":                               "SecretsConformance",
	"access":                                "AccessConformance",
	"managed backup where the cloud has it": "ManagedBackupConformance",
}

// suitesRun returns the platformtest conformance suites a backend's tests
// run.
func suitesRun(t *testing.T, backend string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "platform", backend, "*_test.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tests of platform/%s: %v", backend, err)
	}
	run := map[string]bool{}
	call := regexp.MustCompile(`platformtest\.([A-Za-z]+Conformance)\(`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			run[m[1]] = true
		}
	}
	return run
}

// TestReadmeConformanceCoverage: the capabilities the README lists as
// having a shared conformance suite are exactly those whose suite both
// backends run, and managed backup, where the cloud has it: GKE runs its
// suite, and AKS has no managed backup.
func TestReadmeConformanceCoverage(t *testing.T) {
	text := readme(t)
	m := regexp.MustCompile(`The backends pass the same conformance suites for the capabilities that have one \(([^)]*)\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("README.md no longer says which capabilities have a shared conformance suite: update this test")
	}
	listed := regexp.MustCompile(`, and |, `).Split(m[1], -1)
	aks, gke := suitesRun(t, "aks"), suitesRun(t, "gke")
	covered := map[string]bool{}
	for _, name := range listed {
		suite, ok := conformanceSuites[name]
		if !ok {
			t.Errorf("the README lists %q, which this test cannot map to a suite in platform/platformtest", name)
			continue
		}
		covered[suite] = true
		if strings.HasSuffix(name, "where the cloud has it") {
			if !gke[suite] || aks[suite] {
				t.Errorf("%s: GKE runs %s %v, AKS %v; the README says the cloud that has it does", name, suite, gke[suite], aks[suite])
			}
			continue
		}
		if !aks[suite] || !gke[suite] {
			t.Errorf("%s: AKS runs %s %v, GKE %v; the README says both backends pass it", name, suite, aks[suite], gke[suite])
		}
	}
	for suite := range aks {
		if gke[suite] && !covered[suite] {
			t.Errorf("both backends run %s, which the README's list of conformance suites does not name", suite)
		}
	}
}

// TestReadmeNumbers: the reference project's six stacks, the Pulumi CLI
// the deploy commands need (pulumicli.Version), the range of the check
// rules, and the layout's directories.
func TestReadmeNumbers(t *testing.T) {
	text := readme(t)
	claim(t, text, "render the reference project's six stacks offline")
	if n := len(stacks.Names()); n != 6 {
		t.Errorf("the reference project has %d stacks; the README says six", n)
	}
	claim(t, text, "Both need the Pulumi CLI "+pulumicli.Version+" or later")
	rules := check.Rules()
	claim(t, text, "production-readiness rules "+rules[0].ID+"-"+rules[len(rules)-1].ID+" over every stack")

	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	layout := regexp.MustCompile("(?s)## Layout\n\n```\n(.*?)```").FindSubmatch(b)
	if layout == nil {
		t.Fatal("README.md has no Layout block")
	}
	for line := range strings.Lines(string(layout[1])) {
		dir := strings.Fields(line)[0]
		if dir == "platform/aks," { // "platform/aks, gke"
			dir = "platform/aks"
		}
		if _, err := os.Stat(filepath.Join("..", dir)); err != nil {
			t.Errorf("the README's layout names %s: %v", dir, err)
		}
	}
}

// TestReadmeLinks: every relative link of the README names a file or
// directory of the repository.
func TestReadmeLinks(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`).FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(m[1], "://") {
			continue
		}
		if _, err := os.Stat(filepath.Join("..", m[1])); err != nil {
			t.Errorf("README.md links to %s: %v", m[1], err)
		}
	}
}

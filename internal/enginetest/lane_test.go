//go:build integration && unix

package enginetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/enginetest"
	"github.com/plinth-dev/plinth/internal/kubelane"
	"github.com/plinth-dev/plinth/internal/snapshot"
)

// The Kubernetes lane: each stack's Kubernetes objects go through the real
// Pulumi Kubernetes provider into a real API server on loopback
// (internal/kubelane), started for the stack and stopped after it. Only
// the resources below stay on the test double, each for its reason.
//
// `make integration` requires the lane (PLINTH_REQUIRE_KUBE_LANE=1): it
// fails without the programs `make kube-tools` builds. A plain
// `go test -tags integration` without them runs the stacks on the doubles
// alone and says so.

// requireLaneEnv makes a missing lane an error rather than a skip.
const requireLaneEnv = "PLINTH_REQUIRE_KUBE_LANE"

// alwaysDoubled are the kubernetes types the lane leaves on the test
// double whatever the API server serves, and why. (Live reads, of the
// ingress controller's Service, go to the double too: see
// enginetest.RealKubernetes.)
var alwaysDoubled = map[string]string{
	"kubernetes:helm.sh/v3:Release":      "a Helm chart cannot be fetched here",
	"kubernetes:apps/v1:DeploymentPatch": "patches a Deployment that a chart creates",
}

// unservedGroups are the API groups of custom resources Plinth creates
// whose CRDs no pinned Go module ships (tools/kubecrds), so their objects
// stay on the double. Any other group the API server does not serve fails
// the test: the lane never shrinks without a change here.
var unservedGroups = map[string]string{
	"azmonitoring.coreos.com":   "Azure Managed Prometheus's CRDs ship with AKS, in no Go module",
	"monitoring.googleapis.com": "Google Managed Prometheus's CRDs ship with GKE, in no Go module",
	"networking.gke.io":         "GKE's own CRDs, in no Go module",
	"policy.linkerd.io":         "Linkerd's CRDs come with its chart",
	"trust.cert-manager.io":     "trust-manager's CRD comes with its chart",
}

// lane is one stack's control plane and what it routes where.
type lane struct {
	cluster *kubelane.Cluster
	// doubled maps each kubernetes type of the stack that stays on the
	// double to the reason.
	doubled map[string]string
	// resources caches discovery: group/version/Kind to the resource.
	resources map[string]apiResource
}

// apiResource is a resource as discovery names it.
type apiResource struct {
	name       string
	namespaced bool
}

// startProviders starts the test providers for packages, with the
// Kubernetes lane when its programs are built: its control plane is
// stopped when the test ends. The lane is nil when it is not built and
// not required.
func startProviders(t *testing.T, snap *snapshot.Snapshot, packages ...string) (*enginetest.Providers, *lane) {
	t.Helper()
	bins, err := kubelane.FindBinaries(repoRoot(t))
	if err != nil {
		if os.Getenv(requireLaneEnv) != "" {
			t.Fatalf("the Kubernetes lane is required (%s): %v", requireLaneEnv, err)
		}
		t.Logf("Kubernetes objects on the test double only: %v", err)
		providers, err := enginetest.Start(packages...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(providers.Stop)
		return providers, nil
	}
	start := time.Now()
	cluster, err := kubelane.Start(context.Background(), bins, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			t.Errorf("stop the control plane: %v", err)
		}
	})
	t.Logf("control plane ready in %v at %s", time.Since(start).Round(100*time.Millisecond), cluster.Server)
	if err := cluster.InstallCRDs(context.Background(), bins.CRDs); err != nil {
		t.Fatal(err)
	}
	l := &lane{cluster: cluster, doubled: doubledTypes(t, cluster, snap), resources: map[string]apiResource{}}
	providers, err := enginetest.StartWithRealKubernetes(enginetest.RealKubernetes{
		Provider:   bins.KubernetesProvider,
		Kubeconfig: cluster.Kubeconfig,
		Doubles:    l.doubled,
		Log:        logWriter(t),
	}, packages...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(providers.Stop)
	return providers, l
}

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// doubledTypes returns the stack's kubernetes types that stay on the
// double, each with its reason: alwaysDoubled, and the types of
// unservedGroups. It fails the test for a type of another group the API
// server does not serve (a CRD missing from bin/kube/crds).
func doubledTypes(t *testing.T, c *kubelane.Cluster, snap *snapshot.Snapshot) map[string]string {
	t.Helper()
	var groups struct {
		Groups []struct{ Name string } `json:"groups"`
	}
	getJSON(t, c, "/apis", &groups)
	served := map[string]bool{"core": true}
	for _, g := range groups.Groups {
		served[g.Name] = true
	}
	doubled := map[string]string{}
	for _, r := range snap.Resources {
		group, _, _, ok := kubeType(r.Type)
		switch {
		case !ok:
		case alwaysDoubled[r.Type] != "":
			doubled[r.Type] = alwaysDoubled[r.Type]
		case served[group]:
		case unservedGroups[group] != "":
			doubled[r.Type] = unservedGroups[group]
		default:
			t.Fatalf("%s: the API server serves no %s; install its CRDs (tools/kubecrds) or name the group in unservedGroups with the reason", r.Type, group)
		}
	}
	return doubled
}

// kubeType splits a kubernetes type token, kubernetes:<group>/<version>:<Kind>.
func kubeType(typ string) (group, version, kind string, ok bool) {
	rest, found := strings.CutPrefix(typ, "kubernetes:")
	if !found || strings.HasPrefix(rest, "index/") {
		return "", "", "", false
	}
	gv, kind, found := strings.Cut(rest, ":")
	if !found {
		return "", "", "", false
	}
	i := strings.LastIndex(gv, "/")
	if i < 0 {
		return "", "", "", false
	}
	return gv[:i], gv[i+1:], kind, true
}

// objectPath is the API path of the object a kubernetes resource of typ
// and ID (namespace/name, or name) is, its resource named by the API
// server's discovery.
func (l *lane) objectPath(t *testing.T, typ, id string) string {
	t.Helper()
	group, version, kind, ok := kubeType(typ)
	if !ok {
		t.Fatalf("%s is not a Kubernetes object type", typ)
	}
	base := "/apis/" + group + "/" + version
	if group == "core" {
		base = "/api/" + version
	}
	key := group + "/" + version + "/" + kind
	if _, known := l.resources[key]; !known {
		var list struct {
			Resources []struct {
				Name, Kind string
				Namespaced bool
			} `json:"resources"`
		}
		getJSON(t, l.cluster, base, &list)
		for _, r := range list.Resources {
			if !strings.Contains(r.Name, "/") { // not a subresource
				l.resources[group+"/"+version+"/"+r.Kind] = apiResource{r.Name, r.Namespaced}
			}
		}
	}
	res, known := l.resources[key]
	if !known {
		t.Fatalf("the API server serves no %s in %s", kind, base)
	}
	ns, name, namespaced := strings.Cut(id, "/")
	if namespaced != res.namespaced {
		t.Fatalf("%s ID %q: %s is namespaced = %v", typ, id, res.name, res.namespaced)
	}
	if namespaced {
		return base + "/namespaces/" + ns + "/" + res.name + "/" + name
	}
	return base + "/" + res.name + "/" + id
}

func getJSON(t *testing.T, c *kubelane.Cluster, path string, v any) {
	t.Helper()
	code, body, err := c.Do(http.MethodGet, path, nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET %s: %d %v\n%s", path, code, err, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// realObjects returns the created resources the real provider created,
// URN to ID.
func realObjects(calls []enginetest.Call) map[string]string {
	out := map[string]string{}
	for _, c := range calls {
		if c.Real && c.Op == enginetest.OpCreate {
			out[c.URN] = c.ID
		}
	}
	return out
}

// assertDeployedForReal checks that every Kubernetes object of the state
// whose type is not doubled was created by the real provider and is in
// the API server, and returns how many there are.
func (l *lane) assertDeployedForReal(t *testing.T, calls []enginetest.Call, state deployment) int {
	t.Helper()
	real := realObjects(calls)
	n := 0
	for _, r := range state.Resources {
		typ := string(r.Type)
		if _, _, _, ok := kubeType(typ); !ok || !r.Custom || r.External {
			continue
		}
		if _, doubled := l.doubled[typ]; doubled {
			continue
		}
		n++
		id, ok := real[string(r.URN)]
		if !ok {
			t.Errorf("%s: not created by the real Kubernetes provider", r.URN)
			continue
		}
		path := l.objectPath(t, typ, id)
		if code, body, err := l.cluster.Do(http.MethodGet, path, nil); err != nil || code != http.StatusOK {
			t.Errorf("%s: GET %s: %d %v\n%s", r.URN, path, code, err, body)
		}
	}
	if n == 0 {
		t.Error("no Kubernetes object went to the real provider")
	}
	return n
}

// assertGone checks that none of the objects of created is left in the
// API server.
func (l *lane) assertGone(t *testing.T, created map[string]string) {
	t.Helper()
	for urn, id := range created {
		path := l.objectPath(t, typeOf(urn), id)
		if code, body, err := l.cluster.Do(http.MethodGet, path, nil); err != nil || code != http.StatusNotFound {
			t.Errorf("after destroy, GET %s: %d %v, want 404\n%s", path, code, err, body)
		}
	}
}

// assertPresent checks that each object of objects is in the API server.
func (l *lane) assertPresent(t *testing.T, objects map[string]string) {
	t.Helper()
	for urn, id := range objects {
		path := l.objectPath(t, typeOf(urn), id)
		if code, body, err := l.cluster.Do(http.MethodGet, path, nil); err != nil || code != http.StatusOK {
			t.Errorf("%s: GET %s: %d %v, want it retained\n%s", urn, path, code, err, body)
		}
	}
}

// typeOf returns the type of the resource a URN names.
func typeOf(urn string) string {
	typ := urn[strings.LastIndex(urn[:strings.LastIndex(urn, "::")], "::")+2 : strings.LastIndex(urn, "::")]
	if i := strings.LastIndex(typ, "$"); i >= 0 {
		typ = typ[i+1:]
	}
	return typ
}

// assertNamespaceLabel checks that the API server holds the namespace
// with the label's value.
func (l *lane) assertNamespaceLabel(t *testing.T, namespace, label, want string) {
	t.Helper()
	var ns struct {
		Metadata struct{ Labels map[string]string } `json:"metadata"`
	}
	getJSON(t, l.cluster, "/api/v1/namespaces/"+namespace, &ns)
	if got := ns.Metadata.Labels[label]; got != want {
		t.Errorf("namespace %s: label %s = %q in the API server, want %q", namespace, label, got, want)
	}
}

// allowed asks the API server's authorizer, through a
// SubjectAccessReview, whether a member of groups may do verb on resource
// (group/resource, e.g. apps/deployments; core resources without a group)
// in namespace ("" for cluster-wide).
func (l *lane) allowed(t *testing.T, groups []string, namespace, verb, resource string) bool {
	t.Helper()
	group, res, found := strings.Cut(resource, "/")
	if !found {
		group, res = "", resource
	}
	review, _ := json.Marshal(map[string]any{
		"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
		"spec": map[string]any{
			// Every signed-in user is in system:authenticated; a review
			// names it, as impersonation adds it.
			"user": "someone@example.com", "groups": append([]string{"system:authenticated"}, groups...),
			"resourceAttributes": map[string]string{"namespace": namespace, "verb": verb, "group": group, "resource": res},
		},
	})
	code, body, err := l.cluster.Do(http.MethodPost, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("SubjectAccessReview: %d %v\n%s", code, err, body)
	}
	var out struct {
		Status struct{ Allowed bool } `json:"status"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Status.Allowed
}

// teamAccess is what the API server holds of one team's access: per
// namespace, per ClusterRole bound (view, edit, admin), the group bound.
type teamAccess map[string]map[string]string

// accessInCluster reads Plinth's RoleBindings from the API server: team ->
// namespace -> ClusterRole -> group.
func (l *lane) accessInCluster(t *testing.T) map[string]teamAccess {
	t.Helper()
	var list struct {
		Items []struct {
			Metadata struct {
				Name, Namespace string
				Labels          map[string]string
			} `json:"metadata"`
			RoleRef  struct{ Kind, Name string }   `json:"roleRef"`
			Subjects []struct{ Kind, Name string } `json:"subjects"`
		} `json:"items"`
	}
	getJSON(t, l.cluster, "/apis/rbac.authorization.k8s.io/v1/rolebindings?labelSelector="+url.QueryEscape("managed-by=plinth"), &list)
	out := map[string]teamAccess{}
	for _, b := range list.Items {
		team := b.Metadata.Labels["team"]
		if b.RoleRef.Kind != "ClusterRole" || len(b.Subjects) != 1 || b.Subjects[0].Kind != "Group" {
			t.Errorf("RoleBinding %s/%s: roleRef %v, subjects %v; want one group bound to a ClusterRole",
				b.Metadata.Namespace, b.Metadata.Name, b.RoleRef, b.Subjects)
			continue
		}
		if out[team] == nil {
			out[team] = teamAccess{}
		}
		if out[team][b.Metadata.Namespace] == nil {
			out[team][b.Metadata.Namespace] = map[string]string{}
		}
		out[team][b.Metadata.Namespace][b.RoleRef.Name] = b.Subjects[0].Name
	}
	return out
}

// rights is what each ClusterRole Plinth binds must and must not allow in
// the team's own namespace: a reader reads but not secrets; a developer
// deploys and reads secrets but grants nothing; an admin also grants
// access in the namespace; nobody raises the namespace's quota.
var rights = []struct {
	verb, resource    string
	view, edit, admin bool
}{
	{"get", "pods", true, true, true},
	{"list", "configmaps", true, true, true},
	{"get", "secrets", false, true, true},
	{"create", "apps/deployments", false, true, true},
	{"delete", "networking.k8s.io/networkpolicies", false, true, true},
	{"create", "rbac.authorization.k8s.io/rolebindings", false, false, true},
	{"update", "resourcequotas", false, false, false},
	{"create", "limitranges", false, false, false},
}

// clusterWide are requests no team level may make: outside namespaces.
var clusterWide = []struct{ verb, resource string }{
	{"list", "namespaces"},
	{"create", "namespaces"},
	{"list", "nodes"},
	{"list", "secrets"},
	{"create", "rbac.authorization.k8s.io/clusterrolebindings"},
	{"create", "admissionregistration.k8s.io/validatingadmissionpolicies"},
}

// levelRoles is the ClusterRole each default access level binds.
var levelRoles = map[string]string{"reader": "view", "developer": "edit", "admin": "admin"}

// assertAccessModel proves the access model against the API server's own
// authorizer and admission (docs/testing.md, "The access model"): each
// team namespace binds each level's directory group, as the state names
// it, to the level's ClusterRole; each group has exactly the rights of
// its level in the team's namespaces and none in any other namespace or
// cluster-wide; the tenancy policies hold the team; break-glass has no
// standing right. levelGroups are the teams' level groups from the state
// (levelGroups). It returns the number of reviews asked.
func (l *lane) assertAccessModel(t *testing.T, env environment.Environment, levelGroups map[string]map[string]string, breakGlass string) int {
	t.Helper()
	access := l.accessInCluster(t)
	var namespaces struct {
		Items []struct {
			Metadata struct{ Name string } `json:"metadata"`
		} `json:"items"`
	}
	getJSON(t, l.cluster, "/api/v1/namespaces", &namespaces)
	asked := 0
	for _, team := range env.Teams {
		got := access[team.Team]
		if len(got) == 0 {
			t.Errorf("team %s: no RoleBindings in the API server", team.Team)
			continue
		}
		for ns, roles := range got {
			for level, role := range levelRoles {
				want := levelGroups[team.Team][level]
				if want == "" || (roles[role] != want && (!strings.HasSuffix(want, "@") || !strings.HasPrefix(roles[role], want))) {
					t.Errorf("team %s, namespace %s: %s is bound to group %q, want the team's %s group %q", team.Team, ns, role, roles[role], level, want)
				}
			}
			if len(roles) != len(levelRoles) {
				t.Errorf("team %s, namespace %s: ClusterRoles bound %v, want admin, edit and view", team.Team, ns, sortedKeys(roles))
			}
			for role, group := range roles {
				for _, r := range rights {
					want := map[string]bool{"view": r.view, "edit": r.edit, "admin": r.admin}[role]
					asked++
					if got := l.allowed(t, []string{group}, ns, r.verb, r.resource); got != want {
						t.Errorf("team %s, %s group in its namespace %s: %s %s allowed = %v, want %v", team.Team, role, ns, r.verb, r.resource, got, want)
					}
				}
				// Nothing in any other namespace: another team's, the
				// platform's, kube-system, default.
				for _, other := range namespaces.Items {
					if _, own := got[other.Metadata.Name]; own {
						continue
					}
					for _, r := range rights {
						asked++
						if l.allowed(t, []string{group}, other.Metadata.Name, r.verb, r.resource) {
							t.Errorf("team %s's %s group may %s %s in namespace %s", team.Team, role, r.verb, r.resource, other.Metadata.Name)
						}
					}
				}
				for _, r := range clusterWide {
					asked++
					if l.allowed(t, []string{group}, "", r.verb, r.resource) {
						t.Errorf("team %s's %s group may %s %s cluster-wide", team.Team, role, r.verb, r.resource)
					}
				}
			}
		}
		l.assertTenancyEnforced(t, team.Team, got, breakGlass)
	}
	if breakGlass != "" {
		// Break-glass has no standing right in the cluster: its
		// cluster-admin comes from the cloud's authorizer (an AKS RBAC
		// role assignment, a GKE IAM role) for the length of an approved
		// grant, which no Kubernetes RoleBinding stands in for.
		for _, r := range clusterWide {
			asked++
			if l.allowed(t, []string{breakGlass}, "", r.verb, r.resource) {
				t.Errorf("the break-glass group may %s %s without a grant", r.verb, r.resource)
			}
		}
	}
	return asked
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// assertTenancyEnforced makes requests as a member of the team's admin
// group, dry-run so that nothing changes, and checks that the API server's
// admission refuses what the tenancy policies forbid and admits the rest;
// and that break-glass, during a grant, is not held by them.
func (l *lane) assertTenancyEnforced(t *testing.T, team string, access teamAccess, breakGlass string) {
	t.Helper()
	ns := sortedKeys(access)[0]
	admin := []string{access[ns]["admin"]}
	as := func(groups []string, method, path, body string) (int, string) {
		t.Helper()
		code, out, err := l.cluster.DoAs("someone@example.com", groups, method, path+"?dryRun=All", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	binding := func(name, kind, subject string) string {
		return fmt.Sprintf(`{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":%q},
		  "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
		  "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":%q,"name":%q}]}`, name, kind, subject)
	}
	bindings := "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings"

	// The team's own developer group may be bound to a role of the
	// namespace's.
	if code, out := as(admin, http.MethodPost, bindings, binding("readers", "Group", access[ns]["edit"])); code != http.StatusCreated {
		t.Errorf("team %s's admin binding the team's developer group in %s: %d, want 201\n%s", team, ns, code, out)
	}
	// Nobody outside the team may be.
	for _, s := range []struct{ kind, name string }{{"User", "mallory@example.com"}, {"Group", "outsiders"}} {
		code, out := as(admin, http.MethodPost, bindings, binding("outsider", s.kind, s.name))
		if code != http.StatusForbidden || !strings.Contains(out, "plinth-tenancy-bindings") {
			t.Errorf("team %s's admin binding %s %s in %s: %d, want 403 from plinth-tenancy-bindings\n%s", team, s.kind, s.name, ns, code, out)
		}
	}
	// Plinth's default-deny policy and quota cannot be deleted or changed
	// by the team, though its admin role allows network policies.
	denyPath := "/apis/networking.k8s.io/v1/namespaces/" + ns + "/networkpolicies/plinth-default-deny"
	if code, out := as(admin, http.MethodDelete, denyPath, ""); code != http.StatusForbidden || !strings.Contains(out, "plinth-tenancy-protect") {
		t.Errorf("team %s's admin deleting %s: %d, want 403 from plinth-tenancy-protect\n%s", team, denyPath, code, out)
	}
	own := `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"allow-web"},"spec":{"podSelector":{}}}`
	if code, out := as(admin, http.MethodPost, "/apis/networking.k8s.io/v1/namespaces/"+ns+"/networkpolicies", own); code != http.StatusCreated {
		t.Errorf("team %s's admin adding a network policy of its own in %s: %d, want 201\n%s", team, ns, code, out)
	}
	if breakGlass != "" {
		// During a grant the cloud's authorizer admits break-glass as a
		// cluster admin (stood in for by system:masters). The tenancy
		// policies match only requests by the team's groups, so an
		// incident responder, in the break-glass group and none of the
		// team's, may remove the default-deny policy.
		if code, out := as([]string{breakGlass, "system:masters"}, http.MethodDelete, denyPath, ""); code != http.StatusOK {
			t.Errorf("break-glass deleting %s: %d, want 200\n%s", denyPath, code, out)
		}
	}
}

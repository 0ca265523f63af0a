//go:build integration && unix

package enginetest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/stacks"
)

// TestKubernetesRefusesInTheLane makes changes to a deployed stack's
// Kubernetes objects that Kubernetes itself judges, and checks that the
// lane's API server judges them as a production cluster would: a label
// value Kubernetes refuses fails the up; a changed roleRef, which a
// RoleBinding cannot change, is not sent as an update; and a quota lowered
// below what the namespace already uses is admitted, as Kubernetes admits
// it, after which the team's next object is refused.
func TestKubernetesRefusesInTheLane(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi engine; skipped with -short")
	}
	cmd := pulumiCommand(t)
	proj := stacks.Project()
	env, err := proj.Lookup("dev-gke")
	if err != nil {
		t.Fatal(err)
	}
	providers, lane := startProviders(t, renderIn(t, proj, env), "gcp", "kubernetes")
	if lane == nil {
		t.Skip("needs the Kubernetes lane: make kube-tools")
	}
	ctx := context.Background()
	stack, err := auto.UpsertStackInlineSource(ctx, env.Name, proj.Name, proj.OfflineProgram(env),
		workspaceOptions(t, cmd, proj.Name, t.TempDir(), providers)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stack.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	team := env.Teams[0].Team // its namespace has the team's name

	upWith := func(what string, transform pulumi.ResourceTransform) error {
		t.Helper()
		program := proj.OfflineProgram(env)
		stack.Workspace().SetProgram(func(ctx *pulumi.Context) error {
			if err := ctx.RegisterResourceTransform(transform); err != nil {
				return err
			}
			return program(ctx)
		})
		_, err := stack.Up(ctx, optup.ProgressStreams(logWriter(t)))
		t.Logf("%s: %v", what, err)
		return err
	}
	// only applies change to the one object of typ named name in the
	// team's namespace (name alone for a namespace).
	only := func(typ, name string, change func(props pulumi.Map)) pulumi.ResourceTransform {
		return func(_ context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
			meta, _ := args.Props["metadata"].(pulumi.Map)
			if args.Type != typ || meta == nil || meta["name"] != pulumi.String(name) {
				return nil
			}
			if ns, namespaced := meta["namespace"]; namespaced && ns != pulumi.String(team) {
				return nil
			}
			change(args.Props)
			return &pulumi.ResourceTransformResult{Props: args.Props, Opts: args.Opts}
		}
	}

	// A label value Kubernetes does not accept: the API server refuses it
	// and the up fails, naming the value.
	err = upWith("a bad label", only("kubernetes:core/v1:Namespace", team, func(p pulumi.Map) {
		p["metadata"].(pulumi.Map)["labels"].(pulumi.Map)["owner"] = pulumi.String("Team Checkout!")
	}))
	if err == nil || !strings.Contains(err.Error(), "Team Checkout!") || !strings.Contains(err.Error(), "Invalid value") {
		t.Errorf("an up with an invalid label value: err = %v, want the API server's refusal naming it", err)
	}

	// A RoleBinding's roleRef cannot change. The provider knows and asks
	// for a replacement; the API server never sees an update of it, and
	// the binding ends up bound to the new role.
	err = upWith("a changed roleRef", only("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "plinth-reader", func(p pulumi.Map) {
		p["roleRef"].(pulumi.Map)["name"] = pulumi.String("edit")
	}))
	if err != nil {
		t.Errorf("an up with a changed roleRef: %v", err)
	}
	var binding struct {
		RoleRef struct{ Name string } `json:"roleRef"`
	}
	getJSON(t, lane.cluster, "/apis/rbac.authorization.k8s.io/v1/namespaces/"+team+"/rolebindings/plinth-reader", &binding)
	if binding.RoleRef.Name != "edit" {
		t.Errorf("plinth-reader's roleRef after the change = %s, want edit", binding.RoleRef.Name)
	}

	// A quota below what the namespace uses: Kubernetes admits the quota
	// and refuses the next claim, naming the quota.
	claim := func(name string) (int, string) {
		body := `{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"` + name + `"},
		  "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}`
		code, out, err := lane.cluster.Do(http.MethodPost, "/api/v1/namespaces/"+team+"/persistentvolumeclaims", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	for _, name := range []string{"data-0", "data-1"} {
		if code, out := claim(name); code != http.StatusCreated {
			t.Fatalf("claim %s: %d\n%s", name, code, out)
		}
	}
	err = upWith("a quota below usage", only("kubernetes:core/v1:ResourceQuota", "plinth-quota", func(p pulumi.Map) {
		p["spec"].(pulumi.Map)["hard"].(pulumi.Map)["persistentvolumeclaims"] = pulumi.String("1")
	}))
	if err != nil {
		t.Errorf("an up with a quota below usage: %v (Kubernetes admits it)", err)
	}
	// Quota admission reads the quota's status, which the controller
	// manager's quota controller copies from the spec: wait for it.
	var quota struct {
		Spec   struct{ Hard map[string]string } `json:"spec"`
		Status struct{ Hard map[string]string } `json:"status"`
	}
	deadline := time.Now().Add(time.Minute)
	for {
		getJSON(t, lane.cluster, "/api/v1/namespaces/"+team+"/resourcequotas/plinth-quota", &quota)
		if quota.Status.Hard["persistentvolumeclaims"] == "1" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if quota.Spec.Hard["persistentvolumeclaims"] != "1" || quota.Status.Hard["persistentvolumeclaims"] != "1" {
		t.Fatalf("the quota in the API server: spec %v, status %v, want persistentvolumeclaims 1", quota.Spec.Hard, quota.Status.Hard)
	}
	code, out := claim("data-2")
	if code != http.StatusForbidden || !strings.Contains(out, "exceeded quota: plinth-quota") {
		t.Errorf("a claim over the lowered quota: %d, want 403 exceeded quota\n%s", code, out)
	}
	var status struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal([]byte(out), &status)
	t.Logf("the next claim: %s", status.Message)
}

//go:build integration && unix

package kubelane_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/kubelane"
)

// repoRoot is the repository's root, where bin/kube lies.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// The control plane starts on loopback with TLS and RBAC, admits its
// admin, serves RBAC with the aggregated roles filled by the controller
// manager, answers SubjectAccessReviews as RBAC decides, and stops.
func TestAControlPlaneOnLoopback(t *testing.T) {
	bins, err := kubelane.FindBinaries(repoRoot(t))
	if err != nil {
		if os.Getenv("PLINTH_REQUIRE_KUBE_LANE") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	start := time.Now()
	c, err := kubelane.Start(context.Background(), bins, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ready in %s at %s", time.Since(start).Round(100*time.Millisecond), c.Server)
	stopped := false
	defer func() {
		if !stopped {
			_ = c.Stop()
		}
	}()
	if !strings.HasPrefix(c.Server, "https://127.0.0.1:") {
		t.Errorf("the API server listens at %s, not on loopback with TLS", c.Server)
	}

	do := func(method, path, body string, want int) []byte {
		t.Helper()
		code, data, err := c.Do(method, path, []byte(body))
		if err != nil || code != want {
			t.Fatalf("%s %s: %d %v, want %d\n%s", method, path, code, err, want, data)
		}
		return data
	}
	do("POST", "/api/v1/namespaces", `{"metadata":{"name":"checkout"}}`, 201)
	do("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/checkout/rolebindings",
		`{"metadata":{"name":"checkout-developers"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},
		  "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"checkout-developers"}]}`, 201)

	// edit is filled by the controller manager's aggregation controller:
	// until then a group bound to it is denied everything.
	allowed := func(namespace, verb, group, resource string) bool {
		review := fmt.Sprintf(`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview",
		  "spec":{"user":"dev@example.com","groups":["checkout-developers"],
		  "resourceAttributes":{"namespace":%q,"verb":%q,"group":%q,"resource":%q}}}`, namespace, verb, group, resource)
		var out struct {
			Status struct{ Allowed bool } `json:"status"`
		}
		if err := json.Unmarshal(do("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", review, 201), &out); err != nil {
			t.Fatal(err)
		}
		return out.Status.Allowed
	}
	deadline := time.Now().Add(time.Minute)
	for !allowed("checkout", "create", "apps", "deployments") && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	if time.Now().After(deadline) {
		log, _ := os.ReadFile(filepath.Join(c.Dir, "kube-controller-manager.log"))
		var lines []string
		for _, l := range strings.Split(string(log), "\n") {
			if strings.Contains(l, "aggregat") || strings.Contains(l, "Starting controller") || strings.Contains(l, "clusterrole") || strings.Contains(l, "Forbidden") || strings.Contains(l, "forbidden") {
				lines = append(lines, l)
			}
		}
		_, edit, _ := c.Do("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit", nil)
		t.Logf("edit was not aggregated within a minute: %.600s\nthe controller manager's log says:\n%s", edit, tail([]byte(strings.Join(lines, "\n")), 3000))
	}
	for _, c := range []struct {
		namespace, verb, group, resource string
		want                             bool
	}{
		{"checkout", "create", "apps", "deployments", true},
		{"checkout", "get", "", "secrets", true},
		{"checkout", "delete", "rbac.authorization.k8s.io", "rolebindings", false}, // edit grants no RBAC
		{"payments", "create", "apps", "deployments", false},                       // another team's namespace
		{"", "create", "", "namespaces", false},                                    // cluster-wide
	} {
		if got := allowed(c.namespace, c.verb, c.group, c.resource); got != c.want {
			t.Errorf("checkout-developers %s %s/%s in %q: allowed %v, want %v", c.verb, c.group, c.resource, c.namespace, got, c.want)
		}
	}

	port := strings.TrimPrefix(c.Server, "https://127.0.0.1:")
	if err := c.Stop(); err != nil {
		t.Error(err)
	}
	stopped = true
	if l, err := net.Listen("tcp", "127.0.0.1:"+port); err != nil {
		t.Errorf("the API server's port is still taken after Stop: %v", err)
	} else {
		_ = l.Close()
	}
}

// tail is the end of data, at most n bytes.
func tail(data []byte, n int) string {
	if len(data) > n {
		data = data[len(data)-n:]
	}
	return string(data)
}

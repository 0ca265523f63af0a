package snapshot

import (
	"strings"
	"testing"
)

// platform is a stack of a platform component holding a network and a
// cluster component; the cluster's resource depends on the network's
// subnet, and a custom resource of the cluster depends on its own
// component's resource (which is no edge); the ingress depends on the
// cluster only through the Kubernetes provider the cluster created.
func platform() *Snapshot {
	return &Snapshot{Stack: "dev", Resources: []Resource{
		{URN: "p", Type: "plinth:environment:Platform", Name: "dev"},
		{URN: "n", Type: "plinth:components:Network", Name: "dev", Parent: "p"},
		{URN: "s", Type: "azure-native:network:Subnet", Name: "dev-nodes", Custom: true, Parent: "n"},
		{URN: "c", Type: "plinth:components:Cluster", Name: "dev", Parent: "p", DependsOn: []string{"n"}},
		{URN: "k", Type: "azure-native:containerservice:ManagedCluster", Name: "dev-aks", Custom: true, Parent: "c", DependsOn: []string{"s", "c"}},
		{URN: "pool", Type: "azure-native:containerservice:AgentPool", Name: "dev-apps", Custom: true, Parent: "c", DependsOn: []string{"k", "s"}},
		{URN: "kp", Type: "pulumi:providers:kubernetes", Name: "dev-kubernetes", Custom: true, Parent: "c"},
		{URN: "i", Type: "plinth:components:Ingress", Name: "dev", Parent: "p"},
		{URN: "rel", Type: "kubernetes:helm.sh/v3:Release", Name: "dev-ingress", Custom: true, Parent: "i", Provider: "kp::1234"},
	}}
}

func TestGraphHasContainmentAndDependencies(t *testing.T) {
	var b strings.Builder
	if err := platform().Graph().WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	want := `%% dev: components and their dependencies
graph TD
  c0["Platform dev"]
  c1["Network dev"]
  c2["Cluster dev"]
  c3["Ingress dev"]
  c0 --> c1
  c0 --> c2
  c0 --> c3
  c2 -. depends on .-> c1
  c3 -. depends on .-> c2
`
	if b.String() != want {
		t.Errorf("mermaid:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGraphDot(t *testing.T) {
	var b strings.Builder
	if err := platform().Graph().WriteDot(&b); err != nil {
		t.Fatal(err)
	}
	want := `digraph "dev" {
  rankdir=TB;
  node [shape=box];
  c0 [label="Platform dev"];
  c1 [label="Network dev"];
  c2 [label="Cluster dev"];
  c3 [label="Ingress dev"];
  c0 -> c1;
  c0 -> c2;
  c0 -> c3;
  c2 -> c1 [style=dashed, label="depends on"];
  c3 -> c2 [style=dashed, label="depends on"];
}
`
	if b.String() != want {
		t.Errorf("dot:\n%s\nwant\n%s", b.String(), want)
	}
}

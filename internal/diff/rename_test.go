package diff

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// rename gives r a new name (and URN) under the same parent.
func rename(r *snapshot.Resource, name string) {
	r.Name = name
	r.URN = r.URN[:strings.LastIndex(r.URN, "::")+2] + name
}

// A node pool whose Pulumi name changes while its cloud name does not is one
// RENAME entry that names the alias to add, not a deletion and an addition.
func TestRenameIsOneEntryWithTheAlias(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	rename(find(t, to, "dev-aks-pool-apps"), "dev-aks-apps")

	d := Compare(from, to)
	if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Moved) != 0 || len(d.Renamed) != 1 {
		t.Fatalf("want one renamed resource and nothing else, got %+v", d)
	}
	if d.Summary != (Counts{Rename: 1}) {
		t.Errorf("summary %+v", d.Summary)
	}
	var b bytes.Buffer
	if err := Summarize([]StackDiff{d}).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `dev-aks: 0 to add, 0 to change, 0 to replace, 0 to delete, 1 renamed without an alias
  ! danger RENAME: AgentPool dev-aks-pool-apps is renamed to dev-aks-apps, which names the same cloud resource (agentPoolName "apps"): without an alias Pulumi creates dev-aks-apps, which fails on the taken name or takes over the existing resource, and then deletes dev-aks-pool-apps with the resource; add pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("dev-aks-pool-apps")}}) to dev-aks-apps's resource options
  ! danger STATEFUL: AgentPool dev-aks-pool-apps is stateful and is deleted: what it holds does not carry over
  » azure-native:containerservice/v20241001:AgentPool dev-aks-apps (renamed from dev-aks-pool-apps, urn:pulumi:dev-aks::plinth::plinth:components:Cluster$azure-native:containerservice/v20241001:AgentPool::dev-aks-pool-apps)
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
	if !Summarize([]StackDiff{d}).HasFlags() {
		t.Error("a rename without an alias is not a danger flag")
	}
}

// With the alias the flag asks for, the same change is a move of nothing.
func TestRenameWithTheAliasIsNoRename(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	r := find(t, to, "dev-aks-pool-apps")
	old := r.URN
	rename(r, "dev-aks-apps")
	r.Aliases = []string{old}
	d := Compare(from, to)
	if len(d.Renamed) != 0 || len(d.Moved) != 1 || d.Summary != (Counts{Move: 1}) {
		t.Fatalf("got %+v", d)
	}
}

// Renamed under another parent, the alias names the old parent too.
func TestRenameUnderAnotherParentNamesTheOldParent(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	r := find(t, to, "dev-aks-identity")
	oldParent := r.Parent
	moveUnder(r, "dev-aks", "plinth:components:Identity", "dev")
	rename(r, "dev-aks-cluster-identity")
	d := Compare(from, to)
	if len(d.Renamed) != 1 {
		t.Fatalf("got %+v", d)
	}
	want := `pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("dev-aks-identity"), ParentURN: pulumi.URN("` + oldParent + `")}})`
	if f := d.Renamed[0].Flags[1]; f.ID != FlagRename || !strings.Contains(f.Message, want) || !strings.Contains(f.Message, `(resourceName "dev-aks-identity")`) {
		t.Errorf("flag %+v\nwant the alias %s", f, want)
	}
	if got := flagIDs(d.Renamed[0].Flags); !slices.Equal(got, []string{"danger PROTECTED", "danger RENAME"}) {
		t.Errorf("flags %v", got)
	}
}

// Another cloud name is another resource: a deletion and an addition.
func TestNewCloudNameIsNoRename(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	r := find(t, to, "dev-aks-pool-apps")
	rename(r, "dev-aks-pool-batch")
	r.Inputs["agentPoolName"] = "batch"
	d := Compare(from, to)
	if len(d.Renamed) != 0 || len(d.Added) != 1 || len(d.Removed) != 1 {
		t.Fatalf("got %+v", d)
	}
}

// The identifying inputs of each provider's resources.
func TestCloudIdentity(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      snapshot.Resource
		shown  string
		absent bool
	}{
		{name: "ARM names and scope", r: snapshot.Resource{Type: typePool, Custom: true, Inputs: map[string]any{
			"agentPoolName": "apps", "resourceName": "dev-aks", "resourceGroupName": "dev-rg", "displayName": "x", "count": 3}},
			shown: `agentPoolName "apps", resourceGroupName "dev-rg", resourceName "dev-aks"`},
		{name: "Kubernetes object", r: snapshot.Resource{Type: "kubernetes:core/v1:Namespace", Custom: true, Inputs: map[string]any{
			"metadata": map[string]any{"name": "payments", "labels": map[string]any{"a": "b"}}}},
			shown: `metadata.name "payments"`},
		{name: "Helm release", r: snapshot.Resource{Type: "kubernetes:helm.sh/v3:Release", Custom: true, Inputs: map[string]any{
			"name": "velero", "namespace": "velero", "chart": "velero"}},
			shown: `name "velero", namespace "velero"`},
		{name: "GCP named", r: snapshot.Resource{Type: "gcp:storage/bucket:Bucket", Custom: true, Inputs: map[string]any{
			"name": "dev-gke-backup", "project": "acme-dev", "location": "EU", "versioning": map[string]any{"enabled": true}}},
			shown: `name "dev-gke-backup", project "acme-dev", location "EU"`},
		{name: "GCP binding without a name: all inputs", r: snapshot.Resource{Type: "gcp:projects/iAMMember:IAMMember", Custom: true, Inputs: map[string]any{
			"project": "acme-dev", "role": "roles/container.viewer", "member": "group:a@example.com"}},
			shown: "the same inputs"},
		{name: "Entra group", r: snapshot.Resource{Type: "azuread:index/group:Group", Custom: true, Inputs: map[string]any{
			"displayName": "plinth-dev-payments-reader", "securityEnabled": true}},
			shown: `displayName "plinth-dev-payments-reader"`},
		{name: "component", r: snapshot.Resource{Type: typeComponent, Inputs: map[string]any{"a": "b"}}, absent: true},
		{name: "provider", r: snapshot.Resource{Type: typeProvider, Custom: true, Inputs: map[string]any{"a": "b"}}, absent: true},
		{name: "no inputs", r: snapshot.Resource{Type: typePool, Custom: true, Inputs: map[string]any{}}, absent: true},
	} {
		_, shown, ok := cloudIdentity(&tc.r)
		if ok == tc.absent || shown != tc.shown {
			t.Errorf("%s: %q, %v; want %q, %v", tc.name, shown, ok, tc.shown, !tc.absent)
		}
	}
}

// The pull-request comment and the JSON carry the rename as one entry.
func TestRenameInMarkdownAndJSON(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	rename(find(t, to, "dev-aks-pool-apps"), "dev-aks-apps")
	rep := Summarize([]StackDiff{Compare(from, to)})
	var md, js bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `dev-aks` |  | 0 | 0 | 0 | 0 | 0 | 1 | 2 |\n",
		"- **danger** `RENAME` `dev-aks`: AgentPool dev-aks-pool-apps is renamed to dev-aks-apps",
		"<summary>1 renamed without an alias</summary>\n\n- » `dev-aks-apps` `azure-native:containerservice/v20241001:AgentPool` renamed from `dev-aks-pool-apps` (`urn:pulumi:dev-aks::plinth::plinth:components:Cluster$azure-native:containerservice/v20241001:AgentPool::dev-aks-pool-apps`)\n",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"summary": {
        "add": 0,
        "change": 0,
        "replace": 0,
        "delete": 0,
        "move": 0,
        "rename": 1
      },`,
		`"oldName": "dev-aks-pool-apps",`,
		`"id": "RENAME",`,
	} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js.String())
		}
	}
}

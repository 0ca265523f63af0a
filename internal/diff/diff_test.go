package diff

import (
	"bytes"
	"reflect"
	"slices"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

const (
	typeComponent = "plinth:components:Cluster"
	typeCluster   = "azure-native:containerservice/v20241001:ManagedCluster"
	typePool      = "azure-native:containerservice/v20241001:AgentPool"
	typeIdentity  = "azure-native:managedidentity:UserAssignedIdentity"
	typeProvider  = "pulumi:providers:azure-native"
)

// testURN builds a URN the way the engine does: the parent's type chain,
// '$', the type, "::", the name.
func testURN(stack, parentChain, typ, name string) string {
	chain := typ
	if parentChain != "" {
		chain = parentChain + "$" + typ
	}
	return "urn:pulumi:" + stack + "::plinth::" + chain + "::" + name
}

// fixture is a small stack: a component holding a cluster, a node pool and
// an identity, all tagged with class.
func fixture(stack, class string) *snapshot.Snapshot {
	component := testURN(stack, "", typeComponent, stack)
	provider := testURN(stack, "", typeProvider, "azure") + "::00000000-0000-0000-0000-000000000001"
	tags := map[string]any{"class": class, "owner": "platform"}
	child := func(typ, name string, protect bool, inputs map[string]any) snapshot.Resource {
		return snapshot.Resource{
			URN: testURN(stack, typeComponent, typ, name), Type: typ, Name: name, Custom: true,
			Parent: component, Provider: provider, Protect: protect, Inputs: inputs,
		}
	}
	s := &snapshot.Snapshot{Stack: stack, Resources: []snapshot.Resource{
		{URN: component, Type: typeComponent, Name: stack, Inputs: map[string]any{}},
		child(typeCluster, stack+"-aks", true, map[string]any{
			"location":     "westeurope",
			"resourceName": stack + "-aks",
			"networkProfile": map[string]any{
				"networkPlugin": "azure", "networkPolicy": "azure",
			},
			"agentPoolProfiles": []any{map[string]any{"name": "system", "vmSize": "Standard_D4ds_v5", "count": 3}},
			"tags":              tags,
		}),
		child(typePool, stack+"-pool-apps", false, map[string]any{
			"agentPoolName":     "apps",
			"availabilityZones": []any{"1", "2", "3"},
			"count":             3,
			"nodeLabels":        map[string]any{"kubernetes.io/os": "linux"},
			"osDiskType":        "Ephemeral",
			"vmSize":            "Standard_D4ds_v5",
			"tags":              tags,
		}),
		child(typeIdentity, stack+"-identity", true, map[string]any{
			"location": "westeurope", "resourceName": stack + "-identity", "tags": tags,
		}),
	}}
	s.Resources[2].IgnoreChanges = []string{"count"}
	s.Resources[2].DependsOn = []string{s.Resources[1].URN}
	return s
}

// clone deep-copies a snapshot through its JSON encoding.
func clone(t *testing.T, s *snapshot.Snapshot) *snapshot.Snapshot {
	t.Helper()
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func find(t *testing.T, s *snapshot.Snapshot, name string) *snapshot.Resource {
	t.Helper()
	for i := range s.Resources {
		if s.Resources[i].Name == name {
			return &s.Resources[i]
		}
	}
	t.Fatalf("no resource %q in %s", name, s.Stack)
	return nil
}

func flagIDs(flags []Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, string(f.Severity)+" "+f.ID)
	}
	return out
}

func TestIdenticalSnapshotsHaveNoChanges(t *testing.T) {
	from := fixture("dev-aks", "dev")
	d := Compare(from, clone(t, from))
	if d.HasChanges() {
		t.Fatalf("identical snapshots: got changes %+v", d)
	}
	if d.Summary != (Counts{}) || d.Stack != "dev-aks" || d.Production {
		t.Fatalf("got summary %+v, stack %q, production %v", d.Summary, d.Stack, d.Production)
	}
	r := Summarize([]StackDiff{d})
	if r.HasChanges() || r.HasFlags() {
		t.Fatalf("report: HasChanges %v, HasFlags %v", r.HasChanges(), r.HasFlags())
	}
}

func TestNodePoolVMSizeReplacesStatefulPool(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	find(t, to, "dev-aks-pool-apps").Inputs["vmSize"] = "Standard_D8ds_v5"

	d := Compare(from, to)
	if len(d.Changed) != 1 || len(d.Added)+len(d.Removed)+len(d.Moved) != 0 {
		t.Fatalf("want one changed resource, got %+v", d)
	}
	c := d.Changed[0]
	want := []PropertyChange{{Path: "vmSize", Old: "Standard_D4ds_v5", New: "Standard_D8ds_v5", ForcesReplacement: true}}
	if !c.Replace || !reflect.DeepEqual(c.Properties, want) {
		t.Fatalf("got replace %v, properties %+v; want %+v", c.Replace, c.Properties, want)
	}
	wantFlags := []Flag{
		{ID: FlagStateful, Severity: Danger, Message: "AgentPool dev-aks-pool-apps is stateful and is replaced: what it holds does not carry over"},
		{ID: FlagReplace, Severity: Warning, Message: "AgentPool dev-aks-pool-apps is replaced (deleted and created again) because vmSize changed"},
	}
	if !reflect.DeepEqual(c.Flags, wantFlags) {
		t.Fatalf("flags:\n got %+v\nwant %+v", c.Flags, wantFlags)
	}
	if d.Summary != (Counts{Replace: 1}) {
		t.Fatalf("summary %+v", d.Summary)
	}
	if !Summarize([]StackDiff{d}).HasFlags() {
		t.Fatal("HasFlags is false with a STATEFUL flag")
	}
}

func TestRefusedChangeSaysTheAPIRefusesIt(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	find(t, to, "dev-aks-pool-apps").Inputs["osDiskType"] = "Managed"

	c := Compare(from, to).Changed[0]
	want := []PropertyChange{{Path: "osDiskType", Old: "Ephemeral", New: "Managed", ForcesReplacement: true, Refused: true}}
	if !reflect.DeepEqual(c.Properties, want) {
		t.Fatalf("properties %+v", c.Properties)
	}
	msg := "AgentPool dev-aks-pool-apps must be replaced; osDiskType cannot change in place: " +
		"the cloud API refuses it, so the deployment fails until the resource is replaced"
	if got := c.Flags[len(c.Flags)-1]; got.ID != FlagReplace || got.Message != msg {
		t.Fatalf("REPLACE flag %+v", got)
	}
}

func TestDeletingProtectedResourceIsFlagged(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	to.Resources = slices.DeleteFunc(to.Resources, func(r snapshot.Resource) bool { return r.Name == "dev-aks-identity" })

	d := Compare(from, to)
	if len(d.Removed) != 1 || d.Removed[0].Name != "dev-aks-identity" || d.Summary != (Counts{Delete: 1}) {
		t.Fatalf("got %+v", d)
	}
	want := []Flag{{ID: FlagProtected, Severity: Danger,
		Message: "UserAssignedIdentity dev-aks-identity is protected (protect option) and is deleted: the deployment will refuse to delete it"}}
	if !reflect.DeepEqual(d.Removed[0].Flags, want) {
		t.Fatalf("flags %+v", d.Removed[0].Flags)
	}
}

func TestDeletingStatefulProtectedClusterRaisesBoth(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	to.Resources = slices.DeleteFunc(to.Resources, func(r snapshot.Resource) bool { return r.Name == "dev-aks-aks" })

	d := Compare(from, to)
	if got := flagIDs(d.Removed[0].Flags); !slices.Equal(got, []string{"danger PROTECTED", "danger STATEFUL"}) {
		t.Fatalf("flags %v", got)
	}
}

// moveUnder gives r a new parent (and so a new URN), as a refactoring that
// moves a resource into another component does.
func moveUnder(r *snapshot.Resource, stack, parentType, parentName string) string {
	old := r.URN
	r.Parent = testURN(stack, "", parentType, parentName)
	r.URN = testURN(stack, parentType, r.Type, r.Name)
	return old
}

func TestURNChangeWithoutAliasIsDestroyAndCreate(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	oldURN := moveUnder(find(t, to, "dev-aks-identity"), "dev-aks", "plinth:components:Identity", "dev")

	d := Compare(from, to)
	if len(d.Removed) != 1 || len(d.Added) != 1 || len(d.Moved) != 0 {
		t.Fatalf("want one removed and one added, got %+v", d)
	}
	newURN := d.Added[0].URN
	wantNoAlias := Flag{ID: FlagNoAlias, Severity: Danger, Message: "UserAssignedIdentity dev-aks-identity: its parent changed " +
		"without an alias, so Pulumi deletes " + oldURN + " and creates " + newURN +
		"; add pulumi.Aliases with the old URN to move it instead (on the topmost component that moved: its children inherit it)"}
	if !slices.Contains(d.Removed[0].Flags, wantNoAlias) {
		t.Fatalf("flags %+v", d.Removed[0].Flags)
	}
	if got := flagIDs(d.Removed[0].Flags); !slices.Equal(got, []string{"danger NO-ALIAS", "danger PROTECTED"}) {
		t.Fatalf("flags %v", got)
	}
}

func TestURNChangeWithAliasIsAMove(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	r := find(t, to, "dev-aks-identity")
	oldParent := r.Parent
	oldURN := moveUnder(r, "dev-aks", "plinth:components:Identity", "dev")
	r.Aliases = []string{oldURN}

	d := Compare(from, to)
	if len(d.Moved) != 1 || len(d.Added)+len(d.Removed)+len(d.Changed) != 0 {
		t.Fatalf("want one move, got %+v", d)
	}
	m := d.Moved[0]
	want := []PropertyChange{{Path: "options.parent", Old: oldParent, New: r.Parent}}
	if m.OldURN != oldURN || m.URN != r.URN || m.Replace || len(m.Flags) != 0 || !reflect.DeepEqual(m.Properties, want) {
		t.Fatalf("got %+v", m)
	}
	if d.Summary != (Counts{Move: 1}) {
		t.Fatalf("summary %+v", d.Summary)
	}
}

func TestVersionedTypeAliasIsAMove(t *testing.T) {
	// azure-native writes aliases for every API version of a type: moving
	// to another version keeps the resource.
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	r := find(t, to, "dev-aks-pool-apps")
	oldURN := r.URN
	r.Type = "azure-native:containerservice/v20250101:AgentPool"
	r.URN = testURN("dev-aks", typeComponent, r.Type, r.Name)
	r.Aliases = []string{oldURN}

	d := Compare(from, to)
	if len(d.Moved) != 1 || d.Moved[0].OldURN != oldURN || len(d.Moved[0].Properties) != 0 || d.Summary != (Counts{Move: 1}) {
		t.Fatalf("got %+v", d)
	}
}

func TestOnlyIgnoredChangesAreNoChange(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	find(t, to, "dev-aks-pool-apps").Inputs["count"] = 5
	if d := Compare(from, to); d.HasChanges() {
		t.Fatalf("a change under ignoreChanges alone: got %+v", d)
	}

	find(t, to, "dev-aks-pool-apps").Inputs["osDiskType"] = "Managed"
	c := Compare(from, to).Changed[0]
	if c.Properties[0].Path != "count" || !c.Properties[0].Ignored || c.Properties[0].ForcesReplacement {
		t.Fatalf("count should show as ignored: %+v", c.Properties)
	}
}

func TestPropertyPaths(t *testing.T) {
	old := &snapshot.Resource{
		Type: typeCluster, DependsOn: []string{"urn:a", "urn:b"},
		Provider: "urn:p::1", IgnoreChanges: []string{"agentPoolProfiles[*].count"},
		Inputs: map[string]any{
			"agentPoolProfiles": []any{
				map[string]any{"name": "system", "vmSize": "Standard_D4ds_v5", "count": 3.0},
			},
			"availabilityZones": []any{"1", "2", "3"},
			"identityProfile":   map[string]any{"kubeletidentity": map[string]any{"clientId": "[unknown]"}},
			"networkProfile":    map[string]any{"networkPlugin": "azure", "networkPolicy": "azure"},
			"nodeLabels":        map[string]any{"kubernetes.io/os": "linux"},
			"password":          snapshot.SecretValue,
			"sku":               map[string]any{"tier": "Free"},
			"size":              128.0,
		},
	}
	r := &snapshot.Resource{
		Type: typeCluster, DependsOn: []string{"urn:b", "urn:c"}, Protect: true,
		Provider: "urn:p::1", IgnoreChanges: []string{"agentPoolProfiles[*].count"},
		Inputs: map[string]any{
			"agentPoolProfiles": []any{
				map[string]any{"name": "system", "vmSize": "Standard_D8ds_v5", "count": 5},
				map[string]any{"name": "extra"},
			},
			"availabilityZones": []any{"1", "2"},
			"identityProfile":   map[string]any{"kubeletidentity": map[string]any{"clientId": "e985ff57"}},
			"networkProfile":    map[string]any{"networkPlugin": "azure", "networkPolicy": "cilium"},
			"nodeLabels":        map[string]any{"kubernetes.io/os": "windows"},
			"password":          snapshot.SecretValue,
			"size":              128,
			"tags":              map[string]any{"class": "dev"},
		},
	}
	want := []PropertyChange{
		{Path: "agentPoolProfiles[0].count", Old: 3.0, New: 5, Ignored: true},
		{Path: "agentPoolProfiles[0].vmSize", Old: "Standard_D4ds_v5", New: "Standard_D8ds_v5"},
		{Path: "agentPoolProfiles[1].name", New: "extra", OldAbsent: true},
		{Path: "availabilityZones", Old: []any{"1", "2", "3"}, New: []any{"1", "2"}},
		{Path: "identityProfile.kubeletidentity.clientId", Old: "[unknown]", New: "e985ff57"},
		{Path: "networkProfile.networkPolicy", Old: "azure", New: "cilium", ForcesReplacement: true},
		{Path: `nodeLabels["kubernetes.io/os"]`, Old: "linux", New: "windows"},
		{Path: "sku.tier", Old: "Free", NewAbsent: true},
		{Path: "tags.class", New: "dev", OldAbsent: true},
		{Path: "options.dependsOn", Old: "urn:a", NewAbsent: true},
		{Path: "options.dependsOn", New: "urn:c", OldAbsent: true},
		{Path: "options.protect", Old: false, New: true},
	}
	got := propertyChanges(old, r)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("property changes:\n got %#v\nwant %#v", got, want)
	}
}

func TestLongScalarListsCompareElementByElement(t *testing.T) {
	long := func(last string) []any {
		out := []any{}
		for range 8 {
			out = append(out, "10.20.30.0/24")
		}
		return append(out, last)
	}
	old := &snapshot.Resource{Type: "t", Inputs: map[string]any{"ranges": long("10.0.0.0/8")}}
	r := &snapshot.Resource{Type: "t", Inputs: map[string]any{"ranges": long("10.0.0.0/9")}}
	want := []PropertyChange{{Path: "ranges[8]", Old: "10.0.0.0/8", New: "10.0.0.0/9"}}
	if got := propertyChanges(old, r); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func TestEmptyValueAgainstAbsentShows(t *testing.T) {
	old := &snapshot.Resource{Type: "t", Inputs: map[string]any{"nodeTaints": []any{}, "nodeLabels": map[string]any{}}}
	r := &snapshot.Resource{Type: "t", Inputs: map[string]any{}}
	want := []PropertyChange{
		{Path: "nodeLabels", Old: map[string]any{}, NewAbsent: true},
		{Path: "nodeTaints", Old: []any{}, NewAbsent: true},
	}
	if got := propertyChanges(old, r); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func TestNewAndRemovedStacks(t *testing.T) {
	s := fixture("prod-aks", "prod")

	created := Compare(nil, s)
	if created.Stack != "prod-aks" || !created.Production || created.Summary != (Counts{Add: 4}) || len(stackFlags(created)) != 0 {
		t.Fatalf("new stack: %+v", created)
	}

	deleted := Compare(s, nil)
	if deleted.Summary != (Counts{Delete: 4}) || !deleted.Production {
		t.Fatalf("removed stack: %+v", deleted.Summary)
	}
	want := []string{"danger PROTECTED", "danger PROTECTED", "danger STATEFUL", "danger STATEFUL"}
	if got := flagIDs(stackFlags(deleted)); !slices.Equal(got, want) {
		t.Fatalf("flags %v", got)
	}
}

func TestProdWithOthers(t *testing.T) {
	changed := func(stack, class string) StackDiff {
		from := fixture(stack, class)
		to := clone(t, from)
		find(t, to, stack+"-pool-apps").Inputs["tags"] = map[string]any{"class": class, "owner": "apps"}
		return Compare(from, to)
	}
	unchanged := func(stack, class string) StackDiff {
		s := fixture(stack, class)
		return Compare(s, s)
	}

	r := Summarize([]StackDiff{changed("prod-aks", "prod"), changed("dev-aks", "dev")})
	want := []Flag{{ID: FlagProdWithOthers, Severity: Warning, Message: "this change touches production (prod-aks) " +
		"and other stacks (dev-aks) at once: split it so production changes are reviewed and rolled out on their own"}}
	if !reflect.DeepEqual(r.Flags, want) {
		t.Fatalf("flags %+v", r.Flags)
	}
	if r.Stacks[0].Stack != "dev-aks" {
		t.Fatalf("stacks not sorted: %s first", r.Stacks[0].Stack)
	}
	if r.HasFlags() {
		t.Fatal("PROD-WITH-OTHERS is a warning; HasFlags counts danger only")
	}

	for name, stacks := range map[string][]StackDiff{
		"prod alone":           {changed("prod-aks", "prod")},
		"prod, dev unchanged":  {changed("prod-aks", "prod"), unchanged("dev-aks", "dev")},
		"dev and staging only": {changed("dev-aks", "dev"), changed("staging-aks", "staging")},
	} {
		if r := Summarize(stacks); len(r.Flags) != 0 {
			t.Errorf("%s: got flags %+v", name, r.Flags)
		}
	}
}

func TestClass(t *testing.T) {
	mk := func(classes ...string) *snapshot.Snapshot {
		s := &snapshot.Snapshot{}
		for i, c := range classes {
			key := labelInputs[i%len(labelInputs)]
			s.Resources = append(s.Resources, snapshot.Resource{Inputs: map[string]any{key: map[string]any{"class": c}}})
		}
		return s
	}
	for _, tc := range []struct {
		name string
		s    *snapshot.Snapshot
		want string
	}{
		{"nil", nil, ""},
		{"no labels", &snapshot.Snapshot{Resources: []snapshot.Resource{{Inputs: map[string]any{}}}}, ""},
		{"tags, labels, resourceLabels", mk("prod", "prod", "prod"), "prod"},
		{"majority", mk("dev", "prod", "dev"), "dev"},
		{"tie goes to the first name", mk("staging", "dev"), "dev"},
	} {
		if got := Class(tc.s); got != tc.want {
			t.Errorf("%s: Class = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDeletionProtectionInputCountsAsProtected(t *testing.T) {
	from := &snapshot.Snapshot{Stack: "dev-gke", Resources: []snapshot.Resource{{
		URN: "urn:c", Type: "gcp:container/cluster:Cluster", Name: "dev-gke-cluster", Custom: true,
		Inputs: map[string]any{"deletionProtection": true, "name": "dev-gke-cluster"},
	}}}
	d := Compare(from, &snapshot.Snapshot{Stack: "dev-gke"})
	want := "Cluster dev-gke-cluster is protected (deletionProtection input) and is deleted: the deployment will refuse to delete it"
	if f := d.Removed[0].Flags; len(f) != 2 || f[0].ID != FlagProtected || f[0].Message != want {
		t.Fatalf("flags %+v", f)
	}
}

// An API-version change of a type is the SDK's own alias, which snapshots
// leave out: the resource moves, without a NO-ALIAS flag.
func TestAPIVersionChangeIsAMove(t *testing.T) {
	old := &snapshot.Snapshot{Stack: "prod-aks", Resources: []snapshot.Resource{
		{URN: "urn:pulumi:prod-aks::plinth::plinth:components:Network$azure-native:network/v20240501:VirtualNetwork::vnet",
			Type: "azure-native:network/v20240501:VirtualNetwork", Name: "vnet", Custom: true, Parent: "p", Protect: true,
			Inputs: map[string]any{"virtualNetworkName": "vnet"}},
	}}
	cur := &snapshot.Snapshot{Stack: "prod-aks", Resources: []snapshot.Resource{
		{URN: "urn:pulumi:prod-aks::plinth::plinth:components:Network$azure-native:network:VirtualNetwork::vnet",
			Type: "azure-native:network:VirtualNetwork", Name: "vnet", Custom: true, Parent: "p", Protect: true,
			Inputs: map[string]any{"virtualNetworkName": "vnet"}},
	}}
	d := Compare(old, cur)
	if len(d.Moved) != 1 || len(d.Added)+len(d.Removed) != 0 {
		t.Fatalf("moved %d, added %d, removed %d; want one move", len(d.Moved), len(d.Added), len(d.Removed))
	}
	if r := Summarize([]StackDiff{d}); r.HasFlags() {
		t.Errorf("flags on an API-version move: %+v", r.Flags)
	}
}

// Aliasing a component moves its whole subtree: Pulumi gives children
// their parent's aliases, so no child needs an alias of its own.
func TestChildrenInheritTheirParentsAliases(t *testing.T) {
	const (
		oldComp  = "urn:pulumi:prod-aks::plinth::plinth:components:Network::prod-aks"
		newComp  = "urn:pulumi:prod-aks::plinth::plinth:environment:Platform$plinth:components:Network::prod-aks"
		platform = "urn:pulumi:prod-aks::plinth::plinth:environment:Platform::prod-aks"
		vnetType = "azure-native:network:VirtualNetwork"
	)
	old := &snapshot.Snapshot{Stack: "prod-aks", Resources: []snapshot.Resource{
		{URN: oldComp, Type: "plinth:components:Network", Name: "prod-aks"},
		{URN: "urn:pulumi:prod-aks::plinth::plinth:components:Network$" + vnetType + "::prod-aks-vnet",
			Type: vnetType, Name: "prod-aks-vnet", Custom: true, Parent: oldComp, Protect: true},
	}}
	cur := &snapshot.Snapshot{Stack: "prod-aks", Resources: []snapshot.Resource{
		{URN: platform, Type: "plinth:environment:Platform", Name: "prod-aks"},
		{URN: newComp, Type: "plinth:components:Network", Name: "prod-aks", Parent: platform, Aliases: []string{oldComp}},
		{URN: "urn:pulumi:prod-aks::plinth::plinth:environment:Platform$plinth:components:Network$" + vnetType + "::prod-aks-vnet",
			Type: vnetType, Name: "prod-aks-vnet", Custom: true, Parent: newComp, Protect: true},
	}}
	d := Compare(old, cur)
	if len(d.Moved) != 2 || len(d.Removed) != 0 || len(d.Added) != 1 {
		t.Fatalf("moved %d, removed %d, added %d; want both resources moved and the Platform added", len(d.Moved), len(d.Removed), len(d.Added))
	}
	if r := Summarize([]StackDiff{d}); r.HasFlags() {
		t.Errorf("flags when the component is aliased: %+v", r.Flags)
	}
	// Without the component's alias, both are recreated.
	cur.Resources[1].Aliases = nil
	if r := Summarize([]StackDiff{Compare(old, cur)}); !r.HasFlags() {
		t.Error("no NO-ALIAS flag without the alias")
	}
}

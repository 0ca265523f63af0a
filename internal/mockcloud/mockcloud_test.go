package mockcloud

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
)

type res struct {
	pulumi.CustomResourceState
	Address pulumi.StringOutput `pulumi:"address"`
}

type prov struct{ pulumi.ProviderResourceState }

func TestSecretsAndIDs(t *testing.T) {
	var id, addr string
	snap, err := Render("dev", func(ctx *pulumi.Context) error {
		var p prov
		if err := ctx.RegisterResource("pulumi:providers:plinthfake", "p", pulumi.Map{}, &p); err != nil {
			return err
		}
		var r res
		err := ctx.RegisterResource("plinthfake:index:EgressIP", "dev-ip", pulumi.Map{
			"name":     pulumi.String("dev-ip"),
			"password": pulumi.ToSecret(pulumi.String("hunter2")),
		}, &r, pulumi.Provider(&p))
		if err != nil {
			return err
		}
		r.ID().ApplyT(func(v pulumi.ID) string { id = string(v); return id })
		r.Address.ApplyT(func(v string) string { addr = v; return v })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := snap.Find("plinthfake:index:EgressIP", "dev-ip")
	if r == nil {
		t.Fatal("resource not recorded")
	}
	if r.Inputs["password"] != snapshot.SecretValue {
		t.Errorf("secret input recorded as %v, want %q", r.Inputs["password"], snapshot.SecretValue)
	}
	data, _ := snap.Marshal()
	if strings.Contains(string(data), "hunter2") {
		t.Error("the secret's plain value is in the snapshot")
	}
	if id != "fake://egress-ips/dev-ip" || !strings.HasPrefix(addr, "203.") {
		t.Errorf("id %q address %q", id, addr)
	}
	if r.Parent != "" || !strings.HasPrefix(r.Provider, "urn:pulumi:dev::plinth::pulumi:providers:plinthfake::p::") {
		t.Errorf("parent %q provider %q", r.Parent, r.Provider)
	}
}

func TestUnknownTypeFailsLoudly(t *testing.T) {
	_, err := Render("dev", func(ctx *pulumi.Context) error {
		var r res
		return ctx.RegisterResource("azure-native:web:WebApp", "app", pulumi.Map{}, &r)
	})
	if err == nil || !strings.Contains(err.Error(), `no offline answer for resource type "azure-native:web:WebApp" (app): Plinth does not register it; answer it in the render (platformtest.WithResource, or project.Answers.Resources for plinth plan)`) {
		t.Errorf("error = %v", err)
	}
}

func TestUnknownInvokeFailsLoudly(t *testing.T) {
	_, err := Render("dev", func(ctx *pulumi.Context) error {
		var out map[string]any
		return ctx.Invoke("azure-native:web:getWebApp", map[string]any{}, &out)
	})
	if err == nil || !strings.Contains(err.Error(), `no offline answer for invoke "azure-native:web:getWebApp"`) {
		t.Errorf("error = %v", err)
	}
}

func TestUUIDFromIsStableAndVersioned(t *testing.T) {
	a, b := uuidFrom("x", "y"), uuidFrom("x", "y")
	if a != b || a == uuidFrom("xy") {
		t.Errorf("uuidFrom not stable or not separating parts: %s %s", a, b)
	}
	if len(a) != 36 || a[14] != '5' {
		t.Errorf("%s is not a version-5 style UUID", a)
	}
}

func TestAliasesAreRecordedAsURNs(t *testing.T) {
	type comp struct{ pulumi.ResourceState }
	snap, err := Render("dev", func(ctx *pulumi.Context) error {
		parent := &comp{}
		if err := ctx.RegisterComponentResource("plinth:test:Parent", "p", parent); err != nil {
			return err
		}
		child := &comp{}
		return ctx.RegisterComponentResource("plinth:test:Child", "new-name", child, pulumi.Parent(parent),
			pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String("old-name")}, {NoParent: pulumi.Bool(true)}}))
	})
	if err != nil {
		t.Fatal(err)
	}
	r := snap.Find("plinth:test:Child", "new-name")
	want := []string{
		"urn:pulumi:dev::plinth::plinth:test:Child::new-name",
		"urn:pulumi:dev::plinth::plinth:test:Parent$plinth:test:Child::old-name",
	}
	if r == nil || !slices.Equal(r.Aliases, want) {
		t.Errorf("aliases = %v, want %v", r, want)
	}
}

// TestEveryRegistryEntryNamesAShape checks that each type of the
// registries names an ID shape mockcloud has, with the right number of
// parameters, and that every shape is named by some type.
func TestEveryRegistryEntryNamesAShape(t *testing.T) {
	for typ, err := range shapeErrors {
		t.Errorf("%s: %v", typ, err)
	}
	used := map[string]bool{}
	for _, typ := range typeregistry.All.Types() {
		used[typ.MockID.Shape] = true
		if typ.MockID.Shape == "" && !strings.HasPrefix(typ.Token, "pulumi:providers:") {
			t.Errorf("%s names no mock ID shape", typ.Token)
		}
	}
	for name := range shapeKinds {
		if !used[name] {
			t.Errorf("the mock ID shape %q is named by no registry entry", name)
		}
	}
}

// TestVersionAliasesAreDroppedBeforeTheSDK checks the transformation that
// spares the SDK the provider SDKs' API-version aliases: only type-only
// aliases to another version of the same module go; the caller's own
// aliases, an alias to another module, and an option that sets more than
// aliases stay as written.
func TestVersionAliasesAreDroppedBeforeTheSDK(t *testing.T) {
	const typ = "azure-native:network:VirtualNetwork"
	version := pulumi.Alias{Type: pulumi.String("azure-native:network/v20200101:VirtualNetwork")}
	otherModule := pulumi.Alias{Type: pulumi.String("azure-native:legacy:VirtualNetwork")}
	renamed := pulumi.Alias{Name: pulumi.String("old-name")}
	aliasesOf := func(opts []pulumi.ResourceOption) []pulumi.Alias {
		ro, err := pulumi.NewResourceOptions(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return ro.Aliases
	}

	got := dropVersionAliases(&pulumi.ResourceTransformationArgs{Type: typ, Opts: []pulumi.ResourceOption{
		pulumi.Protect(true), pulumi.Aliases([]pulumi.Alias{renamed}), pulumi.Aliases([]pulumi.Alias{version, otherModule}),
	}})
	if got == nil {
		t.Fatal("the version alias was kept")
	}
	if a := aliasesOf(got.Opts); len(a) != 2 || a[0] != renamed || a[1] != otherModule {
		t.Errorf("aliases = %+v, want the rename and the other module's alias", a)
	}
	if ro, _ := pulumi.NewResourceOptions(got.Opts...); !ro.Protect {
		t.Error("the protect option was lost")
	}

	for name, opts := range map[string][]pulumi.ResourceOption{
		"no aliases":       {pulumi.Protect(true)},
		"caller's aliases": {pulumi.Aliases([]pulumi.Alias{renamed, otherModule})},
		"composite option": {pulumi.Composite(pulumi.Protect(true), pulumi.Aliases([]pulumi.Alias{version}))},
	} {
		if got := dropVersionAliases(&pulumi.ResourceTransformationArgs{Type: typ, Opts: opts}); got != nil {
			t.Errorf("%s: options changed to %v", name, got.Opts)
		}
	}
}

// TestRenderKeepsTheCallersAliases renders a resource carrying a version
// alias beside an alias of the caller's: the snapshot records the
// caller's.
func TestRenderKeepsTheCallersAliases(t *testing.T) {
	sentAliases := map[string][]*pulumirpc.Alias{}
	var mu sync.Mutex
	record := func(m *Mocks) {
		m.registered = func(rpc *pulumirpc.RegisterResourceRequest) {
			mu.Lock()
			defer mu.Unlock()
			sentAliases[rpc.GetName()] = rpc.GetAliases()
		}
	}
	snap, err := Render("dev", func(ctx *pulumi.Context) error {
		var p prov
		if err := ctx.RegisterResource("pulumi:providers:plinthfake", "p", pulumi.Map{}, &p); err != nil {
			return err
		}
		var r res
		return ctx.RegisterResource("plinthfake:index:EgressIP", "dev-ip", pulumi.Map{"name": pulumi.String("dev-ip")}, &r,
			pulumi.Provider(&p), pulumi.Aliases([]pulumi.Alias{
				{Type: pulumi.String("plinthfake:index/v1:EgressIP")},
				{Name: pulumi.String("old-ip")},
			}))
	}, record)
	if err != nil {
		t.Fatal(err)
	}
	r := snap.Find("plinthfake:index:EgressIP", "dev-ip")
	want := []string{"urn:pulumi:dev::plinth::plinthfake:index:EgressIP::old-ip"}
	if sent := sentAliases["dev-ip"]; len(sent) != 1 || sent[0].GetSpec().GetName() != "old-ip" {
		t.Errorf("the SDK sent the aliases %v; want the caller's alone, the version alias dropped before it", sent)
	}
	if r == nil || !slices.Equal(r.Aliases, want) {
		t.Errorf("aliases = %v, want %v", r, want)
	}
}

// A program's panic, and a test's t.FailNow in it, reach the caller as if
// the program had run on the caller's goroutine.
func TestAProgramsPanicAndFailNowReachTheCaller(t *testing.T) {
	func() {
		defer func() {
			if r := recover(); r != "program panicked" {
				t.Errorf("recovered %v, want the program's panic", r)
			}
		}()
		_, _ = Attempt("dev", func(*pulumi.Context) error { panic("program panicked") })
		t.Error("Attempt returned after the program panicked")
	}()

	returned := make(chan bool, 1)
	go func() {
		defer func() { returned <- false }()
		_, _ = Attempt("dev", func(*pulumi.Context) error { runtime.Goexit(); return nil })
		returned <- true
	}()
	select {
	case r := <-returned:
		if r {
			t.Error("Attempt returned after the program's goroutine exited")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Attempt hangs after the program called runtime.Goexit (t.FailNow)")
	}
}

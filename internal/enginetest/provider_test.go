package enginetest

import (
	"context"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	subnetType = "azure-native:network/v20240501:Subnet"
	subnetURN  = "urn:pulumi:dev-aks::plinth::plinth:components:Network$" + subnetType + "::dev-aks-nodes"
	sub1       = "00000000-0000-0000-0000-000000000000"
	sub2       = "11111111-1111-1111-1111-111111111111"
)

// start serves the packages for one test.
func start(t *testing.T, packages ...string) *Providers {
	t.Helper()
	p, err := Start(packages...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return p
}

// dial opens a new connection to pkg's provider, as the engine does for
// each provider instance.
func dial(t *testing.T, p *Providers, pkg string) pulumirpc.ResourceProviderClient {
	t.Helper()
	for _, s := range p.servers {
		if s.pkg == pkg {
			conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(s.port), grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close() })
			return pulumirpc.NewResourceProviderClient(conn)
		}
	}
	t.Fatalf("no %s provider", pkg)
	return nil
}

func props(t *testing.T, pm resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := marshal("test", pm)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func unprops(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	pm, err := unmarshal("test", s)
	if err != nil {
		t.Fatal(err)
	}
	return pm
}

// configured dials pkg's provider and configures the connection's
// instance with config.
func configured(t *testing.T, p *Providers, pkg string, config map[string]any) pulumirpc.ResourceProviderClient {
	t.Helper()
	c := dial(t, p, pkg)
	typ := "pulumi:providers:" + pkg
	resp, err := c.Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Type: &typ, Args: props(t, resource.NewPropertyMapFromMap(config)),
		AcceptSecrets: true, AcceptResources: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.GetAcceptSecrets() || !resp.GetSupportsPreview() || !resp.GetAcceptResources() || resp.GetAcceptOutputs() {
		t.Errorf("Configure = %v, want secrets, preview and resources accepted, output values not", resp)
	}
	return c
}

func azure(t *testing.T, p *Providers, subscription string) pulumirpc.ResourceProviderClient {
	return configured(t, p, "azure-native", map[string]any{
		"subscriptionId": subscription, "tenantId": "00000000-0000-0000-0000-000000000001", "location": "westeurope",
	})
}

func subnetInputs(prefix string) resource.PropertyMap {
	return resource.PropertyMap{
		"resourceGroupName":  resource.NewProperty("dev-aks-network"),
		"virtualNetworkName": resource.NewProperty("dev-aks-vnet"),
		"subnetName":         resource.NewProperty("nodes"),
		"addressPrefix":      resource.NewProperty(prefix),
	}
}

func subnetID(subscription string) string {
	return "/subscriptions/" + subscription + "/resourceGroups/dev-aks-network/providers/Microsoft.Network/virtualNetworks/dev-aks-vnet/subnets/nodes"
}

func TestStartRefusesUnknownAndRepeatedPackages(t *testing.T) {
	_, err := Start("azure-native", "aws", "azure-native")
	want := `packages[1] "aws": no test provider for this package; the packages are [azure-native azuread gcp kubernetes plinthfake] (add one to pluginVersions in internal/enginetest/versions.go)` + "\n" +
		`packages[2] "azure-native": named twice; PULUMI_DEBUG_PROVIDERS attaches one provider per package`
	if err == nil || err.Error() != want {
		t.Errorf("Start error =\n%v\nwant\n%s", err, want)
	}
	if _, err := Start(); err == nil || !strings.HasPrefix(err.Error(), "packages: required: name at least one of") {
		t.Errorf("Start() error = %v", err)
	}
}

func TestDebugEnvAttachesEachPackageToItsOwnPort(t *testing.T) {
	p := start(t, "kubernetes", "azure-native")
	env := p.DebugEnv()
	parts := strings.Split(env, ",")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "kubernetes:") || !strings.HasPrefix(parts[1], "azure-native:") {
		t.Fatalf("DebugEnv = %q, want kubernetes:<port>,azure-native:<port>", env)
	}
	want := map[string]string{"kubernetes": "4.33.0", "azure-native": "2.90.0"}
	for _, part := range parts {
		pkg, port, _ := strings.Cut(part, ":")
		conn, err := grpc.NewClient(net.JoinHostPort("127.0.0.1", port), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		info, err := pulumirpc.NewResourceProviderClient(conn).GetPluginInfo(context.Background(), &emptypb.Empty{})
		_ = conn.Close()
		if err != nil || info.GetVersion() != want[pkg] {
			t.Errorf("%s at port %s: GetPluginInfo = %v, %v; want version %s", pkg, port, info, err, want[pkg])
		}
	}
}

// TestPluginVersionsAreTheSDKVersions compares each provider's version
// with the SDK module go.mod requires: the engine warns when a plugin
// reports less than its SDK asks for, so a bumped SDK needs its version in
// pluginVersions too.
func TestPluginVersionsAreTheSDKVersions(t *testing.T) {
	sdks := map[string]string{
		"azure-native": "github.com/pulumi/pulumi-azure-native-sdk/v2",
		"azuread":      "github.com/pulumi/pulumi-azuread/sdk/v5",
		"gcp":          "github.com/pulumi/pulumi-gcp/sdk/v7",
		"kubernetes":   "github.com/pulumi/pulumi-kubernetes/sdk/v4",
	}
	data, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := start(t, "azure-native", "azuread", "gcp", "kubernetes")
	for pkg, module := range sdks {
		i := slices.IndexFunc(gomod.Require, func(r *modfile.Require) bool { return r.Mod.Path == module })
		if i < 0 {
			t.Errorf("%s: go.mod does not require %s", pkg, module)
			continue
		}
		want := strings.TrimPrefix(gomod.Require[i].Mod.Version, "v")
		info, err := dial(t, p, pkg).GetPluginInfo(context.Background(), &emptypb.Empty{})
		if err != nil || info.GetVersion() != want {
			t.Errorf("%s: GetPluginInfo = %v, %v; want %s, the version of %s in go.mod (update pluginVersions)", pkg, info, err, want, module)
		}
	}
}

func TestHandshakeAttachAndCancel(t *testing.T) {
	c := dial(t, start(t, "gcp"), "gcp")
	ctx := context.Background()
	hs, err := c.Handshake(ctx, &pulumirpc.ProviderHandshakeRequest{EngineAddress: "127.0.0.1:1", ConfigureWithUrn: true})
	if err != nil || !hs.GetAcceptSecrets() || !hs.GetAcceptResources() || hs.GetAcceptOutputs() {
		t.Errorf("Handshake = %v, %v; want secrets and resources accepted, output values not", hs, err)
	}
	if _, err := c.Attach(ctx, &pulumirpc.PluginAttach{Address: "127.0.0.1:1"}); err != nil {
		t.Errorf("Attach: %v", err)
	}
	if _, err := c.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Errorf("Cancel: %v", err)
	}
}

func TestCheckAndCheckConfigReturnTheNewInputsAsGiven(t *testing.T) {
	c := dial(t, start(t, "azure-native"), "azure-native")
	news := props(t, subnetInputs("10.10.0.0/22"))
	for name, check := range map[string]func(context.Context, *pulumirpc.CheckRequest, ...grpc.CallOption) (*pulumirpc.CheckResponse, error){
		"Check": c.Check, "CheckConfig": c.CheckConfig,
	} {
		resp, err := check(context.Background(), &pulumirpc.CheckRequest{Urn: subnetURN, News: news})
		if err != nil || len(resp.GetFailures()) != 0 || !unprops(t, resp.GetInputs()).DeepEquals(subnetInputs("10.10.0.0/22")) {
			t.Errorf("%s = %v, %v; want the news unchanged and no failures", name, resp, err)
		}
	}
}

func TestDiffReportsChangedKeysAndNeverReplaces(t *testing.T) {
	c := dial(t, start(t, "azure-native"), "azure-native")
	old := subnetInputs("10.10.0.0/22")
	changed := subnetInputs("10.10.4.0/22")
	changed["serviceEndpoints"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty("Microsoft.Storage")})
	renamed := subnetInputs("10.10.0.0/22")
	renamed["subnetName"] = resource.NewProperty("system")
	unknown := subnetInputs("10.10.0.0/22")
	unknown["networkSecurityGroup"] = resource.MakeComputed(resource.NewProperty(""))

	cases := []struct {
		name   string
		news   resource.PropertyMap
		ignore []string
		want   []string
	}{
		{"same", subnetInputs("10.10.0.0/22"), nil, nil},
		{"changed and added", changed, nil, []string{"addressPrefix", "serviceEndpoints"}},
		{"ignored", changed, []string{"addressPrefix"}, []string{"serviceEndpoints"}},
		{"renamed", renamed, nil, []string{"subnetName"}},
		{"unknown in a preview", unknown, nil, []string{"networkSecurityGroup"}},
	}
	for _, tc := range cases {
		for method, diff := range map[string]func(context.Context, *pulumirpc.DiffRequest, ...grpc.CallOption) (*pulumirpc.DiffResponse, error){
			"Diff": c.Diff, "DiffConfig": c.DiffConfig,
		} {
			resp, err := diff(context.Background(), &pulumirpc.DiffRequest{
				Id: subnetID(sub1), Urn: subnetURN,
				Olds:      props(t, resource.PropertyMap{"name": resource.NewProperty("nodes")}), // outputs: not compared
				OldInputs: props(t, old), News: props(t, tc.news), IgnoreChanges: tc.ignore,
			})
			if err != nil {
				t.Fatalf("%s %s: %v", method, tc.name, err)
			}
			wantChanges := pulumirpc.DiffResponse_DIFF_SOME
			if tc.want == nil {
				wantChanges = pulumirpc.DiffResponse_DIFF_NONE
			}
			if resp.GetChanges() != wantChanges || !slices.Equal(resp.GetDiffs(), tc.want) || len(resp.GetReplaces()) != 0 || resp.GetDeleteBeforeReplace() {
				t.Errorf("%s %s = %v %v replaces %v; want %v %v and no replacement", method, tc.name, resp.GetChanges(), resp.GetDiffs(), resp.GetReplaces(), wantChanges, tc.want)
			}
		}
	}
}

func TestCreateAnswersFromItsConnectionsConfiguration(t *testing.T) {
	p := start(t, "azure-native")
	// Two provider instances of one package, as the engine opens them: each
	// resource gets the ARM ID under its own provider's subscription.
	for _, sub := range []string{sub1, sub2} {
		c := azure(t, p, sub)
		resp, err := c.Create(context.Background(), &pulumirpc.CreateRequest{
			Urn: subnetURN, Type: subnetType, Name: "dev-aks-nodes", Properties: props(t, subnetInputs("10.10.0.0/22")),
		})
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetId() != subnetID(sub) {
			t.Errorf("id = %q, want %q", resp.GetId(), subnetID(sub))
		}
		out := unprops(t, resp.GetProperties())
		if out["name"].StringValue() != "nodes" || out["addressPrefix"].StringValue() != "10.10.0.0/22" {
			t.Errorf("outputs = %v, want the inputs plus the subnet's name", out)
		}
	}
	want := []Call{
		{Op: OpCreate, Package: "azure-native", URN: subnetURN, ID: subnetID(sub1)},
		{Op: OpCreate, Package: "azure-native", URN: subnetURN, ID: subnetID(sub2)},
	}
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Errorf("Calls = %v, want %v", got, want)
	}
	p.ResetCalls()
	if got := p.Calls(); len(got) != 0 {
		t.Errorf("Calls after ResetCalls = %v", got)
	}
}

func TestCreateTakesTypeAndNameFromTheURNWhenNotSent(t *testing.T) {
	c := azure(t, start(t, "azure-native"), sub1)
	resp, err := c.Create(context.Background(), &pulumirpc.CreateRequest{Urn: subnetURN, Properties: props(t, subnetInputs("10.10.0.0/22"))})
	if err != nil || resp.GetId() != subnetID(sub1) {
		t.Errorf("Create = %v, %v; want id %s", resp, err, subnetID(sub1))
	}
}

func TestCreateKeepsSecretsSecret(t *testing.T) {
	c := configured(t, start(t, "plinthfake"), "plinthfake", map[string]any{})
	in := resource.PropertyMap{
		"name":     resource.NewProperty("dev-ip"),
		"password": resource.MakeSecret(resource.NewProperty("hunter2")),
	}
	resp, err := c.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: "urn:pulumi:dev::plinth::plinthfake:index:EgressIP::dev-ip", Properties: props(t, in),
	})
	if err != nil {
		t.Fatal(err)
	}
	out := unprops(t, resp.GetProperties())
	if resp.GetId() != "fake://egress-ips/dev-ip" || !out["password"].IsSecret() || !strings.HasPrefix(out["address"].StringValue(), "203.") {
		t.Errorf("Create = %s %v; want the fake ID, the secret kept secret and an address", resp.GetId(), out)
	}
}

const (
	accountType = "azure-native:automation/v20231101:AutomationAccount"
	accountURN  = "urn:pulumi:dev-aks::plinth::" + accountType + "::dev-aks-automation"
)

func accountInputs(tags map[string]any) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{
		"resourceGroupName":     "dev-aks-rg",
		"automationAccountName": "dev-aks-automation",
		"identity":              map[string]any{"type": "SystemAssigned"},
		"tags":                  tags,
	})
}

var unknown = resource.MakeComputed(resource.NewProperty(""))

func TestCreatePreviewLeavesComputedOutputsUnknown(t *testing.T) {
	p := start(t, "azure-native")
	c := azure(t, p, sub1)
	in := accountInputs(map[string]any{"env": "dev"})
	in["sku"] = unknown // an input another resource's output feeds
	resp, err := c.Create(context.Background(), &pulumirpc.CreateRequest{Urn: accountURN, Properties: props(t, in), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	// The inputs as given; what Azure computes, the identity's principal
	// included, unknown rather than missing.
	want := accountInputs(map[string]any{"env": "dev"})
	want["sku"] = unknown
	want["identity"] = resource.NewProperty(resource.PropertyMap{
		"type": resource.NewProperty("SystemAssigned"), "principalId": unknown, "tenantId": unknown,
	})
	want["name"], want["state"], want["type"] = unknown, unknown, unknown
	if got := unprops(t, resp.GetProperties()); resp.GetId() != "" || !got.DeepEquals(want) {
		t.Errorf("preview Create = %q %v\nwant no ID and %v", resp.GetId(), got, want)
	}

	// The resource group's name is not known yet: the answer cannot be
	// computed, so every input that holds an object, which the cloud may
	// add to, is unknown; the plain ones stay.
	in = accountInputs(map[string]any{"env": "dev"})
	in["resourceGroupName"] = unknown
	in["secretSettings"] = resource.MakeSecret(resource.NewProperty(resource.PropertyMap{"a": resource.NewProperty("b")}))
	resp, err = c.Create(context.Background(), &pulumirpc.CreateRequest{Urn: accountURN, Properties: props(t, in), Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	want = resource.PropertyMap{
		"resourceGroupName":     unknown,
		"automationAccountName": resource.NewProperty("dev-aks-automation"),
		"identity":              unknown,
		"tags":                  unknown,
		"secretSettings":        resource.MakeSecret(unknown),
	}
	if got := unprops(t, resp.GetProperties()); !got.DeepEquals(want) {
		t.Errorf("preview Create with an unknown resource group = %v\nwant %v", got, want)
	}
	if got := p.Calls(); len(got) != 0 {
		t.Errorf("a preview recorded %v", got)
	}
}

func TestUpdatePreviewKeepsComputedOutputsThatDoNotChange(t *testing.T) {
	p := start(t, "azure-native")
	c := azure(t, p, sub1)
	oldInputs := accountInputs(map[string]any{"env": "dev"})
	created, err := c.Create(context.Background(), &pulumirpc.CreateRequest{Urn: accountURN, Properties: props(t, oldInputs)})
	if err != nil {
		t.Fatal(err)
	}
	p.ResetCalls()
	olds := unprops(t, created.GetProperties())

	news := accountInputs(map[string]any{"env": "dev", "costCenter": "cc-2"})
	resp, err := c.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: created.GetId(), Urn: accountURN, Olds: created.GetProperties(), OldInputs: props(t, oldInputs),
		News: props(t, news), Preview: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	// New tags; the principal, name and state Azure already gave stay.
	want := olds.Copy()
	want["tags"] = news["tags"]
	if got := unprops(t, resp.GetProperties()); !got.DeepEquals(want) {
		t.Errorf("preview Update = %v\nwant %v", got, want)
	}

	// An input the answer needs is unknown: the old outputs overlaid with
	// the new inputs.
	news["automationAccountName"] = unknown
	resp, err = c.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: created.GetId(), Urn: accountURN, Olds: created.GetProperties(), News: props(t, news), Preview: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	want = olds.Copy()
	want["tags"], want["automationAccountName"] = news["tags"], unknown
	if got := unprops(t, resp.GetProperties()); !got.DeepEquals(want) {
		t.Errorf("preview Update with an unknown name = %v\nwant %v", got, want)
	}
	if got := p.Calls(); len(got) != 0 {
		t.Errorf("a preview recorded %v", got)
	}
}

func TestUpdateKeepsTheIDAndDeleteSucceeds(t *testing.T) {
	p := start(t, "azure-native")
	c := azure(t, p, sub1)
	// The ID a resource already has stays, even though the new inputs would
	// shape another: the test providers never replace.
	resp, err := c.Update(context.Background(), &pulumirpc.UpdateRequest{
		Id: subnetID(sub1), Urn: subnetURN,
		Olds: props(t, subnetInputs("10.10.0.0/22")), OldInputs: props(t, subnetInputs("10.10.0.0/22")),
		News: props(t, subnetInputs("10.10.4.0/22")),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out := unprops(t, resp.GetProperties()); out["addressPrefix"].StringValue() != "10.10.4.0/22" || out["name"].StringValue() != "nodes" {
		t.Errorf("Update outputs = %v, want the new inputs plus the name", out)
	}
	if _, err := c.Delete(context.Background(), &pulumirpc.DeleteRequest{Id: subnetID(sub1), Urn: subnetURN}); err != nil {
		t.Fatal(err)
	}
	want := []Call{
		{Op: OpUpdate, Package: "azure-native", URN: subnetURN, ID: subnetID(sub1)},
		{Op: OpDelete, Package: "azure-native", URN: subnetURN, ID: subnetID(sub1)},
	}
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Errorf("Calls = %v, want %v", got, want)
	}
}

func TestCreateFailsWithMockcloudsError(t *testing.T) {
	c := azure(t, start(t, "azure-native"), sub1)
	_, err := c.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: "urn:pulumi:dev::plinth::azure-native:web:WebApp::app", Properties: props(t, resource.PropertyMap{}),
	})
	want := `no offline answer for resource type "azure-native:web:WebApp" (app): Plinth does not register it; answer it in the render (platformtest.WithResource, or project.Answers.Resources for plinth plan)`
	if status.Convert(err).Message() != want {
		t.Errorf("Create error = %v, want %q", err, want)
	}
}

func TestReadReturnsTheStateOrTheLiveObject(t *testing.T) {
	c := configured(t, start(t, "kubernetes"), "kubernetes", map[string]any{"kubeconfig": "apiVersion: v1"})
	ctx := context.Background()

	// A refresh: the state comes back as it was.
	nsURN := "urn:pulumi:dev::plinth::kubernetes:core/v1:Namespace::team-a"
	ns := resource.NewPropertyMapFromMap(map[string]any{"metadata": map[string]any{"name": "team-a"}})
	refreshed, err := c.Read(ctx, &pulumirpc.ReadRequest{Id: "team-a", Urn: nsURN, Properties: props(t, ns), Inputs: props(t, ns)})
	if err != nil || refreshed.GetId() != "team-a" || !unprops(t, refreshed.GetProperties()).DeepEquals(ns) || !unprops(t, refreshed.GetInputs()).DeepEquals(ns) {
		t.Errorf("refresh Read = %v, %v; want the state and inputs as given", refreshed, err)
	}

	// A Get function: the ID only.
	svcURN := "urn:pulumi:dev::plinth::kubernetes:core/v1:Service::ingress-controller-service"
	svcID := "ingress-nginx/ingress-nginx-controller"
	live, err := c.Read(ctx, &pulumirpc.ReadRequest{Id: svcID, Urn: svcURN, Properties: props(t, resource.PropertyMap{}), Inputs: props(t, resource.PropertyMap{})})
	if err != nil {
		t.Fatal(err)
	}
	out := unprops(t, live.GetProperties())
	ingress := out["status"].ObjectValue()["loadBalancer"].ObjectValue()["ingress"].ArrayValue()
	if live.GetId() != svcID || len(ingress) != 1 || !strings.HasPrefix(ingress[0].ObjectValue()["ip"].StringValue(), "10.") {
		t.Errorf("live Read = %s %v; want the service's load-balancer address", live.GetId(), out)
	}

	_, err = c.Read(ctx, &pulumirpc.ReadRequest{Id: "kube-system/coredns", Urn: "urn:pulumi:dev::plinth::kubernetes:core/v1:ConfigMap::coredns"})
	want := `mockcloud: kubernetes:core/v1:ConfigMap "coredns" was read, not registered; add an answer to kubernetesReads in internal/mockcloud/ids_kubernetes.go`
	if status.Convert(err).Message() != want {
		t.Errorf("unanswerable live Read error = %v, want %q", err, want)
	}
}

func TestInvokeAnswersFromTheConnectionsConfiguration(t *testing.T) {
	c := azure(t, start(t, "azure-native"), sub2)
	resp, err := c.Invoke(context.Background(), &pulumirpc.InvokeRequest{
		Tok: "azure-native:authorization:getClientConfig", Args: props(t, resource.PropertyMap{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := unprops(t, resp.GetReturn())["subscriptionId"]; got.StringValue() != sub2 {
		t.Errorf("subscriptionId = %v, want the connection's %s", got, sub2)
	}
	_, err = c.Invoke(context.Background(), &pulumirpc.InvokeRequest{Tok: "azure-native:web:getWebApp"})
	if want := `no offline answer for invoke "azure-native:web:getWebApp": Plinth does not call it; answer it in the render (platformtest.WithInvoke, or project.Answers.Invokes for plinth plan)`; status.Convert(err).Message() != want {
		t.Errorf("unknown Invoke error = %v, want %q", err, want)
	}
}

func TestAClosedConnectionsConfigurationIsForgotten(t *testing.T) {
	p := start(t, "azure-native")
	prov := p.servers[0].prov
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(p.servers[0].port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	typ := "pulumi:providers:azure-native"
	if _, err := pulumirpc.NewResourceProviderClient(conn).Configure(context.Background(), &pulumirpc.ConfigureRequest{
		Type: &typ, Args: props(t, resource.NewPropertyMapFromMap(map[string]any{"subscriptionId": sub1})),
	}); err != nil {
		t.Fatal(err)
	}
	if n := configs(prov); n != 1 {
		t.Fatalf("%d configurations kept, want 1", n)
	}
	_ = conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for configs(prov) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d configurations kept 5s after their connection closed", configs(prov))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func configs(p *provider) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.configs)
}

package mockcloud

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

var azureProvider = resource.NewPropertyMapFromMap(map[string]any{
	"subscriptionId": "00000000-0000-0000-0000-000000000000",
	"tenantId":       "00000000-0000-0000-0000-000000000001",
	"location":       "westeurope",
})

func TestAnswerGivesTheARMIDUnderTheProvidersSubscription(t *testing.T) {
	inputs := resource.PropertyMap{
		"resourceGroupName":  resource.NewProperty("dev-aks-network"),
		"virtualNetworkName": resource.NewProperty("dev-aks-vnet"),
		"subnetName":         resource.NewProperty("nodes"),
		"addressPrefix":      resource.MakeSecret(resource.NewProperty("10.10.0.0/22")),
	}
	id, out, err := Answer("azure-native:network/v20240501:Subnet", "dev-aks-nodes", inputs, azureProvider)
	if err != nil {
		t.Fatal(err)
	}
	want := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dev-aks-network" +
		"/providers/Microsoft.Network/virtualNetworks/dev-aks-vnet/subnets/nodes"
	if id != want {
		t.Errorf("id = %q, want %q", id, want)
	}
	if got := out["name"]; !got.IsString() || got.StringValue() != "nodes" {
		t.Errorf("outputs.name = %v, want the subnet's name", got)
	}
	if !out["addressPrefix"].IsSecret() {
		t.Errorf("outputs.addressPrefix = %v, want the secret input kept secret", out["addressPrefix"])
	}
	if _, touched := inputs["name"]; touched {
		t.Error("Answer wrote its outputs into the inputs")
	}
}

func TestAnswerErrorsNameTheTypeAndTheFix(t *testing.T) {
	_, _, err := Answer("azure-native:web:WebApp", "app", resource.PropertyMap{}, nil)
	if err == nil || err.Error() != `no offline answer for resource type "azure-native:web:WebApp" (app): Plinth does not register it; answer it in the render (platformtest.WithResource, or project.Answers.Resources for plinth plan)` {
		t.Errorf("unknown type: error = %v", err)
	}
	_, _, err = Answer("azure-native:network/v20240501:Subnet", "nodes", resource.PropertyMap{}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), `mockcloud: azure-native:network/v20240501:Subnet "nodes": no subscriptionId on the resource's provider`) {
		t.Errorf("no provider: error = %v", err)
	}
}

func TestInvokeAnswersFromTheProvidersConfiguration(t *testing.T) {
	out, err := Invoke("azure-native:authorization:getClientConfig", resource.PropertyMap{}, azureProvider)
	if err != nil {
		t.Fatal(err)
	}
	if got := out["tenantId"]; !got.IsString() || got.StringValue() != "00000000-0000-0000-0000-000000000001" {
		t.Errorf("tenantId = %v, want the provider's tenant", got)
	}
	if got := out["objectId"]; !got.IsString() || got.StringValue() != uuidFrom("deployer-object", "00000000-0000-0000-0000-000000000000") {
		t.Errorf("objectId = %v, want the deployer's stable object ID", got)
	}
	_, err = Invoke("azure-native:web:getWebApp", resource.PropertyMap{}, azureProvider)
	if err == nil || err.Error() != `no offline answer for invoke "azure-native:web:getWebApp": Plinth does not call it; answer it in the render (platformtest.WithInvoke, or project.Answers.Invokes for plinth plan)` {
		t.Errorf("unknown invoke: error = %v", err)
	}
}

func TestReadLiveAnswersTheIngressServiceAddress(t *testing.T) {
	state := resource.PropertyMap{"kind": resource.NewProperty("Service")}
	out, err := ReadLive("kubernetes:core/v1:Service", "ingress-nginx/ingress-nginx-controller", "ingress", state, nil)
	if err != nil {
		t.Fatal(err)
	}
	ip := out["status"].ObjectValue()["loadBalancer"].ObjectValue()["ingress"].ArrayValue()[0].ObjectValue()["ip"]
	if want := ipFrom(10, "ingress-nginx/ingress-nginx-controller"); !ip.IsString() || ip.StringValue() != want {
		t.Errorf("status.loadBalancer.ingress[0].ip = %v, want %s", ip, want)
	}
	if out["kind"].StringValue() != "Service" {
		t.Errorf("the given state was dropped: %v", out)
	}
	for _, c := range []struct{ typ, id string }{
		{"kubernetes:core/v1:ConfigMap", "kube-system/x"},
		{"kubernetes:core/v1:Service", ""},
	} {
		_, err := ReadLive(c.typ, c.id, "x", resource.PropertyMap{}, nil)
		want := "mockcloud: " + c.typ + ` "x" was read, not registered; add an answer to kubernetesReads in internal/mockcloud/ids_kubernetes.go`
		if err == nil || err.Error() != want {
			t.Errorf("ReadLive(%s, %q): error = %v, want %q", c.typ, c.id, err, want)
		}
	}
}

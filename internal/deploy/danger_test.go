package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const (
	poolURN    = "urn:pulumi:prod-aks::plinth::plinth:components:Cluster$azure-native:containerservice/v20241001:AgentPool::prod-aks-pool-apps"
	bucketURN  = "urn:pulumi:prod-aks::plinth::azure-native:storage:StorageAccount::prod-aks-backup"
	ruleURN    = "urn:pulumi:prod-aks::plinth::azure-native:network:SecurityRule::prod-aks-allow-lb"
	clusterURN = "urn:pulumi:prod-aks::plinth::azure-native:containerservice/v20241001:ManagedCluster::prod-aks-cluster"
)

func step(op apitype.OpType, urn, typ string, old, new *apitype.StepEventStateMetadata) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Type: typ, Old: old, New: new}}}}
}

func TestDangersAreThePreviewsDeletesAndReplaces(t *testing.T) {
	pool := "azure-native:containerservice/v20241001:AgentPool"
	ch := make(chan events.EngineEvent, 10)
	ch <- step(apitype.OpSame, clusterURN, "", nil, nil)
	ch <- step(apitype.OpUpdate, ruleURN, "", &apitype.StepEventStateMetadata{Protect: true}, nil)
	// A replacement is three steps of one resource.
	ch <- step(apitype.OpCreateReplacement, poolURN, pool, nil, &apitype.StepEventStateMetadata{Protect: true})
	ch <- step(apitype.OpReplace, poolURN, pool, &apitype.StepEventStateMetadata{Protect: true}, nil)
	ch <- step(apitype.OpDeleteReplaced, poolURN, pool, &apitype.StepEventStateMetadata{Protect: true}, nil)
	ch <- step(apitype.OpDelete, bucketURN, "azure-native:storage:StorageAccount", &apitype.StepEventStateMetadata{RetainOnDelete: true}, nil)
	ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "x"}}}
	close(ch)

	got := dangersOf(ch)
	want := []Danger{
		{Op: DangerReplace, URN: poolURN, Type: pool, Protected: true},
		{Op: DangerDelete, URN: bucketURN, Type: "azure-native:storage:StorageAccount", Retained: true},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("dangers:\n got %+v\nwant %+v", got, want)
	}
	for i, s := range []string{
		"replace azure-native:containerservice/v20241001:AgentPool prod-aks-pool-apps (protected)",
		"delete azure-native:storage:StorageAccount prod-aks-backup (retained on delete)",
	} {
		if got[i].String() != s {
			t.Errorf("String() = %q, want %q", got[i].String(), s)
		}
	}
}

func TestPlanDangersReadASavedPlan(t *testing.T) {
	plan := `{"manifest":{"time":"2026-12-07T00:00:00Z"},"resourcePlans":{
"` + poolURN + `":{"goal":{"type":"azure-native:containerservice/v20241001:AgentPool","name":"prod-aks-pool-apps","custom":true,"protect":true},"steps":["create-replacement","replace","delete-replaced"]},
"` + bucketURN + `":{"steps":["delete"]},
"` + clusterURN + `":{"goal":{"type":"t","name":"n","custom":true,"protect":true},"steps":["same"]},
"` + ruleURN + `":{"goal":{"type":"t","name":"n","custom":true},"steps":["update"]}}}`
	path := filepath.Join(t.TempDir(), "prod-aks.plan.json")
	if err := os.WriteFile(path, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	dangers, stacks, err := PlanDangers(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Danger{
		{Op: DangerDelete, URN: bucketURN, Type: "azure-native:storage:StorageAccount"},
		{Op: DangerReplace, URN: poolURN, Type: "azure-native:containerservice/v20241001:AgentPool", Protected: true},
	}
	if !slices.Equal(dangers, want) || !slices.Equal(stacks, []string{"prod-aks"}) {
		t.Errorf("PlanDangers = %+v, %v\nwant %+v, [prod-aks]", dangers, stacks, want)
	}

	if err := os.WriteFile(path, []byte(`{"config":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := PlanDangers(path); err == nil || err.Error() != path+" is not a Pulumi plan: it has no resource plans; save one with plinth preview STACK --save-plan FILE" {
		t.Errorf("a file without resource plans: %v", err)
	}
}

func TestAllowRefusesWhatItDoesNotName(t *testing.T) {
	dangers := []Danger{
		{Op: DangerReplace, URN: poolURN, Type: "AgentPool", Protected: true},
		{Op: DangerDelete, URN: bucketURN, Type: "StorageAccount"},
		{Op: DangerDelete, URN: ruleURN, Type: "SecurityRule"},
	}
	for _, tc := range []struct {
		name  string
		allow Allow
		want  []Danger
	}{
		{"nothing allowed", Allow{}, dangers},
		{"by name and by URN", Allow{Replace: []string{"prod-aks-pool-apps"}, Delete: []string{bucketURN, "prod-aks-allow-lb"}}, nil},
		// Allowing a delete does not allow a replace of the same resource.
		{"the wrong operation", Allow{Delete: []string{"prod-aks-pool-apps"}, Replace: []string{"prod-aks-backup"}}, dangers},
	} {
		if got := tc.allow.Refused(dangers); !slices.Equal(got, tc.want) {
			t.Errorf("%s: refused %+v, want %+v", tc.name, got, tc.want)
		}
	}
	err := RefusedError("prod-aks", dangers[:2])
	want := "prod-aks: 2 deletes or replaces not allowed: replace AgentPool prod-aks-pool-apps (protected); delete StorageAccount prod-aks-backup\n" +
		"review them in the preview; if they are intended, allow each by name: --allow-replace prod-aks-pool-apps --allow-delete prod-aks-backup"
	if err.Error() != want {
		t.Errorf("RefusedError:\n got %q\nwant %q", err, want)
	}
}

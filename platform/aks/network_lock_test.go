package aks_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const lockType = "azure-native:authorization:ManagementLockByScope"

// renderNetworkLock renders the conformance suite's "prod" network with
// Locked set as given, under a test component, with cfg's resource group.
func renderNetworkLock(t *testing.T, locked bool, resourceGroup string) *platformtest.Snapshot {
	t.Helper()
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, Location: "westeurope", ResourceGroupName: resourceGroup})
		if err != nil {
			return err
		}
		spec := platformtest.NetworkSpecs()[1]
		spec.Locked = locked
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Network", spec.Name, parent); err != nil {
			return err
		}
		_, err = b.NewNetwork(ctx, spec, pulumi.Parent(parent))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestNetworkLock(t *testing.T) {
	if locks := renderNetworkLock(t, false, "").OfType(lockType); len(locks) != 0 {
		t.Errorf("unlocked network has %d management locks", len(locks))
	}

	snap := renderNetworkLock(t, true, "")
	locks := snap.OfType(lockType)
	if len(locks) != 1 {
		t.Fatalf("locked network has %d management locks, want one", len(locks))
	}
	lock := locks[0]
	expect(t, lock, map[string]any{
		"scope":    rgScope, // the group, which the cluster shares: not the VNet
		"level":    "CanNotDelete",
		"lockName": "prod-rg-lock",
	})
	if lock.Name != "prod-rg-lock" {
		t.Errorf("lock is named %q, want prod-rg-lock (C2)", lock.Name)
	}
	if !lock.Protect {
		t.Error("the lock is not protected; a destroy would remove it before deleting the group")
	}
	rg := snap.Find("azure-native:resources:ResourceGroup", "prod-rg")
	if rg == nil || !slices.Contains(lock.DependsOn, rg.URN) {
		t.Errorf("the lock does not depend on the resource group: dependsOn %v", lock.DependsOn)
	}
	if lock.Parent != snap.Find("plinth:test:Network", "prod").URN {
		t.Errorf("the lock is not parented to the calling component (C1): parent %q", lock.Parent)
	}
	if !strings.HasPrefix(lock.Provider, "urn:pulumi:prod-aks::plinth::pulumi:providers:azure-native::azure::") {
		t.Errorf("the lock uses provider %q, want the backend's (C3)", lock.Provider)
	}
	notes := platformtest.Input(t, lock, "notes").(string)
	for _, say := range []string{"cluster", "Locked to false", "never remove it by hand"} {
		if !strings.Contains(notes, say) {
			t.Errorf("lock notes do not say %q: %s", say, notes)
		}
	}
	for _, r := range snap.Resources {
		if r.Protect && r.Type != lockType {
			t.Errorf("%s %s is protected; Locked protects only the lock", r.Type, r.Name)
		}
	}
}

func TestNetworkLockOnAGivenResourceGroup(t *testing.T) {
	snap := renderNetworkLock(t, true, "platform-prod")
	if rgs := snap.OfType("azure-native:resources:ResourceGroup"); len(rgs) != 0 {
		t.Fatalf("%d resource groups created; the group is given", len(rgs))
	}
	locks := snap.OfType(lockType)
	if len(locks) != 1 {
		t.Fatalf("%d management locks, want one", len(locks))
	}
	expect(t, locks[0], map[string]any{
		"scope": "/subscriptions/" + sub + "/resourceGroups/platform-prod",
		"level": "CanNotDelete",
	})
}

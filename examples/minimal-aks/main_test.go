package main

import (
	"testing"

	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The platform renders under mocks: valid, protected and locked.
func TestPlatformRenders(t *testing.T) {
	snap, err := platformtest.Render("shop-prod", Program(aks.Config{
		SubscriptionID: "00000000-0000-0000-0000-000000000000",
		TenantID:       "00000000-0000-0000-0000-000000000001",
		Location:       "westeurope",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if lock := snap.Find("azure-native:authorization:ManagementLockByScope", "shop-prod-rg-lock"); lock == nil {
		t.Error("the production resource group is not locked")
	}
	for _, c := range []struct{ typ, name string }{
		{"plinth:environment:Platform", "shop-prod"},
		{"plinth:components:Cluster", "shop-prod"},
		{"plinth:components:Backup", "shop-prod"},
	} {
		if snap.Find(c.typ, c.name) == nil {
			t.Errorf("no %s %s", c.typ, c.name)
		}
	}
}

package main

import (
	"testing"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The team's definition is valid and overrides only what it names.
func TestEnvironmentLoads(t *testing.T) {
	env, err := Environment()
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Validate(); err != nil {
		t.Fatal(err)
	}
	if env.Class != environment.Staging || !env.Protect || env.PowerSchedule.Stop != "20:00" || env.PowerSchedule.Start != "" {
		t.Errorf("the staging profile under the file: %+v", env)
	}
	if got := env.Cluster.UserPools[0]; got.Name != "apps" || got.MaxCount != 6 {
		t.Errorf("user pool = %+v", got)
	}
}

// The program renders under mocks, with the team's access package.
func TestProgramRenders(t *testing.T) {
	snap, err := platformtest.Render("shop-staging", Program(aks.Config{
		SubscriptionID: "00000000-0000-0000-0000-000000000000",
		TenantID:       "00000000-0000-0000-0000-000000000001",
		Location:       "francecentral",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if snap.Find("plinth:components:AccessPackage", "shop-staging-storefront") == nil {
		t.Error("no access package for the storefront team")
	}
}

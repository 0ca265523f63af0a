package aks_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestServicesConformance(t *testing.T) {
	platformtest.ServicesConformance(t, func(ctx *pulumi.Context) (platformtest.ServicesTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	})
	aks.BuildFrom(t, aks.TeamBuild("v0.1.0", nil))
	platformtest.PowerScheduleConformance(t, func(ctx *pulumi.Context) (platformtest.PowerScheduleTestBackend, error) {
		return aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope"})
	})
}

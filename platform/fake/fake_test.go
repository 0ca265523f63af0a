package fake_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestNetworkConformance(t *testing.T) {
	platformtest.NetworkConformance(t, func(ctx *pulumi.Context) (platform.NetworkBackend, error) {
		return fake.New(ctx, "fake")
	})
}

func TestClusterConformance(t *testing.T) {
	platformtest.ClusterConformance(t, func(ctx *pulumi.Context) (platformtest.ClusterTestBackend, error) {
		return fake.New(ctx, "fake")
	})
}

func TestServicesConformance(t *testing.T) {
	platformtest.ServicesConformance(t, func(ctx *pulumi.Context) (platformtest.ServicesTestBackend, error) {
		return fake.New(ctx, "fake")
	})
	platformtest.PowerScheduleConformance(t, func(ctx *pulumi.Context) (platformtest.PowerScheduleTestBackend, error) { return fake.New(ctx, "fake") })
}

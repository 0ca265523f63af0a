package gke_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestServicesConformance(t *testing.T) {
	platformtest.ServicesConformance(t, func(ctx *pulumi.Context) (platformtest.ServicesTestBackend, error) {
		return newBackend(ctx)
	})
	platformtest.PowerScheduleConformance(t, func(ctx *pulumi.Context) (platformtest.PowerScheduleTestBackend, error) { return newBackend(ctx) })
}

package main

import (
	"testing"

	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The platform renders under mocks, with its night-time power schedule.
func TestPlatformRenders(t *testing.T) {
	snap, err := platformtest.Render("shop-dev", Program(gke.Config{Project: "shop-dev-123", Region: "europe-west1"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ typ, name string }{
		{"plinth:environment:Platform", "shop-dev"},
		{"plinth:components:PowerSchedule", "shop-dev"},
		{"gcp:cloudscheduler/job:Job", "shop-dev-stop-schedule"},
	} {
		if snap.Find(c.typ, c.name) == nil {
			t.Errorf("no %s %s", c.typ, c.name)
		}
	}
}

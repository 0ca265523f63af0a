package powerschedule_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// render creates a network, a development cluster and a PowerSchedule
// "dev" on the fake backend.
func render(t *testing.T, mutate func(a *powerschedule.Args)) (*platformtest.Snapshot, *fake.Backend, error) {
	t.Helper()
	var b *fake.Backend
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		net, err := network.New(ctx, "dev", &network.Args{Backend: b, AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, "dev", &cluster.Args{Backend: b, Network: net})
		if err != nil {
			return err
		}
		args := powerschedule.Args{Backend: b, Cluster: c, Tags: map[string]string{"environment": "dev"}}
		if mutate != nil {
			mutate(&args)
		}
		_, err = powerschedule.New(ctx, "dev", &args)
		return err
	})
	return snap, b, err
}

func TestDefaultsReachTheBackend(t *testing.T) {
	snap, b, err := render(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	specs := b.PowerSchedules()
	if len(specs) != 1 {
		t.Fatalf("backend got %d specs, want 1", len(specs))
	}
	s := specs[0]
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	if s.Name != "dev" || !reflect.DeepEqual(s.Days, weekdays) || s.Start != "07:00" || s.Stop != "19:00" || s.TimeZone != "UTC" {
		t.Errorf("spec = %+v; want Monday-Friday 07:00-19:00 UTC", s)
	}
	if s.Cluster.Name != "dev" || len(s.Cluster.Pools) == 0 || s.Outputs == nil {
		t.Errorf("spec does not carry the cluster: %+v", s.Cluster)
	}
	comp := snap.Find(powerschedule.TypeToken, "dev")
	if comp == nil {
		t.Fatal("no PowerSchedule component")
	}
	for _, action := range []string{"stop", "start"} {
		r := snap.Find(fake.ScheduleType, "dev-"+action)
		if r == nil {
			t.Fatalf("no %s schedule", action)
		}
		if r.Parent != comp.URN {
			t.Errorf("%s schedule is parented to %s, want the component", action, r.Parent)
		}
		if got := platformtest.Input(t, r, "cluster"); got != "fake://clusters/dev-cluster" {
			t.Errorf("%s schedule targets %v, want the cluster", action, got)
		}
		if got := platformtest.StringMap(t, platformtest.Input(t, r, "tags")); got["environment"] != "dev" {
			t.Errorf("%s schedule tags = %v", action, got)
		}
	}
}

func TestDaysReachTheBackendInWeekOrder(t *testing.T) {
	_, b, err := render(t, func(a *powerschedule.Args) {
		a.Days = []string{"Sunday", "Wednesday", "Monday"}
		a.Start, a.Stop, a.TimeZone = "06:30", "22:00", "Europe/Berlin"
	})
	if err != nil {
		t.Fatal(err)
	}
	s := b.PowerSchedules()[0]
	if want := []time.Weekday{time.Monday, time.Wednesday, time.Sunday}; !reflect.DeepEqual(s.Days, want) {
		t.Errorf("days = %v, want %v", s.Days, want)
	}
	if s.Start != "06:30" || s.Stop != "22:00" || s.TimeZone != "Europe/Berlin" {
		t.Errorf("user values changed on the way: %+v", s)
	}
}

func TestBadInputRegistersNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(a *powerschedule.Args)
		want   string
	}{
		{"production", func(a *powerschedule.Args) { a.Production = true },
			`powerSchedule.production true: a production cluster is never stopped on a schedule; remove the schedule from this environment`},
		{"bad day", func(a *powerschedule.Args) { a.Days = []string{"Monday", "monday", "Monday"} },
			`powerSchedule.days[1] "monday": not a day; use English day names such as "Monday"` + "\n" +
				`powerSchedule.days[2] "Monday": listed twice; list each day once`},
		{"bad times", func(a *powerschedule.Args) { a.Start, a.Stop = "7:00", "24:00" },
			`powerSchedule.start "7:00": use a 24-hour time of day "HH:MM", e.g. "07:00"` + "\n" +
				`powerSchedule.stop "24:00": use a 24-hour time of day "HH:MM", e.g. "07:00"`},
		{"overnight", func(a *powerschedule.Args) { a.Start, a.Stop = "20:00", "06:00" },
			`powerSchedule.stop "06:00": must be after start "20:00" on the same day; a cluster that runs overnight is a production cluster, or needs no schedule`},
		{"time zone", func(a *powerschedule.Args) { a.TimeZone = "CET+1" },
			`powerSchedule.timeZone "CET+1": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`},
		{"tags", func(a *powerschedule.Args) { a.Tags = map[string]string{"Owner": "x"} },
			`powerSchedule.tags["Owner"] "Owner": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, b, err := render(t, tc.mutate)
			var list *field.ErrorList
			if !errors.As(err, &list) || list.Error() != tc.want {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			if len(b.PowerSchedules()) != 0 || (snap != nil && snap.Find(powerschedule.TypeToken, "dev") != nil) {
				t.Error("registered something for rejected args")
			}
		})
	}
}

func TestMissingBackendAndCluster(t *testing.T) {
	_, err := (&powerschedule.Args{}).Resolve("dev", "powerSchedule")
	want := `powerSchedule.backend: required: pass the backend the cluster was created with` + "\n" +
		`powerSchedule.cluster: required: pass the *cluster.Cluster to stop and start`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

var _ platform.PowerScheduleBackend = (*fake.Backend)(nil)

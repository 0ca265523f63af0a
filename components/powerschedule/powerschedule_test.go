package powerschedule_test

import (
	"errors"
	"reflect"
	"strings"
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

// The targets the tests resolve against: the fake cloud, outside and in
// production.
var (
	onFake     = platform.Target{Cloud: fake.Facts}
	onFakeProd = platform.Target{Cloud: fake.Facts, Production: true}
)

// resolveCluster resolves the network and the cluster "dev" against
// target, as an environment does before creating anything.
func resolveCluster(target platform.Target) (network.Resolved, cluster.Resolved, error) {
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("dev", field.NewPath("network"), target)
	if err != nil {
		return nr, cluster.Resolved{}, err
	}
	cr, err := cluster.Args{}.Resolve("dev", field.NewPath("cluster"), target, nr.Spec())
	return nr, cr, err
}

// rendered is what render created.
type rendered struct {
	snap    *platformtest.Snapshot
	backend *fake.Backend
	cluster *cluster.Cluster
}

// render resolves a network, a cluster and a PowerSchedule "dev" against
// target and creates them on the fake backend. It resolves the schedule
// inside the program, so that a test of invalid args also sees that nothing
// was registered.
func render(t *testing.T, target platform.Target, mutate func(a *powerschedule.Args)) (rendered, error) {
	t.Helper()
	var out rendered
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if out.backend, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		nr, cr, err := resolveCluster(target)
		if err != nil {
			return err
		}
		net, err := network.New(ctx, nr, out.backend)
		if err != nil {
			return err
		}
		if out.cluster, err = cluster.New(ctx, cr, out.backend, net); err != nil {
			return err
		}
		args := powerschedule.Args{Tags: map[string]string{"environment": "dev"}}
		if mutate != nil {
			mutate(&args)
		}
		r, err := args.Resolve("dev", field.NewPath("powerSchedule"), target, cr.Spec())
		if err != nil {
			return err
		}
		_, err = powerschedule.New(ctx, r, out.backend, out.cluster)
		return err
	})
	out.snap = snap
	return out, err
}

func TestDefaultsReachTheBackend(t *testing.T) {
	out, err := render(t, onFake, nil)
	if err != nil {
		t.Fatal(err)
	}
	specs := out.backend.PowerSchedules()
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
	if s.Outputs != out.cluster.Outputs {
		t.Errorf("spec outputs = %p, want the cluster's %p", s.Outputs, out.cluster.Outputs)
	}
	comp := out.snap.Find(powerschedule.TypeToken, "dev")
	if comp == nil {
		t.Fatal("no PowerSchedule component")
	}
	for _, action := range []string{"stop", "start"} {
		r := out.snap.Find(fake.ScheduleType, "dev-"+action)
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
	out, err := render(t, onFake, func(a *powerschedule.Args) {
		a.Days = []string{"Sunday", "Wednesday", "Monday"}
		a.Start, a.Stop, a.TimeZone = "06:30", "22:00", "Europe/Berlin"
	})
	if err != nil {
		t.Fatal(err)
	}
	s := out.backend.PowerSchedules()[0]
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
		target platform.Target
		mutate func(a *powerschedule.Args)
		want   string
	}{
		{"production", onFakeProd, nil,
			`powerSchedule: a production cluster is never stopped on a schedule; remove the schedule from this environment`},
		{"bad day", onFake, func(a *powerschedule.Args) { a.Days = []string{"Monday", "monday", "Monday"} },
			`powerSchedule.days[1] "monday": not a day; use English day names such as "Monday"` + "\n" +
				`powerSchedule.days[2] "Monday": listed twice; list each day once`},
		{"bad times", onFake, func(a *powerschedule.Args) { a.Start, a.Stop = "7:00", "24:00" },
			`powerSchedule.start "7:00": use a 24-hour time of day "HH:MM", e.g. "07:00"` + "\n" +
				`powerSchedule.stop "24:00": use a 24-hour time of day "HH:MM", e.g. "07:00"`},
		{"overnight", onFake, func(a *powerschedule.Args) { a.Start, a.Stop = "20:00", "06:00" },
			`powerSchedule.stop "06:00": must be after start "20:00" on the same day; a cluster that runs overnight is a production cluster, or needs no schedule`},
		{"time zone", onFake, func(a *powerschedule.Args) { a.TimeZone = "CET+1" },
			`powerSchedule.timeZone "CET+1": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`},
		{"tags", onFake, func(a *powerschedule.Args) { a.Tags = map[string]string{"Owner": "x"} },
			`powerSchedule.tags["Owner"] "Owner": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := render(t, tc.target, tc.mutate)
			var list *field.ErrorList
			if !errors.As(err, &list) || list.Error() != tc.want {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			if out.cluster == nil {
				t.Fatal("the cluster was not created; the test setup is broken")
			}
			if len(out.backend.PowerSchedules()) != 0 || (out.snap != nil && out.snap.Find(powerschedule.TypeToken, "dev") != nil) {
				t.Error("registered something for rejected args")
			}
		})
	}
}

// Resolve reports for the times exactly what the platform's rule
// (platform.PowerScheduleSpec.ValidateTimes) reports, the rule every
// backend checks.
func TestTimesFollowThePlatformRule(t *testing.T) {
	_, cr, err := resolveCluster(onFake)
	if err != nil {
		t.Fatal(err)
	}
	path := field.NewPath("environments").Index(1).Child("powerSchedule")
	for _, tc := range []struct{ start, stop, zone string }{
		{"07:00", "19:00", "UTC"},
		{"00:00", "23:59", "Europe/Berlin"},
		{"7:00", "24:00", "UTC"},
		{"20:00", "06:00", "UTC"},
		{"08:00", "08:00", "UTC"},
		{"07:60", "19:00", "America/New_York"},
		{"07:00", "19:00", "Local"},
		{"07:00", "19:00", "Mars/Olympus"},
		{"19:00", "07:00", "CET+1"},
	} {
		args := powerschedule.Args{Start: tc.start, Stop: tc.stop, TimeZone: tc.zone}
		r, err := args.Resolve("dev", path, onFake, cr.Spec())
		want := platform.PowerScheduleSpec{Start: tc.start, Stop: tc.stop, TimeZone: tc.zone}.ValidateTimes(path)
		switch {
		case len(want) == 0 && err != nil:
			t.Errorf("%+v: %v; the platform's rule accepts it", tc, err)
		case len(want) == 0 && (r.Spec().Start != tc.start || r.Spec().Stop != tc.stop || r.Spec().TimeZone != tc.zone):
			t.Errorf("%+v: resolved %+v", tc, r.Spec())
		case len(want) > 0 && (err == nil || err.Error() != want.Err().Error()):
			t.Errorf("%+v: error:\n%v\nwant the platform's:\n%v", tc, err, want.Err())
		}
		if len(want) > 0 && !strings.HasPrefix(want[0].Error(), path.String()+".") {
			t.Errorf("%+v: the platform's error %q is not under %s", tc, want[0], path)
		}
	}
}

// New refuses, before registering anything, a value Resolve did not make,
// a missing backend and a missing or unmade cluster: plain errors, not
// field errors.
func TestNewNeedsResolvedArgsABackendAndACluster(t *testing.T) {
	for _, tc := range []struct {
		name       string
		unresolved bool
		noBackend  bool
		host       func(c *cluster.Cluster) cluster.Host
		want       string
	}{
		{name: "not resolved", unresolved: true,
			want: `powerSchedule: not resolved; pass what Args.Resolve returns`},
		{name: "no backend", noBackend: true,
			want: `powerSchedule "dev": no backend; pass the backend the cluster was created with`},
		{name: "no cluster", host: func(*cluster.Cluster) cluster.Host { return nil },
			want: `powerSchedule "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`},
		{name: "cluster cluster.New did not make", host: func(*cluster.Cluster) cluster.Host { return &cluster.Cluster{} },
			want: `powerSchedule "dev": no cluster; pass the *cluster.Cluster that cluster.New returned`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b *fake.Backend
			var err error
			snap, rerr := platformtest.Render("test", func(ctx *pulumi.Context) error {
				var ferr error
				if b, ferr = fake.New(ctx, "fake"); ferr != nil {
					return ferr
				}
				nr, cr, ferr := resolveCluster(onFake)
				if ferr != nil {
					return ferr
				}
				net, ferr := network.New(ctx, nr, b)
				if ferr != nil {
					return ferr
				}
				c, ferr := cluster.New(ctx, cr, b, net)
				if ferr != nil {
					return ferr
				}
				r, ferr := powerschedule.Args{}.Resolve("dev", field.NewPath("powerSchedule"), onFake, cr.Spec())
				if ferr != nil {
					return ferr
				}
				if tc.unresolved {
					r = powerschedule.Resolved{}
				}
				var backend platform.PowerScheduleBackend = b
				if tc.noBackend {
					backend = nil
				}
				var host cluster.Host = c
				if tc.host != nil {
					host = tc.host(c)
				}
				_, err = powerschedule.New(ctx, r, backend, host)
				return nil
			})
			if rerr != nil {
				t.Fatal(rerr)
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v\nwant %s", err, tc.want)
			}
			var list *field.ErrorList
			if errors.As(err, &list) {
				t.Error("the error is a *field.ErrorList; want a plain error")
			}
			if len(b.PowerSchedules()) != 0 || snap.Find(powerschedule.TypeToken, "dev") != nil {
				t.Error("registered something")
			}
		})
	}
}

var _ platform.PowerScheduleBackend = (*fake.Backend)(nil)

package powerschedule

import (
	"errors"
	"fmt"
	"slices"
	"time"

	// Time zones come from Go's embedded database, so that validation
	// does not depend on the machine's tzdata.
	_ "time/tzdata"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the PowerSchedule component.
const TypeToken = "plinth:components:PowerSchedule"

// Defaults for the optional fields of Args.
const (
	// DefaultStart is when the cluster starts on a working day.
	DefaultStart = "07:00"
	// DefaultStop is when the cluster stops on a working day.
	DefaultStop = "19:00"
	// DefaultTimeZone is the zone Start and Stop are read in.
	DefaultTimeZone = "UTC"
)

// DefaultDays are the days the cluster runs: Monday to Friday.
var DefaultDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

// Args are a PowerSchedule's settings: plain data, the same in Go and
// YAML. Every field has a default. A production target never gets a
// schedule: Resolve refuses it.
type Args struct {
	// Days are the English names of the weekdays the cluster runs
	// ("Monday" ... "Sunday"). Unset: DefaultDays.
	Days []string
	// Start and Stop are the local times, "HH:MM" on a 24-hour clock, at
	// which the cluster starts and stops on each of Days; Start is before
	// Stop. Unset: DefaultStart and DefaultStop.
	Start, Stop string
	// TimeZone is the IANA time zone Start and Stop are read in, e.g.
	// "Europe/Berlin". Unset: DefaultTimeZone.
	TimeZone string

	// Tags go on every cloud resource that accepts tags or labels, over
	// the cluster's tags.
	Tags map[string]string
}

// PowerSchedule is the component resource.
type PowerSchedule struct {
	pulumi.ResourceState

	// Spec is what the backend received.
	Spec platform.PowerScheduleSpec
	// StopSchedule and StartSchedule are the cloud IDs of the schedules.
	StopSchedule  pulumi.StringOutput `pulumi:"stopSchedule"`
	StartSchedule pulumi.StringOutput `pulumi:"startSchedule"`
	// PrincipalID is the identity that stops and starts the cluster.
	PrincipalID pulumi.StringOutput `pulumi:"principalId"`
}

// Resolved is a power schedule, validated and completed against its target
// and cluster: what New creates. Only Args.Resolve makes one.
type Resolved struct{ spec platform.PowerScheduleSpec }

// Spec returns the spec the backend receives, without the cluster's
// outputs (New adds them).
func (r Resolved) Spec() platform.PowerScheduleSpec { return r.spec }

// New creates the schedules r describes through backend, for host (the
// cluster r was resolved against).
func New(ctx *pulumi.Context, r Resolved, backend platform.PowerScheduleBackend, host cluster.Host, opts ...pulumi.ResourceOption) (*PowerSchedule, error) {
	name := r.spec.Name
	switch {
	case name == "":
		return nil, errors.New("powerSchedule: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("powerSchedule %q: no backend; pass the backend the cluster was created with", name)
	}
	if err := cluster.CheckHost("powerSchedule", name, host); err != nil {
		return nil, err
	}
	spec := r.spec
	spec.Outputs = host.ClusterOutputs()
	ps := &PowerSchedule{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, ps, opts...); err != nil {
		return nil, err
	}
	out, err := backend.NewPowerSchedule(ctx, spec, pulumi.Parent(ps))
	if err != nil {
		return nil, fmt.Errorf("powerSchedule %q: %w", name, err)
	}
	ps.StopSchedule, ps.StartSchedule, ps.PrincipalID = out.StopSchedule, out.StartSchedule, out.PrincipalID
	return ps, ctx.RegisterResourceOutputs(ps, pulumi.Map{
		"stopSchedule":  out.StopSchedule,
		"startSchedule": out.StartSchedule,
		"principalId":   out.PrincipalID,
	})
}

// Resolve validates a against t and the resolved cluster it stops and
// starts, applies the defaults and returns what New creates; path roots
// the field paths of its errors. The times follow the rules every backend
// checks (platform.PowerScheduleSpec.ValidateTimes). It is pure: it asks
// no backend and registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	if t.Production {
		errs.Addf(path, nil, "a production cluster is never stopped on a schedule; remove the schedule from this environment")
	}
	r := a.withDefaults()
	days := make([]time.Weekday, 0, len(r.Days))
	for i, d := range r.Days {
		wd, ok := weekday(d)
		switch {
		case !ok:
			errs.Addf(path.Child("days").Index(i), d, "not a day; use English day names such as \"Monday\"")
		case slices.Contains(days, wd):
			errs.Addf(path.Child("days").Index(i), d, "listed twice; list each day once")
		default:
			days = append(days, wd)
		}
	}
	// Backends get the days in week order, Monday first.
	slices.SortFunc(days, func(x, y time.Weekday) int { return mondayFirst(x) - mondayFirst(y) })
	spec := platform.PowerScheduleSpec{
		Name:     name,
		Cluster:  c,
		Days:     days,
		Start:    r.Start,
		Stop:     r.Stop,
		TimeZone: r.TimeZone,
		Tags:     c.Tags.Merge(r.Tags),
	}
	errs = append(errs, spec.ValidateTimes(path)...)
	errs = append(errs, platform.Tags(r.Tags).Validate(path.Child("tags"))...)
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{spec}, nil
}

// withDefaults returns a copy of a with every unset field filled.
func (a Args) withDefaults() Args {
	if len(a.Days) == 0 {
		a.Days = DefaultDays
	}
	if a.Start == "" {
		a.Start = DefaultStart
	}
	if a.Stop == "" {
		a.Stop = DefaultStop
	}
	if a.TimeZone == "" {
		a.TimeZone = DefaultTimeZone
	}
	return a
}

// weekday parses an English day name.
func weekday(s string) (time.Weekday, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if d.String() == s {
			return d, true
		}
	}
	return 0, false
}

// mondayFirst orders the week from Monday (0) to Sunday (6).
func mondayFirst(d time.Weekday) int { return (int(d) + 6) % 7 }

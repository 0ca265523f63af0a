package powerschedule

import (
	"fmt"
	"regexp"
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

// Args configures a PowerSchedule. Backend and Cluster are required; every
// other field has a default.
type Args struct {
	// Backend creates the schedules: the same backend the cluster was
	// created with. Required.
	Backend platform.PowerScheduleBackend `yaml:"-"`
	// Cluster is the cluster to stop and start. Required.
	Cluster *cluster.Cluster `yaml:"-"`
	// Production marks a production environment, which never gets a
	// schedule: New refuses it.
	Production bool `yaml:"-"`

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

// New validates args and creates the schedules through args.Backend. On
// invalid args, or a production cluster, it returns every problem (a
// *field.ErrorList) and registers nothing.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*PowerSchedule, error) {
	if args == nil {
		args = &Args{}
	}
	spec, err := args.Resolve(name, field.NewPath("powerSchedule"))
	if err != nil {
		return nil, err
	}
	ps := &PowerSchedule{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, ps, opts...); err != nil {
		return nil, err
	}
	out, err := args.Backend.NewPowerSchedule(ctx, spec, pulumi.Parent(ps))
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

// clock is a time of day, "HH:MM".
var clock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Resolve applies the defaults, validates the result and returns the spec
// the backend receives; path roots the field paths of its errors.
func (a *Args) Resolve(name string, path field.Path) (platform.PowerScheduleSpec, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	if a.Backend == nil {
		errs.Add(field.Required(path.Child("backend"), "pass the backend the cluster was created with"))
	}
	if a.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "pass the *cluster.Cluster to stop and start"))
	}
	if a.Production {
		errs.Addf(path.Child("production"), true, "a production cluster is never stopped on a schedule; remove the schedule from this environment")
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
	for _, t := range []struct{ field, value string }{{"start", r.Start}, {"stop", r.Stop}} {
		if !clock.MatchString(t.value) {
			errs.Addf(path.Child(t.field), t.value, "use a 24-hour time of day \"HH:MM\", e.g. \"07:00\"")
		}
	}
	if clock.MatchString(r.Start) && clock.MatchString(r.Stop) && r.Start >= r.Stop {
		errs.Addf(path.Child("stop"), r.Stop, "must be after start %q on the same day; a cluster that runs overnight is a production cluster, or needs no schedule", r.Start)
	}
	if _, err := time.LoadLocation(r.TimeZone); err != nil || r.TimeZone == "Local" {
		errs.Addf(path.Child("timeZone"), r.TimeZone, "not an IANA time zone; use a name such as \"Europe/Berlin\" or \"UTC\"")
	}
	errs = append(errs, platform.Tags(r.Tags).Validate(path.Child("tags"))...)
	if err := errs.Err(); err != nil {
		return platform.PowerScheduleSpec{}, err
	}
	// Backends get the days in week order, Monday first.
	slices.SortFunc(days, func(x, y time.Weekday) int { return mondayFirst(x) - mondayFirst(y) })
	return platform.PowerScheduleSpec{
		Name:     name,
		Cluster:  a.Cluster.Spec,
		Outputs:  a.Cluster.Outputs,
		Days:     days,
		Start:    r.Start,
		Stop:     r.Stop,
		TimeZone: r.TimeZone,
		Tags:     a.Cluster.Spec.Tags.Merge(r.Tags),
	}, nil
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

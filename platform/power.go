package platform

import (
	"regexp"
	"slices"
	"time"

	// Backends read time zones from Go's embedded database, so that a
	// spec validates the same on every machine.
	_ "time/tzdata"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/field"
)

// PowerScheduleSpec asks a backend to stop a non-production cluster outside
// working hours and start it again, so that an idle cluster costs only its
// control plane and disks. Production clusters never get one.
//
// The cluster runs on each day in Days from Start to Stop, local time in
// TimeZone; it is stopped at Stop on each of those days and started at
// Start. Days not listed (the weekend, by default) stay stopped.
type PowerScheduleSpec struct {
	// Name is the component's logical name; children derive from it.
	Name string
	// Cluster is the cluster's resolved spec: its name and its pools (the
	// system pool first), whose autoscaler bounds a backend that scales
	// pools restores when it starts the cluster.
	Cluster ClusterSpec
	// Outputs identify the cluster in its cloud.
	Outputs *ClusterOutputs
	// Days are the weekdays the cluster runs, in week order, Monday first.
	Days []time.Weekday
	// Start and Stop are local times of day, "HH:MM", Start before Stop.
	Start, Stop string
	// TimeZone is an IANA time zone, e.g. "Europe/Berlin".
	TimeZone string
	// Tags go on every child that accepts tags or labels.
	Tags Tags
}

// PowerScheduleOutputs is what a PowerScheduleBackend returns.
type PowerScheduleOutputs struct {
	// StopSchedule and StartSchedule are the cloud IDs of the two
	// schedules.
	StopSchedule, StartSchedule pulumi.StringOutput
	// PrincipalID is the identity that stops and starts the cluster (a
	// managed identity's principal ID on Azure, a service account email on
	// GCP). It holds only the rights to read, stop and start (AKS) or
	// resize (GKE) this cluster.
	PrincipalID pulumi.StringOutput
}

// PowerScheduleBackend stops and starts a cluster on a schedule: on AKS an
// Automation account whose runbook stops and starts the managed cluster
// through its managed identity; on GKE scheduled jobs that scale every node
// pool to zero and back to its autoscaler bounds.
type PowerScheduleBackend interface {
	Backend
	NewPowerSchedule(ctx *pulumi.Context, spec PowerScheduleSpec, opts ...pulumi.ResourceOption) (*PowerScheduleOutputs, error)
}

// clock is a time of day, "HH:MM" on a 24-hour clock.
var clock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks what every backend needs of a power schedule: a logical
// name, the cluster's outputs, at least one weekday and none twice, Start
// before Stop as "HH:MM", and an IANA time zone. Backends call it before
// registering anything and add their own cloud's rules; problems are
// reported under path.
func (s PowerScheduleSpec) Validate(path field.Path) field.List {
	var errs field.List
	errs.Add(ValidateName(path.Child("name"), s.Name))
	switch {
	case s.Outputs == nil:
		errs.Add(field.Required(path.Child("outputs"), "the outputs of the cluster to stop and start, as this backend returned them"))
	case s.Outputs.ID.OutputState == nil:
		errs.Add(field.Required(path.Child("outputs").Child("id"), "the cluster's cloud ID; pass the ClusterOutputs this backend returned"))
	}
	if len(s.Days) == 0 {
		errs.Add(field.Required(path.Child("days"), "at least one weekday the cluster runs, e.g. Monday to Friday"))
	}
	for i, d := range s.Days {
		switch {
		case d < time.Sunday || d > time.Saturday:
			errs.Addf(path.Child("days").Index(i), int(d), "not a weekday; use time.Sunday..time.Saturday")
		case slices.Contains(s.Days[:i], d):
			errs.Addf(path.Child("days").Index(i), d.String(), "listed twice; list each day once")
		}
	}
	errs = append(errs, s.ValidateTimes(path)...)
	return errs
}

// ValidateTimes checks the schedule's times: Start before Stop as "HH:MM"
// on a 24-hour clock, and an IANA time zone. Validate calls it; the
// PowerSchedule component calls it while resolving, so that both check
// the same rules.
func (s PowerScheduleSpec) ValidateTimes(path field.Path) field.List {
	var errs field.List
	for _, t := range []struct{ name, value string }{{"start", s.Start}, {"stop", s.Stop}} {
		if !clock.MatchString(t.value) {
			errs.Addf(path.Child(t.name), t.value, "use a 24-hour time of day \"HH:MM\", e.g. \"07:00\"")
		}
	}
	if clock.MatchString(s.Start) && clock.MatchString(s.Stop) && s.Start >= s.Stop {
		errs.Addf(path.Child("stop"), s.Stop, "must be after start %q on the same day; a cluster that runs overnight is a production cluster, or needs no schedule", s.Start)
	}
	switch _, err := time.LoadLocation(s.TimeZone); {
	case s.TimeZone == "":
		errs.Add(field.Required(path.Child("timeZone"), "an IANA time zone such as \"Europe/Berlin\" or \"UTC\""))
	case err != nil || s.TimeZone == "Local":
		errs.Addf(path.Child("timeZone"), s.TimeZone, "not an IANA time zone; use a name such as \"Europe/Berlin\" or \"UTC\"")
	}
	return errs
}

package platform

import (
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
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

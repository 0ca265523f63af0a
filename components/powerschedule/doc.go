// Package powerschedule is Plinth's PowerSchedule component: it stops a
// non-production cluster outside working hours and starts it again, so that
// an idle development or staging cluster costs only its control plane and
// disks.
//
// The cluster runs on the listed days (Monday to Friday by default) from
// Start to Stop (07:00 to 19:00 by default) in the given time zone (UTC by
// default), and stays stopped on the other days. The backend decides how:
// on AKS an Automation account whose runbook stops and starts the managed
// cluster through the account's managed identity, which may do nothing else;
// on GKE scheduled jobs that scale every node pool to zero and back to its
// autoscaler bounds. A production cluster never gets a schedule:
// Args.Resolve refuses a production target.
//
// The arguments, what each backend creates and how to run a deployment
// while a cluster is stopped are described in docs/components/powerschedule.md.
package powerschedule

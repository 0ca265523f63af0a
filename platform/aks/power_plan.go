package aks

import (
	"crypto/sha256"
	_ "embed" // the runbook's script
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	// Time zones come from Go's embedded database, so that a spec's zone
	// is read the same on every machine, whatever tzdata it has.
	_ "time/tzdata"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Power schedule settings that are not spec fields.
const (
	// runbookFile is the runbook's file in runbooks/; runbookPath is where
	// that file is in the repository, under Config.RunbookBaseURL (or the
	// build's published source, runbookBaseURL).
	runbookFile = "Set-AksPowerState.ps1"
	runbookPath = "platform/aks/runbooks/" + runbookFile
	// runbookName is the runbook's name in the Automation account.
	runbookName = "Set-AksPowerState"
	// runbookType runs the script on PowerShell 7.2 in Azure's cloud
	// sandbox. The API version of the automation package (2023-11-01) is
	// the first that knows it.
	runbookType = "PowerShell72"
	// contentHashAlgorithm is how Automation checks the downloaded script.
	contentHashAlgorithm = "SHA256"
	// automationSKU is the paid tier; Free allows 500 job minutes a month,
	// which two daily jobs that each wait minutes for AKS can exceed.
	automationSKU = "Basic"
	// scheduleFrequency and scheduleInterval make a schedule weekly; the
	// days come from its advanced schedule.
	scheduleFrequency = "Week"
	scheduleInterval  = 1
	// scheduleLeadTime is how far after "now" a schedule may start at the
	// earliest. Azure takes only start times at least five minutes ahead,
	// and the schedules are created after the cluster, which takes a
	// while; a start an hour out survives a slow deployment.
	scheduleLeadTime = time.Hour
	// The runbook's parameters (see the script).
	runbookClusterParameter = "ClusterResourceId"
	runbookActionParameter  = "Action"
	// The runbook's actions, and so the schedules.
	actionStop  = "Stop"
	actionStart = "Start"
)

// runbookScript is the runbook Automation runs: it reads the cluster's
// power state and starts or stops it through the ARM REST API, with the
// account's managed identity and no module.
//
//go:embed runbooks/Set-AksPowerState.ps1
var runbookScript []byte

// runbookHash is the SHA-256 hash of runbookScript in uppercase hex, as
// Automation compares it with the download.
func runbookHash() string {
	sum := sha256.Sum256(runbookScript)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// rolePowerOperator reads, starts and stops one AKS cluster and nothing
// else. No built-in role is this narrow: Azure Kubernetes Service
// Contributor can also change and delete the cluster.
var rolePowerOperator = customRole{
	Key:         "aks-power-operator",
	Name:        "Plinth AKS Power Operator",
	Description: "Reads, starts and stops one AKS cluster, for a non-production power schedule. Managed by Plinth.",
	Actions: []string{
		"Microsoft.ContainerService/managedClusters/read",
		"Microsoft.ContainerService/managedClusters/start/action",
		"Microsoft.ContainerService/managedClusters/stop/action",
	},
}

// powerPlan is the cloud-side shape of a PowerScheduleSpec on Azure: every
// name and setting, computed without Pulumi so it can be table-tested. The
// resource group is the cluster's, an output, so it is not in it.
type powerPlan struct {
	// Account, RoleDefinition, RoleAssignment and Runbook are the Pulumi
	// names of those children; AccountName and RunbookName the Azure names.
	Account, RoleDefinition, RoleAssignment, Runbook string
	AccountName, RunbookName                         string
	// SKU, LocalAuth and PublicNetworkAccess are the account's settings.
	SKU                            string
	LocalAuth, PublicNetworkAccess bool
	// Role is what the account's identity may do, on the cluster only.
	Role customRole
	// RunbookType, ScriptURI and ScriptHash describe the runbook's content.
	RunbookType, ScriptURI, ScriptHash string
	// Schedules holds the stop schedule, then the start schedule.
	Schedules []schedulePlan
	Tags      map[string]string
}

// schedulePlan is one weekly schedule and the job schedule that runs the
// runbook on it.
type schedulePlan struct {
	// Action is the runbook's Action parameter, "Stop" or "Start".
	Action string
	// Resource is the schedule's Pulumi and Azure name; Job the job
	// schedule's Pulumi name and JobID its Azure ID, a UUID derived from
	// Job.
	Resource, Job, JobID string
	// TimeOfDay is the spec's "HH:MM"; StartTime its first occurrence at
	// least scheduleLeadTime after now, in TimeZone (RFC 3339).
	TimeOfDay, StartTime string
	// WeekDays are the English names of the days it runs.
	WeekDays []string
	TimeZone string
	// Description says what the schedule does, for the portal.
	Description string
}

// planPowerSchedule checks what Azure needs beyond the resolved spec and
// plans the account, the role, the runbook and the schedules, with start
// times computed from now. The runbook's URL is Config.RunbookBaseURL's, or
// the build's published Plinth source's; with neither it refuses. Nothing
// is registered when it fails.
func planPowerSchedule(cfg Config, spec platform.PowerScheduleSpec, now time.Time) (powerPlan, error) {
	if err := spec.Validate(field.NewPath("powerSchedule")).Err(); err != nil {
		return powerPlan{}, err
	}
	base, err := runbookBaseURL(cfg)
	if err != nil {
		return powerPlan{}, err
	}
	zone, _ := time.LoadLocation(spec.TimeZone) // validated

	n := spec.Name
	days := make([]string, len(spec.Days))
	for i, d := range spec.Days {
		days[i] = d.String()
	}
	p := powerPlan{
		Account:             platform.ChildName(n, "automation"),
		AccountName:         platform.ChildName(n, "automation"),
		RoleDefinition:      platform.ChildName(n, "power-operator-role"),
		RoleAssignment:      platform.ChildName(n, "power-operator"),
		Runbook:             platform.ChildName(n, "runbook"),
		RunbookName:         runbookName,
		SKU:                 automationSKU,
		LocalAuth:           false,
		PublicNetworkAccess: true,
		Role:                rolePowerOperator,
		RunbookType:         runbookType,
		ScriptURI:           base + "/" + runbookPath,
		ScriptHash:          runbookHash(),
		Tags:                spec.Tags.Merge(),
	}
	for _, s := range []struct{ action, role, at string }{
		{actionStop, "stop", spec.Stop},
		{actionStart, "start", spec.Start},
	} {
		// The schedule's names carry its timing: a changed time, day or
		// zone makes a new schedule with a fresh start time in the future,
		// which Azure requires and an update could not give (see
		// NewPowerSchedule).
		timed := s.role + "-" + strings.ReplaceAll(s.at, ":", "") + "-" + timingHash(days, spec.TimeZone)
		job := platform.ChildName(n, timed+"-job")
		p.Schedules = append(p.Schedules, schedulePlan{
			Action:    s.action,
			Resource:  platform.ChildName(n, timed+"-schedule"),
			Job:       job,
			JobID:     nameUUID("job-schedule|" + job),
			TimeOfDay: s.at,
			StartTime: nextOccurrence(now, s.at, zone).Format(time.RFC3339),
			WeekDays:  days,
			TimeZone:  spec.TimeZone,
			Description: fmt.Sprintf("%ss the AKS cluster of Plinth power schedule %q on %s. Managed by Plinth.",
				s.action, n, strings.Join(days, ", ")),
		})
	}
	return p, nil
}

// timingHash is six hex digits of a SHA-256 over the days and the time
// zone: what, beside the time of day, makes a schedule's timing.
func timingHash(days []string, zone string) string {
	sum := sha256.Sum256([]byte(strings.Join(days, ",") + "|" + zone))
	return hex.EncodeToString(sum[:3])
}

// nextOccurrence returns the first time at least scheduleLeadTime after
// now when the clock in zone reads at ("HH:MM"). A day on which that time
// does not exist (it falls into a daylight saving gap) is skipped.
func nextOccurrence(now time.Time, at string, zone *time.Location) time.Time {
	hour, _ := strconv.Atoi(at[:2])
	minute, _ := strconv.Atoi(at[3:])
	earliest := now.Add(scheduleLeadTime).In(zone)
	for day := 0; ; day++ {
		t := time.Date(earliest.Year(), earliest.Month(), earliest.Day()+day, hour, minute, 0, 0, zone)
		if !t.Before(earliest) && t.Hour() == hour && t.Minute() == minute {
			return t
		}
	}
}

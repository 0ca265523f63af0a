package aks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// powerNow is the fixed clock of the power schedule tests: Monday
// 2 March 2026, 10:00 UTC (11:00 in Berlin, before daylight saving time).
var powerNow = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func powerSpec() platform.PowerScheduleSpec {
	return platform.PowerScheduleSpec{
		Name:     "office-hours",
		Outputs:  &platform.ClusterOutputs{ID: pulumi.String("/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dev-rg/providers/Microsoft.ContainerService/managedClusters/dev-aks").ToStringOutput()},
		Days:     weekdays,
		Start:    "07:00",
		Stop:     "19:00",
		TimeZone: "Europe/Berlin",
		Tags:     platform.Tags{"environment": "dev"},
	}
}

// scriptSHA256 is the uppercase hex SHA-256 of the runbook as it is in the
// repository.
func scriptSHA256(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("runbooks", runbookFile))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// powerConfig is testConfig with the runbook's base URL set, as a stack's
// plinth:azureRunbookBaseUrl sets it: a test binary's build information
// names no published Plinth source.
var powerConfig = func() Config {
	c := testConfig
	c.RunbookBaseURL = "https://ops.example.com/plinth"
	return c
}()

func TestRunbookBaseFromBuild(t *testing.T) {
	team := func(version string, replace *debug.Module) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/acme/shop-platform", Version: "(devel)"},
			Deps: []*debug.Module{{Path: "github.com/spf13/cobra", Version: "v1.10.2"}, {Path: plinthModule, Version: version, Replace: replace}}}
	}
	own := func(version string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: plinthModule, Version: version}}
	}
	const repo = "https://raw.githubusercontent.com/plinth-dev/plinth/"
	cases := []struct {
		name string
		info *debug.BuildInfo
		want string // the base URL, or the error
	}{
		{"a release", team("v0.1.0", nil), repo + "v0.1.0"},
		{"a release candidate", team("v0.2.0-rc.1", nil), repo + "v0.2.0-rc.1"},
		{"a commit", team("v0.1.1-0.20261207144656-2176a3572f9e", nil), repo + "2176a3572f9e"},
		{"a commit before any tag", team("v0.0.0-20261207144656-2176a3572f9e", nil), repo + "2176a3572f9e"},
		{"replaced by a published version", team("v0.1.0", &debug.Module{Path: plinthModule, Version: "v0.1.1"}), repo + "v0.1.1"},
		{"Plinth's own program at a tag", own("v0.1.0"), repo + "v0.1.0"},
		{"Plinth's own program at a commit", own("v0.1.1-0.20261207144656-2176a3572f9e"), repo + "2176a3572f9e"},
		{"replaced by a directory", team("v0.0.0-00010101000000-000000000000", &debug.Module{Path: "../plinth"}),
			"github.com/plinth-dev/plinth is replaced by the directory ../plinth, which names no published commit"},
		{"replaced by a fork", team("v0.1.0", &debug.Module{Path: "github.com/acme/plinth", Version: "v0.1.0-acme.1"}),
			"github.com/plinth-dev/plinth is replaced by github.com/acme/plinth v0.1.0-acme.1, which https://raw.githubusercontent.com/plinth-dev/plinth does not serve"},
		{"a working tree", own("(devel)"), `github.com/plinth-dev/plinth was built from a working tree without a version ("(devel)")`},
		{"uncommitted changes", own("v0.1.1-0.20261207144656-2176a3572f9e+dirty"),
			"github.com/plinth-dev/plinth was built from a working tree with uncommitted changes (v0.1.1-0.20261207144656-2176a3572f9e+dirty)"},
		{"not in the build", &debug.BuildInfo{Main: debug.Module{Path: "github.com/acme/shop-platform"}}, "the program's build information does not name github.com/plinth-dev/plinth"},
		{"no build information", nil, "the program carries no build information"},
		{"no version", team("master", nil), "github.com/plinth-dev/plinth master is neither a release tag nor a pseudo-version"},
	}
	for _, tc := range cases {
		got, err := runbookBaseFromBuild(tc.info, tc.info != nil)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestPlanPowerSchedule(t *testing.T) {
	p, err := planPowerSchedule(powerConfig, powerSpec(), powerNow)
	if err != nil {
		t.Fatal(err)
	}
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
	want := powerPlan{
		Account:             "office-hours-automation",
		AccountName:         "office-hours-automation",
		RoleDefinition:      "office-hours-power-operator-role",
		RoleAssignment:      "office-hours-power-operator",
		Runbook:             "office-hours-runbook",
		RunbookName:         "Set-AksPowerState",
		SKU:                 "Basic",
		LocalAuth:           false,
		PublicNetworkAccess: true,
		Role:                rolePowerOperator,
		RunbookType:         "PowerShell72",
		ScriptURI:           "https://ops.example.com/plinth/platform/aks/runbooks/Set-AksPowerState.ps1",
		ScriptHash:          scriptSHA256(t),
		Schedules: []schedulePlan{
			{
				Action:   "Stop",
				Resource: "office-hours-stop-1900-1b9b5f-schedule", Job: "office-hours-stop-1900-1b9b5f-job", JobID: nameUUID("job-schedule|office-hours-stop-1900-1b9b5f-job"),
				TimeOfDay: "19:00", StartTime: "2026-03-02T19:00:00+01:00", // the same evening
				WeekDays: days, TimeZone: "Europe/Berlin",
				Description: `Stops the AKS cluster of Plinth power schedule "office-hours" on Monday, Tuesday, Wednesday, Thursday, Friday. Managed by Plinth.`,
			},
			{
				Action:   "Start",
				Resource: "office-hours-start-0700-1b9b5f-schedule", Job: "office-hours-start-0700-1b9b5f-job", JobID: nameUUID("job-schedule|office-hours-start-0700-1b9b5f-job"),
				TimeOfDay: "07:00", StartTime: "2026-03-03T07:00:00+01:00", // 07:00 has passed: the next morning
				WeekDays: days, TimeZone: "Europe/Berlin",
				Description: `Starts the AKS cluster of Plinth power schedule "office-hours" on Monday, Tuesday, Wednesday, Thursday, Friday. Managed by Plinth.`,
			},
		},
		Tags: map[string]string{"environment": "dev"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan\n%+v\nwant\n%+v", p, want)
	}
	if got := p.Role.Actions; !reflect.DeepEqual(got, []string{
		"Microsoft.ContainerService/managedClusters/read",
		"Microsoft.ContainerService/managedClusters/start/action",
		"Microsoft.ContainerService/managedClusters/stop/action",
	}) {
		t.Errorf("role actions %q, want exactly read, start and stop of managed clusters", got)
	}
}

func TestPlanPowerScheduleJobIDs(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, _ := planPowerSchedule(powerConfig, powerSpec(), powerNow)
	later, _ := planPowerSchedule(powerConfig, powerSpec(), powerNow.Add(50*time.Hour))
	other := powerSpec()
	other.Name = "nights"
	b, _ := planPowerSchedule(powerConfig, other, powerNow)
	ids := map[string]bool{}
	for _, p := range []powerPlan{a, b} {
		for _, s := range p.Schedules {
			if !uuid.MatchString(s.JobID) {
				t.Errorf("job schedule ID %q is not a name-based UUID", s.JobID)
			}
			ids[s.JobID] = true
		}
	}
	if len(ids) != 4 {
		t.Errorf("job schedule IDs are not distinct: %v", ids)
	}
	for i := range a.Schedules {
		if a.Schedules[i].JobID != later.Schedules[i].JobID {
			t.Errorf("job schedule %s: ID changes with the clock (%s, %s)", a.Schedules[i].Job, a.Schedules[i].JobID, later.Schedules[i].JobID)
		}
	}
}

func TestNextOccurrence(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, now, at, want string
		zone                *time.Location
	}{
		{"later today", "2026-03-02T10:00:00Z", "19:00", "2026-03-02T19:00:00+01:00", berlin},
		{"passed today", "2026-03-02T10:00:00Z", "07:00", "2026-03-03T07:00:00+01:00", berlin},
		{"exactly the lead time ahead", "2026-03-02T17:00:00Z", "19:00", "2026-03-02T19:00:00+01:00", berlin},
		{"within the lead time", "2026-03-02T17:30:00Z", "19:00", "2026-03-03T19:00:00+01:00", berlin},
		{"across midnight UTC", "2026-03-02T23:30:00Z", "07:00", "2026-03-03T07:00:00+01:00", berlin},
		{"summer time", "2026-07-01T10:00:00Z", "19:00", "2026-07-01T19:00:00+02:00", berlin},
		// 02:30 does not exist in Berlin on 29 March 2026: the next day.
		{"daylight saving gap", "2026-03-28T12:00:00Z", "02:30", "2026-03-30T02:30:00+02:00", berlin},
		{"UTC", "2026-03-02T10:00:00Z", "07:00", "2026-03-03T07:00:00Z", time.UTC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, err := time.Parse(time.RFC3339, tc.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := nextOccurrence(now, tc.at, tc.zone).Format(time.RFC3339); got != tc.want {
				t.Errorf("next %s after %s = %s, want %s", tc.at, tc.now, got, tc.want)
			}
		})
	}
}

func TestPlanPowerScheduleRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(s *platform.PowerScheduleSpec)
		want   string
	}{
		{"time of day", func(s *platform.PowerScheduleSpec) { s.Start, s.Stop = "7:00", "24:00" },
			`powerSchedule.start "7:00": use a 24-hour time of day "HH:MM", e.g. "07:00"` + "\n" +
				`powerSchedule.stop "24:00": use a 24-hour time of day "HH:MM", e.g. "07:00"`},
		{"stop before start", func(s *platform.PowerScheduleSpec) { s.Start, s.Stop = "19:00", "07:00" },
			`powerSchedule.stop "07:00": must be after start "19:00" on the same day; a cluster that runs overnight is a production cluster, or needs no schedule`},
		{"unknown time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Europe/Atlantis" },
			`powerSchedule.timeZone "Europe/Atlantis": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`},
		{"machine time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Local" },
			`powerSchedule.timeZone "Local": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`},
		{"no time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "" },
			`powerSchedule.timeZone: required: an IANA time zone such as "Europe/Berlin" or "UTC"`},
		{"no days", func(s *platform.PowerScheduleSpec) { s.Days = nil },
			`powerSchedule.days: required: at least one weekday the cluster runs, e.g. Monday to Friday`},
		{"not a weekday", func(s *platform.PowerScheduleSpec) { s.Days = []time.Weekday{time.Monday, 9} },
			`powerSchedule.days[1] 9: not a weekday; use time.Sunday..time.Saturday`},
		{"no cluster", func(s *platform.PowerScheduleSpec) { s.Outputs = nil },
			`powerSchedule.outputs: required: the outputs of the cluster to stop and start, as this backend returned them`},
		{"unresolved cluster", func(s *platform.PowerScheduleSpec) { s.Outputs = &platform.ClusterOutputs{} },
			`powerSchedule.outputs.id: required: the cluster's cloud ID; pass the ClusterOutputs this backend returned`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := powerSpec()
			tc.mutate(&s)
			_, err := planPowerSchedule(powerConfig, s, powerNow)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

func TestPlanPowerScheduleRunbookBaseURL(t *testing.T) {
	cfg := Config{SubscriptionID: testConfig.SubscriptionID, Location: "westeurope", RunbookBaseURL: "https://ops.example.com/plinth/"}.withDefaults()
	if err := cfg.validate("aks"); err != nil {
		t.Fatal(err)
	}
	p, err := planPowerSchedule(cfg, powerSpec(), powerNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://ops.example.com/plinth/platform/aks/runbooks/Set-AksPowerState.ps1"; p.ScriptURI != want {
		t.Errorf("script URI %s, want %s", p.ScriptURI, want)
	}
	for _, bad := range []string{"http://ops.example.com/plinth", "https://ops.example.com/plinth?sig=abc", "ops.example.com/plinth"} {
		err := Config{SubscriptionID: testConfig.SubscriptionID, Location: "westeurope", RunbookBaseURL: bad}.withDefaults().validate("aks")
		if err == nil || !strings.HasPrefix(err.Error(), `aks.runbookBaseURL "`+bad+`": use an https URL`) {
			t.Errorf("base URL %q: error %v", bad, err)
		}
	}
}

// TestRunbookIsServedFromItsRepositoryPath checks that the path the URL
// names is where the embedded script is in the repository, byte for byte:
// Automation downloads it from there and compares the hash.
func TestRunbookIsServedFromItsRepositoryPath(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(runbookPath)))
	if err != nil {
		t.Fatalf("the runbook URL names %s, which is not in the repository: %v", runbookPath, err)
	}
	if !bytes.Equal(data, runbookScript) {
		t.Errorf("%s differs from the embedded script", runbookPath)
	}
	if h := runbookHash(); h != scriptSHA256(t) || len(h) != 64 || strings.ToUpper(h) != h {
		t.Errorf("content hash %s is not the uppercase hex SHA-256 of the script", h)
	}
	if bytes.Contains(runbookScript, []byte("\r\n")) || bytes.HasPrefix(runbookScript, []byte("\xef\xbb\xbf")) {
		t.Error("the script has CRLF line ends or a byte order mark; keep it LF and without BOM so that every checkout has the same hash")
	}
	// No module: the script talks to the identity endpoint and ARM itself.
	for _, needs := range []string{"Import-Module", "Connect-AzAccount", "#Requires -Modules"} {
		if bytes.Contains(runbookScript, []byte(needs)) {
			t.Errorf("the script uses %q; it must run without modules", needs)
		}
	}
	for _, uses := range []string{"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "api-version", "'2024-10-01'", "powerState", "ValidateSet('Start', 'Stop')"} {
		if !bytes.Contains(runbookScript, []byte(uses)) {
			t.Errorf("the script does not contain %q", uses)
		}
	}
}

// TestScheduleNamesFollowTheirTiming: Azure takes a schedule's start time
// only in the future and Pulumi ignores it after creation, so a changed
// timing must make new schedules, under new names; an unchanged one must
// keep its names whatever the clock says.
func TestScheduleNamesFollowTheirTiming(t *testing.T) {
	names := func(mutate func(*platform.PowerScheduleSpec), now time.Time) []string {
		t.Helper()
		spec := powerSpec()
		if mutate != nil {
			mutate(&spec)
		}
		p, err := planPowerSchedule(powerConfig, spec, now)
		if err != nil {
			t.Fatal(err)
		}
		return []string{p.Schedules[0].Resource, p.Schedules[0].Job, p.Schedules[1].Resource, p.Schedules[1].Job}
	}
	base := names(nil, powerNow)
	if later := names(nil, powerNow.Add(90*24*time.Hour)); !slices.Equal(later, base) {
		t.Errorf("names moved with the clock: %v -> %v", base, later)
	}
	for what, mutate := range map[string]func(*platform.PowerScheduleSpec){
		"stop":      func(s *platform.PowerScheduleSpec) { s.Stop = "20:00" },
		"days":      func(s *platform.PowerScheduleSpec) { s.Days = s.Days[:4] },
		"time zone": func(s *platform.PowerScheduleSpec) { s.TimeZone = "Europe/London" },
	} {
		if got := names(mutate, powerNow); got[0] == base[0] || got[1] == base[1] {
			t.Errorf("a changed %s keeps the stop schedule's names %v", what, got[:2])
		}
	}
}

package aks_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	automationAPI = "azure-native:automation/v20231101:"
	// automationAccount is the ARM ID of the power schedule's account.
	automationAccount = rgScope + "/providers/Microsoft.Automation/automationAccounts/office-hours-automation"
)

// powerClock is the fixed clock of the power schedule renders: Monday
// 2 March 2026, 10:00 UTC (11:00 in Berlin).
func powerClock() time.Time { return time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC) }

// renderPower renders the "prod" network and cluster of renderCluster and,
// under a test component, the power schedule "office-hours" for the
// cluster: Monday to Friday, 07:00 to 19:00 in Berlin, changed by mutate.
// The backend's clock is powerClock, and the program is a team's built with
// Plinth v0.1.0.
func renderPower(t *testing.T, mutate func(*platform.PowerScheduleSpec)) (*platformtest.Snapshot, *rendered) {
	t.Helper()
	aks.BuildFrom(t, aks.TeamBuild("v0.1.0", nil))
	r := &rendered{values: map[string]string{}}
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, TenantID: tenant, Location: "westeurope", Now: powerClock})
		if err != nil {
			return err
		}
		netSpec := platformtest.NetworkSpecs()[1]
		net, err := b.NewNetwork(ctx, netSpec)
		if err != nil {
			return err
		}
		clusterSpec := testClusterSpec(platform.ClusterNetwork{Spec: netSpec, Outputs: *net})
		cluster, err := b.NewCluster(ctx, clusterSpec)
		if err != nil {
			return err
		}
		r.capture("cluster", cluster.ID)

		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:PowerSchedule", "office-hours", parent); err != nil {
			return err
		}
		spec := platform.PowerScheduleSpec{
			Name:     "office-hours",
			Cluster:  clusterSpec,
			Outputs:  cluster,
			Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			Start:    "07:00",
			Stop:     "19:00",
			TimeZone: "Europe/Berlin",
			Tags:     platform.Tags{"environment": "dev", "managed-by": "plinth", "cost-center": "cc-1042"},
		}
		if mutate != nil {
			mutate(&spec)
		}
		out, err := b.NewPowerSchedule(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			return err
		}
		r.capture("stop", out.StopSchedule)
		r.capture("start", out.StartSchedule)
		r.capture("principal", out.PrincipalID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap, r
}

var powerTags = map[string]any{"environment": "dev", "managed-by": "plinth", "cost-center": "cc-1042"}

func TestPowerScheduleAutomationAccount(t *testing.T) {
	snap, out := renderPower(t, nil)
	account := snap.Find(automationAPI+"AutomationAccount", "office-hours-automation")
	expect(t, account, map[string]any{
		"automationAccountName": "office-hours-automation",
		"resourceGroupName":     "prod-rg", // the cluster's group
		"location":              "westeurope",
		"sku.name":              "Basic",
		"identity.type":         "SystemAssigned",
		"disableLocalAuth":      true,
		"publicNetworkAccess":   true,
		"tags":                  powerTags,
	})
	if !guid.MatchString(out.get(t, "principal")) {
		t.Errorf("principal %q is not an object ID", out.get(t, "principal"))
	}
}

// TestPowerScheduleIdentityMayOnlyPowerTheCluster checks least privilege:
// one custom role with exactly read, start and stop, assignable and
// assigned at exactly the cluster, to the account's identity, and nothing
// else for that identity.
func TestPowerScheduleIdentityMayOnlyPowerTheCluster(t *testing.T) {
	snap, out := renderPower(t, nil)
	cluster, principal := out.get(t, "cluster"), out.get(t, "principal")
	if cluster != clusterID {
		t.Fatalf("cluster ID %s, want %s", cluster, clusterID)
	}
	def := snap.Find("azure-native:authorization:RoleDefinition", "office-hours-power-operator-role")
	guidName := platformtest.Input(t, def, "roleDefinitionId").(string)
	if !guid.MatchString(guidName) {
		t.Errorf("role definition name %q is not a GUID", guidName)
	}
	expect(t, def, map[string]any{
		"scope":            "/subscriptions/" + sub,
		"assignableScopes": []any{clusterID},
		"roleName":         "Plinth AKS Power Operator (" + guidName + ")",
		"roleType":         "CustomRole",
		"permissions": []any{map[string]any{"actions": []any{
			"Microsoft.ContainerService/managedClusters/read",
			"Microsoft.ContainerService/managedClusters/start/action",
			"Microsoft.ContainerService/managedClusters/stop/action",
		}}},
	})
	ra := snap.Find("azure-native:authorization:RoleAssignment", "office-hours-power-operator")
	expect(t, ra, map[string]any{
		"scope":            clusterID,
		"roleDefinitionId": roleDefs + guidName,
		"principalId":      principal,
		"principalType":    "ServicePrincipal",
	})
	if !slices.Contains(ra.DependsOn, def.URN) {
		t.Errorf("the assignment does not wait for its role definition: dependsOn %v", ra.DependsOn)
	}
	var held []string
	for _, r := range snap.OfType("azure-native:authorization:RoleAssignment") {
		if platformtest.Input(t, r, "principalId") == principal {
			held = append(held, r.Name)
		}
	}
	if !reflect.DeepEqual(held, []string{"office-hours-power-operator"}) {
		t.Errorf("the account's identity holds %q, want only office-hours-power-operator", held)
	}
}

func TestPowerScheduleRunbook(t *testing.T) {
	snap, _ := renderPower(t, nil)
	script, err := os.ReadFile("runbooks/Set-AksPowerState.ps1")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(script)
	expect(t, snap.Find(automationAPI+"Runbook", "office-hours-runbook"), map[string]any{
		"runbookName":           "Set-AksPowerState",
		"automationAccountName": "office-hours-automation",
		"resourceGroupName":     "prod-rg",
		"location":              "westeurope",
		"runbookType":           "PowerShell72",
		// The tag the team's program was built from (renderPower).
		"publishContentLink.uri":                   "https://raw.githubusercontent.com/plinth-dev/plinth/v0.1.0/platform/aks/runbooks/Set-AksPowerState.ps1",
		"publishContentLink.contentHash.algorithm": "SHA256",
		"publishContentLink.contentHash.value":     strings.ToUpper(hex.EncodeToString(sum[:])),
		"tags":                                     powerTags,
	})
}

func TestPowerScheduleRunbookFromAnotherHost(t *testing.T) {
	snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
		b, err := aks.New(ctx, "azure", aks.Config{
			SubscriptionID: sub, Location: "westeurope", Now: powerClock,
			RunbookBaseURL: "https://ops.example.com/plinth-mirror/",
		})
		if err != nil {
			return err
		}
		_, err = b.NewPowerSchedule(ctx, validPowerSpec())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	expect(t, snap.Find(automationAPI+"Runbook", "office-hours-runbook"), map[string]any{
		"publishContentLink.uri": "https://ops.example.com/plinth-mirror/platform/aks/runbooks/Set-AksPowerState.ps1",
	})
}

func TestPowerScheduleSchedules(t *testing.T) {
	snap, out := renderPower(t, nil)
	days := []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
	for _, tc := range []struct{ name, at, action, output, startTime string }{
		// 11:00 in Berlin: 19:00 today, 07:00 tomorrow.
		{"stop", "1900", "Stop", "stop", "2026-03-02T19:00:00+01:00"},
		{"start", "0700", "Start", "start", "2026-03-03T07:00:00+01:00"},
	} {
		schedule := snap.Find(automationAPI+"Schedule", "office-hours-"+tc.name+"-"+tc.at+"-1b9b5f-schedule")
		expect(t, schedule, map[string]any{
			"scheduleName":          "office-hours-" + tc.name + "-" + tc.at + "-1b9b5f-schedule",
			"name":                  "office-hours-" + tc.name + "-" + tc.at + "-1b9b5f-schedule",
			"automationAccountName": "office-hours-automation",
			"resourceGroupName":     "prod-rg",
			"frequency":             "Week",
			"interval":              1.0,
			"advancedSchedule":      map[string]any{"weekDays": days},
			"timeZone":              "Europe/Berlin",
			"startTime":             tc.startTime,
		})
		if !reflect.DeepEqual(schedule.IgnoreChanges, []string{"startTime"}) {
			t.Errorf("%s ignoreChanges %v, want [startTime]: the start time comes from the clock", schedule.Name, schedule.IgnoreChanges)
		}
		if _, tagged := schedule.Input("tags"); tagged {
			t.Errorf("%s has tags; Automation schedules take none", schedule.Name)
		}
		id := automationAccount + "/schedules/office-hours-" + tc.name + "-" + tc.at + "-1b9b5f-schedule"
		if got := out.get(t, tc.output); got != id {
			t.Errorf("%s schedule output %s, want its ID %s", tc.name, got, id)
		}

		job := snap.Find(automationAPI+"JobSchedule", "office-hours-"+tc.name+"-"+tc.at+"-1b9b5f-job")
		expect(t, job, map[string]any{
			"automationAccountName": "office-hours-automation",
			"resourceGroupName":     "prod-rg",
			"runbook.name":          "Set-AksPowerState",
			"schedule.name":         "office-hours-" + tc.name + "-" + tc.at + "-1b9b5f-schedule",
			"parameters":            map[string]any{"ClusterResourceId": clusterID, "Action": tc.action},
		})
		if id := platformtest.Input(t, job, "jobScheduleId").(string); !guid.MatchString(id) {
			t.Errorf("%s jobScheduleId %q is not a GUID", job.Name, id)
		}
		ra := snap.Find("azure-native:authorization:RoleAssignment", "office-hours-power-operator")
		if !slices.Contains(job.DependsOn, ra.URN) {
			t.Errorf("%s does not wait for the identity's role assignment: dependsOn %v", job.Name, job.DependsOn)
		}
	}
	stopID := platformtest.Input(t, snap.Find(automationAPI+"JobSchedule", "office-hours-stop-1900-1b9b5f-job"), "jobScheduleId")
	startID := platformtest.Input(t, snap.Find(automationAPI+"JobSchedule", "office-hours-start-0700-1b9b5f-job"), "jobScheduleId")
	if stopID == startID {
		t.Errorf("both job schedules have the ID %v", stopID)
	}
}

func TestPowerScheduleChildrenAreParentedNamedAndUseTheProvider(t *testing.T) {
	snap, _ := renderPower(t, nil)
	parent := snap.Find("plinth:test:PowerSchedule", "office-hours")
	const provider = "urn:pulumi:prod-aks::plinth::pulumi:providers:azure-native::azure::"
	var children []string
	for _, r := range snap.Resources {
		if r.Parent != parent.URN {
			continue
		}
		children = append(children, r.Name)
		if !strings.HasPrefix(r.Name, "office-hours-") {
			t.Errorf("%s %s: name does not derive from office-hours (C2)", r.Type, r.Name)
		}
		if !strings.HasPrefix(r.Provider, provider) {
			t.Errorf("%s %s: provider %q, want the backend's explicit provider (C3)", r.Type, r.Name, r.Provider)
		}
		if r.Protect {
			t.Errorf("%s %s is protected; a power schedule holds nothing worth keeping", r.Type, r.Name)
		}
	}
	slices.Sort(children)
	if want := []string{
		"office-hours-automation",
		"office-hours-power-operator",
		"office-hours-power-operator-role",
		"office-hours-runbook",
		"office-hours-start-0700-1b9b5f-job",
		"office-hours-start-0700-1b9b5f-schedule",
		"office-hours-stop-1900-1b9b5f-job",
		"office-hours-stop-1900-1b9b5f-schedule",
	}; !reflect.DeepEqual(children, want) {
		t.Errorf("children of the power schedule (C1)\n%q\nwant\n%q", children, want)
	}
}

// validPowerSpec is a power schedule for a cluster given by its ID only.
func validPowerSpec() platform.PowerScheduleSpec {
	return platform.PowerScheduleSpec{
		Name:     "office-hours",
		Outputs:  &platform.ClusterOutputs{ID: pulumi.String(clusterID).ToStringOutput()},
		Days:     []time.Weekday{time.Monday},
		Start:    "07:00",
		Stop:     "19:00",
		TimeZone: "Europe/Berlin",
	}
}

func TestPowerScheduleRejectedRegistersNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*platform.PowerScheduleSpec)
		want   string
		build  *debug.BuildInfo
	}{
		{"no published runbook", func(*platform.PowerScheduleSpec) {}, `aks.runbookBaseURL: not set, and Automation has nowhere to download the power schedule's runbook from: ` +
			"github.com/plinth-dev/plinth is replaced by the directory ../plinth, which names no published commit; " +
			"set the stack's plinth:azureRunbookBaseUrl (aks.Config.RunbookBaseURL) to an https URL under which this build's platform/aks/runbooks/Set-AksPowerState.ps1 is served, " +
			"e.g. https://raw.githubusercontent.com/plinth-dev/plinth/<commit>, or build the program from a published Plinth version (a release tag, or a commit's pseudo-version)",
			aks.TeamBuild("v0.0.0-00010101000000-000000000000", &debug.Module{Path: "../plinth"})},
		{"time zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Berlin" },
			`powerSchedule.timeZone "Berlin": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"`, nil},
		{"time", func(s *platform.PowerScheduleSpec) { s.Stop = "19.00" },
			`powerSchedule.stop "19.00": use a 24-hour time of day "HH:MM", e.g. "07:00"`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.build == nil {
				tc.build = aks.TeamBuild("v0.1.0", nil)
			}
			aks.BuildFrom(t, tc.build)
			var got error
			snap, err := platformtest.Render("prod-aks", func(ctx *pulumi.Context) error {
				b, err := aks.New(ctx, "azure", aks.Config{SubscriptionID: sub, Location: "westeurope", Now: powerClock})
				if err != nil {
					return err
				}
				spec := validPowerSpec()
				tc.mutate(&spec)
				_, got = b.NewPowerSchedule(ctx, spec)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || got.Error() != tc.want {
				t.Errorf("error %v, want %s", got, tc.want)
			}
			for _, r := range snap.Resources {
				if !strings.HasPrefix(r.Type, "pulumi:providers:") {
					t.Errorf("%s %s registered for a rejected power schedule", r.Type, r.Name)
				}
			}
		})
	}
}

func TestPowerScheduleRenderIsDeterministic(t *testing.T) {
	render := func() []byte {
		snap, _ := renderPower(t, nil)
		data, err := snap.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	if a, b := render(), render(); !bytes.Equal(a, b) {
		t.Error("two renders with the same clock differ (C6)")
	}
}

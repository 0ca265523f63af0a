package platform_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func TestTagsMergeCopiesAndLaterMapsWin(t *testing.T) {
	base := platform.Tags{"environment": "dev", "owner": "platform"}
	got := base.Merge(nil, map[string]string{"owner": "payments", "team": "payments"})
	if want := (platform.Tags{"environment": "dev", "owner": "payments", "team": "payments"}); !equal(got, want) {
		t.Errorf("Merge = %v, want %v", got, want)
	}
	if base["owner"] != "platform" || len(base) != 2 {
		t.Errorf("Merge changed its receiver: %v", base)
	}
	if got := platform.Tags(nil).Merge(); got == nil || len(got) != 0 {
		t.Errorf("nil.Merge() = %#v, want an empty map", got)
	}
}

func equal(a, b platform.Tags) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestTagsValidateNamesEachBadKeyAndValue(t *testing.T) {
	errs := platform.Tags{
		"cost-center":              "cc-4711",
		"Team":                     "payments",
		"plinth-version":           "0.1.0",
		strings.Repeat("k", 64):    "x",
		"empty-value-is-allowed":   "",
		"value-of-63-is-allowed":   strings.Repeat("v", 63),
		"value-of-64-is-not-valid": strings.Repeat("v", 64),
	}.Validate("tags")
	got := make([]string, len(errs))
	for i, e := range errs {
		got[i] = e.Error()
	}
	want := []string{
		`tags["Team"] "Team": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
		`tags["kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"] "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
		`tags["plinth-version"] "0.1.0": tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. "v0-1-0"`,
		`tags["value-of-64-is-not-valid"] "` + strings.Repeat("v", 64) + `": tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. "v0-1-0"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Validate:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestValidateName(t *testing.T) {
	for _, tc := range []struct {
		name, want string
	}{
		{"core", ""},
		{"a", ""},
		{strings.Repeat("a", platform.MaxNameLength), ""},
		{"prod-aks-payments-2", ""},
		{"", `name: required: give the component a logical name such as "core"`},
		{strings.Repeat("a", platform.MaxNameLength+1), `name "aaaaaaaaaaaaaaaaaaaaaaaaa": longer than 24 characters; cloud names derived from it would be rejected`},
		{"Core", `name "Core": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`},
		{"1core", `name "1core": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`},
		{"core-", `name "core-": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`},
		{"co_re", `name "co_re": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`},
	} {
		err := platform.ValidateName("name", tc.name)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.name, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%q: %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestNamesAndLabels(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{platform.ChildName("prod-aks", "vnet"), "prod-aks-vnet"},
		{platform.VersionLabel("0.1.0"), "v0-1-0"},
		{platform.VersionLabel("v1.2.3"), "v1-2-3"},
		{platform.VersionLabel("1.0.0-RC.1+build.5"), "v1-0-0-rc-1_build-5"},
		{platform.Taint{Key: "workload", Value: "batch", Effect: platform.NoSchedule}.String(), "workload=batch:NoSchedule"},
		{platform.WorkloadIdentitySpec{Namespace: "velero", ServiceAccount: "velero-server"}.Subject(), "system:serviceaccount:velero:velero-server"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	// Every version label is a valid tag value.
	for _, v := range []string{platform.Version, "1.0.0-RC.1+build.5"} {
		if errs := (platform.Tags{platform.TagPlinthVersion: platform.VersionLabel(v)}).Validate(""); len(errs) > 0 {
			t.Errorf("VersionLabel(%q) is not a valid tag value: %v", v, errs)
		}
	}
}

func TestSubnetRoles(t *testing.T) {
	for _, r := range platform.SubnetRoles {
		if !r.Valid() {
			t.Errorf("%q is listed but not valid", r)
		}
	}
	if platform.SubnetRole("database").Valid() {
		t.Error(`"database" is valid`)
	}
	spec := platform.NetworkSpec{Subnets: []platform.SubnetSpec{{Role: platform.SubnetIngress, CIDR: "10.0.32.0/24"}}}
	if s, ok := spec.Subnet(platform.SubnetIngress); !ok || s.CIDR != "10.0.32.0/24" {
		t.Errorf("Subnet(ingress) = %+v, %v", s, ok)
	}
	if _, ok := spec.Subnet(platform.SubnetNodes); ok {
		t.Error("Subnet(nodes) found in a network without it")
	}
}

func TestPowerScheduleValidate(t *testing.T) {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	valid := func() platform.PowerScheduleSpec {
		return platform.PowerScheduleSpec{
			Name: "dev-aks", Outputs: &platform.ClusterOutputs{ID: pulumi.String("cluster-id").ToStringOutput()},
			Days: weekdays, Start: "07:00", Stop: "19:00", TimeZone: "Europe/Berlin",
		}
	}
	if errs := valid().Validate("power"); len(errs) > 0 {
		t.Fatalf("valid spec: %v", errs)
	}
	for _, tc := range []struct {
		name   string
		change func(*platform.PowerScheduleSpec)
		want   string
	}{
		{"no outputs", func(s *platform.PowerScheduleSpec) { s.Outputs = nil }, "power.outputs: required: "},
		{"no cluster ID", func(s *platform.PowerScheduleSpec) { s.Outputs = &platform.ClusterOutputs{} }, "power.outputs.id: required: "},
		{"no days", func(s *platform.PowerScheduleSpec) { s.Days = nil }, "power.days: required: at least one weekday"},
		{"a day twice", func(s *platform.PowerScheduleSpec) { s.Days = []time.Weekday{time.Monday, time.Monday} }, `power.days[1] "Monday": listed twice; list each day once`},
		{"not a day", func(s *platform.PowerScheduleSpec) { s.Days = []time.Weekday{9} }, "power.days[0] 9: not a weekday"},
		{"12-hour clock", func(s *platform.PowerScheduleSpec) { s.Start = "7am" }, `power.start "7am": use a 24-hour time of day "HH:MM"`},
		{"24:00", func(s *platform.PowerScheduleSpec) { s.Stop = "24:00" }, `power.stop "24:00": use a 24-hour time of day`},
		{"stop before start", func(s *platform.PowerScheduleSpec) { s.Start, s.Stop = "19:00", "07:00" }, `power.stop "07:00": must be after start "19:00" on the same day`},
		{"stop at start", func(s *platform.PowerScheduleSpec) { s.Stop = "07:00" }, `power.stop "07:00": must be after start "07:00"`},
		{"no zone", func(s *platform.PowerScheduleSpec) { s.TimeZone = "" }, "power.timeZone: required: an IANA time zone"},
		{"Local", func(s *platform.PowerScheduleSpec) { s.TimeZone = "Local" }, `power.timeZone "Local": not an IANA time zone`},
		{"CET offset", func(s *platform.PowerScheduleSpec) { s.TimeZone = "+01:00" }, `power.timeZone "+01:00": not an IANA time zone`},
		{"bad name", func(s *platform.PowerScheduleSpec) { s.Name = "Dev" }, `power.name "Dev": use lowercase letters`},
	} {
		s := valid()
		tc.change(&s)
		errs := s.Validate("power")
		if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tc.want) {
			t.Errorf("%s: %v, want one error starting %q", tc.name, errs, tc.want)
		}
	}
}

func TestConfigErrorsNameTheKeys(t *testing.T) {
	var list field.List
	list.Addf("aks.subscriptionID", "acme", "not a UUID")
	list.Addf("aks.zones[0]", "4", "Azure zones are 1, 2 and 3")
	err := platform.ConfigErrors(list.Err(), "dev-aks", map[field.Path]string{"aks.subscriptionID": "azureSubscriptionId"})
	want := `plinth:azureSubscriptionId "acme": not a UUID; set it with: pulumi config set plinth:azureSubscriptionId <value> -s dev-aks` + "\n" +
		`aks.zones[0] "4": Azure zones are 1, 2 and 3`
	if err == nil || err.Error() != want {
		t.Errorf("ConfigErrors = %v\nwant %s", err, want)
	}
	other := errors.New("provider registration failed")
	if got := platform.ConfigErrors(other, "dev-aks", nil); !errors.Is(got, other) || got.Error() != other.Error() {
		t.Errorf("a non-field error = %v, want it unchanged", got)
	}
}

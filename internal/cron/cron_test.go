package cron

import (
	"testing"
	"time"
)

func set(ns ...int) Field {
	var f Field
	for _, n := range ns {
		f |= 1 << uint(n)
	}
	return f
}

func span(lo, hi, step int) Field {
	var f Field
	for n := lo; n <= hi; n += step {
		f |= 1 << uint(n)
	}
	return f
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want Schedule
	}{
		{"0 1 * * *", Schedule{Minute: set(0), Hour: set(1), Day: span(1, 31, 1), Month: span(1, 12, 1), Weekday: span(0, 6, 1)}},
		{"0 3 * * 0", Schedule{Minute: set(0), Hour: set(3), Day: span(1, 31, 1), Month: span(1, 12, 1), Weekday: set(0), WeekdayRestricted: true}},
		{"0 3 * * 7", Schedule{Minute: set(0), Hour: set(3), Day: span(1, 31, 1), Month: span(1, 12, 1), Weekday: set(0), WeekdayRestricted: true}},
		{"*/15 0-6/2 1,15 1-12/3 5-7", Schedule{
			Minute: set(0, 15, 30, 45), Hour: set(0, 2, 4, 6), Day: set(1, 15), Month: set(1, 4, 7, 10), Weekday: set(0, 5, 6),
			DayRestricted: true, WeekdayRestricted: true,
		}},
		{"  30\t23 31 * 1-5 ", Schedule{Minute: set(30), Hour: set(23), Day: set(31), Month: span(1, 12, 1), Weekday: span(1, 5, 1), DayRestricted: true, WeekdayRestricted: true}},
		{"59 23 29 2 *", Schedule{Minute: set(59), Hour: set(23), Day: set(29), Month: set(2), Weekday: span(0, 6, 1), DayRestricted: true}},
		// Both day fields restricted: cron runs on either, so 31 February
		// still runs on Mondays.
		{"0 0 31 2 1", Schedule{Minute: set(0), Hour: set(0), Day: set(31), Month: set(2), Weekday: set(1), DayRestricted: true, WeekdayRestricted: true}},
		{"0 0 1-31/10 * *", Schedule{Minute: set(0), Hour: set(0), Day: set(1, 11, 21, 31), Month: span(1, 12, 1), Weekday: span(0, 6, 1), DayRestricted: true}},
	} {
		got, err := Parse(tc.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.expr, got, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"", `empty; write five fields, minute hour day-of-month month day-of-week, e.g. "0 1 * * *"`},
		{"   ", `empty; write five fields, minute hour day-of-month month day-of-week, e.g. "0 1 * * *"`},
		{"@daily", `descriptors are not accepted; write the five fields instead: "0 0 * * *"`},
		{"@Weekly", `descriptors are not accepted; write the five fields instead: "0 0 * * 0"`},
		{"@yearly", `descriptors are not accepted; write the five fields instead: "0 0 1 1 *"`},
		{"@hourly", `descriptors are not accepted; write the five fields instead: "0 * * * *"`},
		{"@every 1h", `not a schedule Plinth accepts; write five fields, minute hour day-of-month month day-of-week, e.g. "0 1 * * *"`},
		{"CRON_TZ=Europe/Zurich 0 1 * * *", `time-zone prefixes are not accepted; schedules run in UTC, so convert the time to UTC and remove the prefix`},
		{"TZ=UTC 0 1 * * *", `time-zone prefixes are not accepted; schedules run in UTC, so convert the time to UTC and remove the prefix`},
		{"0 0 1 * * *", `has 6 fields; write five, minute hour day-of-month month day-of-week (no seconds or year field), e.g. "0 1 * * *"`},
		{"0 1 * *", `has 4 fields; write five, minute hour day-of-month month day-of-week, e.g. "0 1 * * *"`},
		{"60 1 * * *", `minute "60": 60 is out of range 0-59`},
		{"0 24 * * *", `hour "24": 24 is out of range 0-23`},
		{"0 1 0 * *", `day of month "0": 0 is out of range 1-31`},
		{"0 1 32 * *", `day of month "32": 32 is out of range 1-31`},
		{"0 1 * 13 *", `month "13": 13 is out of range 1-12`},
		{"0 1 * * 8", `day of week "8": 8 is out of range 0-7`},
		{"0 1 * * MON", `day of week "MON": names are not accepted; use numbers 0-7 (0 and 7 are Sunday, 1 is Monday)`},
		{"0 1 * jan-mar *", `month "jan-mar": names are not accepted; use numbers 1-12 (1 is January)`},
		{"x 1 * * *", `minute "x": not a number; write 0-59, "*", a range "a-b" or a step "*/n"`},
		{"+5 1 * * *", `minute "+5": not a number; write 0-59, "*", a range "a-b" or a step "*/n"`},
		{"0 1 ? * *", `day of month "?": "?" is not accepted; use "*"`},
		{"0 5-2 * * *", `hour "5-2": the range starts at 5, after its end 2; write the smaller number first`},
		{"*/0 1 * * *", `minute "*/0": the step must be a whole number of at least 1, e.g. "*/15"`},
		{"*/x 1 * * *", `minute "*/x": the step must be a whole number of at least 1, e.g. "*/15"`},
		{"5/15 1 * * *", `minute "5/15": a step needs a range; write "5-59/15" or "*/15"`},
		{"0 1,,2 * * *", `hour "1,,2": empty list element; separate values with single commas, e.g. "1,15"`},
		{"0 1 * * 1-", `day of week "1-": not a number; write 0-7, "*", a range "a-b" or a step "*/n"`},
		{"0 0 30 2 *", `day of month "30" never occurs in month "2"; the schedule would never run`},
		{"0 0 31 4,6,9,11 *", `day of month "31" never occurs in month "4,6,9,11"; the schedule would never run`},
	} {
		err := Validate(tc.expr)
		if err == nil {
			t.Errorf("Validate(%q) = nil, want %q", tc.expr, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("Validate(%q):\n got %q\nwant %q", tc.expr, err.Error(), tc.want)
		}
	}
}

func TestDescriptorsAreValidExpressions(t *testing.T) {
	for d, eq := range Descriptors {
		if err := Validate(eq); err != nil {
			t.Errorf("%s suggests %q, which is invalid: %v", d, eq, err)
		}
	}
}

func TestHas(t *testing.T) {
	f := set(0, 5, 59)
	for n, want := range map[int]bool{-1: false, 0: true, 1: false, 5: true, 59: true, 63: false, 64: false} {
		if f.Has(n) != want {
			t.Errorf("Has(%d) = %v, want %v", n, !want, want)
		}
	}
}

func TestLongestGap(t *testing.T) {
	for expr, want := range map[string]time.Duration{
		"0 1 * * *":     24 * time.Hour,
		"0 2 * * 0":     7 * 24 * time.Hour,
		"*/15 * * * *":  15 * time.Minute,
		"0 1 * * 1-5":   3 * 24 * time.Hour, // Friday to Monday
		"0 3 1 * *":     31 * 24 * time.Hour,
		"0 0,12 * * *":  12 * time.Hour,
		"30 4 1,15 * *": 17 * 24 * time.Hour, // the 15th to the next month's 1st, at most
	} {
		s, err := Parse(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.LongestGap(); got != want {
			t.Errorf("LongestGap(%q) = %v, want %v", expr, got, want)
		}
	}
}

package cron

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Field is the set of values one field allows: bit n is set when n is
// allowed.
type Field uint64

// Has reports whether the field allows n.
func (f Field) Has(n int) bool { return n >= 0 && n < 64 && f&(1<<uint(n)) != 0 }

// Schedule is a parsed expression.
type Schedule struct {
	// Minute 0-59, Hour 0-23, Day 1-31, Month 1-12 and Weekday 0-6 (7, the
	// other way to write Sunday, is stored as 0).
	Minute, Hour, Day, Month, Weekday Field
	// DayRestricted and WeekdayRestricted say whether the day-of-month and
	// day-of-week fields were written as something other than "*". When
	// both are, cron runs on days matching either.
	DayRestricted, WeekdayRestricted bool
}

// field describes one position of an expression.
type field struct {
	name     string
	min, max int
	names    string // how to write values when someone used a name
}

var fields = [5]field{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: "use numbers 1-12 (1 is January)"},
	{name: "day of week", min: 0, max: 7, names: "use numbers 0-7 (0 and 7 are Sunday, 1 is Monday)"},
}

// Example is the expression error messages show.
const Example = "0 1 * * *"

// Descriptors maps the descriptors some cron implementations accept to the
// five fields that mean the same; Parse rejects descriptors and names the
// equivalent.
var Descriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// daysIn is the most days each month has (February in a leap year).
var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// Validate returns nil when expr is a valid five-field expression, or an
// error that says what is wrong and how to write it.
func Validate(expr string) error {
	_, err := Parse(expr)
	return err
}

// Parse parses a five-field expression: minute hour day-of-month month
// day-of-week. Each field is "*", a number, a range "a-b", a step "*/n" or
// "a-b/n", or a comma-separated list of these. Errors say what is wrong
// and how to write it.
func Parse(expr string) (Schedule, error) {
	s := strings.TrimSpace(expr)
	if s == "" {
		return Schedule{}, fmt.Errorf("empty; write five fields, minute hour day-of-month month day-of-week, e.g. %q", Example)
	}
	if strings.HasPrefix(s, "@") {
		if eq, ok := Descriptors[strings.ToLower(s)]; ok {
			return Schedule{}, fmt.Errorf("descriptors are not accepted; write the five fields instead: %q", eq)
		}
		return Schedule{}, fmt.Errorf("not a schedule Plinth accepts; write five fields, minute hour day-of-month month day-of-week, e.g. %q", Example)
	}
	if up := strings.ToUpper(s); strings.HasPrefix(up, "TZ=") || strings.HasPrefix(up, "CRON_TZ=") {
		return Schedule{}, fmt.Errorf("time-zone prefixes are not accepted; schedules run in UTC, so convert the time to UTC and remove the prefix")
	}
	parts := strings.Fields(s)
	switch {
	case len(parts) == 6:
		return Schedule{}, fmt.Errorf("has 6 fields; write five, minute hour day-of-month month day-of-week (no seconds or year field), e.g. %q", Example)
	case len(parts) != 5:
		return Schedule{}, fmt.Errorf("has %d fields; write five, minute hour day-of-month month day-of-week, e.g. %q", len(parts), Example)
	}
	var sets [5]Field
	for i, p := range parts {
		set, err := parseField(p, fields[i])
		if err != nil {
			return Schedule{}, err
		}
		sets[i] = set
	}
	sch := Schedule{
		Minute: sets[0], Hour: sets[1], Day: sets[2], Month: sets[3], Weekday: sets[4],
		DayRestricted:     !strings.HasPrefix(parts[2], "*"),
		WeekdayRestricted: !strings.HasPrefix(parts[4], "*"),
	}
	if sch.Weekday.Has(7) {
		sch.Weekday = sch.Weekday&^(1<<7) | 1
	}
	if sch.DayRestricted && !sch.WeekdayRestricted && !sch.occurs() {
		return Schedule{}, fmt.Errorf("day of month %q never occurs in month %q; the schedule would never run", parts[2], parts[3])
	}
	return sch, nil
}

// occurs reports whether some allowed day of month exists in some allowed
// month.
func (s Schedule) occurs() bool {
	for m := 1; m <= 12; m++ {
		if !s.Month.Has(m) {
			continue
		}
		for d := 1; d <= daysIn[m]; d++ {
			if s.Day.Has(d) {
				return true
			}
		}
	}
	return false
}

func parseField(text string, f field) (Field, error) {
	var set Field
	for _, item := range strings.Split(text, ",") {
		if item == "" {
			return 0, fmt.Errorf("%s %q: empty list element; separate values with single commas, e.g. \"1,15\"", f.name, text)
		}
		s, err := parseItem(item, f)
		if err != nil {
			return 0, err
		}
		set |= s
	}
	return set, nil
}

// parseItem parses one list element: "*", "n", "a-b", "*/s" or "a-b/s".
func parseItem(item string, f field) (Field, error) {
	rng, stepText, hasStep := strings.Cut(item, "/")
	step := 1
	if hasStep {
		n, err := strconv.Atoi(stepText)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%s %q: the step must be a whole number of at least 1, e.g. \"*/15\"", f.name, item)
		}
		step = n
	}
	lo, hi := f.min, f.max
	switch rng {
	case "*":
	case "?":
		return 0, fmt.Errorf("%s %q: \"?\" is not accepted; use \"*\"", f.name, item)
	default:
		a, b, isRange := strings.Cut(rng, "-")
		var err error
		if lo, err = value(a, item, f); err != nil {
			return 0, err
		}
		hi = lo
		if isRange {
			if hi, err = value(b, item, f); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("%s %q: the range starts at %d, after its end %d; write the smaller number first", f.name, item, lo, hi)
			}
		} else if hasStep {
			return 0, fmt.Errorf("%s %q: a step needs a range; write \"%d-%d/%d\" or \"*/%d\"", f.name, item, lo, f.max, step, step)
		}
	}
	var set Field
	for n := lo; n <= hi; n += step {
		set |= 1 << uint(n)
	}
	return set, nil
}

// value parses one number of a field and checks its range.
func value(text, item string, f field) (int, error) {
	n, err := strconv.Atoi(text)
	if err != nil || !isDigits(text) {
		if f.names != "" && isLetters(text) {
			return 0, fmt.Errorf("%s %q: names are not accepted; %s", f.name, item, f.names)
		}
		return 0, fmt.Errorf("%s %q: not a number; write %d-%d, \"*\", a range \"a-b\" or a step \"*/n\"", f.name, item, f.min, f.max)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("%s %q: %d is out of range %d-%d", f.name, item, n, f.min, f.max)
	}
	return n, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

// Matches reports whether the schedule runs at t's minute (read in UTC).
func (s Schedule) Matches(t time.Time) bool {
	t = t.UTC()
	if !s.Minute.Has(t.Minute()) || !s.Hour.Has(t.Hour()) || !s.Month.Has(int(t.Month())) {
		return false
	}
	day, weekday := s.Day.Has(t.Day()), s.Weekday.Has(int(t.Weekday()))
	if s.DayRestricted && s.WeekdayRestricted {
		return day || weekday // cron runs on days matching either
	}
	return day && weekday
}

// LongestGap returns the longest time between two runs of the schedule
// that start in one year (2027, the last run's successor counted), e.g.
// 24h for "0 1 * * *" and 7 days for "0 2 * * 0": how long after a run the
// next one is certainly due. A schedule that never runs returns 0.
func (s Schedule) LongestGap() time.Duration {
	// The runs of a matching day are the same every day: the allowed
	// minutes of the allowed hours.
	var times []time.Duration
	for h := 0; h < 24; h++ {
		for m := 0; m < 60; m++ {
			if s.Hour.Has(h) && s.Minute.Has(m) {
				times = append(times, time.Duration(h)*time.Hour+time.Duration(m)*time.Minute)
			}
		}
	}
	if len(times) == 0 {
		return 0
	}
	var gap time.Duration
	for i := 1; i < len(times); i++ {
		gap = max(gap, times[i]-times[i-1])
	}
	start := time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	var last time.Time // the last run of the previous matching day
	// Up to a year more: the year's last run has a successor.
	for day := start; day.Before(end.AddDate(1, 0, 0)); day = day.AddDate(0, 0, 1) {
		if !s.Matches(day.Add(times[0])) {
			continue
		}
		if !last.IsZero() {
			gap = max(gap, day.Add(times[0]).Sub(last))
		}
		if !day.Before(end) {
			break
		}
		last = day.Add(times[len(times)-1])
	}
	if last.IsZero() {
		return 0
	}
	return gap
}

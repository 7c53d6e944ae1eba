package policy

import (
	"errors"
	"testing"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func TestQuietUntil(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	newYork, _ := time.LoadLocation("America/New_York")
	at := func(loc *time.Location, y int, mo time.Month, d, h, m int) time.Time {
		return time.Date(y, mo, d, h, m, 0, 0, loc)
	}
	night := &reachv1.QuietHours{Start: "22:00", End: "08:00"}
	noon := &reachv1.QuietHours{Start: "12:00", End: "14:00", TimeZone: "Asia/Shanghai"}
	dst := &reachv1.QuietHours{Start: "01:00", End: "03:00", TimeZone: "America/New_York"}
	for _, c := range []struct {
		name  string
		hours *reachv1.QuietHours
		t     time.Time
		quiet bool
		until time.Time
	}{
		{"evening before the period", night, at(shanghai, 2026, 12, 5, 21, 59), false, time.Time{}},
		{"its first minute", night, at(shanghai, 2026, 12, 5, 22, 0), true, at(shanghai, 2026, 12, 6, 8, 0)},
		{"after midnight", night, at(shanghai, 2026, 12, 6, 3, 30), true, at(shanghai, 2026, 12, 6, 8, 0)},
		{"its end is not quiet", night, at(shanghai, 2026, 12, 6, 8, 0), false, time.Time{}},
		{"the zone is the policy's, not the caller's", night, at(time.UTC, 2026, 12, 5, 15, 0), true, at(shanghai, 2026, 12, 6, 8, 0)},
		{"end of a year", night, at(shanghai, 2026, 12, 31, 23, 0), true, at(shanghai, 2027, 1, 1, 8, 0)},
		{"within a day", noon, at(shanghai, 2026, 12, 5, 13, 0), true, at(shanghai, 2026, 12, 5, 14, 0)},
		{"outside a day's period", noon, at(shanghai, 2026, 12, 5, 11, 0), false, time.Time{}},
		// 2026-03-08: New York's clocks go from 02:00 to 03:00.
		{"clocks go forward inside the period", dst, at(newYork, 2026, 3, 8, 1, 30), true, at(newYork, 2026, 3, 8, 3, 0)},
	} {
		q, err := ParseQuiet(c.hours)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		until, quiet := q.Until(c.t)
		if quiet != c.quiet || !until.Equal(c.until) {
			t.Errorf("%s: Until(%v) = %v, %v; want %v, %v", c.name, c.t, until, quiet, c.until, c.quiet)
		}
	}
}

func TestParseQuietRefuses(t *testing.T) {
	for _, c := range []struct {
		hours *reachv1.QuietHours
		field string
	}{
		{&reachv1.QuietHours{Start: "22", End: "08:00"}, "start"},
		{&reachv1.QuietHours{Start: "24:00", End: "08:00"}, "start"},
		{&reachv1.QuietHours{Start: "22:00", End: "8:00"}, "end"},
		{&reachv1.QuietHours{Start: "22:00", End: "22:00"}, "end"},
		{&reachv1.QuietHours{Start: "22:00", End: "08:60"}, "end"},
		{&reachv1.QuietHours{Start: "22:00", End: "08:00", TimeZone: "Mars/Olympus"}, "time_zone"},
		{&reachv1.QuietHours{Start: "22:00", End: "08:00", TimeZone: "Local"}, "time_zone"},
	} {
		_, err := ParseQuiet(c.hours)
		var fes FieldErrors
		if !errors.As(err, &fes) || len(fes) != 1 || fes[0].Field != c.field {
			t.Errorf("ParseQuiet(%v) = %v, want an error on %s", c.hours, err, c.field)
		}
	}
	// Every wrong field at once, so a user fixes them in one go.
	_, err := ParseQuiet(&reachv1.QuietHours{Start: "25:00", End: "8am", TimeZone: "Beijing"})
	var fes FieldErrors
	if !errors.As(err, &fes) || len(fes) != 3 || fes[0].Field != "start" || fes[1].Field != "end" || fes[2].Field != "time_zone" {
		t.Errorf("three wrong fields: %v", err)
	}
	if q, err := ParseQuiet(nil); q != nil || err != nil {
		t.Errorf("no quiet hours: %v, %v", q, err)
	}
}

// Package policy holds the rules of a channel's delivery policy that both the API (to
// check a policy) and the dispatcher (to apply it) need, so each rule lives once.
package policy

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones without depending on the host's zoneinfo files

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// DefaultTimeZone is where a policy's hours are when it names no time zone: Alipay's
// users are mostly in China.
const DefaultTimeZone = "Asia/Shanghai"

// Quiet is a channel's parsed quiet hours.
type Quiet struct {
	start, end int // minutes after local midnight
	loc        *time.Location
	// Fail: a MARKETING message due inside the quiet period fails instead of waiting.
	Fail bool
}

// FieldError names the field of QuietHours that is wrong.
type FieldError struct{ Field, Problem string }

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// FieldErrors are every wrong field of one QuietHours, so a user fixes them in one go.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// ParseQuiet checks and parses quiet hours; nil means none. Errors are FieldErrors, one
// for each wrong field.
func ParseQuiet(q *reachv1.QuietHours) (*Quiet, error) {
	if q == nil {
		return nil, nil
	}
	var bad FieldErrors
	start, err := clock(q.Start)
	if err != nil {
		bad = append(bad, &FieldError{"start", err.Error()})
	}
	end, err := clock(q.End)
	if err != nil {
		bad = append(bad, &FieldError{"end", err.Error()})
	} else if start == end && len(bad) == 0 {
		bad = append(bad, &FieldError{"end", "must differ from start"})
	}
	loc, err := zone(q.TimeZone)
	if err != nil {
		bad = append(bad, &FieldError{"time_zone", err.Error()})
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return &Quiet{start: start, end: end, loc: loc, Fail: q.Action == reachv1.QuietHoursAction_QUIET_HOURS_ACTION_FAIL}, nil
}

// clock parses "HH:MM" into minutes after midnight.
func clock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	hh, herr := strconv.Atoi(h)
	mm, merr := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || herr != nil || merr != nil || hh > 23 || mm > 59 || hh < 0 || mm < 0 {
		return 0, fmt.Errorf("%q is not a time of day HH:MM (00:00 to 23:59)", s)
	}
	return hh*60 + mm, nil
}

// Until reports whether t falls inside the quiet period and, when it does, the moment
// the period ends. Periods are in local time: on a day the clocks change, a period
// still starts and ends at its local times.
func (q *Quiet) Until(t time.Time) (time.Time, bool) {
	local := t.In(q.loc)
	minute := local.Hour()*60 + local.Minute()
	y, mo, d := local.Date()
	endOn := func(day int) time.Time { return time.Date(y, mo, day, q.end/60, q.end%60, 0, 0, q.loc) }
	switch {
	case q.start < q.end: // within one day, e.g. 12:00-14:00
		if minute >= q.start && minute < q.end {
			return endOn(d), true
		}
	case minute >= q.start: // past midnight, e.g. 22:00-08:00, before midnight
		return endOn(d + 1), true
	case minute < q.end: // past midnight, after it
		return endOn(d), true
	}
	return time.Time{}, false
}

// String says the period as a user wrote it, e.g. "22:00-08:00 Asia/Shanghai".
func (q *Quiet) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d %s", q.start/60, q.start%60, q.end/60, q.end%60, q.loc)
}

package policy

import (
	"fmt"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// Cap is a channel's parsed frequency cap.
type Cap struct {
	Max           int
	window        reachv1.FrequencyWindow
	loc           *time.Location
	MarketingOnly bool
	// Delay: a message over the cap waits for the user's next window instead of failing.
	Delay bool
}

// ParseCap checks and parses a policy's frequency cap: frequency_cap when set, else
// max_per_user_per_day as a daily cap of every category; nil means none. Errors are
// *FieldError naming a field under delivery_policy.
func ParseCap(p *reachv1.DeliveryPolicy) (*Cap, error) {
	fc := p.GetFrequencyCap()
	if fc == nil {
		if n := p.GetMaxPerUserPerDay(); n > 0 {
			shanghai, err := zone("")
			if err != nil {
				return nil, err
			}
			return &Cap{Max: int(n), window: reachv1.FrequencyWindow_FREQUENCY_WINDOW_DAY, loc: shanghai}, nil
		}
		return nil, nil
	}
	if fc.MaxMessages < 1 || fc.MaxMessages > 10000 {
		return nil, &FieldError{"frequency_cap.max_messages", "required: 1 to 10000"}
	}
	loc, err := zone(fc.TimeZone)
	if err != nil {
		return nil, &FieldError{"frequency_cap.time_zone", err.Error()}
	}
	w := fc.Window
	if w == reachv1.FrequencyWindow_FREQUENCY_WINDOW_UNSPECIFIED {
		w = reachv1.FrequencyWindow_FREQUENCY_WINDOW_DAY
	}
	return &Cap{Max: int(fc.MaxMessages), window: w, loc: loc, MarketingOnly: fc.MarketingOnly,
		Delay: fc.Action == reachv1.OverCapAction_OVER_CAP_ACTION_DELAY}, nil
}

// zone loads an IANA time zone; empty is DefaultTimeZone.
func zone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("%q is not an IANA time zone such as Asia/Shanghai", name)
	}
	return loc, nil
}

// Applies reports whether the cap counts a message of this category.
func (c *Cap) Applies(category reachv1.MessageCategory) bool {
	return !c.MarketingOnly || category == reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING
}

// Window returns the start of the window t falls in and the start of the next one.
func (c *Cap) Window(t time.Time) (start, next time.Time) {
	l := t.In(c.loc)
	y, mo, d := l.Date()
	switch c.window {
	case reachv1.FrequencyWindow_FREQUENCY_WINDOW_HOUR:
		start = time.Date(y, mo, d, l.Hour(), 0, 0, 0, c.loc)
		return start, time.Date(y, mo, d, l.Hour()+1, 0, 0, 0, c.loc)
	case reachv1.FrequencyWindow_FREQUENCY_WINDOW_WEEK:
		back := (int(l.Weekday()) + 6) % 7 // days since Monday
		start = time.Date(y, mo, d-back, 0, 0, 0, 0, c.loc)
		return start, time.Date(y, mo, d-back+7, 0, 0, 0, 0, c.loc)
	}
	start = time.Date(y, mo, d, 0, 0, 0, 0, c.loc)
	return start, time.Date(y, mo, d+1, 0, 0, 0, 0, c.loc)
}

// String says the cap in words, e.g. "3 per day (Asia/Shanghai)".
func (c *Cap) String() string {
	unit := map[reachv1.FrequencyWindow]string{reachv1.FrequencyWindow_FREQUENCY_WINDOW_HOUR: "hour",
		reachv1.FrequencyWindow_FREQUENCY_WINDOW_WEEK: "week"}[c.window]
	if unit == "" {
		unit = "day"
	}
	what := ""
	if c.MarketingOnly {
		what = " MARKETING"
	}
	return fmt.Sprintf("%d%s per %s (%s)", c.Max, what, unit, c.loc)
}

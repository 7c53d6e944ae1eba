package policy

import (
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func TestCapWindows(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, shanghai) }
	for _, c := range []struct {
		name        string
		policy      *reachv1.DeliveryPolicy
		t           time.Time
		start, next time.Time
	}{
		{"max_per_user_per_day is a Shanghai day", &reachv1.DeliveryPolicy{MaxPerUserPerDay: 3}, at(5, 23, 59), at(5, 0, 0), at(6, 0, 0)},
		{"a day in another zone", &reachv1.DeliveryPolicy{FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 1, TimeZone: "UTC"}},
			at(5, 7, 0), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)},
		{"an hour", &reachv1.DeliveryPolicy{FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 1, Window: reachv1.FrequencyWindow_FREQUENCY_WINDOW_HOUR}},
			at(5, 23, 30), at(5, 23, 0), at(6, 0, 0)},
		// 2026-12-05 is a Saturday: its week began on Monday the 30th of November.
		{"a week from Monday", &reachv1.DeliveryPolicy{FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 1, Window: reachv1.FrequencyWindow_FREQUENCY_WINDOW_WEEK}},
			at(5, 12, 0), time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai), at(7, 0, 0)},
		{"Monday itself", &reachv1.DeliveryPolicy{FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 1, Window: reachv1.FrequencyWindow_FREQUENCY_WINDOW_WEEK}},
			at(7, 0, 0), at(7, 0, 0), at(14, 0, 0)},
	} {
		cp, err := ParseCap(c.policy)
		if err != nil || cp == nil {
			t.Fatalf("%s: %v %v", c.name, cp, err)
		}
		start, next := cp.Window(c.t)
		if !start.Equal(c.start) || !next.Equal(c.next) {
			t.Errorf("%s: Window(%v) = %v, %v; want %v, %v", c.name, c.t, start, next, c.start, c.next)
		}
	}
}

func TestParseCap(t *testing.T) {
	if c, err := ParseCap(&reachv1.DeliveryPolicy{}); c != nil || err != nil {
		t.Errorf("no cap: %v %v", c, err)
	}
	c, err := ParseCap(&reachv1.DeliveryPolicy{MaxPerUserPerDay: 5, FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 2, MarketingOnly: true,
		Action: reachv1.OverCapAction_OVER_CAP_ACTION_DELAY}})
	if err != nil || c.Max != 2 || !c.MarketingOnly || !c.Delay || c.String() != "2 MARKETING per day (Asia/Shanghai)" {
		t.Errorf("frequency_cap wins: %+v %v", c, err)
	}
	if c.Applies(reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL) || !c.Applies(reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING) {
		t.Error("a MARKETING-only cap applies to MARKETING only")
	}
	for _, fc := range []struct {
		cap   *reachv1.FrequencyCap
		field string
	}{
		{&reachv1.FrequencyCap{}, "frequency_cap.max_messages"},
		{&reachv1.FrequencyCap{MaxMessages: 10001}, "frequency_cap.max_messages"},
		{&reachv1.FrequencyCap{MaxMessages: 1, TimeZone: "Nowhere/Town"}, "frequency_cap.time_zone"},
	} {
		_, err := ParseCap(&reachv1.DeliveryPolicy{FrequencyCap: fc.cap})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != fc.field {
			t.Errorf("ParseCap(%v) = %v, want an error on %s", fc.cap, err, fc.field)
		}
	}
}

func TestDedupWindow(t *testing.T) {
	for _, c := range []struct {
		d    *durationpb.Duration
		want time.Duration
		bad  bool
	}{
		{nil, 0, false},
		{durationpb.New(time.Hour), time.Hour, false},
		{durationpb.New(MaxDedupWindow), MaxDedupWindow, false},
		{durationpb.New(MaxDedupWindow + time.Second), 0, true},
		{durationpb.New(-time.Second), 0, true},
	} {
		got, err := DedupWindow(&reachv1.DeliveryPolicy{DedupWindow: c.d})
		var fe *FieldError
		if got != c.want || (err != nil) != c.bad || (err != nil && (!errors.As(err, &fe) || fe.Field != "dedup_window")) {
			t.Errorf("DedupWindow(%v) = %v, %v", c.d, got, err)
		}
	}
}

package delivery

import (
	"strings"
	"sync"
	"testing"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// fakeClock is a dispatcher clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// nextAt is the first time after now (and a minute) when the clock in loc shows hh:mm:
// the fake clocks start ahead of the real one, so messages queued now are already due.
func nextAt(loc *time.Location, hh, mm int) time.Time {
	from := time.Now().Add(time.Minute).In(loc)
	t := time.Date(from.Year(), from.Month(), from.Day(), hh, mm, 0, 0, loc)
	if t.Before(from) {
		t = time.Date(from.Year(), from.Month(), from.Day()+1, hh, mm, 0, 0, loc)
	}
	return t
}

// TestQuietHours: at 23:00 in Shanghai, inside quiet hours of 22:00-08:00, a TRANSACTIONAL
// message goes; a MARKETING one waits until 08:00 (its timeline says so) and then goes; one
// that expires before 08:00 expires; on a channel whose policy fails them, a MARKETING
// message fails, saying why.
func TestQuietHours(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		shanghai, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		night := nextAt(shanghai, 23, 0)
		morning := night.Add(9 * time.Hour)
		clock := &fakeClock{t: night}
		e := newEnv(t, dsn, nil)
		e.Policy("life", &reachv1.DeliveryPolicy{QuietHours: &reachv1.QuietHours{Start: "22:00", End: "08:00"}})
		e.Policy("mini", &reachv1.DeliveryPolicy{QuietHours: &reachv1.QuietHours{Start: "22:00", End: "08:00",
			Action: reachv1.QuietHoursAction_QUIET_HOURS_ACTION_FAIL}})
		for i := range 4 {
			e.Follow(userID(i))
		}
		e.Accept("long", "MT2", userID(9), 0)
		marketing := reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING
		later, early := night.Add(48*time.Hour), morning.Add(-time.Hour)
		msgs := e.Queue(
			send{Channel: "life", Template: "lt1", To: userID(0), Expire: &later},
			send{Channel: "life", Template: "lt1", To: userID(1), Expire: &later, Category: marketing},
			send{Channel: "life", Template: "lt1", To: userID(2), Expire: &early, Category: marketing},
			send{Channel: "mini", Template: "long", To: userID(9), Expire: &later, Category: marketing},
		)
		transactional, held, expiring, failing := msgs[0], msgs[1], msgs[2], msgs[3]
		e.start(Config{Now: clock.now})

		e.waitState(transactional, "SENT")
		got := e.waitState(failing, "FAILED")
		if !strings.Contains(got.StateReason, "quiet hours (22:00-08:00 Asia/Shanghai)") || got.Attempts != 0 {
			t.Errorf("MARKETING on a failing policy: %q after %d attempts", got.StateReason, got.Attempts)
		}
		want := "held for the channel's quiet hours (22:00-08:00 Asia/Shanghai) until " + morning.Format(time.RFC3339)
		for _, m := range []*store.Message{held, expiring} {
			got := e.wait(m, func(m *store.Message) bool {
				return m.StateReason != "" && m.LeaseOwner == "" && m.StateReason != "waiting to be sent"
			})
			if got.State != "QUEUED" || got.StateReason != want || got.Attempts != 0 {
				t.Fatalf("MARKETING at night: %s %q after %d attempts, want QUEUED %q", got.State, got.StateReason, got.Attempts, want)
			}
		}
		if evs := e.events(held); len(evs) != 1 || evs[0].Kind != store.EventHeld || evs[0].Description != want {
			t.Fatalf("timeline of the held message: %+v", evs)
		}
		time.Sleep(100 * time.Millisecond) // polls and claims go on: still held, no second event
		if got, evs := e.waitState(held, "QUEUED"), e.events(held); got.Attempts != 0 || len(evs) != 1 {
			t.Fatalf("held message looked at again: %d attempts, %d events", got.Attempts, len(evs))
		}
		if n := e.accepted(lifeApp); n != 1 {
			t.Fatalf("Alipay accepted %d Life Account sends at night, want 1", n)
		}

		clock.set(morning.Add(time.Second))
		e.waitState(held, "SENT")
		e.waitState(expiring, "EXPIRED")
		if n := e.accepted(lifeApp); n != 2 {
			t.Fatalf("Alipay accepted %d Life Account sends by morning, want 2", n)
		}
	})
}

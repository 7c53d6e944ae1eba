package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/store"
)

// A channel's rate is one limit for the whole deployment: every replica's lane takes its
// send slots from the channel's one schedule in the database (store.PacingStore). A lane
// reserves a few slots at a time, at most reserveAhead's worth at the channel's rate, so
// the database sees about one reservation per channel per replica per reserveAhead at full
// speed, and a replica holds few slots it might not use.
const reserveAhead = 100 * time.Millisecond

// reserveRetry is how long a lane waits before asking again after a reservation failed
// (the database is unreachable): it sends nothing meanwhile rather than exceed the limit.
const reserveRetry = time.Second

// minLateness is the least a send may start after its slot; see turn.
const minLateness = 5 * time.Millisecond

// schedule is one lane's share of its channel's slots; the lane's attempts take their
// turns from it.
type schedule struct {
	st    store.PacingStore
	ref   store.ChannelRef
	log   *slog.Logger
	timed prometheus.Observer // reservation latency

	mu       sync.Mutex
	next     time.Time     // the next reserved slot
	left     int           // reserved slots not used yet
	interval time.Duration // between the reserved slots
	reserved time.Time     // when the slots held were reserved
}

// turn blocks until one send may start: it takes the next reserved slot (reserving up to
// want more when none is left) and sleeps until the slot's time. A send whose turn comes
// late (the process was busy: more than one interval after its slot) gives the slot up
// and takes another, and slots left over from a busy period are dropped: a late send
// would crowd the sends of the slots after it, at Alipay, whatever replica holds them.
// Burst slots, reserved in the past on purpose, count as due when they were reserved.
func (s *schedule) turn(ctx context.Context, perSecond float64, burst, want int, now func() time.Time) error {
	for {
		slot, lateness, err := s.take(ctx, perSecond, burst, want, now)
		if err != nil {
			return err
		}
		if err := sleepUntil(ctx, slot, now); err != nil {
			return err
		}
		if now().Sub(slot) <= lateness {
			return nil
		}
	}
}

// take hands out the next slot, and how late a send may start after it.
func (s *schedule) take(ctx context.Context, perSecond float64, burst, want int, now func() time.Time) (time.Time, time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := now()
	for s.left > 0 && s.due(s.next).Add(s.lateness()).Before(at) {
		s.next = s.next.Add(s.interval)
		s.left--
	}
	if s.left == 0 {
		if err := s.reserve(ctx, perSecond, burst, want, now); err != nil {
			return time.Time{}, 0, err
		}
	}
	slot := s.due(s.next)
	s.next = s.next.Add(s.interval)
	s.left--
	return slot, s.lateness(), nil
}

// due is when a slot may be used: burst slots lie before their reservation.
func (s *schedule) due(slot time.Time) time.Time {
	if slot.Before(s.reserved) {
		return s.reserved
	}
	return slot
}

func (s *schedule) lateness() time.Duration { return max(s.interval, minLateness) }

func (s *schedule) reserve(ctx context.Context, perSecond float64, burst, want int, now func() time.Time) error {
	interval := time.Duration(float64(time.Second) / perSecond)
	n := min(max(want, 1), max(1, int(perSecond*reserveAhead.Seconds())))
	for {
		start, at := time.Now(), now()
		first, err := s.st.ReserveSendSlots(ctx, s.ref, n, interval, burst, at)
		s.timed.Observe(time.Since(start).Seconds())
		if err == nil {
			s.next, s.left, s.interval, s.reserved = first, n, interval, at
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.log.Warn("could not reserve send slots; the channel waits", "tenant", s.ref.TenantID, "channel", s.ref.ChannelID, "error", err)
		if err := sleepUntil(ctx, now().Add(reserveRetry), now); err != nil {
			return err
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time, now func() time.Time) error {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

package delivery

import (
	"context"
	"log/slog"
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

// schedule is one lane's share of its channel's slots. Only the lane's run loop uses it.
type schedule struct {
	st       store.PacingStore
	ref      store.ChannelRef
	log      *slog.Logger
	timed    prometheus.Observer // reservation latency
	next     time.Time           // the next reserved slot
	left     int                 // reserved slots not used yet
	interval time.Duration       // between the reserved slots
	burst    int
}

// wait blocks until the lane may start one send. It takes the next reserved slot,
// reserving up to want more when none is left. Leftover slots that fell behind (the lane
// ran dry and later got work) are dropped: using them late would crowd the slots other
// replicas hold now.
func (s *schedule) wait(ctx context.Context, perSecond float64, burst, want int, now func() time.Time) error {
	stale := now().Add(-time.Duration(s.burst+1) * s.interval)
	for s.left > 0 && s.next.Before(stale) {
		s.next = s.next.Add(s.interval)
		s.left--
	}
	if s.left == 0 {
		if err := s.reserve(ctx, perSecond, burst, want, now); err != nil {
			return err
		}
	}
	slot := s.next
	s.next = s.next.Add(s.interval)
	s.left--
	return sleepUntil(ctx, slot, now)
}

func (s *schedule) reserve(ctx context.Context, perSecond float64, burst, want int, now func() time.Time) error {
	interval := time.Duration(float64(time.Second) / perSecond)
	n := min(max(want, 1), max(1, int(perSecond*reserveAhead.Seconds())))
	for {
		start := time.Now()
		first, err := s.st.ReserveSendSlots(ctx, s.ref, n, interval, burst, now())
		s.timed.Observe(time.Since(start).Seconds())
		if err == nil {
			s.next, s.left, s.interval, s.burst = first, n, interval, burst
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

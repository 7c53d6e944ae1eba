package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// testSendSlots: a channel's send slots are handed out in order, never twice, to any
// number of concurrent callers (two dispatchers racing for the last slot of a second never
// both win it); an idle channel catches up by its burst only; channels are independent.
func testSendSlots(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	ch := store.ChannelRef{TenantID: t1, ChannelID: "ch1"}
	const interval = 20 * time.Millisecond
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

	// A new channel starts with its burst: its first slots are in the past, sent at once.
	first, err := s.ReserveSendSlots(ctx, ch, 5, interval, 2, t0)
	must(t, err)
	if want := t0.Add(-2 * interval); !first.Equal(want) {
		t.Fatalf("first slot of a new channel %v, want %v", first, want)
	}
	// The next reservation follows on, although it asks at the same moment.
	first, err = s.ReserveSendSlots(ctx, ch, 3, interval, 2, t0)
	must(t, err)
	if want := t0.Add(3 * interval); !first.Equal(want) {
		t.Fatalf("second reservation starts at %v, want %v", first, want)
	}
	// Another channel has a schedule of its own.
	other, err := s.ReserveSendSlots(ctx, store.ChannelRef{TenantID: t1, ChannelID: "ch2"}, 1, interval, 0, t0)
	must(t, err)
	if !other.Equal(t0) {
		t.Fatalf("another channel's first slot %v, want %v", other, t0)
	}
	// After a long idle time the schedule catches up by the burst only.
	later := t0.Add(time.Hour)
	first, err = s.ReserveSendSlots(ctx, ch, 1, interval, 2, later)
	must(t, err)
	if want := later.Add(-2 * interval); !first.Equal(want) {
		t.Fatalf("after idling the first slot is %v, want %v", first, want)
	}

	// Concurrent reservations: every slot once, the slots evenly spaced.
	const callers, each = 16, 3
	race := store.ChannelRef{TenantID: t1, ChannelID: "race"}
	var mu sync.Mutex
	var slots []time.Time
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			first, err := s.ReserveSendSlots(ctx, race, each, interval, 0, t0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i := range each {
				slots = append(slots, first.Add(time.Duration(i)*interval))
			}
		})
	}
	close(start)
	wg.Wait()
	if len(slots) != callers*each {
		t.Fatalf("%d slots reserved, want %d", len(slots), callers*each)
	}
	slices.SortFunc(slots, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(slots); i++ {
		if gap := slots[i].Sub(slots[i-1]); gap < interval-time.Microsecond {
			t.Fatalf("slots %d and %d are %v apart, want at least %v: two callers got the same slot", i-1, i, gap, interval)
		}
	}
	if span, want := slots[len(slots)-1].Sub(slots[0]), time.Duration(callers*each-1)*interval; span > want+time.Duration(callers)*time.Microsecond {
		t.Fatalf("slots span %v, want %v: reservations left gaps", span, want)
	}

	_, err = s.ReserveSendSlots(ctx, ch, 0, interval, 0, t0)
	wantErr(t, err, store.ErrInvalid)
}

package broadcast_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/delivery/deliverytest"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestPauseAndCancelStopClaimedMessages: a dispatcher claims a whole broadcast at once and
// sends it at 5 a second; pausing the broadcast stops the sends it still holds within the
// dispatcher's cache time, resuming sends the rest, and cancelling a second broadcast ends
// its remaining messages CANCELLED. Both went on to Alipay in full before (a second
// new-user trial saw "CANCELLED" with every message sent).
func TestPauseAndCancelStopClaimedMessages(t *testing.T) {
	ctx := t.Context()
	const n = 30
	lw := newLifeWorld(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"), n)
	st, conn, w, log := lw.st, lw.conn, lw.w, lw.log
	w.Policy("life", &reachv1.DeliveryPolicy{MaxSendsPerSecond: 5, Burst: 1, MaxInFlight: 2})
	r := broadcast.New(broadcast.Config{Owner: "replica-1", Batch: n, Poll: 20 * time.Millisecond}, st, log, nil)
	// The runner enqueues each broadcast (lw.broadcast) in one batch.
	const cacheFor = 100 * time.Millisecond
	d := delivery.New(delivery.Config{Replica: "replica-1", Poll: 20 * time.Millisecond, Batch: 200, CacheFor: cacheFor, HoldFor: 300 * time.Millisecond}, st, conn, log, nil)
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = d.Run(rctx); done <- struct{}{} }()
	go func() { _ = r.Run(rctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })

	waitSent := func(atLeast int) int {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for w.Accepted(deliverytest.LifeApp) < atLeast {
			if time.Now().After(deadline) {
				t.Fatalf("Alipay accepted %d sends, want %d", w.Accepted(deliverytest.LifeApp), atLeast)
			}
			time.Sleep(10 * time.Millisecond)
		}
		return w.Accepted(deliverytest.LifeApp)
	}
	// A pause lets through at most what was already at Alipay or past its last check: the
	// calls in flight (2) and those whose turn came within the cache time (5 a second).
	const slack = 4
	b := lw.broadcast(t)
	waitSent(3)
	if _, err := st.PauseBroadcast(ctx, w.Tenant, b.ID); err != nil {
		t.Fatal(err)
	}
	atPause := w.Accepted(deliverytest.LifeApp)
	time.Sleep(2 * time.Second) // ten sends' worth at the channel's rate
	held := w.Accepted(deliverytest.LifeApp)
	if held > atPause+slack {
		t.Fatalf("%d sends after the pause (%d at the pause)", held-atPause, atPause)
	}
	if _, err := st.ResumeBroadcast(ctx, w.Tenant, b.ID); err != nil {
		t.Fatal(err)
	}
	waitSent(n)
	waitState(t, st, w.Tenant, b.ID, store.BroadcastCompleted)

	// Cancelled while the dispatcher holds its messages: the rest end CANCELLED, unsent.
	c := lw.broadcast(t)
	waitSent(n + 3)
	if _, err := st.CancelBroadcast(ctx, w.Tenant, c.ID); err != nil {
		t.Fatal(err)
	}
	atCancel := w.Accepted(deliverytest.LifeApp)
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := st.GetBroadcast(ctx, w.Tenant, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Progress.Queued == 0 {
			sent := w.Accepted(deliverytest.LifeApp) - n
			if got.Progress.Sent != int64(sent) || got.Progress.Cancelled != int64(n-sent) || sent > atCancel-n+slack {
				t.Fatalf("cancelled broadcast: %+v, Alipay accepted %d of it (%d at the cancel)", got.Progress, sent, atCancel-n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("messages still queued after the cancel: %+v", got.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitState(t *testing.T, st store.Store, tenantID, id, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := st.GetBroadcast(t.Context(), tenantID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast %s, want %s: %+v", got.State, want, got.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

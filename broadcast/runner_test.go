package broadcast_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/storetest"
)

// TestBroadcastSends: a Life Account broadcast goes through the runner and the dispatcher
// to the simulated Alipay and ends COMPLETED with counts that add up, on every database.
// One follower unfollows after being enqueued: that message is skipped, not sent.
func TestBroadcastSends(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "reach.db") },
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) { testSends(t, dbs[name](t)) })
	}
}

func testSends(t *testing.T, dsn string) {
	ctx := t.Context()
	const n = 30
	lw := newLifeWorld(t, dsn, n)
	st, conn, w, log := lw.st, lw.conn, lw.w, lw.log
	b := lw.broadcast(t)
	r := broadcast.New(broadcast.Config{Owner: "replica-1", Batch: 7, Poll: 20 * time.Millisecond}, st, log, nil)
	// Enqueue first, with no dispatcher, then let one follower go.
	if worked, err := r.Step(ctx); err != nil || !worked {
		t.Fatalf("step: %v %v", worked, err)
	}
	w.Ledger("life", "", deliverytest.UserID(3), store.SubscriptionChange{State: "CANCELLED", StateReason: "unfollowed"})

	d := delivery.New(delivery.Config{Replica: "replica-1", Poll: 20 * time.Millisecond, SendsPerSecond: 1000, MaxInFlight: 8}, st, conn, log, nil)
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { _ = d.Run(rctx); done <- struct{}{} }()
	go func() { _ = r.Run(rctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })

	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := st.GetBroadcast(ctx, w.Tenant, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == store.BroadcastCompleted {
			want := store.BroadcastProgress{Sent: n - 1, Skipped: 1}
			if got.Progress != want || got.Enqueued != n || got.EndTime == nil {
				t.Fatalf("completed with %+v, enqueued %d, want %+v", got.Progress, got.Enqueued, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("broadcast stayed %s: %+v", got.State, got.Progress)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if a := w.Accepted(deliverytest.LifeApp); a != n-1 {
		t.Fatalf("Alipay accepted %d sends, want %d", a, n-1)
	}
}

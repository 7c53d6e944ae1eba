package broadcast_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/storetest"
)

// TestReplicas: three runners (replicas) work on one database at once; every broadcast is
// enqueued exactly once per recipient, whichever replicas took its batches.
func TestReplicas(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "reach.db") },
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(name, func(t *testing.T) { testReplicas(t, dbs[name](t)) })
	}
}

func testReplicas(t *testing.T, dsn string) {
	ctx := t.Context()
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	tn, err := st.EnsureTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	const followers, broadcasts = 60, 4
	for i := range followers {
		key := store.SubscriptionKey{TenantID: tn.ID, ChannelID: "life", User: store.UserRef{Kind: "USER_ID", ID: fmt.Sprintf("2088%012d", i)}}
		if _, err := st.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for range broadcasts {
		b := &store.Broadcast{TenantID: tn.ID, ID: uuid.Must(uuid.NewV7()).String(), ChannelID: "life", TemplateID: "lt1",
			LedgerKind: "FOLLOWER", Payload: []byte(`{}`), StartTime: time.Now(), ExpireTime: time.Now().Add(time.Hour)}
		if _, _, err := st.CreateBroadcast(ctx, b); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 3 {
		// A short lease: runners also take over each other's broadcasts while they work.
		r := broadcast.New(broadcast.Config{Owner: fmt.Sprintf("replica-%d", i), Batch: 7, Lease: 50 * time.Millisecond,
			Poll: 5 * time.Millisecond}, st, log, nil)
		wg.Go(func() { _ = r.Run(rctx) })
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for _, id := range ids {
		for {
			b, err := st.GetBroadcast(ctx, tn.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if b.EnqueueDone {
				if b.Enqueued != followers || b.Progress.Queued != followers {
					t.Fatalf("broadcast %s: enqueued %d, %d messages, want %d", id, b.Enqueued, b.Progress.Queued, followers)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("broadcast %s not enqueued: %+v", id, b)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	msgs, _, err := st.ListMessages(ctx, tn.ID, store.MessageFilter{}, store.Page{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		k := m.BroadcastID + "/" + m.Recipient.ID
		if seen[k] {
			t.Fatalf("recipient %s enqueued twice by broadcast %s", m.Recipient.ID, m.BroadcastID)
		}
		seen[k] = true
	}
	if len(seen) != followers*broadcasts {
		t.Fatalf("%d messages, want %d", len(seen), followers*broadcasts)
	}
}

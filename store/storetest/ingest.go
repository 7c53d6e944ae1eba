package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

// ingestStats is a store that writes concurrent CreateMessages calls in shared
// transactions and counts them.
type ingestStats interface {
	IngestStats() store.IngestStats
}

// GatherAll is group commit as RunGroupCommit needs it: one writer that waits long
// enough for every call a test starts at once.
var GatherAll = gormstore.IngestOptions{Writers: 1, Window: 300 * time.Millisecond}

// RunGroupCommit checks CreateMessages calls that share one transaction. open must return
// a migrated, empty store whose writer waits long enough after the first call of a group
// (its gather window) for every call the test starts at once to join that group.
func RunGroupCommit(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("SameRequestIDInOneCommit", func(t *testing.T) { testGroupSameRequest(t, open(t)) })
	t.Run("FailureInASharedCommit", func(t *testing.T) { testGroupFailure(t, open(t)) })
	t.Run("StaleGuardInASharedCommit", func(t *testing.T) { testGroupStale(t, open(t)) })
	t.Run("RecordedBeforeTheCommit", func(t *testing.T) { testGroupRecordedBefore(t, open(t)) })
	t.Run("TraceContextInASharedCommit", func(t *testing.T) { testGroupTraceContext(t, open(t)) })
}

// Request ids recorded by earlier transactions, arriving in one shared commit with new
// ones: the recorded ones are answered with what was recorded (whatever their content) and
// write nothing; the new ones are written in the same commit.
func testGroupRecordedBefore(t *testing.T, s store.Store) {
	t1 := tenant(t, s, "one")
	t2 := tenant(t, s, "two")
	earlier := map[string][]*store.Message{}
	for _, id := range []string{"req-a", "req-b"} {
		msgs := newMessages(t1, "ch1", "tpl1", "first-"+id+"-", 2)
		created, _, _, err := s.CreateMessages(t.Context(), t1, id, "h1", msgs)
		must(t, err)
		if !created {
			t.Fatalf("%s was not created", id)
		}
		earlier[id] = msgs
	}
	results := createAll(t, s, []func() createResult{
		create(s, t, t1, "req-a", "h1", newMessages(t1, "ch1", "tpl1", "again-a-", 2)),
		create(s, t, t1, "req-b", "h2", newMessages(t1, "ch1", "tpl1", "again-b-", 2)),
		create(s, t, t1, "req-c", "h1", newMessages(t1, "ch1", "tpl1", "new-c-", 2)),
		create(s, t, t2, "req-a", "h1", newMessages(t2, "ch1", "tpl1", "other-tenant-", 1)), // ids are per tenant
	})
	for i, id := range []string{"req-a", "req-b"} {
		res := results[i]
		must(t, res.err)
		if res.created || res.hash != "h1" {
			t.Fatalf("%s again: created %v, hash %q; want a replay of h1", id, res.created, res.hash)
		}
		wantEqual(t, "replay of "+id, res.existing, earlier[id])
	}
	for _, res := range results[2:] {
		must(t, res.err)
		if !res.created {
			t.Fatal("a new request id was answered as a replay")
		}
	}
	if n := countMessages(t, s, t1); n != 2*2+2 {
		t.Fatalf("%d messages stored for tenant one, want %d", n, 2*2+2)
	}
	if n := countMessages(t, s, t2); n != 1 {
		t.Fatalf("%d messages stored for tenant two, want 1", n)
	}
}

// Calls validated against an old revision of a template are refused with ErrStale in a
// shared commit; the calls beside them are written, in fewer transactions than calls.
func testGroupStale(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateChannel(ctx, newChannel(t1, "ch1")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "ext1")))
	tpl, err := s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	current := store.SendGuard{ChannelID: "ch1", TemplateID: "tpl1", Revision: tpl.Revision}
	old := current
	old.Revision--
	before := s.(ingestStats).IngestStats()
	var calls []func() createResult
	for i := range 8 {
		g := current
		if i%2 == 1 {
			g = old
		}
		msgs := newMessages(t1, "ch1", "tpl1", fmt.Sprintf("g%d-", i), 1)
		calls = append(calls, func() createResult {
			created, existing, h, err := s.CreateGuardedMessages(t.Context(), t1, fmt.Sprintf("req-%d", i), "h", g, msgs)
			return createResult{created, existing, h, err}
		})
	}
	for i, res := range createAll(t, s, calls) {
		if i%2 == 1 {
			wantErr(t, res.err, store.ErrStale)
			continue
		}
		must(t, res.err)
		if !res.created {
			t.Fatalf("call %d was not created", i)
		}
	}
	if n := countMessages(t, s, t1); n != 4 {
		t.Fatalf("%d messages stored, want 4", n)
	}
	after := s.(ingestStats).IngestStats()
	if txs := after.Transactions - before.Transactions; txs >= 8 || after.Alone != before.Alone {
		t.Fatalf("8 calls: %d transactions, %d written alone", txs, after.Alone-before.Alone)
	}
}

type createResult struct {
	created  bool
	existing []*store.Message
	hash     string
	err      error
}

// createAll runs every call at once and returns their results in order.
func createAll(t *testing.T, s store.Store, calls []func() createResult) []createResult {
	t.Helper()
	out := make([]createResult, len(calls))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range calls {
		wg.Go(func() { <-start; out[i] = c() })
	}
	close(start)
	wg.Wait()
	return out
}

func create(s store.Store, t *testing.T, tenantID, requestID, hash string, msgs []*store.Message) func() createResult {
	return func() createResult {
		created, existing, h, err := s.CreateMessages(t.Context(), tenantID, requestID, hash, msgs)
		return createResult{created, existing, h, err}
	}
}

// Three callers of each request id arrive in one gather window (two with the same
// content, one with other content): exactly one records it, the others get its messages
// and hash, and all of it takes fewer transactions than calls.
func testGroupSameRequest(t *testing.T, s store.Store) {
	t1 := tenant(t, s, "one")
	before := s.(ingestStats).IngestStats()
	var calls []func() createResult
	for r := range 5 {
		id := fmt.Sprintf("req-%d", r)
		for c := range 3 {
			hash := "same"
			if c == 2 {
				hash = "other"
			}
			calls = append(calls, create(s, t, t1, id, hash, newMessages(t1, "ch1", "tpl1", fmt.Sprintf("r%dc%d-", r, c), 2)))
		}
	}
	for i := range 5 { // and sends without a request id
		calls = append(calls, create(s, t, t1, "", "", newMessages(t1, "ch1", "tpl1", fmt.Sprintf("plain%d-", i), 1)))
	}
	results := createAll(t, s, calls)
	for r := range 5 {
		winners := 0
		var winner []*store.Message
		for c := range 3 {
			res := results[r*3+c]
			must(t, res.err)
			if res.created {
				winners++
				winner = nil
				continue
			}
			if winner == nil {
				winner = res.existing
			}
			wantEqual(t, "replayed messages", res.existing, winner)
		}
		if winners != 1 {
			t.Fatalf("request %d recorded %d times", r, winners)
		}
		got, hash, err := s.GetSendRequest(t.Context(), t1, fmt.Sprintf("req-%d", r))
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("request %d has %d messages, want 2", r, len(got))
		}
		for c := range 3 {
			if res := results[r*3+c]; !res.created {
				if res.hash != hash {
					t.Fatalf("request %d: a replay saw hash %q, recorded %q", r, res.hash, hash)
				}
				wantEqual(t, "replay", res.existing, got)
			}
		}
	}
	for _, res := range results[15:] {
		must(t, res.err)
		if !res.created {
			t.Fatal("a send without a request id was not created")
		}
	}
	n := countMessages(t, s, t1)
	if n != 5*2+5 {
		t.Fatalf("%d messages stored, want %d", n, 5*2+5)
	}
	after := s.(ingestStats).IngestStats()
	if calls, txs := after.Calls-before.Calls, after.Transactions-before.Transactions; calls != int64(len(results)) || txs >= calls {
		t.Fatalf("%d calls took %d transactions: they did not share one", calls, txs)
	}
}

// A call that cannot be written (its message id is taken) fails alone; the calls that
// shared its transaction are written, and its request id stays free.
func testGroupFailure(t *testing.T, s store.Store) {
	t1 := tenant(t, s, "one")
	_, _, _, err := s.CreateMessages(t.Context(), t1, "", "", newMessages(t1, "ch1", "tpl1", "taken", 1))
	must(t, err)
	var calls []func() createResult
	for i := range 6 {
		msgs := newMessages(t1, "ch1", "tpl1", fmt.Sprintf("ok%d-", i), 2)
		if i == 3 {
			msgs[1].ID = "taken0000"
		}
		calls = append(calls, create(s, t, t1, fmt.Sprintf("req-%d", i), "h", msgs))
	}
	results := createAll(t, s, calls)
	for i, res := range results {
		if i == 3 {
			wantErr(t, res.err, store.ErrAlreadyExists)
			continue
		}
		must(t, res.err)
		if !res.created {
			t.Fatalf("call %d was not created", i)
		}
	}
	_, err = s.GetMessage(t.Context(), t1, "ok3-0000")
	wantErr(t, err, store.ErrNotFound)
	_, _, err = s.GetSendRequest(t.Context(), t1, "req-3")
	wantErr(t, err, store.ErrNotFound)
	if n := countMessages(t, s, t1); n != 1+5*2 {
		t.Fatalf("%d messages stored, want %d", n, 1+5*2)
	}
	if st := s.(ingestStats).IngestStats(); st.Alone == 0 {
		t.Fatalf("no call was written alone after its group failed: %+v", st)
	}
}

func countMessages(t *testing.T, s store.Store, tenantID string) int {
	t.Helper()
	n := 0
	p := store.Page{Size: 100}
	for {
		msgs, next, err := s.ListMessages(t.Context(), tenantID, store.MessageFilter{}, p)
		must(t, err)
		n += len(msgs)
		if next == "" {
			return n
		}
		p.Token = next
	}
}

// testGuardedMessages: messages validated against a template at a revision are written
// only while it is still at that revision; a recorded request id is answered as a replay
// whatever the template became.
func testGuardedMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateChannel(ctx, newChannel(t1, "ch1")))
	tpl := newTemplate(t1, "ch1", "tpl1", "ext1")
	must(t, s.CreateTemplate(ctx, tpl))
	tpl, err := s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	guard := store.SendGuard{ChannelID: "ch1", TemplateID: "tpl1", Revision: tpl.Revision}
	created, _, _, err := s.CreateGuardedMessages(ctx, t1, "req-1", "h", guard, newMessages(t1, "ch1", "tpl1", "a", 1))
	must(t, err)
	if !created {
		t.Fatal("a send guarded by the current revision was not created")
	}
	tpl.DisplayName = "changed"
	must(t, s.UpdateTemplate(ctx, tpl))
	_, _, _, err = s.CreateGuardedMessages(ctx, t1, "req-2", "h", guard, newMessages(t1, "ch1", "tpl1", "b", 1))
	wantErr(t, err, store.ErrStale)
	_, err = s.GetMessage(ctx, t1, "b0000")
	wantErr(t, err, store.ErrNotFound)
	_, _, err = s.GetSendRequest(ctx, t1, "req-2")
	wantErr(t, err, store.ErrNotFound)
	created, existing, hash, err := s.CreateGuardedMessages(ctx, t1, "req-1", "h", guard, newMessages(t1, "ch1", "tpl1", "c", 1))
	must(t, err)
	if created || hash != "h" || len(existing) != 1 || existing[0].ID != "a0000" {
		t.Fatalf("replay of a recorded request under a stale guard: created=%v hash=%q %v", created, hash, existing)
	}
	guard.TemplateID = "gone"
	_, _, _, err = s.CreateGuardedMessages(ctx, t1, "", "", guard, newMessages(t1, "ch1", "gone", "d", 1))
	wantErr(t, err, store.ErrStale)
	// Any guard that is not zero is checked, one without a channel too (it names no template).
	_, _, _, err = s.CreateGuardedMessages(ctx, t1, "", "", store.SendGuard{TemplateID: "tpl1", Revision: 3}, newMessages(t1, "ch1", "tpl1", "e", 1))
	wantErr(t, err, store.ErrStale)
}

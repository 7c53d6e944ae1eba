package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/store"
)

const bcLease = time.Minute

// followers records n ACTIVE followers of channel ch, plus one who unfollowed.
func followers(t *testing.T, s store.Store, tenantID, ch string, n int) {
	t.Helper()
	for i := range n {
		_, err := s.ApplySubscription(t.Context(), subKey(tenantID, ch, "", fmt.Sprintf("20880000%08d", i)),
			store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"})
		must(t, err)
	}
	_, err := s.ApplySubscription(t.Context(), subKey(tenantID, ch, "", "2088999999999999"),
		store.SubscriptionChange{Kind: "FOLLOWER", State: "CANCELLED", StateReason: "unfollowed"})
	must(t, err)
}

func newBroadcast(tenantID, ch, requestID string) *store.Broadcast {
	return &store.Broadcast{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()).String(), ChannelID: ch, TemplateID: "tpl1",
		RequestID: requestID, RequestHash: "h1", LedgerKind: "FOLLOWER", Payload: []byte("shared"),
		StartTime: *at(0), ExpireTime: at(0).Add(7 * 24 * time.Hour)}
}

// broadcastMessages returns the recipients of a broadcast's messages, failing on a
// recipient enqueued twice.
func broadcastMessages(t *testing.T, s store.Store, tenantID, id string) []string {
	t.Helper()
	msgs, _, err := s.ListMessages(t.Context(), tenantID, store.MessageFilter{}, store.Page{Size: 1000})
	must(t, err)
	var users []string
	for _, m := range msgs {
		if m.BroadcastID != id {
			continue
		}
		if slices.Contains(users, m.Recipient.ID) {
			t.Fatalf("recipient %s enqueued twice", m.Recipient.ID)
		}
		if m.State != "QUEUED" && m.State != "SENDING" && m.State != "SENT" && m.State != "FAILED" && m.State != "CANCELLED" {
			t.Fatalf("message %s is %s", m.ID, m.State)
		}
		users = append(users, m.Recipient.ID)
	}
	return users
}

func enqueueAll(t *testing.T, s store.Store, owner string, ref store.BroadcastRef, size int, now time.Time) (batches []int) {
	t.Helper()
	for {
		n, done, err := s.EnqueueBroadcastBatch(t.Context(), owner, ref, size, now, bcLease)
		must(t, err)
		batches = append(batches, n)
		if done {
			return batches
		}
	}
}

func testBroadcasts(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	followers(t, s, t1, "ch1", 25)
	followers(t, s, t1, "ch2", 3) // another channel: not recipients
	b := newBroadcast(t1, "ch1", "req-1")
	created, _, err := s.CreateBroadcast(ctx, b)
	must(t, err)
	if !created || b.State != store.BroadcastScheduled || b.Revision != 1 {
		t.Fatalf("created %v %+v", created, b)
	}
	// The same request id answers with what was recorded, and stores nothing.
	again := newBroadcast(t1, "ch1", "req-1")
	created, existing, err := s.CreateBroadcast(ctx, again)
	must(t, err)
	if created || existing == nil || existing.ID != b.ID || existing.RequestHash != "h1" {
		t.Fatalf("replayed create: %v %+v", created, existing)
	}
	found, err := s.FindBroadcastRequest(ctx, t1, "req-1")
	must(t, err)
	if found.ID != b.ID {
		t.Fatalf("found %+v", found)
	}
	_, err = s.FindBroadcastRequest(ctx, t2, "req-1")
	wantErr(t, err, store.ErrNotFound)
	// Another tenant may use the same request id; no request id never collides.
	for _, o := range []*store.Broadcast{newBroadcast(t2, "ch1", "req-1"), newBroadcast(t1, "ch1", ""), newBroadcast(t1, "ch1", "")} {
		o.StartTime = at(0).Add(48 * time.Hour) // scheduled: not claimable below
		must2(t, s, o)
	}
	_, err = s.GetBroadcast(ctx, t2, b.ID)
	wantErr(t, err, store.ErrNotFound)

	// A broadcast is worked on by one runner at a time.
	now := *at(1)
	got, err := s.ClaimBroadcast(ctx, "r1", now, bcLease)
	must(t, err)
	if got == nil || got.ID != b.ID || got.State != store.BroadcastRunning || got.LeaseOwner != "r1" {
		t.Fatalf("claimed %+v", got)
	}
	if other, err := s.ClaimBroadcast(ctx, "r2", now, bcLease); err != nil || other != nil {
		t.Fatalf("second runner claimed %+v, %v", other, err)
	}
	ref := store.BroadcastRef{TenantID: t1, ID: b.ID}
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r2", ref, 10, now, bcLease)
	wantErr(t, err, store.ErrLeaseLost)

	wantEqual(t, "batches", enqueueAll(t, s, "r1", ref, 10, now), []int{10, 10, 5})
	users := broadcastMessages(t, s, t1, b.ID)
	if len(users) != 25 || slices.Contains(users, "2088999999999999") {
		t.Fatalf("recipients %v", users)
	}
	// Enqueued all: nothing more to claim, and another batch is refused.
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r1", ref, 10, now, bcLease)
	wantErr(t, err, store.ErrLeaseLost)
	if other, err := s.ClaimBroadcast(ctx, "r2", now.Add(time.Hour), bcLease); err != nil || other != nil {
		t.Fatalf("claimed an enqueued broadcast: %+v, %v", other, err)
	}
	got, err = s.GetBroadcast(ctx, t1, b.ID)
	must(t, err)
	if !got.EnqueueDone || got.Enqueued != 25 || got.Progress != (store.BroadcastProgress{Queued: 25}) {
		t.Fatalf("after enqueue %+v", got)
	}
	done, err := s.CompleteBroadcasts(ctx, now, 10)
	must(t, err)
	if len(done) != 0 {
		t.Fatalf("completed with messages waiting: %+v", done)
	}

	// Deliver: 20 sent, 3 skipped by a policy (no attempt), 2 refused by Alipay (an
	// attempt, and a reason that also begins "not sent:").
	claimed := claim(t, s, "d1", now.Add(time.Second), 100)
	if len(claimed) != 25 {
		t.Fatalf("dispatcher claimed %d", len(claimed))
	}
	var outs []*store.Outcome
	for i, c := range claimed {
		o := &store.Outcome{TenantID: c.TenantID, MessageID: c.ID, State: "SENT", Attempts: 1, SentTime: &now}
		switch {
		case i < 3:
			o.State, o.StateReason, o.SentTime, o.Attempts = "FAILED", "not sent: quiet hours", nil, 0
		case i < 5:
			o.State, o.StateReason, o.SentTime = "FAILED", "not sent: Alipay refused the recipient (40004/MSG_SD_NOFOLLOW)", nil
		}
		outs = append(outs, o)
	}
	_, err = s.CompleteDeliveries(ctx, "d1", outs)
	must(t, err)
	done, err = s.CompleteBroadcasts(ctx, now.Add(time.Minute), 10)
	must(t, err)
	if len(done) != 1 || done[0].ID != b.ID || done[0].State != store.BroadcastCompleted || done[0].EndTime == nil {
		t.Fatalf("completed %+v", done)
	}
	wantEqual(t, "progress", done[0].Progress, store.BroadcastProgress{Sent: 20, Failed: 2, Skipped: 3})
	// The completion is a resource event, for webhooks (written with it).
	res, err := s.ReadResourceFeed(ctx, 0, nil, 100)
	must(t, err)
	var completed []*store.ResourceEvent
	for _, e := range res {
		if e.Type == store.EventBroadcastCompleted {
			completed = append(completed, e)
		}
	}
	if len(completed) != 1 || completed[0].Subject != "broadcasts/"+b.ID || completed[0].Revision != done[0].Revision ||
		completed[0].TenantID != t1 || completed[0].State != store.BroadcastCompleted {
		t.Fatalf("broadcast.completed events %+v, broadcast revision %d", completed, done[0].Revision)
	}
	_, err = s.CancelBroadcast(ctx, t1, b.ID)
	wantErr(t, err, store.ErrConflict)

	list, next, err := s.ListBroadcasts(ctx, t1, store.Page{Size: 10})
	must(t, err)
	if len(list) != 3 || next != "" {
		t.Fatalf("listed %d, next %q", len(list), next)
	}
}

func must2(t *testing.T, s store.Store, b *store.Broadcast) {
	t.Helper()
	created, _, err := s.CreateBroadcast(t.Context(), b)
	must(t, err)
	if !created {
		t.Fatalf("broadcast %s not created", b.ID)
	}
}

// testBroadcastTakeover: a runner that stops between batches (a crash) loses its lease when
// it runs out; another takes over from the cursor and nobody is enqueued twice, while the
// stopped one, should it wake up, can no longer write.
func testBroadcastTakeover(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	followers(t, s, t1, "ch1", 23)
	b := newBroadcast(t1, "ch1", "")
	must2(t, s, b)
	ref := store.BroadcastRef{TenantID: t1, ID: b.ID}
	now := *at(1)
	got, err := s.ClaimBroadcast(ctx, "r1", now, bcLease)
	must(t, err)
	if got == nil {
		t.Fatal("nothing to claim")
	}
	n, done, err := s.EnqueueBroadcastBatch(ctx, "r1", ref, 7, now, bcLease)
	must(t, err)
	if n != 7 || done {
		t.Fatalf("first batch %d %v", n, done)
	}
	// r1 "crashes". Before its lease runs out nobody else may take the broadcast.
	if other, err := s.ClaimBroadcast(ctx, "r2", now.Add(bcLease/2), bcLease); err != nil || other != nil {
		t.Fatalf("claimed under a live lease: %+v, %v", other, err)
	}
	later := now.Add(2 * bcLease)
	got, err = s.ClaimBroadcast(ctx, "r2", later, bcLease)
	must(t, err)
	if got == nil || got.LeaseOwner != "r2" || got.Enqueued != 7 {
		t.Fatalf("takeover %+v", got)
	}
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r1", ref, 7, later, bcLease)
	wantErr(t, err, store.ErrLeaseLost)
	wantEqual(t, "batches after takeover", enqueueAll(t, s, "r2", ref, 7, later), []int{7, 7, 2})
	if users := broadcastMessages(t, s, t1, b.ID); len(users) != 23 {
		t.Fatalf("%d recipients", len(users))
	}
}

// testBroadcastPause: pause holds queued messages and stops enqueuing; resume releases
// them; cancel cancels what waits.
func testBroadcastPause(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	followers(t, s, t1, "ch1", 12)
	b := newBroadcast(t1, "ch1", "")
	must2(t, s, b)
	ref := store.BroadcastRef{TenantID: t1, ID: b.ID}
	now := *at(1)
	_, err := s.ClaimBroadcast(ctx, "r1", now, bcLease)
	must(t, err)
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r1", ref, 5, now, bcLease)
	must(t, err)
	p, err := s.PauseBroadcast(ctx, t1, b.ID)
	must(t, err)
	if p.State != store.BroadcastPaused || p.LeaseOwner != "" {
		t.Fatalf("paused %+v", p)
	}
	_, err = s.PauseBroadcast(ctx, t1, b.ID)
	wantErr(t, err, store.ErrConflict)
	// The state alone, as a dispatcher asks for it before sending a broadcast's message.
	if state, err := s.BroadcastState(ctx, t1, b.ID); err != nil || state != store.BroadcastPaused {
		t.Fatalf("BroadcastState of a paused broadcast: %q %v", state, err)
	}
	_, err = s.BroadcastState(ctx, t1, "0190c0de-0000-7000-8000-000000000000")
	wantErr(t, err, store.ErrNotFound)
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r1", ref, 5, now, bcLease)
	wantErr(t, err, store.ErrLeaseLost)
	if c, err := s.ClaimBroadcast(ctx, "r2", now, bcLease); err != nil || c != nil {
		t.Fatalf("claimed a paused broadcast: %+v %v", c, err)
	}
	if c := claim(t, s, "d1", now.Add(time.Hour), 100); len(c) != 0 {
		t.Fatalf("dispatcher claimed %d held messages", len(c))
	}
	r, err := s.ResumeBroadcast(ctx, t1, b.ID)
	must(t, err)
	if r.State != store.BroadcastRunning {
		t.Fatalf("resumed %+v", r)
	}
	if c := claim(t, s, "d1", time.Now().Add(time.Minute), 2); len(c) != 2 {
		t.Fatalf("dispatcher claimed %d after resume", len(c))
	}
	_, err = s.ClaimBroadcast(ctx, "r2", now, bcLease)
	must(t, err)
	_, _, err = s.EnqueueBroadcastBatch(ctx, "r2", ref, 5, now, bcLease)
	must(t, err)
	c, err := s.CancelBroadcast(ctx, t1, b.ID)
	must(t, err)
	// 10 enqueued: 2 held by the dispatcher (which asks BroadcastState before it sends
	// them); the other 8 are cancelled.
	if c.State != store.BroadcastCancelled || c.Progress != (store.BroadcastProgress{Queued: 2, Cancelled: 8}) {
		t.Fatalf("cancelled %+v", c)
	}
	if state, err := s.BroadcastState(ctx, t1, b.ID); err != nil || state != store.BroadcastCancelled {
		t.Fatalf("BroadcastState of a cancelled broadcast: %q %v", state, err)
	}
	_, err = s.ResumeBroadcast(ctx, t1, b.ID)
	wantErr(t, err, store.ErrConflict)
}

// testBroadcastLedger: mini program subscribers of one template, ONE_TIME rows with no
// acceptance left excluded, narrowed by subscription type.
func testBroadcastLedger(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	apply := func(tpl, user string, ch store.SubscriptionChange) {
		_, err := s.ApplySubscription(ctx, subKey(t1, "mp", tpl, user), ch)
		must(t, err)
	}
	apply("tpl1", "2088000000000001", store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 2})
	apply("tpl1", "2088000000000002", store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 1})
	apply("tpl1", "2088000000000002", store.SubscriptionChange{AddSends: -1}) // spent
	apply("tpl1", "2088000000000003", store.SubscriptionChange{Kind: "TEMPLATE", Type: "LONG_TERM", State: "ACTIVE"})
	apply("tpl2", "2088000000000004", store.SubscriptionChange{Kind: "TEMPLATE", Type: "LONG_TERM", State: "ACTIVE"})
	for _, tc := range []struct {
		typ  string
		want []string
	}{
		{"", []string{"2088000000000001", "2088000000000003"}},
		{"LONG_TERM", []string{"2088000000000003"}},
	} {
		b := newBroadcast(t1, "mp", "")
		b.LedgerKind, b.LedgerTemplate, b.SubscriptionType = "TEMPLATE", "tpl1", tc.typ
		must2(t, s, b)
		ref := store.BroadcastRef{TenantID: t1, ID: b.ID}
		for {
			c, err := s.ClaimBroadcast(ctx, "r1", *at(1), bcLease)
			must(t, err)
			if c == nil {
				break
			}
			enqueueAll(t, s, "r1", store.BroadcastRef{TenantID: c.TenantID, ID: c.ID}, 1, *at(1))
		}
		users := broadcastMessages(t, s, t1, ref.ID)
		slices.Sort(users)
		wantEqual(t, "recipients of type "+tc.typ, users, tc.want)
	}
}

package storetest

import (
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

// Trace contexts as the API stores them (W3C traceparent) and as events record them.
const (
	traceParentA = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traceParentB = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
	traceIDA     = "4bf92f3577b34da6a3ce929d0e0e4736"
)

// testTraceContext: a message keeps the trace context it was queued with through a claim
// and an outcome; the events of an outcome, of UpdateMessage and of the feed keep their
// trace id; a message or an event without one reads back empty.
func testTraceContext(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateChannel(ctx, newChannel(t1, "ch1")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "ext1")))
	msgs := newMessages("", "ch1", "tpl1", "m", 3)
	msgs[0].TraceParent, msgs[1].TraceParent = traceParentA, traceParentB // m0002: untraced
	_, _, _, err := s.CreateMessages(ctx, t1, "req", "hash", msgs)
	must(t, err)
	want := map[string]string{"m0000": traceParentA, "m0001": traceParentB, "m0002": ""}
	for id, tp := range want {
		m, err := s.GetMessage(ctx, t1, id)
		must(t, err)
		wantEqual(t, "trace parent of "+id, m.TraceParent, tp)
	}
	startM, _, err := s.LatestEventIDs(ctx)
	must(t, err)
	got := claim(t, s, "r1", *at(10), 3)
	if len(got) != 3 {
		t.Fatalf("claimed %d of 3", len(got))
	}
	outs := make([]*store.Outcome, len(got))
	for i, c := range got {
		wantEqual(t, "claimed trace parent of "+c.ID, c.TraceParent, want[c.ID])
		traceID := ""
		if c.TraceParent != "" {
			traceID = c.TraceParent[3:35]
		}
		outs[i] = &store.Outcome{TenantID: t1, MessageID: c.ID, Revision: c.Revision, State: "SENT", StateReason: "accepted",
			Attempts: 1, Events: []*store.MessageEvent{{Time: *at(11), Kind: store.EventAttempt, State: "SENT", Attempt: 1, TraceID: traceID}}}
	}
	_, err = s.CompleteDeliveries(ctx, "r1", outs)
	must(t, err)
	for id, tp := range want {
		evs, _, err := s.ListMessageEvents(ctx, t1, id, store.Page{})
		must(t, err)
		wantID := ""
		if tp != "" {
			wantID = tp[3:35]
		}
		if len(evs) != 1 || evs[0].TraceID != wantID {
			t.Fatalf("events of %s: %+v, want trace id %q", id, evs, wantID)
		}
	}
	feed, err := s.ReadMessageFeed(ctx, t1, startM, nil, 10)
	must(t, err)
	for _, e := range feed {
		if e.MessageID == "m0000" && e.TraceID != traceIDA {
			t.Fatalf("feed event of m0000: trace id %q, want %q", e.TraceID, traceIDA)
		}
	}

	// UpdateMessage (a cancel, a re-drive) records its event's trace id and leaves the
	// message's trace parent as it was.
	m, err := s.GetMessage(ctx, t1, "m0001")
	must(t, err)
	m.State = "QUEUED"
	must(t, s.UpdateMessage(ctx, m, &store.MessageEvent{Kind: store.EventRequeued, State: "QUEUED", TraceID: traceIDA}))
	m, err = s.GetMessage(ctx, t1, "m0001")
	must(t, err)
	wantEqual(t, "trace parent after a re-drive", m.TraceParent, traceParentB)
	evs, _, err := s.ListMessageEvents(ctx, t1, "m0001", store.Page{})
	must(t, err)
	if last := evs[len(evs)-1]; last.Kind != store.EventRequeued || last.TraceID != traceIDA {
		t.Fatalf("re-drive event %+v", last)
	}
}

// Calls of one shared commit each keep their own trace context.
func testGroupTraceContext(t *testing.T, s store.Store) {
	t1 := tenant(t, s, "one")
	before := s.(ingestStats).IngestStats()
	parents := []string{traceParentA, traceParentB, ""}
	var calls []func() createResult
	for i, tp := range parents {
		msgs := newMessages("", "ch1", "tpl1", fmt.Sprintf("g%d-", i), 2)
		for _, m := range msgs {
			m.TraceParent = tp
		}
		calls = append(calls, create(s, t, t1, fmt.Sprintf("req-%d", i), "h", msgs))
	}
	for _, res := range createAll(t, s, calls) {
		must(t, res.err)
	}
	after := s.(ingestStats).IngestStats()
	if calls, txs := after.Calls-before.Calls, after.Transactions-before.Transactions; txs >= calls {
		t.Fatalf("%d calls took %d transactions: not a shared commit", calls, txs)
	}
	for i, tp := range parents {
		for j := range 2 {
			id := fmt.Sprintf("g%d-%04d", i, j)
			m, err := s.GetMessage(t.Context(), t1, id)
			must(t, err)
			wantEqual(t, "trace parent of "+id, m.TraceParent, tp)
		}
	}
}

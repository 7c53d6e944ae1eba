package storetest

import (
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// testOutboxFeeds: every message change has an event carrying the revision it left, the
// feed reads events after a cursor and inside its gaps, and entering AUTH_FAILED or INVALID
// writes one resource event, however it happens.
func testOutboxFeeds(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateChannel(ctx, newChannel(t1, "ch1")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "EXT1")))
	_, _, _, err := s.CreateMessages(ctx, t1, "req", "hash", newMessages("", "ch1", "tpl1", "m", 3))
	must(t, err)
	startM, startR, err := s.LatestEventIDs(ctx)
	must(t, err)

	got := claim(t, s, "r1", *at(10), 3)
	outs := make([]*store.Outcome, len(got))
	for i, c := range got {
		outs[i] = &store.Outcome{TenantID: t1, MessageID: c.ID, Revision: c.Revision, State: "SENT", StateReason: "accepted",
			Attempts: 1, Events: []*store.MessageEvent{{Time: *at(11), Kind: store.EventAttempt, State: "SENT", Attempt: 1}}}
	}
	_, err = s.CompleteDeliveries(ctx, "r1", outs)
	must(t, err)
	feed, err := s.ReadMessageFeed(ctx, "", startM, nil, 10)
	must(t, err)
	if len(feed) != 3 {
		t.Fatalf("feed after completing 3 messages: %d events", len(feed))
	}
	for i, e := range feed {
		m, err := s.GetMessage(ctx, t1, e.MessageID)
		if err != nil {
			t.Fatalf("feed event %+v: %v", e, err)
		}
		if e.Revision != m.Revision || e.State != "SENT" || e.ChannelID != "ch1" || e.TemplateID != "tpl1" || e.RequestID != "req" ||
			e.Recipient != m.Recipient || (i > 0 && e.ID <= feed[i-1].ID) {
			t.Fatalf("feed event %d: %+v (message revision %d)", i, e, m.Revision)
		}
	}
	// A reader that saw the first and last event but not the middle one finds it in its gap.
	mid := feed[1].ID
	gap, err := s.ReadMessageFeed(ctx, "", feed[2].ID, [][2]int64{{mid, mid}}, 10)
	must(t, err)
	if len(gap) != 1 || gap[0].ID != mid {
		t.Fatalf("read of gap [%d,%d]: %+v", mid, mid, gap)
	}
	other, err := s.ReadMessageFeed(ctx, "another-tenant", startM, nil, 10)
	must(t, err)
	wantEqual(t, "another tenant's feed", len(other), 0)

	// An UpdateMessage (a cancel) leaves revision+1 in its event too.
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "c", 1))
	must(t, err)
	m, err := s.GetMessage(ctx, t1, "c0000")
	must(t, err)
	m.State, m.StateReason = "CANCELLED", "cancelled"
	must(t, s.UpdateMessage(ctx, m, &store.MessageEvent{Kind: store.EventCancelled, State: "CANCELLED"}))
	feed, err = s.ReadMessageFeed(ctx, t1, feed[2].ID, nil, 10)
	must(t, err)
	if len(feed) != 1 || feed[0].Revision != m.Revision || feed[0].State != "CANCELLED" {
		t.Fatalf("cancel event %+v, message revision %d", feed, m.Revision)
	}

	// Resource events: one per entry into AUTH_FAILED or INVALID.
	ch, err := s.GetChannel(ctx, t1, "ch1")
	must(t, err)
	ch.State, ch.StateReason = "AUTH_FAILED", "refused"
	must(t, s.UpdateChannel(ctx, ch))
	ch.StateReason = "refused again"
	must(t, s.UpdateChannel(ctx, ch)) // already AUTH_FAILED: no second event
	tpl, err := s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	tpl.State, tpl.StateReason = "INVALID", "gone"
	must(t, s.UpdateTemplate(ctx, tpl))
	bad := newChannel(t1, "ch2")
	bad.State, bad.StateReason = "AUTH_FAILED", "refused at creation"
	must(t, s.CreateChannel(ctx, bad))
	res, err := s.ReadResourceFeed(ctx, startR, nil, 10)
	must(t, err)
	var kinds []string
	for _, e := range res {
		kinds = append(kinds, e.Type+" "+e.Subject+" "+e.State)
	}
	wantEqual(t, "resource events", kinds, []string{
		"channel.auth_failed channels/ch1 AUTH_FAILED", "template.invalid channels/ch1/templates/tpl1 INVALID",
		"channel.auth_failed channels/ch2 AUTH_FAILED"})
	if res[0].Revision != ch.Revision-1 || res[1].Revision != tpl.Revision || res[0].Reason != "refused" {
		t.Fatalf("resource event revisions %d/%d, want %d/%d: %+v", res[0].Revision, res[1].Revision, ch.Revision-1, tpl.Revision, res[0])
	}
	lm, lr, err := s.LatestEventIDs(ctx)
	must(t, err)
	if lm <= startM || lr != res[2].ID {
		t.Fatalf("latest ids %d/%d", lm, lr)
	}
}

// testWebhookRelayLease: one relay at a time; a relay whose lease was taken over can no
// longer save; a delivery queued twice is one delivery.
func testWebhookRelayLease(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	if any, err := s.AnyWebhookTargets(ctx); err != nil || any {
		t.Fatalf("AnyWebhookTargets with none: %v, %v", any, err)
	}
	must(t, s.CreateWebhook(ctx, newWebhook(t1, "wh1")))
	if any, err := s.AnyWebhookTargets(ctx); err != nil || !any {
		t.Fatalf("AnyWebhookTargets with one: %v, %v", any, err)
	}
	now := *at(10)
	state, ok, err := s.LeaseWebhookRelay(ctx, "r1", now, now.Add(time.Minute))
	must(t, err)
	if !ok || state != "" {
		t.Fatalf("first lease: ok=%v state=%q", ok, state)
	}
	if _, ok, _ := s.LeaseWebhookRelay(ctx, "r2", now.Add(time.Second), now.Add(time.Minute)); ok {
		t.Fatal("r2 took a live lease")
	}
	d := &store.WebhookDelivery{TenantID: t1, WebhookID: "wh1", EventID: "evt_1", Type: "message.sent", Payload: `{"a":1}`}
	wantErr(t, s.QueueWebhookDeliveries(ctx, "r2", []*store.WebhookDelivery{d}, "r2 state"), store.ErrStale)
	must(t, s.QueueWebhookDeliveries(ctx, "r1", []*store.WebhookDelivery{d}, "state 1"))
	again := *d
	again.Payload = `{"a":2}`
	must(t, s.QueueWebhookDeliveries(ctx, "r1", []*store.WebhookDelivery{&again}, "state 2"))
	got, err := s.GetWebhookDelivery(ctx, t1, "wh1", "evt_1")
	must(t, err)
	if got.Payload != `{"a":1}` || got.State != store.DeliveryPending || got.Attempts != 0 {
		t.Fatalf("delivery queued twice: %+v", got)
	}
	state, ok, err = s.LeaseWebhookRelay(ctx, "r2", now.Add(2*time.Minute), now.Add(3*time.Minute))
	must(t, err)
	if !ok || state != "state 2" {
		t.Fatalf("take-over after expiry: ok=%v state=%q", ok, state)
	}
	wantErr(t, s.QueueWebhookDeliveries(ctx, "r1", nil, "late r1"), store.ErrStale)
	targets, err := s.WebhookTargets(ctx, []string{t1, "nobody"})
	must(t, err)
	if len(targets) != 1 || targets[0].ID != "wh1" || targets[0].Secret != nil {
		t.Fatalf("targets: %+v", targets)
	}
}

// testWebhookDeliveries: claims lease due deliveries of enabled endpoints once; each try is
// recorded; a streak of failures longer than the limit disables the endpoint.
func testWebhookDeliveries(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateWebhook(ctx, newWebhook(t1, "wh1")))
	must(t, s.CreateWebhook(ctx, newWebhook(t1, "wh2")))
	_, _, err := s.LeaseWebhookRelay(ctx, "relay", time.Now(), time.Now().Add(time.Minute))
	must(t, err)
	var ds []*store.WebhookDelivery
	for _, ev := range []string{"evt_1", "evt_2"} {
		for _, wh := range []string{"wh1", "wh2"} {
			ds = append(ds, &store.WebhookDelivery{TenantID: t1, WebhookID: wh, EventID: ev, Type: "message.sent", Payload: "{}"})
		}
	}
	must(t, s.QueueWebhookDeliveries(ctx, "relay", ds, ""))
	// wh2 is disabled: its deliveries wait.
	wh2, err := s.GetWebhook(ctx, t1, "wh2")
	must(t, err)
	wh2.State = "DISABLED"
	must(t, s.UpdateWebhook(ctx, wh2))

	now := time.Now().Add(time.Second)
	first, err := s.ClaimWebhookDeliveries(ctx, "d1", now, time.Minute, 1)
	must(t, err)
	second, err := s.ClaimWebhookDeliveries(ctx, "d2", now, time.Minute, 10)
	must(t, err)
	if len(first) != 1 || len(second) != 1 || first[0].EventID == second[0].EventID || first[0].WebhookID != "wh1" || second[0].WebhookID != "wh1" {
		t.Fatalf("claims: %+v / %+v", first, second)
	}
	if more, _ := s.ClaimWebhookDeliveries(ctx, "d3", now, time.Minute, 10); len(more) != 0 {
		t.Fatalf("claimed again while leased, or a disabled endpoint's: %+v", more)
	}
	// A renewed lease outlives its first expiry; only the owner renews.
	n, err := s.ExtendWebhookLeases(ctx, "d2", second, now.Add(10*time.Minute))
	must(t, err)
	wantEqual(t, "leases renewed by their owner", n, 1)
	n, err = s.ExtendWebhookLeases(ctx, "d3", append(first, second...), now.Add(time.Hour))
	must(t, err)
	wantEqual(t, "leases renewed by another replica", n, 0)
	if more, _ := s.ClaimWebhookDeliveries(ctx, "d3", now.Add(2*time.Minute), time.Minute, 10); len(more) != 1 || more[0].EventID != first[0].EventID {
		t.Fatalf("after the first lease ran out, want only the unrenewed delivery taken over: %+v", more)
	} else {
		// Back to d1, as the rest of this test expects.
		must(t, s.ReleaseWebhookDeliveries(ctx, "d3", more))
		first, err = s.ClaimWebhookDeliveries(ctx, "d1", now.Add(2*time.Minute), time.Minute, 1)
		must(t, err)
		wantEqual(t, "claimed back", len(first), 1)
	}

	// A failure: retried later, the endpoint's streak starts.
	d := first[0]
	d.Attempts, d.State, d.LastStatus, d.LastError, d.DueTime = 1, store.DeliveryPending, 500, "HTTP 500", now.Add(time.Hour)
	a := &store.WebhookAttempt{TenantID: t1, WebhookID: "wh1", EventID: d.EventID, Attempt: 1, Time: now, StatusCode: 500, Error: "HTTP 500", Replica: "d1"}
	disabled, err := s.RecordWebhookAttempt(ctx, "d1", d, a, time.Hour)
	must(t, err)
	if disabled {
		t.Fatal("disabled after one failure")
	}
	_, err = s.RecordWebhookAttempt(ctx, "d2", d, a, time.Hour)
	wantErr(t, err, store.ErrStale)
	// A success elsewhere clears the streak; a later failure after the limit disables.
	ok := second[0]
	ok.Attempts, ok.State, ok.LastStatus = 1, store.DeliverySucceeded, 204
	_, err = s.RecordWebhookAttempt(ctx, "d2", ok, &store.WebhookAttempt{TenantID: t1, WebhookID: "wh1", EventID: ok.EventID, Attempt: 1, Time: now, StatusCode: 204}, time.Hour)
	must(t, err)
	if again, _ := s.ClaimWebhookDeliveries(ctx, "d3", now.Add(2*time.Minute), time.Minute, 10); len(again) != 0 {
		t.Fatalf("claimed before its retry was due, or a finished one: %+v", again[0])
	}
	retry, err := s.ClaimWebhookDeliveries(ctx, "d1", now.Add(time.Hour), time.Minute, 10)
	must(t, err)
	if len(retry) != 1 || retry[0].Attempts != 1 || retry[0].LastError != "HTTP 500" {
		t.Fatalf("retry claim: %+v", retry)
	}
	d = retry[0]
	d.Attempts, d.LastError, d.DueTime = 2, "no answer", now.Add(2*time.Hour)
	disabled, err = s.RecordWebhookAttempt(ctx, "d1", d, &store.WebhookAttempt{TenantID: t1, WebhookID: "wh1", EventID: d.EventID, Attempt: 2, Time: now, Error: "no answer"}, time.Nanosecond)
	must(t, err)
	if disabled {
		t.Fatal("disabled by the first failure of a new streak")
	}
	time.Sleep(2 * time.Millisecond)
	d.Attempts = 3
	again, err := s.ClaimWebhookDeliveries(ctx, "d1", now.Add(3*time.Hour), time.Minute, 10)
	must(t, err)
	wantEqual(t, "claim of the second retry", len(again), 1)
	disabled, err = s.RecordWebhookAttempt(ctx, "d1", d, &store.WebhookAttempt{TenantID: t1, WebhookID: "wh1", EventID: d.EventID, Attempt: 3, Time: now, Error: "no answer"}, time.Nanosecond)
	must(t, err)
	wh1, err := s.GetWebhook(ctx, t1, "wh1")
	must(t, err)
	if !disabled || wh1.State != "DISABLED" || wh1.StateReason == "" || wh1.Revision != 2 {
		t.Fatalf("after a long streak: disabled=%v %+v", disabled, wh1)
	}

	attempts, next, err := s.ListWebhookAttempts(ctx, t1, "wh1", d.EventID, store.Page{Size: 2})
	must(t, err)
	if len(attempts) != 2 || next == "" || attempts[0].Attempt != 1 || attempts[0].StatusCode != 500 || attempts[1].Error != "no answer" {
		t.Fatalf("attempts page 1: %+v", attempts)
	}
	rest, next, err := s.ListWebhookAttempts(ctx, t1, "wh1", d.EventID, store.Page{Size: 2, Token: next})
	must(t, err)
	if len(rest) != 1 || next != "" || rest[0].Attempt != 3 {
		t.Fatalf("attempts page 2: %+v", rest)
	}
	list, _, err := s.ListWebhookDeliveries(ctx, t1, "wh1", store.WebhookDeliveryFilter{State: store.DeliverySucceeded}, store.Page{})
	must(t, err)
	if len(list) != 1 || list[0].EventID != ok.EventID {
		t.Fatalf("succeeded deliveries: %+v", list)
	}
	// Deleting the endpoint takes its deliveries and attempts.
	must(t, s.DeleteWebhook(ctx, t1, "wh1"))
	_, err = s.GetWebhookDelivery(ctx, t1, "wh1", d.EventID)
	wantErr(t, err, store.ErrNotFound)
	attempts, _, err = s.ListWebhookAttempts(ctx, t1, "wh1", d.EventID, store.Page{})
	must(t, err)
	wantEqual(t, "attempts after delete", len(attempts), 0)
}

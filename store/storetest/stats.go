package storetest

import (
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// oldestDue asserts what OldestDueMessage says at now: want nil for no due message.
func oldestDue(t *testing.T, s store.Store, now time.Time, want *time.Time) {
	t.Helper()
	due, ok, err := s.OldestDueMessage(t.Context(), now)
	must(t, err)
	switch {
	case want == nil && ok:
		t.Fatalf("oldest due message at %v = %v, want none", now, due)
	case want != nil && (!ok || !due.Equal(*want) || due.Location() != time.UTC):
		t.Fatalf("oldest due message at %v = %v (found %v), want %v", now, due, ok, *want)
	}
}

// testOldestDueMessage: the oldest due QUEUED or SENDING message, whoever leases it, of
// a channel that may send; held channels, finished and scheduled messages are left out.
func testOldestDueMessage(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	oldestDue(t, s, *at(10), nil)
	for _, c := range []struct{ id, state string }{{"on", "ENABLED"}, {"refused", "AUTH_FAILED"}, {"off", "DISABLED"}} {
		ch := newChannel(t1, c.id)
		ch.State = c.state
		must(t, s.CreateChannel(ctx, ch))
	}
	queue := func(tenantID, channel, prefix string, send *time.Time) []*store.Message {
		msgs := newMessages("", channel, "tpl1", prefix, 1)
		msgs[0].SendTime = send
		_, _, _, err := s.CreateMessages(ctx, tenantID, "", "", msgs)
		must(t, err)
		return msgs
	}
	queue(t1, "refused", "r", at(1)) // held: its channel is refused
	queue(t1, "off", "d", at(2))     // held: its channel is disabled
	queue(t1, "on", "a", at(3))
	queue(t2, "on", "b", at(4)) // another tenant's channel "on" has no row: not held
	queue(t1, "on", "s", at(20))

	oldestDue(t, s, *at(2), nil)
	oldestDue(t, s, *at(10), at(3))
	// Claimed (SENDING under a lease) they still wait; a retry waits until it is due
	// again, a sent message no more.
	held := []store.ChannelRef{{TenantID: t1, ChannelID: "refused"}, {TenantID: t1, ChannelID: "off"}}
	wantEqual(t, "claimed", claimedIDs(claim(t, s, "r1", *at(10), 1, held...)), []string{"a0000"})
	oldestDue(t, s, *at(10), at(3))
	wantEqual(t, "claimed", claimedIDs(claim(t, s, "r1", *at(10), 1, held...)), []string{"b0000"})
	applied, err := s.CompleteDeliveries(ctx, "r1", []*store.Outcome{
		{TenantID: t1, MessageID: "a0000", State: "SENDING", StateReason: "retry", Attempts: 1, DueTime: *at(30)},
		{TenantID: t2, MessageID: "b0000", State: "SENT", StateReason: "accepted", Attempts: 1, SentTime: at(10)},
	})
	must(t, err)
	wantEqual(t, "applied", applied, []bool{true, true})
	oldestDue(t, s, *at(10), nil)
	oldestDue(t, s, *at(25), at(20))
	oldestDue(t, s, *at(40), at(20))

	// A refused channel enabled again: its message is the oldest due.
	ch, err := s.GetChannel(ctx, t1, "refused")
	must(t, err)
	ch.State = "ENABLED"
	must(t, s.UpdateChannel(ctx, ch))
	oldestDue(t, s, *at(10), at(1))
}

// testCountChannels: channels by state, across tenants.
func testCountChannels(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.CountChannels(ctx)
	must(t, err)
	wantEqual(t, "no channels", got, map[string]int64{})
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	for i, c := range []struct{ tenant, state string }{{t1, "ENABLED"}, {t1, "AUTH_FAILED"}, {t2, "AUTH_FAILED"}, {t2, "UNVERIFIED"}} {
		ch := newChannel(c.tenant, string(rune('a'+i)))
		ch.State = c.state
		must(t, s.CreateChannel(ctx, ch))
	}
	got, err = s.CountChannels(ctx)
	must(t, err)
	wantEqual(t, "channels by state", got, map[string]int64{"ENABLED": 1, "AUTH_FAILED": 2, "UNVERIFIED": 1})
}

// testWebhookStats: endpoints by state and failure streak, and the oldest due delivery of
// an ENABLED endpoint.
func testWebhookStats(t *testing.T, s store.Store) {
	ctx := t.Context()
	counts, err := s.CountWebhooks(ctx)
	must(t, err)
	wantEqual(t, "no webhooks", counts, store.WebhookCounts{ByState: map[string]int64{}})
	due, ok, err := s.OldestDueWebhookDelivery(ctx, time.Now())
	must(t, err)
	if ok {
		t.Fatalf("oldest due webhook delivery = %v with none queued", due)
	}
	t1 := tenant(t, s, "one")
	for _, id := range []string{"wh1", "off", "wh3"} {
		must(t, s.CreateWebhook(ctx, newWebhook(t1, id)))
	}
	_, _, err = s.LeaseWebhookRelay(ctx, "relay", time.Now(), time.Now().Add(time.Minute))
	must(t, err)
	// The disabled endpoint's delivery is queued first (the store dates it), so it is the
	// oldest, and must be passed over.
	for _, wh := range []string{"off", "wh1", "wh3"} {
		must(t, s.QueueWebhookDeliveries(ctx, "relay", []*store.WebhookDelivery{{TenantID: t1, WebhookID: wh, EventID: "evt_" + wh, Type: "message.sent", Payload: "{}"}}, ""))
		time.Sleep(2 * time.Millisecond)
	}
	off, err := s.GetWebhook(ctx, t1, "off")
	must(t, err)
	off.State = "DISABLED"
	must(t, s.UpdateWebhook(ctx, off))
	first, err := s.GetWebhookDelivery(ctx, t1, "wh1", "evt_wh1")
	must(t, err)
	third, err := s.GetWebhookDelivery(ctx, t1, "wh3", "evt_wh3")
	must(t, err)
	now := time.Now().Add(time.Second)
	due, ok, err = s.OldestDueWebhookDelivery(ctx, now)
	must(t, err)
	if !ok || !due.Equal(first.DueTime) {
		t.Fatalf("oldest due webhook delivery = %v (%v), want wh1's %v", due, ok, first.DueTime)
	}

	// wh1 fails once: its streak starts and its delivery waits for the retry.
	claimed, err := s.ClaimWebhookDeliveries(ctx, "d1", now, time.Minute, 1)
	must(t, err)
	if len(claimed) != 1 || claimed[0].WebhookID != "wh1" {
		t.Fatalf("claimed %+v, want wh1's delivery", claimed)
	}
	d := claimed[0]
	d.Attempts, d.State, d.LastStatus, d.LastError, d.DueTime = 1, store.DeliveryPending, 500, "HTTP 500", now.Add(time.Hour)
	_, err = s.RecordWebhookAttempt(ctx, "d1", d, &store.WebhookAttempt{TenantID: t1, WebhookID: "wh1", EventID: d.EventID,
		Attempt: 1, Time: now, StatusCode: 500, Error: "HTTP 500", Replica: "d1"}, time.Hour)
	must(t, err)
	due, ok, err = s.OldestDueWebhookDelivery(ctx, now)
	must(t, err)
	if !ok || !due.Equal(third.DueTime) {
		t.Fatalf("oldest due webhook delivery after wh1's retry = %v (%v), want wh3's %v", due, ok, third.DueTime)
	}
	counts, err = s.CountWebhooks(ctx)
	must(t, err)
	wantEqual(t, "webhooks", counts, store.WebhookCounts{ByState: map[string]int64{"ENABLED": 2, "DISABLED": 1}, Failing: 1})
}

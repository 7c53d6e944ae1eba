package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// follow is the ledger change of a Life Account follow (or unfollow) event at t.
func follow(key store.SubscriptionKey, state string, t *time.Time) *store.LedgerUpsert {
	return &store.LedgerUpsert{Key: key, Change: store.SubscriptionChange{Kind: "FOLLOWER", State: state, StateReason: state, EventTime: t}}
}

func testApplyNotification(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := store.SubscriptionKey{TenantID: t1, ChannelID: "life", User: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}}
	record := func(k string, ev *time.Time) *store.Notification {
		return &store.Notification{TenantID: t1, ChannelID: "life", Key: k, EventTime: *ev, ExpireTime: ev.Add(48 * time.Hour)}
	}
	apply := func(n *store.Notification, ch *store.LedgerUpsert, want store.NotificationResult) *store.Subscription {
		t.Helper()
		got, err := s.ApplyNotification(ctx, n, ch)
		must(t, err)
		wantEqual(t, "result of "+n.Key, got, want)
		row, err := s.FindSubscription(ctx, t1, "life", "", key.User)
		if err != nil {
			return nil
		}
		return row
	}

	// A follow creates the row and stamps it with the event's time.
	row := apply(record("follow-1", at(10)), follow(key, "ACTIVE", at(10)), store.NotificationResult{})
	if row == nil || row.State != "ACTIVE" || row.Revision != 1 || row.EventTime == nil || !row.EventTime.Equal(*at(10)) {
		t.Fatalf("after the follow: %+v", row)
	}
	// The same notification again: a duplicate, whatever change it would make; the row is
	// untouched (not even its revision or update time).
	wantEqual(t, "row after a duplicate", apply(record("follow-1", at(10)), follow(key, "CANCELLED", at(11)), store.NotificationResult{Duplicate: true}), row)

	// An unfollow after it applies.
	unfollowed := apply(record("unfollow-1", at(20)), follow(key, "CANCELLED", at(20)), store.NotificationResult{})
	if unfollowed.State != "CANCELLED" || unfollowed.Revision != 2 || !unfollowed.EventTime.Equal(*at(20)) {
		t.Fatalf("after the unfollow: %+v", unfollowed)
	}
	// A follow that happened before the unfollow but arrives after it is recorded and
	// changes nothing.
	wantEqual(t, "row after an older event", apply(record("follow-0", at(15)), follow(key, "ACTIVE", at(15)), store.NotificationResult{Superseded: true}), unfollowed)
	_, err := s.ApplyNotification(ctx, record("follow-0", at(15)), follow(key, "ACTIVE", at(15)))
	must(t, err)
	// An event at the same time as the row's applies (only an older one is refused).
	same := apply(record("follow-2", at(20)), follow(key, "ACTIVE", at(20)), store.NotificationResult{})
	if same.State != "ACTIVE" || same.Revision != 3 {
		t.Fatalf("after an event at the same time: %+v", same)
	}
	// A change without an event time (a sync, a subscribe result) applies whatever the row's
	// event time, and keeps it.
	synced, err := s.ApplySubscription(ctx, key, store.SubscriptionChange{State: "CANCELLED", StateReason: "sync"})
	must(t, err)
	if synced.State != "CANCELLED" || !synced.EventTime.Equal(*at(20)) {
		t.Fatalf("after a change without an event: %+v", synced)
	}

	// A record without a change; keys are per channel.
	apply(record("msg-1", at(30)), nil, store.NotificationResult{})
	apply(record("msg-1", at(30)), nil, store.NotificationResult{Duplicate: true})
	other := record("msg-1", at(30))
	other.ChannelID = "mini"
	if res, err := s.ApplyNotification(ctx, other, nil); err != nil || res.Duplicate {
		t.Fatalf("the same key on another channel: %+v %v", res, err)
	}

	// What the schema cannot hold, and a change of another channel's ledger.
	for _, n := range []*store.Notification{record("", at(1)), record(strings.Repeat("k", 256), at(1)), record("bad\xff", at(1)),
		{TenantID: t1, ChannelID: "life", Key: "no-times"}} {
		_, err := s.ApplyNotification(ctx, n, nil)
		wantErr(t, err, store.ErrInvalid)
	}
	elsewhere := follow(key, "ACTIVE", at(40))
	elsewhere.Key.ChannelID = "mini"
	_, err = s.ApplyNotification(ctx, record("follow-3", at(40)), elsewhere)
	wantErr(t, err, store.ErrInvalid)
	if got, err := s.FindSubscription(ctx, t1, "life", "", key.User); err != nil || got.Revision != synced.Revision {
		t.Fatalf("refused calls changed the row: %+v %v", got, err)
	}
}

// testApplyNotificationConcurrent: one notification delivered many times at once (replicas
// receiving Alipay's retries) is applied exactly once.
func testApplyNotificationConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := subKey(t1, "ch1", "tpl1", "2088000000000001")
	const n = 16
	var wg sync.WaitGroup
	results := make([]store.NotificationResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			rec := &store.Notification{TenantID: t1, ChannelID: "ch1", Key: "notify-1", EventTime: *at(1), ExpireTime: *at(50)}
			results[i], errs[i] = s.ApplyNotification(ctx, rec, &store.LedgerUpsert{Key: key,
				Change: store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 1, EventTime: at(1)}})
		})
	}
	wg.Wait()
	applied := 0
	for i := range n {
		must(t, errs[i])
		if !results[i].Duplicate {
			applied++
		}
	}
	got, err := s.FindSubscription(ctx, t1, "ch1", "tpl1", key.User)
	must(t, err)
	if applied != 1 || got.RemainingSends != 1 || got.Revision != 1 {
		t.Fatalf("%d concurrent deliveries: %d applied, remaining %d, revision %d", n, applied, got.RemainingSends, got.Revision)
	}
}

func testPurgeNotifications(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	rec := func(k string, expire *time.Time) *store.Notification {
		return &store.Notification{TenantID: t1, ChannelID: "ch1", Key: k, EventTime: *at(0), ExpireTime: *expire}
	}
	for _, n := range []*store.Notification{rec("a", at(1)), rec("b", at(2)), rec("c", at(3)), rec("d", at(10)), rec("e", at(11))} {
		_, err := s.ApplyNotification(ctx, n, nil)
		must(t, err)
	}
	for _, want := range []int{2, 1, 0} {
		got, err := s.PurgeNotifications(ctx, *at(10), 2)
		must(t, err)
		if got != want {
			t.Fatalf("purged %d, want %d", got, want)
		}
	}
	// A purged key is new again; a kept one is still a duplicate.
	for k, dup := range map[string]bool{"a": false, "c": false, "d": true, "e": true} {
		res, err := s.ApplyNotification(ctx, rec(k, at(20)), nil)
		must(t, err)
		if res.Duplicate != dup {
			t.Fatalf("%s after the purge: duplicate %v, want %v", k, res.Duplicate, dup)
		}
	}
	if n, err := s.PurgeNotifications(ctx, *at(59), 0); err != nil || n != 0 {
		t.Fatalf("purge with limit 0: %d %v", n, err)
	}
}

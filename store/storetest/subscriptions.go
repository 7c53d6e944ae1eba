package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/reachhq/reach/store"
)

func subKey(tenantID, channelID, templateID, userID string) store.SubscriptionKey {
	return store.SubscriptionKey{TenantID: tenantID, ChannelID: channelID, TemplateID: templateID,
		User: store.UserRef{Kind: "USER_ID", ID: userID}}
}

func testApplySubscription(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	key := subKey(t1, "ch1", "tpl1", "2088000000000001")
	apply := func(ch store.SubscriptionChange) *store.Subscription {
		t.Helper()
		sub, err := s.ApplySubscription(ctx, key, ch)
		must(t, err)
		return sub
	}

	first := apply(store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 1})
	checkUUIDv7(t, "subscription id", first.ID)
	checkTime(t, "subscription create time", first.CreateTime)
	want := &store.Subscription{TenantID: t1, ChannelID: "ch1", ID: first.ID, Kind: "TEMPLATE",
		TemplateID: "tpl1", User: key.User, Type: "ONE_TIME", State: "ACTIVE", RemainingSends: 1,
		Revision: 1, CreateTime: first.CreateTime, UpdateTime: first.CreateTime}
	wantEqual(t, "created row", first, want)

	steps := []struct {
		change store.SubscriptionChange
		edit   func(w *store.Subscription)
	}{
		// Acceptances add up; the kind is only used on creation.
		{store.SubscriptionChange{Kind: "FOLLOWER", AddSends: 2}, func(w *store.Subscription) { w.RemainingSends = 3 }},
		// A negative AddSends consumes.
		{store.SubscriptionChange{AddSends: -1}, func(w *store.Subscription) { w.RemainingSends = 2 }},
		{store.SubscriptionChange{State: "REJECTED", StateReason: "user declined"}, func(w *store.Subscription) {
			w.State, w.StateReason = "REJECTED", "user declined"
		}},
		// State "" leaves the state (and its reason) alone; Type "" leaves the type.
		{store.SubscriptionChange{StateReason: "ignored without a state"}, func(*store.Subscription) {}},
		{store.SubscriptionChange{Type: "LONG_TERM", State: "ACTIVE"}, func(w *store.Subscription) {
			w.Type, w.State, w.StateReason = "LONG_TERM", "ACTIVE", ""
		}},
	}
	for i, step := range steps {
		got := apply(step.change)
		step.edit(want)
		want.Revision++
		want.UpdateTime = got.UpdateTime
		wantEqual(t, "after step", got, want)
		if got.UpdateTime.Before(got.CreateTime) {
			t.Fatalf("step %d: update time before create time", i)
		}
	}
	got, err := s.GetSubscription(ctx, t1, "ch1", first.ID)
	must(t, err)
	wantEqual(t, "GetSubscription", got, want)
	got, err = s.FindSubscription(ctx, t1, "ch1", "tpl1", key.User)
	must(t, err)
	wantEqual(t, "FindSubscription", got, want)

	// Other kinds, templates, channels and tenants are other rows.
	for _, k := range []store.SubscriptionKey{
		{TenantID: t1, ChannelID: "ch1", TemplateID: "tpl1", User: store.UserRef{Kind: "OPEN_ID", ID: key.User.ID}},
		{TenantID: t1, ChannelID: "ch1", TemplateID: "", User: key.User},
		{TenantID: t1, ChannelID: "ch2", TemplateID: "tpl1", User: key.User},
		{TenantID: t2, ChannelID: "ch1", TemplateID: "tpl1", User: key.User},
	} {
		_, err := s.FindSubscription(ctx, k.TenantID, k.ChannelID, k.TemplateID, k.User)
		wantErr(t, err, store.ErrNotFound)
		sub, err := s.ApplySubscription(ctx, k, store.SubscriptionChange{Kind: "FOLLOWER", State: "CANCELLED"})
		must(t, err)
		if sub.ID == first.ID || sub.State != "CANCELLED" || sub.RemainingSends != 0 || sub.Revision != 1 {
			t.Fatalf("new row for %+v: %+v", k, sub)
		}
	}
	_, err = s.GetSubscription(ctx, t2, "ch1", first.ID)
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetSubscription(ctx, t1, "ch2", first.ID)
	wantErr(t, err, store.ErrNotFound)

	// Tokens are replaced only when given.
	auth := store.SubscriptionKey{TenantID: t1, ChannelID: "ch1", User: store.UserRef{Kind: "CUSTOMER_ID", ID: "cust-1"}}
	sub, err := s.ApplySubscription(ctx, auth, store.SubscriptionChange{Kind: "AUTHORIZATION",
		AccessToken: []byte("at-1"), RefreshToken: []byte("rt-1"), TokenExpireTime: at(10), RefreshExpireTime: at(20)})
	must(t, err)
	if string(sub.AccessToken) != "at-1" || string(sub.RefreshToken) != "rt-1" || !sub.TokenExpireTime.Equal(*at(10)) || !sub.RefreshExpireTime.Equal(*at(20)) {
		t.Fatalf("tokens not stored: %+v", sub)
	}
	sub, err = s.ApplySubscription(ctx, auth, store.SubscriptionChange{State: "ACTIVE"})
	must(t, err)
	if string(sub.AccessToken) != "at-1" || sub.TokenExpireTime == nil {
		t.Fatal("a change without tokens dropped them")
	}
	sub, err = s.ApplySubscription(ctx, auth, store.SubscriptionChange{AccessToken: []byte("at-2"), RefreshToken: []byte("rt-2"), TokenExpireTime: at(30)})
	must(t, err)
	if string(sub.AccessToken) != "at-2" || string(sub.RefreshToken) != "rt-2" || !sub.TokenExpireTime.Equal(*at(30)) || sub.RefreshExpireTime != nil {
		t.Fatalf("tokens not replaced: %+v", sub)
	}

	for _, bad := range []store.SubscriptionKey{
		{TenantID: t1, ChannelID: "ch1", User: store.UserRef{Kind: "USER_ID"}},
		{TenantID: t1, User: key.User},
		{ChannelID: "ch1", User: key.User},
	} {
		_, err := s.ApplySubscription(ctx, bad, store.SubscriptionChange{AddSends: 1})
		wantErr(t, err, store.ErrInvalid)
	}
}

func testApplySubscriptionConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := subKey(t1, "ch1", "tpl1", "2088000000000001")
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 1})
		})
	}
	wg.Wait()
	for _, err := range errs {
		must(t, err)
	}
	got, err := s.FindSubscription(ctx, t1, "ch1", "tpl1", key.User)
	must(t, err)
	if got.RemainingSends != n || got.Revision != n {
		t.Fatalf("after %d concurrent acceptances: remaining %d, revision %d", n, got.RemainingSends, got.Revision)
	}
	rows, _, err := s.ListSubscriptions(ctx, t1, "", store.SubscriptionFilter{}, store.Page{})
	must(t, err)
	if len(rows) != 1 {
		t.Fatalf("%d rows for one key", len(rows))
	}
}

func testUpdateSubscription(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	sub, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "tpl1", "u1"), store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 3})
	must(t, err)
	upd := *sub
	upd.State, upd.StateReason, upd.RemainingSends = "EXHAUSTED", "used up", 0
	upd.AccessToken, upd.TokenExpireTime = []byte("tok"), at(4)
	must(t, s.UpdateSubscription(ctx, &upd))
	if upd.Revision != sub.Revision+1 {
		t.Fatalf("revision %d after update of %d", upd.Revision, sub.Revision)
	}
	got, err := s.GetSubscription(ctx, t1, "ch1", sub.ID)
	must(t, err)
	wantEqual(t, "after update", got, &upd)
	wantErr(t, s.UpdateSubscription(ctx, sub), store.ErrConflict)
	missing := upd
	missing.ID = "nope"
	wantErr(t, s.UpdateSubscription(ctx, &missing), store.ErrNotFound)
	foreign := upd
	foreign.TenantID = "no-such-tenant"
	wantErr(t, s.UpdateSubscription(ctx, &foreign), store.ErrNotFound)
}

// testFindSubscriptions: many keys at once, across users and templates; missing keys and
// other tenants' rows are left out.
func testFindSubscriptions(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	var keys []store.SubscriptionKey
	for i := range 5 {
		k := subKey(t1, "ch1", "", fmt.Sprintf("2088%012d", i))
		_, err := s.ApplySubscription(ctx, k, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"})
		must(t, err)
		keys = append(keys, k)
	}
	other := subKey(t2, "ch1", "", "2088000000000001")
	_, err := s.ApplySubscription(ctx, other, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"})
	must(t, err)
	rows, err := s.FindSubscriptions(ctx, append(keys[1:4:4], subKey(t1, "ch1", "", "nobody"), subKey(t1, "ch1", "tpl1", keys[0].User.ID)))
	must(t, err)
	var got []string
	for _, r := range rows {
		if r.TenantID != t1 {
			t.Fatalf("another tenant's row: %+v", r)
		}
		got = append(got, r.User.ID)
	}
	slices.Sort(got)
	wantEqual(t, "found", got, []string{keys[1].User.ID, keys[2].User.ID, keys[3].User.ID})
	if rows, err := s.FindSubscriptions(ctx, nil); err != nil || len(rows) != 0 {
		t.Fatalf("no keys: %v %v", rows, err)
	}
}

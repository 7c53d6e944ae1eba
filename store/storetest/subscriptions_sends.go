package storetest

import (
	"sync"
	"testing"

	"github.com/reachhq/reach/store"
)

// testApplySubscriptionSends: the count rules that sync and rejections rely on are
// decided inside the store, in one statement with the row locked.
func testApplySubscriptionSends(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := subKey(t1, "ch1", "tpl1", "u1")
	apply := func(ch store.SubscriptionChange, wantState string, wantSends int64) {
		t.Helper()
		ch.Kind = "TEMPLATE"
		row, err := s.ApplySubscription(ctx, key, ch)
		must(t, err)
		if row.State != wantState || row.RemainingSends != wantSends {
			t.Fatalf("after %+v: %s with %d sends, want %s with %d", ch, row.State, row.RemainingSends, wantState, wantSends)
		}
	}
	reject := store.SubscriptionChange{State: "REJECTED", StateReason: "rejected", StateIfNoSends: true}
	apply(store.SubscriptionChange{AddSends: 2, State: "ACTIVE"}, "ACTIVE", 2)
	apply(reject, "ACTIVE", 2) // acceptances Alipay still honours are not taken back
	apply(store.SubscriptionChange{MinSends: 1}, "ACTIVE", 2)
	apply(store.SubscriptionChange{ClearSends: true, State: "EXHAUSTED", StateReason: "synced"}, "EXHAUSTED", 0)
	apply(store.SubscriptionChange{MinSends: 1, State: "ACTIVE"}, "ACTIVE", 1)
	apply(store.SubscriptionChange{AddSends: -1}, "ACTIVE", 0)
	apply(reject, "REJECTED", 0)

	// Created by the change itself.
	created, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "tpl1", "u2"), store.SubscriptionChange{Kind: "TEMPLATE", State: "REJECTED", StateReason: "no", StateIfNoSends: true})
	must(t, err)
	if created.State != "REJECTED" || created.RemainingSends != 0 {
		t.Fatalf("new rejected row: %s %d", created.State, created.RemainingSends)
	}
	created, err = s.ApplySubscription(ctx, subKey(t1, "ch1", "tpl1", "u3"), store.SubscriptionChange{Kind: "TEMPLATE", MinSends: 1})
	must(t, err)
	if created.State != "ACTIVE" || created.RemainingSends != 1 {
		t.Fatalf("new row with at least one send: %s %d", created.State, created.RemainingSends)
	}

	// Acceptances and rejections racing: every acceptance counts, and a rejection never
	// wins over an acceptance that is still unused.
	race := subKey(t1, "ch1", "tpl1", "u4")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1, State: "ACTIVE"}
			if i%2 == 1 {
				ch = reject
				ch.Kind = "TEMPLATE"
			}
			if _, err := s.ApplySubscription(ctx, race, ch); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	row, err := s.FindSubscription(ctx, t1, "ch1", "tpl1", race.User)
	must(t, err)
	if row.RemainingSends != 10 || row.State != "ACTIVE" {
		t.Fatalf("after 10 acceptances and 10 rejections: %s with %d sends", row.State, row.RemainingSends)
	}
}

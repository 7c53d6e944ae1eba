package storetest

import (
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// testExpiringTokens: the refresher finds ACTIVE authorizations that expire soon, across
// tenants, soonest first, and nothing else.
func testExpiringTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	now := time.Now().UTC().Truncate(time.Microsecond)
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	authorize := func(tenantID, user string, expiry *time.Time, state string) *store.Subscription {
		row, err := s.ApplySubscription(ctx, store.SubscriptionKey{TenantID: tenantID, ChannelID: "plus", User: store.UserRef{Kind: "CUSTOMER_ID", ID: user}},
			store.SubscriptionChange{Kind: "AUTHORIZATION", State: state, AccessToken: []byte("sealed"), RefreshToken: []byte("sealed"), TokenExpireTime: expiry, RefreshExpireTime: at(30 * 24 * time.Hour)})
		must(t, err)
		return row
	}
	soon2 := authorize(t2, "c-soon2", at(2*time.Minute), "ACTIVE")
	soon1 := authorize(t1, "c-soon1", at(time.Minute), "ACTIVE")
	authorize(t1, "c-later", at(time.Hour), "ACTIVE")
	authorize(t1, "c-expired-state", at(time.Minute), "EXPIRED")
	if _, err := s.ApplySubscription(ctx, subKey(t1, "mini", "tpl", "u1"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1}); err != nil {
		t.Fatal(err)
	}

	got, err := s.ListExpiringTokens(ctx, now.Add(10*time.Minute), 10)
	must(t, err)
	if len(got) != 2 || got[0].ID != soon1.ID || got[1].ID != soon2.ID {
		t.Fatalf("expiring tokens = %v, want [%s %s]", subIDs(got), soon1.ID, soon2.ID)
	}
	if got[0].TenantID != t1 || got[1].TenantID != t2 || string(got[0].AccessToken) != "sealed" {
		t.Fatalf("rows lost their tenant or token: %+v", got[0])
	}
	got, err = s.ListExpiringTokens(ctx, now.Add(10*time.Minute), 1)
	must(t, err)
	if len(got) != 1 || got[0].ID != soon1.ID {
		t.Fatalf("limit 1 = %v", subIDs(got))
	}
}

func subIDs(rows []*store.Subscription) []string {
	return ids(rows, func(r *store.Subscription) string { return r.ID })
}

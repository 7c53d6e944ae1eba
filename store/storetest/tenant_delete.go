package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

// fillTenant gives a tenant one of everything it can own.
func fillTenant(t *testing.T, s store.Store, tenantID string) {
	t.Helper()
	ctx := t.Context()
	must(t, s.CreateChannel(ctx, newChannel(tenantID, "ch1")))
	must(t, s.CreateTemplate(ctx, newTemplate(tenantID, "ch1", "tpl1", "ext1")))
	_, err := s.ApplySubscription(ctx, subKey(tenantID, "ch1", "tpl1", "2088000000000001"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1})
	must(t, err)
	msgs := newMessages(tenantID, "ch1", "tpl1", "m", 2)
	_, _, _, err = s.CreateMessages(ctx, tenantID, "req-1", "hash", msgs)
	must(t, err)
	msgs[0].State = "CANCELLED"
	must(t, s.UpdateMessage(ctx, msgs[0], &store.MessageEvent{Time: *at(6), Kind: "CANCELLED", State: "CANCELLED", Description: "cancelled"}))
	_, err = s.ApplyNotification(ctx, &store.Notification{TenantID: tenantID, ChannelID: "ch1", Key: "n1", EventTime: *at(1), ExpireTime: *at(50)}, nil)
	must(t, err)
	must(t, s.CreateWebhook(ctx, newWebhook(tenantID, "wh1")))
}

// tenantHolds reports what of fillTenant's data the tenant still has.
func tenantHolds(t *testing.T, s store.Store, tenantID string) []string {
	t.Helper()
	ctx := t.Context()
	var held []string
	if _, err := s.GetChannel(ctx, tenantID, "ch1"); err == nil {
		held = append(held, "channel")
	}
	if _, err := s.GetTemplate(ctx, tenantID, "ch1", "tpl1"); err == nil {
		held = append(held, "template")
	}
	if _, err := s.FindSubscription(ctx, tenantID, "ch1", "tpl1", store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}); err == nil {
		held = append(held, "subscription")
	}
	if msgs, _, err := s.ListMessages(ctx, tenantID, store.MessageFilter{}, store.Page{}); err == nil && len(msgs) > 0 {
		held = append(held, "messages")
	}
	if evs, _, err := s.ListMessageEvents(ctx, tenantID, "m0000", store.Page{}); err == nil && len(evs) > 0 {
		held = append(held, "events")
	}
	if _, _, err := s.GetSendRequest(ctx, tenantID, "req-1"); err == nil {
		held = append(held, "send request")
	}
	n := &store.Notification{TenantID: tenantID, ChannelID: "ch1", Key: "n1", EventTime: *at(1), ExpireTime: *at(50)}
	if res, err := s.ApplyNotification(ctx, n, nil); err == nil && res.Duplicate {
		held = append(held, "notification")
	}
	if _, err := s.GetWebhook(ctx, tenantID, "wh1"); err == nil {
		held = append(held, "webhook")
	}
	return held
}

func testDeleteTenant(t *testing.T, s store.Store) {
	ctx := t.Context()
	acme, globex := tenant(t, s, "acme"), tenant(t, s, "globex")
	for _, k := range []*store.APIKey{{ID: "live", TenantID: acme, Role: store.RoleAdmin, Hash: "h1"},
		{ID: "old", TenantID: acme, Role: store.RoleViewer, Hash: "h2"}, {ID: "other", TenantID: globex, Role: store.RoleAdmin, Hash: "h3"}} {
		must(t, s.CreateAPIKey(ctx, k))
	}
	must(t, s.RevokeAPIKey(ctx, "old", *at(1)))
	fillTenant(t, s, acme)
	fillTenant(t, s, globex)

	revoked, err := s.DeleteTenant(ctx, acme, *at(30))
	must(t, err)
	if revoked != 1 {
		t.Fatalf("revoked %d keys, want 1", revoked)
	}
	// Its keys no longer resolve; the other tenant's do.
	_, err = s.GetAPIKey(ctx, "live")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAPIKey(ctx, "other")
	must(t, err)
	// The tombstone and the keys stay on record, each key with its own revocation time.
	tn, err := s.GetTenantByName(ctx, "acme")
	must(t, err)
	if tn.ID != acme || tn.DeleteTime == nil || !tn.DeleteTime.Equal(*at(30)) {
		t.Fatalf("tombstone %+v", tn)
	}
	keys, err := s.ListAPIKeys(ctx, acme)
	must(t, err)
	if len(keys) != 2 || !keys[0].RevokeTime.Equal(*at(30)) || !keys[1].RevokeTime.Equal(*at(1)) {
		t.Fatalf("keys after the deletion: %+v %+v", keys[0], keys[1])
	}
	// The data is gone; the other tenant's is whole.
	if held := tenantHolds(t, s, acme); len(held) != 0 {
		t.Fatalf("a deleted tenant still holds %v", held)
	}
	if held := tenantHolds(t, s, globex); len(held) != 8 {
		t.Fatalf("the other tenant holds only %v", held)
	}
	// The name stays taken; no key can be added.
	_, err = s.EnsureTenant(ctx, "acme")
	wantErr(t, err, store.ErrDeleted)
	wantErr(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "late", TenantID: acme, Role: store.RoleAdmin, Hash: "h4"}), store.ErrDeleted)
	wantErr(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "orphan", TenantID: "no-such-tenant", Role: store.RoleAdmin, Hash: "h5"}), store.ErrNotFound)
	// Deleting again keeps the first time; an unknown tenant is not found.
	revoked, err = s.DeleteTenant(ctx, acme, *at(40))
	must(t, err)
	if tn, _ := s.GetTenantByName(ctx, "acme"); revoked != 0 || !tn.DeleteTime.Equal(*at(30)) {
		t.Fatalf("deleting twice: revoked %d, tombstone %+v", revoked, tn)
	}
	_, err = s.DeleteTenant(ctx, "no-such-tenant", *at(40))
	wantErr(t, err, store.ErrNotFound)

	list, err := s.ListTenants(ctx)
	must(t, err)
	if len(list) != 2 || list[0].Name != "acme" || list[0].DeleteTime == nil || list[1].Name != "globex" || list[1].DeleteTime != nil {
		t.Fatalf("ListTenants: %+v %+v", list[0], list[1])
	}
}

// OrphanKeyMigration checks migration 5 on a store opened on an empty database, not
// migrated: keys whose tenant row is missing get a tombstone tenant and are revoked, the
// others are untouched, and afterwards the database itself refuses a key without a tenant.
// The dialect tests call it; exec runs raw SQL (placeholders differ, so none are used).
func OrphanKeyMigration(t *testing.T, s *gormstore.Store) {
	ctx := t.Context()
	must(t, s.MigrateTo(ctx, 4))
	exec := func(q string) error {
		_, err := s.DB().ExecContext(ctx, q)
		return err
	}
	must(t, exec(`INSERT INTO tenants (id, name, create_time) VALUES ('t-live', 'live', '2024-01-01 00:00:00')`))
	for _, k := range []string{
		`('k-live', 't-live', 'admin', 'h', '2024-01-01 00:00:00', NULL)`,
		`('k-orphan', 't-gone', 'admin', 'h', '2024-01-02 00:00:00', NULL)`,
		`('k-orphan-revoked', 't-gone', 'viewer', 'h', '2024-01-01 00:00:00', '2024-01-03 00:00:00')`,
	} {
		must(t, exec(`INSERT INTO api_keys (id, tenant_id, role, hash, create_time, revoke_time) VALUES `+k))
	}
	before := time.Now().Add(-time.Minute)
	must(t, s.Migrate(ctx))

	if _, err := s.GetAPIKey(ctx, "k-live"); err != nil {
		t.Fatalf("the key of a live tenant: %v", err)
	}
	_, err := s.GetAPIKey(ctx, "k-orphan")
	wantErr(t, err, store.ErrNotFound)
	tn, err := s.GetTenantByName(ctx, "deleted-t-gone")
	must(t, err)
	if tn.ID != "t-gone" || tn.DeleteTime == nil || tn.DeleteTime.Before(before) || !tn.CreateTime.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("tombstone of the missing tenant: %+v", tn)
	}
	keys, err := s.ListAPIKeys(ctx, "t-gone")
	must(t, err)
	if len(keys) != 2 || keys[0].RevokeTime == nil || keys[0].RevokeTime.Before(before) ||
		!keys[1].RevokeTime.Equal(time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("orphan keys after the migration: %+v %+v", keys[0], keys[1])
	}
	err = exec(`INSERT INTO api_keys (id, tenant_id, role, hash, create_time) VALUES ('k-new', 'no-such', 'admin', 'h', '2024-01-01 00:00:00')`)
	if err == nil {
		t.Fatal("the database accepted a key without a tenant")
	}
	var n int
	must(t, s.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM api_keys`).Scan(&n))
	if n != 3 {
		t.Fatalf("%d keys after the migration, want 3", n)
	}
}

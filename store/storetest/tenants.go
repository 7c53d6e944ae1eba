package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

func testTenants(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetTenantByName(ctx, "acme")
	wantErr(t, err, store.ErrNotFound)

	a, err := s.EnsureTenant(ctx, "acme")
	must(t, err)
	checkUUIDv7(t, "tenant id", a.ID)
	checkTime(t, "tenant create time", a.CreateTime)
	if a.Name != "acme" {
		t.Fatalf("name = %q", a.Name)
	}
	again, err := s.EnsureTenant(ctx, "acme")
	must(t, err)
	wantEqual(t, "EnsureTenant twice", again, a)
	got, err := s.GetTenantByName(ctx, "acme")
	must(t, err)
	wantEqual(t, "GetTenantByName", got, a)
	_, err = s.GetTenantByName(ctx, "ACME")
	wantErr(t, err, store.ErrNotFound)
	byID, err := s.GetTenant(ctx, a.ID)
	must(t, err)
	wantEqual(t, "GetTenant", byID, a)
	_, err = s.GetTenant(ctx, "0190a0a0-0000-7000-8000-000000000000")
	wantErr(t, err, store.ErrNotFound)

	other, err := s.EnsureTenant(ctx, "globex")
	must(t, err)
	if other.ID == a.ID {
		t.Fatal("two tenants share an id")
	}
	for _, bad := range []string{"", "x\ty", "x\x00y", "\xff"} {
		_, err = s.EnsureTenant(ctx, bad)
		wantErr(t, err, store.ErrInvalid)
	}

	// Concurrent first calls agree on one tenant.
	var wg sync.WaitGroup
	got8 := make([]string, 8)
	errs := make([]error, 8)
	for i := range got8 {
		wg.Go(func() {
			tn, err := s.EnsureTenant(ctx, "initech")
			errs[i] = err
			if err == nil {
				got8[i] = tn.ID
			}
		})
	}
	wg.Wait()
	for i := range got8 {
		must(t, errs[i])
		if got8[i] != got8[0] {
			t.Fatalf("concurrent EnsureTenant returned %q and %q", got8[0], got8[i])
		}
	}
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	k := &store.APIKey{ID: "key1", TenantID: t1, Role: store.RoleAdmin, Hash: "h1"}
	must(t, s.CreateAPIKey(ctx, k))
	checkTime(t, "key create time", k.CreateTime)
	wantErr(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "key1", TenantID: t2, Role: store.RoleViewer}), store.ErrAlreadyExists)
	wantErr(t, s.CreateAPIKey(ctx, &store.APIKey{TenantID: t1, Role: store.RoleViewer}), store.ErrInvalid)
	must(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "KEY1", TenantID: t1, Role: store.RoleViewer, Hash: "h2"}))
	must(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "key0", TenantID: t1, Role: store.RoleSender, Hash: "h0"}))
	must(t, s.CreateAPIKey(ctx, &store.APIKey{ID: "key2", TenantID: t2, Role: store.RoleSender, Hash: "h3"}))

	got, err := s.GetAPIKey(ctx, "key1")
	must(t, err)
	wantEqual(t, "GetAPIKey", got, k)
	_, err = s.GetAPIKey(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)

	list, err := s.ListAPIKeys(ctx, t1)
	must(t, err)
	wantEqual(t, "ListAPIKeys(tenant)", ids(list, func(k *store.APIKey) string { return k.ID }), []string{"KEY1", "key0", "key1"})
	list, err = s.ListAPIKeys(ctx, "")
	must(t, err)
	wantEqual(t, "ListAPIKeys(all)", ids(list, func(k *store.APIKey) string { return k.ID }), []string{"KEY1", "key0", "key1", "key2"})

	// Times are stored in UTC at microsecond resolution whatever zone the caller uses.
	revoked := time.Date(2030, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CST", 8*3600))
	must(t, s.RevokeAPIKey(ctx, "key1", revoked))
	must(t, s.RevokeAPIKey(ctx, "key1", revoked.Add(time.Hour))) // idempotent, first time wins
	wantErr(t, s.RevokeAPIKey(ctx, "nope", revoked), store.ErrNotFound)
	used := revoked.Add(time.Minute)
	must(t, s.TouchAPIKey(ctx, "key1", used))
	must(t, s.TouchAPIKey(ctx, "key1", used)) // same value again is still fine
	wantErr(t, s.TouchAPIKey(ctx, "nope", used), store.ErrNotFound)

	got, err = s.GetAPIKey(ctx, "key1")
	must(t, err)
	wantRevoked := revoked.UTC().Truncate(time.Microsecond)
	wantUsed := used.UTC().Truncate(time.Microsecond)
	if got.RevokeTime == nil || !got.RevokeTime.Equal(wantRevoked) || got.LastUsed == nil || !got.LastUsed.Equal(wantUsed) {
		t.Fatalf("revoke/last used = %v/%v, want %v/%v", got.RevokeTime, got.LastUsed, wantRevoked, wantUsed)
	}
	checkTime(t, "revoke time", *got.RevokeTime)
	checkTime(t, "last used", *got.LastUsed)
	other, err := s.GetAPIKey(ctx, "key0")
	must(t, err)
	if other.RevokeTime != nil || other.LastUsed != nil {
		t.Fatal("revoking one key touched another")
	}
}

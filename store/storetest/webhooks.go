package storetest

import (
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

func newWebhook(tenantID, id string) *store.Webhook {
	return &store.Webhook{
		TenantID: tenantID, ID: id, URL: "https://hooks.example.com/" + id,
		EventTypes: []string{"message.sent", "message.failed"}, Description: "Orders " + id,
		State: "ENABLED", Secret: []byte{0x00, 0x01, 0xfe, 0xff, 's'}, SecretFingerprint: "SHA256:00112233",
	}
}

func testWebhooks(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	w := newWebhook(t1, "wh1")
	must(t, s.CreateWebhook(ctx, w))
	if w.Revision != 1 || !w.CreateTime.Equal(w.UpdateTime) {
		t.Fatalf("created revision %d, times %v/%v", w.Revision, w.CreateTime, w.UpdateTime)
	}
	checkTime(t, "webhook create time", w.CreateTime)
	got, err := s.GetWebhook(ctx, t1, "wh1")
	must(t, err)
	wantEqual(t, "GetWebhook", got, w)

	wantErr(t, s.CreateWebhook(ctx, newWebhook(t1, "wh1")), store.ErrAlreadyExists)
	wantErr(t, s.CreateWebhook(ctx, newWebhook(t1, "")), store.ErrInvalid)
	wantErr(t, s.CreateWebhook(ctx, newWebhook("", "x")), store.ErrInvalid)
	must(t, s.CreateWebhook(ctx, newWebhook(t2, "wh1"))) // ids are per tenant
	_, err = s.GetWebhook(ctx, t2, "wh2")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetWebhook(ctx, "no-such-tenant", "wh1")
	wantErr(t, err, store.ErrNotFound)

	// Optimistic update of every field, a rotation included.
	upd := *got
	upd.URL, upd.EventTypes, upd.Description = "https://other.example.com/x", []string{"template.invalid"}, ""
	upd.State, upd.StateReason = "DISABLED", "paused"
	upd.PreviousSecret, upd.PreviousSecretExpireTime = upd.Secret, at(3)
	upd.Secret, upd.SecretFingerprint = []byte("rotated"), "SHA256:44556677"
	must(t, s.UpdateWebhook(ctx, &upd))
	if upd.Revision != 2 || upd.UpdateTime.Before(upd.CreateTime) {
		t.Fatalf("updated revision %d, update time %v", upd.Revision, upd.UpdateTime)
	}
	got, err = s.GetWebhook(ctx, t1, "wh1")
	must(t, err)
	wantEqual(t, "GetWebhook after update", got, &upd)

	// The previous secret can be dropped again.
	upd.PreviousSecret, upd.PreviousSecretExpireTime = nil, nil
	must(t, s.UpdateWebhook(ctx, &upd))
	got, err = s.GetWebhook(ctx, t1, "wh1")
	must(t, err)
	wantEqual(t, "GetWebhook after the previous secret expired", got, &upd)

	stale := *w // still at revision 1
	stale.Description = "lost update"
	wantErr(t, s.UpdateWebhook(ctx, &stale), store.ErrConflict)
	if stale.Revision != 1 {
		t.Fatal("a failed update changed the record's revision")
	}
	wantErr(t, s.UpdateWebhook(ctx, &store.Webhook{TenantID: t1, ID: "nope", Revision: 1}), store.ErrNotFound)
	// t1's revision, t2's tenant: the write must not reach t1's row or t2's.
	foreign := upd
	foreign.TenantID, foreign.Description = t2, "written by the wrong tenant"
	foreign.Revision = upd.Revision + 1
	wantErr(t, s.UpdateWebhook(ctx, &foreign), store.ErrConflict)
	other, err := s.GetWebhook(ctx, t2, "wh1")
	must(t, err)
	if other.Description != "Orders wh1" || other.Revision != 1 {
		t.Fatal("updating one tenant's webhook changed another tenant's")
	}
}

func testWebhookList(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	var all, disabled []string
	for i := 7; i >= 1; i-- { // created out of order: listings sort by id
		w := newWebhook(t1, fmt.Sprintf("w%02d", i))
		if i%3 == 0 {
			w.State = "DISABLED"
		}
		must(t, s.CreateWebhook(ctx, w))
	}
	for i := 1; i <= 7; i++ {
		id := fmt.Sprintf("w%02d", i)
		all = append(all, id)
		if i%3 == 0 {
			disabled = append(disabled, id)
		}
	}
	must(t, s.CreateWebhook(ctx, newWebhook(t2, "w00")))

	list := func(f store.WebhookFilter) func(store.Page) ([]string, string, error) {
		return func(p store.Page) ([]string, string, error) {
			ws, next, err := s.ListWebhooks(ctx, t1, f, p)
			return ids(ws, func(w *store.Webhook) string { return w.ID }), next, err
		}
	}
	for _, size := range []int{0, 1, 3, 7, 100} {
		wantEqual(t, fmt.Sprintf("pages of %d", size), collect(t, size, list(store.WebhookFilter{})), all)
	}
	wantEqual(t, "state filter", collect(t, 2, list(store.WebhookFilter{State: "DISABLED"})), disabled)
	first, _, err := s.ListWebhooks(ctx, t1, store.WebhookFilter{}, store.Page{Size: 2})
	must(t, err)
	wantEqual(t, "first record", first[0].EventTypes, newWebhook("", "").EventTypes)

	other, next, err := s.ListWebhooks(ctx, t2, store.WebhookFilter{}, store.Page{})
	must(t, err)
	if len(other) != 1 || other[0].ID != "w00" || next != "" {
		t.Fatalf("the other tenant lists %d webhooks (next %q)", len(other), next)
	}
	_, _, err = s.ListWebhooks(ctx, t1, store.WebhookFilter{}, store.Page{Size: 2, Token: "garbage"})
	wantErr(t, err, store.ErrInvalid)
}

func testDeleteWebhook(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	must(t, s.CreateWebhook(ctx, newWebhook(t1, "wh1")))
	must(t, s.CreateWebhook(ctx, newWebhook(t2, "wh1")))

	wantErr(t, s.DeleteWebhook(ctx, "no-such-tenant", "wh1"), store.ErrNotFound)
	must(t, s.DeleteWebhook(ctx, t1, "wh1"))
	_, err := s.GetWebhook(ctx, t1, "wh1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteWebhook(ctx, t1, "wh1"), store.ErrNotFound)
	if _, err := s.GetWebhook(ctx, t2, "wh1"); err != nil {
		t.Fatalf("deleting one tenant's webhook touched another's: %v", err)
	}
	// The id is free again.
	must(t, s.CreateWebhook(ctx, newWebhook(t1, "wh1")))
}

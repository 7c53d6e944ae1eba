package storetest

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

func newChannel(tenantID, id string) *store.Channel {
	return &store.Channel{
		TenantID: tenantID, ID: id, DisplayName: "Shop " + id, Type: "ALIPAY_MINI_PROGRAM",
		State: "UNVERIFIED", StateReason: "not yet verified", VerifyTime: at(1),
		Config:  []byte(`{"app_id":"2021000000000000"}`),
		Secrets: []byte{0x00, 0x01, 0xfe, 0xff, 'k'},
	}
}

func testChannels(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	c := newChannel(t1, "ch1")
	must(t, s.CreateChannel(ctx, c))
	if c.Revision != 1 || !c.CreateTime.Equal(c.UpdateTime) {
		t.Fatalf("created revision %d, times %v/%v", c.Revision, c.CreateTime, c.UpdateTime)
	}
	checkTime(t, "channel create time", c.CreateTime)
	got, err := s.GetChannel(ctx, t1, "ch1")
	must(t, err)
	wantEqual(t, "GetChannel", got, c)

	wantErr(t, s.CreateChannel(ctx, newChannel(t1, "ch1")), store.ErrAlreadyExists)
	wantErr(t, s.CreateChannel(ctx, newChannel(t1, "")), store.ErrInvalid)
	wantErr(t, s.CreateChannel(ctx, newChannel("", "x")), store.ErrInvalid)
	must(t, s.CreateChannel(ctx, newChannel(t1, "CH1"))) // ids are case-sensitive
	must(t, s.CreateChannel(ctx, newChannel(t2, "ch1"))) // ids are per tenant
	_, err = s.GetChannel(ctx, t2, "ch2")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetChannel(ctx, "no-such-tenant", "ch1")
	wantErr(t, err, store.ErrNotFound)

	// Optimistic update.
	upd := *got
	upd.DisplayName, upd.State, upd.StateReason = "Renamed", "ENABLED", ""
	upd.Secrets, upd.Config, upd.VerifyTime = []byte("new secret"), nil, at(2)
	must(t, s.UpdateChannel(ctx, &upd))
	if upd.Revision != 2 || upd.UpdateTime.Before(upd.CreateTime) {
		t.Fatalf("updated revision %d, update time %v", upd.Revision, upd.UpdateTime)
	}
	checkTime(t, "channel update time", upd.UpdateTime)
	got, err = s.GetChannel(ctx, t1, "ch1")
	must(t, err)
	wantEqual(t, "GetChannel after update", got, &upd)

	stale := *c // still at revision 1
	stale.DisplayName = "lost update"
	wantErr(t, s.UpdateChannel(ctx, &stale), store.ErrConflict)
	if stale.Revision != 1 {
		t.Fatal("a failed update changed the record's revision")
	}
	wantErr(t, s.UpdateChannel(ctx, &store.Channel{TenantID: t1, ID: "nope", Revision: 1}), store.ErrNotFound)
	foreign := upd
	foreign.TenantID = "no-such-tenant"
	wantErr(t, s.UpdateChannel(ctx, &foreign), store.ErrNotFound)
	other, err := s.GetChannel(ctx, t2, "ch1")
	must(t, err)
	if other.DisplayName != "Shop ch1" || other.Revision != 1 {
		t.Fatal("updating one tenant's channel changed another tenant's")
	}
}

func testChannelList(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	var all, mini, enabled, miniEnabled []string
	for i := 7; i >= 1; i-- { // created out of order: listings sort by id
		c := newChannel(t1, fmt.Sprintf("c%02d", i))
		if i%2 == 0 {
			c.Type = "ALIPAY_LIFE_ACCOUNT"
		}
		if i%3 == 0 {
			c.State = "ENABLED"
		}
		must(t, s.CreateChannel(ctx, c))
	}
	for i := 1; i <= 7; i++ {
		id := fmt.Sprintf("c%02d", i)
		all = append(all, id)
		if i%2 == 1 {
			mini = append(mini, id)
		}
		if i%3 == 0 {
			enabled = append(enabled, id)
			if i%2 == 1 {
				miniEnabled = append(miniEnabled, id)
			}
		}
	}
	must(t, s.CreateChannel(ctx, newChannel(t2, "c00")))

	list := func(f store.ChannelFilter) func(store.Page) ([]string, string, error) {
		return func(p store.Page) ([]string, string, error) {
			cs, next, err := s.ListChannels(ctx, t1, f, p)
			return ids(cs, func(c *store.Channel) string { return c.ID }), next, err
		}
	}
	for _, size := range []int{0, 1, 3, 7, 100} {
		wantEqual(t, fmt.Sprintf("pages of %d", size), collect(t, size, list(store.ChannelFilter{})), all)
	}
	wantEqual(t, "type filter", collect(t, 2, list(store.ChannelFilter{Type: "ALIPAY_MINI_PROGRAM"})), mini)
	wantEqual(t, "state filter", collect(t, 2, list(store.ChannelFilter{State: "ENABLED"})), enabled)
	wantEqual(t, "both filters", collect(t, 2, list(store.ChannelFilter{Type: "ALIPAY_MINI_PROGRAM", State: "ENABLED"})), miniEnabled)
	first, _, err := s.ListChannels(ctx, t1, store.ChannelFilter{}, store.Page{Size: 2})
	must(t, err)
	wantEqual(t, "first page", ids(first, func(c *store.Channel) string { return c.ID }), all[:2])
	wantEqual(t, "first record", first[0].Config, newChannel("", "").Config)

	other, next, err := s.ListChannels(ctx, t2, store.ChannelFilter{}, store.Page{})
	must(t, err)
	wantEqual(t, "other tenant", ids(other, func(c *store.Channel) string { return c.ID }), []string{"c00"})
	if next != "" {
		t.Fatalf("next token %q at the end", next)
	}
	for _, bad := range []string{"!!!", "not base64 ~", base64.RawURLEncoding.EncodeToString([]byte("a\x00b"))} {
		_, _, err := s.ListChannels(ctx, t1, store.ChannelFilter{}, store.Page{Token: bad})
		wantErr(t, err, store.ErrInvalid)
	}
}

func testDeleteChannel(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	for _, id := range []string{"ch1", "ch2"} {
		must(t, s.CreateChannel(ctx, newChannel(t1, id)))
		must(t, s.CreateTemplate(ctx, newTemplate(t1, id, "tpl1", "EXT-"+id)))
		_, err := s.ApplySubscription(ctx, subKey(t1, id, "tpl1", "2088000000000001"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1})
		must(t, err)
	}
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl2", "EXT-2")))
	_, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "", "2088000000000002"), store.SubscriptionChange{Kind: "FOLLOWER"})
	must(t, err)
	must(t, s.CreateChannel(ctx, newChannel(t2, "ch1")))
	msgs := newMessages(t1, "ch1", "tpl1", "m", 2)
	_, _, _, err = s.CreateMessages(ctx, t1, "req", "hash", msgs)
	must(t, err)

	wantErr(t, s.DeleteChannel(ctx, t1, "nope"), store.ErrNotFound)
	must(t, s.DeleteChannel(ctx, t1, "ch1"))
	wantErr(t, s.DeleteChannel(ctx, t1, "ch1"), store.ErrNotFound)

	_, err = s.GetChannel(ctx, t1, "ch1")
	wantErr(t, err, store.ErrNotFound)
	tpls, _, err := s.ListTemplates(ctx, t1, "", store.TemplateFilter{}, store.Page{})
	must(t, err)
	wantEqual(t, "templates left", ids(tpls, func(x *store.Template) string { return x.ChannelID + "/" + x.ID }), []string{"ch2/tpl1"})
	subs, _, err := s.ListSubscriptions(ctx, t1, "", store.SubscriptionFilter{}, store.Page{})
	must(t, err)
	wantEqual(t, "subscriptions left", ids(subs, func(x *store.Subscription) string { return x.ChannelID }), []string{"ch2"})
	for _, m := range msgs {
		got, err := s.GetMessage(ctx, t1, m.ID)
		must(t, err)
		// Kept for their history, and failed: nothing is left queued for a deleted channel.
		if got.State != "FAILED" || got.StateReason != store.ReasonChannelDeleted || got.Revision != m.Revision+1 {
			t.Fatalf("message of the deleted channel: %s %q revision %d", got.State, got.StateReason, got.Revision)
		}
		got.State, got.StateReason, got.Revision, got.UpdateTime = m.State, m.StateReason, m.Revision, m.UpdateTime
		wantEqual(t, "kept message", got, m)
	}
	_, err = s.GetChannel(ctx, t2, "ch1")
	must(t, err) // another tenant's channel with the same id is untouched
}

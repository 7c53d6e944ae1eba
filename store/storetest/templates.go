package storetest

import (
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

func newTemplate(tenantID, channelID, id, externalID string) *store.Template {
	return &store.Template{
		TenantID: tenantID, ChannelID: channelID, ID: id, ExternalID: externalID,
		DisplayName: "Order shipped",
		Keywords:    []store.Keyword{{Key: "keyword1", Label: "Order"}, {Key: "keyword2"}},
		Options:     []byte(`{"page":"pages/index"}`), SubscriptionType: "ONE_TIME", State: "ACTIVE",
	}
}

func testTemplates(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	tp := newTemplate(t1, "ch1", "tpl1", "EXT1")
	must(t, s.CreateTemplate(ctx, tp))
	if tp.Revision != 1 || !tp.CreateTime.Equal(tp.UpdateTime) {
		t.Fatalf("created revision %d", tp.Revision)
	}
	checkTime(t, "template create time", tp.CreateTime)
	got, err := s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	wantEqual(t, "GetTemplate", got, tp)

	wantErr(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "EXT9")), store.ErrAlreadyExists)
	wantErr(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl2", "EXT1")), store.ErrAlreadyExists)
	wantErr(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "", "EXT2")), store.ErrInvalid)
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl2", "ext1"))) // external ids are case-sensitive
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch2", "tpl1", "EXT1"))) // unique per channel only
	must(t, s.CreateTemplate(ctx, newTemplate(t2, "ch1", "tpl1", "EXT1"))) // and per tenant
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "plain1", "")))   // templates without an
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "plain2", "")))   // external id do not collide
	_, err = s.GetTemplate(ctx, t1, "ch3", "tpl1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetTemplate(ctx, "no-such-tenant", "ch1", "tpl1")
	wantErr(t, err, store.ErrNotFound)
	empty, err := s.GetTemplate(ctx, t1, "ch1", "plain1")
	must(t, err)
	if empty.ExternalID != "" {
		t.Fatalf("external id %q, want empty", empty.ExternalID)
	}

	upd := *got
	upd.State, upd.StateReason, upd.InvalidTime = "INVALID", "deleted on Alipay", at(3)
	upd.Keywords = []store.Keyword{{Key: "k"}}
	upd.ExternalID = "EXT1-v2"
	must(t, s.UpdateTemplate(ctx, &upd))
	if upd.Revision != 2 {
		t.Fatalf("updated revision %d", upd.Revision)
	}
	got, err = s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	wantEqual(t, "GetTemplate after update", got, &upd)
	stale := *tp
	wantErr(t, s.UpdateTemplate(ctx, &stale), store.ErrConflict)
	wantErr(t, s.UpdateTemplate(ctx, &store.Template{TenantID: t1, ChannelID: "ch1", ID: "nope", Revision: 1}), store.ErrNotFound)
	clash := *got
	clash.ExternalID = "ext1" // taken by tpl2
	wantErr(t, s.UpdateTemplate(ctx, &clash), store.ErrAlreadyExists)

	wantErr(t, s.DeleteTemplate(ctx, t2, "ch2", "tpl1"), store.ErrNotFound)
	must(t, s.DeleteTemplate(ctx, t1, "ch1", "tpl1"))
	wantErr(t, s.DeleteTemplate(ctx, t1, "ch1", "tpl1"), store.ErrNotFound)
	_, err = s.GetTemplate(ctx, t1, "ch1", "tpl1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetTemplate(ctx, t1, "ch2", "tpl1")
	must(t, err)
	_, err = s.GetTemplate(ctx, t2, "ch1", "tpl1")
	must(t, err)
}

func testTemplateList(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	for i, id := range []string{"e", "b", "d", "a", "c"} {
		tp := newTemplate(t1, "ch1", id, "X"+id)
		if i%2 == 0 {
			tp.State = "INVALID"
		}
		must(t, s.CreateTemplate(ctx, tp))
	}
	for _, id := range []string{"b", "z"} {
		must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch2", id, "X"+id)))
	}
	must(t, s.CreateTemplate(ctx, newTemplate(t2, "ch1", "a", "Xa")))

	list := func(channel string, f store.TemplateFilter) func(store.Page) ([]string, string, error) {
		return func(p store.Page) ([]string, string, error) {
			ts, next, err := s.ListTemplates(ctx, t1, channel, f, p)
			return ids(ts, func(x *store.Template) string { return x.ChannelID + "/" + x.ID }), next, err
		}
	}
	for _, size := range []int{0, 1, 2, 5} {
		wantEqual(t, fmt.Sprintf("ch1 pages of %d", size), collect(t, size, list("ch1", store.TemplateFilter{})),
			[]string{"ch1/a", "ch1/b", "ch1/c", "ch1/d", "ch1/e"})
		// Across channels, ids repeat: the listing orders by id then channel and pages
		// through the duplicate "b" without losing or repeating a row.
		wantEqual(t, fmt.Sprintf("all channels pages of %d", size), collect(t, size, list("", store.TemplateFilter{})),
			[]string{"ch1/a", "ch1/b", "ch2/b", "ch1/c", "ch1/d", "ch1/e", "ch2/z"})
	}
	wantEqual(t, "state filter", collect(t, 1, list("ch1", store.TemplateFilter{State: "INVALID"})), []string{"ch1/c", "ch1/d", "ch1/e"})
	wantEqual(t, "external id filter", collect(t, 1, list("", store.TemplateFilter{ExternalID: "Xb"})), []string{"ch1/b", "ch2/b"})
	wantEqual(t, "both filters", collect(t, 1, list("ch1", store.TemplateFilter{ExternalID: "Xb", State: "INVALID"})), []string(nil))

	_, _, err := s.ListTemplates(ctx, t1, "ch1", store.TemplateFilter{}, store.Page{Token: "%%%"})
	wantErr(t, err, store.ErrInvalid)
	// A token of the single-channel listing does not fit the all-channels one.
	_, next, err := s.ListTemplates(ctx, t1, "ch1", store.TemplateFilter{}, store.Page{Size: 1})
	must(t, err)
	_, _, err = s.ListTemplates(ctx, t1, "", store.TemplateFilter{}, store.Page{Size: 1, Token: next})
	wantErr(t, err, store.ErrInvalid)
}

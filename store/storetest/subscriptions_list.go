package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/reachhq/reach/store"
)

func testSubscriptionList(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	type row struct {
		channel, template, kind, userKind, userID, state string
	}
	rows := []row{
		{"ch1", "tplA", "TEMPLATE", "USER_ID", "u1", "ACTIVE"},
		{"ch1", "tplA", "TEMPLATE", "OPEN_ID", "u1", "ACTIVE"},
		{"ch1", "tplB", "TEMPLATE", "USER_ID", "u1", "REJECTED"},
		{"ch1", "tplA", "TEMPLATE", "USER_ID", "u2", "ACTIVE"},
		{"ch1", "", "FOLLOWER", "USER_ID", "u1", "ACTIVE"},
		{"ch1", "", "FOLLOWER", "USER_ID", "u3", "CANCELLED"},
		{"ch2", "tplA", "TEMPLATE", "USER_ID", "u1", "ACTIVE"},
	}
	byID := map[string]row{}
	for _, r := range rows {
		sub, err := s.ApplySubscription(ctx, store.SubscriptionKey{TenantID: t1, ChannelID: r.channel, TemplateID: r.template,
			User: store.UserRef{Kind: r.userKind, ID: r.userID}}, store.SubscriptionChange{Kind: r.kind, State: r.state})
		must(t, err)
		byID[sub.ID] = r
	}
	_, err := s.ApplySubscription(ctx, subKey(t2, "ch1", "tplA", "u1"), store.SubscriptionChange{Kind: "TEMPLATE"})
	must(t, err)

	// want lists, in id order, the ids of rows in channel (all when "") that match.
	want := func(channel string, match func(row) bool) []string {
		var out []string
		for id, r := range byID {
			if (channel == "" || r.channel == channel) && match(r) {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	list := func(channel string, f store.SubscriptionFilter) func(store.Page) ([]string, string, error) {
		return func(p store.Page) ([]string, string, error) {
			subs, next, err := s.ListSubscriptions(ctx, t1, channel, f, p)
			return ids(subs, func(x *store.Subscription) string { return x.ID }), next, err
		}
	}
	cases := []struct {
		channel string
		filter  store.SubscriptionFilter
		match   func(row) bool
	}{
		{"ch1", store.SubscriptionFilter{}, func(row) bool { return true }},
		{"", store.SubscriptionFilter{}, func(row) bool { return true }},
		{"ch1", store.SubscriptionFilter{TemplateID: "tplA"}, func(r row) bool { return r.template == "tplA" }},
		{"ch1", store.SubscriptionFilter{User: store.UserRef{ID: "u1"}}, func(r row) bool { return r.userID == "u1" }},
		{"ch1", store.SubscriptionFilter{User: store.UserRef{Kind: "USER_ID", ID: "u1"}}, func(r row) bool {
			return r.userID == "u1" && r.userKind == "USER_ID"
		}},
		{"ch1", store.SubscriptionFilter{State: "ACTIVE"}, func(r row) bool { return r.state == "ACTIVE" }},
		{"ch1", store.SubscriptionFilter{Kind: "FOLLOWER"}, func(r row) bool { return r.kind == "FOLLOWER" }},
		{"", store.SubscriptionFilter{TemplateID: "tplA", User: store.UserRef{ID: "u1"}, State: "ACTIVE", Kind: "TEMPLATE"}, func(r row) bool {
			return r.template == "tplA" && r.userID == "u1" && r.state == "ACTIVE"
		}},
	}
	for i, c := range cases {
		for _, size := range []int{0, 1, 2} {
			wantEqual(t, fmt.Sprintf("case %d, pages of %d", i, size), collect(t, size, list(c.channel, c.filter)), want(c.channel, c.match))
		}
	}
	_, _, err = s.ListSubscriptions(ctx, t1, "ch1", store.SubscriptionFilter{}, store.Page{Token: "@"})
	wantErr(t, err, store.ErrInvalid)
	other, _, err := s.ListSubscriptions(ctx, t2, "", store.SubscriptionFilter{}, store.Page{})
	must(t, err)
	if len(other) != 1 || other[0].TenantID != t2 {
		t.Fatalf("other tenant sees %d rows", len(other))
	}
}

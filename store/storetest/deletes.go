package storetest

import (
	"errors"
	"testing"

	"github.com/reachhq/reach/store"
)

// testFailQueuedMessages: deleting a template or a channel fails, in the same transaction,
// what was still queued for it, and nothing else: other states, other templates, other
// channels and other tenants stay as they were.
func testFailQueuedMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	must(t, s.CreateChannel(ctx, newChannel(t1, "ch1")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tplA", "extA")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tplB", "extB")))
	create := func(tenantID, channelID, templateID, prefix string, n int) []*store.Message {
		msgs := newMessages("", channelID, templateID, prefix, n)
		_, _, _, err := s.CreateMessages(ctx, tenantID, "", "", msgs)
		must(t, err)
		return msgs
	}
	a := create(t1, "ch1", "tplA", "a", 2)
	b := create(t1, "ch1", "tplB", "b", 2)
	other := create(t1, "ch2", "tplA", "o", 1)
	foreign := create(t2, "ch1", "tplA", "f", 1)
	a[1].State = "SENT"
	must(t, s.UpdateMessage(ctx, a[1], nil))
	state := func(tenantID, id string) (string, string) {
		m, err := s.GetMessage(ctx, tenantID, id)
		must(t, err)
		return m.State, m.StateReason
	}

	must(t, s.DeleteTemplate(ctx, t1, "ch1", "tplA"))
	if st, why := state(t1, a[0].ID); st != "FAILED" || why != store.ReasonTemplateDeleted {
		t.Fatalf("queued message of the deleted template: %s %q", st, why)
	}
	for _, c := range []struct{ tenant, id, want string }{{t1, a[1].ID, "SENT"}, {t1, b[0].ID, "QUEUED"}, {t1, other[0].ID, "QUEUED"}, {t2, foreign[0].ID, "QUEUED"}} {
		if st, _ := state(c.tenant, c.id); st != c.want {
			t.Fatalf("message %s is %s, want %s", c.id, st, c.want)
		}
	}

	must(t, s.DeleteChannel(ctx, t1, "ch1"))
	for _, m := range b {
		if st, why := state(t1, m.ID); st != "FAILED" || why != store.ReasonChannelDeleted {
			t.Fatalf("queued message of the deleted channel: %s %q", st, why)
		}
	}
	if st, _ := state(t1, other[0].ID); st != "QUEUED" {
		t.Fatalf("another channel's message is %s", st)
	}
	if st, _ := state(t2, foreign[0].ID); st != "QUEUED" {
		t.Fatalf("another tenant's message is %s", st)
	}
}

// testDeleteTemplateSubscriptions: consent belongs to the template it was given to.
func testDeleteTemplateSubscriptions(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tplA", "extA")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tplB", "extB")))
	gone, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "tplA", "u1"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 3})
	must(t, err)
	kept, err := s.ApplySubscription(ctx, subKey(t1, "ch1", "tplB", "u1"), store.SubscriptionChange{Kind: "TEMPLATE", AddSends: 1})
	must(t, err)
	must(t, s.DeleteTemplate(ctx, t1, "ch1", "tplA"))
	if _, err := s.GetSubscription(ctx, t1, "ch1", gone.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("subscription to the deleted template: %v", err)
	}
	if _, err := s.GetSubscription(ctx, t1, "ch1", kept.ID); err != nil {
		t.Fatalf("subscription to another template: %v", err)
	}
	if err := s.DeleteTemplate(ctx, t1, "ch1", "tplA"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}

package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

func testMessageIdempotencyConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	const callers, batch = 16, 5
	type result struct {
		created bool
		ids     []string
		hash    string
		err     error
	}
	results := make([]result, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			msgs := newMessages(t1, "ch1", "tpl1", fmt.Sprintf("g%02d-", i), batch)
			created, existing, hash, err := s.CreateMessages(ctx, t1, "same-request", "h", msgs)
			r := result{created: created, hash: hash, err: err}
			if created {
				existing = msgs
			}
			r.ids = ids(existing, func(m *store.Message) string { return m.ID })
			results[i] = r
		})
	}
	wg.Wait()
	var winner []string
	for _, r := range results {
		must(t, r.err)
		if r.created {
			if winner != nil {
				t.Fatal("two callers created the same request")
			}
			winner = r.ids
		}
	}
	if winner == nil {
		t.Fatal("no caller created the request")
	}
	for _, r := range results {
		if !r.created && (!slices.Equal(r.ids, winner) || r.hash != "h") {
			t.Fatalf("a loser got %v (hash %q), the winner inserted %v", r.ids, r.hash, winner)
		}
	}
	stored, _, err := s.ListMessages(ctx, t1, store.MessageFilter{}, store.Page{Size: 1000})
	must(t, err)
	if len(stored) != batch {
		t.Fatalf("%d messages stored for one request of %d", len(stored), batch)
	}
}

func testMessageList(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	a := newMessages(t1, "ch1", "tpl1", "a", 4)
	a[1].ChannelID, a[2].TemplateID, a[3].State = "ch2", "tpl2", "SENT"
	a[2].Recipient = store.UserRef{Kind: "OPEN_ID", ID: a[0].Recipient.ID}
	_, _, _, err := s.CreateMessages(ctx, t1, "ra", "h", a)
	must(t, err)
	time.Sleep(2 * time.Millisecond) // the two batches get distinct create times
	b := newMessages(t1, "ch1", "tpl1", "b", 3)
	_, _, _, err = s.CreateMessages(ctx, t1, "rb", "h", b)
	must(t, err)
	_, _, _, err = s.CreateMessages(ctx, t2, "ra", "h", newMessages(t2, "ch1", "tpl1", "a", 2))
	must(t, err)
	if !a[0].CreateTime.Before(b[0].CreateTime) {
		t.Fatalf("batch times %v, %v", a[0].CreateTime, b[0].CreateTime)
	}

	list := func(f store.MessageFilter) func(store.Page) ([]string, string, error) {
		return func(p store.Page) ([]string, string, error) {
			ms, next, err := s.ListMessages(ctx, t1, f, p)
			return ids(ms, func(m *store.Message) string { return m.ID }), next, err
		}
	}
	before := b[0].CreateTime
	afterA := a[0].CreateTime.Add(time.Microsecond)
	cases := []struct {
		filter store.MessageFilter
		want   []string
	}{
		{store.MessageFilter{}, []string{"a0000", "a0001", "a0002", "a0003", "b0000", "b0001", "b0002"}},
		{store.MessageFilter{State: "SENT"}, []string{"a0003"}},
		{store.MessageFilter{ChannelID: "ch2"}, []string{"a0001"}},
		{store.MessageFilter{TemplateID: "tpl2"}, []string{"a0002"}},
		{store.MessageFilter{RequestID: "rb"}, []string{"b0000", "b0001", "b0002"}},
		{store.MessageFilter{Recipient: a[0].Recipient}, []string{"a0000", "b0000"}},
		{store.MessageFilter{Recipient: store.UserRef{ID: a[0].Recipient.ID}}, []string{"a0000", "a0002", "b0000"}},
		{store.MessageFilter{Recipient: store.UserRef{Kind: "OPEN_ID"}}, []string{"a0000", "a0001", "a0002", "a0003", "b0000", "b0001", "b0002"}},
		{store.MessageFilter{CreateAfter: &before}, []string{"b0000", "b0001", "b0002"}},
		{store.MessageFilter{CreateBefore: &before}, []string{"a0000", "a0001", "a0002", "a0003"}},
		{store.MessageFilter{CreateAfter: &a[0].CreateTime, CreateBefore: &afterA}, []string{"a0000", "a0001", "a0002", "a0003"}},
		{store.MessageFilter{RequestID: "ra", State: "QUEUED", ChannelID: "ch1", CreateBefore: &before}, []string{"a0000", "a0002"}},
	}
	for i, c := range cases {
		for _, size := range []int{0, 1, 3} {
			got := collect(t, size, list(c.filter))
			wantEqual(t, fmt.Sprintf("case %d, pages of %d", i, size), got, c.want)
		}
	}
	_, _, err = s.ListMessages(ctx, t1, store.MessageFilter{}, store.Page{Token: "a b"})
	wantErr(t, err, store.ErrInvalid)
}

// testLargeBatch sends the largest batch the API allows and checks the default page size.
func testLargeBatch(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	msgs := newMessages(t1, "ch1", "tpl1", "big", 1000)
	created, _, _, err := s.CreateMessages(ctx, t1, "big", "h", msgs)
	must(t, err)
	if !created {
		t.Fatal("not created")
	}
	created, existing, _, err := s.CreateMessages(ctx, t1, "big", "h", newMessages(t1, "ch1", "tpl1", "again", 1000))
	must(t, err)
	if created || len(existing) != 1000 {
		t.Fatalf("replay created=%v with %d messages", created, len(existing))
	}
	for i, m := range existing {
		if m.BatchIndex != i || m.ID != msgs[i].ID {
			t.Fatalf("replayed message %d is %s (index %d)", i, m.ID, m.BatchIndex)
		}
	}
	page, next, err := s.ListMessages(ctx, t1, store.MessageFilter{}, store.Page{})
	must(t, err)
	if len(page) != 50 || next == "" {
		t.Fatalf("default page: %d rows, next %q; want 50 and a token", len(page), next)
	}
	all := collect(t, 0, func(p store.Page) ([]string, string, error) {
		ms, next, err := s.ListMessages(ctx, t1, store.MessageFilter{RequestID: "big"}, p)
		return ids(ms, func(m *store.Message) string { return m.ID }), next, err
	})
	if len(all) != 1000 || !slices.IsSorted(all) {
		t.Fatalf("listed %d messages (sorted: %v)", len(all), slices.IsSorted(all))
	}
}

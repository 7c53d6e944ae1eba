package storetest

import (
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

func newMessages(tenantID, channelID, templateID, prefix string, n int) []*store.Message {
	out := make([]*store.Message, n)
	for i := range out {
		out[i] = &store.Message{
			TenantID: tenantID, ID: fmt.Sprintf("%s%04d", prefix, i), ChannelID: channelID, TemplateID: templateID,
			BatchIndex: i, Recipient: store.UserRef{Kind: "USER_ID", ID: fmt.Sprintf("2088%012d", i)},
			Payload: []byte(fmt.Sprintf(`{"keyword1":"order %d"}`, i)), State: "QUEUED",
			SendTime: at(5), ExpireTime: at(50),
		}
	}
	return out
}

func testMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	msgs := newMessages("", "ch1", "tpl1", "m", 3) // TenantID is filled in by the store
	created, existing, hash, err := s.CreateMessages(ctx, t1, "", "", msgs)
	must(t, err)
	if !created || existing != nil || hash != "" {
		t.Fatalf("created=%v existing=%d hash=%q", created, len(existing), hash)
	}
	for _, m := range msgs {
		if m.TenantID != t1 || m.Revision != 1 || !m.CreateTime.Equal(m.UpdateTime) {
			t.Fatalf("created message %+v", m)
		}
		checkTime(t, "message create time", m.CreateTime)
		got, err := s.GetMessage(ctx, t1, m.ID)
		must(t, err)
		wantEqual(t, "GetMessage", got, m)
	}
	_, err = s.GetMessage(ctx, t2, "m0000")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetMessage(ctx, t1, "M0000")
	wantErr(t, err, store.ErrNotFound)

	// Without a request id there is no idempotency: every call inserts.
	created, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages(t1, "ch1", "tpl1", "n", 2))
	must(t, err)
	if !created {
		t.Fatal("second call without a request id did not create")
	}
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages(t1, "ch1", "tpl1", "m", 1))
	wantErr(t, err, store.ErrAlreadyExists)
	_, _, _, err = s.CreateMessages(ctx, t2, "", "", newMessages(t2, "ch1", "tpl1", "m", 1))
	must(t, err) // message ids are per tenant
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", nil)
	wantErr(t, err, store.ErrInvalid)
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", []*store.Message{{ChannelID: "ch1"}})
	wantErr(t, err, store.ErrInvalid)
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages(t2, "ch1", "tpl1", "x", 1))
	wantErr(t, err, store.ErrInvalid) // a message of another tenant

	// Optimistic update.
	upd := *msgs[0]
	upd.State, upd.StateReason, upd.Attempts, upd.SendTime = "FAILED", "throttled", 2, at(7)
	must(t, s.UpdateMessage(ctx, &upd, nil))
	if upd.Revision != 2 {
		t.Fatalf("revision %d after update", upd.Revision)
	}
	got, err := s.GetMessage(ctx, t1, upd.ID)
	must(t, err)
	wantEqual(t, "after update", got, &upd)
	wantErr(t, s.UpdateMessage(ctx, msgs[0], nil), store.ErrConflict)
	wantErr(t, s.UpdateMessage(ctx, &store.Message{TenantID: t1, ID: "nope", Revision: 1}, nil), store.ErrNotFound)
	foreign := upd
	foreign.TenantID = "no-such-tenant"
	wantErr(t, s.UpdateMessage(ctx, &foreign, nil), store.ErrNotFound)
}

func testMessageIdempotency(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	// Ids sort differently from the batch order: the replay must return batch order.
	first := newMessages(t1, "ch1", "tpl1", "", 3)
	for i, id := range []string{"z", "a", "m"} {
		first[i].ID = id
	}
	created, _, _, err := s.CreateMessages(ctx, t1, "req-1", "hash-1", first)
	must(t, err)
	if !created || first[0].RequestID != "req-1" {
		t.Fatalf("created=%v request id %q", created, first[0].RequestID)
	}
	created, existing, hash, err := s.CreateMessages(ctx, t1, "req-1", "hash-2", newMessages(t1, "ch1", "tpl1", "retry", 3))
	must(t, err)
	if created || hash != "hash-1" {
		t.Fatalf("replay: created=%v hash=%q", created, hash)
	}
	wantEqual(t, "replayed messages", existing, first)
	_, err = s.GetMessage(ctx, t1, "retry0000")
	wantErr(t, err, store.ErrNotFound)
	got, hash, err := s.GetSendRequest(ctx, t1, "req-1")
	must(t, err)
	if hash != "hash-1" {
		t.Fatalf("GetSendRequest hash %q", hash)
	}
	wantEqual(t, "messages of the request", got, first)
	_, _, err = s.GetSendRequest(ctx, t2, "req-1")
	wantErr(t, err, store.ErrNotFound)

	// The same request id in another tenant is another request.
	created, _, _, err = s.CreateMessages(ctx, t2, "req-1", "hash-1", newMessages(t2, "ch1", "tpl1", "z", 1))
	must(t, err)
	if !created {
		t.Fatal("request ids leak across tenants")
	}

	// A failed insert records nothing: the request id stays free.
	clash := newMessages(t1, "ch1", "tpl1", "ok", 2)
	clash[1].ID = "a" // taken
	_, _, _, err = s.CreateMessages(ctx, t1, "req-2", "hash", clash)
	wantErr(t, err, store.ErrAlreadyExists)
	_, err = s.GetMessage(ctx, t1, "ok0000")
	wantErr(t, err, store.ErrNotFound)
	created, _, _, err = s.CreateMessages(ctx, t1, "req-2", "hash", newMessages(t1, "ch1", "tpl1", "ok", 2))
	must(t, err)
	if !created {
		t.Fatal("a rolled-back request id was taken")
	}
}

// testMessageEveryField: every field a new message can carry is stored as given, set or
// left empty (NULL times, empty and binary payloads, non-ASCII text), in a call that
// writes several messages and with a request id.
func testMessageEveryField(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	full := &store.Message{
		ID: "full", ChannelID: "ch1", TemplateID: "tpl1", BatchIndex: 0,
		Recipient: store.UserRef{Kind: "OPEN_ID", ID: "074a1bOpenID订阅"},
		Payload:   []byte{'{', 0x00, 0xff, 0x7f, '\'', '"', '\\', '}'},
		State:     "QUEUED", StateReason: "waiting to be sent — 等待", SendTime: at(5), ExpireTime: at(50), Attempts: 2,
		SentTime: at(6), ExternalID: "ext-1", LastError: &store.AlipayError{Code: "40004", Msg: "Business Failed", SubCode: "x", SubMsg: "订阅"},
		Reserved: true, BroadcastID: "bc1", TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
	}
	bare := &store.Message{ID: "bare", ChannelID: "ch1", TemplateID: "tpl1", BatchIndex: 1,
		Recipient: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}, State: "QUEUED"}
	created, _, _, err := s.CreateMessages(ctx, t1, "req-every-field", "h", []*store.Message{full, bare})
	must(t, err)
	if !created {
		t.Fatal("not created")
	}
	for _, m := range []*store.Message{full, bare} {
		got, err := s.GetMessage(ctx, t1, m.ID)
		must(t, err)
		wantEqual(t, "message "+m.ID, got, m)
	}
}

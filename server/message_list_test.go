package server

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// setMessageState forces a stored message's state (the dispatcher does not exist yet).
func (e *testEnv) setMessageState(name, state string) {
	e.t.Helper()
	ctx := context.Background()
	tn, err := e.store.GetTenantByName(ctx, "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.store.GetMessage(ctx, tn.ID, strings.TrimPrefix(name, "messages/"))
	if err != nil {
		e.t.Fatal(err)
	}
	past := time.Now().UTC().Add(-time.Hour)
	rec.State, rec.StateReason, rec.Attempts, rec.ExpireTime = state, "set by the test", 5, &past
	if err := e.store.UpdateMessage(ctx, rec, nil); err != nil {
		e.t.Fatal(err)
	}
}

// TestSendResponseMatchesStoredMessage: the message SendMessage returns is the message
// stored, so a later GetMessage, or the replay of the same request, returns it unchanged.
func TestSendResponseMatchesStoredMessage(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	req := miniSend("mini", "order", "precise", uid("2088000000000001"))
	req.SendTime = timestamppb.New(time.Now().Add(time.Hour).Truncate(time.Second).Add(123456789))
	first := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, req, first)
	replay := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, req, replay)
	got := &reachv1.GetMessageResponse{}
	e.must(mGetMessage, &reachv1.GetMessageRequest{Name: first.Message.Name}, got)
	if !proto.Equal(first.Message, replay.Message) || !proto.Equal(first.Message, got.Message) {
		t.Errorf("send returned\n%v\nreplay returned\n%v\nget returned\n%v", first.Message, replay.Message, got.Message)
	}
}

func TestGetAndListMessages(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	// m[0..3] on mini/order to two users, m[4] on mini/short, m[5] on life/trade-d; m[1]
	// cancelled. A pause before m[3] separates creation times.
	var m []*reachv1.Message
	for i, u := range []*reachv1.User{uid("2088000000000001"), uid("2088000000000002"), uid("2088000000000001")} {
		m = append(m, e.send(miniSend("mini", "order", fmt.Sprintf("list-%d", i), u)))
	}
	time.Sleep(5 * time.Millisecond)
	m = append(m, e.send(miniSend("mini", "order", "list-3", oid("open-1"))))
	m = append(m, e.send(&reachv1.SendMessageRequest{Template: "channels/mini/templates/short", Recipient: uid("2088000000000001"), Data: map[string]string{"keyword1": "12345"}}))
	m = append(m, e.send(&reachv1.SendMessageRequest{Template: "channels/life/templates/trade-d", Recipient: uid("2088000000000001"), Data: map[string]string{"keyword1": "1", "keyword2": "2"}}))
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: m[1].Name}, &reachv1.CancelMessageResponse{})
	names := func(ms ...*reachv1.Message) []string {
		var out []string
		for _, x := range ms {
			out = append(out, x.Name)
		}
		return out
	}
	if all := names(m...); !slices.IsSorted(all) {
		t.Errorf("message ids do not grow with creation: %v", all)
	}

	get := func(name, msg string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mGetMessage, grpcReq: &reachv1.GetMessageRequest{Name: msg},
			grpcResp: &reachv1.GetMessageResponse{}, httpMethod: "GET", httpPath: "/v1/" + msg, want: want, fields: fields}
	}
	c := get("existing", m[0].Name, codes.OK)
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.GetMessageResponse).Message; !proto.Equal(got, m[0]) {
			t.Errorf("get\n%v\nwant\n%v", got, m[0])
		}
	}
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Message{}
		remarshal(t, body["message"], got)
		if !proto.Equal(got, m[0]) {
			t.Errorf("get over HTTP\n%v\nwant\n%v", got, m[0])
		}
	}
	e.runBoth(c)
	e.runBoth(get("missing", "messages/0190c0de-0000-7000-8000-000000000000", codes.NotFound))
	e.runBoth(get("bad name", "messages/NOT-AN-ID", codes.InvalidArgument, "name"))
	e.runBoth(get("other tenant's", m[0].Name, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(get("viewer", m[0].Name, codes.OK).withToken(e.key("acme", "viewer")))

	list := func(name, filter string, want codes.Code, wantNames []string, fields ...string) {
		q := url.Values{}
		if filter != "" {
			q.Set("filter", filter)
		}
		c := transportCase{name: name, token: e.admin(), grpcMethod: mListMessages, grpcReq: &reachv1.ListMessagesRequest{Filter: filter},
			grpcResp: &reachv1.ListMessagesResponse{}, httpMethod: "GET", httpPath: "/v1/messages?" + q.Encode(), want: want, fields: fields}
		c.grpcCheck = func() {
			if got := names(c.grpcResp.(*reachv1.ListMessagesResponse).Messages...); !slices.Equal(got, wantNames) {
				t.Errorf("%s: %v, want %v", name, got, wantNames)
			}
		}
		c.httpCheck = func(body map[string]any) {
			resp := &reachv1.ListMessagesResponse{}
			remarshal(t, body, resp)
			if got := names(resp.Messages...); !slices.Equal(got, wantNames) {
				t.Errorf("%s over HTTP: %v, want %v", name, got, wantNames)
			}
		}
		e.runBoth(c)
	}
	rfc := func(x *reachv1.Message) string { return x.CreateTime.AsTime().Format(time.RFC3339Nano) }
	list("all", "", codes.OK, names(m...))
	list("state = QUEUED", "state = QUEUED", codes.OK, names(m[0], m[2], m[3], m[4], m[5]))
	list("state = CANCELLED", "state = MESSAGE_STATE_CANCELLED", codes.OK, names(m[1]))
	list("channel", `channel = "channels/life"`, codes.OK, names(m[5]))
	list("template", `template = "channels/mini/templates/short"`, codes.OK, names(m[4]))
	list("user_id", `user_id = "2088000000000001"`, codes.OK, names(m[0], m[2], m[4], m[5]))
	list("open_id", `open_id = "open-1"`, codes.OK, names(m[3]))
	list("request_id", `request_id = "list-2"`, codes.OK, names(m[2]))
	list("user and template and state", `user_id = "2088000000000001" AND template = "channels/mini/templates/order" AND state = QUEUED`, codes.OK, names(m[0], m[2]))
	list("create_time >=", `create_time >= "`+rfc(m[3])+`"`, codes.OK, names(m[3], m[4], m[5]))
	list("create_time <", `create_time < "`+rfc(m[3])+`"`, codes.OK, names(m[0], m[1], m[2]))
	list("create_time >= an hour ago", `create_time >= "`+time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)+`"`, codes.OK, names(m...))
	list("create_time >= in an hour", `create_time >= "`+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)+`"`, codes.OK, nil)
	list("create_time window", `create_time >= "`+rfc(m[0])+`" AND create_time < "`+rfc(m[3])+`" AND state = QUEUED`, codes.OK, names(m[0], m[2]))
	list("create_time not RFC 3339", `create_time >= "yesterday"`, codes.InvalidArgument, nil, "filter")
	list("create_time with =", `create_time = "`+rfc(m[0])+`"`, codes.InvalidArgument, nil, "filter")
	list("channel not a name", `channel = "mini"`, codes.InvalidArgument, nil, "filter")
	list("template not a name", `template = "channels/mini"`, codes.InvalidArgument, nil, "filter")
	list("unknown state", `state = DELIVERED`, codes.InvalidArgument, nil, "filter")
	list("unknown field", `recipient = "x"`, codes.InvalidArgument, nil, "filter")
	e.runBoth(transportCase{name: "other tenant sees none", token: e.key("globex", "admin"), grpcMethod: mListMessages, grpcReq: &reachv1.ListMessagesRequest{},
		grpcResp: &reachv1.ListMessagesResponse{}, httpMethod: "GET", httpPath: "/v1/messages", want: codes.OK,
		httpCheck: func(body map[string]any) {
			if body["messages"] != nil {
				t.Errorf("another tenant lists acme's messages: %v", body["messages"])
			}
		}})

	// Pages of 4 over 6 messages, each visited once, over both transports.
	for _, viaHTTP := range []bool{false, true} {
		var seen []string
		token, pages := "", 0
		for ; ; pages++ {
			resp := &reachv1.ListMessagesResponse{}
			if viaHTTP {
				code, body := e.httpCall(e.admin(), "GET", "/v1/messages?page_size=4&page_token="+url.QueryEscape(token), nil)
				if code != 200 {
					t.Fatalf("page: %d %v", code, body)
				}
				remarshal(t, body, resp)
			} else {
				e.must(mListMessages, &reachv1.ListMessagesRequest{PageSize: 4, PageToken: token}, resp)
			}
			seen = append(seen, names(resp.Messages...)...)
			if token = resp.NextPageToken; token == "" {
				break
			}
		}
		if !slices.Equal(seen, names(m...)) || pages != 1 {
			t.Errorf("paged listing (HTTP %v, %d pages): %v", viaHTTP, pages+1, seen)
		}
	}
}

func TestCancelRetryMessages(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	var m []*reachv1.Message
	for i := 0; i < 6; i++ {
		m = append(m, e.send(miniSend("mini", "order", fmt.Sprintf("cr-%d", i), uid("2088000000000001"))))
	}
	cancel := func(name, g, h, reason string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mCancelMessage, grpcReq: &reachv1.CancelMessageRequest{Name: g, Reason: reason},
			grpcResp: &reachv1.CancelMessageResponse{}, httpMethod: "POST", httpPath: "/v1/" + h + ":cancel", httpBody: `{"reason":` + jsonString(reason) + `}`, want: want, fields: fields}
	}
	retry := func(name, g, h string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mRetryMessage, grpcReq: &reachv1.RetryMessageRequest{Name: g},
			grpcResp: &reachv1.RetryMessageResponse{}, httpMethod: "POST", httpPath: "/v1/" + h + ":retry", httpBody: `{}`, want: want, fields: fields}
	}

	// Retry of a QUEUED message is refused.
	r := retry("retry a QUEUED message", m[0].Name, m[0].Name, codes.FailedPrecondition)
	r.msg = "only FAILED or EXPIRED messages can be retried"
	e.runBoth(r)

	// Cancel a queued message (m[0] over gRPC, m[1] over HTTP), then again.
	c := cancel("cancel", m[0].Name, m[1].Name, "customer changed their mind", codes.OK)
	cancelled := func(x *reachv1.Message) {
		if x.State != reachv1.MessageState_MESSAGE_STATE_CANCELLED || x.StateReason != "customer changed their mind" {
			t.Errorf("cancelled: %v", x)
		}
	}
	c.grpcCheck = func() { cancelled(c.grpcResp.(*reachv1.CancelMessageResponse).Message) }
	c.httpCheck = func(body map[string]any) { x := &reachv1.Message{}; remarshal(t, body["message"], x); cancelled(x) }
	e.runBoth(c)
	again := cancel("cancel again", m[0].Name, m[1].Name, "", codes.FailedPrecondition)
	again.msg = "is CANCELLED; only QUEUED or SENDING messages can be cancelled"
	e.runBoth(again)
	e.runBoth(retry("retry a CANCELLED message", m[0].Name, m[1].Name, codes.FailedPrecondition))
	e.runBoth(cancel("default reason", m[2].Name, m[3].Name, "", codes.OK))
	got := &reachv1.GetMessageResponse{}
	e.must(mGetMessage, &reachv1.GetMessageRequest{Name: m[2].Name}, got)
	if got.Message.State != reachv1.MessageState_MESSAGE_STATE_CANCELLED || got.Message.StateReason == "" {
		t.Errorf("cancelled without reason: %v", got.Message)
	}

	// FAILED and EXPIRED messages can be retried: QUEUED again with a fresh expiry.
	e.setMessageState(m[4].Name, "FAILED")
	e.setMessageState(m[5].Name, "EXPIRED")
	e.runBoth(cancel("cancel a FAILED message", m[4].Name, m[4].Name, "", codes.FailedPrecondition))
	r = retry("retry FAILED (gRPC) and EXPIRED (HTTP)", m[4].Name, m[5].Name, codes.OK)
	requeued := func(x *reachv1.Message) {
		if x.State != reachv1.MessageState_MESSAGE_STATE_QUEUED || x.ExpireTime.AsTime().Before(time.Now().Add(6*24*time.Hour)) || x.Attempts != 5 {
			t.Errorf("retried: %v", x)
		}
	}
	r.grpcCheck = func() { requeued(r.grpcResp.(*reachv1.RetryMessageResponse).Message) }
	r.httpCheck = func(body map[string]any) { x := &reachv1.Message{}; remarshal(t, body["message"], x); requeued(x) }
	e.runBoth(r)
	e.runBoth(retry("retry again, now QUEUED", m[4].Name, m[5].Name, codes.FailedPrecondition))

	// Names, tenants and roles.
	missing := "messages/0190c0de-0000-7000-8000-000000000000"
	e.runBoth(cancel("cancel: reason too long", m[4].Name, m[4].Name, strings.Repeat("r", 501), codes.InvalidArgument, "reason"))
	e.runBoth(cancel("cancel: missing", missing, missing, "", codes.NotFound))
	e.runBoth(cancel("cancel: bad name", "messages/X", "messages/X", "", codes.InvalidArgument, "name"))
	e.runBoth(cancel("cancel: other tenant's", m[4].Name, m[4].Name, "", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(cancel("cancel: viewer", m[4].Name, m[4].Name, "", codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(retry("retry: missing", missing, missing, codes.NotFound))
	e.runBoth(retry("retry: bad name", "messages/X", "messages/X", codes.InvalidArgument, "name"))
	e.runBoth(retry("retry: other tenant's", m[4].Name, m[4].Name, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(retry("retry: viewer", m[4].Name, m[4].Name, codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(cancel("cancel: sender", m[4].Name, m[5].Name, "", codes.OK).withToken(e.key("acme", "sender")))
}

func TestListMessageEvents(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	msg := e.send(miniSend("mini", "order", "ev", uid("2088000000000001")))
	events := func(name, parent string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mListMessageEvents, grpcReq: &reachv1.ListMessageEventsRequest{Parent: parent},
			grpcResp: &reachv1.ListMessageEventsResponse{}, httpMethod: "GET", httpPath: "/v1/" + parent + "/events", want: want, fields: fields}
	}
	// Without a dispatcher the timeline is the creation, then the client's cancel.
	c := events("events", msg.Name, codes.OK)
	c.grpcCheck = func() {
		evs := c.grpcResp.(*reachv1.ListMessageEventsResponse).Events
		if len(evs) != 1 || evs[0].Kind != "QUEUED" || evs[0].State != reachv1.MessageState_MESSAGE_STATE_QUEUED || !evs[0].Time.AsTime().Equal(msg.CreateTime.AsTime()) {
			t.Fatalf("events of a new message: %v", evs)
		}
	}
	e.runBoth(c)
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: msg.Name, Reason: "changed my mind"}, &reachv1.CancelMessageResponse{})
	c = events("events after a cancel", msg.Name, codes.OK)
	c.httpCheck = func(body map[string]any) {
		evs, _ := body["events"].([]any)
		if len(evs) != 2 {
			t.Fatalf("events after a cancel: %v", body)
		}
		last := evs[1].(map[string]any)
		if last["kind"] != "CANCELLED" || last["state"] != "MESSAGE_STATE_CANCELLED" || last["description"] != "changed my mind" {
			t.Fatalf("cancel event: %v", last)
		}
	}
	e.runBoth(c)
	e.runBoth(events("events of a missing message", "messages/0190c0de-0000-7000-8000-000000000000", codes.NotFound))
	e.runBoth(events("events of a bad name", "messages/X", codes.InvalidArgument, "parent"))
	e.runBoth(events("events of another tenant's message", msg.Name, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(events("viewer", msg.Name, codes.OK).withToken(e.key("acme", "viewer")))
	bad := events("bad page token", msg.Name, codes.InvalidArgument, "page_token")
	bad.grpcReq = &reachv1.ListMessageEventsRequest{Parent: msg.Name, PageToken: "abc"}
	bad.httpPath += "?pageToken=abc"
	e.runBoth(bad)
}

// TestCancelRacesDispatcher: a message a dispatcher holds (it may be at Alipay) cannot be
// cancelled; one waiting for a retry can; a re-driven message keeps its timeline.
func TestCancelRacesDispatcher(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	ctx := context.Background()
	msg := e.send(miniSend("mini", "order", "race-1", uid("2088000000000001")))
	claimed, err := e.store.ClaimMessages(ctx, store.ClaimRequest{Owner: "dispatcher-1", Now: time.Now(), Lease: time.Minute, Limit: 10})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	c := transportCase{name: "cancel a held message", token: e.admin(), grpcMethod: mCancelMessage,
		grpcReq: &reachv1.CancelMessageRequest{Name: msg.Name}, grpcResp: &reachv1.CancelMessageResponse{},
		httpMethod: "POST", httpPath: "/v1/" + msg.Name + ":cancel", httpBody: map[string]any{}, want: codes.FailedPrecondition,
		msg: "being handed to Alipay"}
	e.runBoth(c)

	// The dispatcher's attempt was unknown: the message waits for a retry, unleased.
	_, err = e.store.CompleteDeliveries(ctx, "dispatcher-1", []*store.Outcome{{TenantID: claimed[0].TenantID, MessageID: claimed[0].ID,
		State: "SENDING", StateReason: "attempt 1 of 5 failed", Attempts: 1, DueTime: time.Now().Add(time.Hour),
		Events: []*store.MessageEvent{{Kind: store.EventAttempt, State: "SENDING", Description: "20000", Attempt: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	c.name, c.want, c.msg = "cancel a message waiting for a retry", codes.OK, ""
	c.grpcReq, c.grpcResp = &reachv1.CancelMessageRequest{Name: msg.Name, Reason: "too late now"}, &reachv1.CancelMessageResponse{}
	c.httpBody = map[string]any{"reason": "too late now"}
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.CancelMessageResponse).Message; got.State != reachv1.MessageState_MESSAGE_STATE_CANCELLED || got.Attempts != 1 {
			t.Fatalf("cancelled: %v", got)
		}
	}
	c.httpCheck = func(map[string]any) {}
	// One transport cancels, the other finds it CANCELLED already.
	if err := e.call(e.admin(), mCancelMessage, c.grpcReq, c.grpcResp); err != nil {
		t.Fatal(err)
	}
	c.grpcCheck()
	evs := &reachv1.ListMessageEventsResponse{}
	e.must(mListMessageEvents, &reachv1.ListMessageEventsRequest{Parent: msg.Name}, evs)
	var kinds []string
	for _, ev := range evs.Events {
		kinds = append(kinds, ev.Kind)
	}
	if strings.Join(kinds, ",") != "QUEUED,ATTEMPT,CANCELLED" {
		t.Fatalf("timeline %v", kinds)
	}
}

// TestListMessageEventsPages: the message's creation counts toward the first page, so no
// page holds more than page_size events, and the pages of any size add up to the timeline
// (the first page held one event too many, a new-user trial found).
func TestListMessageEventsPages(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	msg := e.send(miniSend("mini", "order", "pages", uid("2088000000000001")))
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: msg.Name, Reason: "one"}, &reachv1.CancelMessageResponse{})
	e.setMessageState(msg.Name, "FAILED")
	e.must(mRetryMessage, &reachv1.RetryMessageRequest{Name: msg.Name}, &reachv1.RetryMessageResponse{})
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: msg.Name, Reason: "two"}, &reachv1.CancelMessageResponse{})
	whole := &reachv1.ListMessageEventsResponse{}
	e.must(mListMessageEvents, &reachv1.ListMessageEventsRequest{Parent: msg.Name}, whole)
	if len(whole.Events) != 4 || whole.NextPageToken != "" {
		t.Fatalf("the whole timeline: %v", whole)
	}
	kinds := func(evs []*reachv1.MessageEvent) (out []string) {
		for _, ev := range evs {
			out = append(out, ev.Kind+"/"+ev.Description)
		}
		return out
	}
	for size := int32(1); size <= 5; size++ {
		var got []*reachv1.MessageEvent
		token := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatalf("page size %d: no end", size)
			}
			resp := &reachv1.ListMessageEventsResponse{}
			e.must(mListMessageEvents, &reachv1.ListMessageEventsRequest{Parent: msg.Name, PageSize: size, PageToken: token}, resp)
			if len(resp.Events) > int(size) || len(resp.Events) == 0 {
				t.Fatalf("page size %d: a page of %d", size, len(resp.Events))
			}
			got = append(got, resp.Events...)
			if token = resp.NextPageToken; token == "" {
				break
			}
		}
		if !slices.Equal(kinds(got), kinds(whole.Events)) {
			t.Errorf("page size %d: %v, want %v", size, kinds(got), kinds(whole.Events))
		}
	}
	// A message with nothing stored yet: a first page of one is the whole timeline.
	fresh := e.send(miniSend("mini", "order", "pages-2", uid("2088000000000002")))
	resp := &reachv1.ListMessageEventsResponse{}
	e.must(mListMessageEvents, &reachv1.ListMessageEventsRequest{Parent: fresh.Name, PageSize: 1}, resp)
	if len(resp.Events) != 1 || resp.NextPageToken != "" {
		t.Fatalf("a new message, page of one: %v", resp)
	}
}

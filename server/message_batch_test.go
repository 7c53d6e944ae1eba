package server

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func (e *testEnv) batchCase(name string, g, h *reachv1.BatchSendMessagesRequest, want codes.Code, fields ...string) transportCase {
	if h == nil {
		h = g
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mBatchSend, grpcReq: g, grpcResp: &reachv1.BatchSendMessagesResponse{},
		httpMethod: "POST", httpPath: "/v1/messages:batchSend", httpBody: h, want: want, fields: fields}
}

func batchOf(c transportCase) *reachv1.BatchSendMessagesResponse {
	return c.grpcResp.(*reachv1.BatchSendMessagesResponse)
}

func httpBatch(t *testing.T, body map[string]any) *reachv1.BatchSendMessagesResponse {
	r := &reachv1.BatchSendMessagesResponse{}
	remarshal(t, body, r)
	return r
}

// recipients returns n recipients with user ids 2088 followed by from, from+1, …
func recipients(from, n int) []*reachv1.Recipient {
	out := make([]*reachv1.Recipient, n)
	for i := range out {
		out[i] = &reachv1.Recipient{User: uid(fmt.Sprintf("2088%012d", from+i))}
	}
	return out
}

func withBatch(r *reachv1.BatchSendMessagesRequest, mod func(*reachv1.BatchSendMessagesRequest)) *reachv1.BatchSendMessagesRequest {
	c := proto.Clone(r).(*reachv1.BatchSendMessagesRequest)
	mod(c)
	return c
}

// countRequest is how many messages a request id created.
func (e *testEnv) countRequest(requestID string) int {
	e.t.Helper()
	resp := &reachv1.ListMessagesResponse{}
	e.must(mListMessages, &reachv1.ListMessagesRequest{Filter: `request_id = "` + requestID + `"`, PageSize: 1000}, resp)
	return len(resp.Messages)
}

func TestBatchSendMessages(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	const order = "channels/mini/templates/order"
	shared := map[string]string{"keyword1": "1001", "keyword2": "SF"}

	// 1000 recipients: one message each, in order.
	big := &reachv1.BatchSendMessagesRequest{RequestId: "big-g", Template: order, Recipients: recipients(1, 1000), Data: shared}
	c := e.batchCase("1000 recipients", big, withBatch(big, func(r *reachv1.BatchSendMessagesRequest) { r.RequestId = "big-h" }), codes.OK)
	inOrder := func(r *reachv1.BatchSendMessagesResponse) {
		if r.Replayed || len(r.Messages) != 1000 {
			t.Fatalf("1000 recipients: %d messages, replayed %v", len(r.Messages), r.Replayed)
		}
		for i, m := range r.Messages {
			if want := fmt.Sprintf("2088%012d", 1+i); m.Recipient.GetUserId() != want || m.State != reachv1.MessageState_MESSAGE_STATE_QUEUED || m.Data["keyword2"] != "SF" {
				t.Fatalf("message %d: %v, want recipient %s", i, m, want)
			}
		}
	}
	c.grpcCheck = func() { inOrder(batchOf(c)) }
	c.httpCheck = func(body map[string]any) { inOrder(httpBatch(t, body)) }
	e.runBoth(c)
	if n, m := e.countRequest("big-g"), e.countRequest("big-h"); n != 1000 || m != 1000 {
		t.Errorf("stored %d and %d messages, want 1000 each", n, m)
	}

	// Per-recipient data is merged over the shared data and wins.
	merge := &reachv1.BatchSendMessagesRequest{RequestId: "merge", Template: order, Data: map[string]string{"keyword1": "shared"}, Recipients: []*reachv1.Recipient{
		{User: uid("2088000000000001"), Data: map[string]string{"keyword2": "SF"}},
		{User: oid("open-2"), Data: map[string]string{"keyword1": "own", "keyword2": "EMS"}},
	}}
	c = e.batchCase("per-recipient data", merge, nil, codes.OK)
	merged := func(r *reachv1.BatchSendMessagesResponse) {
		if len(r.Messages) != 2 || r.Messages[0].Data["keyword1"] != "shared" || r.Messages[0].Data["keyword2"] != "SF" ||
			r.Messages[1].Data["keyword1"] != "own" || r.Messages[1].Data["keyword2"] != "EMS" || r.Messages[1].Recipient.GetOpenId() != "open-2" {
			t.Errorf("merged data: %v", r.Messages)
		}
	}
	c.grpcCheck = func() { merged(batchOf(c)) }
	// The HTTP call is the replay of the gRPC call: same messages in the same order.
	c.httpCheck = func(body map[string]any) {
		r := httpBatch(t, body)
		merged(r)
		if !r.Replayed || len(r.Messages) != 2 || r.Messages[0].Name != batchOf(c).Messages[0].Name || r.Messages[1].Name != batchOf(c).Messages[1].Name {
			t.Errorf("replayed batch: %v", r)
		}
	}
	e.runBoth(c)
	if n := e.countRequest("merge"); n != 2 {
		t.Errorf("replayed batch stored %d messages, want 2", n)
	}
	// Only recipient data, no shared data.
	e.runBoth(e.batchCase("recipient data only", &reachv1.BatchSendMessagesRequest{Template: order, Recipients: []*reachv1.Recipient{
		{User: uid("2088000000000001"), Data: shared}}}, nil, codes.OK))
	// Alipay+ with shared localizations.
	e.runBoth(e.batchCase("alipay+ localizations", &reachv1.BatchSendMessagesRequest{Template: "channels/plus/templates/promo",
		Recipients:    []*reachv1.Recipient{{User: cid("cust-1")}, {User: cid("cust-2")}},
		Localizations: []*reachv1.LocalizedData{{Language: "en-US", Data: map[string]string{"amount": "1"}}}}, nil, codes.OK))

	// A reused request id with other content, or for a single send.
	reuse := e.batchCase("request id reused with other recipients", withBatch(merge, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients = r.Recipients[:1] }), nil, codes.AlreadyExists)
	reuse.msg = `request_id "merge" was already used`
	e.runBoth(reuse)
	e.runBoth(e.sendCase("request id of a batch reused by a send", &reachv1.SendMessageRequest{RequestId: "merge", Template: order, Recipient: uid("2088000000000001"),
		Data: map[string]string{"keyword1": "shared", "keyword2": "SF"}}, nil, codes.AlreadyExists))

	// Invalid batches are refused whole.
	base := &reachv1.BatchSendMessagesRequest{RequestId: "bad", Template: order, Data: shared, Recipients: recipients(1, 5)}
	for _, x := range []struct {
		name   string
		req    *reachv1.BatchSendMessagesRequest
		fields []string
	}{
		{"1001 recipients", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients = recipients(1, 1001) }), []string{"recipients"}},
		{"no recipients", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients = nil }), []string{"recipients"}},
		{"duplicate user", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients[3].User = uid("2088000000000002") }), []string{"recipients[3].user"}},
		{"recipient without user", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients[2].User = nil }), []string{"recipients[2].user"}},
		{"one bad user id", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients[4].User = uid("123") }), []string{"recipients[4].user.user_id"}},
		{"one recipient misses a keyword", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) {
			r.Data = map[string]string{"keyword1": "1"}
			for i, rc := range r.Recipients {
				if i != 3 {
					rc.Data = map[string]string{"keyword2": "SF"}
				}
			}
		}), []string{"recipients[3].data[keyword2]"}},
		{"one recipient's value too long", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) {
			r.Recipients[1].Data = map[string]string{"keyword1": strings.Repeat("长", 51)}
		}), []string{"recipients[1].data[keyword1]"}},
		{"extra keyword for one recipient", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients[0].Data = map[string]string{"keyword9": "x"} }), []string{"recipients[0].data[keyword9]"}},
		{"customer_id on a mini program", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Recipients[0].User = cid("c-1") }), []string{"recipients[0].user"}},
		{"unknown template", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Template = "channels/mini/templates/nope" }), []string{"template"}},
		{"bad request id", withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.RequestId = "bad id!" }), []string{"request_id"}},
		{"alipay+ data and localizations", &reachv1.BatchSendMessagesRequest{Template: "channels/plus/templates/promo", Recipients: []*reachv1.Recipient{{User: cid("c-1"), Data: map[string]string{"amount": "1"}}},
			Localizations: []*reachv1.LocalizedData{{Language: "en-US", Data: map[string]string{"amount": "1"}}}}, []string{"recipients[0].data"}},
	} {
		e.runBoth(e.batchCase(x.name, x.req, nil, codes.InvalidArgument, x.fields...))
	}
	if n := e.countRequest("bad"); n != 0 {
		t.Errorf("refused batches stored %d messages", n)
	}
	// A systematic mistake over 1000 recipients lists at most 50 violations and counts the rest.
	err := e.call(e.admin(), mBatchSend, withBatch(base, func(r *reachv1.BatchSendMessagesRequest) { r.Data, r.Recipients = nil, recipients(1, 1000) }), &reachv1.BatchSendMessagesResponse{})
	if v := grpcViolations(err); codeOf(err) != codes.InvalidArgument || len(v) != 50 || !strings.Contains(err.Error(), "(and 1999 more)") {
		t.Errorf("1000 recipients without data: %d violations, %v", len(v), err)
	}
	e.runBoth(e.batchCase("viewer", base, nil, codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(e.batchCase("other tenant's template", base, nil, codes.InvalidArgument, "template").withToken(e.key("globex", "admin")))
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: order, State: reachv1.TemplateState_TEMPLATE_STATE_INVALID}, UpdateMask: mask("state")},
		&reachv1.UpdateTemplateResponse{})
	e.runBoth(e.batchCase("INVALID template", base, nil, codes.FailedPrecondition))
}

// TestBatchReplayKeepsOrder: a replayed batch returns the stored messages in the order of
// the original request, whatever their ids.
func TestBatchReplayKeepsOrder(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	req := &reachv1.BatchSendMessagesRequest{RequestId: "order-check", Template: "channels/mini/templates/order",
		Data: map[string]string{"keyword1": "1", "keyword2": "2"}, Recipients: recipients(500, 300)}
	slices.Reverse(req.Recipients)
	first := &reachv1.BatchSendMessagesResponse{}
	e.must(mBatchSend, req, first)
	c := e.batchCase("replay", req, nil, codes.OK)
	same := func(r *reachv1.BatchSendMessagesResponse) {
		if !r.Replayed || len(r.Messages) != len(first.Messages) {
			t.Fatalf("replay: replayed %v, %d messages", r.Replayed, len(r.Messages))
		}
		for i := range r.Messages {
			if r.Messages[i].Name != first.Messages[i].Name || r.Messages[i].Recipient.GetUserId() != req.Recipients[i].User.GetUserId() {
				t.Fatalf("replayed message %d is %s for %v, want %s", i, r.Messages[i].Name, r.Messages[i].Recipient, first.Messages[i].Name)
			}
		}
	}
	c.grpcCheck = func() { same(batchOf(c)) }
	c.httpCheck = func(body map[string]any) { same(httpBatch(t, body)) }
	e.runBoth(c)
}

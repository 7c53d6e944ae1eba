package server

import (
	"testing"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// A message has a category: TRANSACTIONAL unless the request says MARKETING. An explicit
// TRANSACTIONAL is the same request as none (a retry that adds it replays); MARKETING
// under the same request id is other content.
func TestSendCategory(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	alice := uid("2088000000000001")
	const (
		unset         = reachv1.MessageCategory_MESSAGE_CATEGORY_UNSPECIFIED
		transactional = reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL
		marketing     = reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING
	)
	category := func(c reachv1.MessageCategory) func(*reachv1.SendMessageRequest) {
		return func(r *reachv1.SendMessageRequest) { r.Category = c }
	}
	check := func(c transportCase, want reachv1.MessageCategory, replayed bool) transportCase {
		c.grpcCheck = func() {
			if r := sentOf(c); r.Message.Category != want || r.Replayed != replayed {
				t.Errorf("%s over gRPC: category %v replayed %v, want %v %v", c.name, r.Message.Category, r.Replayed, want, replayed)
			}
		}
		c.httpCheck = func(body map[string]any) {
			if r := httpSent(t, body); r.Message.Category != want || r.Replayed != replayed {
				t.Errorf("%s over HTTP: category %v replayed %v, want %v %v", c.name, r.Message.Category, r.Replayed, want, replayed)
			}
		}
		return c
	}
	e.runBoth(check(e.sendCase("unset is transactional", with(miniSend("mini", "order", "cat-g", alice), category(unset)),
		with(miniSend("mini", "order", "cat-h", alice), category(unset)), codes.OK), transactional, false))
	e.runBoth(check(e.sendCase("no request id, no category", miniSend("mini", "order", "", alice), nil, codes.OK), transactional, false))
	mkt := with(miniSend("mini", "order", "", alice), category(marketing))
	e.runBoth(check(e.sendCase("marketing", mkt, nil, codes.OK), marketing, false))

	// Retries: adding the default replays; changing the category is other content.
	e.runBoth(check(e.sendCase("explicit transactional replays", with(miniSend("mini", "order", "cat-g", alice), category(transactional)),
		with(miniSend("mini", "order", "cat-h", alice), category(transactional)), codes.OK), transactional, true))
	e.runBoth(e.sendCase("marketing under a transactional request id", with(miniSend("mini", "order", "cat-g", alice), category(marketing)),
		with(miniSend("mini", "order", "cat-h", alice), category(marketing)), codes.AlreadyExists))

	// An undefined category is refused, naming the field.
	e.runBoth(e.sendCase("undefined category", with(miniSend("mini", "order", "", alice), category(7)), nil, codes.InvalidArgument, "category"))

	// Batches carry the category to every message, and Get shows it.
	resp := &reachv1.BatchSendMessagesResponse{}
	e.must(mBatchSend, &reachv1.BatchSendMessagesRequest{Template: "channels/mini/templates/order", Category: marketing,
		Data:       map[string]string{"keyword1": "1001", "keyword2": "SF"},
		Recipients: []*reachv1.Recipient{{User: uid("2088000000000002")}, {User: uid("2088000000000003")}}}, resp)
	for _, m := range resp.Messages {
		got := &reachv1.GetMessageResponse{}
		e.must(mGetMessage, &reachv1.GetMessageRequest{Name: m.Name}, got)
		if m.Category != marketing || got.Message.Category != marketing {
			t.Errorf("batch message %s: category %v, read back %v", m.Name, m.Category, got.Message.Category)
		}
	}
}

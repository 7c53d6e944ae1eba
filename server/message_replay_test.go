package server

import (
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestReplayAfterTemplateChanges: a request id seen before is answered with the message it
// created even when the request would no longer validate (template INVALID or deleted), so
// a client retrying after a timeout never gets an error that invites a second send.
func TestReplayAfterTemplateChanges(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "order", "ext-order")
	send := &reachv1.SendMessageRequest{
		RequestId: "order-1", Template: "channels/mini/templates/order",
		Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}},
		Data:      map[string]string{"keyword1": "1001", "keyword2": "SF"},
	}
	first := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, send, first)
	batch := &reachv1.BatchSendMessagesRequest{RequestId: "batch-1", Template: send.Template, Data: send.Data,
		Recipients: []*reachv1.Recipient{{User: send.Recipient}}}
	firstBatch := &reachv1.BatchSendMessagesResponse{}
	e.must(mBatchSend, batch, firstBatch)

	replay := func(when string) {
		t.Helper()
		again := &reachv1.SendMessageResponse{}
		e.must(mSendMessage, send, again)
		if again.Message.Name != first.Message.Name || !again.Replayed {
			t.Fatalf("%s: replay gave %s (replayed %v), want %s", when, again.Message.Name, again.Replayed, first.Message.Name)
		}
		againBatch := &reachv1.BatchSendMessagesResponse{}
		e.must(mBatchSend, batch, againBatch)
		if len(againBatch.Messages) != 1 || againBatch.Messages[0].Name != firstBatch.Messages[0].Name || !againBatch.Replayed {
			t.Fatalf("%s: batch replay gave %v", when, againBatch)
		}
		other := &reachv1.SendMessageRequest{RequestId: send.RequestId, Template: send.Template, Recipient: send.Recipient,
			Data: map[string]string{"keyword1": "1002", "keyword2": "SF"}}
		if err := e.call(e.admin(), mSendMessage, other, &reachv1.SendMessageResponse{}); status.Code(err) != codes.AlreadyExists {
			t.Fatalf("%s: same id, other content: %v", when, err)
		}
	}
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{
		Template:   &reachv1.Template{Name: "channels/mini/templates/order", State: reachv1.TemplateState_TEMPLATE_STATE_INVALID},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"state"}},
	}, &reachv1.UpdateTemplateResponse{})
	replay("template INVALID")
	e.must(mDeleteTemplate, &reachv1.DeleteTemplateRequest{Name: "channels/mini/templates/order"}, &reachv1.DeleteTemplateResponse{})
	replay("template deleted")
}

package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestWalkThrough follows the README: channel, template, subscription, send, replay.
func TestWalkThrough(t *testing.T) {
	e := newTestEnv(t)
	ch := e.createChannel("acme-mini", miniChannel(t))
	if ch.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED || ch.GetOpenPlatform().AppPrivateKey != "" {
		t.Fatalf("created channel: state %v, private key returned: %v", ch.State, ch.GetOpenPlatform().AppPrivateKey != "")
	}
	if fp := ch.GetOpenPlatform().GetAppPrivateKeyInfo().GetFingerprint(); !strings.HasPrefix(fp, "SHA256:") {
		t.Fatalf("fingerprint %q", fp)
	}
	e.oneTimeTemplate("acme-mini", "order-shipped", "tpl-ext-1")

	rec := &reachv1.RecordSubscribeResultResponse{}
	e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{
		Parent: "channels/acme-mini", User: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}},
		ResultJson: `{"behavior":"subscribe","show":true,"result":{"subscribeEntityIds":["tpl-ext-1"],"subscribedEntityIds":["tpl-ext-1"],"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["tpl-ext-1"]},"tpl-ext-1":"accept"}`,
	}, rec)
	if rec.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED || len(rec.Subscriptions) != 1 || rec.Subscriptions[0].RemainingSends != 1 {
		t.Fatalf("record: %v", rec)
	}

	send := &reachv1.SendMessageRequest{
		RequestId: "order-1001", Template: "channels/acme-mini/templates/order-shipped",
		Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}},
		Data:      map[string]string{"keyword1": "1001", "keyword2": "SF"},
	}
	first := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, send, first)
	if first.Message.State != reachv1.MessageState_MESSAGE_STATE_QUEUED || first.Replayed {
		t.Fatalf("send: %v", first)
	}
	again := &reachv1.SendMessageResponse{}
	e.must(mSendMessage, send, again)
	if again.Message.Name != first.Message.Name || !again.Replayed {
		t.Fatalf("replay gave %s (replayed %v), want %s", again.Message.Name, again.Replayed, first.Message.Name)
	}
	send.Data["keyword2"] = "EMS"
	err := e.call(e.admin(), mSendMessage, send, &reachv1.SendMessageResponse{})
	if status.Code(err) != codes.AlreadyExists {
		t.Fatalf("same request id, other content: %v", err)
	}

	code, body := e.httpCall(e.admin(), "GET", "/v1/"+first.Message.Name, nil)
	if code != 200 || body["message"].(map[string]any)["state"] != "MESSAGE_STATE_QUEUED" {
		t.Fatalf("GET message over HTTP: %d %v", code, body)
	}
}

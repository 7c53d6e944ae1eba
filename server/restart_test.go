package server

import (
	"maps"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// snapshot is everything a tenant can read back.
type snapshot struct {
	channels      []*reachv1.Channel
	templates     map[string][]*reachv1.Template
	subscriptions map[string][]*reachv1.Subscription
	messages      []*reachv1.Message
}

func (e *testEnv) snapshot(token string) snapshot {
	e.t.Helper()
	s := snapshot{templates: map[string][]*reachv1.Template{}, subscriptions: map[string][]*reachv1.Subscription{}}
	chs := &reachv1.ListChannelsResponse{}
	e.mustAs(token, mListChannels, &reachv1.ListChannelsRequest{}, chs)
	s.channels = chs.Channels
	for _, c := range chs.Channels {
		tpls := &reachv1.ListTemplatesResponse{}
		e.mustAs(token, mListTemplates, &reachv1.ListTemplatesRequest{Parent: c.Name}, tpls)
		s.templates[c.Name] = tpls.Templates
		subs := &reachv1.ListSubscriptionsResponse{}
		e.mustAs(token, mListSubscriptions, &reachv1.ListSubscriptionsRequest{Parent: c.Name}, subs)
		s.subscriptions[c.Name] = subs.Subscriptions
	}
	msgs := &reachv1.ListMessagesResponse{}
	e.mustAs(token, mListMessages, &reachv1.ListMessagesRequest{PageSize: 1000}, msgs)
	s.messages = msgs.Messages
	return s
}

func equalProtos[M proto.Message](a, b []M) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !proto.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestRestartLosesNothing: stop the server and start a new one on the same database file:
// keys still work and every resource reads back identical.
func TestRestartLosesNothing(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	e := startTestEnv(t, dsn)
	life := lifeChannel(t)
	life.GetOpenPlatform().EncryptKey = testAESKey
	e.createChannel("life", life)
	e.createChannel("mini", miniChannel(t))
	e.createChannel("plus", plusChannel(t))
	e.must(mDisableChannel, &reachv1.DisableChannelRequest{Name: "channels/plus", Reason: "not yet"}, &reachv1.DisableChannelResponse{})
	e.oneTimeTemplate("mini", "order", "tpl-1")
	e.longTermTemplate("mini", "bill", "tpl-2")
	e.lifeTemplate("life", "trade", "TM-1", true)
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{
		Template: "channels/mini/templates/order", User: uid("2088000000000001"), RemainingSends: 3}}, &reachv1.CreateSubscriptionResponse{})
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/life", Subscription: &reachv1.Subscription{User: oid("open-1")}},
		&reachv1.CreateSubscriptionResponse{})
	send := miniSend("mini", "order", "restart-1", uid("2088000000000001"))
	sent := e.send(send)
	e.send(&reachv1.SendMessageRequest{Template: "channels/life/templates/trade", Recipient: oid("open-1"), Data: map[string]string{"keyword1": "1", "keyword2": "2", "first": "hi"}})
	batch := &reachv1.BatchSendMessagesRequest{RequestId: "restart-batch", Template: "channels/mini/templates/bill", Data: map[string]string{"keyword1": "¥1"}, Recipients: recipients(10, 5)}
	e.must(mBatchSend, batch, &reachv1.BatchSendMessagesResponse{})
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: sent.Name}, &reachv1.CancelMessageResponse{})
	sender := e.key("acme", "sender")
	before := e.snapshot(e.admin())
	if len(before.channels) != 3 || len(before.messages) != 7 {
		t.Fatalf("before restart: %d channels, %d messages", len(before.channels), len(before.messages))
	}

	e.stop()
	e.stop() // stopping twice is harmless
	e2 := startTestEnv(t, dsn)
	maps.Copy(e2.keys, e.keys) // the keys live in the database

	after := e2.snapshot(e2.admin())
	if !equalProtos(before.channels, after.channels) {
		t.Errorf("channels changed across the restart:\n%v\n%v", before.channels, after.channels)
	}
	for name := range before.templates {
		if !equalProtos(before.templates[name], after.templates[name]) || !equalProtos(before.subscriptions[name], after.subscriptions[name]) {
			t.Errorf("templates or subscriptions of %s changed across the restart", name)
		}
	}
	if !equalProtos(before.messages, after.messages) {
		t.Errorf("messages changed across the restart:\n%v\n%v", before.messages, after.messages)
	}
	// The sender key still works, and so does idempotency.
	replay := &reachv1.SendMessageResponse{}
	e2.mustAs(sender, mSendMessage, send, replay)
	if !replay.Replayed || replay.Message.Name != sent.Name || replay.Message.State != reachv1.MessageState_MESSAGE_STATE_CANCELLED {
		t.Errorf("replay after restart: %v", replay)
	}
	br := &reachv1.BatchSendMessagesResponse{}
	e2.must(mBatchSend, batch, br)
	if !br.Replayed || len(br.Messages) != 5 {
		t.Errorf("batch replay after restart: %v", br)
	}
	// The sealed secrets still open: an update merges them and keeps the fingerprints.
	up := &reachv1.UpdateChannelResponse{}
	e2.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: "channels/life", DisplayName: "After restart"}, UpdateMask: mask("display_name")}, up)
	if up.Channel.GetOpenPlatform().GetAppPrivateKeyInfo().GetFingerprint() != before.channels[0].GetOpenPlatform().GetAppPrivateKeyInfo().GetFingerprint() ||
		!up.Channel.GetOpenPlatform().GetEncryptKeyInfo().GetSet() {
		t.Errorf("channel after restart and update: %v", up.Channel)
	}
	// Over HTTP too.
	code, body := e2.httpCall(e2.admin(), "GET", "/v1/"+sent.Name, nil)
	got := &reachv1.Message{}
	remarshal(t, body["message"], got)
	var want *reachv1.Message
	for _, m := range before.messages {
		if m.Name == sent.Name {
			want = m
		}
	}
	if code != 200 || !proto.Equal(got, want) {
		t.Errorf("GET message over HTTP after restart: %d %v, want %v", code, body, want)
	}
}
